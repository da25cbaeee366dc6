"""The conversation engine: Incoming → list[Reply], for every channel.

It greets, answers, clarifies, admits what it does not know, walks a citizen
through steps, takes ratings and records unmet needs. Everything it stores is
redacted and keyed by a salted hash of the user id. No channel library here.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Callable

from bot.answerer import Answerer, InputKind
from bot.conversation import Button, Incoming, Reply
from bot.decision import Kind
from bot.desk_storage import CommunityStorage
from bot.flows import Flows, load_flows, message_key
from bot.identity import user_key
from bot.place_choice import on_place, place_question
from bot.redact import redact
from bot.render import answer_replies, entry_replies
from bot.routing import wants_place
from bot.steps import split_steps
from bot.storage import NeedKind, UnmetNeed
from bot.wording import say
from indexer.knowledge import KnowledgeEntry

log = logging.getLogger(__name__)
NOTICE_VERSION = "2026-11"
SESSION_TTL_S = 30 * 60
_CONTEXT_MESSAGES = 6
_MAX_TOPIC_BUTTONS = 8
_REASONS = ("wrong", "unclear", "off_topic", "other")
_YES = {"co", "roi", "co roi", "da co", "yes", "u", "uh", "ok"}
_NO = {"chua", "khong", "chua co", "ko", "k", "no"}


@dataclass
class Turn:
    """One incoming message being handled: who, where, and what we send back."""
    user: str
    channel: str
    in_id: int
    state: dict
    answerer: Answerer     # one knowledge build for the whole turn, even if a new one is published meanwhile
    replies: list[Reply] = field(default_factory=list)
    unsaved: list[Reply] = field(default_factory=list)   # replies not yet written to storage
    forget: bool = False
    ask_place: bool = False   # a need was recorded and the citizen's commune is not known yet


class Dialogue:
    def __init__(self, knowledge: Callable[[], Answerer], storage: CommunityStorage, secret: bytes,
                 flows: Flows | None = None, session_ttl_s: float = SESSION_TTL_S, clock=time.time) -> None:
        self.knowledge = knowledge   # returns the answerer of the live build (bot.library.KnowledgeLibrary)
        self.storage = storage
        self._secret = secret
        self._flows = flows or load_flows()
        self._ttl = session_ttl_s
        self._clock = clock

    # ---- entry point
    def handle(self, incoming: Incoming) -> list[Reply]:
        user = self.user_key(incoming.channel, incoming.user)
        text = (incoming.text or "").strip()
        in_id = self.storage.add_message(user, incoming.channel, "in", redact(text) if text else None,
                                         payload=incoming.payload, message_id=incoming.message_id)
        if in_id is None:  # the channel delivered this message before: it was answered then
            log.info("repeated delivery %s on %s ignored", incoming.message_id, incoming.channel)
            return []
        if incoming.address:
            self.storage.save_address(user, incoming.channel, incoming.address)
        turn = Turn(user, incoming.channel, in_id, self._load_state(user), self.knowledge())
        if self.storage.record_consent(user, incoming.channel, NOTICE_VERSION):
            self._send(turn, Reply(say("privacy_notice")))
        payload = incoming.payload or self._numbered_choice(turn, text)
        try:
            if payload:
                self._on_payload(turn, payload)
            else:
                self._on_text(turn, text)
            if turn.ask_place:
                self._send(turn, place_question(self.storage))
        except Exception:  # a citizen gets an apology, never a traceback; the message is already stored
            log.exception("dialogue failed on message %s", in_id)
            turn.replies.append(Reply(say("error")))
            return turn.replies
        if not turn.forget:
            self._store_replies(turn)
            turn.state["numbered"] = [b.payload for r in turn.replies for b in r.buttons if b.payload]
            self.storage.save_session(user, turn.state, self._clock())
        return turn.replies

    def user_key(self, channel: str, user: str) -> str:
        """The pseudonymous key stored for a channel's user id."""
        return user_key(self._secret, channel, user)

    # ---- plumbing
    def _load_state(self, user: str) -> dict:
        loaded = self.storage.load_session(user)
        if loaded is None or self._clock() - loaded[1] > self._ttl:
            return {}
        return loaded[0]

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
    def _numbered_choice(turn: Turn, text: str) -> str | None:
        """Channels without buttons answer "1", "2": map that back to the button's payload."""
        choices = turn.state.get("numbered") or []
        if text.isdigit() and 1 <= int(text) <= len(choices):
            return choices[int(text) - 1]
        return None

    def _record_need(self, turn: Turn, kind: NeedKind, **details) -> UnmetNeed:
        """Record an unmet need; the community desk routes it to a team (bot.desk). The citizen is asked
        once where they live when that decides which team gets it."""
        need = self.storage.add_unmet_need(turn.user, turn.channel, kind, **details)
        turn.ask_place = wants_place(self.storage.teams(), self.storage.place(turn.user), need.kind)
        return need

    def record_team_answer(self, user: str, channel: str, text: str, question: str | None) -> tuple[int, list[Reply]]:
        """A team member's answer, stored in the citizen's conversation with rating buttons like any answer;
        the desk delivers the replies. `user` is the stored (hashed) user key."""
        answer_id = self.storage.add_message(user, channel, "out", redact(text))
        prompt = Reply(say("rate_prompt"), (Button(say("btn_up"), f"rate:{answer_id}:up"),
                                             Button(say("btn_down"), f"rate:{answer_id}:down")))
        self.storage.add_message(user, channel, "out", prompt.text, reply_to=answer_id)
        loaded = self.storage.load_session(user)
        state = loaded[0] if loaded else {}
        state.setdefault("answers", {})[str(answer_id)] = {"q": question, "entry": None}
        self.storage.save_session(user, state, loaded[1] if loaded else self._clock())
        return answer_id, [Reply(text), prompt]

    def _context(self, user: str) -> str:
        rows = self.storage.recent_messages(user, _CONTEXT_MESSAGES)
        who = {"in": say("context_citizen"), "out": say("context_bot")}
        return "\n".join(f"{who[r['direction']]}: {(r['text'] or r['payload'] or '')[:200]}" for r in rows)

    # ---- text
    def _on_text(self, turn: Turn, text: str) -> None:
        command = self._flows.command(text) if text else None
        pending = turn.state.get("pending") or {}
        if command:
            self._on_command(turn, command)
        elif pending.get("type") == "comment":
            self._on_comment(turn, pending["rating_id"], text)
        elif pending.get("type") == "ready" and self._yes_no(text) is not None:
            self._on_ready(turn, len(pending["answers"]), self._yes_no(text))
        else:
            turn.state.pop("pending", None)
            self._on_question(turn, text)

    @staticmethod
    def _yes_no(text: str) -> bool | None:
        key = message_key(text)
        return True if key in _YES else False if key in _NO else None

    def _on_command(self, turn: Turn, command: str) -> None:
        turn.state.pop("pending", None)
        if command in ("start", "greeting", "menu"):
            intro = say("menu") if command == "menu" else say("greeting")
            self._send(turn, Reply(intro, self._menu_buttons()))
        elif command == "help":
            self._send(turn, Reply(say("help"), self._menu_buttons()))
        elif command == "cancel":
            self._send(turn, Reply(say("cancelled")))
        elif command == "thanks":
            self._send(turn, Reply(say("thanks_reply")))
        elif command == "handoff":
            self._on_handoff(turn)
        elif command == "readiness":
            self._start_ready(turn)
        elif command == "delete":
            turn.state["pending"] = {"type": "delete"}
            self._send(turn, Reply(say("delete_confirm"), (Button(say("btn_delete_yes"), "delete:y"),
                                                          Button(say("btn_delete_no"), "delete:n"))))

    def _menu_buttons(self) -> tuple[Button, ...]:
        topics = tuple(Button(title, f"topic:{t}") for t, title in self._flows.menu_topics.items())
        return topics + (Button(say("menu_readiness"), "ready"), Button(say("menu_handoff"), "handoff"))

    # ---- questions and answers
    def _on_question(self, turn: Turn, text: str) -> None:
        answer = turn.answerer.ask(text)
        self.storage.set_outcome(turn.in_id, answer.kind)
        turn.state["last_question"] = redact(text)
        replies = answer_replies(answer)
        if answer.kind in (Kind.CLARIFY.value, Kind.DONT_KNOW.value):
            turn.state["unanswered"] = turn.state["last_question"]
        elif answer.kind == InputKind.EMPTY:
            replies[-1] = Reply(replies[-1].text, self._menu_buttons())
        self._send_all(turn, replies, turn.state["last_question"])

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
        answers = turn.state.setdefault("answers", {})
        answers[str(answer_id)] = {"q": question, "entry": entry_id}
        for old in sorted(answers, key=int)[:-10]:
            answers.pop(old)
        self._send(turn, Reply(say("rate_prompt"), (Button(say("btn_up"), f"rate:{answer_id}:up"),
                                                     Button(say("btn_down"), f"rate:{answer_id}:down"))))

    # ---- payloads
    def _on_payload(self, turn: Turn, payload: str) -> None:
        name, _, rest = payload.partition(":")
        args = rest.split(":") if rest else []
        handlers = {
            "start": lambda: self._on_command(turn, "start"),
            "menu": lambda: self._on_command(turn, "menu"),
            "help": lambda: self._on_command(turn, "help"),
            "handoff": lambda: self._on_handoff(turn),
            "ask_team": lambda: self._on_ask_team(turn),
            "ready": lambda: self._on_ready(turn, int(args[0]), args[1] == "y") if args else self._start_ready(turn),
            "topic": lambda: self._on_topic(turn, args[0]),
            "entry": lambda: self._on_entry(turn, args[0]),
            "steps": lambda: self._on_step(turn, args[0], int(args[1])),
            "stuck": lambda: self._on_stuck(turn, args[0], int(args[1])),
            "rate": lambda: self._on_rate(turn, int(args[0]), args[1]),
            "why": lambda: self._on_reason(turn, int(args[0]), args[1]),
            "skip": lambda: self._on_skip(turn),
            "delete": lambda: self._on_delete(turn, args[0] == "y"),
            "place": lambda: self._send(turn, on_place(self.storage, turn.user, args)),
        }
        try:
            handlers[name]()
        except (KeyError, IndexError, ValueError):
            self._send(turn, Reply(say("unknown_button"), self._menu_buttons()))

    def _on_topic(self, turn: Turn, topic: str) -> None:
        entries = [e for e in turn.answerer.entries.values() if e.topic == topic][:_MAX_TOPIC_BUTTONS]
        if not entries:
            raise KeyError(topic)
        name = turn.answerer.topics.get(topic, topic)
        self._send(turn, Reply(say("topic_intro", topic=name), tuple(Button(e.title, f"entry:{e.id}") for e in entries)))

    def _on_entry(self, turn: Turn, entry_id: str) -> None:
        entry = turn.answerer.entries[entry_id]
        turn.state.pop("unanswered", None)
        self._send_all(turn, entry_replies(entry, [], self._same_topic(turn, entry)),
                       turn.state.get("last_question") or entry.title)

    def _on_step(self, turn: Turn, entry_id: str, n: int) -> None:
        entry = turn.answerer.entries[entry_id]
        steps = split_steps(entry.body)
        if n > len(steps):
            answer_id = self._send(turn, Reply(say("steps_finished")), entry_id=entry.id)
            self._rate_prompt(turn, answer_id, entry.id, turn.state.get("last_question") or entry.title)
            return
        self._send(turn, Reply(say("step", n=str(n), total=str(len(steps)), text=steps[n - 1]),
                               (Button(say("btn_done"), f"steps:{entry.id}:{n + 1}"),
                                Button(say("btn_stuck"), f"stuck:{entry.id}:{n}"))))

    def _on_stuck(self, turn: Turn, entry_id: str, n: int) -> None:
        entry = turn.answerer.entries[entry_id]
        need = self._record_need(turn, NeedKind.STUCK,
                                           question=turn.state.get("last_question") or entry.title,
                                           entry_id=entry.id, step=n, context=self._context(turn.user))
        self._send(turn, Reply(say("stuck_recorded", n=str(n), need_id=str(need.id))))

    def _on_rate(self, turn: Turn, answer_id: int, value: str) -> None:
        if value not in ("up", "down"):
            raise ValueError(value)
        message = self.storage.message(answer_id)
        if not message or message["user"] != turn.user or message["direction"] != "out":
            raise KeyError(answer_id)
        about = (turn.state.get("answers") or {}).get(str(answer_id), {})
        rating = self.storage.rate(answer_id, turn.user, turn.channel, about.get("q"), message["entry_id"], value)
        if value == "up":
            turn.state.pop("pending", None)
            self._send(turn, Reply(say("rated_up")))
            return
        self._record_need(turn, NeedKind.BAD_RATING, question=rating.question,
                                    entry_id=rating.entry_id, context=self._context(turn.user), rating_id=rating.id)
        buttons = tuple(Button(say(f"reason_{code}"), f"why:{rating.id}:{code}") for code in _REASONS)
        self._send(turn, Reply(say("rated_down"), buttons))

    def _on_reason(self, turn: Turn, rating_id: int, code: str) -> None:
        if code not in _REASONS or not self.storage.set_rating_reason(rating_id, turn.user, reason=code):
            raise KeyError(rating_id)
        turn.state["pending"] = {"type": "comment", "rating_id": rating_id}
        self._send(turn, Reply(say("ask_comment"), (Button(say("btn_skip"), "skip"),)))

    def _on_comment(self, turn: Turn, rating_id: int, text: str) -> None:
        turn.state.pop("pending", None)
        self.storage.set_rating_reason(rating_id, turn.user, comment=redact(text)[:1000])
        self._send(turn, Reply(say("comment_thanks")))

    def _on_skip(self, turn: Turn) -> None:
        turn.state.pop("pending", None)
        self._send(turn, Reply(say("comment_thanks")))

    def _on_ask_team(self, turn: Turn) -> None:
        question = turn.state.pop("unanswered", None) or turn.state.get("last_question")
        if not question:
            self._send(turn, Reply(say("nothing_to_send")))
            return
        need = self._record_need(turn, NeedKind.NO_ANSWER, question=question,
                                           context=self._context(turn.user))
        self._send(turn, Reply(say("need_recorded", need_id=str(need.id))))

    def _on_handoff(self, turn: Turn) -> None:
        need = self._record_need(turn, NeedKind.HANDOFF,
                                           question=turn.state.get("last_question"), context=self._context(turn.user))
        self._send(turn, Reply(say("handoff_recorded", need_id=str(need.id))))

    # ---- readiness check
    def _start_ready(self, turn: Turn) -> None:
        turn.state["pending"] = {"type": "ready", "answers": []}
        self._send(turn, Reply(say("ready_intro")))
        self._ask_ready(turn, 0)

    def _ask_ready(self, turn: Turn, i: int) -> None:
        q = self._flows.readiness[i]
        self._send(turn, Reply(say(q.question), (Button(say("btn_yes"), f"ready:{i}:y"),
                                                  Button(say("btn_no"), f"ready:{i}:n"))))

    def _on_ready(self, turn: Turn, i: int, yes: bool) -> None:
        pending = turn.state.get("pending") or {}
        answers = pending.get("answers") if pending.get("type") == "ready" else None
        if answers is None or i != len(answers):
            raise ValueError("readiness answer out of order")
        answers.append(yes)
        if len(answers) < len(self._flows.readiness):
            self._ask_ready(turn, len(answers))
            return
        turn.state.pop("pending")
        todo = [turn.answerer.entries[q.entry] for q, ok in zip(self._flows.readiness, answers) if not ok]
        if not todo:
            self._send(turn, Reply(say("ready_all_set"), (Button(say("btn_portal_search"), url=say("search_url")),)))
            return
        lines = [say("ready_todo")] + [f"{n}. {e.title} — {e.links[0].url}" for n, e in enumerate(todo, 1)]
        if not answers[2]:
            lines.append(say("ready_signature_note"))
        self._send(turn, Reply("\n".join(lines), tuple(Button(e.title, f"entry:{e.id}") for e in todo)))

    # ---- data deletion
    def _on_delete(self, turn: Turn, confirmed: bool) -> None:
        if (turn.state.get("pending") or {}).get("type") != "delete":
            raise KeyError("delete")
        turn.state.pop("pending")
        if not confirmed:
            self._send(turn, Reply(say("delete_kept")))
            return
        counts = self.storage.delete_user(turn.user)
        turn.forget = True
        turn.replies.clear()
        turn.replies.append(Reply(say("deleted", count=str(sum(counts.values())))))
