"""Remove personal data before anything is stored or logged.

Citizens paste CCCD numbers, phone numbers, e-mails, bank accounts, their name
and their address into chats. Text is NFKC-normalised first (full-width
digits, look-alike forms) and invisible characters are removed, so
"０９１２ ３４５ ６７８" cannot slip through. Numbers that help staff and are not
personal (dates, money amounts, dossier and procedure codes) are set aside
before the number rules run, so they survive. Addresses, and names written in
lower case, are only recognised after an explicit cue ("tên tôi là", "địa chỉ:"),
with or without diacritics; a capitalised full name is removed anywhere
(bot/privacy/people.py). When unsure, more is removed rather than less.
"""
from __future__ import annotations

import logging
import re
import unicodedata

from bot.privacy.folding import fold as _fold
from bot.privacy.people import full_names, without_people
from indexer.vntext import INVISIBLE

PLACEHOLDERS = {"email": "[email]", "bank": "[số tài khoản]", "phone": "[số điện thoại]",
                "id": "[số giấy tờ]", "digits": "[dãy số]", "name": "[tên]", "address": "[địa chỉ]"}
_PLACEHOLDER = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS.values()))


def without_placeholders(text: str) -> str:
    """Redacted text with its placeholders blanked: "[số điện thoại]" stands for digits, not for words said."""
    return _PLACEHOLDER.sub(" ", text)

# ---- characters
# Keycap and variation selectors (0️⃣), Hangul fillers and private-use characters (used below as markers).
_IGNORABLE = re.compile("[\ufe00-\ufe0f\u20e3\u115f\u1160\u3164\uffa0\ue000-\uf8ff]")
_MARK = 0xE000  # protected spans become one private-use character each while the rules run


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")  # zero-width, bidi, soft hyphen, tags
    return _IGNORABLE.sub("", INVISIBLE.sub("", text))


# ---- numbers
# how people group digits: 0912.345.678, 0912 - 345 - 678, (028) 3829 5678
_SEP = r"(?:[ \u00a0]?[.\-–—_·()][ \u00a0]?|[ \u00a0])?"
_START = r"(?<!\d)(?<!\d[ .\-])"
_END = rf"(?!{_SEP}\d)"
_PHONE = re.compile(rf"{_START}(?:\(?\+\s?84\)?|\(?84\)?)(?:{_SEP}\d){{9,10}}{_END}"
                    rf"|{_START}\(?0(?:{_SEP}\d){{9,10}}{_END}")
_ID12 = re.compile(rf"{_START}\d(?:{_SEP}\d){{11}}{_END}")
_ID9 = re.compile(rf"{_START}\d(?:{_SEP}\d){{8}}{_END}")
_PASSPORT = re.compile(r"(?<!\w)[A-Za-z]\d{7}(?!\w)")
_LONG_DIGITS = re.compile(rf"{_START}\d(?:{_SEP}\d){{8,}}")
# the look-behind starts a match only where a run of name characters starts: the same matches, but a long
# run without "@" (10,000 "a"s) costs linear time instead of quadratic (seconds per message)
_EMAIL = re.compile(r"(?<![\w.+\-])[\w.+\-]+\s?(?:@|\(at\)|\[at\])\s?[\w\-]+(?:\s?\.\s?[A-Za-z0-9\-]+(?!\w))+", re.I)
_BANKS = (r"stk|s[ốo] t[àa]i kho[ảa]n|s[ốo] tk|t[àa]i kho[ảa]n(?: ng[âa]n h[àa]ng)?|tk|account|"
          r"vietcombank|vcb|bidv|agribank|vietinbank|techcombank|tcb|mb ?bank|mbb|acb|tpbank|sacombank|vpbank|"
          r"shb|hdbank|ocb|msb|seabank|vib|eximbank|lpbank|lienvietpostbank|nam a ?bank|bac a ?bank|abbank|"
          r"pvcombank|kienlongbank|vietbank|baovietbank|ncb|scb|momo|zalopay|viettel money|vnpt money")
_BANK_ACCOUNT = re.compile(rf"(\b(?:{_BANKS})\b[^\d\n]{{0,30}}?)(\d(?:{_SEP}\d){{5,18}}){_END}", re.I)

