"""Where a turn's time goes inside `Dialogue.handle`: embedding, the rest of retrieval, SQLite, rendering.

The same conversations as bench/load.py (question, question, rating, sometimes a reason), driven straight
into the engine in one thread with no HTTP and no concurrency. The parts are timed with the wall clock by
wrapping them on the running objects (no profiler slowing Python more than C), then one run under cProfile
lists the functions with the most time of their own.

    python bench/turn_profile.py [--conversations 60] [--index-dir var/index] [--remembered 0]
"""
from __future__ import annotations

import argparse
import cProfile
import functools
import json
import os
import pstats
import random
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import bot.dialogue.asking  # noqa: E402
import bot.dialogue.browse  # noqa: E402
from bot.core.messages import Incoming, Reply  # noqa: E402
from bot.dialogue import Dialogue  # noqa: E402
from handlers.runtime.services import (
    open_services,
    shared_embedder,  # noqa: E402
)
from handlers.runtime.settings import Settings  # noqa: E402

QUESTION_FILE = REPO / "bench" / "citizen_set.jsonl"
READS = {"recent_messages", "message", "load_session", "address", "ratings", "unmet_needs", "deliveries"}


class Clocks:
    """Wall time and calls per part; a part called inside another timed part is counted once, outermost."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._depth = threading.local()

    def wrap(self, owner: Any, name: str, part: str) -> None:
        original = getattr(owner, name)

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            outer = getattr(self._depth, part, 0) == 0
            setattr(self._depth, part, getattr(self._depth, part, 0) + 1)
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                setattr(self._depth, part, getattr(self._depth, part) - 1)
                if outer:
                    self.seconds[part] += time.perf_counter() - started
                    self.calls[part] += 1
        setattr(owner, name, timed)

    def reset(self) -> None:
        self.seconds.clear()
        self.calls.clear()


def instrument(dialogue: Dialogue, embedder: object, clocks: Clocks) -> None:
    clocks.wrap(dialogue, "handle", "turn")
    clocks.wrap(dialogue.knowledge(), "ask", "retrieval")
    clocks.wrap(embedder, "embed_queries", "embedding")  # the one embedder the answerer shares
    storage = dialogue.storage
    for name in dir(type(storage)):
        if not name.startswith("_") and callable(getattr(storage, name)) and name not in ("migrate",):
            clocks.wrap(storage, name, "storage reads" if name in READS else "storage writes")
    for module in (bot.dialogue.asking, bot.dialogue.browse):   # the parts that render answers and entries
        for name in ("answer_replies", "entry_replies"):
            if hasattr(module, name):
                clocks.wrap(module, name, "rendering")
    for module in list(sys.modules.values()):   # every part of the dialogue that redacts
        if module and module.__name__.startswith("bot.dialogue.") and hasattr(module, "redact"):
            clocks.wrap(module, "redact", "redaction")


def payload(replies: list[Reply], prefix: str, suffix: str) -> str | None:
    found = [b.payload for r in replies for b in r.buttons if b.payload and b.payload.startswith(prefix)
             and b.payload.endswith(suffix)]
    return found[-1] if found else None


def answered_questions(dialogue: Dialogue, wanted: int, seed: int) -> list[str]:
    rows = [json.loads(line) for line in QUESTION_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
    candidates = [r["q"] for r in rows if r["entries"]]
    random.Random(seed).shuffle(candidates)
    picked = []
    for i, q in enumerate(candidates):
        if len(picked) == wanted:
            break
        if payload(dialogue.handle(Incoming("web", f"probe-{i}", text=q)), "rate:", ":up"):
            picked.append(q)
    return picked


def conversations(dialogue: Dialogue, questions: list[str], count: int, tag: str) -> list[float]:
    """Run `count` conversations; seconds per turn."""
    took: list[float] = []

    def turn(user: str, **what: str) -> list[Reply]:
        t = time.perf_counter()
        replies = dialogue.handle(Incoming("web", user, message_id=f"{user}-{len(took)}", **what))
        took.append(time.perf_counter() - t)
        return replies

    for c in range(count):
        user = f"{tag}-{c}"
        value = "up" if c % 2 == 0 else "down"
        turn(user, text=questions[c % len(questions)])
        rate = payload(turn(user, text=questions[(7 * c + 3) % len(questions)]), "rate:", ":" + value)
        shown = turn(user, payload=rate)
        if value == "down":
            turn(user, payload=payload(shown, "why:", ":unclear"))
    return took


def commit_cost(folder: Path, n: int = 200) -> float:
    """Seconds one small write transaction costs on this disk, in the same journal mode as the bot's."""
    db = sqlite3.connect(folder / "commit-probe.db")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE t (x)")
    started = time.perf_counter()
    for i in range(n):
        with db:
            db.execute("INSERT INTO t VALUES (?)", (i,))
    seconds = (time.perf_counter() - started) / n
    db.close()
    return seconds


