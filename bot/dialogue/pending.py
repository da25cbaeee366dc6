"""A typed message at an open question (readiness, comment, stuck, call-back number, delete
confirmation, rephrase): answered when it answers it; a message that is clearly something else leaves the step."""
from __future__ import annotations

from bot.core.messages import Button, Reply
from bot.core.payloads import Act, encode, menu_button
from bot.core.wording import say
from bot.dialogue.handoff_words import load_handoff_words
from bot.dialogue.part import Part
from bot.dialogue.session import Pending, Waiting
from bot.dialogue.turn import Turn
from bot.domain.tickets import phone_number
from bot.privacy.redact import redact
from bot.reading.intents import Intent, IntentMatch, clauses
from bot.reading.withdrawals import declines_as_done
from bot.reading.yes_no import polarity
from bot.retrieval.decision import Kind


class PendingSteps(Part):
    def on_pending(self, turn: Turn, pending: Pending, text: str, match: IntentMatch | None) -> bool:
        """True when the message answered the pending question; False leaves it to the usual handling."""
        social = match.intent if match else None
        if pending.waiting == Waiting.READY:
            yes = polarity(self.intents, text)
            if yes is not None and social in (None, Intent.YES, Intent.NO):
                self.parts.readiness.on_ready(turn, len(pending.answers), yes)
                return True
            if social in (Intent.MENU, Intent.HANDOFF, Intent.CALLBACK, Intent.BYE):
                self.parts.talk.drop_pending(turn, "ready_dropped")
            return False
        if pending.waiting == Waiting.COMMENT:
            return self.on_comment(turn, pending, text, social)
        if pending.waiting == Waiting.REASON:
            return self.parts.feedback.on_typed_reason(turn, pending, text, match)
        if pending.waiting == Waiting.DELETE:
            yes = polarity(self.intents, text)
            if yes is not None and social in (None, Intent.YES, Intent.NO):
                self.parts.deletion.on_delete(turn, yes)
                return True
            self.parts.talk.drop_pending(turn, "delete_dropped")
            return False
        if pending.waiting == Waiting.STUCK:
            if social in (Intent.MENU, Intent.ABILITIES, Intent.GREETING, Intent.BYE, Intent.THANKS):
                self.parts.talk.drop_pending(turn, "stuck_dropped")
                return False
            self.parts.handoffs.file_stuck(turn, pending, None if social in (Intent.HANDOFF, Intent.CALLBACK) else text)
            return True
        if pending.waiting in (Waiting.CALLBACK, Waiting.PHONE):
            return self.on_phone_answer(turn, pending, text, social)
        if pending.waiting == Waiting.REPHRASE:
            turn.session.pending = None
            if match:
                return False
            self.parts.asking.on_question(turn, text, first_wording=pending.question)
            return True
        return False

    def on_comment(self, turn: Turn, pending: Pending, text: str, social: Intent | None) -> bool:
        cues = self.intents.cues_in(text)
        if social in (Intent.HANDOFF, Intent.CALLBACK) or Intent.CALLBACK in cues:
            turn.session.pending = None
            rating = self.storage.set_rating_reason(pending.rating_id, turn.user, comment=redact(text)[:1000])
            self._send(turn, Reply(self._say(turn, "comment_to_handoff")))
            self.parts.handoffs.handoff(turn, callback=True, question=rating.question if rating else None, detail=redact(text),
                          phone=phone_number(text), when=load_handoff_words().when_to_call(text))
            return True
        if social == Intent.NO:
            self.parts.feedback.on_skip(turn)
            return True
        if social in (Intent.MENU, Intent.ABILITIES, Intent.GREETING, Intent.THANKS, Intent.BYE):
            self.parts.talk.drop_pending(turn, "comment_dropped")
            return False
        if self.parts.feedback.typed_reason_in_comment(turn, pending, text):
            return True
        if self.intents.is_question(text):
            answer = turn.ask(text)
            if answer.kind == Kind.ANSWER.value:
                turn.session.pending = None
                turn.session.last_text = redact(text)
                self.parts.asking.on_question(turn, text, answer=answer)
                self._send(turn, Reply(self._say(turn, "comment_taken_as_question"),
                                       (Button(say("btn_keep_comment"), encode(Act.KEEP_COMMENT, pending.rating_id)),)))
                return True
        turn.session.pending = None
        self.storage.set_rating_reason(pending.rating_id, turn.user, comment=redact(text)[:1000])
        self._send(turn, Reply(self._say(turn, "comment_thanks"), (menu_button(),)))
        return True

    def on_phone_answer(self, turn: Turn, pending: Pending, text: str, social: Intent | None) -> bool:
        phone = phone_number(text)
        if phone and pending.offered:   # another number typed at the question about the first: this one
            self.storage.offer_number(turn.user, phone, load_handoff_words().when_to_call(text) or pending.when)
            return self.parts.callbacks.take_offered(turn, pending)
        if phone:
            self.parts.callbacks.save_phone(turn, pending, phone, text)
            return True
        yes = polarity(self.intents, text)
        asked = load_handoff_words().time_asked(text)
        when = asked or load_handoff_words().when_to_call(text)
        if pending.offered and (yes or social in (Intent.CALLBACK, Intent.HANDOFF) or asked):
            return self.parts.callbacks.take_offered(turn, pending, when)   # "có", "gọi lại giúp e", "buổi tối nha"
        if when and not pending.when:
            pending.when = when
        if pending.waiting == Waiting.CALLBACK and yes is not None and social in (None, Intent.YES, Intent.NO):
            self.parts.callbacks.on_callback_choice(turn, yes)
            return True
        if social == Intent.CANCEL and declines_as_done(self.intents, text, clauses(text)):
            # "à thôi khỏi nha em, chị đọc lại hiểu rồi": the help itself is no longer needed, not only the call
            self.parts.talk.drop_pending(turn, None)
            return False
        if yes is False and social in (None, Intent.NO, Intent.CANCEL):
            self.parts.callbacks.on_callback_choice(turn, False)
            return True
        if pending.waiting == Waiting.PHONE and any(c.isdigit() for c in text) and pending.tries < 1:
            pending.tries += 1
            self._send(turn, Reply(self._say(turn, "phone_invalid"),
                                   (Button(say("btn_callback_no"), encode(Act.CALLBACK, "n")),)))
            return True
        self.parts.talk.drop_pending(turn, None)   # no "(Chưa lưu số điện thoại nào.)": nothing the citizen asked about
        return False
