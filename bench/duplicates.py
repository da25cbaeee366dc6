"""Duplicates: every delivery arrives 1–3 times, concurrently and out of order → one stored row and one reply each.

Platforms deliver again when they are unsure we got it (Telegram and Zalo retry webhooks, a browser retries
a request with the same message_id). Here each citizen sends a few messages and button presses, each
delivered one to three times; all deliveries of all citizens are shuffled and posted at once to the real
server (`dvcbot serve`). The messages are chosen so that handling one produces exactly one reply (plus the
privacy notice on a citizen's first turn), so every extra reply is a duplicate that got through.

    python bench/duplicates.py [--citizens 20] [--seed 1]
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from harness import (
    CHANNELS,
    DEFAULT_INDEX,
    SECRET,
    Fakes,
    Platforms,
    Server,
    machine_note,
    session,
    telegram_update,
    zalo_event,
)

from bot.privacy.identity import user_key

# (text, payload): each gets exactly one reply from the engine
MESSAGES = [("xin chào", None), ("cảm ơn", None), (None, "help"), ("chủ đề", None)]
_update_ids = itertools.count(5_000_000)


def user_of(channel: str, n: int) -> str:
    return {"web": f"dup-{n}", "telegram": str(720_000_000 + n), "zalo": str(8_200_000_000_000 + n)}[channel]


def deliveries(citizens: int, rng: random.Random) -> list[tuple[str, str, str, dict]]:
    """(channel, user, delivery id, what to post) with every delivery repeated 1–3 times, shuffled."""
    out = []
    for channel, n in itertools.product(CHANNELS, range(citizens)):
        user = user_of(channel, n)
        for i, (text, payload) in enumerate(MESSAGES):
            if channel == "web":
                what = {"user": user, "message_id": f"{user}-{i}", "text": text, "payload": payload}
                key = what["message_id"]
            elif channel == "telegram":
                what = telegram_update(next(_update_ids), int(user), text, payload)
                key = str(what["update_id"])
            else:
                what = zalo_event(user, f"z-{user}-{i}", text if payload is None else f"#dvc:{payload}")
                key = what["message"]["msg_id"]
            out += [(channel, user, key, what)] * rng.randint(1, 3)
    rng.shuffle(out)
    return out


async def run(args: argparse.Namespace, workdir: Path) -> bool:
    rng = random.Random(args.seed)
    plan = deliveries(args.citizens, rng)
    async with Fakes() as fakes:
        server = Server(workdir, fakes, args.index_dir, rate_per_ip_per_minute="0")
        await server.start()
        answered: dict[str, int] = defaultdict(int)      # web message_id → responses that carried replies
        replies_per_id: dict[str, int] = {}
        statuses: dict[int, int] = defaultdict(int)
        limit = asyncio.Semaphore(args.concurrency)
        try:
            async with session(args.concurrency) as http:
                platforms = Platforms(server, http)

                async def post(channel: str, key: str, what: dict) -> None:
                    async with limit:
                        if channel == "web":
                            status, body = await platforms.web(what["user"], key, what["text"], what["payload"])
                            if status == 200 and body["replies"]:
                                answered[key] += 1
                                replies_per_id[key] = len(body["replies"])
                        elif channel == "telegram":
                            status = await platforms.telegram(what)
                        else:
                            status = await platforms.zalo(what)
                        statuses[status] += 1

                await asyncio.gather(*(post(channel, key, what) for channel, _, key, what in plan))
                expected = len(MESSAGES) + 1  # one reply each, and the privacy notice once
                for channel in ("telegram", "zalo"):
                    await asyncio.gather(*(fakes.inbox[channel].wait(user_of(channel, n), expected, 60)
                                           for n in range(args.citizens)))
                await asyncio.sleep(2.0)  # a duplicate reply would have arrived by now
        finally:
            code, seconds = server.stop()
        problems = server.log_problems()
        with server.db() as db:
            stored = {(channel, key): n for channel, key, n in db.execute(
                "SELECT channel, message_id, count(*) FROM messages WHERE direction = 'in' GROUP BY 1, 2")}
            per_user = dict(db.execute("SELECT user, count(*) FROM messages WHERE direction = 'in' GROUP BY user"))

    print(f"{len(plan)} deliveries of {len(set((c, k) for c, _, k, _ in plan))} distinct messages "
          f"({args.citizens} citizens × {len(MESSAGES)} messages × {len(CHANNELS)} channels), posted "
          f"{args.concurrency} at a time in random order · HTTP statuses {dict(statuses)}")
    ok = set(statuses) == {200} and not problems and code == 0
    print(f"{'channel':<10}{'deliveries':>11}{'messages':>9}{'stored':>8}{'stored twice':>13}{'unstored':>9}"
          f"{'replies':>9}{'expected':>9}{'extra':>7}{'missing':>8}")
    for channel in CHANNELS:
        mine = [(u, k) for c, u, k, _ in plan if c == channel]
        keys = {k for _, k in mine}
        users = {u for u, _ in mine}
        stored_rows = sum(stored.get((channel, k), 0) for k in keys)
        twice = sum(max(0, stored.get((channel, k), 0) - 1) for k in keys)
        unstored = sum(stored.get((channel, k), 0) == 0 for k in keys)
        stored_per_user = [per_user.get(user_key(SECRET.encode(), channel, u), 0) for u in users]
        twice += sum(max(0, n - len(MESSAGES)) for n in stored_per_user)
        expected = len(users) * (len(MESSAGES) + 1)
        if channel == "web":
            got = sum(replies_per_id.values())
            extra = sum(max(0, n - 1) for n in answered.values())  # a message answered by two responses
            missing = sum(answered.get(k, 0) == 0 for k in keys)
        else:
            counts = [len(fakes.inbox[channel].got[u]) for u in users]
            got = sum(counts)
            extra = sum(max(0, n - len(MESSAGES) - 1) for n in counts)
            missing = sum(max(0, len(MESSAGES) + 1 - n) for n in counts)
        ok &= stored_rows == len(keys) and not twice and not unstored and got == expected and not extra and not missing
        print(f"{channel:<10}{len(mine):>11}{len(keys):>9}{stored_rows:>8}{twice:>13}{unstored:>9}{got:>9}"
              f"{expected:>9}{extra:>7}{missing:>8}")
    print(f"server log errors: {len(problems)} · shutdown: SIGTERM → exit {code} in {seconds:.1f} s")
    for line in problems[:5]:
        print("   ", line[:200])
    print("OK: one stored row and one reply per message" if ok else "FAILED: see the counts above")
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--citizens", type=int, default=20, help="citizens per channel")
    ap.add_argument("--concurrency", type=int, default=32, help="deliveries in flight at once")
    ap.add_argument("--index-dir", type=Path, default=DEFAULT_INDEX)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    print(machine_note())
    with tempfile.TemporaryDirectory(prefix="dvcbot-duplicates-") as tmp:
        return 0 if asyncio.run(run(args, Path(tmp))) else 1


if __name__ == "__main__":
    sys.exit(main())
