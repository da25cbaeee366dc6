"""Recall of bot.privacy.redact on the labelled privacy corpus, and what it wrongly removes.

For each category of personal data: how many labelled pieces disappeared. For each kind of useful text
(dates, money, dossier and procedure codes, …): how many survived untouched; the rest are false
positives. Every miss is printed with the redacted message so it can be fixed.

    python bench/privacy.py [--corpus tests/data/privacy_corpus.jsonl]
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's code, not an installed copy

from bot.privacy.redact import redact  # noqa: E402
from tests.privacy_corpus import CORPUS, kept, leaked, load_corpus  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    args = ap.parse_args()
    corpus = load_corpus(args.corpus)

    started = time.perf_counter()
    redacted = {row.id: redact(row.text) for row in corpus}
    ms = (time.perf_counter() - started) * 1000 / len(corpus)

    found, total = defaultdict(int), defaultdict(int)
    survived, keeps = defaultdict(int), defaultdict(int)
    misses, false_positives = [], []
    for row in corpus:
        out = redacted[row.id]
        for category, secret in row.secrets:
            total[category] += 1
            pieces = leaked(row.text, secret, out)
            if pieces:
                misses.append((row, category, pieces, out))
            else:
                found[category] += 1
        for category, text in row.keep:
            keeps[category] += 1
            if kept(text, out):
                survived[category] += 1
            else:
                false_positives.append((row, category, text, out))

    print(f"{len(corpus)} messages, {sum(total.values())} pieces of personal data, {sum(keeps.values())} texts "
          f"to keep; redact() {ms:.3f} ms per message\n")
    print(f"{'personal data':16s} {'found':>6s} {'of':>4s} {'recall':>7s}")
    for category in sorted(total):
        print(f"{category:16s} {found[category]:6d} {total[category]:4d} {found[category] / total[category]:7.1%}")
    all_found, all_total = sum(found.values()), sum(total.values())
    print(f"{'all':16s} {all_found:6d} {all_total:4d} {all_found / all_total:7.1%}\n")
    print(f"{'kept text':16s} {'kept':>6s} {'of':>4s} {'false positives':>16s}")
    for category in sorted(keeps):
        print(f"{category:16s} {survived[category]:6d} {keeps[category]:4d} {keeps[category] - survived[category]:16d}")
    for row, category, pieces, out in misses:
        print(f"\nMISSED {category} in {row.id}: {pieces}\n  {row.text!r}\n→ {out!r}")
    for row, category, text, out in false_positives:
        print(f"\nFALSE POSITIVE {category} in {row.id}: {text!r}\n  {row.text!r}\n→ {out!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
