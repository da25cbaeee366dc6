"""Tickets to the support team (unmet needs): the rules, apart from how they are stored.

One open ticket per person and question — pressing again finds the one already
sent. A ticket says who answers and how soon; today one figure for everyone
(`DVCBOT_SUPPORT_HOURS`), later the handling team's own (a `ResponseTimes`
that looks the team up). A phone number left for a call back lives apart from
the conversation and is deleted when the ticket closes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from bot.core.wording import say
from bot.domain.chat_port import NeedKind, NeedStatus, Storage, UnmetNeed
from indexer.vntext import fold

WAITING = (NeedStatus.NEW, NeedStatus.ACKNOWLEDGED)   # sent and not yet answered: "open"
# a call-back number as typed ("0912 345 678", "+84912345678"); read here and by the hand-off words
# a mobile (0 and 9 digits, or +84) or a landline (02 and 9 digits: "028 3829 1456")
PHONE_NUMBER = re.compile(r"(?<!\d)(?:(?:\+?84|0)(?:[\s.\-]?\d){9}|0[\s.\-]?2(?:[\s.\-]?\d){9})(?!\d)")


@dataclass(frozen=True)
class Promise:
    """Who will answer a ticket and within how many working hours."""
    team: str
    hours: int

    def when(self) -> str:
        if self.hours >= 8 and self.hours % 8 == 0:
            return say("within_days", days=str(self.hours // 8))
        return say("within_hours", hours=str(self.hours))


class ResponseTimes(Protocol):
    def promise(self, need: UnmetNeed) -> Promise: ...


@dataclass(frozen=True)
class SameForEveryone:
    """One support team and one expected time, until tickets are routed to teams."""
    hours: int

    def promise(self, need: UnmetNeed) -> Promise:
        return Promise(say("team_default"), self.hours)


@dataclass(frozen=True)
class Receipt:
    need: UnmetNeed
    already_sent: bool   # an open ticket on the same question existed: nothing new was created
    added: str | None = None   # what a repeated request added to the open ticket


def subject(kind: str, question: str | None, entry_id: str | None) -> str:
    """What a ticket is about, for "one open ticket per person and question"."""
    if NeedKind(kind) == NeedKind.STUCK:
        return f"entry:{entry_id}"
    return " ".join(fold(question or "").split())


def phone_number(text: str) -> str | None:
    """A Vietnamese phone number typed by the citizen, digits only (0xxxxxxxxx), or None."""
    m = PHONE_NUMBER.search(text)
    if not m:
        return None
    digits = re.sub(r"\D", "", m.group(0))
    return "0" + digits[2:] if digits.startswith("84") else digits


def masked(phone: str) -> str:
    return "•" * (len(phone) - 3) + phone[-3:]


class Tickets:
    def __init__(self, storage: Storage, times: ResponseTimes) -> None:
        self.storage, self.times = storage, times

    def open(self, user: str, channel: str, kind: NeedKind, question: str | None, entry_id: str | None = None,
             step: int | None = None, context: str | None = None, detail: str | None = None) -> Receipt:
        """A new ticket, or the open one this person already sent about the same question."""
        about = subject(kind, question, entry_id)
        for need in self.storage.user_needs(user, WAITING):
            if need.kind != NeedKind.BAD_RATING.value and subject(need.kind, need.question, need.entry_id) == about:
                if detail and not need.detail:
                    need = self.storage.set_need_detail(need.id, detail)
                return Receipt(need, True)
        need = self.storage.add_unmet_need(user, channel, kind, question=question, entry_id=entry_id, step=step,
                                           context=context, detail=detail)
        return Receipt(need, False)

    def promise(self, need: UnmetNeed) -> Promise:
        return self.times.promise(need)

    def withdraw_last(self, user: str, now: str) -> UnmetNeed | None:
        """The person's newest open ticket closed at their word ("thôi không cần nữa"), its call-back number deleted;
        None when nothing was open. A 👎 on an answer is not a ticket they asked for, so it stays."""
        for need in reversed(self.storage.user_needs(user, WAITING)):
            if need.kind == NeedKind.BAD_RATING.value:
                continue
            closed = self.storage.update_need(need.id, NeedStatus(need.status),
                                              {"status": NeedStatus.CLOSED, "closed_at": now})
            if closed is not None:
                self.storage.delete_callback(need.id)
                return closed
        return None

    def join_open(self, user: str, question: str | None, detail: str | None = None) -> Receipt | None:
        """A hand-off or call-back asked for while the person has a ticket open: that ticket, with the new
        question or detail added to it, never a second empty one; None when nothing is open."""
        waiting = [n for n in self.storage.user_needs(user, WAITING) if n.kind != NeedKind.BAD_RATING.value]
        if not waiting:
            return None
        need = waiting[-1]
        known = f"{need.question or ''}\n{need.detail or ''}"
        new = [part for part in dict.fromkeys((question, detail)) if part and part not in known]
        if not new:
            return Receipt(need, True)
        added = "\n".join(new)
        need = self.storage.set_need_detail(need.id, "\n".join(filter(None, (need.detail, added)))[-2000:])
        return Receipt(need, True, added)

    def leave_phone(self, need: UnmetNeed, phone: str, when: str | None = None) -> None:
        """Keep the number (and when to call, if the citizen said) for the team handling this ticket."""
        if need.status not in {s.value for s in WAITING}:
            raise ValueError("ticket no longer open")
        self.storage.save_callback(need.id, need.user, phone, when)
