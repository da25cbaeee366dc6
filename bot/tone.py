"""How to speak to this citizen: the form of address they use for themselves, and their language.

An elderly man who writes "cho bác hỏi" is answered as "bác", not "bạn"; a
question in English or Chinese gets a short reply in that language saying the
assistant answers in Vietnamese and how to reach a person.
"""
from __future__ import annotations

import re
import unicodedata

from bot.intents import IntentBook
from bot.normalize import is_syllable
from indexer.vntext import fold, has_diacritics

FORMS = ("bác", "cô", "chú", "anh", "chị", "em")
# folded forms that are also common words without diacritics (cô/có, chị/chỉ): trusted unaccented only after "cho"
_AMBIGUOUS = {"co", "chi"}
_AFTER_CHO = {"hoi", "xin", "gap", "biet", "nho", "duoc", "noi", "dang", "lam", "chut"}
_VERBS = {"muon", "can", "hoi", "xin", "khong", "chua", "da", "dang", "bi", "vua", "moi", "lam", "nho", "quen",
          "thay", "dinh", "co", "cung", "di", "o", "that", "van", "doc", "tim", "gui", "nop"}
_WORD = re.compile(r"\w+", re.UNICODE)


def address_form(book: IntentBook, text: str) -> str | None:
    """The form the citizen uses for themself, or None when the message does not say."""
    typed = [w.lower() for w in _WORD.findall(unicodedata.normalize("NFC", text))]
    words = book.words(" ".join(typed), drop_fillers=False)
    if len(words) != len(typed):  # teencode expanded ("e" → "em"): compare on folded words only
        typed = words
    for i, (w, raw) in enumerate(zip(words, typed)):
        form = next((f for f in FORMS if fold(f) == w), None)
        if form is None or (has_diacritics(raw) and raw != form):
            continue  # "chỉ", "có", "ảnh" typed with their own marks are not forms of address
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if nxt == "oi":
            continue  # "anh ơi": the citizen is calling the bot, not naming themself
        after_cho = i > 0 and words[i - 1] == "cho" and nxt in _AFTER_CHO
        at_start = i == 0 and nxt in _VERBS and (w not in _AMBIGUOUS or has_diacritics(raw))
        if after_cho or at_start:
            return form
    return None


def language(book: IntentBook, text: str) -> str | None:
    """"en", "zh" or "other" for a message not in Vietnamese; None for Vietnamese (or too little to tell)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return None
    if sum(1 for c in letters if "CJK" in unicodedata.name(c, "")) / len(letters) > 0.5:
        return "zh"
    if sum(1 for c in letters if not unicodedata.name(c, "").startswith("LATIN")) / len(letters) > 0.5:
        return "other"
    if has_diacritics(text):
        return None
    words = [w.lower() for w in _WORD.findall(text) if not w.isdigit()]
    english = [w for w in words if w in book.english]
    distinct = [w for w in english if not is_syllable(fold(w))]   # "how", "register": not Vietnamese syllables
    if len(english) >= 2 and distinct and len(english) / len(words) >= 0.6:
        return "en"
    return None
