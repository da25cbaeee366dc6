"""What a message that says too much for a social cue alone was saying, once nothing in the knowledge answers it."""
from __future__ import annotations

from bot.reading.intents import Intent, IntentBook, clauses

# only social turns: never one that files, withdraws or changes the step
LOOSELY_SOCIAL = frozenset({Intent.GREETING, Intent.BYE, Intent.THANKS, Intent.CHITCHAT, Intent.COMPLAINT,
                            Intent.INSULT, Intent.IDENTITY, Intent.NOT_UNDERSTOOD})
_VENTS = (Intent.INSULT, Intent.COMPLAINT)


def loosely_social(book: IntentBook, text: str) -> Intent | None:
    """The first social intent whose cue appears, however much else the message says ("bot biết làm thơ ko, làm bài
    thơ về mùa thu đi", "thôi nghe, tui đi ra ruộng, chào hỉ", "e vẫn chưa hiểu lắm, ad nói lại đơn giản hơn dc ko");
    None when a clause asks something no social cue is in ("tks ad, vậy nộp hồ sơ xong bao lâu có kết quả ạ")."""
    if any(book.is_question(c) and not book.cues_in(c) & LOOSELY_SOCIAL for c in clauses(text)):
        return None
    _, found = book.found(book.words(text))
    # at length, anger outweighs the words it borrows: "… mất nguyên buổi sáng mà ko làm đc gì" is no "chưa hiểu"
    vented = next((i for i in found if i in _VENTS), None)
    if vented is None and book.tells_a_problem(text):
        return None   # "vê en i đi … không gửi mã về máy … vẫn không thấy là răng rứa" is a problem, not "là răng?"
    return vented or next((i for i in found if i in LOOSELY_SOCIAL), None)
