"""How often the question splitter cuts a labelled single question (bench/citizen_set.jsonl, tuning split only).

Every labelled question there is one question about one entry, so every split is a wrong split. The held-out
split is never read here.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from bot.reading.split_questions import split_questions

SET = Path(__file__).with_name("citizen_set.jsonl")


def main() -> int:
    rows = [json.loads(line) for line in SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    tune = [r for r in rows if r.get("split") == "tune"]
    wrong = [(r["id"], r["q"], split_questions(r["q"])) for r in tune]
    wrong = [w for w in wrong if w[2]]
    for rid, q, pieces in wrong:
        print(f"{rid}: {q}\n    → " + " | ".join(p.text for p in pieces))
    print(f"split wrongly: {len(wrong)} of {len(tune)} single questions (tuning split)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
