"""The greeting or call a message opens with ("chào em,", "alo bot ơi", "em ơi,") is not what it asks about.

Searched with the rest, "chao em, anh o binh duong ve que…" lost enough confidence to turn a clear question about
temporary residence into a choice; the greeting alone is answered elsewhere (bot/reading/intents.yaml).
"""
from __future__ import annotations

import re

_GREETING = r"(?:xin\s+)?(?:chào|chao)|alo|a\s?lô|hello|hi+|hey"
# who is greeted or called, and the particles around it; unaccented "co" is also "có", so only "cô" is here
_CALLED = (r"em|e|anh|chị|chi|bạn|ban|bot|ad|admin|cô|chú|chu|bác|bac|cháu|chau|con|ông|ba|bà|"
           r"mọi\s+người|moi\s+nguoi|cả\s+nhà|ca\s+nha|trợ\s+lý|tro\s+ly|buổi\s+\w+|buoi\s+\w+|ạ|nhé|nhe|ơi|oi")
# who asks, and asking leave to ask: "ông hỏi cháu cái", "a hoi e chut", "e cho c hỏi tí", "cho tui hỏi xíu"
_ASKER = r"tôi|toi|tui|tau|mình|minh|em|e|anh|a|chị|chi|c|cô|chú|chu|bác|bac|ông|ong|bà|ba|cháu|chau|con"
_A_LITTLE = r"(?:cái|cai)(?!\s+(?:này|nay|gì|gi|đó|do)\b)|chút|chut|tí|ti|tý|ty|xíu|xiu"   # not "cái này"
_ASKING = (rf"(?:{_ASKER})\s+(?:hỏi|hoi)\s+(?:{_CALLED})(?:\s+(?:{_A_LITTLE}))?"
           rf"|(?:(?:{_CALLED})\s+)?cho\s+(?:{_ASKER})\s+(?:hỏi|hoi)(?:\s+(?:{_A_LITTLE}))?")
_OPENING = re.compile(
    rf"^\s*(?:(?:{_GREETING})(?:\s+(?:{_CALLED})(?!\w)){{0,3}}"        # chào em, alo bot ơi, xin chào ạ
    rf"|(?:{_CALLED})(?:\s+(?:{_CALLED})(?!\w))?\s+(?:ơi|oi)"           # em ơi, bot oi, chị ơi
    rf"|{_ASKING})(?!\w)"
    r"\s*[,.!:;]*\s*", re.IGNORECASE)


def without_opening(text: str) -> str:
    """`text` without the greeting or call it opens with; unchanged when nothing follows it (a greeting alone is
    a turn of its own, not a question)."""
    match = _OPENING.match(text)
    if not match or not any(ch.isalnum() for ch in text[match.end():]):
        return text
    return text[match.end():]
