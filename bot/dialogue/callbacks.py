"""Call-backs: the consent question, a typed number (kept apart from the conversation until "có"),
the preferred time, and a call-back button pressed after the conversation moved on."""
from __future__ import annotations

from bot.core.messages import Button, Reply
from bot.core.payloads import Act, encode, menu_button
from bot.core.wording import say
from bot.dialogue.handoff_words import load_handoff_words
from bot.dialogue.part import Part
from bot.dialogue.session import Pending, Waiting
from bot.dialogue.turn import Turn
from bot.domain.chat_port import UnmetNeed
from bot.domain.tickets import masked, phone_number
from bot.privacy.redact import redact


class Callbacks(Part):
    def on_callback_choice(self, turn: Turn, yes: bool) -> None:
        pending = turn.session.pending
        if yes and pending and self.take_offered(turn, pending):
            return
        if not yes:
            turn.session.pending = None
            alone = pending is not None and pending.offered and pending.need_id is None   # no ticket was asked for
            self._send(turn, Reply(self._say(turn, "number_not_kept" if alone else "phone_skipped"), (menu_button(),)))
            return
        turn.session.pending = Pending(Waiting.PHONE, need_id=pending.need_id if pending else None,
                                       when=pending.when if pending else None)
        self._send(turn, Reply(self._say(turn, "ask_phone"),
                               (Button(say("btn_callback_no"), encode(Act.CALLBACK, "n")),)))

    def save_phone(self, turn: Turn, pending: Pending, phone: str, typed: str) -> None:
        """Kept apart from the (redacted) conversation, for the team handling this ticket only."""
        turn.session.pending = None
        need = self.parts.handoffs.open_need(turn, pending.need_id)
        if need is None:
            self._send(turn, Reply(self._say(turn, "callback_closed"), (menu_button(),)))
            return
        self.phone_saved(turn, need, phone, load_handoff_words().when_to_call(typed) or pending.when)

    def on_typed_number(self, turn: Turn, text: str) -> bool:
        """ "gọi cho e đi 0938112457", "0938112457 goi lai giup e", or the number alone: offered for saving with the
        call-back consent question (the number waits apart from the conversation until "có")."""
        phone = phone_number(text)
        words = load_handoff_words()
        asked = words.asks_call_back(text)
        if not phone or not (asked or words.only_contact(text)):
            return False
        when = words.when_to_call(text)
        need = self.parts.handoffs.last_open_ticket(turn)
        saved = self.storage.callback(need.id) if need else None
        if saved is not None and saved.phone == phone:
            if when:
                self.storage.save_callback(need.id, turn.user, phone, when)
                self._send(turn, Reply(self._say(turn, "call_time_noted", need_id=str(need.id), when=when),
                                       (menu_button(),)))
            else:
                self._send(turn, Reply(self._say(turn, "phone_already_saved", masked=masked(phone),
                                                 need_id=str(need.id)), (menu_button(),)))
            return True
        problem = load_handoff_words().problem(redact(text))   # "bị trừ tiền 2 lần…, gọi cho e đi 0912…"
        turn.session.problem = problem or turn.session.problem
        if need is None and asked:   # they asked for a call: the ticket first, then the number's question
            self.parts.handoffs.handoff(turn, callback=True, phone=phone, when=when)
            return True
        self.ask_callback(turn, need.id if need else None, phone, when)
        return True

    def on_typed_time(self, turn: Turn, text: str) -> bool:
        """ "gọi buổi tối nha" after the number was saved: kept with it, for the caller; the rest may say why ("goi
        sau 6h chieu nha, ban ngay toi o ngoai bien", "ok, gọi sau 3 giờ chiều giúp cô, buổi sáng cô đi tập"), as long
        as it asks nothing."""
        when = load_handoff_words().time_asked(text)
        if not when or phone_number(text):
            return False
        need = self.parts.handoffs.last_open_ticket(turn)
        saved = self.storage.callback(need.id) if need else None
        if saved is None:
            return False
        self.storage.save_callback(need.id, turn.user, saved.phone, when)
        self._send(turn, Reply(self._say(turn, "call_time_noted", need_id=str(need.id), when=when), (menu_button(),)))
        return True

    @staticmethod
    def remember_time(turn: Turn, text: str) -> None:
        pending = turn.session.pending
        if pending and pending.waiting in (Waiting.CALLBACK, Waiting.PHONE) and not pending.when:
            pending.when = load_handoff_words().when_to_call(text)

    def ask_callback(self, turn: Turn, need_id: int | None, phone: str | None = None, when: str | None = None) -> None:
        """The call-back consent question; a typed number is held until the answer and named (masked)."""
        text = self._say(turn, "callback_question")
        if phone:
            self.storage.offer_number(turn.user, phone, when)
            text += "\n" + self._say(turn, "callback_number_typed", masked=masked(phone))
        turn.session.pending = Pending(Waiting.CALLBACK, need_id=need_id, offered=bool(phone), when=when)
        self._send(turn, Reply(text, (Button(say("btn_callback_yes"), encode(Act.CALLBACK, "y")),
                                      Button(say("btn_callback_no"), encode(Act.CALLBACK, "n")), menu_button())))

    def take_offered(self, turn: Turn, pending: Pending, when: str | None = None) -> bool:
        """ "có" to a number typed earlier: saved for the ticket (opened now if the number came alone)."""
        offer = self.storage.offered_number(turn.user) if pending.offered else None
        if offer is None:
            return False
        self.storage.drop_offered_number(turn.user)
        turn.session.pending = None
        need = self.parts.handoffs.open_need(turn, pending.need_id) if pending.need_id else None
        if pending.need_id and need is None:   # answered or closed meanwhile
            self._send(turn, Reply(self._say(turn, "callback_closed"), (menu_button(),)))
            return True
        if need is None:
            receipt = self.parts.handoffs.callback_ticket(turn)
            self._send(turn, Reply(self.parts.handoffs.ticket_text(turn, receipt, say("what_callback", question=receipt.need.question
                                                                                 or "—"))))
            need = receipt.need
        self.phone_saved(turn, need, offer.phone, when or offer.preferred_time or pending.when)
        return True

    def phone_saved(self, turn: Turn, need: UnmetNeed, phone: str, when: str | None) -> None:
        """Never "trong giờ hành chính" to someone who asked for the evening: the team tries the time asked."""
        self.tickets.leave_phone(need, phone, when)
        values = {"masked": masked(phone), "need_id": str(need.id)}
        text = (self._say(turn, "phone_saved_time", when=when, **values) if when
                else self._say(turn, "phone_saved", **values))
        self._send(turn, Reply(text, (menu_button(),)))

    def stale_callback(self, turn: Turn, yes: bool) -> bool:
        """A call-back button pressed after the conversation moved on still works while a ticket is open."""
        need = self.parts.handoffs.last_open_ticket(turn)
        if need is None:
            return False
        turn.session.pending = Pending(Waiting.CALLBACK, need_id=need.id)
        self.on_callback_choice(turn, yes)
        return True
