"""What the evidence scripts share: `dvcbot serve` as a child process, the fake Telegram and Zalo APIs, and
clients that talk to the server as a browser, Telegram and Zalo would. Everything runs on 127.0.0.1.

The server is the real one (`python -m handlers.app.cli serve` from this checkout, its own data folder and SQLite
file), so memory and shutdown are measured on the process citizens would talk to. The fakes are the test
suite's (`tests/fake_telegram.py`, `tests/fake_zalo.py`); every message they accept lands in an `Inbox` that
wakes whoever waits for it.
"""
from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import os
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import aiohttp
from aiohttp import web

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.core.messages import Reply, reply_from_dict  # noqa: E402
from handlers.channels.telegram import SECRET_HEADER  # noqa: E402
from handlers.channels.telegram_send import messages as telegram_messages  # noqa: E402
from handlers.channels.web_identity import COOKIE as WEB_COOKIE  # noqa: E402
from handlers.channels.zalo import PAYLOAD_PREFIX, zalo_messages  # noqa: E402
from tests.fake_telegram import TOKEN, Call, FakeBotApi  # noqa: E402
from tests.fake_zalo import APP_ID, APP_SECRET, FakeZalo  # noqa: E402

CHANNELS = ("web", "telegram", "zalo")
WEBHOOK_SECRET = "bench_webhook_secret"
OA_SECRET = "bench-oa-secret"
SECRET = "bench-secret"  # DVCBOT_SECRET, so the bench can compute the stored (hashed) user keys
DEFAULT_INDEX = REPO / "var" / "index"


@dataclass(frozen=True)
class WireMessage:
    """One message a fake platform accepted: its text and the payloads of its buttons."""
    text: str
    payloads: tuple[str, ...]
    at: float


def expected_messages(channel: str, replies: list[Reply]) -> int:
    """How many platform messages the server sends for these replies (its own renderers decide)."""
    if channel == "telegram":
        return len(telegram_messages(replies))
    if channel == "zalo":
        return len(zalo_messages(replies))
    return len(replies)


def replies_from_json(data: dict) -> list[Reply]:
    return [reply_from_dict(r) for r in data["replies"]]


class Inbox:
    """Messages per recipient (Telegram chat id, Zalo user id) and waiters for "the n-th message arrived"."""

    def __init__(self) -> None:
        self.got: dict[str, list[WireMessage]] = defaultdict(list)
        self._waiters: dict[str, list[tuple[int, asyncio.Future]]] = defaultdict(list)

    def add(self, recipient: str, message: WireMessage) -> None:
        got = self.got[recipient]
        got.append(message)
        still = []
        for count, future in self._waiters[recipient]:
            if len(got) >= count and not future.done():
                future.set_result(None)
            elif not future.done():
                still.append((count, future))
        self._waiters[recipient] = still

    async def wait(self, recipient: str, count: int, timeout: float) -> bool:
        """True once `count` messages have arrived for the recipient; False after `timeout` seconds."""
        if len(self.got[recipient]) >= count:
            return True
        future = asyncio.get_running_loop().create_future()
        self._waiters[recipient].append((count, future))
        try:
            await asyncio.wait_for(future, timeout)
            return True
        except asyncio.TimeoutError:
            return False


def telegram_wire(call: Call) -> WireMessage:
    payloads = tuple(b["callback_data"] for b in call.buttons() if "callback_data" in b)
    return WireMessage(call.params["text"], payloads, call.at)


def zalo_wire(attempt: dict) -> WireMessage:
    buttons = attempt["message"].get("attachment", {}).get("payload", {}).get("buttons", [])
    payloads = tuple(b["payload"][len(PAYLOAD_PREFIX):] for b in buttons
                     if b["type"] == "oa.query.hide" and b["payload"].startswith(PAYLOAD_PREFIX))
    return WireMessage(attempt["message"]["text"], payloads, attempt["at"])


class Fakes:
    """The fake Telegram Bot API and Zalo OA API on loopback, feeding one Inbox per platform."""

    def __init__(self) -> None:
        self.telegram = FakeBotApi()
        self.zalo = FakeZalo()
        self.inbox = {"telegram": Inbox(), "zalo": Inbox()}
        self._zalo_runner: web.AppRunner | None = None

    async def __aenter__(self) -> "Fakes":
        await self.telegram.start()
        self.telegram.listeners.append(self._on_telegram)
        self.zalo.listeners.append(self._on_zalo)
        self._zalo_runner = web.AppRunner(self.zalo.app, access_log=None)
        await self._zalo_runner.setup()
        site = web.TCPSite(self._zalo_runner, "127.0.0.1", 0)
        await site.start()
        self.zalo.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.telegram.stop()
        if self._zalo_runner:
            await self._zalo_runner.cleanup()

    def _on_telegram(self, call: Call) -> None:
        if call.method == "sendMessage" and call.fault is None:
            self.inbox["telegram"].add(call.params["chat_id"], telegram_wire(call))

    def _on_zalo(self, attempt: dict) -> None:
        if attempt["outcome"] == "sent":
            self.inbox["zalo"].add(attempt["user"], zalo_wire(attempt))


