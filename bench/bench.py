"""Print the figures every change should be judged by.

Index build time, model + index load time, per-question latency p50/p95, peak
RSS with the bundled model, and top-1 accuracy for lexical-only, dense-only and
hybrid retrieval on ../shared/eval/dev.jsonl (keyword check, as the eval does)
and on bench/calibration.jsonl (entry ids); then end-to-end decisions on
bench/holdout.jsonl, questions kept out of calibration.

    python bench/bench.py [--dev ../shared/eval/dev.jsonl]
"""
from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bot.answerer import Answerer
from bot.render import entry_text
from bot.settings import Settings
from handlers.app import shared_embedder
from indexer.build import build_index
from indexer.embedder import model_id_for
from indexer.store import load_snapshot
from indexer.vntext import fold

HERE = Path(__file__).parent
MODES = {"lexical-only": (False, True), "dense-only": (True, False), "hybrid": (True, True)}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dev", default=str(HERE.parent.parent / "shared" / "eval" / "dev.jsonl"))
    args = ap.parse_args()
    settings = Settings.from_env()

    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        report = build_index(settings.knowledge_dir, Path(tmp) / "index", settings.embedding_model, shared_embedder,
                             progress=False)
        build_s = time.perf_counter() - t
        shared_embedder.cache_clear()

        t = time.perf_counter()
        embedder = shared_embedder(settings.embedding_model)
        model_s = time.perf_counter() - t
        t = time.perf_counter()
        snapshot = load_snapshot(Path(tmp) / "index", model_id_for(settings.embedding_model))
        answerer = Answerer.load(snapshot, embedder)
        index_s = time.perf_counter() - t

    cold = [sys.executable, "-m", "handlers.cli", "ask", "--json", "vneid mức 2"]
    subprocess.run(cold, capture_output=True, check=True)  # builds the live index if it is missing
    t = time.perf_counter()
    subprocess.run(cold, capture_output=True, check=True)
    cold_s = time.perf_counter() - t

    dev = [json.loads(line) for line in open(args.dev, encoding="utf-8") if line.strip()]
    calib = [json.loads(line) for line in open(HERE / "calibration.jsonl", encoding="utf-8") if line.strip()]
    questions = [d["q"] for d in dev] + [c["q"] for c in calib]
    answerer.ask("khởi động")  # first call warms caches
    latencies = []
    for q in questions:
        t = time.perf_counter()
        answerer.ask(q)
        latencies.append((time.perf_counter() - t) * 1000)

    print(f"index build ({report.entries} entries, all embedded): {build_s:.1f} s")
    print(f"load: model {model_s:.2f} s + index {index_s:.2f} s = {model_s + index_s:.2f} s")
    print(f"cold start of 'dvcbot ask' (new process, imports, load, one answer): {cold_s:.2f} s")
    print(f"latency per question (n={len(latencies)}): p50 {statistics.median(latencies):.1f} ms, "
          f"p95 {percentile(latencies, 0.95):.1f} ms, max {max(latencies):.1f} ms")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")

    in_scope = [d for d in dev if not d.get("oos")]
    labelled = [c for c in calib if c["entry"] not in (None, "?")]  # "?" marks vague questions
    print(f"\ntop-1 accuracy       dev ({len(in_scope)}, keywords)   calibration ({len(labelled)}, ids)")
    for mode, (use_dense, use_lexical) in MODES.items():
        dev_hits = 0
        for d in in_scope:
            ranked = answerer.rank(answerer.normalizer.normalize(d["q"]), use_dense, use_lexical)
            text = fold(entry_text(answerer.entries[ranked[0].entry_id])) if ranked else ""
            dev_hits += all(any(fold(k) in text for k in group) for group in d["must"])
        cal_hits = sum(
            (r := answerer.rank(answerer.normalizer.normalize(c["q"]), use_dense, use_lexical)) != []
            and r[0].entry_id == c["entry"] for c in labelled)
        print(f"  {mode:14s}     {dev_hits / len(in_scope):.3f}                 {cal_hits / len(labelled):.3f}")

    holdout = [json.loads(line) for line in open(HERE / "holdout.jsonl", encoding="utf-8") if line.strip()]
    outcomes: dict[str, int] = {}
    for h in holdout:
        a = answerer.ask(h["q"])
        if h["entry"] is None:
            key = "oos rejected" if not a.matched else "oos answered"
        elif a.matched:
            key = "right" if a.entry.id == h["entry"] else "wrong"
        else:
            key = "clarify with right option" if h["entry"] in {e.id for e in a.options} else "not answered"
        outcomes[key] = outcomes.get(key, 0) + 1
    print(f"\nheld-out decisions ({len(holdout)}):", ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
