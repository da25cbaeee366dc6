"""A fake Zalo OA API and OAuth server for tests: a small aiohttp app on 127.0.0.1 that records requests.

It answers like Zalo: HTTP 200 with an error code in the body (-216 for an access token it does not know,
-230 for a citizen outside the reply window), rotates single-use refresh tokens, and can be told to fail
the next requests with a 5xx or a dropped connection, or to answer slowly.
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Callable

from aiohttp import web

APP_ID = "3107201912345"
APP_SECRET = "test-app-secret"


@dataclass
class FakeZalo:
    access_tokens: set[str] = field(default_factory=lambda: {"tok-access-1"})   # tokens it accepts now
    refresh_token: str = "tok-refresh-1"                                          # the one refresh token it accepts
    outside_window: set[str] = field(default_factory=set)                # user ids that get -230
    failures: list[str] = field(default_factory=list)                    # "500", "503", "drop": for the next sends
    delay: float = 0.0                                                   # seconds before answering a send
    attempts: list[dict] = field(default_factory=list)                   # every send request: token, user, message
    sent: list[dict] = field(default_factory=list)                       # the sends it accepted
    refreshes: list[dict] = field(default_factory=list)                  # every refresh request: header and form
    chaos: Callable[[dict], str | None] | None = None                    # attempt → "500", "503", "drop" or None
    listeners: list[Callable[[dict], None]] = field(default_factory=list)  # told of every send as it is answered
    url: str = ""

    @property
    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v3.0/oa/message/cs", self.message)
        app.router.add_post("/v4/oa/access_token", self.access_token)
        return app

    def to(self, user: str) -> list[dict]:
        return [s["message"] for s in self.sent if s["user"] == user]

    async def message(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        attempt = {"token": request.headers.get("access_token"), "user": body["recipient"]["user_id"],
                   "message": body["message"], "at": time.monotonic(), "outcome": "sent"}
        self.attempts.append(attempt)
        if self.delay:
            await asyncio.sleep(self.delay)
        failure = self.failures.pop(0) if self.failures else self.chaos(attempt) if self.chaos else None
        if failure is None and attempt["token"] not in self.access_tokens:
            failure = "-216"
        elif failure is None and attempt["user"] in self.outside_window:
            failure = "-230"
        attempt["outcome"] = failure or "sent"
        for listener in self.listeners:
            listener(attempt)
        if failure == "drop":
            request.transport.close()
            return web.Response()
        if failure == "-216":
            return web.json_response({"error": -216, "message": "Access token is invalid"})
        if failure == "-230":
            return web.json_response({"error": -230, "message": "User has not interacted with the OA in 7 days"})
        if failure:
            return web.Response(status=int(failure), text="upstream error")
        self.sent.append(attempt)
        return web.json_response({"error": 0, "message": "Success",
                                  "data": {"message_id": f"oa-msg-{len(self.sent)}", "user_id": attempt["user"]}})

    async def access_token(self, request: web.Request) -> web.Response:
        form = dict(await request.post())
        self.refreshes.append({"secret_key": request.headers.get("secret_key"), **form})
        if (request.headers.get("secret_key") != APP_SECRET or form.get("app_id") != APP_ID
                or form.get("grant_type") != "refresh_token" or form.get("refresh_token") != self.refresh_token):
            return web.json_response({"error": -14014, "error_name": "Invalid refresh token"})
        n = len(self.refreshes) + 1
        self.access_tokens, self.refresh_token = {f"tok-access-{n}"}, f"tok-refresh-{n}"
        return web.json_response({"access_token": f"tok-access-{n}", "refresh_token": f"tok-refresh-{n}",
                                  "expires_in": "90000"})
