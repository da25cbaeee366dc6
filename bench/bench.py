"""Print the figures every change should be judged by.

Index build time, model + index load time, per-question latency p50/p95, peak
RSS with the bundled model, top-1 accuracy for lexical-only, dense-only and
hybrid retrieval on ../shared/eval/dev.jsonl (keyword check, as the eval does)
and bench/calibration.jsonl (entry ids); then end-to-end decisions per set:
right answers, right entry offered in "Ý bạn là…?", wrong confident answers,
and out-of-scope questions answered. bench/holdout.jsonl, the citizen
holdout and the validation check half are never used for tuning, and their
questions are never listed; `--skip-holdout` leaves the citizen holdout
out while working on the pipeline.

    python bench/bench.py [--dev ../shared/eval/dev.jsonl] [--skip-holdout] [--show citizen-tune] [--quick]
"""
from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import labelled
from catalogue_bench import load as load_catalogue_set

from bot.retrieval.answerer import Answerer
from handlers.runtime.services import building_embedder, decision_file, open_answerer, shared_embedder
from handlers.runtime.settings import Settings
from indexer.build import build_index
from indexer.embedder import model_id_for, quiet_blas
from indexer.store import load_snapshot

HERE = Path(__file__).parent
MODES = {"lexical-only": (False, True), "dense-only": (True, False), "hybrid": (True, True)}
CITIZEN = HERE / "citizen_set.jsonl"
VALIDATION = HERE / "validation.jsonl"
FRESH = HERE / "fresh_set.jsonl"
FRESH2 = HERE / "fresh2_set.jsonl"
HOLDOUT = "citizen-holdout"
CHECK = "validation-check"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def labelled_sets(dev: Path, skip_holdout: bool) -> dict[str, list[labelled.Item]]:
    found = {"dev": labelled.dev(dev), "calibration": labelled.single_label(HERE / "calibration.jsonl"),
             "holdout (old)": labelled.single_label(HERE / "holdout.jsonl")}
    found["citizen-tune"] = labelled.citizen(CITIZEN, "tune")
    found["validation-tune"] = labelled.citizen(VALIDATION, "tune")
    found["fresh-tune"] = labelled.citizen(FRESH, "tune")
    found["fresh2-tune"] = labelled.citizen(FRESH2, "tune")
    found[CHECK] = labelled.citizen(VALIDATION, "check")
    if not skip_holdout:
        found[HOLDOUT] = labelled.citizen(CITIZEN, "holdout")
    return found


