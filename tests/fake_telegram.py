"""A fake Telegram Bot API on 127.0.0.1: records every call, serves queued updates, misbehaves on demand.

python-telegram-bot posts form-encoded bodies to `<base>/bot<token>/<method>`;
nested values such as reply_markup arrive as JSON strings inside the form.
"""
from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Callable

from aiohttp import web

TOKEN = "123456789:AAFakeTokenForTestsOnly_abcdefghijkl"
BOT = {"id": 123456789, "is_bot": True, "first_name": "Trợ lý DVC", "username": "dvc_test_bot",
       "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False}


@dataclass
class Call:
    method: str
    params: dict
    at: float
    fault: str | tuple | None = None   # how the fake answered it (None: accepted)

    def markup(self) -> list[list[dict]]:
        return json.loads(self.params["reply_markup"])["inline_keyboard"] if "reply_markup" in self.params else []

    def buttons(self) -> list[dict]:
        return [b for row in self.markup() for b in row]


@dataclass
class FakeBotApi:
    token: str = TOKEN
    calls: list[Call] = field(default_factory=list)
    faults: dict[str, list[str | tuple]] = field(default_factory=dict)   # method → what its next calls do
    pending: list[dict] = field(default_factory=list)     # updates not yet confirmed by a getUpdates offset
    chaos: Callable[[str, dict], str | tuple | None] | None = None  # (method, params) → a fault, when none is queued
    listeners: list[Callable[[Call], None]] = field(default_factory=list)  # told of every call as it is answered
    delay: float = 0.0                                    # seconds before answering a sendMessage (a slow API)
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1000))
    _runner: web.AppRunner | None = None
    base_url: str = ""

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        # a long poll whose client went away (python-telegram-bot cancels it on stop) ends at once
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.base_url = f"http://127.0.0.1:{port}/bot"
        return self.base_url

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    # ---- test side
    def push(self, update: dict) -> None:
        self.pending.append(update)
        self._arrived.set()

    def fail(self, method: str, *how: str | tuple) -> None:
        """Next calls of `method`: ("flood", seconds) → 429 with retry_after, "drop" → connection closed,
        "blocked" → 403 Forbidden, "unauthorized" → 401."""
        self.faults.setdefault(method, []).extend(how)

    def sent(self, method: str = "sendMessage") -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, method: str, count: int = 1, timeout: float = 10) -> list[Call]:
        deadline = time.monotonic() + timeout
        while len(self.sent(method)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{method}: {len(self.sent(method))} of {count} calls after {timeout}s; "
                                     f"calls so far: {[c.method for c in self.calls]}")
            await asyncio.sleep(0.02)
        return self.sent(method)

    async def settle(self, quiet: float = 0.3) -> None:
        """Wait until no call has arrived for `quiet` seconds (getUpdates polls not counted)."""
        while True:
            busy = [c for c in self.calls if c.method != "getUpdates"]
            last = busy[-1].at if busy else 0
            if time.monotonic() - last >= quiet:
                return
            await asyncio.sleep(quiet / 3)

    # ---- Bot API side
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        params = dict(await request.post())
        call = Call(method, params, time.monotonic())
        self.calls.append(call)
        fault = self.faults.get(method, []).pop(0) if self.faults.get(method) else None
        if fault is None and self.chaos is not None:
            fault = self.chaos(method, params)
        call.fault = fault
        if self.delay and method == "sendMessage":
            await asyncio.sleep(self.delay)
        for listener in self.listeners:
            listener(call)
        if fault == "drop":
            request.transport.close()
            raise asyncio.CancelledError  # the client sees the connection close without an answer
        if isinstance(fault, tuple) and fault[0] == "flood":
            return web.json_response({"ok": False, "error_code": 429,
                                      "description": f"Too Many Requests: retry after {fault[1]}",
                                      "parameters": {"retry_after": fault[1]}}, status=429)
        if fault == "blocked":
            return web.json_response({"ok": False, "error_code": 403,
                                      "description": "Forbidden: bot was blocked by the user"}, status=403)
        if fault == "unauthorized":
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        return web.json_response({"ok": True, "result": await self._result(method, params)})

    async def _result(self, method: str, params: dict):
        if method == "getMe":
            return BOT
        if method == "getUpdates":
            return await self._take_updates(int(params.get("offset", 0)), float(params.get("timeout", 0)))
        if method == "sendMessage":
            chat_id = int(params["chat_id"])
            return {"message_id": next(self._ids), "date": int(time.time()), "text": params["text"],
                    "from": BOT, "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"}}
        return True  # answerCallbackQuery, setWebhook, deleteWebhook, setMyCommands

    async def _take_updates(self, offset: int, timeout: float) -> list[dict]:
        """Like Telegram: an offset confirms every update below it; the rest are served until confirmed."""
        self.pending = [u for u in self.pending if u["update_id"] >= offset]
        if not self.pending and timeout:
            self._arrived.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), timeout)
        return list(self.pending)


# ---- updates as Telegram sends them
_ids = itertools.count(1)
CITIZEN = {"id": 5550001, "is_bot": False, "first_name": "Lan", "language_code": "vi"}
GROUP = {"id": -1001234567890, "type": "supergroup", "title": "Tổ công nghệ số thôn 3"}


def private_chat(user: dict) -> dict:
    return {"id": user["id"], "type": "private", "first_name": user["first_name"]}


def message_update(update_id: int, text: str | None = None, user: dict = CITIZEN, chat: dict | None = None,
                   **extra) -> dict:
    message = {"message_id": next(_ids), "date": int(time.time()), "from": user,
               "chat": chat or private_chat(user), **extra}
    if text is not None:
        message["text"] = text
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"update_id": update_id, "message": message}


def callback_update(update_id: int, data: str, user: dict = CITIZEN, chat: dict | None = None) -> dict:
    chat = chat or private_chat(user)
    return {"update_id": update_id,
            "callback_query": {"id": f"cq{update_id}", "from": user, "chat_instance": "ci-1", "data": data,
                               "message": {"message_id": next(_ids), "date": int(time.time()), "chat": chat,
                                           "from": BOT, "text": "…"}}}
