"""PostgreSQL side of what every worker must share about turns (issue 21): rate-limit buckets, delivery ids seen,
the citizen's turn lock and claims on parked turns (tables: m003 in bot.storage.postgres_schema).

Each is one statement whose atomicity PostgreSQL gives: an upsert that locks the bucket's row, an insert a unique
key refuses, a transaction-scoped advisory lock, and `FOR UPDATE SKIP LOCKED` on the parked turns.
"""
from __future__ import annotations

from contextlib import AbstractContextManager, contextmanager
from typing import Callable, Iterator

from bot.core.clock import iso
from bot.domain.chat_port import TokenTaken
from bot.storage.postgres_desk import Result

# the cap and the time come in the proposed row (`excluded`: tokens = cap - 1, refilled_s = now)
_REFILL = ("LEAST(excluded.tokens + 1, rate_buckets.tokens + GREATEST(0, excluded.refilled_s - rate_buckets.refilled_s) "
           "* (excluded.tokens + 1) / 60.0)")
TAKE_TOKEN = (
    "INSERT INTO rate_buckets (bucket, tokens, refilled_s, refusals) VALUES (%s, %s, %s, 0) "
    f"ON CONFLICT (bucket) DO UPDATE SET tokens = CASE WHEN {_REFILL} >= 1 THEN {_REFILL} - 1 ELSE {_REFILL} END, "
    f"refusals = CASE WHEN {_REFILL} >= 1 THEN 0 ELSE rate_buckets.refusals + 1 END, "
    "refilled_s = GREATEST(excluded.refilled_s, rate_buckets.refilled_s) RETURNING tokens, refusals")


class PostgresSharedTurns:
    """Shared turn state on the PostgresStorage pool, which provides the attributes declared here."""

    transaction: Callable[[], AbstractContextManager[None]]
    _run: Callable[..., Result]
    _lock: Callable[[str], None]
    _now: Callable[[], str]

    def take_token(self, key: str, per_minute: int, now: float) -> TokenTaken:
        """The upsert locks the bucket's row: a worker taking from it at once waits, then refills from this one's."""
        row = self._run(TAKE_TOKEN, [key, per_minute - 1.0, float(now)]).rows[0]
        return TokenTaken(row["refusals"] == 0, row["tokens"], row["refusals"])

    def forget_rate_buckets(self, before: float) -> int:
        return self._run("DELETE FROM rate_buckets WHERE refilled_s < %s", [float(before)]).rowcount

    def first_delivery(self, channel: str, delivery_id: str) -> bool:
        """A worker inserting the same id at once waits for the first one's insert, then inserts nothing."""
        return self._run("INSERT INTO received_deliveries (channel, delivery, received_at) VALUES (%s, %s, %s) "
                         "ON CONFLICT (channel, delivery) DO NOTHING", [channel, delivery_id, self._now()]).rowcount == 1

    def forget_deliveries(self, before: str) -> int:
        return self._run("DELETE FROM received_deliveries WHERE received_at < %s", [before]).rowcount

    @contextmanager
    def citizen_lock(self, key: str) -> Iterator[None]:
        """A transaction holding the citizen's advisory lock: the turn's writes inside commit at its end, and a turn
        of this citizen on another worker waits for that (a worker that dies lets go with its connection)."""
        with self.transaction():
            self._lock(f"citizen:{key}")
            yield

    def claim_parked_turns(self, channel: str, now: float, lease_s: float) -> list[tuple[int, str]]:
        """Rows another worker is claiming are skipped (SKIP LOCKED); rows it claimed meanwhile are checked again
        as it left them (FOR UPDATE under READ COMMITTED) and no longer match."""
        rows = self._run("UPDATE parked_turns SET claimed_at = %s WHERE id IN (SELECT id FROM parked_turns "
                         "WHERE channel = %s AND (claimed_at IS NULL OR claimed_at <= %s) FOR UPDATE SKIP LOCKED) "
                         "RETURNING id, event", [iso(int(now)), channel, iso(int(now - lease_s))]).rows
        return sorted((r["id"], r["event"]) for r in rows)

    def release_parked_turn(self, turn_id: int) -> None:
        self._run("UPDATE parked_turns SET claimed_at = NULL WHERE id = %s", [turn_id])
