"""What the engine remembers about one citizen between messages, as typed data.

Stored as JSON by the Storage; a state that does not load (an older shape, a
hand edit) starts a fresh session rather than failing the citizen's message.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from enum import Enum

MAX_OFFERED = 40      # ticket buttons remembered as "offered" (older ones are stale)
MAX_RATED = 10        # answers whose rating buttons still know their question


class Waiting(str, Enum):
    """A question the engine asked and is waiting to hear back on."""
    READY = "ready"          # the readiness check: answers so far
    COMMENT = "comment"      # a comment after a 👎 reason
    DELETE = "delete"        # confirm deleting the citizen's data
    STUCK = "stuck"          # "bạn kẹt ở chỗ nào?"
    CALLBACK = "callback"    # "để lại số điện thoại không?" (yes/no)
    PHONE = "phone"          # the phone number itself
    REPHRASE = "rephrase"    # "Không phải các ý trên": the citizen tries other words
    REASON = "reason"        # "Vì sao bạn chưa hài lòng?" after 👎: a typed reason counts as the button


@dataclass
class Pending:
    waiting: Waiting
    answers: list[bool] = field(default_factory=list)   # READY
    rating_id: int | None = None                        # COMMENT, REASON
    entry_id: str | None = None                         # STUCK; COMMENT, REASON: the entry rated 👎
    step: int | None = None                             # STUCK
    need_id: int | None = None                          # CALLBACK, PHONE
    question: str | None = None                         # REPHRASE: the first wording (redacted)
    tries: int = 0                                      # PHONE: numbers that did not parse
    offered: bool = False                               # CALLBACK: a typed number waits for "có" (storage)
    when: str | None = None                             # CALLBACK, PHONE: when to call, said with the request


@dataclass
class RatedAnswer:
    question: str | None
    entry_id: str | None   # None: a team's answer, or a reply that answered nothing (asked_back)
    asked_back: bool = False   # an ask-back or "the guide does not say": no entry was answered by it


@dataclass
class Session:
    pending: Pending | None = None
    rated: dict[str, RatedAnswer] = field(default_factory=dict)   # answer message id → what it answered
    last_question: str | None = None     # redacted
    problem: str | None = None           # redacted; the last message that said what the problem is (ticket summary)
    unanswered: str | None = None        # redacted; what "Gửi câu hỏi cho tổ hỗ trợ" sends
    last_text: str | None = None         # redacted; the last free text (a comment taken for a question)
    numbered: list[str] = field(default_factory=list)   # payloads of the last turn, for "1", "2" answers
    choices: list[str] = field(default_factory=list)    # entries the last "Ý bạn là…?" offered ("cần gì?" after it)
    offered: list[str] = field(default_factory=list)    # ticket payloads offered recently
    misses: int = 0                      # questions in a row the bot could not answer
    you: str = "bạn"                     # how we address the citizen: bạn, bác, cô, chú, anh… (bot.dialogue.tone)
    you_from: str = ""                   # where `you` came from: "", "call", "self", "told" (bot.dialogue.tone.Source)
    questions: list[str] = field(default_factory=list)   # the other questions of a long message (search words)
    # each question of that message by the people it named: a keyed tag of a given name (never the name) → its
    # search words, so "còn việc của bà Mai thì sao" finds bà Mai's question
    named: dict[str, str] = field(default_factory=dict)
    refused: bool = False                # the last turn refused someone else's data ("tôi là trưởng thôn mà" insists)

    def offer(self, payloads: list[str]) -> None:
        self.offered = (self.offered + [p for p in payloads if p not in self.offered])[-MAX_OFFERED:]

    def remember_answer(self, answer_id: int, question: str | None, entry_id: str | None,
                        asked_back: bool = False) -> None:
        self.rated[str(answer_id)] = RatedAnswer(question, entry_id, asked_back)
        for old in sorted(self.rated, key=int)[:-MAX_RATED]:
            self.rated.pop(old)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Session":
        try:
            known = {f.name for f in fields(cls)}
            values = {k: v for k, v in data.items() if k in known}
            pending = values.get("pending")
            if pending is not None:
                values["pending"] = Pending(**{**pending, "waiting": Waiting(pending["waiting"])})
            values["rated"] = {k: RatedAnswer(**v) for k, v in (values.get("rated") or {}).items()}
            return cls(**values)
        except (TypeError, ValueError, KeyError, AttributeError):
            return cls()  # a state from an older version: start afresh
