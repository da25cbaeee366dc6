"""A short natural yes or no to a question the assistant asked ("bác ko có thẻ ngân hàng" is no, "có rồi" yes)."""
from __future__ import annotations

from bot.reading.intents import Intent, IntentBook

_NEGATIVE = {"khong", "chua", "chang", "cha", "khoi", "no", "sai", "thoi"}
# "gửi đi e", "muốn chứ", "cần chứ", "ừa": agreeing by the thing agreed to
_POSITIVE = {"co", "roi", "vang", "u", "ua", "ok", "dung", "yes", "dong", "duoc", "phai", "chuan", "gui", "muon",
             "can"}
# folded phrases anywhere in the answer that decide it before its first word: "ừ thôi khỏi cũng được", "ok ko cần
# đâu e", "để sau" decline; "không sao, cứ gửi đi", "ko vấn đề gì" agree
_DECLINING = ("khong can", "khoi", "de sau", "de mai", "de bua khac", "khi khac", "dung gui", "dung goi")
_AGREEING = ("khong sao", "khong van de", "khong ngai", "sao lai khong")
_POLITE = {"da", "thua", "em", "anh", "chi", "bac", "chu", "co", "chau", "toi", "minh", "con", "ong", "ba", "a"}
MAX_ANSWER_WORDS = 8


def polarity(book: IntentBook, text: str) -> bool | None:
    """A short natural yes/no: "chưa có ạ", "bác ko có thẻ ngân hàng" → False; "có rồi", "dạ rồi" → True.

    The first yes/no word decides ("không có" is no, "có nhưng chưa dùng" is yes);
    a leading "dạ", "bác"… is politeness, and "có"/"cô" only count as "có" after it.
    """
    words = book.words(text)
    if not words:   # "👍" to "do you want to leave your number?"
        return True if book.symbol(text) == Intent.YES else None
    if len(words) > MAX_ANSWER_WORDS:
        return None
    if len(words) > 2 and book.is_question(text):
        return None   # "sao phải có ngân hàng?" asks something; it does not answer
    if words in (["da"], ["da", "vang"]):
        return True
    said = f" {' '.join(words)} "
    if any(f" {p} " in said for p in _AGREEING):
        return True
    if any(f" {p} " in said for p in _DECLINING) or "đừng" in text.lower():
        return False
    lead = 0
    while lead < len(words) - 1 and words[lead] in _POLITE and words[lead] not in ("co",):
        lead += 1
    for w in words[lead:lead + 3]:
        if w in _NEGATIVE:
            return False
        if w in _POSITIVE:
            return True
    return None
