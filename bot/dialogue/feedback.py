"""Ratings, the reason for a 👎 (pressed or typed) and the comment after it."""
from __future__ import annotations

from bot.core.messages import Button, Reply
from bot.core.payloads import Act, StaleButton, encode, handoff_button, is_rating, menu_button, parse
from bot.core.wording import say
from bot.dialogue.handoff_words import TypedReason, load_handoff_words
from bot.dialogue.part import Part
from bot.dialogue.session import Pending, Waiting
from bot.dialogue.turn import Turn
from bot.domain.chat_port import NeedKind, Rating, UnmetNeed
from bot.domain.routing import wants_place
from bot.privacy.redact import redact
from bot.reading.intents import Intent, IntentMatch
from bot.retrieval.decision import Kind

_REASONS = ("wrong", "unclear", "off_topic", "other")
# words that leave the reason step and are handled as usual
_LEAVE_STEP = (Intent.MENU, Intent.ABILITIES, Intent.GREETING, Intent.THANKS, Intent.BYE, Intent.HANDOFF, Intent.CALLBACK)


class Feedback(Part):
    def on_rate(self, turn: Turn, answer_id: int, value: str) -> None:
        rating = self._rate(turn, answer_id, value)
        if value == "up":
            turn.session.pending = None
            self._send(turn, Reply(self._say(turn, "rated_up"), (menu_button(),)))
            return
        buttons = tuple(Button(say(f"reason_{code}"), encode(Act.WHY, rating.id, code)) for code in _REASONS)
        turn.session.pending = Pending(Waiting.REASON, rating_id=rating.id, entry_id=rating.entry_id)
        self._send(turn, Reply(self._say(turn, "rated_down"), buttons))

    def _rate(self, turn: Turn, answer_id: int, value: str) -> Rating:
        """Store a rating; a 👎 reaches the team as an unmet need."""
        message = self.storage.message(answer_id)
        rateable = message and (message["entry_id"] or str(answer_id) in turn.session.rated)  # an entry or a team's answer
        if not rateable or message["user"] != turn.user or message["direction"] != "out":
            raise StaleButton(f"rate {answer_id}")
        about = turn.session.rated.get(str(answer_id))
        rating = self.storage.rate(answer_id, turn.user, turn.channel, about.question if about else None,
                                   message["entry_id"], value)
        if value == "down":
            self.record_need(turn, NeedKind.BAD_RATING, question=rating.question,
                             entry_id=rating.entry_id, context=self._context(turn.user), rating_id=rating.id)
        return rating

    def on_disagreement(self, turn: Turn, text: str) -> bool:
        """"sai rồi", "ko phải", "chưa đúng ý tui" typed right after an answer, without pressing 👎: the answer is
        rated 👎 with that reason and the words kept for the team, as a reason typed after 👎 would be. Read as a
        question, "sai rồi" had been offered three guides that say "sai", and "chưa đúng ý tui" had been told the
        guide does not cover "what you asked"."""
        rated = [parse(p) for p in turn.session.numbered if is_rating(p)]
        answered = [r.int(0) for r in rated if r.args[1] == "down"]
        about = turn.session.rated.get(str(answered[-1])) if answered else None
        if about is None or about.entry_id is None or about.asked_back:
            return False
        read = load_handoff_words().disagreement(text)
        if read is None:
            return False
        rating = self._rate(turn, answered[-1], "down")
        pending = Pending(Waiting.REASON, rating_id=rating.id, entry_id=rating.entry_id)
        self.keep_reason(turn, pending, text, read, set_code=True, noted="disagreement_noted")
        return True

    def record_need(self, turn: Turn, kind: NeedKind, **details) -> UnmetNeed:
        """Record an unmet need; the community desk routes it to a team (bot.desk.service). The citizen is asked
        once where they live when that decides which team gets it."""
        need = self.storage.add_unmet_need(turn.user, turn.channel, kind, **details)
        turn.ask_place = wants_place(self.storage.teams(), self.storage.place(turn.user), need.kind)
        return need

    def on_reason(self, turn: Turn, rating_id: int, code: str) -> None:
        rating = self.storage.set_rating_reason(rating_id, turn.user, reason=code)
        if not rating:
            raise StaleButton(f"why {rating_id}")
        turn.session.pending = Pending(Waiting.COMMENT, rating_id=rating_id, entry_id=rating.entry_id)
        self._send(turn, Reply(self._say(turn, "ask_comment"), (Button(say("btn_skip"), encode(Act.SKIP)),)))

    def on_skip(self, turn: Turn) -> None:
        turn.session.pending = None
        self._send(turn, Reply(self._say(turn, "comment_thanks"), (menu_button(),)))

    def on_keep_comment(self, turn: Turn, rating_id: int) -> None:
        """The message taken for a new question was a comment after all."""
        text = turn.session.last_text
        if not text or not self.storage.set_rating_reason(rating_id, turn.user, comment=text[:1000]):
            raise StaleButton("keep")
        turn.session.last_text = None
        self._send(turn, Reply(self._say(turn, "comment_thanks"), (menu_button(),)))

    def on_typed_reason(self, turn: Turn, pending: Pending, text: str, match: IntentMatch | None) -> bool:
        """Text typed at "Vì sao bạn chưa hài lòng?": the reason (a button's code, or "other" with the words as
        the comment) unless it is clearly a new question the knowledge answers, or a way out of the step."""
        social = match.intent if match else None
        read = load_handoff_words().reason(text)
        if read is None:
            if social in _LEAVE_STEP or Intent.CALLBACK in self.intents.cues_in(text):
                turn.session.pending = None   # a person, the menu, thanks: handled as usual
                return False
            if social in (Intent.NO, Intent.CANCEL):
                self.on_skip(turn)
                return True
            if self.new_question(turn, pending, text):
                return True
            # "???", "🤔": the answer was not understood
            read = TypedReason("unclear" if social == Intent.NOT_UNDERSTOOD else "other", None)
        self.keep_reason(turn, pending, text, read, set_code=True)
        return True

    def typed_reason_in_comment(self, turn: Turn, pending: Pending, text: str) -> bool:
        """At "gõ thêm góp ý", words that complain about the answer are the comment, never a new question."""
        read = load_handoff_words().reason(text)
        if read is None:
            return False
        self.keep_reason(turn, pending, text, read, set_code=False)
        return True

    def new_question(self, turn: Turn, pending: Pending, text: str) -> bool:
        """A question with a clean answer from an entry other than the one rated 👎 is answered as a question;
        the rating keeps no reason and "Lưu làm góp ý" stays one press away."""
        if not (turn.reading.terms or self.intents.is_question(text)):
            return False
        if not turn.reading.terms:
            answer = turn.ask(text)
            if answer.kind != Kind.ANSWER.value or (answer.entry and answer.entry.id == pending.entry_id):
                return False
        turn.session.pending = None
        turn.session.last_text = redact(text)
        if turn.reading.terms:
            self.parts.asking.on_terms(turn, text, turn.reading.terms)
        else:
            self.parts.asking.on_question(turn, text, answer=answer)
        self._send(turn, Reply(self._say(turn, "comment_taken_as_question"),
                               (Button(say("btn_keep_comment"), encode(Act.KEEP_COMMENT, pending.rating_id)),)))
        return True

    def keep_reason(self, turn: Turn, pending: Pending, text: str, read: TypedReason, set_code: bool,
                    noted: str = "typed_reason_noted") -> None:
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
            self._send(turn, Reply(self._say(turn, noted, reason=say(f"reason_{read.code}"))))
        if read.restated and self.answer_restated(turn, read.restated, pending.entry_id):
            return
        if set_code:
            self._send(turn, Reply(self._say(turn, "rephrase_invite"), (handoff_button(), menu_button())))

    def answer_restated(self, turn: Turn, question: str, rated_entry: str | None) -> bool:
        terms = turn.answerer.glossary.asked_term(question)
        if terms:
            self.parts.asking.on_terms(turn, question, tuple(terms))
            return True
        answer = turn.ask(question)
        if answer.kind != Kind.ANSWER.value or (answer.entry and answer.entry.id == rated_entry):
            return False
        self.parts.asking.on_question(turn, question, answer=answer)
        return True
