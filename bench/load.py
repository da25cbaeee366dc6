"""Load: N simulated citizens at once on the web chat, the Telegram webhook and the Zalo webhook.

The real server (`dvcbot serve`, a child process with its own SQLite file) talks to fake Telegram and Zalo
APIs on 127.0.0.1. Each citizen works through conversations one after another, with no pause between turns:
a first question, a second question, then a rating of the second answer (every other conversation rates
👎 and picks a reason). Conversations take turns across the three channels.

A turn's latency is, on the web, the request's round trip; on Telegram and Zalo, from posting the webhook
until the fake API has received the turn's last message. Throughput counts turns answered (replies) per
second. Afterwards the database is read: every conversation must have left exactly one rating and every
turn exactly one stored message. Every figure depends on the machine: say how loaded it was.

The server remembers the vectors of questions it has embedded, so only a question's first asking pays for
the embedding (most of a turn's CPU). The expected replies are learned on a separate server, the measured
one starts with nothing remembered, and the report says how many questions it embedded: `--questions`
sets how many distinct questions the citizens ask.

    python bench/load.py --citizens 8 32 200 --conversations 200

With `--postgres --workers 1,2,4` each run starts a throwaway PostgreSQL (bench/pg_test_server.sh), that many
real workers sharing it and one Caddy in front (bench/cluster.py, the settings of deploy/Caddyfile); citizens
talk to Caddy only. Before measuring, every worker is asked each question once (the vectors are remembered,
DVCBOT_REMEMBERED_QUESTIONS), so the figures are about sharing the database, not about the embedding model.

    python bench/load.py --postgres --workers 1,2,4 --citizens 16 --conversations 200
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import random
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from cluster import Cluster, TwinDeliveries, caddy_binary
from harness import (
    CHANNELS,
    DEFAULT_INDEX,
    REPO,
    SECRET,
    Fakes,
    Platforms,
    Server,
    expected_messages,
    machine_note,
    replies_from_json,
    session,
    telegram_update,
    zalo_event,
)
from load_report import Results, report, stored
from tqdm import tqdm

from bot.core.messages import Reply
from bot.privacy.identity import user_key

QUESTION_FILE = REPO / "bench" / "citizen_set.jsonl"
_update_ids = itertools.count(1_000_000)


class TurnFailed(Exception):
    pass


@dataclass
class Script:
    """What each turn looks like, learned once on the web chat (the engine is the same on every channel)."""
    first: dict[str, list[Reply]] = field(default_factory=dict)   # question → replies on first contact
    again: dict[str, list[Reply]] = field(default_factory=dict)   # question → replies later on
    rated: dict[str, list[Reply]] = field(default_factory=dict)   # "up" / "down" → replies to the press
    reason: list[Reply] = field(default_factory=list)             # replies to a 👎 reason
    after: dict[tuple[str, str], list[Reply]] = field(default_factory=dict)  # (first, second) → second's replies

    @property
    def questions(self) -> list[str]:
        return list(self.first)


def rate_payload(payloads: list[str], value: str) -> str | None:
    return next((p for p in reversed(payloads) if p.startswith("rate:") and p.endswith(":" + value)), None)


def payloads_of(replies: list[Reply]) -> list[str]:
    return [b.payload for r in replies for b in r.buttons if b.payload]


async def learn_script(platforms: Platforms, wanted: int, seed: int) -> Script:
    """Questions from the citizen set that get a direct answer (with a rating prompt), and each turn's replies."""
    rows = [json.loads(line) for line in QUESTION_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
    candidates = [r["q"] for r in rows if r["entries"]]
    random.Random(seed).shuffle(candidates)
    script = Script()
    for i, question in enumerate(candidates):
        if len(script.first) >= wanted:
            break
        user = f"warm-{seed}-{i}"
        _, first = await platforms.web(user, f"{user}-1", question)
        _, again = await platforms.web(user, f"{user}-2", question)
        first, again = replies_from_json(first), replies_from_json(again)
        payload = rate_payload(payloads_of(again), "down")
        if not (rate_payload(payloads_of(first), "up") and payload):
            continue  # asked back or not known: not a turn every channel can finish the same way
        script.first[question], script.again[question] = first, again
        if not script.rated:
            _, down = await platforms.web(user, f"{user}-3", payload=payload)
            down = replies_from_json(down)
            why = next(p for p in payloads_of(down) if p.startswith("why:") and p.endswith(":unclear"))
            _, reason = await platforms.web(user, f"{user}-4", payload=why)
            _, up = await platforms.web(user, f"{user}-5", payload=payload[:-len("down")] + "up")
            script.rated = {"down": down, "up": replies_from_json(up)}
            script.reason = replies_from_json(reason)
    if len(script.first) < wanted:
        raise SystemExit(f"only {len(script.first)} questions of the citizen set get a direct answer")
    # a second question after a different first one is answered in the light of it: learn each pair asked
    for c in range(wanted):
        first, second = pair(script.questions, c)
        user = f"pair-{seed}-{c}"
        await platforms.web(user, f"{user}-1", first)
        _, after = await platforms.web(user, f"{user}-2", second)
        script.after[first, second] = replies_from_json(after)
    return script


def pair(questions: list[str], c: int) -> tuple[str, str]:
    """The first and second question of conversation c."""
    return questions[c % len(questions)], questions[(7 * c + 3) % len(questions)]


class Citizen:
    """One simulated person on one channel; `turn` sends a message or a press and waits for the whole answer."""

    def __init__(self, channel: str, n: int, platforms: Platforms, fakes: Fakes, results: Results,
                 timeout: float) -> None:
        self.channel, self.platforms, self.results, self.timeout = channel, platforms, results, timeout
        self.inbox = fakes.inbox.get(channel)
        self.user = {"web": f"citizen-{n}", "telegram": str(700_000_000 + n), "zalo": str(8_100_000_000_000 + n)}[channel]
        self.turns = 0
        self.expected_messages = 0
        results.people.append(self)

    @property
    def key(self) -> str:
        """The user key the server stores for this citizen (the bench knows DVCBOT_SECRET); on the web the
        conversation's id from its cookie, not the page's `user`."""
        user = self.platforms.web_conversation(self.user) if self.channel == "web" else self.user
        return user_key(SECRET.encode(), self.channel, user)

    async def turn(self, expect: list[Reply], text: str | None = None, payload: str | None = None) -> list[str]:
        """The payloads of the buttons the citizen now sees."""
        self.turns += 1
        self.results.turns[self.channel] += 1
        start = time.monotonic()
        if self.channel == "web":
            status, data = await self.platforms.web(self.user, f"{self.user}-{self.turns}", text, payload)
            if status != 200:
                raise TurnFailed(f"http-{status}")
            replies = replies_from_json(data)
            if len(replies) != len(expect):
                raise TurnFailed(f"wrong-reply-count-turn-{self.turns}")
            self.results.latencies["web"].append(time.monotonic() - start)
            self.results.messages += len(replies)
            return payloads_of(replies)
        before, count = self.expected_messages, expected_messages(self.channel, expect)
        self.expected_messages += count
        if self.channel == "telegram":
            status = await self.platforms.telegram(telegram_update(next(_update_ids), int(self.user), text, payload))
        else:
            status = await self.platforms.zalo(zalo_event(self.user, f"m-{self.user}-{self.turns}",
                                                          text if payload is None else f"#dvc:{payload}"))
        if status != 200:
            raise TurnFailed(f"http-{status}")
        if not await self.inbox.wait(self.user, before + count, self.timeout):
            raise TurnFailed("timeout")
        got = self.inbox.got[self.user][before:before + count]
        self.results.latencies[self.channel].append(got[-1].at - start)
        self.results.messages += count
        return [p for m in got for p in m.payloads]

    async def converse(self, script: Script, c: int) -> None:
        first, second = pair(script.questions, c)
        value = "up" if c % 2 == 0 else "down"
        await self.turn(script.first[first], text=first)
        rate = rate_payload(await self.turn(script.after[first, second], text=second), value)
        if rate is None:
            raise TurnFailed("no-rating-button")
        shown = await self.turn(script.rated[value], payload=rate)
        if value == "down":
            why = next((p for p in shown if p.startswith("why:") and p.endswith(":unclear")), None)
            if why is None:
                raise TurnFailed("no-reason-button")
            await self.turn(script.reason, payload=why)


async def run_load(citizens: int, conversations: int, channels: list[str], script: Script, platforms: Platforms,
                   fakes: Fakes, timeout: float, offset: int) -> tuple[Results, float]:
    results = Results()
    todo = iter(range(conversations))
    bar = tqdm(total=conversations, desc=f"{citizens} citizens", unit="conv", file=sys.stderr, leave=False)

    async def citizen() -> None:
        for c in todo:
            person = Citizen(channels[c % len(channels)], offset + c, platforms, fakes, results, timeout)
            try:
                await person.converse(script, c)
            except TurnFailed as exc:
                results.errors[f"{person.channel}:{exc}"] += 1
            except Exception as exc:  # a client-side failure is a result too, not a crash of the bench
                results.errors[f"{person.channel}:{type(exc).__name__}"] += 1
            bar.update()

    start = time.monotonic()
    await asyncio.gather(*(citizen() for _ in range(citizens)))
    bar.close()
    return results, time.monotonic() - start


async def started_server(workdir: Path, fakes: Fakes, args: argparse.Namespace, workers: int = 0) -> Server | Cluster:
    """One server on its own SQLite file, or (workers ≥ 1) that many on PostgreSQL behind Caddy."""
    # the bench's citizens all come from 127.0.0.1: the per-address limit would stop them, not the server
    if workers:
        server = Cluster(workdir, fakes, args.index_dir, workers, env=args.server_env, rate_per_ip_per_minute="0")
    else:
        server = Server(workdir, fakes, args.index_dir, rate_per_ip_per_minute="0")
        server.env.update(args.server_env)
    await server.start()
    return server


async def remember_questions(server: Cluster, script: Script, http) -> None:
    """Every worker asked every question once, straight to its port: the measured turns then reuse the vectors
    (DVCBOT_REMEMBERED_QUESTIONS) and measure the workers' sharing of the database, not the embedding model."""
    for n, worker in enumerate(server.servers):
        platforms = Platforms(worker, http)
        for i, question in enumerate(script.questions):
            await platforms.web(f"warm-{n}-{i}", f"warm-{n}-{i}-1", question)


async def learned_script(args: argparse.Namespace, workdir: Path) -> Script:
    """The turns' expected replies, learned on a server of its own: the measured server must not have seen
    the questions, or it would answer every one from the question vectors it remembers."""
    workdir.mkdir()
    async with Fakes() as fakes:
        server = await started_server(workdir, fakes, args)
        try:
            async with session(1) as http:
                return await learn_script(Platforms(server, http), args.questions, args.seed)
        finally:
            server.stop()


def reuse(server: Server | Cluster) -> str:
    """What the servers' logs say about question vectors remembered instead of embedded again (summed)."""
    asked = reused = reported = 0
    for log in server.logs():
        found = [line for line in log.splitlines() if "Câu hỏi cần vectơ" in line]
        if found:
            a, r = (int(n) for n in re.findall(r"\d+", found[-1].split("Câu hỏi cần vectơ", 1)[1])[:2])
            asked, reused, reported = asked + a, reused + r, reported + 1
    if not reported:
        return "question vectors reused: not reported"
    return (f"question vectors: {asked} questions, {reused} answered from remembered vectors "
            f"({reused / max(asked, 1):.0%}), {asked - reused} embedded")


async def one_run(citizens: int, args: argparse.Namespace, workdir: Path, workers: int = 0) -> tuple[bool, float]:
    """(nothing lost, duplicated or failed; replies/s) of one run."""
    script = await learned_script(args, workdir / "learn")
    if workers:
        print(f"\n## {workers} worker(s) on PostgreSQL behind Caddy")
    async with Fakes() as fakes:
        server = await started_server(workdir, fakes, args, workers)
        try:
            async with session(citizens) as http:
                if workers and args.remember:
                    await remember_questions(server, script, http)
                twice = workers > 1 and args.duplicates
                platforms = TwinDeliveries(server, http) if twice else Platforms(server, http)
                # one conversation per channel first: first-request costs are not what is measured
                await run_load(len(CHANNELS), len(CHANNELS), list(CHANNELS), script, platforms, fakes,
                               args.turn_timeout, 10**6)
                before, _ = server.memory_mib()
                samples = [before]

                async def sample() -> None:
                    while True:
                        await asyncio.sleep(0.5)
                        samples.append(server.memory_mib()[0])

                sampler = asyncio.create_task(sample())
                cpu = (server.cpu_seconds(), time.process_time())
                results, wall = await run_load(citizens, args.conversations, args.channels, script, platforms,
                                               fakes, args.turn_timeout, offset=0)
                sampler.cancel()
                cpu = (server.cpu_seconds() - cpu[0], time.process_time() - cpu[1])
                await asyncio.sleep(1.0)  # anything sent twice would have arrived by now
                after, peak = server.memory_mib()
                extra = sum(len(p.inbox.got[p.user]) - p.expected_messages for p in results.people if p.inbox)
                if extra:
                    results.errors["messages-not-expected"] += extra
        except BaseException:
            server.stop()
            server.close()
            raise
        stop = server.stop()
        try:  # the database is read after the servers stopped, before a throwaway PostgreSQL goes
            memory = {"before": before, "after": after, "peak": max(peak, *samples)}
            ok = report(citizens, results, wall, memory, cpu, stored(server, results), stop, server.log_problems())
            print(reuse(server))
        finally:
            server.close()
        return ok, sum(results.turns.values()) / wall


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--citizens", type=int, nargs="+", default=[8], help="simulated citizens at once (one run each)")
    ap.add_argument("--conversations", type=int, default=200, help="conversations per run")
    ap.add_argument("--channels", nargs="+", choices=CHANNELS, default=list(CHANNELS),
                    help="channels the conversations take turns on (default: all three)")
    ap.add_argument("--questions", type=int, default=12,
                    help="distinct questions the citizens ask (the server remembers the vectors of questions "
                         "asked before: more distinct questions, more embedding)")
    ap.add_argument("--turn-timeout", type=float, default=120.0, help="seconds before a turn counts as failed")
    ap.add_argument("--index-dir", type=Path, default=DEFAULT_INDEX,
                    help="index to serve (built there on first use); default var/index of this checkout")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--server-env", action="append", default=[], metavar="NAME=VALUE",
                    help="extra environment for the server, e.g. OMP_WAIT_POLICY=passive (repeatable)")
    ap.add_argument("--postgres", action="store_true",
                    help="several workers on a throwaway PostgreSQL behind Caddy instead of one server on SQLite "
                         "(needs the postgresql and caddy packages)")
    ap.add_argument("--workers", type=lambda v: [int(n) for n in v.split(",")], default=[1, 2, 4],
                    help="with --postgres: worker counts to run, e.g. 1,2,4 (one run each)")
    ap.add_argument("--duplicates", action="store_true",
                    help="with --postgres and 2 or more workers: send every Telegram update and Zalo event to two "
                         "workers at once, straight to their ports (each must be answered once)")
    ap.add_argument("--no-remember", dest="remember", action="store_false",
                    help="with --postgres: do not ask every worker each question before measuring (then the "
                         "embedding of first askings is measured too)")
    args = ap.parse_args()
    print(machine_note())
    args.server_env = dict(item.split("=", 1) for item in args.server_env)
    if args.server_env:
        print(f"server environment: {args.server_env}")
    if args.postgres:
        caddy_binary()
    ok, rates = True, {}
    for workers in args.workers if args.postgres else [0]:
        for citizens in args.citizens:
            with tempfile.TemporaryDirectory(prefix="dvcbot-load-") as tmp:
                passed, rates[workers, citizens] = asyncio.run(one_run(citizens, args, Path(tmp), workers))
                ok &= passed
    if args.postgres and len(args.workers) > 1:
        print("\nreplies/s by workers (PostgreSQL, Caddy):")
        for citizens in args.citizens:
            one = rates.get((args.workers[0], citizens))
            print(f"  {citizens} citizens: " + " · ".join(
                f"{w} → {rates[w, citizens]:.1f}" + (f" ({rates[w, citizens] / one:.2f}×)" if one else "")
                for w in args.workers))
    print("\nOK: nothing lost, nothing duplicated, no errors" if ok else "\nFAILED: see the figures above")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