def machine_note() -> str:
    """How busy the machine is: every figure printed depends on it."""
    one, five, fifteen = os.getloadavg()
    threads = {k: os.environ[k] for k in ("OMP_NUM_THREADS", "OMP_WAIT_POLICY") if k in os.environ}
    return (f"machine: {len(os.sched_getaffinity(0))} cores, load average {one:.1f} / {five:.1f} / {fifteen:.1f} "
            f"(1 / 5 / 15 min){', ' + str(threads) if threads else ''}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def wait_healthy(proc: subprocess.Popen, url: str, timeout: float, what: Callable[[], str]) -> None:
    """Until `url`/healthz answers 200; an error naming `what()` if the process exits or time runs out."""
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"exited ({proc.returncode}): {what()}")
            try:
                async with session.get(url + "/healthz") as r:
                    if r.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError(f"no answer on /healthz in {timeout:.0f} s: {what()}")


class Server:
    """`python -m handlers.app.cli serve` from this checkout, with every channel on and pointed at the fakes."""

    def __init__(self, workdir: Path, fakes: Fakes, index_dir: Path, **settings: str) -> None:
        self.workdir, self.port = workdir, free_port()
        self.database = workdir / "dvcbot.db"
        self.log_path = workdir / "serve.log"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("DVCBOT_")}
        self.env.update({
            "HF_HUB_OFFLINE": "1", "DVCBOT_DATA_DIR": str(workdir), "DVCBOT_DATABASE": str(self.database),
            "DVCBOT_INDEX_DIR": str(index_dir), "DVCBOT_KNOWLEDGE_DIR": str(REPO / "knowledge"),
            "DVCBOT_HOST": "127.0.0.1", "DVCBOT_PORT": str(self.port), "DVCBOT_SECRET": SECRET,
            "DVCBOT_TELEGRAM_TOKEN": TOKEN, "DVCBOT_TELEGRAM_API_URL": fakes.telegram.base_url,
            "DVCBOT_TELEGRAM_WEBHOOK_URL": "https://bench.invalid/telegram/webhook",
            "DVCBOT_TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "DVCBOT_ZALO_OA_SECRET": OA_SECRET, "DVCBOT_ZALO_APP_ID": APP_ID, "DVCBOT_ZALO_APP_SECRET": APP_SECRET,
            "DVCBOT_ZALO_ACCESS_TOKEN": "tok-access-1", "DVCBOT_ZALO_REFRESH_TOKEN": "tok-refresh-1",
            "DVCBOT_ZALO_API_URL": fakes.zalo.url, "DVCBOT_ZALO_OAUTH_URL": fakes.zalo.url,
        })
        self.env.update({f"DVCBOT_{k.upper()}": v for k, v in settings.items()})
        self.proc: subprocess.Popen | None = None
        self.url = f"http://127.0.0.1:{self.port}"

    async def start(self, timeout: float = 900) -> None:
        """Start and wait for /healthz (the first start builds the index: minutes on a busy machine)."""
        self._log = open(self.log_path, "ab")   # a restarted server (crash bench) keeps its earlier log
        self.proc = subprocess.Popen([sys.executable, "-m", "handlers.app.cli", "serve"], cwd=REPO, env=self.env,
                                     stdout=self._log, stderr=subprocess.STDOUT)
        await wait_healthy(self.proc, self.url, timeout, lambda: f"dvcbot serve (log:\n{self.log()[-3000:]})")

    def memory_mib(self) -> tuple[float, float]:
        """(resident now, peak resident) of the server process, from /proc."""
        fields = {}
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = int(value.split()[0]) / 1024
        return fields["VmRSS"], fields["VmHWM"]

    def cpu_seconds(self) -> float:
        """User + system CPU time the server process has used so far."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self, timeout: float = 30) -> tuple[int | None, float]:
        """SIGTERM; (exit code, seconds it took). Killed if it does not exit in time (exit code None)."""
        t = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            code = None
        self._log.close()
        return code, time.monotonic() - t

    def close(self) -> None:
        """Nothing to release beyond the process (a Cluster stops its PostgreSQL here)."""

    def kill(self) -> None:
        """SIGKILL: no warning, no cleanup, as a power cut is for the process."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)
        self._log.close()

    def logs(self) -> list[str]:
        return [self.log()]

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def log_problems(self) -> list[str]:
        """Lines of the server's log that report an error."""
        return [line for line in self.log().splitlines()
                if " ERROR " in line or " CRITICAL " in line or line.startswith("Traceback")]

    def db(self) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{self.database}?mode=ro", uri=True)

    def rows(self, sql: str) -> list[tuple]:
        """The rows of a read-only query on the server's database."""
        with closing(self.db()) as db:
            return db.execute(sql).fetchall()

    def integrity(self) -> str:
        return self.rows("PRAGMA integrity_check")[0][0]


