"""What bench/load.py measured, and what the database kept of it: the figures a run prints and whether it passed."""
from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from harness import CHANNELS, percentile

if TYPE_CHECKING:
    from cluster import Cluster
    from harness import Server
    from load import Citizen


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    turns: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    people: list[Citizen] = field(default_factory=list)
    messages: int = 0

    def conversations(self, channel: str) -> int:
        return sum(p.channel == channel for p in self.people)



@dataclass
class Stored:
    """What the database holds for the measured citizens."""
    lost: int = 0              # conversations without their rating
    duplicated: int = 0        # ratings beyond one per conversation
    ratings: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    incoming: int = 0          # stored incoming messages (one per turn expected)
    undelivered: int = 0
    integrity: str = ""


def stored(server: Server | Cluster, results: Results) -> Stored:
    ratings = dict(server.rows("SELECT citizen, count(*) FROM ratings GROUP BY citizen"))
    incoming = dict(server.rows("SELECT citizen, count(*) FROM messages WHERE direction = 'in' GROUP BY citizen"))
    out = Stored(undelivered=server.rows("SELECT count(*) FROM deliveries WHERE status = 'undelivered'")[0][0],
                 integrity=server.integrity())
    for person in results.people:
        n = ratings.get(person.key, 0)
        out.lost += n == 0
        out.duplicated += max(0, n - 1)
        out.ratings[person.channel] += n
        out.incoming += incoming.get(person.key, 0)
    return out


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.0f}"


def report(citizens: int, results: Results, wall: float, memory: dict, cpu: tuple[float, float], db: Stored,
           stop: tuple, problems: list[str]) -> bool:
    turns = sum(results.turns.values())
    print(f"\n== {citizens} citizens · {len(results.people)} conversations "
          f"({', '.join(f'{results.conversations(c)} {c}' for c in CHANNELS)}) · {turns} turns in {wall:.1f} s")
    print(f"throughput: {turns / wall:.1f} replies/s (turns answered) · {results.messages / wall:.1f} messages/s "
          f"received by citizens")
    print(f"{'latency ms':<12}{'turns':>7}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}")
    everything = [x for c in CHANNELS for x in results.latencies[c]]
    for name, values in [*((c, results.latencies[c]) for c in CHANNELS), ("all", everything)]:
        if values:
            print(f"{name:<12}{len(values):>7}{ms(percentile(values, 50))}{ms(percentile(values, 95))}"
                  f"{ms(percentile(values, 99))}{ms(max(values))}")
    errors = sum(results.errors.values())
    print(f"errors: {errors}" + (f" {dict(results.errors)}" if errors else "") + f" · server log errors: {len(problems)}")
    for line in problems[:5]:
        print("   ", line[:200])
    print(f"CPU during the run: server {cpu[0]:.1f} s ({cpu[0] / wall:.2f} cores, {cpu[0] / turns * 1000:.0f} ms a turn), this script with the fake APIs "
          f"{cpu[1]:.1f} s ({cpu[1] / wall:.2f} cores), {len(os.sched_getaffinity(0))} cores in all")
    print(f"server memory: {memory['before']:.0f} MiB resident after warm-up → {memory['after']:.0f} MiB after the run "
          f"({memory['after'] - memory['before']:+.0f} MiB), peak {memory['peak']:.0f} MiB")
    print(f"ratings: expected {len(results.people)}, found {sum(db.ratings.values())} "
          f"({' · '.join(f'{c} {db.ratings[c]}/{results.conversations(c)}' for c in CHANNELS)}); "
          f"lost {db.lost}, duplicated {db.duplicated}")
    print(f"stored incoming messages: expected {turns}, found {db.incoming} · undelivered replies {db.undelivered} · "
          f"integrity_check {db.integrity}")
    code, seconds = stop
    print(f"shutdown: SIGTERM → exit {code} in {seconds:.1f} s")
    return (not errors and not problems and not db.lost and not db.duplicated and db.incoming == turns
            and not db.undelivered and db.integrity in ("ok", "n/a (PostgreSQL)") and code == 0)