# ---- numbers that are not personal: kept
_UNIT = r"(?:đồng|dong|đ|d|vnđ|vnd|₫|k|nghìn|nghin|ngàn|ngan|tr|triệu|trieu|tỷ|tỉ|ty)(?!\w)"
_MONEY = re.compile(rf"(?<![\d.,])(?:\d{{1,3}}(?:[.,]\d{{3}})+|\d+)(?:[.,]\d+)?\s?{_UNIT}", re.I)
_DATE = re.compile(r"(?<![\d.])(?:(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})|(\d{4})-(\d{1,2})-(\d{1,2}))(?!\d)")
# a letter somewhere before the first dash, said as a look-ahead: two stars in a row backtracked over a 40,000-letter
# word in quadratic time (0.7 s a call)
_DOSSIER = re.compile(r"(?<![\w.\-])(?=[A-Za-z0-9.]*[A-Za-z])[A-Za-z0-9.]+-\d{6}-\d{4,6}(?!\w)")
HOTLINE = re.compile(rf"(?<!\d)1[89]00(?:{_SEP}\d){{4,6}}(?!\d)")   # 1900 0368, 1800 1096: public lines
_PROCEDURE = re.compile(r"(?<![\d.])\d\.\d{6}(?:\.\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2})?(?!\d)")


def _is_date(m: re.Match) -> bool:
    day, month, year = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(6), m.group(5), m.group(4))
    return 1 <= int(day) <= 31 and 1 <= int(month) <= 12 and 1900 <= int(year) <= 2100


_BUILD_ID = re.compile(r"(?<!\w)20\d{6}T\d{6,12}(?!\w)")  # our index builds (20261203T101112123456), in logs


def _protected(text: str) -> list[tuple[int, int]]:
    spans = [m.span() for rule in (_DOSSIER, _PROCEDURE, HOTLINE, _BUILD_ID) for m in rule.finditer(text)]
    spans += [m.span() for m in _DATE.finditer(text) if _is_date(m)] + [m.span() for m in _MONEY.finditer(text)]
    chosen: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if not chosen or start >= chosen[-1][1]:
            chosen.append((start, end))
    return chosen[:6000]


# ---- names after a cue, matched on folded text
_WHO = r"(?:toi|em|e|minh|con|chau|bo|me|ba|ma|vo|chong|anh|chi|ong)"
_NAME_CUE = re.compile(
    rf"(?<!\w)(?:ho\s+(?:va\s+)?ten\s*(?:la\b|:)|(?P<bare>ho\s+(?:va\s+)?ten\b)"
    rf"|ten(?:\s+(?:cua\s+)?{_WHO}(?:\s+(?:toi|em|minh))?)?\s*(?:la\b|:)"
    rf"|(?:{_WHO}|(?:bo|me|ba|ma|vo|chong|anh|chi|ong|con|chau)\s+(?:toi|em|minh))\s+ten(?:\s+la\b|\s*:)?)"
    r"[ \t:\"'“”]*")
_SELF_CUE = re.compile(r"(?<!\w)(?:tôi|toi|em|e|mình|minh)\s+là\s+", re.I)  # "Tôi là Nguyễn Văn An": capitals only
_WORD = re.compile(r"[ \t]*([^\W\d_]+)")
_STOP = set("""tôi em mình muốn cần hỏi xin nhờ giúp làm đang bị có thì và mà nhưng ạ nhé nha ở tại sinh năm số
    sđt đt cccd cmnd email địa hiện tuổi hôm vậy rồi được đc dc ko không chưa này bạn ơi gì nào đâu sao thế là
    của cho với đã sẽ vừa mới đi đến về trên dưới lúc khi nên vì cũng hay hoặc ấy kia đó bao mấy thôi ngày""".split())
_STOP_UNACCENTED = set("""toi muon can hoi xin nho giup lam dang bi co va nhung a nhe o sinh so sdt dt cccd cmnd
    email dia tuoi hom vay roi duoc dc ko khong chua nay ban oi gi nao dau sao the cua cho voi da se vua moi di
    den ve tren duoi luc khi nen vi cung hay hoac em bao may thoi ngay""".split())


def _stop(word: str) -> bool:
    """Words that end a name. Unaccented ones only in lower case: "Nhung" is a name, "nhung" is "nhưng"."""
    low = word.lower()
    return low in _STOP or (word == low and low == _fold(low) and low in _STOP_UNACCENTED)


