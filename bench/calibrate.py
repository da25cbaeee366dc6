"""Calibrate the answer / clarify / don't-know decision on labelled questions.

Fits the logistic confidence over (top dense cosine, top lexical coverage) and
sweeps the thresholds, scoring a wrong answer as worse than an honest "I don't
know". Uses bench/calibration.jsonl, written independently of the eval set.

    python bench/calibrate.py [--write]
"""
from __future__ import annotations

import argparse
import itertools
import json
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import yaml
from sklearn.linear_model import LogisticRegression

from bot.decision import DEFAULT_FILE, DecisionConfig, Kind, Scored, decide
from bot.settings import Settings
from handlers.app import open_answerer

HERE = Path(__file__).parent
# Utility of each outcome: a wrong answer sends a citizen the wrong way.
# A vague question ("entry": "?") should get "Ý bạn là…?"; guessing one answer for it is unhelpful.
GAIN = {"right": 1.0, "wrong": -2.0, "reject_oos": 1.0, "miss": 0.0,
        "clarify_hit": 0.5, "clarify_miss": -0.25, "clarify_oos": -0.25, "answer_oos": -2.0,
        "vague_clarified": 1.0, "vague_guessed": -0.5, "vague_rejected": 0.0}
VAGUE = "?"


def outcome(kind: Kind, picked: str | None, options: tuple[str, ...], expected: str | None) -> str:
    if expected == VAGUE:
        return {Kind.ANSWER: "vague_guessed", Kind.CLARIFY: "vague_clarified"}.get(kind, "vague_rejected")
    if expected is None:
        return {Kind.ANSWER: "answer_oos", Kind.CLARIFY: "clarify_oos"}.get(kind, "reject_oos")
    if kind == Kind.ANSWER:
        return "right" if picked == expected else "wrong"
    if kind == Kind.CLARIFY:
        return "clarify_hit" if expected in options else "clarify_miss"
    return "miss"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", default=str(HERE / "calibration.jsonl"))
    ap.add_argument("--write", action="store_true", help=f"write the result to {DEFAULT_FILE}")
    args = ap.parse_args()
    items = [json.loads(line) for line in open(args.set, encoding="utf-8") if line.strip()]
    answerer = open_answerer(Settings.from_env())
    queries = [answerer.normalizer.normalize(it["q"]) for it in items]
    base = DecisionConfig.load()
    hits = {}
    for weight in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):  # fusion weight: best top-1, ties to the middle
        answerer.decision = replace(base, dense_weight=weight)
        hits[weight] = sum(answerer.rank(q)[0].entry_id == it["entry"] for q, it in zip(queries, items)
                           if it["entry"] not in (None, VAGUE))
    print("top-1 hits by dense weight:", hits)
    base = replace(base, dense_weight=max(hits, key=lambda w: (hits[w], -abs(w - 0.5))))
    answerer.decision = base
    ranked_all: list[list[Scored]] = [answerer.rank(q) for q in queries]
    specific = [i for i, it in enumerate(items) if it["entry"] != VAGUE]
    x = np.array([[ranked_all[i][0].dense, ranked_all[i][0].coverage, ranked_all[i][0].gap] for i in specific])
    y = np.array([ranked_all[i][0].entry_id == items[i]["entry"] for i in specific])
    mean, std = x.mean(axis=0), x.std(axis=0)  # fit on standardised features, store raw-scale weights
    model = LogisticRegression(C=1.0).fit((x - mean) / std, y)
    w = model.coef_[0] / std
    b = float(model.intercept_[0] - (model.coef_[0] * mean / std).sum())
    fitted = replace(base, w_dense=round(float(w[0]), 3), w_coverage=round(float(w[1]), 3),
                     w_gap=round(float(w[2]), 3), bias=round(b, 3))

    def evaluate(cfg: DecisionConfig) -> tuple[float, dict[str, int]]:
        counts: dict[str, int] = {}
        for ranked, it in zip(ranked_all, items):
            rescored = [replace(s, confidence=cfg.confidence(s.dense, s.coverage, s.gap)) for s in ranked]
            d = decide(rescored, cfg)
            o = outcome(d.kind, d.entry_id, d.options, it["entry"])
            counts[o] = counts.get(o, 0) + 1
        return sum(GAIN[k] * n for k, n in counts.items()), counts

    grid = itertools.product(np.arange(0.2, 0.91, 0.05), np.arange(0.05, 0.61, 0.05), [0.0, 0.01, 0.02, 0.04],
                             [3, 4, 5, 6, 8, 99])
    best = None
    for answer_at, clarify_at, margin, covering in grid:
        if clarify_at >= answer_at:
            continue
        cfg = replace(fitted, answer_at=round(float(answer_at), 2), clarify_at=round(float(clarify_at), 2),
                      clarify_margin=margin, vague_min_covering=covering)
        score, counts = evaluate(cfg)
        if best is None or score > best[0] + 1e-9:
            best = (score, counts, cfg)
    score, counts, cfg = best
    in_scope = [items[i]["entry"] is not None for i in specific]
    print(f"top-1 right on in-scope: {int(y[in_scope].sum())}/{sum(in_scope)}")
    print(f"fitted: w_dense={cfg.w_dense} w_coverage={cfg.w_coverage} w_gap={cfg.w_gap} bias={cfg.bias}")
    print(f"thresholds: answer_at={cfg.answer_at} clarify_at={cfg.clarify_at} clarify_margin={cfg.clarify_margin} "
          f"vague_min_covering={cfg.vague_min_covering}")
    print(f"outcomes: {counts} utility={score:.2f}")
    if args.write:
        data = {k: getattr(cfg, k) for k in ("dense_weight", "w_dense", "w_coverage", "w_gap", "bias", "answer_at",
                                             "clarify_at", "clarify_margin", "vague_min_covering", "province_boost",
                                             "max_options")}
        data["calibration"] = {"set": Path(args.set).name, "questions": len(items), "outcomes": counts,
                               "utility": round(score, 2)}
        header = "# Decision thresholds, written by bench/calibrate.py --write. Re-run it after large knowledge changes.\n"
        DEFAULT_FILE.write_text(header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        print(f"written to {DEFAULT_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
