"""How well the bot finds the national procedure a citizen describes (bench/catalogue_set.jsonl).

Per split it prints: right procedure answered, right procedure among the options, wrong procedure
answered, no answer — and of the no answers, how many got one of our guides that is not about the
procedure asked (a guide that declares no procedure: the citizen read an answer, but not theirs);
and for the questions that are not procedure look-ups, how many were answered with a procedure. The diacritics pairs (the same question with and without marks) are compared.
The holdout third is never for tuning: `--show` refuses to list its misses.

    .venv/bin/python bench/catalogue_bench.py [--split tune|holdout|all] [--show tune]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

from bot.retrieval.answerer import Answerer  # noqa: E402
from bot.retrieval.answers import Answer  # noqa: E402
from bot.retrieval.decision import Kind  # noqa: E402

SET = HERE / "catalogue_set.jsonl"
OUTCOMES = ("right", "offered", "wrong", "no_answer")


def load(path: Path = SET) -> list[dict]:
    return [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]


def procedures_of(answer: Answer) -> tuple[set[str], set[str]]:
    """Codes of the answer given, and codes among the options offered."""
    given = set(answer.entry.procedures) if answer.kind == Kind.ANSWER.value and answer.entry else set()
    offered = {c for e in answer.options for c in e.procedures} if answer.kind == Kind.CLARIFY.value else set()
    return given, offered


def outcome(item: dict, answer: Answer) -> str:
    given, offered = procedures_of(answer)
    if item["kind"] != "procedure":
        return "answered" if given else ("offered" if offered else "not_answered")
    codes = set(item["codes"])
    if given:
        return "right" if given & codes else "wrong"
    if offered & codes:
        return "offered"
    return "no_answer"


def measure(answerer: Answerer, items: list[dict]) -> list[tuple[dict, str, Answer]]:
    return [(item, outcome(item, a), a) for item in items for a in [answerer.ask(item["q"])]]


def report(rows: list[tuple[dict, str, Answer]], name: str) -> dict:
    proc = [r for r in rows if r[0]["kind"] == "procedure"]
    other = [r for r in rows if r[0]["kind"] != "procedure"]
    c = Counter(o for _, o, _ in proc)
    n = max(len(proc), 1)
    guides = sum(o == "no_answer" and a.kind == Kind.ANSWER.value and a.entry is not None for _, o, a in proc)
    line = (f"{name:10s} procedures {len(proc):4d}: right {c['right']:4d} ({c['right'] / n:6.1%})  "
            f"right or offered {c['right'] + c['offered']:4d} ({(c['right'] + c['offered']) / n:6.1%})  "
            f"wrong {c['wrong']:3d} ({c['wrong'] / n:5.1%})  no answer {c['no_answer']:3d} (a guide not about it "
            f"{guides})")
    o = Counter(x for _, x, _ in other)
    line += f" | not procedures {len(other):3d}: answered {o['answered']:2d} ({o['answered'] / max(len(other), 1):5.1%})" \
            f", offered {o['offered']:2d}"
    print(line)
    pairs: dict[str, dict[str, str]] = {}
    for item, out, _ in proc:
        if item.get("pair"):
            marked = "nodiac" not in item["register"]
            pairs.setdefault(item["pair"], {})["diac" if marked else "nodiac"] = out
    both = [p for p in pairs.values() if len(p) == 2]
    if both:
        d = sum(p["diac"] == "right" for p in both) / len(both)
        u = sum(p["nodiac"] == "right" for p in both) / len(both)
        print(f"{'':10s} diacritics pairs {len(both)}: right with marks {d:.1%}, without {u:.1%} (gap {d - u:+.1%})")
    return {"right": c["right"] / n, "offered": (c["right"] + c["offered"]) / n, "wrong": c["wrong"] / n,
            "guide_instead": guides / n,
            "other_answered": o["answered"] / max(len(other), 1)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="all", choices=["tune", "holdout", "all"])
    ap.add_argument("--show", choices=["tune"], help="list what went wrong on the tuning split")
    args = ap.parse_args()
    from handlers.runtime.services import open_answerer
    from handlers.runtime.settings import Settings

    answerer = open_answerer(Settings.from_env())
    items = load()
    splits = ["tune", "holdout"] if args.split == "all" else [args.split]
    started = time.perf_counter()
    for split in splits:
        rows = measure(answerer, [i for i in items if i["split"] == split])
        report(rows, split)
        if args.show == split:
            for item, out, a in rows:
                if out in ("wrong", "no_answer", "answered", "offered") and not (out == "offered" and
                                                                                item["kind"] == "procedure"):
                    given, offered = procedures_of(a)
                    print(f"  {out:9s} {item['id']} {item['q']!r} want {item['codes'][:3]} got "
                          f"{sorted(given) or sorted(offered)[:4]} {a.entry.title[:60] if a.entry else ''}")
    print(f"({len(items)} questions, {time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
