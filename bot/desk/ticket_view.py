"""What a team member reads about a ticket: the exchange before it in words (a pressed button shown as what the
citizen pressed, never as "rate:64:down"), and for a 👎 which answer was rated, the reason and the comment."""
from __future__ import annotations

from dataclasses import dataclass

from bot.core.payloads import StaleButton, parse
from bot.core.wording import say
from bot.domain.chat_port import Storage, UnmetNeed

EXCHANGE_LINES = 12


@dataclass(frozen=True)
class Line:
    citizen: bool          # said by the citizen (else: by the assistant or the team)
    text: str
    pressed: bool = False  # a button press, described in words


@dataclass(frozen=True)
class RatedAnswer:
    answer: str            # the answer the citizen rated, as stored (redacted)
    reason: str | None     # the reason they chose, in words
    comment: str | None


def pressed(payload: str) -> str:
    """A button payload as the words a team member understands ("bấm 👎 Chưa hài lòng")."""
    try:
        p = parse(payload)
    except StaleButton:
        return say("pressed_unknown")
    if p.act.value == "rate":
        return say("pressed_rate_up" if p.args[1] == "up" else "pressed_rate_down")
    try:
        return say(f"pressed_{p.act.value}", arg=p.args[0] if p.args else "")
    except KeyError:
        return say("pressed_unknown")


def exchange(storage: Storage, need: UnmetNeed) -> list[Line]:
    """The last messages up to the moment the ticket was sent, whole (links are not cut)."""
    rows = [r for r in storage.recent_messages(need.user, 60)
            if not need.created_at or (r["created_at"] or "") <= need.created_at]
    lines = []
    for r in rows[-EXCHANGE_LINES:]:
        if r["text"]:
            lines.append(Line(r["direction"] == "in", r["text"]))
        elif r["payload"]:
            lines.append(Line(r["direction"] == "in", pressed(r["payload"]), pressed=True))
    return lines


def rated_answer(storage: Storage, need: UnmetNeed) -> RatedAnswer | None:
    if need.rating_id is None:
        return None
    rating = next((r for r in storage.ratings() if r.id == need.rating_id), None)
    if rating is None:
        return None
    message = storage.message(rating.answer_id)
    reason = None
    if rating.reason:
        try:
            reason = say(f"reason_{rating.reason}")
        except KeyError:
            reason = rating.reason
    return RatedAnswer((message or {}).get("text") or "", reason, rating.comment)