def decision_table(answerer: Answerer, groups: dict[str, list[labelled.Item]], show: str | None) -> None:
    print(f"\n{'decisions':16s} {'in-scope':>8s} {'right':>12s} {'offered (1st right)':>19s} {'wrong':>11s} {'no answer':>9s}"
          f" {'oos':>5s} {'oos answered':>13s} {'oos → procedure':>16s}")
    for name, items in groups.items():
        counts: dict[str, int] = {}
        for item in items:
            a = answerer.ask(item.q)
            o = labelled.outcome(item, a.kind, a.entry, a.options)
            counts[o] = counts.get(o, 0) + 1
            if o == "offered" and item.accepts(a.options[0]):   # asked back though its first guess was right
                counts["offered_first"] = counts.get("offered_first", 0) + 1
            if name == show and o not in ("right", "oos_rejected", "vague_clarified"):
                picked = a.entry.id if a.entry else ",".join(e.id for e in a.options)
                print(f"  {o:13s} {item.q!r} → {picked or '-'} (want {','.join(sorted(item.entries)) or 'none'})")
        n_in = sum(1 for i in items if not i.oos and not i.vague)
        n_oos = sum(1 for i in items if i.oos)

        def pct(key: str, n: int) -> str:
            return f"{counts.get(key, 0):3d} ({counts.get(key, 0) / n:5.1%})" if n else "  -"
        vague = sum(1 for i in items if i.vague)
        extra = f"   vague: {counts.get('vague_clarified', 0)}/{vague} clarified" if vague else ""
        offered = f"{counts.get('offered', 0)} ({counts.get('offered_first', 0)})"
        print(f"{name:16s} {n_in:8d} {pct('right', n_in):>12s} {offered:>19s} {pct('wrong', n_in):>11s}"
              f" {counts.get('miss', 0) + counts.get('clarify_miss', 0):9d} {n_oos:5d} {pct('oos_answered', n_oos):>13s}"
              f" {counts.get('oos_procedure', 0):8d} ({counts.get('oos_procedure_offered', 0)} opt)" + extra)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dev", default=str(HERE.parent.parent / "shared" / "eval" / "dev.jsonl"))
    ap.add_argument("--skip-holdout", action="store_true", help="leave the citizen holdout out (while tuning)")
    ap.add_argument("--show", help="list the questions of this set not answered right (never a set kept for reporting)")
    ap.add_argument("--quick", action="store_true", help="decisions only, on the live index (no timings)")
    args = ap.parse_args()
    if args.show in (HOLDOUT, CHECK):
        ap.error(f"{args.show} is for reporting only: read its figures, not its questions")
    settings = Settings.from_env()
    if args.quick:
        decision_table(open_answerer(settings), labelled_sets(Path(args.dev), args.skip_holdout), args.show)
        return 0

    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        report = build_index(settings.knowledge_dir, Path(tmp) / "index", settings.embedding_model, building_embedder,
                             progress=False)
        build_s = time.perf_counter() - t
        shared_embedder.cache_clear()

        t = time.perf_counter()
        embedder = shared_embedder(settings.embedding_model)
        model_s = time.perf_counter() - t
        t = time.perf_counter()
        snapshot = load_snapshot(Path(tmp) / "index", model_id_for(settings.embedding_model))
        answerer = Answerer.load(snapshot, embedder, decision_file(settings))
        index_s = time.perf_counter() - t
        quiet_blas()  # as the serving process does

    cold = [sys.executable, "-m", "handlers.app.cli", "ask", "--json", "vneid mức 2"]
    subprocess.run(cold, capture_output=True, check=True)  # builds the live index if it is missing
    t = time.perf_counter()
    subprocess.run(cold, capture_output=True, check=True)
    cold_s = time.perf_counter() - t

    groups = labelled_sets(Path(args.dev), args.skip_holdout)
    questions = [i.q for name in ("dev", "calibration", "citizen-tune") for i in groups.get(name, [])]
    questions += [d["q"] for d in load_catalogue_set() if d["split"] == "tune"]  # most reach the catalogue tier
    answerer.ask("khởi động")  # first call warms caches
    latencies = []
    for q in questions:
        t = time.perf_counter()
        answerer.ask(q)
        latencies.append((time.perf_counter() - t) * 1000)

    print(f"index build ({report.entries} entries, all embedded; {report.procedures} catalogue records, "
          f"{report.procedure_texts_embedded} of their texts embedded, the rest from the shipped vectors): {build_s:.1f} s")
    print(f"load: model {model_s:.2f} s + index {index_s:.2f} s = {model_s + index_s:.2f} s")
    print(f"cold start of 'dvcbot ask' (new process, imports, load, one answer): {cold_s:.2f} s")
    print(f"latency per question (n={len(latencies)}): p50 {statistics.median(latencies):.1f} ms, "
          f"p95 {percentile(latencies, 0.95):.1f} ms, max {max(latencies):.1f} ms")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")

    top1 = {name: [i for i in groups[name] if not i.oos and not i.vague] for name in ("dev", "calibration")}
    print(f"\ntop-1 accuracy       dev ({len(top1['dev'])}, keywords)   calibration ({len(top1['calibration'])}, ids)")
    for mode, (use_dense, use_lexical) in MODES.items():
        rates = []
        for items in top1.values():
            hits = 0
            for item in items:
                ranked = answerer.rank(answerer.normalizer.normalize(item.q), use_dense, use_lexical)
                hits += bool(ranked) and item.accepts(answerer.entries[ranked[0].entry_id])
            rates.append(hits / len(items))
        print(f"  {mode:14s}     {rates[0]:.3f}                 {rates[1]:.3f}")

    decision_table(answerer, groups, args.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
