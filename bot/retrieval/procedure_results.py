"""What a catalogue search gives: each candidate scored, and the decision over them (answer, options, none).

Kept apart from the search itself so the tiers' arbitration and the calibration read them without the ranking.
"""
from __future__ import annotations

from dataclasses import dataclass

from bot.retrieval.decision import Kind


@dataclass(frozen=True)
class ScoredProcedure:
    code: str
    fused: float
    confidence: float
    dense: float
    coverage: float
    gap: float
    margin: float
    name: float        # share of the procedure's name the question says
    features: tuple[float, ...] = ()   # RANK_FEATURES, kept for calibration
    everyday: float = -1.0   # how much nearer the question is to an everyday question than to this name
    cases: frozenset[str] = frozenset()   # the cases its name names that the question cues (phan-biet.yaml)
    rival: bool = True       # a real alternative to the top candidate (see ProcedureSearch._rival)
    # (top one only) the words its name adds to its first real rival's are said, or it adds none: "… cho Dân quân"
    # over "thanh toán trực tiếp chi phí khám bệnh" is not, when a citizen asks about being paid back by BHYT
    distinct_said: bool = True
    # or the top one plus words the citizen did not say ("… lưu động" when "khai sinh" was asked)
    # (top one only) the name of a leading candidate holds every word of a question of at least _NAMED_WORDS words:
    # the citizen typed a procedure's name ("thành lập công ty tnhh"), so its family is offered even when no
    # candidate is sure; so is a question that says word for word what people call one ("trợ cấp người già",
    # called_names.py)
    named_all: bool = False


@dataclass(frozen=True)
class ProcedureDecision:
    kind: Kind
    code: str | None
    score: float
    options: tuple[str, ...] = ()
    among: float = 0.0   # asking back: how sure it is that the top option is meant, under any of its names

    @property
    def codes(self) -> tuple[str, ...]:
        """The procedure answered, or the ones offered."""
        return (self.code,) if self.code else self.options