def print_split(clocks: Clocks, turns: int) -> None:
    per = 1000 / turns
    total = clocks.seconds["turn"]
    parts = ["embedding", "retrieval", "storage writes", "storage reads", "rendering", "redaction"]
    notes = {"embedding": "the query through the bundled model",
             "retrieval": "normalising, BM25, fusion, decision (embedding excluded)",
             "storage writes": f"{clocks.calls['storage writes'] / turns:.1f} calls per turn, committed once (one transaction per turn)",
             "storage reads": f"{clocks.calls['storage reads'] / turns:.1f} calls per turn"}
    seconds = dict(clocks.seconds)
    seconds["retrieval"] -= seconds.get("embedding", 0.0)
    rest = total - sum(seconds.get(p, 0.0) for p in parts)
    print(f"{'part':<18}{'ms/turn':>9}{'share':>8}")
    for part in [*parts, "rest"]:
        s = rest if part == "rest" else seconds.get(part, 0.0)
        print(f"{part:<18}{s * per:9.2f}{100 * s / total:7.1f} %  {notes.get(part, '')}")
    print(f"{'total':<18}{total * per:9.2f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--conversations", type=int, default=60)
    ap.add_argument("--questions", type=int, default=12)
    ap.add_argument("--index-dir", type=Path, default=REPO / "var" / "index")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--remembered", type=int, default=0,
                    help="question vectors the engine remembers (default 0: every question embedded, as if new)")
    args = ap.parse_args()
    one, five, _ = os.getloadavg()
    omp = {k: os.environ[k] for k in ("OMP_NUM_THREADS", "OMP_WAIT_POLICY") if k in os.environ}
    print(f"machine: {len(os.sched_getaffinity(0))} cores, load average {one:.1f} / {five:.1f} (1 / 5 min) {omp or ''}")
    with tempfile.TemporaryDirectory(prefix="dvcbot-profile-") as tmp:
        settings = Settings(knowledge_dir=REPO / "knowledge", data_dir=Path(tmp), index_dir=args.index_dir,
                            database=Path(tmp) / "dvcbot.db", secret="profile", remembered_questions=args.remembered)
        dialogue = open_services(settings).dialogue
        questions = answered_questions(dialogue, args.questions, args.seed)
        clocks = Clocks()
        instrument(dialogue, shared_embedder(settings.embedding_model), clocks)
        took = conversations(dialogue, questions, args.conversations, "timed")
        print(f"{len(took)} turns in one thread: mean {statistics.mean(took) * 1000:.1f} ms, "
              f"p50 {statistics.median(took) * 1000:.1f} ms, p95 {statistics.quantiles(took, n=20)[-1] * 1000:.1f} ms "
              f"per turn → at most {1 / statistics.mean(took):.0f} turns/s for one engine thread\n")
        print_split(clocks, len(took))
        print(f"\none write transaction on this disk (WAL, synchronous=FULL): {commit_cost(Path(tmp)) * 1000:.2f} ms")
        profiler = cProfile.Profile()
        profiler.enable()
        conversations(dialogue, questions, args.conversations, "profiled")
        profiler.disable()
        print("\nunder cProfile, the functions with the most time of their own:")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(8)
    return 0


if __name__ == "__main__":
    sys.exit(main())
