"""The conversation engine: Incoming → list[Reply], for every channel.

Order for a typed message: a command ("hủy", "chủ đề"), a language we do not
answer in, the pending question if one is open (readiness, comment, stuck,
call-back number, delete confirmation, rephrase) when the message answers it,
a social or meta turn (thanks, asking for a person, frustration…), and only
then retrieval. A pending step never traps anyone: a message that is clearly
something else is handled as such and the step is resumed or dropped with a
word. Every turn ends with a way on. Everything stored is redacted and keyed
by a salted hash of the user id. No channel library here.

This module is the turn's plumbing; each job is a part (bot.dialogue.part): talk, pending, asking, browse,
feedback, handoffs, callbacks, readiness, deletion, and buttons (the table from a pressed button to its part).
"""
from __future__ import annotations

import logging
from dataclasses import replace
from typing import Callable, TypeVar

from bot.core.clock import SYSTEM_CLOCK, Clock
from bot.core.messages import SHOWS_NUMBERS, Button, Incoming, Reply
from bot.core.numbers import is_number
from bot.core.payloads import Act, id_of_arg, is_rating, menu_button, rate_buttons
from bot.core.wording import say
from bot.dialogue import several_questions as several
from bot.dialogue.asking import Asking
from bot.dialogue.browse import Browse
from bot.dialogue.buttons import Buttons
from bot.dialogue.callbacks import Callbacks
from bot.dialogue.deletion import Deletion
from bot.dialogue.feedback import Feedback
from bot.dialogue.handoff_words import load_handoff_words
from bot.dialogue.handoffs import Handoffs
from bot.dialogue.part import Parts
from bot.dialogue.pending import PendingSteps
from bot.dialogue.place_choice import place_question, typed_place
from bot.dialogue.readiness import Readiness
from bot.dialogue.render import other_language_replies
from bot.dialogue.session import Session, Waiting
from bot.dialogue.talk import Talk
from bot.dialogue.tone import hear, language
from bot.dialogue.turn import Reading, Turn, send, speak, store_unsaved
from bot.domain.chat_port import StaleSession
from bot.domain.desk_port import CommunityStorage
from bot.domain.tickets import ResponseTimes, SameForEveryone, Tickets
from bot.privacy.identity import derived_key, user_key
from bot.privacy.redact import redact
from bot.reading.flows import Flows, load_flows
from bot.reading.intent_file import load_intents
from bot.reading.intents import Intent, IntentBook
from bot.retrieval.answerer import Answerer
from bot.retrieval.answers import Answer
from indexer.vntext import folded_syllables

_DISAGREEING = (Intent.NO, Intent.COMPLAINT)   # "ko phải", "không đúng ý" right after an answer: a 👎 typed

log = logging.getLogger("bot.dialogue")   # the name operators filter on (docs/operations.md)
_FEW = 9   # the most options a message shows: a bigger number typed alone is no pick (a year, a phone number)
_LINK = "🔗"   # a link button among the numbered ones, stored as "🔗title\nurl"
NOTICE_VERSION = "2026-11"
SESSION_TTL_S = 30 * 60
DEFAULT_SUPPORT_HOURS = 8
SAVE_ATTEMPTS = 5   # a turn taken again after another turn of the same citizen saved first (bot.domain.chat_port)
T = TypeVar("T")


