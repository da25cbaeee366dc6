"""Crash evidence: kill -9 the web server at random moments while citizens rate answers.

Starts `dvcbot serve` from this checkout on a free loopback port with its own temporary data folder;
simulated citizens ask a question, then press 👍 or 👎 (and a reason after 👎), several at once. After a
random delay the server is killed with SIGKILL, the database is checked (`PRAGMA integrity_check`, read
only, so that recovery is left to the restarted server), and every rating whose HTTP request got a 2xx
must be in it with the value (and reason) acknowledged. Then the server is started again, the next round
begins, and at the end every acknowledged rating of every round is checked once more.

    python bench/crash.py [--rounds 50] [--users 4] [--max-seconds 900] [--seed 1] [--index-dir DIR]

With `--postgres --workers N` the citizens talk to one Caddy in front of N workers sharing a throwaway
PostgreSQL (bench/cluster.py); each round one worker, chosen at random, is killed with SIGKILL mid-load while
the others carry on, every rating acknowledged so far must be in the database, and the worker is started again.

    python bench/crash.py --postgres --workers 2 --rounds 10

Exit code 1 when anything acknowledged is missing or an integrity check fails. Traffic goes to 127.0.0.1
only; rounds and time are bounded.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # this checkout's code, not an installed copy

import aiohttp  # noqa: E402

from bot.core.wording import say  # noqa: E402
from bot.privacy.identity import user_key  # noqa: E402
from handlers.channels.web_identity import COOKIE  # noqa: E402

QUESTIONS = ["dk vneid muc 2 o dau", "quên mật khẩu vneid", "ko nhan dc otp", "nộp lệ phí trực tuyến thế nào",
             "đăng ký chữ ký số", "cách khóa tài khoản vneid", "làm hộ chiếu online", "đăng ký tạm trú ở đâu"]
RATINGS = {say("btn_up"): "up", say("btn_down"): "down"}
REASONS = {say(f"reason_{code}"): code for code in ("wrong", "unclear", "off_topic", "other")}
CHANNEL = "web"


@dataclass
class Tally:
    sent: int = 0
    failed: int = 0                                   # no 2xx: connection cut by the kill, refused, …
    acked: dict[str, tuple[str, str | None]] = field(default_factory=dict)   # conversation → (value, reason)


def free_port() -> int:
    with closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def button(replies: list[dict], titles: dict[str, str]) -> tuple[str, str] | None:
    """(payload, what it means) of the first payload button whose title is one of `titles`."""
    for reply in replies:
        for b in reply["buttons"]:
            if "payload" in b and b["title"] in titles:
                return b["payload"], titles[b["title"]]
    return None


async def citizen(session: aiohttp.ClientSession, url: str, name: str, rng: random.Random, tally: Tally) -> None:
    """One conversation that ends in a rating; what the server acknowledged is recorded under the conversation's
    id (the web chat stores a citizen under the id its cookie names, not the page's `user`)."""
    cookie: list[str] = []

    async def post(body: dict) -> list[dict] | None:
        tally.sent += 1
        try:
            headers = {"Cookie": f"{COOKIE}={cookie[-1]}"} if cookie else {}
            async with session.post(url, json={"user": name, **body}, headers=headers) as r:
                if COOKIE in r.cookies:
                    cookie.append(r.cookies[COOKIE].value)
                if 200 <= r.status < 300:
                    return (await r.json())["replies"]
        except (aiohttp.ClientError, asyncio.TimeoutError):
            pass
        tally.failed += 1
        return None

    replies = await post({"text": rng.choice(QUESTIONS)})
    if replies and not button(replies, RATINGS):   # "Ý bạn là…?": pick the first option, then rate
        option = next((b["payload"] for r in replies for b in r["buttons"] if "payload" in b), None)
        replies = await post({"payload": option}) if option else None
    want = rng.choice(["up", "down"])
    rate = replies and button(replies, {title: value for title, value in RATINGS.items() if value == want})
    if not rate:
        return
    payload, value = rate
    replies = await post({"payload": payload})
    if replies is None:
        return
    conversation = cookie[-1].rsplit(".", 3)[0]
    tally.acked[conversation] = (value, None)
    if value == "down" and (reason := button(replies, REASONS)):
        if await post({"payload": reason[0]}) is not None:
            tally.acked[conversation] = (value, reason[1])


async def traffic(url: str, users: int, round_no: int, rng: random.Random, tally: Tally, stop: asyncio.Event) -> None:
    timeout = aiohttp.ClientTimeout(total=10)
    async with aiohttp.ClientSession(timeout=timeout, cookie_jar=aiohttp.DummyCookieJar()) as session:
        async def loop(k: int) -> None:
            n = 0
            while not stop.is_set():
                await citizen(session, url, f"crash-{round_no}-{k}-{n}", rng, tally)
                n += 1
        await asyncio.gather(*(loop(k) for k in range(users)))


def start_server(env: dict, log) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "handlers.app.cli", "serve"], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=log)


