"""Shutdown: SIGTERM while Zalo background sends and Telegram updates are still queued.

Each round starts the real server (`dvcbot serve`, Telegram in webhook mode, Zalo on) with fake Telegram and
Zalo APIs that answer every send slowly. Every citizen first says hello (so the burst carries no privacy
notice), then all citizens post a burst of messages on the Zalo and Telegram webhooks, each message one that
gets exactly one reply. As soon as the last webhook is answered the server gets SIGTERM. After it exited the
SQLite file is read: every acknowledged message must have had its reply sent, or be recorded as undelivered
for staff, or be kept for the next start; otherwise it is lost. When some were kept, the server is started
again on the same data and must answer them.

    python bench/shutdown.py [--rounds 3] [--citizens 15] [--messages 10] [--delay 1.0]

Exit code 1 when an acknowledged message was lost, an exit took longer than 10 s or the log shows an error.
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from duplicates import MESSAGES
from harness import DEFAULT_INDEX, SECRET, Fakes, Platforms, Server, machine_note, session, telegram_update, zalo_event

from bot.privacy.identity import user_key
from handlers.channels.zalo import PAYLOAD_PREFIX

EXIT_LIMIT_S = 10.0
CHANNELS = ("telegram", "zalo")
_update_ids = itertools.count(9_000_000)


@dataclass
class Tally:
    """One channel in one round; every count is of burst messages."""
    posted: int = 0
    acked: int = 0        # webhook answered 2xx
    refused: int = 0      # answered 503: the platform delivers it again later, nothing was promised
    sent: int = 0         # its reply reached the fake API
    stored: int = 0       # its row is in the messages table
    undelivered: int = 0  # recorded for staff as undelivered
    kept: int = 0         # kept for the next start
    later: int = 0        # kept ones answered after the restart
    lost: int = 0


def users(channel: str, round_no: int, count: int) -> list[str]:
    base = 740_000_000 if channel == "telegram" else 8_400_000_000_000
    return [str(base + round_no * 1000 + n) for n in range(count)]


def delivery(channel: str, user: str, n: int) -> tuple[str, dict]:
    """(message id as stored, what to post) for the citizen's n-th message."""
    text, payload = MESSAGES[n % len(MESSAGES)]
    if channel == "telegram":
        update = telegram_update(next(_update_ids), int(user), text, payload)
        return str(update["update_id"]), update
    msg_id = f"s-{user}-{n}"
    return msg_id, zalo_event(user, msg_id, text if payload is None else PAYLOAD_PREFIX + payload)


async def post(platforms: Platforms, channel: str, what: dict) -> int:
    return await (platforms.telegram(what) if channel == "telegram" else platforms.zalo(what))


def kept_rows(server: Server) -> dict[str, int]:
    """Turns the server kept for its next start, per channel (none when the table does not exist)."""
    with server.db() as db:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'parked_turns'").fetchone():
            return {}
        return dict(db.execute("SELECT channel, count(*) FROM parked_turns GROUP BY channel"))