def _name_end(text: str, start: int, capitals_only: bool) -> int | None:
    """End of the name that starts at `start`, or None when no name follows the cue."""
    end, count, capitalised = start, 0, None
    for m in _WORD.finditer(text, start):
        if m.start() != end or _stop(m.group(1)):
            break
        upper = m.group(1)[0].isupper()
        capitalised = upper if capitalised is None else capitalised
        if (capitalised and not upper) or (capitals_only and not upper):
            break
        end, count = m.end(), count + 1
        if count == (5 if capitalised else 4):
            break
    if count == 0 or (capitals_only and count < 2):
        return None
    return end


def _names(text: str, folded: str) -> list[tuple[int, int]]:
    spans = []
    for m in _NAME_CUE.finditer(folded):
        end = _name_end(text, m.end(), capitals_only=bool(m.group("bare")))  # "họ tên, ngày sinh" is no cue
        if end:
            spans.append((m.end(), end))
    for m in _SELF_CUE.finditer(text):
        end = _name_end(text, m.end(), capitals_only=True)
        if end:
            spans.append((m.end(), end))
    return spans


# ---- addresses after a cue, up to the end of the clause, matched on folded text
_ADDRESS_CUE = re.compile(
    r"(?<!\w)(?:(?P<full>dia\s*chi)|(?P<short>d/c|dc))"
    r"(?P<desc>(?:\s+(?:nha|thuong tru|tam tru|hien tai|hien nay|lien he|cu tru|noi o|moi|cu|cua|toi|em|minh|"
    r"chung toi|gia dinh|bo|me|con|chau|ong|ba|anh|chi|nguoi nhan|nhan hang|giao hang)\b)*)"
    r"(?P<mark>\s*[:=]|\s*-(?!\d)|\s+(?:la|o|tai)\b)?[ \t:]*")
_ADDRESS_START = re.compile(r"\d|(?:so|thon|xom|ap|ngo|ngach|hem|kiet|to|khu|khom|lang|duong|pho|xa|phuong|"
                            r"thi tran|thi xa|quan|huyen|tinh|tp|kp|p\.|q\.|chung cu|toa|can ho|lo)\b")
# what follows "địa chỉ là/ở" in a question rather than an address ("địa chỉ ở đâu", "địa chỉ email")
_NOT_ADDRESS = re.compile(r"(?:dau|nao|gi|the|sao|bao nhieu|tren|email|mail|web|website|ip|co quan|ubnd|muon|"
                          r"khong|ko|chua|duoc|dc|hay|hoac)\b")
_CLAUSE_END = re.compile(
    r"[\n!?;]|\.(?=\s|$)"
    r"|,\s*(?=(?:toi|em|minh|cho|xin|thi(?!\s+(?:tran|xa))|muon|can(?!\s+tho)|nho|giup|vay|nhung|ma|nhe|sdt|"
    r"so dien thoai|dien thoai|dt|email|mail|cccd|cmnd|sinh|hien tai|hien nay|co the|co duoc|co ai)\b)")
_CLAUSE_END_WORD = re.compile(r"\s(?:thì|nhưng|muốn|cần(?!\s+thơ)|xin|nhờ|vậy|ạ|nhé|để|mà|có thể|có được|được không|sđt|"
                              r"số điện thoại|email|toi muon|nho|sdt|co the)(?!\w)")
_ABBREVIATIONS = {"tp", "tx", "tt", "kp", "ph", "tdp", "ql", "st", "ng"}
_LAST_WORD = re.compile(r"(\w+)\W*$")
_MAX_ADDRESS = 150


def _abbreviation(before: str) -> bool:
    """A full stop after "P", "Q", "TP", "H"… belongs to the address (P. Bến Nghé, TP. Huế)."""
    last = _LAST_WORD.search(before)
    return bool(last) and (len(last.group(1)) == 1 or last.group(1) in _ABBREVIATIONS)


def _clause_end(text: str, folded: str, start: int) -> int:
    limit = min(len(text), start + _MAX_ADDRESS)
    end = limit
    for m in _CLAUSE_END.finditer(folded, start, limit):
        if m.group(0) == "." and _abbreviation(folded[start:m.start()]):
            continue
        end = m.start()
        break
    word = _CLAUSE_END_WORD.search(text.lower(), start, end)
    end = word.start() if word else end
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",.-"):
        end -= 1
    return end


def _addresses(text: str, folded: str) -> list[tuple[int, int]]:
    spans = []
    for m in _ADDRESS_CUE.finditer(folded):
        start = m.end()
        if m.group("short") and "nha" not in m.group("desc") and (m.group("mark") or "").strip() != ":":
            continue  # "dc" is also teencode for "được"
        mark = (m.group("mark") or "").strip()
        if mark != ":" and (_NOT_ADDRESS.match(folded, start) or not (mark or _ADDRESS_START.match(folded, start))):
            continue
        end = _clause_end(text, folded, start)
        if end > start:
            spans.append((start, end))
    return spans


