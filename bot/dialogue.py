"""The conversation engine: Incoming → list[Reply], for every channel.

Order for a typed message: a command ("hủy", "chủ đề"), a language we do not
answer in, the pending question if one is open (readiness, comment, stuck,
call-back number, delete confirmation, rephrase) when the message answers it,
a social or meta turn (thanks, asking for a person, frustration…), and only
then retrieval. A pending step never traps anyone: a message that is clearly
something else is handled as such and the step is resumed or dropped with a
word. Every turn ends with a way on. Everything stored is redacted and keyed
by a salted hash of the user id. No channel library here.
"""
from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field, replace
from typing import Callable

from bot import several_questions as several
from bot.answerer import Answer, Answerer
from bot.follow_up import Focused
from bot.conversation import Button, Incoming, Reply
from bot.decision import Kind
from bot.desk_storage import CommunityStorage
from bot.flows import Flows, load_flows
from bot.handoff_steps import HandoffSteps
from bot.handoff_words import call_time, load_handoff_words
from bot.identity import derived_key, user_key
from bot.intents import Intent, IntentBook, IntentMatch, load_intents, polarity
from bot.payloads import Act, Payload, StaleButton, encode, parse
from bot.place_choice import on_place, place_question, typed_place
from bot.redact import redact
from bot.render import (answer_replies, dont_know_replies, entry_replies, focused_replies, handoff_button, menu_button,
                        more_replies, other_language_replies)
from bot.routing import wants_place
from bot.session import Pending, Session, Waiting
from bot.share import share_button
from bot.steps import is_procedural, split_steps
from bot.storage import NeedKind, UnmetNeed
from bot.tickets import WAITING, Receipt, ResponseTimes, SameForEveryone, Tickets, phone_number
from bot.tone import hear, language
from bot.wording import say, speak_to
from indexer.terms import Term
from indexer.knowledge import KnowledgeEntry

log = logging.getLogger(__name__)
NOTICE_VERSION = "2026-11"
SESSION_TTL_S = 30 * 60
DEFAULT_SUPPORT_HOURS = 8
# social, identity and safety turns answered in one line: (wording key, offer a person)
_ONE_LINE = {Intent.IDENTITY: ("identity_reply", True), Intent.INSULT: ("insult_reply", True),
             Intent.CHITCHAT: ("chitchat_reply", False), Intent.INSTRUCTION: ("instruction_reply", False),
             Intent.OTHERS_DATA: ("others_data_reply", False)}
_CONTEXT_MESSAGES = 6
TOPIC_PAGE = 6
_REASONS = ("wrong", "unclear", "off_topic", "other")
_MISSES_BEFORE_OFFER = 2
# buttons that file a ticket or act on one: valid only when the engine offered them to this citizen
_OFFERED_ONLY = {Act.HANDOFF, Act.ASK_TEAM, Act.REPHRASE, Act.STUCK, Act.SEND_STUCK, Act.CALLBACK, Act.KEEP_COMMENT}


@dataclass(frozen=True)
class Reading:
    """What typed text is, worked out once a turn: a command, a social phrase, or neither (maybe a question)."""
    command: str | None = None
    match: IntentMatch | None = None
    terms: tuple[Term, ...] = ()   # "OTP là gì": answered from the glossary (knowledge/thuat-ngu.yaml)


@dataclass
class Turn:
    """One incoming message being handled: who, where, and what we send back."""
    user: str
    channel: str
    in_id: int
    session: Session
    answerer: Answerer     # one knowledge build for the whole turn, even if a new one is published meanwhile
    replies: list[Reply] = field(default_factory=list)
    unsaved: list[Reply] = field(default_factory=list)   # replies not yet written to storage
    forget: bool = False
    ask_place: bool = False   # a need was recorded and the citizen's commune is not known yet
    reading: Reading = field(default_factory=Reading)   # what the typed text is, read once
    prefetched: tuple[Answer, ...] = ()   # retrieved before the turn's transaction (see Dialogue.handle)
    choices: list[str] = field(default_factory=list)   # what the previous turn's "Ý bạn là…?" offered

    @property
    def you(self) -> str:
        return self.session.you

    def ask(self, text: str) -> Answer:
        """The answer to `text`; retrieval already done for it before the transaction is not done twice."""
        return next((a for a in self.prefetched if a.question == text), None) or self.answerer.ask(text)