async def one_round(args: argparse.Namespace, round_no: int,
                    workdir: Path) -> tuple[dict[str, Tally], int | None, float, int]:
    """(counts per channel, exit code, seconds from SIGTERM to exit, errors in the server's log)."""
    people = {c: users(c, round_no, args.citizens) for c in CHANNELS}
    tally = {c: Tally() for c in CHANNELS}
    async with Fakes() as fakes:
        fakes.telegram.delay = fakes.zalo.delay = args.delay
        server = Server(workdir, fakes, args.index_dir, rate_per_minute="0", rate_per_ip_per_minute="0")
        await server.start()
        async with session(args.concurrency) as http:
            platforms = Platforms(server, http)
            # hello first: the privacy notice and the first reply are out of the way before the burst
            await asyncio.gather(*(post(platforms, c, delivery(c, u, 0)[1]) for c in CHANNELS for u in people[c]))
            warm = 2
            await asyncio.gather(*(fakes.inbox[c].wait(u, warm, 120) for c in CHANNELS for u in people[c]))
            burst = [(c, u, *delivery(c, u, n)) for n in range(1, args.messages + 1) for c in CHANNELS
                     for u in people[c]]
            acked: dict[str, dict[str, set[str]]] = {c: {u: set() for u in people[c]} for c in CHANNELS}
            limit = asyncio.Semaphore(args.concurrency)

            async def deliver(channel: str, user: str, msg_id: str, what: dict) -> None:
                async with limit:
                    status = await post(platforms, channel, what)
                tally[channel].posted += 1
                if 200 <= status < 300:
                    acked[channel][user].add(msg_id)
                elif status == 503:
                    tally[channel].refused += 1

            await asyncio.gather(*(deliver(*b) for b in burst))
            code, seconds = await asyncio.to_thread(server.stop, 30)  # the fakes keep answering meanwhile
        sent_before = {c: {u: len(fakes.inbox[c].got[u]) - warm for u in people[c]} for c in CHANNELS}
        kept = kept_rows(server)
        problems = len(server.log_problems())
        with server.db() as db:
            stored = {(c, m) for c, m in db.execute("SELECT channel, message_id FROM messages WHERE direction = 'in'")}
            undelivered = {}
            for user, n in db.execute("SELECT user, count(*) FROM deliveries WHERE status = 'undelivered' GROUP BY 1"):
                undelivered[user] = n
        later = {c: {u: 0 for u in people[c]} for c in CHANNELS}
        if sum(kept.values()):  # start again on the same data: what was kept must now be answered
            server2 = Server(workdir, fakes, args.index_dir, rate_per_minute="0", rate_per_ip_per_minute="0")
            server2.log_path = workdir / "serve-2.log"
            await server2.start()
            await asyncio.gather(*(fakes.inbox[c].wait(u, warm + len(acked[c][u]), 60)
                                   for c in CHANNELS for u in people[c]))
            await asyncio.to_thread(server2.stop, 30)
            later = {c: {u: len(fakes.inbox[c].got[u]) - warm - sent_before[c][u] for u in people[c]} for c in CHANNELS}
    for c in CHANNELS:
        s = tally[c]
        s.kept = kept.get(c, 0)
        for u in people[c]:
            mine = acked[c][u]
            key = user_key(SECRET.encode(), c, u)
            s.acked += len(mine)
            s.stored += sum((c, m) in stored for m in mine)
            s.sent += min(sent_before[c][u], len(mine))
            s.undelivered += undelivered.get(key, 0)
            s.later += later[c][u]
            s.lost += max(0, len(mine) - sent_before[c][u] - undelivered.get(key, 0) - later[c][u])
    return tally, code, seconds, problems


async def run(args: argparse.Namespace) -> bool:
    ok = True
    print(f"{args.citizens} citizens per channel × {args.messages} messages on each of Telegram and Zalo per round; "
          f"the fake APIs answer each send after {args.delay:.2f} s; SIGTERM as soon as the last webhook is answered")
    print(f"{'round':<6}{'channel':<10}{'posted':>7}{'acked':>6}{'503':>5}{'sent':>6}{'stored':>7}{'undeliv.':>9}"
          f"{'kept':>6}{'later':>6}{'lost':>6}   exit")
    for round_no in range(1, args.rounds + 1):
        with tempfile.TemporaryDirectory(prefix="dvcbot-shutdown-") as tmp:
            tally, code, seconds, problems = await one_round(args, round_no, Path(tmp))
        exit_ok = code == 0 and seconds <= EXIT_LIMIT_S and not problems
        ok &= exit_ok and not any(t.lost for t in tally.values())
        for c in CHANNELS:
            t = tally[c]
            note = (f"   SIGTERM → exit {code} in {seconds:.1f} s{'' if exit_ok else ' (too slow or failed)'}; "
                    f"{problems} errors in the log") if c == CHANNELS[0] else ""
            print(f"{round_no:<6}{c:<10}{t.posted:>7}{t.acked:>6}{t.refused:>5}{t.sent:>6}{t.stored:>7}"
                  f"{t.undelivered:>9}{t.kept:>6}{t.later:>6}{t.lost:>6}{note}")
        print("      " + machine_note())
    print("(acked: webhook answered 2xx; sent: its reply reached the fake API before the exit; undeliv.: recorded "
          "for staff; kept: stored for the next start; later: answered after a restart; lost: acked and none of these)")
    print("OK: nothing acknowledged was lost, every exit within 10 s" if ok else "FAILED: see the counts above")
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--citizens", type=int, default=15, help="citizens per channel")
    ap.add_argument("--messages", type=int, default=10, help="burst messages per citizen")
    ap.add_argument("--delay", type=float, default=1.0, help="seconds the fake APIs take to answer a send")
    ap.add_argument("--concurrency", type=int, default=32, help="webhook posts in flight at once")
    ap.add_argument("--index-dir", type=Path, default=DEFAULT_INDEX)
    args = ap.parse_args()
    print(machine_note())
    return 0 if asyncio.run(run(args)) else 1


if __name__ == "__main__":
    sys.exit(main())
