"""Rules for reading the page's name-and-code lists, where each code runs straight into the next name.

"Căn cứ pháp lý" pairs a document's name with its code ("…phòng cháy105/2025/NĐ-CPsửa đổi…") and
"Kết quả thực hiện" follows each result's name with "Mã: <code>". The hard part of both is where a
code ends and the next name begins, read from where a Vietnamese word starts. As in `pagetext`, each
parser returns what it can read with certainty and a flag saying whether the whole text was understood.
"""
from __future__ import annotations

import regex

from indexer.catalogue.model import LegalRef
from indexer.catalogue.pagetext import NO_INFO, squash

# --- legal basis (Căn cứ pháp lý) ---------------------------------------------------------

_LEGAL_HEAD = "Tên văn bản pháp lýMã văn bản"
_CODE_START = regex.compile(r"(?:(?<!\d)(?<!\d\.)|\G)(?P<num>\d+(?:\.\d+)?(?:\.?[a-z])?)\s?/(?P<year>\d{4})/(?=\p{Lu})")
_NEXT_NUMBER = regex.compile(r"\d+(?:\.\d+)?(?:\.?[a-z])?\s?/\d{4}/")
_PREFIX = regex.compile(r"(?<=\S)(?:(?:Bộ luật|Luật|Nghị định|Nghị quyết|Thông tư liên tịch|Thông tư|Quyết định|"
                        r"Pháp lệnh|Chỉ thị)\s*)?[Ss]ố\s*$|(?<=\S)(?:Bộ luật|Luật|Nghị định|Nghị quyết|"
                        r"Thông tư liên tịch|Thông tư|Quyết định|Pháp lệnh|Chỉ thị)\s+$")
_VOWELS = set("aăâeêioôơuưyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")
_ONSETS = {"ch", "gh", "gi", "kh", "ng", "nh", "ph", "qu", "th", "tr"}
# Words that continue a sentence: a code glued to one of them is inside a name ("…TT-BCAngày 01/7").
_IN_NAME = regex.compile(r"(?:ngày|của|và|được|do|tại|theo|năm)(?!\p{L})")
_PLAIN_CAPS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZĐ")
_ONSET_CAPS = regex.compile(r"(?:NGH|CH|GH|GI|KH|NG|NH|PH|QU|TH|TR|[BCDĐGHKLMNPQRSTVX])?[AEIOUY]*$")


def _starts_word(text: str, i: int) -> bool:
    """True when the capital at `i` opens a Vietnamese word ("Thông", "An"), not an acronym's end ("CPquy")."""
    nxt = text[i + 1:i + 2]
    if not nxt.islower():
        return False
    return nxt in _VOWELS or text[i].lower() in _VOWELS or (text[i] + nxt).lower() in _ONSETS


def _issuer_end(text: str, i: int) -> int:
    """End of an issuer part such as "NĐ-CP", "QĐ-TTg", "QĐ-BCA-C06", "QH13" starting at `i`."""
    end = i
    while True:
        start = i
        if text.startswith("TTg", i):
            i += 3
        while i < len(text) and text[i].isupper() and not (
                i > start and _starts_word(text, i) and text[start:i + 1] != "CP"):  # "NĐ-CPhân cấp"
            if text[i] not in _PLAIN_CAPS:  # an accented capital: a name in capitals ("BCASỬA ĐỔI") began
                i -= len(_ONSET_CAPS.search(text[start:i])[0])
                break
            i += 1
        if i <= start:
            return end
        run = regex.match(r"\d*", text[i:]).end()
        if _NEXT_NUMBER.match(text, i):  # digits glued to the next code's number
            i += 2 if text[start:i].endswith("QH") and run > 2 else 0
        else:
            i += min(run, 3)
        end = i
        if text[i:i + 1] == "-" and text[i + 1:i + 2].isupper():
            i += 1
        else:
            return end