class Dialogue(HandoffSteps):
    def __init__(self, knowledge: Callable[[], Answerer], storage: CommunityStorage, secret: bytes,
                 flows: Flows | None = None, session_ttl_s: float = SESSION_TTL_S, clock=time.time,
                 response_times: ResponseTimes | None = None, intents: IntentBook | None = None) -> None:
        self.knowledge = knowledge   # returns the answerer of the live build (bot.library.KnowledgeLibrary)
        self.storage = storage
        self.tickets = Tickets(storage, response_times or SameForEveryone(DEFAULT_SUPPORT_HOURS))
        self._secret = secret
        self._flows = flows or load_flows()
        self._intents = intents or load_intents()
        self._ttl = session_ttl_s
        self._clock = clock

    # ---- entry point
    def handle(self, incoming: Incoming) -> list[Reply]:
        """One citizen message in, the replies out; every write of the turn commits together, once.

        Retrieval, the slow part, runs before the transaction so it never holds up other citizens' turns."""
        user = self.user_key(incoming.channel, incoming.user)
        text = (incoming.text or "").strip()
        answerer = self.knowledge()   # one knowledge build for the whole turn
        reading = self._read(text, answerer) if text and not incoming.payload else Reading()
        prefetched = () if incoming.payload else self._prefetch(answerer, text, reading)
        with self.storage.transaction():
            return self._handle(incoming, user, text, answerer, reading, prefetched)

    def _read(self, text: str, answerer: Answerer) -> Reading:
        command = self._flows.command(text)
        if command:
            return Reading(command)
        terms = answerer.glossary.asked_term(text)
        return Reading(terms=tuple(terms)) if terms else Reading(None, self._intents.match(text))

    @staticmethod
    def _prefetch(answerer: Answerer, text: str, reading: Reading) -> tuple[Answer, ...]:
        """The answers a typed question will need (each of its questions when it carries several); nothing for
        commands and social phrases."""
        if not text or reading.command or reading.match or reading.terms:
            return ()
        try:
            return several.ask_all(answerer, text)
        except Exception:  # asked again inside the turn, where a failure is logged and gets the apology
            return ()

    def _handle(self, incoming: Incoming, user: str, text: str, answerer: Answerer, reading: Reading,
                prefetched: tuple[Answer, ...]) -> list[Reply]:
        in_id = self.storage.add_message(user, incoming.channel, "in", redact(text) if text else None,
                                         payload=incoming.payload, message_id=incoming.message_id)
        if in_id is None:  # the channel delivered this message before: it was answered then
            log.info("repeated delivery %s on %s ignored", incoming.message_id, incoming.channel)
            return []
        if incoming.address:
            self.storage.save_address(user, incoming.channel, incoming.address)
        turn = Turn(user, incoming.channel, in_id, self._load_session(user), answerer, reading=reading,
                    prefetched=prefetched)
        turn.choices, turn.session.choices = turn.session.choices, []   # offered for one turn only
        if self.storage.record_consent(user, incoming.channel, NOTICE_VERSION):
            self._send(turn, Reply(say("privacy_notice")))
        told = hear(self._intents, turn.session, text) if text and not incoming.payload else None
        payload = incoming.payload or self._numbered_choice(turn, text)
        try:
            with self.storage.transaction():   # a savepoint: a failure takes back what this part wrote
                if told:   # "đừng gọi tui là bác": one short line, no search, no ticket; a pending step waits
                    self._send(turn, Reply(self._say(turn, told), (menu_button(),)))
                elif payload:
                    self._on_payload(turn, payload)
                else:
                    self._on_text(turn, text)
                if turn.ask_place:
                    self._send(turn, place_question(self.storage, turn.you))
        except Exception:  # a citizen gets an apology, never a traceback, nor half a turn; the message stays stored
            log.exception("dialogue failed on message %s", in_id)
            return [Reply(self._say(turn, "error"), (menu_button(),))]
        self._ensure_way_on(turn)
        if not turn.forget:
            self._store_replies(turn)
            offered = [b.payload for r in turn.replies for b in r.buttons if b.payload]
            turn.session.numbered = offered
            turn.session.offer(offered)
            if not (turn.session.pending and turn.session.pending.offered):
                self.storage.drop_offered_number(user)   # a typed number never outlives its question
            self.storage.save_session(user, turn.session.to_dict(), self._clock())
        return turn.replies

    def user_key(self, channel: str, user: str) -> str:
        """The pseudonymous key stored for a channel's user id."""
        return user_key(self._secret, channel, user)

    def signing_key(self, purpose: str) -> bytes:
        """A key derived from the same install secret, for a channel that signs what it hands out."""
        return derived_key(self._secret, purpose)

    # ---- plumbing
    def _load_session(self, user: str) -> Session:
        loaded = self.storage.load_session(user)
        if loaded is None or self._clock() - loaded[1] > self._ttl:
            return Session()
        return Session.from_dict(loaded[0])

    @staticmethod
    def _say(turn: Turn, key: str, **values: str) -> str:
        """Our wording, addressing the citizen as they address themself."""
        return say(key, you=turn.you, **values)

    def _send(self, turn: Turn, reply: Reply, entry_id: str | None = None) -> int:
        """Queue a reply; answers are stored at once because ratings point at them."""
        turn.replies.append(reply)
        if entry_id is None:
            turn.unsaved.append(reply)
            return 0
        return self.storage.add_message(turn.user, turn.channel, "out", redact(reply.text),
                                        entry_id=entry_id, reply_to=turn.in_id)

    def _store_replies(self, turn: Turn) -> None:
        for reply in turn.unsaved:
            self.storage.add_message(turn.user, turn.channel, "out", redact(reply.text), reply_to=turn.in_id)

    @staticmethod
    def _ensure_way_on(turn: Turn) -> None:
        """No dead ends: a turn without a button to go on (rating buttons aside) gets the menu button."""
        onward = [b for r in turn.replies for b in r.buttons if b.payload and not b.payload.startswith("rate:")]
        if turn.replies and not onward:
            last = turn.replies[-1]
            turn.replies[-1] = replace(last, buttons=last.buttons + (menu_button(),))
            if last in turn.unsaved:
                turn.unsaved[turn.unsaved.index(last)] = turn.replies[-1]

    @staticmethod
    def _numbered_choice(turn: Turn, text: str) -> str | None:
        """Channels without buttons answer "1", "2": map that back to the button's payload."""
        choices = turn.session.numbered
        if text.isascii() and text.isdigit() and 1 <= int(text) <= len(choices):  # "¹" is a digit int() refuses
            return choices[int(text) - 1]
        picked = load_handoff_words().choice(text, len(choices)) if choices and len(text) <= 40 else None
        return choices[picked] if picked is not None else None   # "cái 1 đó", "số 2", "cái đầu"

    def _record_need(self, turn: Turn, kind: NeedKind, **details) -> UnmetNeed:
        """Record an unmet need; the community desk routes it to a team (bot.desk). The citizen is asked
        once where they live when that decides which team gets it."""
        need = self.storage.add_unmet_need(turn.user, turn.channel, kind, **details)
        turn.ask_place = wants_place(self.storage.teams(), self.storage.place(turn.user), need.kind)
        return need

    def record_team_answer(self, user: str, channel: str, text: str, question: str | None) -> tuple[int, list[Reply]]:
        """A team member's answer, stored in the citizen's conversation with rating buttons like any answer;
        the desk delivers the replies. `user` is the stored (hashed) user key. Taken like a turn, in one
        transaction (the storage lock, and the database's write lock from its first write): no turn of this citizen
        saves its session between this read and write."""
        with self.storage.transaction():
            answer_id = self.storage.add_message(user, channel, "out", redact(text))   # the write lock, first
            loaded = self.storage.load_session(user)
            session = Session.from_dict(loaded[0]) if loaded else Session()
            you = session.you if loaded and self._clock() - loaded[1] <= self._ttl else Session().you
            prompt = Reply(say("rate_prompt", you=you), (Button(say("btn_up"), encode(Act.RATE, answer_id, "up")),
                                                          Button(say("btn_down"), encode(Act.RATE, answer_id, "down"))))
            self.storage.add_message(user, channel, "out", prompt.text, reply_to=answer_id)
            session.remember_answer(answer_id, question, None)
            self.storage.save_session(user, session.to_dict(), loaded[1] if loaded else self._clock())
        return answer_id, [Reply(text), prompt]

    def _context(self, user: str) -> str:
        rows = self.storage.recent_messages(user, _CONTEXT_MESSAGES)
        who = {"in": say("context_citizen"), "out": say("context_bot")}
        return "\n".join(f"{who[r['direction']]}: {(r['text'] or r['payload'] or '')[:200]}" for r in rows)

    # ---- typed text
    def _on_text(self, turn: Turn, text: str) -> None:
        command, match = turn.reading.command, turn.reading.match
        if command:
            self._on_command(turn, command)
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
        if pending and self._on_pending(turn, pending, text, match):
            return
        if self._on_typed_number(turn, text) or self._on_typed_time(turn, text):
            return
        other = several.asked_for(turn.session.questions, turn.session.last_question, text)
        if other:   # "còn cái kia thì sao" after a message with several questions
            self._on_question(turn, other)
        elif turn.reading.terms:
            self._on_terms(turn, text, turn.reading.terms)
        elif match:
            self._on_intent(turn, match)
            self._remember_time(turn, text)   # "gọi lại cho e buổi tối": kept for the number to come
        elif not self._on_several(turn, text):
            self._on_question(turn, text)
        if turn.session.pending and turn.session.pending.waiting == Waiting.READY:
            self._resume_ready(turn)

    def _drop_pending(self, turn: Turn, word: str | None) -> None:
        turn.session.pending = None
        if word:
            self._send(turn, Reply(self._say(turn, word)))

    def _on_command(self, turn: Turn, command: str) -> None:
        turn.session.pending = None
        if command == "start":
            self._send(turn, Reply(self._say(turn, "greeting"), self._menu_buttons()))
        elif command == "menu":
            self._send(turn, Reply(self._say(turn, "menu"), self._menu_buttons()))
        elif command == "help":
            self._send(turn, Reply(self._say(turn, "help"), self._menu_buttons()))
        elif command == "cancel":
            self._send(turn, Reply(self._say(turn, "cancelled"), (menu_button(),)))
        elif command == "handoff":
            self._handoff(turn)
        elif command == "readiness":
            self._start_ready(turn)
        elif command == "delete":
            turn.session.pending = Pending(Waiting.DELETE)
            self._send(turn, Reply(self._say(turn, "delete_confirm"),
                                   (Button(say("btn_delete_yes"), encode(Act.DELETE, "y")),
                                    Button(say("btn_delete_no"), encode(Act.DELETE, "n")))))

    def _menu_buttons(self) -> tuple[Button, ...]:
        topics = tuple(Button(title, encode(Act.TOPIC, t)) for t, title in self._flows.menu_topics.items())
        return topics + (Button(say("menu_readiness"), encode(Act.READY)), handoff_button())

    def _on_intent(self, turn: Turn, match: IntentMatch) -> None:
        intent = match.intent
        if intent in (Intent.HANDOFF, Intent.CALLBACK):
            if Intent.COMPLAINT in match.also:
                self._send(turn, Reply(self._say(turn, "complaint_sorry")))
            self._handoff(turn, callback=intent == Intent.CALLBACK)
        elif intent == Intent.COMPLAINT:
            self._send(turn, Reply(self._say(turn, "complaint_reply"), (handoff_button(), menu_button())))
        elif intent == Intent.NOT_UNDERSTOOD:
            self._on_not_understood(turn)
        elif intent == Intent.MENU:
            self._on_command(turn, "menu")
        elif intent == Intent.GREETING:
            self._send(turn, Reply(self._say(turn, "greeting_again"), self._menu_buttons()))
        elif intent == Intent.THANKS:
            self._send(turn, Reply(self._say(turn, "thanks_reply"), (menu_button(),)))
        elif intent == Intent.BYE:
            self._send(turn, Reply(self._say(turn, "bye_reply"), (menu_button(),)))
        elif intent in _ONE_LINE:   # never a ticket: a person is offered, not sent for
            key, offer_person = _ONE_LINE[intent]
            self._send(turn, Reply(self._say(turn, key), ((handoff_button(),) if offer_person else ()) + (menu_button(),)))
        elif intent == Intent.SHARE:
            self._on_share(turn)
        elif intent == Intent.CLOSING:
            waiting = self.storage.user_needs(turn.user, WAITING)
            self._send(turn, Reply(self._say(turn, "closing_reply" if waiting else "thanks_reply"), (menu_button(),)))
        elif intent == Intent.CANCEL:
            now = dt.datetime.fromtimestamp(self._clock(), dt.timezone.utc).isoformat(timespec="seconds")
            withdrawn = self.tickets.withdraw_last(turn.user, now)
            if withdrawn:
                self.storage.add_need_event(withdrawn.id, "withdrawn", None, now)   # the team sees who closed it
            text = self._say(turn, "cancel_done", need_id=str(withdrawn.id)) if withdrawn else self._say(turn, "ok_reply")
            self._send(turn, Reply(text, (menu_button(),)))
        else:  # a lone yes/no with nothing pending
            self._send(turn, Reply(self._say(turn, "ok_reply"), (menu_button(),)))

    def _on_share(self, turn: Turn) -> None:
        """"gửi cái này vào nhóm zalo": the last answer's public page, one press away."""
        last = self._last_entry(turn)
        if last is None:
            self._send(turn, Reply(self._say(turn, "share_nothing"), (menu_button(),)))
            return
        self._send(turn, Reply(self._say(turn, "share_offer", title=last.title), (share_button(last.id), menu_button())))

    def _on_not_understood(self, turn: Turn) -> None:
        """Offer what helps with the last answer: one step at a time, a person, the menu."""
        buttons: tuple[Button, ...] = ()
        last = self._last_entry(turn)
        if last and is_procedural(last.body):
            buttons += (Button(say("btn_steps"), encode(Act.STEPS, last.id, 1)),)
        self._send(turn, Reply(self._say(turn, "not_understood_reply"), buttons + (handoff_button(), menu_button())))

    def _last_entry(self, turn: Turn) -> KnowledgeEntry | None:
        rated = turn.session.rated
        if not rated:
            return None
        return turn.answerer.entry(rated[max(rated, key=int)].entry_id)

    # ---- pending questions
    def _on_pending(self, turn: Turn, pending: Pending, text: str, match: IntentMatch | None) -> bool:
        """True when the message answered the pending question; False leaves it to the usual handling."""
        social = match.intent if match else None
        if pending.waiting == Waiting.READY:
            yes = polarity(self._intents, text)
            if yes is not None and social in (None, Intent.YES, Intent.NO):
                self._on_ready(turn, len(pending.answers), yes)
                return True
            if social in (Intent.MENU, Intent.HANDOFF, Intent.CALLBACK, Intent.BYE):
                self._drop_pending(turn, "ready_dropped")
            return False
        if pending.waiting == Waiting.COMMENT:
            return self._on_comment(turn, pending, text, social)
        if pending.waiting == Waiting.REASON:
            return self._on_typed_reason(turn, pending, text, match)
        if pending.waiting == Waiting.DELETE:
            yes = polarity(self._intents, text)
            if yes is not None and social in (None, Intent.YES, Intent.NO):
                self._on_delete(turn, yes)
                return True
            self._drop_pending(turn, "delete_dropped")
            return False
        if pending.waiting == Waiting.STUCK:
            if social in (Intent.MENU, Intent.GREETING, Intent.BYE, Intent.THANKS):
                self._drop_pending(turn, "stuck_dropped")
                return False
            self._file_stuck(turn, pending, None if social in (Intent.HANDOFF, Intent.CALLBACK) else text)
            return True
        if pending.waiting in (Waiting.CALLBACK, Waiting.PHONE):
            return self._on_phone_answer(turn, pending, text, social)
        if pending.waiting == Waiting.REPHRASE:
            turn.session.pending = None
            if match:
                return False
            self._on_question(turn, text, first_wording=pending.question)
            return True
        return False

    def _on_comment(self, turn: Turn, pending: Pending, text: str, social: Intent | None) -> bool:
        cues = self._intents.cues_in(text)
        if social in (Intent.HANDOFF, Intent.CALLBACK) or Intent.CALLBACK in cues:
            turn.session.pending = None
            rating = self.storage.set_rating_reason(pending.rating_id, turn.user, comment=redact(text)[:1000])
            self._send(turn, Reply(self._say(turn, "comment_to_handoff")))
            self._handoff(turn, callback=True, question=rating.question if rating else None, detail=redact(text),
                          phone=phone_number(text), when=call_time(text))
            return True
        if social == Intent.NO:
            self._on_skip(turn)
            return True
        if social in (Intent.MENU, Intent.GREETING, Intent.THANKS, Intent.BYE):
            self._drop_pending(turn, "comment_dropped")
            return False
        if self._typed_reason_in_comment(turn, pending, text):
            return True
        if self._intents.is_question(text):
            answer = turn.ask(text)
            if answer.kind == Kind.ANSWER.value:
                turn.session.pending = None
                turn.session.last_text = redact(text)
                self._on_question(turn, text, answer=answer)
                self._send(turn, Reply(self._say(turn, "comment_taken_as_question"),
                                       (Button(say("btn_keep_comment"), encode(Act.KEEP_COMMENT, pending.rating_id)),)))
                return True
        turn.session.pending = None
        self.storage.set_rating_reason(pending.rating_id, turn.user, comment=redact(text)[:1000])
        self._send(turn, Reply(self._say(turn, "comment_thanks"), (menu_button(),)))
        return True

    def _on_phone_answer(self, turn: Turn, pending: Pending, text: str, social: Intent | None) -> bool:
        phone = phone_number(text)
        if phone and pending.offered:   # another number typed at the question about the first: this one
            self.storage.offer_number(turn.user, phone, call_time(text) or pending.when)
            return self._take_offered(turn, pending)
        if phone:
            self._save_phone(turn, pending, phone, text)
            return True
        yes = polarity(self._intents, text)
        when = call_time(text)
        if pending.offered and (yes or social in (Intent.CALLBACK, Intent.HANDOFF)
                                or (when and load_handoff_words().only_contact(text))):
            return self._take_offered(turn, pending, when)   # "có", "gọi lại giúp e", "buổi tối nha"
        if when and not pending.when:
            pending.when = when
        if pending.waiting == Waiting.CALLBACK and yes is not None and social in (None, Intent.YES, Intent.NO):
            self._on_callback_choice(turn, yes)
            return True
        if yes is False and social in (None, Intent.NO, Intent.CANCEL):
            self._on_callback_choice(turn, False)
            return True
        if pending.waiting == Waiting.PHONE and any(c.isdigit() for c in text) and pending.tries < 1:
            pending.tries += 1
            self._send(turn, Reply(self._say(turn, "phone_invalid"),
                                   (Button(say("btn_callback_no"), encode(Act.CALLBACK, "n")),)))
            return True
        self._drop_pending(turn, None)   # no "(Chưa lưu số điện thoại nào.)": nothing the citizen asked about
        return False

    # ---- questions and answers
    def _on_terms(self, turn: Turn, text: str, terms: tuple[Term, ...]) -> None:
        """"X là gì": one or two sentences from the glossary, the related entry one press away. Not a search."""
        turn.session.last_question = redact(text)
        turn.session.problem = load_handoff_words().problem(turn.session.last_question) or turn.session.problem
        buttons: list[Button] = []
        for term in terms:
            self._send(turn, Reply(self._say(turn, "glossary_reply", term=term.name, text=speak_to(term.text, turn.you))))
            entry = turn.answerer.entry(term.entry)
            if entry is not None:
                buttons.append(Button(entry.title, encode(Act.ENTRY, entry.id)))
        last = turn.replies[-1]
        turn.replies[-1] = replace(last, buttons=tuple(buttons) + (menu_button(),))
        turn.unsaved[turn.unsaved.index(last)] = turn.replies[-1]

    def _referral(self, turn: Turn, text: str) -> bool:
        """A subject we do not cover: who handles it and where, instead of the generic don't-know."""
        row = turn.answerer.glossary.referral(text)
        if row is None:
            return False
        buttons = (Button(say("btn_ask_team"), encode(Act.ASK_TEAM)), menu_button())
        entry = turn.answerer.entry(row.entry)
        if entry is not None:
            buttons = (Button(entry.title, encode(Act.ENTRY, entry.id)),) + buttons
        self._send(turn, Reply(self._say(turn, "referral_reply", who=speak_to(row.who, turn.you),
                                              text=speak_to(row.text, turn.you)),
                               buttons))
        return True

    def _on_question(self, turn: Turn, text: str, answer: Answer | None = None,
                     first_wording: str | None = None) -> None:
        if len(turn.choices) >= 2 and turn.answerer.only_aspect(text):
            self._which_one(turn, text)
            return
        answer = answer or turn.ask(text)
        focus = self._last_entry(turn)
        if focus is not None:
            read = turn.answerer.in_context(focus.id, text, answer)
            if isinstance(read, Focused):
                self._on_focused(turn, text, read)
                return
            answer = read
        self.storage.set_outcome(turn.in_id, answer.kind, answer.entry.id if answer.entry else None)
        question = redact(text)
        turn.session.last_question = question
        turn.session.problem = load_handoff_words().problem(question) or turn.session.problem
        session = turn.session
        if answer.kind == Kind.ANSWER.value:
            session.misses = 0
            session.unanswered = None
        elif answer.kind in (Kind.CLARIFY.value, Kind.DONT_KNOW.value):
            session.unanswered = f"{first_wording} / {question}" if first_wording else question
            session.choices = [o.id for o in answer.options]
            session.misses += answer.kind == Kind.DONT_KNOW.value
        # a referral replaces don't-know, or options that are only catalogue procedures: never our own entries
        referable = answer.kind == Kind.DONT_KNOW.value or (
            answer.kind == Kind.CLARIFY.value and all(o.from_catalogue for o in answer.options))
        if referable and self._referral(turn, text):
            session.misses -= answer.kind == Kind.DONT_KNOW.value   # someone else's subject, not a miss of ours
            return
        if first_wording and answer.kind == Kind.DONT_KNOW.value:
            self._send(turn, Reply(self._say(turn, "rephrase_still")))
            replies = dont_know_replies(text, turn.you)
        else:
            replies = answer_replies(answer, turn.you)
        self._send_all(turn, replies, question)
        if answer.kind == Kind.DONT_KNOW.value and session.misses >= _MISSES_BEFORE_OFFER:
            self._send(turn, Reply(self._say(turn, "misses_offer"), (handoff_button(), menu_button())))
        elif answer.kind == Kind.ANSWER.value and Intent.COMPLAINT in self._intents.cues_in(text):
            self._send(turn, Reply(self._say(turn, "frustration_noted"), (handoff_button(),)))

    def _which_one(self, turn: Turn, text: str) -> None:
        """"cần giấy tờ gì?" right after "Ý bạn là…?": the same choices again; the one picked shows that part first
        (the ENTRY button reads the last question)."""
        entries = [e for e in (turn.answerer.entry(i) for i in turn.choices) if e is not None]
        turn.session.last_question = redact(text)
        turn.session.choices = [e.id for e in entries]
        self.storage.set_outcome(turn.in_id, Kind.CLARIFY.value, None)
        buttons = tuple(Button(e.title, encode(Act.ENTRY, e.id)) for e in entries)
        self._send(turn, Reply(self._say(turn, "which_one"), buttons + (Button(say("btn_none_of_these"),
                                                                               encode(Act.REPHRASE)),)))

    def _on_focused(self, turn: Turn, text: str, focused: Focused) -> None:
        """A follow-up about the entry just answered; a team gets it with that subject beside it."""
        said = focused.passage is not None
        if not said and self._referral(turn, text):   # "có phải lừa đảo không" after the fine: the police's job
            return
        question = redact(text)
        turn.session.last_question = question
        kind = Kind.ANSWER.value if said else Kind.DONT_KNOW.value
        self.storage.set_outcome(turn.in_id, kind, focused.entry.id)
        turn.session.misses = 0 if said else turn.session.misses
        turn.session.unanswered = None if said else f"{focused.entry.title}: {question}"
        self._send_all(turn, focused_replies(focused, turn.you), question)

    def _on_several(self, turn: Turn, text: str) -> bool:
        """A message carrying several questions: the clearest answered as usual, the others one press away.
        False when it is one question, or none of its questions is answered (then it is handled whole)."""
        asked = [several.Asked(words, title, turn.ask(words)) for words, title in several.pieces(text)]
        chosen = several.clearest(asked)
        if chosen is None:
            return False
        self._on_question(turn, chosen.text, answer=chosen.answer)
        others = [a for a in asked if a is not chosen]
        turn.session.questions = [a.text for a in others]   # search words: nothing identifying left
        self._send(turn, several.offer(others, turn.you))
        return True

    def _send_all(self, turn: Turn, replies: list[Reply], question: str | None) -> None:
        """Send in order; a bubble answering from an entry is stored with it and followed by the rating prompt."""
        for reply in replies:
            if reply.entry_id:
                self._rate_prompt(turn, self._send(turn, reply, entry_id=reply.entry_id), reply.entry_id, question)
            else:
                self._send(turn, reply)

    def _same_topic(self, turn: Turn, entry: KnowledgeEntry) -> tuple[KnowledgeEntry, ...]:
        return tuple(e for e in turn.answerer.entries.values() if e.topic == entry.topic and e.id != entry.id)[:2]

    def _rate_prompt(self, turn: Turn, answer_id: int, entry_id: str, question: str | None) -> None:
        turn.session.remember_answer(answer_id, question, entry_id)
        self._send(turn, Reply(self._say(turn, "rate_prompt"),
                               (Button(say("btn_up"), encode(Act.RATE, answer_id, "up")),
                                Button(say("btn_down"), encode(Act.RATE, answer_id, "down")))))

    # ---- buttons
    def _on_payload(self, turn: Turn, text: str) -> None:
        try:
            payload = parse(text)
            if payload.act in _OFFERED_ONLY and text not in turn.session.offered:
                raise StaleButton(text)   # forged, or from a conversation that has moved on
            pending = turn.session.pending
            if pending and pending.waiting == Waiting.REASON and payload.act not in (Act.WHY, Act.RATE):
                turn.session.pending = None   # pressed on: the next words are not the 👎's reason
            self._dispatch(turn, payload)
        except StaleButton:
            log.info("stale button %r", text[:64])
            self._send(turn, Reply(self._say(turn, "unknown_button"), self._menu_buttons()))

    def _dispatch(self, turn: Turn, p: Payload) -> None:
        act = p.act
        if act in (Act.START, Act.MENU, Act.HELP):
            self._on_command(turn, act.value)
        elif act == Act.HANDOFF:
            self._handoff(turn)
        elif act == Act.ASK_TEAM:
            self._on_ask_team(turn)
        elif act == Act.REPHRASE:
            self._on_rephrase(turn)
        elif act == Act.READY:
            if not p.args:
                self._start_ready(turn)
            elif p.args == ("go",):
                self._resume_ready(turn, force=True)
            else:
                self._on_ready(turn, p.int(0), p.args[1] == "y")
        elif act == Act.TOPIC:
            self._on_topic(turn, p.args[0], p.int(1) if len(p.args) > 1 else 0)
        elif act == Act.ENTRY:   # the part the last question asked comes first ("cần giấy tờ gì" → documents)
            self._on_entry(turn, self._entry(turn, p.args[0], turn.session.last_question or ""))
        elif act == Act.MORE:
            for reply in more_replies(self._entry(turn, p.args[0]), turn.you):
                self._send(turn, reply)
        elif act == Act.STEPS:
            self._on_step(turn, self._entry(turn, p.args[0]), p.int(1))
        elif act == Act.STUCK:
            self._on_stuck(turn, self._entry(turn, p.args[0]), p.int(1))
        elif act == Act.SEND_STUCK:
            pending = turn.session.pending
            if not pending or pending.waiting != Waiting.STUCK:
                raise StaleButton("send_stuck")
            self._file_stuck(turn, pending, None)
        elif act == Act.RATE:
            self._on_rate(turn, p.int(0), p.args[1])
        elif act == Act.WHY:
            self._on_reason(turn, p.int(0), p.args[1])
        elif act == Act.SKIP:
            self._on_skip(turn)
        elif act == Act.KEEP_COMMENT:
            self._on_keep_comment(turn, p.int(0))
        elif act == Act.DELETE:
            if not turn.session.pending or turn.session.pending.waiting != Waiting.DELETE:
                raise StaleButton("delete")
            self._on_delete(turn, p.args[0] == "y")
        elif act == Act.PLACE:
            try:
                self._send(turn, on_place(self.storage, turn.user, list(p.args), turn.you))
            except (KeyError, ValueError) as exc:   # a team or province that no longer exists
                raise StaleButton(p.text) from exc
        elif act == Act.QUESTION:
            self._on_question(turn, several.pressed(turn.session.questions, p))
        elif act == Act.CALLBACK:
            pending = turn.session.pending
            if not pending or pending.waiting not in (Waiting.CALLBACK, Waiting.PHONE):
                if not self._stale_callback(turn, p.args[0] == "y"):
                    raise StaleButton("callback")
                return
            self._on_callback_choice(turn, p.args[0] == "y")

    @staticmethod
    def _entry(turn: Turn, entry_id: str, question: str = "") -> KnowledgeEntry:
        entry = turn.answerer.entry(entry_id, question)
        if entry is None:  # removed from the knowledge since the button was sent
            raise StaleButton(entry_id)
        return entry

    def _on_topic(self, turn: Turn, topic: str, page: int) -> None:
        entries = [e for e in turn.answerer.entries.values() if e.topic == topic]
        shown = entries[page * TOPIC_PAGE:(page + 1) * TOPIC_PAGE]
        if not shown:
            raise StaleButton(topic)
        name = turn.answerer.topics.get(topic, self._flows.menu_topics.get(topic, topic))
        buttons = tuple(Button(e.title, encode(Act.ENTRY, e.id)) for e in shown)
        if len(entries) > (page + 1) * TOPIC_PAGE:
            buttons += (Button(say("btn_more_topics"), encode(Act.TOPIC, topic, page + 1)),)
        self._send(turn, Reply(self._say(turn, "topic_intro", topic=name), buttons + (menu_button(),)))

    def _on_entry(self, turn: Turn, entry: KnowledgeEntry) -> None:
        turn.session.unanswered = None
        turn.session.misses = 0
        self._send_all(turn, entry_replies(entry, [], self._same_topic(turn, entry), turn.you),
                       turn.session.last_question or entry.title)

    def _on_step(self, turn: Turn, entry: KnowledgeEntry, n: int) -> None:
        steps = split_steps(entry.body)
        if not is_procedural(entry.body) or not 1 <= n <= len(steps) + 1:
            raise StaleButton(f"steps {n}")
        if n == len(steps) + 1:
            answer_id = self._send(turn, Reply(self._say(turn, "steps_finished")), entry_id=entry.id)
            self._rate_prompt(turn, answer_id, entry.id, turn.session.last_question or entry.title)
            return
        step = steps[n - 1]
        text = self._say(turn, "step", n=str(n), total=str(len(steps)), text=speak_to(step.text, turn.you))
        if step.detail:
            text += "\n" + self._say(turn, "step_detail", detail=speak_to(step.detail, turn.you))
        buttons = (Button(say("btn_done"), encode(Act.STEPS, entry.id, n + 1)),
                   Button(say("btn_stuck"), encode(Act.STUCK, entry.id, n)))
        if n > 1:
            buttons += (Button(say("btn_step_back"), encode(Act.STEPS, entry.id, n - 1)),)
        self._send(turn, Reply(text, buttons))

    def _on_stuck(self, turn: Turn, entry: KnowledgeEntry, n: int) -> None:
        if not 1 <= n <= len(split_steps(entry.body)):
            raise StaleButton(f"stuck {n}")
        turn.session.pending = Pending(Waiting.STUCK, entry_id=entry.id, step=n)
        self._send(turn, Reply(self._say(turn, "stuck_ask", n=str(n)),
                               (Button(say("btn_send_stuck"), encode(Act.SEND_STUCK)),
                                Button(say("btn_back_to_step", n=str(n)), encode(Act.STEPS, entry.id, n)))))

    def _file_stuck(self, turn: Turn, pending: Pending, text: str | None) -> None:
        turn.session.pending = None
        entry = self._entry(turn, pending.entry_id or "")
        detail = redact(text)[:1000] if text else None
        receipt = self.tickets.open(turn.user, turn.channel, NeedKind.STUCK,
                                    question=turn.session.last_question or entry.title, entry_id=entry.id,
                                    step=pending.step, context=self._context(turn.user), detail=detail)
        what = (say("what_stuck_detail", n=str(pending.step), title=entry.title, detail=detail) if detail
                else say("what_stuck", n=str(pending.step), title=entry.title))
        self._ticket_replies(turn, receipt, what, offer_callback=True)
        if text:  # the citizen's own words may match another answer that helps at once
            answer = turn.ask(text)
            if answer.kind == Kind.ANSWER.value and answer.entry and answer.entry.id != entry.id:
                self._send(turn, Reply(self._say(turn, "stuck_try_this"),
                                       (Button(answer.entry.title, encode(Act.ENTRY, answer.entry.id)),)))

    def _on_rate(self, turn: Turn, answer_id: int, value: str) -> None:
        message = self.storage.message(answer_id)
        rateable = message and (message["entry_id"] or str(answer_id) in turn.session.rated)  # an entry or a team's answer
        if not rateable or message["user"] != turn.user or message["direction"] != "out":
            raise StaleButton(f"rate {answer_id}")
        about = turn.session.rated.get(str(answer_id))
        rating = self.storage.rate(answer_id, turn.user, turn.channel, about.question if about else None,
                                   message["entry_id"], value)
        if value == "up":
            turn.session.pending = None
            self._send(turn, Reply(self._say(turn, "rated_up"), (menu_button(),)))
            return
        self._record_need(turn, NeedKind.BAD_RATING, question=rating.question,
                                    entry_id=rating.entry_id, context=self._context(turn.user), rating_id=rating.id)
        buttons = tuple(Button(say(f"reason_{code}"), encode(Act.WHY, rating.id, code)) for code in _REASONS)
        turn.session.pending = Pending(Waiting.REASON, rating_id=rating.id, entry_id=rating.entry_id)
        self._send(turn, Reply(self._say(turn, "rated_down"), buttons))

    def _on_reason(self, turn: Turn, rating_id: int, code: str) -> None:
        rating = self.storage.set_rating_reason(rating_id, turn.user, reason=code)
        if not rating:
            raise StaleButton(f"why {rating_id}")
        turn.session.pending = Pending(Waiting.COMMENT, rating_id=rating_id, entry_id=rating.entry_id)
        self._send(turn, Reply(self._say(turn, "ask_comment"), (Button(say("btn_skip"), encode(Act.SKIP)),)))

    def _on_skip(self, turn: Turn) -> None:
        turn.session.pending = None
        self._send(turn, Reply(self._say(turn, "comment_thanks"), (menu_button(),)))

    def _on_keep_comment(self, turn: Turn, rating_id: int) -> None:
        """The message taken for a new question was a comment after all."""
        text = turn.session.last_text
        if not text or not self.storage.set_rating_reason(rating_id, turn.user, comment=text[:1000]):
            raise StaleButton("keep")
        turn.session.last_text = None
        self._send(turn, Reply(self._say(turn, "comment_thanks"), (menu_button(),)))

    # ---- tickets
    def _on_rephrase(self, turn: Turn) -> None:
        """"Không phải các ý trên": other words first; the team is one press away."""
        turn.session.misses += 1
        turn.session.pending = Pending(Waiting.REPHRASE, question=turn.session.unanswered or turn.session.last_question)
        self._send(turn, Reply(self._say(turn, "rephrase_invite"),
                               (Button(say("btn_ask_team"), encode(Act.ASK_TEAM)), menu_button())))

    def _on_ask_team(self, turn: Turn) -> None:
        question = turn.session.unanswered or turn.session.last_question
        if not question:
            self._send(turn, Reply(self._say(turn, "nothing_to_send"), (menu_button(),)))
            return
        turn.session.pending = None
        receipt = self.tickets.open(turn.user, turn.channel, NeedKind.NO_ANSWER, question=question,
                                    context=self._context(turn.user))
        self._ticket_replies(turn, receipt, say("what_question", question=question), offer_callback=False)

    def _handoff(self, turn: Turn, callback: bool = False, question: str | None = None, detail: str | None = None,
                 phone: str | None = None, when: str | None = None) -> None:
        """A person asked for: the summary is the person's problem, not the request; a second request while a
        ticket is open joins it (bot.tickets.Tickets.join_open)."""
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
        self._ticket_replies(turn, receipt, what, offer_callback=True, phone=phone, when=when)

    def _ticket_text(self, turn: Turn, receipt: Receipt, what: str) -> str:
        promise = self.tickets.promise(receipt.need)
        if not receipt.already_sent:
            turn.ask_place = wants_place(self.storage.teams(), self.storage.place(turn.user), receipt.need.kind)
        key = "ticket_added" if receipt.added else "ticket_already" if receipt.already_sent else "ticket_sent"
        return self._say(turn, key, need_id=str(receipt.need.id), what=what, team=promise.team, when=promise.when())

    def _ticket_replies(self, turn: Turn, receipt: Receipt, what: str, offer_callback: bool,
                        phone: str | None = None, when: str | None = None) -> None:
        """Repeat what was sent, who answers and when, what to do meanwhile; then, once, offer a call back
        (naming the number the citizen typed, if they did)."""
        text = self._ticket_text(turn, receipt, what)
        has_phone = self.storage.callback(receipt.need.id) is not None
        if not offer_callback or (has_phone and not phone):
            self._send(turn, Reply(text, (menu_button(),)))
            return
        self._send(turn, Reply(text))
        self._ask_callback(turn, receipt.need.id, phone, when)

    def _on_callback_choice(self, turn: Turn, yes: bool) -> None:
        pending = turn.session.pending
        if yes and pending and self._take_offered(turn, pending):
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

    def _open_need(self, turn: Turn, need_id: int | None) -> UnmetNeed | None:
        return next((n for n in self.storage.user_needs(turn.user, WAITING) if n.id == need_id), None)

    def _save_phone(self, turn: Turn, pending: Pending, phone: str, typed: str) -> None:
        """Kept apart from the (redacted) conversation, for the team handling this ticket only."""
        turn.session.pending = None
        need = self._open_need(turn, pending.need_id)
        if need is None:
            self._send(turn, Reply(self._say(turn, "callback_closed"), (menu_button(),)))
            return
        self._phone_saved(turn, need, phone, call_time(typed) or pending.when)

    # ---- readiness check
    def _start_ready(self, turn: Turn) -> None:
        turn.session.pending = Pending(Waiting.READY)
        self._send(turn, Reply(self._say(turn, "ready_intro")))
        self._ask_ready(turn, 0)

    def _ready_buttons(self, i: int) -> tuple[Button, ...]:
        return (Button(say("btn_yes"), encode(Act.READY, i, "y")), Button(say("btn_no"), encode(Act.READY, i, "n")))

    def _ask_ready(self, turn: Turn, i: int) -> None:
        self._send(turn, Reply(self._say(turn, self._flows.readiness[i].question), self._ready_buttons(i)))

    def _resume_ready(self, turn: Turn, force: bool = False) -> None:
        """After a question asked mid-check: the check waits, one press away."""
        pending = turn.session.pending
        if not pending or pending.waiting != Waiting.READY:
            if force:
                raise StaleButton("ready:go")
            return
        i = len(pending.answers)
        self._send(turn, Reply(self._say(turn, "ready_resume", n=str(i + 1)), self._ready_buttons(i)))

    def _on_ready(self, turn: Turn, i: int, yes: bool) -> None:
        pending = turn.session.pending
        if not pending or pending.waiting != Waiting.READY or i != len(pending.answers):
            raise StaleButton(f"ready {i}")
        pending.answers.append(yes)
        if len(pending.answers) < len(self._flows.readiness):
            self._ask_ready(turn, len(pending.answers))
            return
        turn.session.pending = None
        answers = pending.answers
        todo = [turn.answerer.entries[q.entry] for q, ok in zip(self._flows.readiness, answers) if not ok]
        if not todo:
            self._send(turn, Reply(self._say(turn, "ready_all_set"),
                                   (Button(say("btn_portal_search"), url=say("search_url")), menu_button())))
            return
        lines = [self._say(turn, "ready_todo")] + [f"{n}. {e.title} — {e.links[0].url}" for n, e in enumerate(todo, 1)]
        lines += [self._say(turn, q.note) for q, ok in zip(self._flows.readiness, answers) if not ok and q.note]
        self._send(turn, Reply("\n".join(lines), tuple(Button(e.title, encode(Act.ENTRY, e.id)) for e in todo)
                               + (menu_button(),)))

    # ---- data deletion
    def _on_delete(self, turn: Turn, confirmed: bool) -> None:
        turn.session.pending = None
        if not confirmed:
            self._send(turn, Reply(self._say(turn, "delete_kept"), (menu_button(),)))
            return
        counts = self.storage.delete_user(turn.user)
        turn.forget = True
        turn.replies.clear()
        turn.replies.append(Reply(self._say(turn, "deleted", count=str(sum(counts.values()))), (menu_button(),)))
