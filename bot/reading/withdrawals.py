"""Whether a message withdraws the person or call just asked for, or only seems to: "khỏi nha, tui tự làm được
rồi", "không cần gặp nhân viên nữa" withdraw; "đừng gọi lại số cũ, gọi số mới nha" moves the call; "cán bộ xã có
làm giúp hồ sơ không" asks what help there is. Pure functions over an intent book's reading of words, beside
bot/reading/intents.py (which calls them while weighing cues)."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.reading.introductions import LEAVING

if TYPE_CHECKING:
    from bot.reading.intents import IntentBook

# folded: "để chị ra thuế cơ sở hỏi", "để e ra công an xã làm"
GOING_ELSEWHERE = re.compile(r"\b(ra|len|den|qua|ve)\b.*\b(hoi|lam)\b")
# folded: the matter is seen to already, by someone or oneself: "con gái tui nó làm giùm rồi", "tui tự lo được"
DONE_ALREADY = re.compile(r"\broi$|\btu (lo|lam|tim hieu)\b")
_NO_NEED = frozenset({"khoi"})   # "khỏi": no need (of the request just made)
# who is spoken to, beside it: "thôi khỏi nha em", "khỏi nghe con"
_CALLED = frozenset({"em", "anh", "chi", "ad", "ban", "bot", "con", "chau", "bac", "co", "chu", "oi"})
# folded: a message opening with no need of a person or a call ("không cần gặp nhân viên nữa", "hủy cuộc gọi lại";
# not "đừng nhắn tin, … gọi điện giùm")
_NO_NEED_OF = re.compile(r"^(?:(?:da|thoi|u|ok)\s+)*(?:khong can|khoi|huy|dung|thoi khoi)\s+(?:\w+\s+)?"
                         r"(?:gap|goi|lien he|lien lac|chuyen|nhan vien|can bo|cuoc goi|nguoi)\b")
# folded: what staff are asked whether they do ("có làm giúp", "có đến nhà không", "có hỗ trợ … không")
_STAFF_DO = re.compile(r"\bco (?:lam (?:giup|ho|dum|gium)|den nha|xuong nha|ho tro)\b")
_CONTACT = frozenset({"handoff", "callback"})   # the intents (by value) that ask for a person or a call


def no_need_of_contact(words: list[str]) -> bool:
    """The message opens with no need of a person or a call: "không cần gặp nhân viên nữa", "khỏi chuyển …"."""
    return bool(_NO_NEED_OF.match(" ".join(words)))


def asks_contact_later(book: IntentBook, parts: list[str]) -> bool:
    """A clause after the first asks for a person or a call and withdraws nothing: "đừng gọi lại số cũ, gọi số
    mới nha" moves the call; "…, tui nhờ cán bộ văn hóa xã rồi" was asked already, elsewhere."""
    for said in (book.words(p) for p in parts[1:]):
        joined = " ".join(said)
        if ({i.value for i in book.cues_in(joined)} & _CONTACT or "goi" in said) \
                and not no_need_of_contact(said) and not DONE_ALREADY.search(joined):
            return True
    return False


def asks_what_staff_do(book: IntentBook, text: str, words: list[str]) -> bool:
    """Asks whether staff do something ("cán bộ xã có làm giúp hồ sơ không"): a question about the help there is,
    which a guide answers; no request for a person (it had filed a ticket)."""
    return book.is_question(text) and bool(_STAFF_DO.search(" ".join(words)))


def declines_as_done(book: IntentBook, text: str, parts: list[str]) -> bool:
    """"khỏi nha, tui tự làm được rồi", "thôi khỏi, để em lên xã hỏi": a bare "khỏi" (no need), then only that the
    matter is seen to or will be asked elsewhere; a "khỏi" before thanks alone stays thanks."""
    first = set(book.words(parts[0])) if parts else set()
    if len(parts) < 2 or book.is_question(text) or not first & _NO_NEED or not first <= _NO_NEED | LEAVING | _CALLED:
        return False
    return all(GOING_ELSEWHERE.search(said := " ".join(book.words(p))) or DONE_ALREADY.search(said)
               for p in parts[1:])
