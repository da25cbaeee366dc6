"""Tickets for a team: a person asked for, a question we could not answer, a stuck step; one
open ticket per citizen (a second request joins it), with what was sent, who answers and when."""
from __future__ import annotations

from bot.core.messages import Button, Reply
from bot.core.payloads import Act, ask_team_button, encode, menu_button
from bot.core.wording import say
from bot.dialogue.part import Part
from bot.dialogue.session import Pending, Waiting
from bot.dialogue.turn import Turn
from bot.domain.chat_port import NeedKind, UnmetNeed
from bot.domain.routing import wants_place
from bot.domain.tickets import WAITING, Receipt
from bot.privacy.redact import redact
from bot.retrieval.decision import Kind


class Handoffs(Part):
    def file_stuck(self, turn: Turn, pending: Pending, text: str | None) -> None:
        turn.session.pending = None
        entry = self.parts.browse.entry(turn, pending.entry_id or "")
        detail = redact(text)[:1000] if text else None
        receipt = self.tickets.open(turn.user, turn.channel, NeedKind.STUCK,
                                    question=turn.session.last_question or entry.title, entry_id=entry.id,
                                    step=pending.step, context=self._context(turn.user), detail=detail)
        what = (say("what_stuck_detail", n=str(pending.step), title=entry.title, detail=detail) if detail
                else say("what_stuck", n=str(pending.step), title=entry.title))
        self.ticket_replies(turn, receipt, what, offer_callback=True)
        if text:  # the citizen's own words may match another answer that helps at once
            answer = turn.ask(text)
            if answer.kind == Kind.ANSWER.value and answer.entry and answer.entry.id != entry.id:
                self._send(turn, Reply(self._say(turn, "stuck_try_this"),
                                       (Button(answer.entry.title, encode(Act.ENTRY, answer.entry.id)),)))

    def on_rephrase(self, turn: Turn) -> None:
        """"Không phải các ý trên": other words first; the team is one press away."""
        turn.session.misses += 1
        turn.session.pending = Pending(Waiting.REPHRASE, question=turn.session.unanswered or turn.session.last_question)
        self._send(turn, Reply(self._say(turn, "rephrase_invite"),
                               (ask_team_button(), menu_button())))

    def on_ask_team(self, turn: Turn) -> None:
        question = turn.session.unanswered or turn.session.last_question
        if not question:
            self._send(turn, Reply(self._say(turn, "nothing_to_send"), (menu_button(),)))
            return
        turn.session.pending = None
        receipt = self.tickets.open(turn.user, turn.channel, NeedKind.NO_ANSWER, question=question,
                                    context=self._context(turn.user))
        self.ticket_replies(turn, receipt, say("what_question", question=question), offer_callback=False)

    def handoff(self, turn: Turn, callback: bool = False, question: str | None = None, detail: str | None = None,
                 phone: str | None = None, when: str | None = None) -> None:
        """A person asked for: the summary is the person's problem, not the request; a second request while a
        ticket is open joins it (bot.domain.tickets.Tickets.join_open)."""
        question = question or turn.session.problem
        receipt = self.tickets.join_open(turn.user, question, detail) or self.tickets.open(
            turn.user, turn.channel, NeedKind.HANDOFF, question=question, context=self._context(turn.user),
            detail=detail)
        if receipt.already_sent:
            about = receipt.added or receipt.need.question
            what = say("what_question", question=about) if about else say("what_handoff")
        elif callback:
            what = say("what_callback", question=question or "—")
        else:
            what = say("what_handoff_about", question=question) if question else say("what_handoff")
        self.ticket_replies(turn, receipt, what, offer_callback=True, phone=phone, when=when)

    def ticket_text(self, turn: Turn, receipt: Receipt, what: str) -> str:
        promise = self.tickets.promise(receipt.need)
        if not receipt.already_sent:
            turn.ask_place = wants_place(self.storage.teams(), self.storage.place(turn.user), receipt.need.kind)
        key = "ticket_added" if receipt.added else "ticket_already" if receipt.already_sent else "ticket_sent"
        return self._say(turn, key, need_id=str(receipt.need.id), what=what, team=promise.team, when=promise.when())

    def ticket_replies(self, turn: Turn, receipt: Receipt, what: str, offer_callback: bool,
                        phone: str | None = None, when: str | None = None) -> None:
        """Repeat what was sent, who answers and when, what to do meanwhile; then, once, offer a call back
        (naming the number the citizen typed, if they did)."""
        text = self.ticket_text(turn, receipt, what)
        has_phone = self.storage.callback(receipt.need.id) is not None
        if not offer_callback or (has_phone and not phone):
            self._send(turn, Reply(text, (menu_button(),)))
            return
        self._send(turn, Reply(text))
        self.parts.callbacks.ask_callback(turn, receipt.need.id, phone, when)

    def open_need(self, turn: Turn, need_id: int | None) -> UnmetNeed | None:
        return next((n for n in self.storage.user_needs(turn.user, WAITING) if n.id == need_id), None)

    def last_open_ticket(self, turn: Turn) -> UnmetNeed | None:
        """The newest ticket this person asked for that is still open (a 👎 is not one they asked for)."""
        waiting = [n for n in self.storage.user_needs(turn.user, WAITING) if n.kind != NeedKind.BAD_RATING.value]
        return waiting[-1] if waiting else None

    def callback_ticket(self, turn: Turn) -> Receipt:
        question = turn.session.problem
        return (self.tickets.join_open(turn.user, question)
                or self.tickets.open(turn.user, turn.channel, NeedKind.HANDOFF, question=question,
                                     context=self._context(turn.user)))