def _codes(text: str) -> list[tuple[int, int, int]]:
    """Every document code in `text`: (start with glued prefix words like "Luật số", number start, end).

    A number glued to a year ("Luật Cư trú 202068/2020/QH14") starts after the year; any other
    number longer than four digits is not read as a code.
    """
    out = []
    pos = 0
    while m := _CODE_START.search(text, pos):
        pos, start = m.end(), m.start()
        if len(m["num"]) > 4:
            if not regex.match(r"(?:19|20)\d\d\d", m["num"]):
                continue
            start += 4
        end = _issuer_end(text, m.end())
        if end == m.end():
            continue
        pos, number = end, start
        if p := _PREFIX.search(text[:start]):
            start = p.start()
        out.append((start, number, end))
    return out


def _is_cell(text: str, start: int, number: int, end: int, codes_at: dict[int, int]) -> bool:
    """True when the code at start:end fills the code column rather than being cited in a name.

    A cell is glued to the next name, or glued to the name before it and then ends or meets
    a space ("…Bộ Tư pháp18/2026/NĐ-CP Nghị định…"); a cited code has a space before it.
    """
    if end == len(text):
        return True
    ch = text[end]
    if ch.isspace():
        return text[start - 1].isalnum()
    if ch.isdigit():
        # "Luật 54/2014/QH13" + "54/2014/QH13": a code repeated at once ends a name, then fills the cell
        return end not in codes_at or text[number:end] != text[end:codes_at[end]]
    if ch.isupper():
        return not (_IN_NAME.match(text, end + 1) and text[end + 1:end + 2].islower())
    if ch.islower():
        return not _IN_NAME.match(text, end)
    return False


def parse_legal_basis(text: str) -> tuple[tuple[LegalRef, ...], bool]:
    """Name/code pairs of the "Căn cứ pháp lý" table, where each code is glued to the next name.

    A code in a name is followed by a space or punctuation; a code in the code column runs
    straight into the next name, so that border is where one pair ends.
    """
    body = text.strip()
    if body in ("", NO_INFO):
        return (), True
    ok = body.startswith(_LEGAL_HEAD)
    body = body.removeprefix(_LEGAL_HEAD).rstrip(" .;,")
    codes = _codes(body)
    starts = {number: end for _, number, end in codes}
    refs: list[LegalRef] = []
    pos = 0
    for start, number, end in codes:
        name = body[pos:start].strip()
        if start < pos or not name or not _is_cell(body, start, number, end, starts):
            continue
        refs.append(LegalRef(squash(body[start:end]), squash(name)))
        pos = end
    return tuple(refs), ok and pos == len(body) and bool(refs)


# --- results (Kết quả thực hiện) ----------------------------------------------------------

_RESULT_END = regex.compile(r"Từ khóa|Chọn cơ quan thực hiện|Mô tả" + NO_INFO)
_RESULT_CODE = regex.compile(r"Mã:\s*")


def _result_code_end(text: str, i: int) -> int:
    """End of a result code ("KQ.G01.000067", "G19-KQ0060102") glued to the next result's name."""
    start = i
    while i < len(text) and (text[i].isdigit() or text[i] in ".-_" or (text[i].isupper() and not (
            i > start and _starts_word(text, i)))):
        i += 1
    return i


def parse_results(text: str) -> tuple[tuple[str, ...], bool]:
    """Result names of "Kết quả thực hiện": each is followed by "Mã: <code>"; page chrome after is cut."""
    body = text.strip()
    if m := _RESULT_END.search(body):
        body = body[:m.start()]
    body = body.strip()
    if body in ("", NO_INFO):
        return (), True
    results: list[str] = []
    pos = 0
    for m in _RESULT_CODE.finditer(body):
        if m.start() < pos:
            continue
        name = body[pos:m.start()].strip()
        end = _result_code_end(body, m.end())
        if not name or end == m.end():
            return tuple(results), False
        results.append(squash(name))
        pos = end
    if pos < len(body):
        tail = body[pos:].strip()
        return tuple(results) + ((tail,) if tail else ()), False
    return tuple(results), True