class Dialogue:
    def __init__(self, knowledge: Callable[[], Answerer], storage: CommunityStorage, secret: bytes,
                 flows: Flows | None = None, session_ttl_s: float = SESSION_TTL_S, clock: Clock = SYSTEM_CLOCK,
                 response_times: ResponseTimes | None = None, intents: IntentBook | None = None) -> None:
        self.knowledge = knowledge   # returns the answerer of the live build (bot.retrieval.library.KnowledgeLibrary)
        self.storage = storage
        self.tickets = Tickets(storage, response_times or SameForEveryone(DEFAULT_SUPPORT_HOURS))
        self._secret = secret
        self._name_key = derived_key(secret, "names")
        self._flows = flows or load_flows()
        self._intents = intents or load_intents()
        self._ttl = session_ttl_s
        self._clock = clock
        self.parts = Parts(talk=Talk(self), pending=PendingSteps(self), asking=Asking(self), browse=Browse(self),
                           feedback=Feedback(self), handoffs=Handoffs(self), callbacks=Callbacks(self),
                           readiness=Readiness(self), deletion=Deletion(self), buttons=Buttons(self))

    @property
    def flows(self) -> Flows:
        return self._flows

    @property
    def intents(self) -> IntentBook:
        return self._intents

    def now(self) -> float:
        """The engine's clock (a test may set `_clock` after construction)."""
        return self._clock()

    def handle(self, incoming: Incoming) -> list[Reply]:
        """One citizen message in, the replies out; every write of the turn commits together, once.

        Retrieval, the slow part, runs before the transaction so it never holds up other citizens' turns."""
        user = self.user_key(incoming.channel, incoming.user)
        text = (incoming.text or "").strip()
        answerer = self.knowledge()   # one knowledge build for the whole turn
        reading = self._read(text, answerer) if text and not incoming.payload else Reading()
        # a team's local answers are offered only where the citizen lives (read only when the build has some)
        place = self.storage.place(user) if answerer.has_local else None
        province = place.province if place else None
        prefetched = () if incoming.payload else self._prefetch(answerer, text, reading, province)
        return self._again_if_stale(lambda: self._handle(incoming, user, text, answerer, reading, prefetched,
                                                         province))

    def _again_if_stale(self, run: Callable[[], T]) -> T:
        """`run` in one transaction; taken again from the start when its session save finds another turn of this
        citizen (another worker, or the team's answer) saved first: no update is lost, on any backend."""
        for attempt in range(SAVE_ATTEMPTS):
            try:
                with self.storage.transaction():
                    return run()
            except StaleSession:
                if attempt == SAVE_ATTEMPTS - 1:
                    raise
                log.info("session saved by another turn meanwhile: taking this one again")
        raise AssertionError("unreachable")

    def _read(self, text: str, answerer: Answerer) -> Reading:
        command = self._flows.command(text)
        if command:
            return Reading(command)
        # "vneid lv2 là j v, bn e nói hoài mà e hk hỉu": the term asked first, the rest says why; "e đang soạn bài
        # gửi nhóm zalo, cho e hỏi ký số là gì ạ": the only clause that asks
        glossary = answerer.glossary
        terms = (glossary.asked_term(text) or glossary.asked_term(self._intents.asking_clause(text) or "")
                 or glossary.asked_term(self._intents.lone_question(text) or ""))
        return Reading(terms=tuple(terms)) if terms else Reading(None, self._intents.match(text))

    @staticmethod
    def _prefetch(answerer: Answerer, text: str, reading: Reading, province: str | None) -> tuple[Answer, ...]:
        """The answers a typed question will need (each of its questions when it carries several); nothing for
        commands and social phrases."""
        if not text or reading.command or reading.match or reading.terms:
            return ()
        try:
            return several.ask_all(answerer, text, province)
        except Exception:  # asked again inside the turn, where a failure is logged and gets the apology
            return ()

    def _handle(self, incoming: Incoming, user: str, text: str, answerer: Answerer, reading: Reading,
                prefetched: tuple[Answer, ...], province: str | None = None) -> list[Reply]:
        in_id = self.storage.add_message(user, incoming.channel, "in", redact(text) if text else None,
                                         payload=incoming.payload, message_id=incoming.message_id)
        if in_id is None:  # the channel delivered this message before: it was answered then
            log.info("repeated delivery %s on %s ignored", incoming.message_id, incoming.channel)
            return []
        if incoming.address:
            self.storage.save_address(user, incoming.channel, incoming.address)
        session, version = self._load(user)
        turn = Turn(user, incoming.channel, in_id, session, answerer, session_version=version, reading=reading,
                    prefetched=prefetched, province=province, name_key=self._name_key)
        turn.choices, turn.session.choices = turn.session.choices, []   # offered for one turn only
        if self.storage.record_consent(user, incoming.channel, NOTICE_VERSION):
            self._send(turn, Reply(say("privacy_notice")))
        told = hear(self._intents, turn.session, text) if text and not incoming.payload else None
        picked = None if incoming.payload else self._numbered_choice(turn, text)
        link = picked.removeprefix(_LINK).split("\n", 1) if picked and picked.startswith(_LINK) else None
        payload = incoming.payload or (None if link else picked)
        try:
            with self.storage.transaction():   # a savepoint: a failure takes back what this part wrote
                if told:   # "đừng gọi tui là bác": one short line, no search, no ticket; a pending step waits
                    self._send(turn, Reply(self._say(turn, told), (menu_button(),)))
                elif link:   # "cái 1" for the portal search: the button again, nothing searched
                    button = Button(link[0], url=link[1])
                    self._send(turn, Reply(self._say(turn, "link_number", title=link[0]), (button,)))
                elif payload:
                    self.parts.buttons.on_payload(turn, payload)
                elif number := self._no_such_choice(turn, text):   # "số 2" with one option shown: no search for "2"
                    self._send(turn, Reply(self._say(turn, "no_such_choice", number=str(number)), (menu_button(),)))
                else:
                    self._on_text(turn, text)
                if turn.ask_place:
                    self._send(turn, place_question(self.storage, turn.you))
        except Exception:  # a citizen gets an apology, never a traceback, nor half a turn; the message stays stored
            log.exception("dialogue failed on message %s", in_id)
            return [Reply(self._say(turn, "error"), (menu_button(),))]
        self._ensure_way_on(turn)
        if not turn.forget:
            store_unsaved(self.storage, turn)
            # as shown: a link button counts too (its number shows the link again: typing sends nothing)
            turn.session.numbered = [b.payload or f"{_LINK}{b.title}\n{b.url}" for r in turn.replies for b in r.buttons]
            turn.session.offer([b.payload for r in turn.replies for b in r.buttons if b.payload])
            if not (turn.session.pending and turn.session.pending.offered):
                self.storage.drop_offered_number(user)   # a typed number never outlives its question
            self.storage.save_session(user, turn.session.to_dict(), self._clock(), turn.session_version)
        return turn.replies

    def user_key(self, channel: str, user: str) -> str:
        """The pseudonymous key stored for a channel's user id."""
        return user_key(self._secret, channel, user)

    def signing_key(self, purpose: str) -> bytes:
        """A key derived from the same install secret, for a channel that signs what it hands out."""
        return derived_key(self._secret, purpose)

    def _load_session(self, user: str) -> Session:
        return self._load(user)[0]

    def _load(self, user: str) -> tuple[Session, int | None]:
        """The citizen's session (a fresh one once it is older than the TTL) and the stored version a save names."""
        loaded = self.storage.load_session(user)
        if loaded is None:
            return Session(), None
        if self._clock() - loaded.updated_at > self._ttl:
            return Session(), loaded.version
        return Session.from_dict(loaded.state), loaded.version

    def record_team_answer(self, user: str, channel: str, text: str, question: str | None) -> tuple[int, list[Reply]]:
        """A team member's answer, stored in the citizen's conversation with rating buttons like any answer;
        the desk delivers the replies. `user` is the stored (hashed) user key. Taken like a turn, in one
        transaction, its session save naming the version it loaded: a turn of this citizen that saved meanwhile
        (on any worker) makes it start again from the start instead of being overwritten."""
        return self._again_if_stale(lambda: self._team_answer(user, channel, text, question))

    def _team_answer(self, user: str, channel: str, text: str, question: str | None) -> tuple[int, list[Reply]]:
        answer_id = self.storage.add_message(user, channel, "out", redact(text))   # the write lock, first
        loaded = self.storage.load_session(user)
        session = Session.from_dict(loaded.state) if loaded else Session()
        you = session.you if loaded and self._clock() - loaded.updated_at <= self._ttl else Session().you
        prompt = Reply(say("rate_prompt", you=you), rate_buttons(answer_id))
        self.storage.add_message(user, channel, "out", prompt.text, reply_to=answer_id)
        session.remember_answer(answer_id, question, None)
        self.storage.save_session(user, session.to_dict(), loaded.updated_at if loaded else self._clock(),
                                  loaded.version if loaded else None)
        return answer_id, [Reply(text), prompt]

    def _on_text(self, turn: Turn, text: str) -> None:
        command, match = turn.reading.command, turn.reading.match
        refused, turn.session.refused = turn.session.refused, False
        if refused and not command and self._intents.claims_role(text):
            self.parts.talk.on_role_claimed(turn)   # "tôi là trưởng thôn mà" right after the refusal
            return
        if command:
            self.parts.talk.on_command(turn, command)
            return
        place = typed_place(self.storage, turn.user, text, turn.you)
        if place is not None:  # "ha tinh a" in reply to "bạn ở tỉnh nào?" is a place, not a question
            self._send(turn, place)
            return
        foreign = language(self._intents, text) if text and not match and not turn.reading.terms else None
        if foreign:
            for reply in other_language_replies(foreign):
                self._send(turn, reply)
            return
        pending = turn.session.pending
        if pending and self.parts.pending.on_pending(turn, pending, text, match):
            return
        if self.parts.callbacks.on_typed_number(turn, text) or self.parts.callbacks.on_typed_time(turn, text):
            return
        if (match is None or match.intent in _DISAGREEING) and self.parts.feedback.on_disagreement(turn, text):
            return
        other = several.asked_for(turn.session.questions, turn.session.last_question, text, turn.session.named,
                                  turn.name_key, longer=match is None)
        if other:   # "còn cái kia thì sao" after a message with several questions
            self.parts.asking.on_question(turn, other)
        elif turn.reading.terms:
            self.parts.asking.on_terms(turn, text, turn.reading.terms)
        elif match:
            self.parts.talk.on_intent(turn, match, text)
            self.parts.callbacks.remember_time(turn, text)   # "gọi lại cho e buổi tối": kept for the number to come
        elif not self.parts.asking.on_several(turn, text):
            self.parts.asking.on_question(turn, text)
        if turn.session.pending and turn.session.pending.waiting == Waiting.READY:
            self.parts.readiness.resume_ready(turn)

    @staticmethod
    def _ensure_way_on(turn: Turn) -> None:
        """No dead ends: a turn without a button to go on (rating buttons aside) gets the menu button."""
        onward = [b for r in turn.replies for b in r.buttons if b.payload and not is_rating(b.payload)]
        if turn.replies and not onward:
            last = turn.replies[-1]
            turn.replies[-1] = replace(last, buttons=last.buttons + (menu_button(),))
            if last in turn.unsaved:
                turn.unsaved[turn.unsaved.index(last)] = turn.replies[-1]

    @staticmethod
    def _numbered_choice(turn: Turn, text: str) -> str | None:
        """Channels without buttons answer "1", "2": map that back to the button's payload. Where buttons show, a
        number counts the options listed (an answer's "Có thể bạn cũng cần"), never a rating: "cai 2" after an
        answer had been recorded as 👍. Without options listed, the buttons count as the citizen sees them, links
        too: "cái 2" after a don't-know is "Gửi câu hỏi" (second after "Tìm trên Cổng DVC"), not the menu."""
        choices = turn.session.numbered
        if turn.channel in SHOWS_NUMBERS:
            choices = [p for p in choices if not p.startswith(_LINK)]   # links are 🔗 lines there, not numbered
        else:
            options = [p for p in choices if p.startswith(f"{Act.ENTRY.value}:")]
            choices = options or [p for p in choices if not is_rating(p)]
        picked = int(text) - 1 if is_number(text) and 1 <= int(text) <= len(choices) else (
            load_handoff_words().choice(text, len(choices)) if choices and len(text) <= 40 else None)
        if picked is None and choices and not is_number(text):
            picked = Dialogue._named_choice(turn, text, choices)
        return choices[picked] if picked is not None else None   # "cái 1 đó", "số 2", "cái đầu"

    @staticmethod
    def _named_choice(turn: Turn, text: str, choices: list[str]) -> int | None:
        """"cái bản sao trích lục á" after options: the one option whose title has every word named."""
        named = load_handoff_words().named_pick(text) if len(text) <= 60 else None
        if not named:
            return None
        prefix = f"{Act.ENTRY.value}:"
        entries = [turn.answerer.entry(id_of_arg(p.removeprefix(prefix))) if p.startswith(prefix) else None
                   for p in choices]
        fits = [i for i, e in enumerate(entries) if e and set(named) <= set(folded_syllables(e.title))]
        return fits[0] if len(fits) == 1 else None

    @staticmethod
    def _no_such_choice(turn: Turn, text: str) -> int | None:
        """The number a message picks ("số 2", "cái thứ hai", "3") when nothing shown has it, and no step waits
        for an answer: read as a question, "số 2" had been offered three guides that say "2"."""
        if turn.session.pending is not None or len(text) > 20:
            return None
        picked = load_handoff_words().choice(text, _FEW)
        return picked + 1 if picked is not None else None

    @staticmethod
    def _say(turn: Turn, key: str, **values: str) -> str:
        return speak(turn, key, **values)

    def _send(self, turn: Turn, reply: Reply, entry_id: str | None = None) -> int:
        return send(self.storage, turn, reply, entry_id)
