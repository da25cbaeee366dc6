"""One citizen message being handled (`Turn`), what its typed text is (`Reading`), and the two things every part
of the dialogue does with a turn: speak to the citizen in their own form of address, and queue a reply."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from bot.core.messages import Reply
from bot.core.payloads import rate_buttons
from bot.core.wording import say
from bot.dialogue.session import Session
from bot.domain.chat_port import Storage
from bot.privacy.redact import redact
from bot.reading.intents import IntentMatch
from bot.retrieval.answerer import Answerer
from bot.retrieval.answers import Answer
from indexer.terms import Term


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
    session_version: int | None = None   # the stored version loaded (None: none stored); the save names it
    replies: list[Reply] = field(default_factory=list)
    unsaved: list[Reply] = field(default_factory=list)   # replies not yet written to storage
    forget: bool = False
    ask_place: bool = False   # a need was recorded and the citizen's commune is not known yet
    reading: Reading = field(default_factory=Reading)   # what the typed text is, read once
    prefetched: tuple[Answer, ...] = ()   # retrieved before the turn's transaction (see Dialogue.handle)
    province: str | None = None   # where the citizen said they live: a team's local answers are offered only there
    choices: list[str] = field(default_factory=list)   # what the previous turn's "Ý bạn là…?" offered
    name_key: bytes = b""   # keys the tags of people named in a message of several questions (never the names)

    @property
    def you(self) -> str:
        return self.session.you

    def ask(self, text: str) -> Answer:
        """The answer to `text`; retrieval already done for it before the transaction is not done twice."""
        return next((a for a in self.prefetched if a.question == text), None) or self.answerer.ask(text, self.province)


def speak(turn: Turn, key: str, **values: str) -> str:
    """Our wording, addressing the citizen as they address themself."""
    return say(key, you=turn.you, **values)


def send(storage: Storage, turn: Turn, reply: Reply, entry_id: str | None = None) -> int:
    """Queue a reply; answers are stored at once because ratings point at them, after the replies queued before
    them: the team reads the exchange in the order the citizen did."""
    if reply.rateable:   # stored now: its 👎 names it, and a bad rating reaches the team with the question
        store_unsaved(storage, turn)
        out_id = storage.add_message(turn.user, turn.channel, "out", redact(reply.text), reply_to=turn.in_id)
        turn.replies.append(replace(reply, buttons=reply.buttons + rate_buttons(out_id, up=False)))
        turn.session.remember_answer(out_id, turn.session.last_question, None, asked_back=True)
        return out_id
    turn.replies.append(reply)
    if entry_id is None:
        turn.unsaved.append(reply)
        return 0
    store_unsaved(storage, turn)
    return storage.add_message(turn.user, turn.channel, "out", redact(reply.text), entry_id=entry_id,
                               reply_to=turn.in_id)


def store_unsaved(storage: Storage, turn: Turn) -> None:
    """Write the replies queued so far, in order."""
    for reply in turn.unsaved:
        storage.add_message(turn.user, turn.channel, "out", redact(reply.text), reply_to=turn.in_id)
    turn.unsaved.clear()
