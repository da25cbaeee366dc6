"""Keep citizens' data no longer than DVCBOT_RETENTION_DAYS: conversations, ratings and needs older than
that are deleted daily by the server (one worker a day) and on demand by `dvcbot purge`."""
from __future__ import annotations

import datetime as dt

from bot.clock import SYSTEM_CLOCK, Clock, now_dt
from bot.desk_storage import DeskStorage

JOB = "purge"
EVERY_S = 24 * 3600


def cutoff(days: int, now: dt.datetime) -> str:
    if days < 1:
        raise ValueError("DVCBOT_RETENTION_DAYS phải từ 1 trở lên")
    return (now - dt.timedelta(days=days)).isoformat(timespec="seconds")


def purge(storage: DeskStorage, days: int, now: dt.datetime | None = None,
          clock: Clock = SYSTEM_CLOCK) -> dict[str, int]:
    """Delete what is older than `days` before `now` (by default the clock's now); returns rows deleted per table."""
    now = now or now_dt(clock)
    counts = storage.purge_before(cutoff(days, now))
    counts["staff_sessions"] = storage.delete_expired_staff_sessions(now.timestamp())
    return counts


def purge_if_due(storage: DeskStorage, days: int, clock: Clock = SYSTEM_CLOCK) -> dict[str, int] | None:
    """Run the daily purge unless another worker already ran it in the last day."""
    if not storage.claim_job(JOB, clock(), EVERY_S):
        return None
    counts = purge(storage, days, clock=clock)
    storage.add_audit(None, "hệ thống", "purge", None, f"{days} ngày: {sum(counts.values())} bản ghi")
    return counts
