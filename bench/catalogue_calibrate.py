"""Fit the catalogue tier's ranking weights and decision on tuning questions only; `--write` stores them.

Tuning data: the `tune` split of bench/catalogue_set.jsonl (procedure questions and questions that are not
procedure look-ups), plus the in-scope tuning questions of the curated sets that the curated tier does not
answer (the catalogue must not answer those with a procedure either). Never the holdout third.

Steps: choose the fusion weights by top-1 / top-4 on the procedure questions; fit the logistic confidence
(top-1 right or not, over dense cosine, lexical coverage, gap to the median, lead and name share); then choose
answer / offer thresholds and the sibling margin with the best utility (right +1, right among options +0.5,
wrong procedure −3, a procedure answered to a question that is not a look-up −3, offered to one −0.5) within wrong ≤ 2 % and
non-look-ups answered ≤ 1.5 % on the tuning data (a margin under the issue's 3 % and 5 %).

`--cross-fit F0 F1 …` (as bench/calibrate.py): each question is ranked by the fold file trained without it.

    .venv/bin/python bench/catalogue_calibrate.py [--write] [--cross-fit F0 F1 …]
"""
from __future__ import annotations

import argparse
import dataclasses
import itertools
import sys
from pathlib import Path

import numpy as np
import yaml

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

import labelled  # noqa: E402
from calibrate import fold_answerers  # noqa: E402
from catalogue_bench import load  # noqa: E402
from tuning_data import fold_of  # noqa: E402

from bot.retrieval.decision import DecisionConfig, Kind  # noqa: E402
from bot.retrieval.procedure_search import RANK_FEATURES, ProcedureSearch  # noqa: E402

FEATURES = ("dense", "coverage", "gap", "margin", "name", "fused")
# Limits on the tuning data, under the 3 % and 5 %: a question that is no look-up ("thuoc tri dau dau")
# answered with a procedure is worse than a wrong sibling, and fresh questions go over what tuning shows.
WRONG_AT_MOST, OTHER_AT_MOST = 0.01, 0.015
EVERYDAY_MARGINS = (-0.02, -0.01, 0.0, 1.0)   # 1.0: everyday questions never stop an answer


def questions(answerer) -> list[tuple[str, frozenset[str] | None]]:
    """(question, acceptable codes) — None for a question no procedure should answer."""
    found = [(d["q"], frozenset(d["codes"]) if d["kind"] == "procedure" else None)
             for d in load() if d["split"] == "tune"]
    curated = labelled.citizen(HERE / "citizen_set.jsonl", "tune") + labelled.citizen(HERE / "validation.jsonl", "tune")
    for item in curated + labelled.single_label(HERE / "calibration.jsonl"):
        if not item.oos and answerer.ask(item.q).kind != Kind.ANSWER.value:
            found.append((item.q, None))
    return found


class Readers:
    """Who ranks a question: the configured model, or with --cross-fit the fold file that never saw it."""

    def __init__(self, answerer, folds: list) -> None:
        self.answerer, self.folds = answerer, folds

    def ranked(self, q: str):
        reader = self.folds[fold_of(q, len(self.folds))] if self.folds else self.answerer
        return reader.procedure_ranking(q)[0]

    def use(self, config) -> None:
        for reader in (self.answerer, *self.folds):
            reader.procedures.config = config


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 0.01, steps: int = 4000) -> tuple[np.ndarray, float]:
    mean, std = x.mean(0), x.std(0) + 1e-9
    z = (x - mean) / std
    w, b = np.zeros(z.shape[1]), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        w -= 0.5 * (z.T @ (p - y) / len(y) + l2 * w)
        b -= 0.5 * float((p - y).mean())
    return w / std, b - float((w / std) @ mean)


