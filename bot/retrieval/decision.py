"""Decide, separately from ranking: answer, ask "Ý bạn là…?", or say we do not know.

Confidence is a logistic model over three signals of the top candidate (dense
cosine, how far that cosine stands above the median entry, and lexical
coverage of the question's words); its weights and the thresholds are
calibrated on labelled questions by bench/calibrate.py and live in a YAML file.
Most wrong answers pick a neighbouring entry over the right one, so a confident
runner-up close behind the top candidate (a rival) makes the bot ask which one.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path

import yaml

from indexer.vntext import folded_syllables, longest_run

DEFAULT_FILE = Path(__file__).with_name("decision.yaml")
_TYPED_RUN = 5   # title words in a row a question says to have typed that entry's title
_NAMED_OWN = 3   # subject words of its own a first option's title needs said, none of the others', to be answered
_TYPED_SHARE = 0.75   # of the first option's title words the question must say somewhere


class Kind(str, Enum):
    ANSWER = "answer"
    CLARIFY = "clarify"
    DONT_KNOW = "dont_know"


@dataclass(frozen=True)
class DecisionConfig:
    dense_weight: float      # fusion weight of the dense retriever
    w_dense: float           # logistic weight of the top dense cosine
    w_coverage: float        # logistic weight of the top lexical coverage
    bias: float
    answer_at: float         # confidence needed to answer
    clarify_at: float        # confidence a candidate needs to be offered as an option
    clarify_margin: float    # fused-score gap under which a rival makes the top candidate "too close to call"
    w_gap: float = 0.0       # logistic weight of (top dense cosine − median cosine over all entries)
    w_margin: float = 0.0    # logistic weight of the fused-score lead over the next candidate
    w_title: float = 0.0     # fused-score weight of the share of the entry's title the question mentions
    w_agree: float = 0.0     # fused-score bonus when the entry's intent is the one asked (how, compare, cost…)
    w_clash: float = 0.0     # fused-score penalty when the entry is about a specific intent not asked
    rival_at: float = 0.1    # confidence a runner-up needs to be a rival: neighbouring entries are the usual wrong answers
    outside_margin: float = 2.0  # answer only while the entry is nearer than any out-of-scope example minus this (2: off)
    vague_min_covering: int = 99  # this many candidates contain every word of the question → ask which one
    province_boost: float = 0.15  # fused-score bonus for an entry local to the configured province
    max_options: int = 3
    query_adapter: str = ""  # file of the fitted question adapter, beside this YAML file; "": none
    procedure_decision: str = "procedure_decision.yaml"  # the catalogue tier's thresholds, beside this file
    calibration: dict = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None = None) -> "DecisionConfig":
        data = yaml.safe_load(Path(path or DEFAULT_FILE).read_text(encoding="utf-8"))
        return cls(**data)

    def confidence(self, dense: float, coverage: float, gap: float = 0.0, margin: float = 0.0) -> float:
        z = self.bias + self.w_dense * dense + self.w_coverage * coverage + self.w_gap * gap + self.w_margin * margin
        return 1.0 / (1.0 + math.exp(-z))


@dataclass(frozen=True)
class Scored:
    """A ranked candidate with the signals the decision needs."""
    entry_id: str
    fused: float
    confidence: float
    dense: float = 0.0      # raw cosine, kept for calibration
    coverage: float = 0.0   # lexical coverage, kept for calibration
    gap: float = 0.0        # cosine above the median entry: how much this entry stands out
    margin: float = 0.0     # fused-score lead over the best other candidate (negative when behind)


@dataclass(frozen=True)
class Decision:
    kind: Kind
    entry_id: str | None
    score: float
    options: tuple[str, ...] = ()

    def title_typed(self, said: list[str], title_of: Callable[[str], str]) -> "Decision":
        """"Ý bạn là…?" whose first option's title the question (folded words `said`) says at least _TYPED_RUN
        words of in a row, and every other option's at least two fewer, is that option answered: "bị trừ tiền rồi
        mà hồ sơ vẫn báo chưa thanh toán" types the entry's own title and had been asked about it beside "Thanh
        toán không thành công"."""
        if self.kind != Kind.CLARIFY or not self.options:
            return self
        runs = [longest_run(said, folded_syllables(title_of(o))) for o in self.options]
        if runs[0] < _TYPED_RUN or any(r > runs[0] - 2 for r in runs[1:]):
            return self
        # the rest of the title must be said too: "tài khoản định danh điện tử mức 2 cho ông bà" types the head of
        # "Tài khoản định danh điện tử cho trẻ em dưới 14 tuổi" and none of its case
        title = folded_syllables(title_of(self.options[0]))
        if sum(w in said for w in title) < _TYPED_SHARE * len(title):
            return self
        return Decision(Kind.ANSWER, self.options[0], self.score)

    def subject_named(self, said: list[str], subject_of: Callable[[str], set[str]], sure_at: float) -> "Decision":
        """"Ý bạn là…?" asked only because a rival came close (the first option is sure, `sure_at`), when the question
        names the first by its own subject words (`subject_of`, folded) and no other by theirs, is that option
        answered."""
        if self.kind != Kind.CLARIFY or len(self.options) < 2 or self.score < sure_at:
            return self
        if not _distinct_named(said, [subject_of(o) for o in self.options]):
            return self
        return Decision(Kind.ANSWER, self.options[0], self.score)

    def number_named(self, question: str, *texts_of: Callable[[str], str]) -> "Decision":
        """"Ý bạn là…?" for a question that names a number (a hotline: "gọi 1900 0368 có mất tiền không") which one
        option has and no other, in the first of `texts_of` (titles, then bodies) where any has it: that option is
        answered. It had been asked between the VNeID hotline's guide and the portal's, which mentions it too."""
        if self.kind != Kind.CLARIFY or len(self.options) < 2:
            return self
        numbers = set(_LONG_NUMBER.findall(_joined_digits(question)))
        if not numbers:
            return self
        for text_of in texts_of:
            having = [o for o in self.options if numbers & set(_LONG_NUMBER.findall(_joined_digits(text_of(o))))]
            if having:
                return Decision(Kind.ANSWER, having[0], self.score) if len(having) == 1 else self
        return self

    def not_contrary(self, said: list[str], title_of: Callable[[str], str]) -> "Decision":
        """"Ý bạn là…?" without the options whose title states the opposite of what the question states (folded
        words `said`): "bà đã có thẻ căn cước gắn chip, muốn làm tài khoản mức 2" had been offered "Chưa có thẻ căn
        cước gắn chip…" first. The one option left is answered."""
        if self.kind != Kind.CLARIFY or not self.options:
            return self
        kept = tuple(o for o in self.options if not contrary(said, folded_syllables(title_of(o))))
        if len(kept) == len(self.options) or not kept:
            return self
        if len(kept) == 1:
            return Decision(Kind.ANSWER, kept[0], self.score)
        return replace(self, options=kept)