def _replace(text: str, spans: list[tuple[int, int]], placeholder: str) -> str:
    """Replace spans (which may overlap) with one placeholder each."""
    out, pos = [], 0
    for start, end in sorted(spans):
        if end <= pos:
            continue
        out.append(text[pos:max(start, pos)])
        if start >= pos:
            out.append(placeholder)
        pos = end
    return "".join(out) + text[pos:]


def redact(text: str | None, keep_addresses: bool = False) -> str | None:
    """Replace personal data with placeholders; safe to store and log. `keep_addresses`: for a team's own answer,
    whose "địa chỉ: UBND xã …" and "gặp chị Nguyễn Thị Hoa (tư pháp)" are the public office and officer a citizen
    is sent to (hotlines are always kept)."""
    if text is None:
        return None
    text = _EMAIL.sub(PLACEHOLDERS["email"], normalise(text))
    kept = []
    for start, end in reversed(_protected(text)):
        kept.append(text[start:end])
        text = text[:start] + chr(_MARK + len(kept) - 1) + text[end:]
    folded = _fold(text)
    if not keep_addresses:
        text = _replace(text, _addresses(text, folded), PLACEHOLDERS["address"])
    folded = _fold(text)
    text = _replace(text, _names(text, folded), PLACEHOLDERS["name"])
    if not keep_addresses:
        text = _replace(text, full_names(text), PLACEHOLDERS["name"])
    text = _BANK_ACCOUNT.sub(lambda m: m.group(1) + PLACEHOLDERS["bank"], text)
    text = _PHONE.sub(PLACEHOLDERS["phone"], text)
    text = _ID12.sub(PLACEHOLDERS["id"], text)
    text = _ID9.sub(PLACEHOLDERS["id"], text)
    text = _PASSPORT.sub(PLACEHOLDERS["id"], text)
    text = _LONG_DIGITS.sub(PLACEHOLDERS["digits"], text)
    return re.sub("[\ue000-\uf8ff]", lambda m: kept[ord(m.group(0)) - _MARK], text)


# ---- words to search with
# a label whose number was removed: "CCCD" left alone would send the search to the căn cước entries
_LABEL = re.compile(r"(?i)(?<!\w)(?:số\s+|so\s+)?(?:cccd|cmnd|căn cước|can cuoc|cc|sđt|sdt|đt|dt|điện thoại|"
                    r"dien thoai|stk|tài khoản|tai khoan)\s*[:.]?\s*(?=\[(?:số giấy tờ|số điện thoại|dãy số|"
                    r"số tài khoản)\])")
_REPEATED_MARKS = re.compile(r"([,;:.])(?:\s*[,;:])+")
_EMPTY_BRACKETS = re.compile(r"\(\s*[,;:]?\s*\)|\[\s*\]")


def without_dossier_codes(text: str) -> str:
    """The text without dossier codes ("G22.39-241203-0001"): a code says whose dossier, never what it is about."""
    return _DOSSIER.sub(" ", text)


def search_words(text: str) -> str:
    """The text with nothing that identifies a person or a dossier: no dossier code, name, ID, phone, e-mail,
    account or address. A search on them finds nothing, and a portal link built from them would carry them."""
    text = without_dossier_codes(normalise(text))
    text = without_placeholders(_LABEL.sub("", redact(text) or ""))
    text = without_people(text)
    text = _REPEATED_MARKS.sub(r"\1", _EMPTY_BRACKETS.sub(" ", text))   # "tên Trần Thị Lan, CCCD …," → "tên,"
    return re.sub(r"\s+([,.;:?!])", r"\1", " ".join(text.split())).strip(" ,;:")


class RedactingFilter(logging.Filter):
    """Last line of defence: redact every log record's final message."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Each text argument is redacted on its own: numbers a message carries (status, timings) are not text a
        citizen typed, and joined to their neighbours they looked like an ID number."""
        args = record.args if isinstance(record.args, tuple) else ()
        try:
            message = redact(str(record.msg)) % tuple(redact(a) if isinstance(a, str) else a for a in args) \
                if args else redact(str(record.msg))
        except (TypeError, ValueError):
            message = redact(record.getMessage())
        record.msg, record.args = message, ()
        return True