def fit_listwise(groups: list[tuple[np.ndarray, np.ndarray]], l2: float = 0.01, steps: int = 1500
                 ) -> tuple[np.ndarray, float]:
    """Weights that put a right candidate first: softmax over each question's candidates, the right ones' share
    maximised (ListNet-style), on standardised features."""
    allx = np.vstack([x for x, _ in groups])
    mean, std = allx.mean(0), allx.std(0) + 1e-9
    groups = [((x - mean) / std, y) for x, y in groups if y.any()]
    w = np.zeros(allx.shape[1])
    for _ in range(steps):
        grad = l2 * w
        for x, y in groups:
            s = x @ w
            q = np.exp(s - s.max())
            q /= q.sum()
            t = q * y / (q * y).sum()
            grad += x.T @ (q - t) / len(groups)
        w -= 0.5 * grad
    return w / std, -float((w / std) @ mean)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--cross-fit", nargs="+", default=[], metavar="FILE",
                    help="fold files of the configured tuned model (bench/model_tune.py --hold-fold k N, k = 0…)")
    args = ap.parse_args()
    from handlers.runtime.services import decision_file, open_answerer
    from handlers.runtime.settings import Settings

    settings = Settings.from_env()
    answerer = open_answerer(settings)
    chosen = decision_file(settings)    # the catalogue's file is the one the configured model's decision names
    target = chosen.with_name(DecisionConfig.load(chosen).procedure_decision)
    search: ProcedureSearch = answerer.procedures
    base = search.config
    if len(base.rank_weights) != len(RANK_FEATURES) + 1:  # written for other features: fitted again below
        search.config = base = dataclasses.replace(base, rank_weights=[])
    items = questions(answerer)
    readers = Readers(answerer, [a for a, _ in fold_answerers(settings, args.cross_fit)])
    ranked = readers.ranked
    looked_up = [(q, c) for q, c in items if c is not None]
    print(f"tuning: {len(looked_up)} procedure questions, {len(items) - len(looked_up)} that are not look-ups")

    readers.use(dataclasses.replace(base, rank_weights=[]))
    pools = [(ranked(q), c) for q, c in looked_up]
    w, b = fit_listwise([(np.array([s.features for s in r]), np.array([float(s.code in c) for s in r]))
                         for r, c in pools if r])
    weights = [round(float(v), 4) for v in w] + [round(b, 4)]
    print("ranking weights: " + ", ".join(f"{n} {v:+.2f}" for n, v in zip(RANK_FEATURES, weights)))
    config = dataclasses.replace(base, rank_weights=weights)
    readers.use(config)
    tops = [[s.code for s in ranked(q)[:4]] for q, _ in looked_up]
    top1 = sum(bool(t) and t[0] in c for t, (_, c) in zip(tops, looked_up))
    top4 = sum(bool(set(t) & c) for t, (_, c) in zip(tops, looked_up))
    print(f"learned ranking on its own tuning questions: top-1 {top1}/{len(looked_up)}, top-4 {top4}")

    rows = [(ranked(q), c) for q, c in items]
    x = np.array([[getattr(r[0], f) for f in FEATURES] if r else [0.0] * len(FEATURES) for r, _ in rows])
    x[:, FEATURES.index("margin")] = [r[0].margin if r else 0.0 for r, _ in rows]
    y = np.array([float(bool(r) and c is not None and r[0].code in c) for r, c in rows])
    w, b = fit_logistic(x, y)
    config = dataclasses.replace(config, bias=round(b, 3), **{f"w_{f}": round(float(v), 3) for f, v in zip(FEATURES, w)})
    search.config = config
    scored = [(search.rescored(r), c) for r, c in rows]

    n_proc, n_other = len(looked_up), len(items) - len(looked_up)
    best = None
    leads = np.array([r[0].margin for r, _ in scored if r])
    scale = [round(float(v), 3) for v in np.quantile(leads, (0.0, 0.1, 0.25, 0.5, 0.75))]
    for answer_at, clarify_at, margin, option, everyday in itertools.product(
            np.arange(0.3, 0.96, 0.05), (0.05, 0.1, 0.2, 0.3, 0.4, 0.5), scale, scale, EVERYDAY_MARGINS):
        if clarify_at >= answer_at:
            continue
        search.config = dataclasses.replace(config, answer_at=round(float(answer_at), 2), clarify_at=clarify_at,
                                            sibling_margin=margin, option_margin=option, everyday_margin=everyday)
        right = offered = wrong = other = other_offered = 0
        for r, c in scored:
            d = search.decide(r)
            if d.kind == Kind.ANSWER:
                if c is None:
                    other += 1
                elif d.code in c:
                    right += 1
                else:
                    wrong += 1
            elif d.kind == Kind.CLARIFY and c is not None and set(d.options) & c:
                offered += 1
            elif d.kind == Kind.CLARIFY and c is None:
                other_offered += 1
        if wrong > WRONG_AT_MOST * n_proc or other > OTHER_AT_MOST * n_other:
            continue
        utility = right + 0.5 * offered - 3 * wrong - 3 * other - 0.5 * other_offered
        if best is None or utility > best[0]:
            best = (utility, search.config, right, offered, wrong, other)
    utility, config, right, offered, wrong, other = best
    print(f"decision: answer at {config.answer_at}, offer at {config.clarify_at}, sibling margin "
          f"{config.sibling_margin}, option margin {config.option_margin}, everyday margin {config.everyday_margin}: right {right}, offered {offered}, wrong {wrong} of {n_proc}; "
          f"non-look-ups answered {other} of {n_other}")
    config = dataclasses.replace(config, calibration={
        "procedure questions": n_proc, "other questions": n_other, "right": right, "offered": offered,
        "wrong": wrong, "other answered": other, "utility": round(float(utility), 2)})
    if args.write:
        data = {k: v for k, v in dataclasses.asdict(config).items()}
        header = "# The catalogue tier's weights and thresholds, written by bench/catalogue_calibrate.py --write.\n"
        target.write_text(header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        print(f"written to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
