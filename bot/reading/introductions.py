"""A greeting that says who the writer is, and a "chào" that takes leave: read before cues are weighed, because
either carries words a cue would leave over ("chào em, chị bán cá ở chợ … nè" had been searched, "thôi chị đi bán
đây, chào em nha" greeted). Pure functions over an intent book's reading of words (bot/reading/intents.py)."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.reading.intents import IntentBook

LEAVING = frozenset("thoi nhe nha nhen nghe day vang u ok".split())   # "ok chào" ends a chat
# a message saying these goes on to a question or a problem: "chào em, chị muốn hỏi…", "…, mất sổ đỏ rồi"
ASKING = frozenset("hoi muon can giup lam xin mat bi quen loi khong chua hong sai".split())
_LEAVE_WORDS = 9
_INTRODUCTION_WORDS = 14  # "cô là giáo viên về hưu ở Nam Định, lần đầu cô dùng cái này"; longer, or asking, it is a
# question. Who one is may also be said by where one lives, or what one does there ("chị bán cá ở chợ …", not "anh
# bán xe cho người ta rồi"; folded)
_LIVING = frozenset({"o", "song"})
_WORKING = frozenset("ban day trong chay nuoi".split())
_FORMS = frozenset("chi anh co chu ong ba di".split())   # besides tu_xung: "chị", "cô" as the writer says them
# who goes off, and what may follow where they go ("… đây", "vậy nhen con", "nha em"): folded
_SELVES = frozenset("toi tui minh em anh chi ba bac chu co ong con chau tao tau".split())
_SIGN_OFF = LEAVING | frozenset("vay nghen a ha he hen hi con chau em ban bot ad admin chao xin bai".split())
_NOW = frozenset({"thoi", "chu", "gio"})   # "thôi chừ tui đi": miền Trung "chừ" is "giờ"
_PARTING_CUES = frozenset({"greeting", "bye"})
_GONE = frozenset({"day", "bai", "chao"})   # "tui đi đây", "tui dìa nghen, bai": gone without saying where
_ACTIVITY_WORDS = 3   # "nấu cơm", "ra đồng", "đón cháu đi học" is four: a longer errand may be a question


def takes_leave(book: IntentBook, text: str) -> bool:
    """"chào" with a word of leaving ("thôi", "nhé", "đây", "vâng", "ừ"), short and asking nothing: a goodbye, not
    a greeting ("thôi chị đi bán đây, chào em nha" had been answered "Chào chị! … chọn một chủ đề")."""
    words = book.words(without_names(text), drop_fillers=False)   # "bà ở Nghệ An nè" says no "nghe"
    if "chao" not in words or words[words.index("chao") + 1:][:1] == ["buoi"]:
        return False   # "chào buổi sáng nha bot": a greeting of the day
    return (len(words) <= _LEAVE_WORDS and bool(LEAVING & set(words))
            and not ASKING & set(words) and not book.is_question(text))


def goes_off(book: IntentBook, text: str) -> bool:
    """"thôi bà đi nấu cơm, vậy nhen con", "thôi tui ra đồng đây", "tui đi đây nhen", "thôi chừ tui đi, chào hỉ":
    ("thôi", "chừ") who is leaving, where to or "đây", then only words of leave; short, asking nothing, and with no
    cue but a greeting's or a goodbye's ("thôi chú về, cảm ơn con" thanks). A goodbye without "chào" (it had been
    searched, and not understood), or with one (it had been greeted)."""
    words = book.words(without_names(text), drop_fillers=False)
    # "đi làm", "chào hỉ" ("hỉ" reads as "hi", "xin chào") ask nothing here
    if book.is_question(text) or (ASKING - {"lam", "xin"}) & set(words) \
            or {i.value for i in book.cues_in(text)} - _PARTING_CUES:
        return False
    i = 0
    while i < len(words) and words[i] in _NOW:
        i += 1
    if i == 0 and words[:1] != [] and words[0] not in _SELVES:
        return False   # "thôi" or who goes, first: "đi làm đây" alone may answer where one is
    i += i < len(words) and words[i] in _SELVES
    if words[i:i + 1] not in (["di"], ["ra"], ["ve"], ["dia"]):
        return False
    rest = words[i + 1:]
    activity = next((k for k, w in enumerate(rest) if w in _SIGN_OFF), len(rest))
    return (activity <= _ACTIVITY_WORDS and activity < len(rest) and set(rest[activity:]) <= _SIGN_OFF
            and (activity > 0 or bool(_GONE & set(rest)) or words[0] == "thoi"))


def introduces(book: IntentBook, words: list[str], text: str) -> bool:
    """A greeting, then the writer saying who they are, briefly and asking nothing: what follows "là", or what
    they do or where they live, is who they are (a volunteer's "tổ công nghệ số" asks for no one)."""
    if book.others_data is None or book.is_question(text):
        return False
    own = book.others_data.self_words
    i = next((i for i, w in enumerate(words[:6]) if w == "la" or (
        i and words[i - 1] in own | _FORMS and (w in _LIVING or w in _WORKING and "o" in words[i + 1:]))), None)
    if i is None:
        return False
    head, tail = words[:i], words[i + (words[i] == "la"):]
    return (book.only_greeting(head) and any(w in own | _FORMS for w in head)
            and 0 < len(tail) <= _INTRODUCTION_WORDS
            and not ASKING & _said(tail) & _said(book.words(without_names(text))))


def _said(words: list[str]) -> set[str]:
    """The words, "cán bộ" (folded "can bo") not saying "cần"."""
    return {w for i, w in enumerate(words) if not (w == "can" and words[i + 1:i + 2] == ["bo"])}


def without_names(text: str) -> str:
    """`text` without the capitalised words inside a sentence: "Cần Thơ" names a city, it does not say "cần"."""
    tokens = text.split()
    return " ".join(t for k, t in enumerate(tokens)
                    if not (k and t[:1].isupper() and tokens[k - 1][-1:] not in ".!?:"))
