"""Flood control: in-memory token buckets keyed by a pseudonymous key (hashed user id or IP address).

One bucket per key holds up to `per_minute` tokens and refills at `per_minute` a minute, so a citizen can
send a short burst and then one message every 60/per_minute seconds. The counters live in this process:
several workers behind a proxy would each count separately (a citizen could send workers × the limit), so
scaling out (PostgreSQL on the roadmap) needs shared counters, e.g. in the database.
"""
from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from typing import Callable

MAX_KEYS = 10_000  # above this, buckets that have refilled completely are forgotten (they carry no state)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after_s: float = 0.0   # when refused: seconds until one token is back
    first_refusal: bool = False  # the first refusal since this key was last allowed: the moment for one notice

    @property
    def retry_after_header(self) -> str:
        """Whole seconds, rounded up, as HTTP's Retry-After wants them."""
        return str(max(1, math.ceil(self.retry_after_s)))


@dataclass
class _Bucket:
    tokens: float
    updated: float
    refusing: bool = False


class RateLimiter:
    """`check(key)` takes one token from the key's bucket; per_minute ≤ 0 turns the limit off."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._rate = per_minute / 60.0
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    @property
    def on(self) -> bool:
        return self.per_minute > 0

    def check(self, key: str) -> Verdict:
        if not self.on:
            return Verdict(True)
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                if len(self._buckets) >= MAX_KEYS:
                    self._forget_full(now)
                bucket = self._buckets[key] = _Bucket(float(self.per_minute), now)
            bucket.tokens = min(float(self.per_minute), bucket.tokens + (now - bucket.updated) * self._rate)
            bucket.updated = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                bucket.refusing = False
                return Verdict(True)
            first, bucket.refusing = not bucket.refusing, True
            return Verdict(False, (1.0 - bucket.tokens) / self._rate, first)

    def _forget_full(self, now: float) -> None:
        full = [k for k, b in self._buckets.items()
                if b.tokens + (now - b.updated) * self._rate >= self.per_minute]
        for key in full:
            del self._buckets[key]
