"""People named without a cue: "cho tao xem hồ sơ của Nguyễn Văn Bình", "bác Tư", "Tran Thi Hoa".

A full name (a common family name, capitalised, and capitalised words after it) is personal data wherever it is
typed, so `full_names` feeds what is stored and logged. A kinship title and a given name ("chị Hoa") identify
nobody alone; `people` adds them only for the words a search or a portal link is built from.

Places and streets are often named after people ("Cao Bằng", "đường Lê Lợi", "TP Hồ Chí Minh"): a run that is
the name of a province or a commune, or that follows a place word, is not a person. A message typed in Title
Case ("Dang Ky Tam Tru O Dau") says nothing about which words are names, so it is left alone.
"""
from __future__ import annotations

import re

from bot.privacy.folding import fold
from indexer.divisions import division_names

_FAMILY = (r"Nguyễn|Trần|Lê|Phạm|Hoàng|Huỳnh|Phan|Vũ|Võ|Đặng|Bùi|Đỗ|Hồ|Ngô|Dương|Lý|Trịnh|Đinh|Lâm|Mai|Đào|Cao|"
           r"Nguyen|Tran|Le|Pham|Hoang|Huynh|Vu|Vo|Dang|Bui|Do|Ho|Ngo|Duong|Ly|Trinh|Dinh|Lam|Dao")
_TITLE = (r"ông|bà|bác|cô|chú|anh|chị|cháu|cụ|dì|thím|mợ|cậu|dượng|ong|ba|bac|co|chu|chi|chau|cu|di|thim|mo|cau|"
          r"duong")
_HEAD = re.compile(rf"(?<!\w)(?:(?P<family>{_FAMILY})|(?P<title>{_TITLE}))(?=[ \t]+[^\W\d_])", re.I)
_FAMILY_NEXT = re.compile(rf"[ \t]+(?P<family>{_FAMILY})(?=[ \t]+[^\W\d_])", re.I)
_NEXT_WORD = re.compile(r"[ \t]+([^\W\d_]+)")
_MAX_GIVEN = 3   # "Nguyễn Thị Thu Hà": a family name and at most three more words
_WORD = re.compile(r"[^\W\d_]+")
# words after which a capitalised run names a place, a street or an institution, not a person
_PLACE_WORDS = frozenset(   # not "cho", "bạn", "thì", "cậu": they fold to "chợ", "bản", "thị", "cầu"
    "duong pho ngo hem kiet tp tinh phuong xa quan huyen thon ap lang khu truong thpt thcs bv vien cang cty hcm "
    "sb".split())
_HOUSE_NUMBER = re.compile(r"\d[\w/]*\s*$")
_KNOWN_PLACES = frozenset({"ho chi minh", "phan thiet", "phan rang", "hoang mai", "vu ban", "ly son"})
_TITLE_CASE_SHARE = 0.6   # of the words outside a run: more capitalised than this, and capitals say nothing


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and (len(word) == 1 or word[1:].islower())


def _is_place(key: str) -> bool:
    """A province or commune ("Cao Bằng", the ward "Lê Lợi"), or a well-known place named after a person."""
    return key in _KNOWN_PLACES or key in division_names()


def _runs(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, is a full name) of each family name, or title, followed by capitalised words."""
    runs: list[tuple[int, int, bool]] = []
    for m in _HEAD.finditer(text):
        if runs and m.start() < runs[-1][1]:
            continue
        family = m.group("family")
        f = None if family else _FAMILY_NEXT.match(text, m.end())
        if f and _capitalised_after(text, f.end())[1]:   # "bà Trần Thị Mai": the full name after the title
            m, family = f, f.group("family")
        end, words = _capitalised_after(text, m.end())
        if not words or (family and (not _capitalised(family) or len(words) > _MAX_GIVEN)):
            continue   # a fifth capitalised word: Title Case, not a name
        if _is_place(fold(" ".join([m.group(0).strip(), *words]))) or (family and _after_place_word(text, m.start())):
            continue   # "Cao Bằng", "Bà Rịa", "đường Lê Lợi"
        runs.append((m.start("family") if family else m.end(), end, bool(family)))
    return runs


def _capitalised_after(text: str, pos: int) -> tuple[int, list[str]]:
    end, words = pos, []
    while (w := _NEXT_WORD.match(text, end)) and _capitalised(w.group(1)):
        end, words = w.end(), words + [w.group(1)]
    return end, words


def _after_place_word(text: str, start: int) -> bool:
    """After "đường", "phường", "TP"… or a house number ("119 Nguyễn Sơn"): a street or a place."""
    if _HOUSE_NUMBER.search(text[max(0, start - 12):start]):
        return True
    before = _WORD.findall(text[max(0, start - 24):start])
    return bool(before) and fold(before[-1]) in _PLACE_WORDS


def _title_cased(text: str, runs: list[tuple[int, int, bool]]) -> bool:
    rest = list(text)
    for start, end, _ in runs:
        rest[start:end] = " " * (end - start)
    words = _WORD.findall("".join(rest))
    return len(words) >= 2 and sum(_capitalised(w) for w in words) / len(words) > _TITLE_CASE_SHARE


def full_names(text: str) -> list[tuple[int, int]]:
    """Spans of full names (family name and capitalised words after it): personal data wherever typed."""
    runs = [r for r in _runs(text) if r[2]]
    return [] if not runs or _title_cased(text, runs) else [(s, e) for s, e, _ in runs]


def people(text: str) -> list[tuple[int, int]]:
    """Full names, and given names after a kinship title (the title stays: "bác" says who the question is
    about); for the words a search is built from."""
    runs = _runs(text)
    return [] if not runs or _title_cased(text, runs) else [(s, e) for s, e, _ in runs]


# A hamlet, a street group or a house number in an address ("ở thôn 3", "xóm Bến", "tổ 12", "ấp 5", "ông cụ số nhà
# 15"): where someone lives, never what the question is about.
_HAMLET = re.compile(r"(?:\b(?:ở|o|tại|tai)\s+)?(?:\b(?:thôn|thon|xóm|xom|ấp|ap|tổ dân phố|to dan pho|khu phố|khu pho|"
                     r"khóm|khom|tổ|to|số nhà|so nha|nhà số|nha so)\s+\d+[a-z]?\b|"
                     r"\b(?:thôn|thon|xóm|xom|ấp|khóm)\s+[A-ZĐ]\w*\b)")


def without_people(text: str) -> str:
    """`text` with the people it names and the hamlet of an address left out (`people`): what a question is about
    is never a person's name, and "hồ sơ của bác Nguyễn Văn Tư ở thôn 3 nộp rồi mà chưa thấy" is searched as "hồ sơ
    của bác nộp rồi mà chưa thấy"."""
    for start, end in reversed(people(text)):
        text = text[:start] + " " + text[end:]
    return _HAMLET.sub(" ", text)
