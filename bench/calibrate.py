"""Calibrate the ranking priors and the answer / clarify / don't-know decision on labelled questions.

Fits the question adapter (bench/adapter_fit.py): the questions are split in
FOLDS parts and each part is retrieved with an adapter fitted without it, so
everything below is chosen on scores as fresh as a citizen's question gets;
the adapter written is then fitted on all of them. Picks the fusion weights
(dense vs lexical, title coverage, intent agreement and mismatch) for the
best top-1, fits the logistic confidence over the top
candidate's (dense cosine, lexical coverage, cosine above the median, lead over
the runner-up) and sweeps the thresholds:
- when to answer, when a close runner-up (a rival) means asking "Ý bạn là…?"
  (neighbouring entries are where wrong answers come from) and how near an
  out-of-scope example may come; then what to offer and when a vague question
  needs asking. Each step keeps wrong confident answers within WRONG_AT_MOST of
  in-scope questions and out-of-scope answers within OOS_ANSWERED_AT_MOST (the
  targets of issue 9) and, within them, maximises a utility that scores a wrong
  answer as worse than an honest "I don't know". Maximising right answers alone
  lands on the edge of the targets, and fresh questions then go over them.
Uses bench/calibration.jsonl and the `tune` splits of bench/citizen_set.jsonl and
bench/validation.jsonl only: their other splits and bench/holdout.jsonl are never
read here.

A tuned model has been trained on these very questions, so it reads them more surely than a citizen's: fitted
on its own scores, the thresholds answer where they should ask. `--cross-fit F0 F1 …` takes files that
bench/model_tune.py --hold-fold k N wrote without fold k: each question is read by the file that never saw
it (its fold's adapter fitted without it too), and only the adapter written comes from the configured model.

    python bench/calibrate.py [--write] [--no-adapter] [--cross-fit F0 F1 …]
"""
from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import labelled
import numpy as np
import yaml
from adapter_fit import fit_adapter
from sklearn.linear_model import LogisticRegression
from tuning_data import fold_of

from bot.retrieval.answerer import Answerer
from bot.retrieval.decision import DEFAULT_FILE, DecisionConfig, decide
from bot.retrieval.query_adapter import QueryAdapter
from handlers.runtime.services import open_answerer, own_decision_file, shared_embedder
from handlers.runtime.settings import Settings
from indexer.embedder import model_id_for
from indexer.model.files import FILE_PREFIX, file_digest

HERE = Path(__file__).parent
# Utility of each outcome: a wrong answer sends a citizen the wrong way.
# A vague question should get "Ý bạn là…?"; guessing one answer for it is unhelpful.
GAIN = {"right": 1.0, "wrong": -3.0, "oos_rejected": 1.0, "miss": 0.0,
        "offered": 0.5, "clarify_miss": -0.25, "oos_clarified": -0.25, "oos_answered": -3.0,
        "vague_clarified": 1.0, "vague_guessed": -0.5, "vague_rejected": 0.0}
WRONG_AT_MOST = 0.02          # wrong confident answers, share of in-scope questions
OOS_ANSWERED_AT_MOST = 0.05   # out-of-scope questions answered, share of them
RIVAL_AT = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.01)   # 1.01: no rival check
RIVAL_MARGIN = (0.01, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3)
OUTSIDE_MARGIN = (2.0, 0.01, 0.0, -0.01)   # 2.0: out-of-scope examples not used
FOLDS = 5
SETS = {"calibration": lambda: labelled.single_label(HERE / "calibration.jsonl"),
        "citizen-tune": lambda: labelled.citizen(HERE / "citizen_set.jsonl", "tune"),
        "validation-tune": lambda: labelled.citizen(HERE / "validation.jsonl", "tune"),
        "fresh-tune": lambda: labelled.citizen(HERE / "fresh_set.jsonl", "tune"),
        "fresh2-tune": lambda: labelled.citizen(HERE / "fresh2_set.jsonl", "tune")}
DEFAULT_SETS = ("calibration", "citizen-tune", "validation-tune")
PRIORS = {"dense_weight": (0.4, 0.5, 0.6), "w_title": (0.0, 0.1, 0.2, 0.3), "w_agree": (0.0, 0.1, 0.2),
          "w_clash": (0.0, 0.1, 0.2, 0.3)}