async def wait_healthy(base: str, proc: subprocess.Popen, limit: float = 120) -> float:
    started = time.perf_counter()
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as session:
        while time.perf_counter() - started < limit:
            if proc.poll() is not None:
                raise RuntimeError(f"dvcbot serve exited with {proc.returncode} during start")
            try:
                async with session.get(base + "/healthz") as r:
                    if r.status == 200:
                        return time.perf_counter() - started
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.05)
    raise RuntimeError("dvcbot serve did not become healthy")


def stored(database: Path) -> tuple[str, dict[str, tuple[str, str | None]]]:
    """Integrity verdict and user → (value, reason) of every rating, read only: recovery is the server's job."""
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as conn:
        verdict = "; ".join(r[0] for r in conn.execute("PRAGMA integrity_check"))
        rows = conn.execute("SELECT citizen, value, reason FROM ratings").fetchall()
    return verdict, {user: (value, reason) for user, value, reason in rows}


def lost(acked: dict[str, tuple[str, str | None]], in_db: dict, secret: bytes) -> list[str]:
    missing = []
    for name, (value, reason) in acked.items():
        row = in_db.get(user_key(secret, CHANNEL, name))
        if row is None or row[0] != value or (reason is not None and row[1] != reason):
            missing.append(name)
    return missing


async def run(args: argparse.Namespace) -> int:
    rng = random.Random(args.seed)
    data = Path(tempfile.mkdtemp(prefix="dvcbot-crash-"))
    secret = f"crash-bench-{args.seed}"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DVCBOT_")}
    env.update(DVCBOT_DATA_DIR=str(data), DVCBOT_KNOWLEDGE_DIR=str(REPO / "knowledge"), DVCBOT_HOST="127.0.0.1",
               DVCBOT_PORT=str(port), DVCBOT_SECRET=secret, DVCBOT_LOG_LEVEL="WARNING", HF_HUB_OFFLINE="1")
    if args.index_dir:
        env["DVCBOT_INDEX_DIR"] = str(args.index_dir)
    database = data / "dvcbot.db"
    print(f"data folder {data}, server {base}; bringing the index up to date once…", flush=True)
    subprocess.run([sys.executable, "-m", "handlers.app.cli", "index", "--quiet"], cwd=REPO, env=env, check=True,
                   stdout=subprocess.DEVNULL)

    all_acked: dict[str, tuple[str, str | None]] = {}
    starts, problems, sent, failed, rounds_done = [], 0, 0, 0, 0
    began = time.perf_counter()
    with open(data / "server.log", "ab") as log:
        for round_no in range(1, args.rounds + 1):
            if time.perf_counter() - began > args.max_seconds:
                print(f"time limit of {args.max_seconds} s reached", flush=True)
                break
            proc = start_server(env, log)
            try:
                starts.append(await wait_healthy(base, proc))
                tally, stop = Tally(), asyncio.Event()
                load = asyncio.create_task(traffic(base + "/api/chat", args.users, round_no, rng, tally, stop))
                await asyncio.sleep(rng.uniform(0.2, 2.5))
                proc.send_signal(signal.SIGKILL)   # no warning, no cleanup: as a power cut is for the process
                proc.wait(30)
                stop.set()
                await load
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait(30)
            verdict, in_db = stored(database)
            missing = lost(tally.acked, in_db, secret.encode())
            all_acked.update(tally.acked)
            sent, failed, rounds_done = sent + tally.sent, failed + tally.failed, round_no
            problems += (verdict != "ok") + len(missing)
            print(f"round {round_no:3d}: start {starts[-1]:4.1f} s, {tally.sent:4d} requests, "
                  f"{len(tally.acked):3d} ratings acked, {tally.failed} cut, integrity {verdict}, "
                  f"lost {len(missing)}", flush=True)

    # a last start recovers the final crash; then everything acknowledged in every round must be there
    with open(data / "server.log", "ab") as log:
        proc = start_server(env, log)
        try:
            await wait_healthy(base, proc)
        finally:
            proc.terminate()
            proc.wait(30)
    verdict, in_db = stored(database)
    missing = lost(all_acked, in_db, secret.encode())
    print_summary(rounds_done, sent, failed, all_acked, missing, in_db, problems, verdict, starts, began)
    if problems == 0 and not missing and verdict == "ok":
        shutil.rmtree(data)
        return 0
    print(f"kept for inspection: {data}")
    return 1


