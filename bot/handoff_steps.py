"""Hand-off steps that keep what people type (issue 18, item 6), mixed into the Dialogue.

A reason typed after 👎 is the reason, a number typed with "gọi cho e đi" is offered for saving with the call-back
consent question, "buổi tối" is kept with the number, and a second request joins the open ticket. The text
rules are in bot.handoff_words; this module decides what the engine does with them.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from bot.conversation import Button, Reply
from bot.decision import Kind
from bot.handoff_words import TypedReason, call_time, load_handoff_words
from bot.intents import Intent, IntentMatch
from bot.payloads import Act, encode
from bot.redact import redact
from bot.render import handoff_button, menu_button
from bot.session import Pending, Waiting
from bot.storage import NeedKind, UnmetNeed
from bot.tickets import WAITING, Receipt, masked, phone_number
from bot.wording import say

if TYPE_CHECKING:
    from bot.dialogue import Turn

_LEAVE_STEP = (Intent.MENU, Intent.GREETING, Intent.THANKS, Intent.BYE, Intent.HANDOFF, Intent.CALLBACK)


class HandoffSteps:
    """Methods of bot.dialogue.Dialogue (they use its storage, tickets and sending)."""

    # ---- 👎 then words
    def _on_typed_reason(self, turn: Turn, pending: Pending, text: str, match: IntentMatch | None) -> bool:
        """Text typed at "Vì sao bạn chưa hài lòng?": the reason (a button's code, or "other" with the words as
        the comment) unless it is clearly a new question the knowledge answers, or a way out of the step."""
        social = match.intent if match else None
        read = load_handoff_words().reason(text)
        if read is None:
            if social in _LEAVE_STEP or Intent.CALLBACK in self._intents.cues_in(text):
                turn.session.pending = None   # a person, the menu, thanks: handled as usual
                return False
            if social in (Intent.NO, Intent.CANCEL):
                self._on_skip(turn)
                return True
            if self._new_question(turn, pending, text):
                return True
            read = TypedReason("other", None)
        self._keep_reason(turn, pending, text, read, set_code=True)
        return True

    def _typed_reason_in_comment(self, turn: Turn, pending: Pending, text: str) -> bool:
        """At "gõ thêm góp ý", words that complain about the answer are the comment, never a new question."""
        read = load_handoff_words().reason(text)
        if read is None:
            return False
        self._keep_reason(turn, pending, text, read, set_code=False)
        return True

    def _new_question(self, turn: Turn, pending: Pending, text: str) -> bool:
        """A question with a clean answer from an entry other than the one rated 👎 is answered as a question;
        the rating keeps no reason and "Lưu làm góp ý" stays one press away."""
        if not (turn.reading.terms or self._intents.is_question(text)):
            return False
        if not turn.reading.terms:
            answer = turn.ask(text)
            if answer.kind != Kind.ANSWER.value or (answer.entry and answer.entry.id == pending.entry_id):
                return False
        turn.session.pending = None
        turn.session.last_text = redact(text)
        if turn.reading.terms:
            self._on_terms(turn, text, turn.reading.terms)
        else:
            self._on_question(turn, text, answer=answer)
        self._send(turn, Reply(self._say(turn, "comment_taken_as_question"),
                               (Button(say("btn_keep_comment"), encode(Act.KEEP_COMMENT, pending.rating_id)),)))
        return True

    def _keep_reason(self, turn: Turn, pending: Pending, text: str, read: TypedReason, set_code: bool) -> None:
        """Store the reason and the words (redacted), thank, and answer a restated question.

        "ko dung cau hoi, tui hoi otp la cai gi thoi" is off_topic with its comment, and the restated "otp la cai
        gi" is answered too when the glossary or an entry other than the rated one answers it cleanly: the person
        said what they wanted, so asking them to type it again would be one more dead end."""
        turn.session.pending = None
        comment = redact(text)[:1000]   # the person's own words, for the team, even when a button code matched
        rating = self.storage.set_rating_reason(pending.rating_id, turn.user, comment=comment,
                                                reason=read.code if set_code else None)
        if rating is not None and not set_code and rating.reason in (None, "other") and read.code != "other":
            rating = self.storage.set_rating_reason(pending.rating_id, turn.user, reason=read.code)
        if not set_code:   # the reason was a button: these words are its comment
            self._send(turn, Reply(self._say(turn, "comment_thanks"), (menu_button(),)))
        else:
            self._send(turn, Reply(self._say(turn, "typed_reason_noted", reason=say(f"reason_{read.code}"))))
        if read.restated and self._answer_restated(turn, read.restated, pending.entry_id):
            return
        if set_code:
            self._send(turn, Reply(self._say(turn, "rephrase_invite"), (handoff_button(), menu_button())))

    def _answer_restated(self, turn: Turn, question: str, rated_entry: str | None) -> bool:
        terms = turn.answerer.glossary.asked_term(question)
        if terms:
            self._on_terms(turn, question, tuple(terms))
            return True
        answer = turn.ask(question)
        if answer.kind != Kind.ANSWER.value or (answer.entry and answer.entry.id == rated_entry):
            return False
        self._on_question(turn, question, answer=answer)
        return True

    # ---- a phone number typed with a call-back request, or after a stale call-back button
    def _on_typed_number(self, turn: Turn, text: str) -> bool:
        """ "gọi cho e đi 0938112457", "0938112457 goi lai giup e", or the number alone: offered for saving with the
        call-back consent question (the number waits apart from the conversation until "có")."""
        phone = phone_number(text)
        words = load_handoff_words()
        asked = words.asks_call_back(text)
        if not phone or not (asked or words.only_contact(text)):
            return False
        when = call_time(text)
        need = self._last_open_ticket(turn)
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
            self._handoff(turn, callback=True, phone=phone, when=when)
            return True
        self._ask_callback(turn, need.id if need else None, phone, when)
        return True

    def _on_typed_time(self, turn: Turn, text: str) -> bool:
        """ "gọi buổi tối nha" after the number was saved: kept with it, for the caller."""
        when = call_time(text)
        if not when or phone_number(text) or not load_handoff_words().only_contact(text):
            return False
        need = self._last_open_ticket(turn)
        saved = self.storage.callback(need.id) if need else None
        if saved is None:
            return False
        self.storage.save_callback(need.id, turn.user, saved.phone, when)
        self._send(turn, Reply(self._say(turn, "call_time_noted", need_id=str(need.id), when=when), (menu_button(),)))
        return True

    @staticmethod
    def _remember_time(turn: Turn, text: str) -> None:
        pending = turn.session.pending
        if pending and pending.waiting in (Waiting.CALLBACK, Waiting.PHONE) and not pending.when:
            pending.when = call_time(text)

    def _ask_callback(self, turn: Turn, need_id: int | None, phone: str | None = None, when: str | None = None) -> None:
        """The call-back consent question; a typed number is held until the answer and named (masked)."""
        text = self._say(turn, "callback_question")
        if phone:
            self.storage.offer_number(turn.user, phone, when)
            text += "\n" + self._say(turn, "callback_number_typed", masked=masked(phone))
        turn.session.pending = Pending(Waiting.CALLBACK, need_id=need_id, offered=bool(phone), when=when)
        self._send(turn, Reply(text, (Button(say("btn_callback_yes"), encode(Act.CALLBACK, "y")),
                                      Button(say("btn_callback_no"), encode(Act.CALLBACK, "n")), menu_button())))

    def _take_offered(self, turn: Turn, pending: Pending, when: str | None = None) -> bool:
        """ "có" to a number typed earlier: saved for the ticket (opened now if the number came alone)."""
        offer = self.storage.offered_number(turn.user) if pending.offered else None
        if offer is None:
            return False
        self.storage.drop_offered_number(turn.user)
        turn.session.pending = None
        need = self._open_need(turn, pending.need_id) if pending.need_id else None
        if pending.need_id and need is None:   # answered or closed meanwhile
            self._send(turn, Reply(self._say(turn, "callback_closed"), (menu_button(),)))
            return True
        if need is None:
            receipt = self._callback_ticket(turn)
            self._send(turn, Reply(self._ticket_text(turn, receipt, say("what_callback", question=receipt.need.question
                                                                                 or "—"))))
            need = receipt.need
        self._phone_saved(turn, need, offer.phone, when or offer.preferred_time or pending.when)
        return True

    def _callback_ticket(self, turn: Turn) -> Receipt:
        question = turn.session.problem
        return (self.tickets.join_open(turn.user, question)
                or self.tickets.open(turn.user, turn.channel, NeedKind.HANDOFF, question=question,
                                     context=self._context(turn.user)))

    def _phone_saved(self, turn: Turn, need: UnmetNeed, phone: str, when: str | None) -> None:
        """Never "trong giờ hành chính" to someone who asked for the evening: the team tries the time asked."""
        self.tickets.leave_phone(need, phone, when)
        values = {"masked": masked(phone), "need_id": str(need.id)}
        text = (self._say(turn, "phone_saved_time", when=when, **values) if when
                else self._say(turn, "phone_saved", **values))
        self._send(turn, Reply(text, (menu_button(),)))

    def _last_open_ticket(self, turn: Turn) -> UnmetNeed | None:
        """The newest ticket this person asked for that is still open (a 👎 is not one they asked for)."""
        waiting = [n for n in self.storage.user_needs(turn.user, WAITING) if n.kind != NeedKind.BAD_RATING.value]
        return waiting[-1] if waiting else None

    def _stale_callback(self, turn: Turn, yes: bool) -> bool:
        """A call-back button pressed after the conversation moved on still works while a ticket is open."""
        need = self._last_open_ticket(turn)
        if need is None:
            return False
        turn.session.pending = Pending(Waiting.CALLBACK, need_id=need.id)
        self._on_callback_choice(turn, yes)
        return True
