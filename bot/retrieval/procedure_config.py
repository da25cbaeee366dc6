"""The catalogue tier's weights and thresholds (procedure_decision.yaml, written by bench/catalogue_calibrate.py):
how a candidate's features become a confidence, and what confidence answers, offers or says nothing."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import yaml

DEFAULT_FILE = Path(__file__).with_name("procedure_decision.yaml")


@dataclass(frozen=True)
class ProcedureDecisionConfig:
    dense_weight: float = 0.6
    w_title: float = 0.3        # fused bonus: share of the procedure's name the question says
    w_citizen: float = 0.08     # fused bonus: a citizen may use it (the question is not about a business)
    w_business: float = 0.15    # fused penalty: only businesses/organisations may use it, and the question is personal
    bias: float = -9.0
    w_dense: float = 8.0
    w_coverage: float = 4.0
    w_gap: float = 6.0
    w_margin: float = 4.0
    w_name: float = 2.0
    answer_at: float = 0.6
    clarify_at: float = 0.25
    sibling_margin: float = 0.12   # candidates within this fused distance of the top one are too close to call
    option_margin: float = 0.0     # when asking back, also offer candidates within this fused distance of the top one
    max_options: int = 4
    everyday_margin: float = 1.0   # only offered when an everyday question is this much nearer than the top name
    # not even offered when an everyday question is clearly nearer ("gia vang hom nay" is no "khai báo tạm vắng");
    # on the tuning questions no look-up is that near one
    everyday_stop: float = 0.02
    w_fused: float = 0.0        # confidence weight of the ranking score itself
    # also answered, below answer_at, when the top candidate is this sure and leads its first real rival (not a
    # level sibling, nor one adding words the citizen did not say) by this much of the ranking score
    lead_answer_at: float = 99.0
    lead_confidence_at: float = 1.0
    lead_said_at: float = 0.2      # … and the question says this share of the words its name adds to that rival's
    # … and the question is nearer the top one's name than any everyday question (khong-phai-thu-tuc.yaml) by this
    # much: a lead among procedures says nothing about a question that is no look-up at all
    lead_everyday_at: float = 0.0
    lead_coverage_at: float = 0.0   # … and says this share of the question's words: "ông nội làm được không hay phải
    # cha mẹ" leads with "nhận cha, mẹ, con" on two words of nine, and is no question about it
    # a choice of one is nearly an answer: it needs this confidence ("bh lam sao mo lai" offered only "Thủ tục mở
    # lại sân bay chuyên dùng", at 0.48; on the tuning questions every right single option had 0.58 or more)
    single_option_at: float = 0.5
    # a learned ranking: weights of RANK_FEATURES and a bias, fitted on tuning questions; empty: the hand fusion above
    rank_weights: list = field(default_factory=list)
    calibration: dict = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None = None) -> "ProcedureDecisionConfig":
        path = Path(path or DEFAULT_FILE)
        return cls(**(yaml.safe_load(path.read_text(encoding="utf-8")) or {})) if path.exists() else cls()

    def confidence(self, dense: float, coverage: float, gap: float, margin: float, name: float,
                   fused: float = 0.0) -> float:
        z = (self.bias + self.w_dense * dense + self.w_coverage * coverage + self.w_gap * gap
             + self.w_margin * margin + self.w_name * name + self.w_fused * fused)
        return 1.0 / (1.0 + math.exp(-z))
