"""Keep citizens' data no longer than DVCBOT_RETENTION_DAYS: conversations, ratings and needs older than
that are deleted daily by the server (one worker a day) and on demand by `dvcbot purge`."""
from __future__ import annotations

import datetime as dt
import time

from bot.domain.desk_port import DeskStorage

JOB = "purge"
EVERY_S = 24 * 3600


def cutoff(days: int, now: dt.datetime) -> str:
    if days < 1:
        raise ValueError("DVCBOT_RETENTION_DAYS phải từ 1 trở lên")
    return (now - dt.timedelta(days=days)).isoformat(timespec="seconds")


def purge(storage: DeskStorage, days: int, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete what is older than `days`; returns rows deleted per table."""
    now = now or dt.datetime.now(dt.timezone.utc)
    counts = storage.purge_before(cutoff(days, now))
    counts["staff_sessions"] = storage.delete_expired_staff_sessions(now.timestamp())
    return counts


def purge_if_due(storage: DeskStorage, days: int) -> dict[str, int] | None:
    """Run the daily purge unless another worker already ran it in the last day."""
    if not storage.claim_job(JOB, time.time(), EVERY_S):
        return None
    counts = purge(storage, days)
    storage.add_audit(None, "hệ thống", "purge", None, f"{days} ngày: {sum(counts.values())} bản ghi")
    return counts
