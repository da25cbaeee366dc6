"""Flood control: token buckets keyed by a pseudonymous key (hashed user id or IP address), kept in the database.

One bucket per key holds up to `per_minute` tokens and refills at `per_minute` a minute, so a citizen can
send a short burst and then one message every 60/per_minute seconds. The buckets live in storage
(`take_token`, one atomic statement), so several workers on one database count one limit between them instead
of each its own; buckets untouched for a minute are full again and are forgotten.
"""
from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass
from typing import Protocol

from bot.core.clock import Clock
from bot.domain.chat_port import TokenTaken

FULL_AFTER_S = 60.0   # any bucket untouched this long has refilled completely: it carries no state


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after_s: float = 0.0   # when refused: seconds until one token is back
    first_refusal: bool = False  # the first refusal since this key was last allowed: the moment for one notice

    @property
    def retry_after_header(self) -> str:
        """Whole seconds, rounded up, as HTTP's Retry-After wants them."""
        return str(max(1, math.ceil(self.retry_after_s)))


class TokenBuckets(Protocol):
    """The part of the storage port the limiter uses (bot.domain.chat_port.Storage)."""
    clock: Clock

    def take_token(self, key: str, per_minute: int, now: float) -> TokenTaken: ...

    def forget_rate_buckets(self, before: float) -> int: ...


class RateLimiter:
    """`check(key)` takes one token from the key's bucket (`take(key)` from the event loop); per_minute ≤ 0 turns
    the limit off. `name` keeps each limit's buckets apart in the one table (a web conversation's key is both a
    citizen's and a poller's). Times are the storage's clock (epoch seconds, the same on every worker) unless one
    is given."""

    def __init__(self, per_minute: int, buckets: TokenBuckets, name: str, clock: Clock | None = None) -> None:
        self.per_minute, self.name = per_minute, name
        self._rate = per_minute / 60.0
        self._buckets = buckets
        self._clock = clock
        self._forget_after: float | None = None

    @property
    def on(self) -> bool:
        return self.per_minute > 0

    def check(self, key: str) -> Verdict:
        """One database statement (two, once a minute, to forget full buckets): call it off the event loop."""
        if not self.on:
            return Verdict(True)
        now = (self._clock or self._buckets.clock)()
        if self._forget_after is None or now >= self._forget_after:
            self._forget_after = now + FULL_AFTER_S
            self._buckets.forget_rate_buckets(now - FULL_AFTER_S)
        taken = self._buckets.take_token(f"{self.name}:{key}", self.per_minute, now)
        if taken.allowed:
            return Verdict(True)
        return Verdict(False, max(0.0, 1.0 - taken.tokens) / self._rate, taken.refusals == 1)

    async def take(self, key: str) -> Verdict:
        return await asyncio.to_thread(self.check, key) if self.on else Verdict(True)
