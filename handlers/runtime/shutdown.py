"""One clock for the server's shutdown, shared by the channels, so SIGTERM ends in bounded time and nothing
a webhook acknowledged is lost.

From SIGTERM on, webhooks answer 503 (the platform delivers again later). Turns already acknowledged are
still answered for `start_turns_s`; a turn that has not begun by then is kept in storage and answered at the
next start. At `finish_s` whatever is still sending is cut off and recorded as undelivered for staff.
"""
from __future__ import annotations

import asyncio
import contextlib
from typing import AsyncIterator

from aiohttp import web

START_TURNS_S = 4.0   # a turn not begun this long after SIGTERM waits for the next start
FINISH_S = 7.0        # sends still running then are cut off; the process exits well inside 10 s
GRACE_S = 1.0         # after the finish, what still runs (it should not) is cancelled
CUT_OFF = "máy chủ dừng trước khi gửi xong"   # the undelivered record's reason, for staff


class ShutdownClock:
    """Started by the server's on_shutdown signal; channels ask it whether to begin a turn and bound sends."""

    def __init__(self, start_turns_s: float = START_TURNS_S, finish_s: float = FINISH_S) -> None:
        self.start_turns_s, self.finish_s = start_turns_s, finish_s
        self._begun: float | None = None
        self._bounds: set[asyncio.Timeout] = set()

    def mount(self, app: web.Application) -> None:
        """A new server starts with the clock at rest (tests build several from one set of services)."""
        self._begun = None
        app.on_shutdown.append(self._on_shutdown)

    async def _on_shutdown(self, _: web.Application) -> None:
        self.begin()

    def begin(self) -> None:
        if self._begun is None:
            self._begun = asyncio.get_running_loop().time()
            for bound in self._bounds:
                bound.reschedule(self.finish_at)

    @property
    def stopping(self) -> bool:
        return self._begun is not None

    @property
    def finish_at(self) -> float | None:
        return None if self._begun is None else self._begun + self.finish_s

    def too_late_to_start(self) -> bool:
        """A turn asked now would not be answered before the finish: keep it for the next start."""
        return self._begun is not None and asyncio.get_running_loop().time() >= self._begun + self.start_turns_s

    @contextlib.asynccontextmanager
    async def bounded(self) -> AsyncIterator[None]:
        """Work inside raises TimeoutError at the finish (no limit while the server runs)."""
        async with asyncio.timeout(self.finish_at) as bound:
            self._bounds.add(bound)
            try:
                yield
            finally:
                self._bounds.discard(bound)

    def seconds_left(self) -> float:
        """Until the finish plus a grace; begins the shutdown if nobody did (e.g. a server that failed to start)."""
        self.begin()
        return max(0.0, self.finish_at + GRACE_S - asyncio.get_running_loop().time())
