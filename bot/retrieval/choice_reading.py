"""Reading a typed reply to "Ý bạn là…?": "nó 15 tuổi rồi" after the căn cước options picks the ones for people
from 14 up; "chồng em người Hàn" after the khai sinh options picks the one "có yếu tố nước ngoài".

Options that differ by age or by a case (knowledge/catalogue/phan-biet.yaml) say so in their titles; a short reply
that states an age or cues a case keeps only the options it fits. Pure functions over titles: the dialogue decides
what to do with the options kept.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from indexer.vntext import fold, folded_syllables, syllables

REPLY_WORDS = 8   # a reply longer than this is a question of its own, read as usual
# folded: the levels a procedure is done at since 1/7/2025, and how a citizen names them. Unmarked "xa" is also
# "xa" (far: "con ở xa"), so it names the commune only after a word that goes there; marked "xã" always does
_LEVELS = {"xa": ("phuong", "cap xa", "ra xa", "len xa", "tai xa", "lam o xa"), "tinh": ("tinh", "thanh pho")}
_AGE = re.compile(r"(?:\b(?P<side>chua du|chua toi|chua den|duoi|tren|hon|ngoai)\s+)?(?<!\d)(\d{1,3})\s*"
                  r"(thang tuoi|tuoi|tui\b|t\b)")   # "7 tủi": a phone's typo
_BELOW = frozenset({"chua du", "chua toi", "chua den", "duoi"})
# a school year says an age too: "học lớp 7" is about 13 (lớp 1 at 6)
_GRADE = re.compile(r"\b(?:hoc|vao|vo|len) lop (\d{1,2})\b")
_NEWBORN = re.compile(r"\b(so sinh|moi sinh|moi de|vua sinh|vua de|con do)\b")
# an age range in an official title: "dưới 14 tuổi", "từ đủ 14 tuổi trở lên", "từ đủ 75 tuổi đến 80 tuổi"
_UNDER = re.compile(r"duoi (\d{1,3}) tuoi")
_FROM = re.compile(r"tu (?:du )?(\d{1,3}) tuoi(?: (?:den|toi) (?:duoi )?(\d{1,3}) tuoi| tro len)?")


def _words(text: str) -> str:
    return f" {' '.join(folded_syllables(text))} "


def stated_age(text: str) -> int | None:
    """The age a message states in years ("15 tuổi", "bé mới sinh" 0, "8 tháng tuổi" 0, "học lớp 7" 13); None when
    it states none, or several ("tôi 65 tuổi, làm cho cháu 10 tuổi": whose is asked about is not for a pattern to
    say)."""
    folded = fold(text)
    ages = {0 if m[3] == "thang tuoi" else int(m[2]) - 1 if m["side"] in _BELOW else int(m[2]) + 1 if m["side"]
            else int(m[2]) for m in _AGE.finditer(folded)}   # "chưa đủ 14 tuổi" is 13 at most, "trên 60" 61
    if _NEWBORN.search(folded):
        ages.add(0)
    if not ages:
        ages = {int(m[1]) + 6 for m in _GRADE.finditer(folded) if 1 <= int(m[1]) <= 12}
    return ages.pop() if len(ages) == 1 else None


# "lương hưu" is the pension of those who paid social insurance; "trợ cấp hưu trí xã hội" is the allowance of those
# without one, so a question about the one is not about the other's procedures (folded)
_PAID_PENSION = re.compile(r"\b(?:luong huu|huong huu|ve huu)\b")
_NO_PENSION = re.compile(r"\b(?:khong|chua|ko|k|khg|hong)\s+(?:(?:co|duoc|huong|lanh|nhan)\s+)*(?:luong huu)\b")
SOCIAL_PENSION = "huu tri xa hoi"


def paid_pension(text: str) -> bool:
    """The message speaks of a pension paid from social insurance ("bố em đang hưởng lương hưu"), not of having
    none nor of the social pension allowance."""
    folded = " ".join(folded_syllables(text))
    return bool(_PAID_PENSION.search(folded)) and not _NO_PENSION.search(folded) and SOCIAL_PENSION not in folded


def fits_age(title: str, age: int | None) -> bool:
    """A title naming no age fits every age; one naming a range fits the ages in it."""
    return within(age_range(title), age)


def within(span: tuple[int, int] | None, age: int | None) -> bool:
    """An age (None: not stated) is in a title's range (None: it names none)."""
    return age is None or span is None or span[0] <= age < span[1]


def age_range(title: str) -> tuple[int, int] | None:
    """[from, to) years a title is for, or None when it names no age."""
    folded = fold(title)
    found = _FROM.search(folded)
    if found:
        return int(found[1]), int(found[2]) + 1 if found[2] else 200
    found = _UNDER.search(folded)
    return (0, int(found[1])) if found else None


def _by_level(titles: Sequence[str], reply: str, said: str) -> list[int]:
    """"ở xã" or "lên tỉnh" between the same procedure at two levels ("… (thực hiện tại cấp tỉnh)" beside the one
    the commune police do): the option of the level named, a title naming no level being the commune's."""
    levels = [next((lv for lv in _LEVELS if f" cap {lv} " in _words(t)), "xa") for t in titles]
    if " khac " in said:
        return []   # "ở tỉnh khác": another province, not a level
    commune = "xã" in syllables(reply.lower())
    named = "xa" if commune else next(
        (lv for lv, words in _LEVELS.items() if any(f" {w} " in said for w in words)), None)
    return [i for i, lv in enumerate(levels) if lv == named] if named and len(set(levels)) > 1 else []


def fitting(titles: Sequence[str], reply: str, cases: Mapping[str, Sequence[str]]) -> list[int]:
    """Positions of the options a short reply picks by age, by case or by level; [] when it picks none or all."""
    if len(reply.split()) > REPLY_WORDS:
        return []
    kept: list[int] = []
    age = stated_age(reply)
    if age is not None:
        kept = [i for i, t in enumerate(titles) if age_range(t) is not None and fits_age(t, age)]
    said = _words(reply)
    if not kept:
        cued = {_words(k).strip() for k, cues in cases.items() if any(_words(c) in said for c in cues)}
        kept = [i for i, t in enumerate(titles) if any(f" {k} " in _words(t) for k in cued)]
    if not kept:
        kept = _by_level(titles, reply, said)
    return kept if 0 < len(kept) < len(titles) else []


def for_age(age: int | None, answer: str | None, options: tuple[str, ...], title_of: Callable[[str], str],
            nearest_decides: bool = True) -> tuple[str, ...] | None:
    """What stands of a reply (an answer, or options nearest first) for a question stating `age`: the options whose
    titles fit it; None when the answer is for other ages ("con 15 tuổi làm căn cước lần đầu" is not about VNeID
    for children under 14), or none fits, or (`nearest_decides`: the curated tier, whose later options are far)
    the nearest does not."""
    if age is None:
        return options
    if answer is not None:
        return options if fits_age(title_of(answer), age) else None
    kept = tuple(o for o in options if fits_age(title_of(o), age))
    return kept if kept and (kept[0] == options[0] or not nearest_decides) else None