def sign_zalo(raw: bytes, timestamp: str) -> str:
    return "mac=" + hashlib.sha256(APP_ID.encode() + raw + timestamp.encode() + OA_SECRET.encode()).hexdigest()


_message_ids = itertools.count(1)


def telegram_update(update_id: int, user_id: int, text: str | None = None, payload: str | None = None) -> dict:
    """A private-chat text message, or a press on one of the bot's inline buttons."""
    user = {"id": user_id, "is_bot": False, "first_name": "Dân", "language_code": "vi"}
    chat = {"id": user_id, "type": "private", "first_name": "Dân"}
    if payload is not None:
        return {"update_id": update_id, "callback_query": {
            "id": f"cq{update_id}", "from": user, "chat_instance": f"ci{user_id}", "data": payload,
            "message": {"message_id": next(_message_ids), "date": int(time.time()), "chat": chat,
                        "from": {"id": 1, "is_bot": True, "first_name": "Bot"}, "text": "…"}}}
    return {"update_id": update_id, "message": {"message_id": next(_message_ids), "date": int(time.time()),
                                                "from": user, "chat": chat, "text": text}}


def zalo_event(user_id: str, msg_id: str, text: str) -> dict:
    """A user_send_text event; a button press is the button's payload sent back as text."""
    return {"app_id": APP_ID, "user_id_by_app": user_id, "event_name": "user_send_text",
            "timestamp": str(int(time.time() * 1000)), "sender": {"id": user_id}, "recipient": {"id": "bench-oa"},
            "message": {"msg_id": msg_id, "text": text}}


class Platforms:
    """Talks to the server the way a browser, Telegram and Zalo do; one HTTP session for all, and each web
    citizen's conversation cookie kept apart, as each browser keeps its own."""

    def __init__(self, server: Server, session: aiohttp.ClientSession) -> None:
        self.server, self.session = server, session
        self.cookies: dict[str, str] = {}   # page user → its conversation cookie

    async def web(self, user: str, message_id: str, text: str | None = None,
                  payload: str | None = None) -> tuple[int, dict]:
        body = {"user": user, "message_id": message_id, **({"text": text} if payload is None else {"payload": payload})}
        headers = {"Cookie": f"{WEB_COOKIE}={self.cookies[user]}"} if user in self.cookies else {}
        async with self.session.post(self.server.url + "/api/chat", json=body, headers=headers) as r:
            if WEB_COOKIE in r.cookies:
                self.cookies[user] = r.cookies[WEB_COOKIE].value
            return r.status, await r.json(content_type=None)

    def web_conversation(self, user: str) -> str:
        """The id the server stores this web citizen under (the cookie names it in clear, signed)."""
        return conversation_id(self.cookies.get(user, ""))

    async def telegram(self, update: dict) -> int:
        async with self.session.post(self.server.url + "/telegram/webhook", json=update,
                                     headers={SECRET_HEADER: WEBHOOK_SECRET}) as r:
            await r.read()
            return r.status

    async def zalo(self, event: dict) -> int:
        raw = json.dumps(event, ensure_ascii=False).encode()
        async with self.session.post(self.server.url + "/zalo/webhook", data=raw,
                                     headers={"Content-Type": "application/json",
                                              "X-ZEvent-Signature": sign_zalo(raw, event["timestamp"])}) as r:
            await r.read()
            return r.status


def conversation_id(cookie: str) -> str:
    """The conversation id at the head of a web chat cookie (handlers.channels.web_identity)."""
    return cookie.rsplit(".", 3)[0] if cookie.count(".") >= 3 else ""


def session(citizens: int) -> aiohttp.ClientSession:
    """A client session that lets every simulated citizen have a connection of its own; no shared cookie jar
    (Platforms keeps each citizen's)."""
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=max(100, citizens * 2)),
                                 timeout=aiohttp.ClientTimeout(total=120), cookie_jar=aiohttp.DummyCookieJar())


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]