def print_summary(rounds: int, sent: int, failed: int, all_acked: dict, missing: list[str], in_db: dict,
                  problems: int, verdict: str, starts: list[float], began: float) -> None:
    reasons = sum(1 for _, reason in all_acked.values() if reason)
    print(f"\nrounds (kill -9 each): {rounds}")
    print(f"requests sent: {sent}, cut by a kill or refused: {failed}")
    print(f"ratings acknowledged (2xx): {len(all_acked)} (of which 👎 with an acknowledged reason: {reasons})")
    found = len(all_acked) - len(missing)
    print(f"found in the database: {found}, lost (acknowledged but not stored): {len(missing)}")
    print(f"ratings stored but never acknowledged (the kill came before the reply): {len(in_db) - found}")
    print(f"integrity after every kill: {'ok' if problems == 0 else 'PROBLEMS'}; final: {verdict}")
    if starts:
        print(f"server start to healthy: median {statistics.median(starts):.1f} s, max {max(starts):.1f} s")
    print(f"total time {time.perf_counter() - began:.0f} s")


async def run_cluster(args: argparse.Namespace) -> int:
    """kill -9 one of several workers on PostgreSQL behind Caddy, while the others keep serving."""
    from cluster import Cluster, caddy_binary
    from harness import DEFAULT_INDEX, SECRET, Fakes
    caddy_binary()
    rng = random.Random(args.seed)
    workdir = Path(tempfile.mkdtemp(prefix="dvcbot-crash-pg-"))
    all_acked: dict[str, tuple[str, str | None]] = {}
    starts, problems, sent, failed, rounds_done = [], 0, 0, 0, 0
    ratings = "SELECT citizen, value, reason FROM ratings"
    began = time.perf_counter()
    async with Fakes() as fakes:
        cluster = Cluster(workdir, fakes, args.index_dir or DEFAULT_INDEX, args.workers,
                          rate_per_ip_per_minute="0", log_level="WARNING")
        print(f"working folder {workdir}; starting PostgreSQL, {args.workers} workers and Caddy…", flush=True)
        try:
            await cluster.start()
            for round_no in range(1, args.rounds + 1):
                if time.perf_counter() - began > args.max_seconds:
                    print(f"time limit of {args.max_seconds} s reached", flush=True)
                    break
                tally, stop = Tally(), asyncio.Event()
                load = asyncio.create_task(traffic(cluster.url + "/api/chat", args.users, round_no, rng, tally, stop))
                await asyncio.sleep(rng.uniform(0.5, 2.5))
                victim = rng.randrange(len(cluster.servers))
                cluster.servers[victim].kill()
                await asyncio.sleep(rng.uniform(0.5, 1.5))   # the other workers carry the load meanwhile
                stop.set()
                await load
                in_db = {user: (value, reason) for user, value, reason in cluster.rows(ratings)}
                missing = lost(tally.acked, in_db, SECRET.encode())
                all_acked.update(tally.acked)
                sent, failed, rounds_done = sent + tally.sent, failed + tally.failed, round_no
                problems += len(missing)
                t = time.perf_counter()
                await cluster.servers[victim].start()
                starts.append(time.perf_counter() - t)
                print(f"round {round_no:3d}: worker {victim} killed, {tally.sent:4d} requests, "
                      f"{len(tally.acked):3d} ratings acked, {tally.failed} cut, lost {len(missing)}, "
                      f"restarted in {starts[-1]:.1f} s", flush=True)
            in_db = {user: (value, reason) for user, value, reason in cluster.rows(ratings)}
        finally:
            cluster.stop()
            cluster.close()
    missing = lost(all_acked, in_db, SECRET.encode())
    print_summary(rounds_done, sent, failed, all_acked, missing, in_db, problems, "n/a (PostgreSQL)", starts, began)
    if problems == 0 and not missing:
        shutil.rmtree(workdir, ignore_errors=True)
        return 0
    print(f"kept for inspection: {workdir}")
    return 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=50, help="kill -9 this many times (default 50)")
    ap.add_argument("--users", type=int, default=4, help="citizens talking at once (default 4)")
    ap.add_argument("--max-seconds", type=float, default=900, help="stop starting new rounds after this long")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--index-dir", type=Path, help="reuse this index folder (updated if knowledge changed) "
                                                    "instead of building one in the temporary data folder")
    ap.add_argument("--postgres", action="store_true",
                    help="several workers on a throwaway PostgreSQL behind Caddy; one is killed each round")
    ap.add_argument("--workers", type=int, default=2, help="with --postgres: how many workers (default 2)")
    args = ap.parse_args()
    return asyncio.run(run_cluster(args) if args.postgres else run(args))


if __name__ == "__main__":
    sys.exit(main())
