"""What one question gets from the answerer, and what its retrievers found on the way: the types the dialogue,
the CLI and the benches read, apart from the pipeline that makes them (bot/retrieval/answerer.py)."""
from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from bot.reading.background import done_apart
from bot.reading.split_questions import asking_sentence, told_with_question
from bot.retrieval.decision import Kind
from bot.retrieval.hybrid import Hit
from bot.retrieval.normalize import NormalizedQuery
from indexer.knowledge import KnowledgeEntry


def unique(entries: Iterable[KnowledgeEntry]) -> list[KnowledgeEntry]:
    """Each entry once, in order (a guide declaring two of the procedures offered stands for both)."""
    return list({e.id: e for e in entries}.values())


class InputKind:
    """Reasons a message is not a question we can look up."""
    EMPTY = "empty"
    NO_WORDS = "no_words"
    OTHER_LANGUAGE = "other_language"


@dataclass(frozen=True)
class Retrieved:
    """What the retrievers found for one question, before fusion and decision."""
    query: NormalizedQuery
    asked: frozenset[str]       # intents the question asks for
    dense: list[Hit]
    lexical: list[Hit]
    cosine: Mapping[str, float]  # dense cosine of every entry
    median: float               # median cosine: the background level
    weight: float | None        # fixed dense weight (one retriever only), None: the configured one
    outside: float = -1.0       # best cosine to an example of what we do not cover (knowledge/ngoai-pham-vi.yaml)

    def only(self, keep: Callable[[str], bool]) -> "Retrieved":
        """The hits of the entries `keep` keeps (by id); the cosines and background level stay."""
        return dataclasses.replace(self, dense=[h for h in self.dense if keep(h.entry_id)],
                                   lexical=[h for h in self.lexical if keep(h.entry_id)])


@dataclass(frozen=True)
class Answer:
    question: str
    kind: str                           # a decision Kind value or an InputKind value
    entry: KnowledgeEntry | None
    score: float
    options: tuple[KnowledgeEntry, ...]
    related: tuple[KnowledgeEntry, ...]    # follow-ups worth offering next to an answer
    query: NormalizedQuery | None
    truncated: bool
    latency_ms: float
    nearest: str | None = None             # a don't-know's nearest entry: in a conversation it may be the focus

    @property
    def matched(self) -> bool:
        return self.kind == Kind.ANSWER.value


def one_reading(readings: Iterable[Answer]) -> Answer | None:
    """The one answer among readings of parts of a message, else its one "Ý bạn là…?"; None when there are none, or
    several that differ (two sentences answered with two entries are no answer to the message)."""
    readings = list(readings)
    found = [a for a in readings if a.kind == Kind.ANSWER.value] or [
        a for a in readings if a.kind == Kind.CLARIFY.value]
    return found[0] if len({a.entry.id if a.entry else tuple(o.id for o in a.options) for a in found}) == 1 else None


def read_in_parts(question: str, whole: Answer, ask: Callable[[str], Answer]) -> Answer | None:
    """What a message gets from narrower readings of it than the whole: a story that got nothing is read one told
    sentence at a time with its question, and their one reading is the reply; one asked back about is answered when
    its one asking sentence, alone, answers with one of the choices (the story only blurred which); one answered with
    what it says is done already gets the rest's answer. None: keep the whole message's reply."""
    if whole.kind == Kind.DONT_KNOW.value:
        found = one_reading(ask(t) for t in told_with_question(question))
        if found is None and whole.nearest and (alone := asking_sentence(question)) is not None:
            # "chu doc chu ko gioi. o xa co ai chi chu lam giay ko": the sentence that asks, alone, is answered with
            # the entry the whole message came nearest to; what was told only blurred it
            read = ask(alone)
            return read if read.matched and read.entry and read.entry.id == whole.nearest else None
        return found
    if whole.matched and (apart := done_apart(question)) is not None:
        # answered with what the message says is done already ("mới đăng ký kết hôn xong, giờ vợ muốn chuyển hộ
        # khẩu…" had got the marriage guide): the rest, when it is answered with something else
        done, rest = apart
        if ask(done).entry == whole.entry and (read := ask(rest)).matched and read.entry != whole.entry:
            return read
        return None
    if whole.kind == Kind.CLARIFY.value and (alone := asking_sentence(question)) is not None:
        read = ask(alone)
        return read if read.matched and read.entry in whole.options else None
    return None


def check_input(text: str) -> str | None:
    """Why this message cannot be looked up, or None when it can."""
    if not text:
        return InputKind.EMPTY
    letters = [c for c in text if c.isalpha()]
    if not letters and not any(c.isdigit() for c in text):
        return InputKind.NO_WORDS
    foreign = sum(1 for c in letters if not unicodedata.name(c, "").startswith("LATIN"))
    if letters and foreign / len(letters) > 0.5:
        return InputKind.OTHER_LANGUAGE
    return None
