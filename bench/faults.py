"""Channel faults: the platforms refuse 20% of sends as "too many requests" and drop 10% of connections.

The fake Telegram Bot API answers 20% of sendMessage calls with 429 and `retry_after`, and closes the
connection on 10%. Zalo has no retry_after: the OA client (handlers/channels/zalo_api.py) retries network errors and
HTTP 5xx after growing delays and treats every other refusal as final, so the fake Zalo answers 20% of sends
with 503 and drops 10%. A few citizens are unreachable (every send to them fails). The real server must
get every reply through, never retry a 429 before its retry_after, retry a bounded number of times, and
record what it could not send as undelivered for staff, never lose it silently.

    python bench/faults.py [--citizens 12] [--hopeless 2] [--seed 3]
"""
from __future__ import annotations

import argparse
import asyncio
import html
import itertools
import random
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from harness import DEFAULT_INDEX, SECRET, Fakes, Platforms, Server, machine_note, session, telegram_update, zalo_event

from bot.core.markup import to_plain
from bot.privacy.identity import user_key
from handlers.channels.zalo_api import RETRY_DELAYS

TEXTS = ["xin chào", "cảm ơn", "chủ đề"]   # each answered with exactly one reply
RETRY_AFTER = 1                            # seconds, an integer as Telegram sends it
TELEGRAM_MAX_ATTEMPTS = (1 + 3) * (1 + 3)  # telegram_send.Retries: 3 network retries × 3 flood retries
ZALO_MAX_ATTEMPTS = 1 + len(RETRY_DELAYS)
QUIET_S = 2 * max(RETRY_DELAYS) + 3        # no send attempt for this long: the server has given up or finished
_update_ids = itertools.count(9_000_000)


class Chaos:
    """Decides each send's fate with a seeded generator; unreachable citizens always fail."""

    def __init__(self, seed: int, unreachable: set[str]) -> None:
        self.rng, self.unreachable = random.Random(seed), unreachable

    def telegram(self, method: str, params: dict) -> str | tuple | None:
        if method != "sendMessage":
            return None
        if params["chat_id"] in self.unreachable:
            return "drop"
        roll = self.rng.random()
        return ("flood", RETRY_AFTER) if roll < 0.2 else "drop" if roll < 0.3 else None

    def zalo(self, attempt: dict) -> str | None:
        if attempt["user"] in self.unreachable:
            return "503"
        roll = self.rng.random()
        return "503" if roll < 0.2 else "drop" if roll < 0.3 else None


def users(channel: str, count: int) -> list[str]:
    return [str((730_000_000 if channel == "telegram" else 8_300_000_000_000) + n) for n in range(count)]


def attempts(fakes: Fakes) -> dict[str, list[tuple[str, str, float, object]]]:
    """Per channel: (recipient, visible text, time, fault or None) of every send attempt, in order."""
    out = {"telegram": [], "zalo": []}
    for call in fakes.telegram.calls:
        if call.method == "sendMessage":
            text = html.unescape(re.sub(r"</?b>", "", call.params["text"]))
            out["telegram"].append((call.params["chat_id"], text, call.at, call.fault))
    for a in fakes.zalo.attempts:
        out["zalo"].append((a["user"], a["message"]["text"], a["at"], None if a["outcome"] == "sent" else a["outcome"]))
    return out


