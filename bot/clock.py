"""One clock and one way to write a time down, for storage, the dialogue and the desk.

A Clock is `time.time`-shaped (epoch seconds) so the dialogue's clock, the accounts' clock and the storage's clock
are one injected callable and a test can pass a fixed one. Times at rest are ISO-8601 UTC text in every table
(`2026-11-23T08:00:00+00:00`): always the `+00:00` offset, so text order is time order on every backend.
"""
from __future__ import annotations

import datetime as dt
import time
from typing import Callable

Clock = Callable[[], float]
SYSTEM_CLOCK: Clock = time.time


def iso(epoch: float) -> str:
    """Epoch seconds as stored: whole seconds as `…T08:00:00+00:00`, a fraction with microseconds."""
    moment = dt.datetime.fromtimestamp(epoch, dt.timezone.utc)
    return moment.isoformat(timespec="microseconds" if moment.microsecond else "seconds")


def epoch(stored: str) -> float:
    """The stored text back to epoch seconds (a time without offset is read as UTC)."""
    moment = dt.datetime.fromisoformat(stored)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.timestamp()


def now_iso(clock: Clock) -> str:
    return iso(int(clock()))   # stamps are whole seconds, as they always were


def now_dt(clock: Clock) -> dt.datetime:
    return dt.datetime.fromtimestamp(clock(), dt.timezone.utc)