_LONG_NUMBER = re.compile(r"(?<!\d)\d{7,11}(?!\d)")   # a hotline or phone number, its digits together


def _joined_digits(text: str) -> str:
    """"1900 0368", "1800.1096" → "19000368", "18001096"."""
    return re.sub(r"(?<=\d)[ .](?=\d)", "", text)


# a state and its opposite, folded: "chưa có" / "đã có"
_OPPOSITE = {("chua", "co"): (("da", "co"),), ("da", "co"): (("chua", "co"), ("khong", "co"))}
_OBJECT = 2   # words of what is had, or not, that must be the same in both


def contrary(said: list[str], title: list[str]) -> bool:
    """The title states one state of a thing ("chưa có thẻ căn cước") and the question its opposite ("đã có thẻ căn
    cước"), the thing named by the same _OBJECT words right after."""
    for i in range(len(title) - 1 - _OBJECT):
        opposite = _OPPOSITE.get((title[i], title[i + 1]))
        if opposite is None:
            continue
        thing = title[i + 2:i + 2 + _OBJECT]
        for j in range(len(said) - 1 - _OBJECT):
            if (said[j], said[j + 1]) in opposite and said[j + 2:j + 2 + _OBJECT] == thing:
                return True
    return False


def _distinct_named(said: list[str], subjects: list[set[str]]) -> bool:
    """The first option's own subject words (those no other option's has) are said, at least _NAMED_OWN of them, and
    no other option's own words are: "tổng đài cổng dịch vụ công số mấy" names the portal's hotline, not VNeID's."""
    said_set = set(said)
    own = [s - set().union(*(o for j, o in enumerate(subjects) if j != i)) for i, s in enumerate(subjects)]
    return len(own[0] & said_set) >= _NAMED_OWN and not any(o & said_set for o in own[1:])


def ask_among(ranked: list[Scored], cfg: DecisionConfig, score: float) -> Decision:
    """"Ý bạn là…?" with the candidates sure enough to offer, or don't-know when fewer than two are."""
    offered = tuple(c.entry_id for c in ranked[:cfg.max_options] if c.confidence >= cfg.clarify_at)
    return Decision(Kind.CLARIFY, None, score, offered) if len(offered) >= 2 else Decision(Kind.DONT_KNOW, None, score)


def decide(ranked: list[Scored], cfg: DecisionConfig) -> Decision:
    if not ranked:
        return Decision(Kind.DONT_KNOW, None, 0.0)
    top = ranked[0]
    if top.confidence < cfg.answer_at:
        return ask_among(ranked, cfg, top.confidence)
    covering = [c for c in ranked if c.coverage >= top.coverage - 1e-9]
    if top.coverage >= 0.99 and len(covering) >= cfg.vague_min_covering:  # "thanh toán", "hồ sơ": which one?
        return Decision(Kind.CLARIFY, None, top.confidence, tuple(c.entry_id for c in covering[:cfg.max_options]))
    close = [c for c in ranked[1:cfg.max_options]
             if c.confidence >= cfg.rival_at and top.fused - c.fused < cfg.clarify_margin]
    if close:
        return Decision(Kind.CLARIFY, None, top.confidence, (top.entry_id, *(c.entry_id for c in close)))
    return Decision(Kind.ANSWER, top.entry_id, top.confidence)