async def wait_until_quiet(fakes: Fakes, timeout: float) -> float:
    """Seconds until no send was attempted for QUIET_S (the server finished or gave up everywhere)."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        times = [c.at for c in fakes.telegram.calls if c.method == "sendMessage"] + [a["at"] for a in fakes.zalo.attempts]
        if times and time.monotonic() - max(times) >= QUIET_S:
            return max(times) - start
        await asyncio.sleep(0.5)
    raise SystemExit(f"still sending after {timeout:.0f} s")


async def run(args: argparse.Namespace, workdir: Path) -> bool:
    people = {c: users(c, args.citizens + args.hopeless) for c in ("telegram", "zalo")}
    unreachable = {u for c in people for u in people[c][args.citizens:]}
    chaos = Chaos(args.seed, unreachable)
    async with Fakes() as fakes:
        fakes.telegram.chaos, fakes.zalo.chaos = chaos.telegram, chaos.zalo
        server = Server(workdir, fakes, args.index_dir, rate_per_ip_per_minute="0")
        await server.start()
        try:
            async with session(64) as http:
                platforms = Platforms(server, http)
                posts = [platforms.telegram(telegram_update(next(_update_ids), int(u), text))
                         for u in people["telegram"] for text in TEXTS]
                posts += [platforms.zalo(zalo_event(u, f"f-{u}-{i}", text))
                          for u in people["zalo"] for i, text in enumerate(TEXTS)]
                statuses = await asyncio.gather(*posts)
                busy = await wait_until_quiet(fakes, args.timeout)
        finally:
            code, seconds = server.stop()
        problems = server.log_problems()
        with server.db() as db:
            replies = defaultdict(list)  # user key → stored reply texts
            for user, text in db.execute("SELECT user, text FROM messages WHERE direction = 'out'"):
                replies[user].append(text)
            undelivered = defaultdict(list)
            for user, text in db.execute("SELECT user, text FROM deliveries WHERE status = 'undelivered'"):
                undelivered[user].append(text)

    tries = attempts(fakes)
    print(f"{sum(len(p) for p in people.values())} citizens ({args.hopeless} per channel unreachable) sent "
          f"{len(statuses)} messages; webhook answers {sorted(set(statuses))}; the server was sending for "
          f"{busy:.0f} s")
    ok = set(statuses) == {200} and code == 0
    print(f"{'channel':<10}{'replies':>8}{'sent':>6}{'undeliv.':>9}{'lost':>6}{'twice':>6}{'attempts':>9}"
          f"{'retries':>8}{'429/5xx':>8}{'drops':>6}{'max tries':>10}{'early':>6}")
    for channel, limit in (("telegram", TELEGRAM_MAX_ATTEMPTS), ("zalo", ZALO_MAX_ATTEMPTS)):
        per_message: dict[tuple[str, str], list[tuple[float, object]]] = defaultdict(list)
        for recipient, text, at, fault in tries[channel]:
            per_message[(recipient, text)].append((at, fault))
        early = 0
        for history in per_message.values():
            for (at, fault), (next_at, _) in itertools.pairwise(history):
                # Telegram: the next try of a message refused with retry_after; Zalo: any retry before its delay
                wait = RETRY_AFTER if isinstance(fault, tuple) else RETRY_DELAYS[0] if channel == "zalo" else 0
                early += fault is not None and next_at - at < wait
        refused = sum(1 for *_, f in tries[channel] if f is not None and f != "drop")
        drops = sum(1 for *_, f in tries[channel] if f == "drop")
        most = max((len(h) for h in per_message.values()), default=0)
        total = sent = recorded = lost = twice = 0
        for user in people[channel]:
            key = user_key(SECRET.encode(), channel, user)
            got = [text for recipient, text, _, fault in tries[channel] if recipient == user and fault is None]
            for text in replies[key]:
                total += 1
                plain = to_plain(text)
                accepted = sum(w.startswith(plain) for w in got)
                parked = any(plain in to_plain(u) for u in undelivered[key])
                sent += accepted == 1
                twice += accepted > 1
                recorded += accepted == 0 and parked
                lost += accepted == 0 and not parked
            if user in unreachable:
                ok &= not got and len(undelivered[key]) == len(TEXTS)
        ok &= not lost and not twice and not early and most <= limit and total == len(people[channel]) * (len(TEXTS) + 1)
        print(f"{channel:<10}{total:>8}{sent:>6}{recorded:>9}{lost:>6}{twice:>6}{len(tries[channel]):>9}"
              f"{len(tries[channel]) - len(per_message):>8}{refused:>8}{drops:>6}{most:>6} /{limit:<3}{early:>6}")
    print(f"server log errors: {len(problems)} · shutdown: SIGTERM → exit {code} in {seconds:.1f} s")
    for line in problems[:8]:
        print("   ", line[:200])
    print("(replies: stored by the engine; sent: accepted by the platform once; undeliv.: recorded for staff; "
          "early: a retry before retry_after (Telegram) or the first retry delay (Zalo))")
    print("OK: every reply sent or recorded undelivered, none early, retries bounded" if ok
          else "FAILED: see the counts above")
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--citizens", type=int, default=12, help="reachable citizens per channel")
    ap.add_argument("--hopeless", type=int, default=2, help="unreachable citizens per channel")
    ap.add_argument("--timeout", type=float, default=600.0)
    ap.add_argument("--index-dir", type=Path, default=DEFAULT_INDEX)
    ap.add_argument("--seed", type=int, default=3)
    args = ap.parse_args()
    print(machine_note())
    with tempfile.TemporaryDirectory(prefix="dvcbot-faults-") as tmp:
        return 0 if asyncio.run(run(args, Path(tmp))) else 1


if __name__ == "__main__":
    sys.exit(main())