def fit_confidence(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Logistic weights on the raw scale. Every signal may only raise confidence: one fitted negative (the dense
    cosine and its gap over the median move together) is left out and the rest refitted, so the weights keep
    their meaning on another embedding model or knowledge base."""
    used = np.ones(x.shape[1], dtype=bool)
    while True:
        mean, std = x[:, used].mean(axis=0), x[:, used].std(axis=0)  # fit standardised, store raw-scale weights
        model = LogisticRegression(C=1.0).fit((x[:, used] - mean) / std, y)
        if (model.coef_[0] >= 0).all():
            break
        used[np.flatnonzero(used)[np.argmin(model.coef_[0])]] = False
    w = np.zeros(x.shape[1])
    w[used] = model.coef_[0] / std
    return w, float(model.intercept_[0] - (model.coef_[0] * mean / std).sum())


def adapter_fitter(answerer: Answerer, model: str, items: list[labelled.Item]):
    """fit(keep): the question adapter of this model fitted on the questions numbered in keep."""
    vectors, row_entry, ids = answerer.dense.layout()
    position = {e: i for i, e in enumerate(ids)}
    asked = shared_embedder(model).embed_queries([answerer.normalizer.normalize(it.q).text for it in items])
    answers = [[position[e] for e in it.entries if e in position] for it in items]

    def fit(keep: Iterable[int]) -> QueryAdapter:
        used = [k for k in keep if answers[k]]  # out-of-scope and vague questions have no entry to move towards
        matrix = fit_adapter(asked[used], [answers[k] for k in used], vectors, row_entry, len(position))
        return QueryAdapter(matrix, model_id_for(model))
    return fit


def fold_answerers(settings: Settings, files: list[str]) -> list[tuple[Answerer, str]]:
    """One answerer per fold file, each on its own index beside the data (built on first use), with its model name."""
    found = []
    for path in (Path(f).resolve() for f in files):
        model = f"{FILE_PREFIX}{path}"
        index = settings.data_dir / "cross-fit" / file_digest(path)
        found.append((open_answerer(replace(settings, embedding_model=model, index_dir=index)), model))
    return found


def retrieved(answerer: Answerer, settings: Settings, items: list[labelled.Item], no_adapter: bool,
              cross_fit: list[str]) -> tuple[list, QueryAdapter | None]:
    """Each question retrieved as freshly as a citizen's: by an adapter fitted without it (FOLDS parts), and with
    --cross-fit by the fold file that was trained without it; and the adapter to write, fitted on all."""
    everything = range(len(items))
    fitter = None if no_adapter else adapter_fitter(answerer, settings.embedding_model, items)
    if cross_fit:
        readers = [(a, None if no_adapter else adapter_fitter(a, model, items))
                   for a, model in fold_answerers(settings, cross_fit)]
        fold = [fold_of(it.q, len(cross_fit)) for it in items]
    else:
        readers, fold = [(answerer, fitter)] * FOLDS, [k % FOLDS for k in everything]
    found: list = [None] * len(items)
    for f, (reader, fit) in enumerate(readers):
        reader.dense.adapter = fit(k for k in everything if fold[k] != f) if fit else None
        for k in everything:
            if fold[k] == f:
                found[k] = reader.retrieve(reader.normalizer.normalize(items[k].q))
    return found, fitter(everything) if fitter else None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="write the decision and the adapter for the configured model (decision.yaml for the stock one)")
    ap.add_argument("--no-adapter", action="store_true", help="calibrate the dense retriever without an adapter")
    ap.add_argument("--sets", nargs="+", choices=sorted(SETS), default=list(DEFAULT_SETS),
                    help="the tuning sets to fit on (a tuned model: the ones it was not trained on)")
    ap.add_argument("--cross-fit", nargs="+", default=[], metavar="FILE",
                    help="fold files of the configured tuned model (bench/model_tune.py --hold-fold k N, k = 0…)")
    args = ap.parse_args()
    sets = {name: SETS[name]() for name in args.sets}
    items = [i for group in sets.values() for i in group]
    settings = Settings.from_env()
    answerer = open_answerer(settings)
    found, adapter = retrieved(answerer, settings, items, args.no_adapter, args.cross_fit)
    specific = [k for k, it in enumerate(items) if not it.vague]
    in_scope = [k for k in specific if not items[k].oos]

    def top1(cfg: DecisionConfig) -> int:
        return sum(bool(r := answerer.score(found[k], cfg)) and items[k].accepts(answerer.entries[r[0].entry_id])
                   for k in in_scope)

    base = DecisionConfig.load()
    grid = [dict(zip(PRIORS, values)) for values in itertools.product(*PRIORS.values())]
    hits = {tuple(g.values()): top1(replace(base, **g)) for g in grid}  # ties go to the smallest priors
    best = max(grid, key=lambda g: (hits[tuple(g.values())], -sum(g.values()) + g["dense_weight"],
                                    -abs(g["dense_weight"] - 0.5)))
    base = replace(base, **best)
    print(f"top-1 on {len(in_scope)} in-scope: {hits[tuple(best.values())]} with {best} "
          f"(all priors 0: {hits[(best['dense_weight'], 0.0, 0.0, 0.0)]})")

    ranked_all = [answerer.score(r, base) for r in found]
    x = np.array([[ranked_all[k][0].dense, ranked_all[k][0].coverage, ranked_all[k][0].gap, ranked_all[k][0].margin]
                  for k in specific])
    y = np.array([not items[k].oos and items[k].accepts(answerer.entries[ranked_all[k][0].entry_id]) for k in specific])
    w, b = fit_confidence(x, y)
    fitted = replace(base, w_dense=round(float(w[0]), 3), w_coverage=round(float(w[1]), 3),
                     w_gap=round(float(w[2]), 3), w_margin=round(float(w[3]), 3), bias=round(b, 3))

    rescored = [[replace(s, confidence=fitted.confidence(s.dense, s.coverage, s.gap, s.margin)) for s in ranked]
                for ranked in ranked_all]

    def evaluate(cfg: DecisionConfig) -> tuple[float, dict[str, int]]:
        """Utility and outcome counts of the thresholds in cfg (the fitted confidence is shared)."""
        counts: dict[str, int] = {}
        for ranked, it, r in zip(rescored, items, found):
            d = answerer.screen(decide(ranked, cfg), r, cfg)
            o = labelled.outcome(it, d.kind.value, answerer.entries.get(d.entry_id),
                                 tuple(answerer.entries[e] for e in d.options))
            counts[o] = counts.get(o, 0) + 1
        return sum(GAIN[k] * n for k, n in counts.items()), counts

    n_in, n_oos = len(in_scope), len(specific) - len(in_scope)

    def within_targets(counts: dict[str, int]) -> bool:
        return counts.get("wrong", 0) <= WRONG_AT_MOST * n_in and counts.get("oos_answered", 0) <= OOS_ANSWERED_AT_MOST * n_oos

    def best_of(configs: Iterable[DecisionConfig], key) -> tuple[float, dict[str, int], DecisionConfig]:
        scored = [(*evaluate(cfg), cfg) for cfg in configs]
        return max((t for t in scored if within_targets(t[1])), key=key, default=scored[-1])

    # When to answer, when a close rival means asking which, how near an out-of-scope example may come.
    score, counts, cfg = best_of(
        (replace(fitted, answer_at=round(float(a), 2), rival_at=rival, clarify_margin=margin, outside_margin=outside)
         for a, rival, margin, outside in itertools.product(np.arange(0.2, 0.96, 0.05), RIVAL_AT, RIVAL_MARGIN,
                                                             OUTSIDE_MARGIN)),
        key=lambda t: (t[0], t[1].get("right", 0)))
    # What to offer in "Ý bạn là…?" and when a vague question needs it: utility within the targets; on a tie, the
    # vague rule that asks back fewer questions ("vneid ko gui ma otp" names its subject, all its words are common)
    score, counts, cfg = best_of(
        (replace(cfg, clarify_at=round(float(c), 2), vague_min_covering=covering)
         for c, covering in itertools.product(np.arange(0.05, cfg.answer_at, 0.05), [3, 4, 5, 6, 8, 99])),
        key=lambda t: (t[0], t[2].vague_min_covering))
    print(f"fitted: w_dense={cfg.w_dense} w_coverage={cfg.w_coverage} w_gap={cfg.w_gap} w_margin={cfg.w_margin} "
          f"bias={cfg.bias}")
    print(f"thresholds: answer_at={cfg.answer_at} rival_at={cfg.rival_at} clarify_margin={cfg.clarify_margin} "
          f"outside_margin={cfg.outside_margin} "
          f"clarify_at={cfg.clarify_at} "
          f"vague_min_covering={cfg.vague_min_covering}")
    print(f"outcomes: {counts} utility={score:.2f}")
    if args.write:
        data = {k: getattr(cfg, k) for k in ("dense_weight", "w_title", "w_agree", "w_clash", "w_dense", "w_coverage",
                                             "w_gap", "w_margin", "bias", "answer_at", "rival_at", "clarify_margin", "outside_margin", "clarify_at",
                                             "vague_min_covering", "province_boost", "max_options")}
        data = {k: float(v) if isinstance(v, (float, np.floating)) else v for k, v in data.items()}
        own_file = own_decision_file(settings.embedding_model)
        target, own = (own_file, f".{settings.embedding_model}") if own_file else (DEFAULT_FILE, "")
        adapter_file, procedure_file = f"query_adapter{own}.npz", f"procedure_decision{own}.yaml"
        data["query_adapter"] = adapter_file if adapter else ""
        if adapter:
            adapter.save(target.with_name(adapter_file))
        data["procedure_decision"] = procedure_file
        if not target.with_name(procedure_file).exists():   # a start for bench/catalogue_calibrate.py --write
            target.with_name(procedure_file).write_bytes(DEFAULT_FILE.with_name(base.procedure_decision).read_bytes())
        data["calibration"] = {"sets": {name: len(group) for name, group in sets.items()},
                               "questions": len(items), "outcomes": counts, "utility": round(score, 2)}
        header = "# Decision thresholds, written by bench/calibrate.py --write. Re-run it after large knowledge changes.\n"
        target.write_text(header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        print(f"written to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
