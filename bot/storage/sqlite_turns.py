"""SQLite side of what every worker must share about turns (issue 21): rate-limit buckets, delivery ids seen,
the citizen's turn lock and claims on parked turns; migration m015 adds their tables.

A SQLite file is served by one process, so the citizen lock is a lock of this process (shared by every store
opened on the same file in it); the buckets, delivery ids and claims are in the file, each taken in one
statement under the write lock (BEGIN IMMEDIATE), like the PostgreSQL ones (bot.storage.postgres_turns).
"""
from __future__ import annotations

import threading
from contextlib import AbstractContextManager, contextmanager
from typing import Callable, Iterator

import sqlite_utils

from bot.core.clock import iso
from bot.domain.chat_port import TokenTaken


def m017_shared_turns(db: sqlite_utils.Database) -> None:
    # a token bucket per pseudonymous key (hashed citizen or address); refilled_s is epoch seconds, not a date: the
    # refill is computed in the statement that takes the token, which ISO text cannot do on both backends
    db.execute("CREATE TABLE rate_buckets (bucket TEXT PRIMARY KEY, tokens REAL NOT NULL, refilled_s REAL NOT NULL, "
               "refusals INTEGER NOT NULL DEFAULT 0)")
    db.execute("CREATE INDEX idx_rate_buckets_refilled ON rate_buckets (refilled_s)")
    # platform delivery ids already answered (hashed with the install secret): a redelivery to any worker is dropped
    db.execute("CREATE TABLE received_deliveries (channel TEXT NOT NULL, delivery TEXT NOT NULL, "
               "received_at TEXT NOT NULL, PRIMARY KEY (channel, delivery))")
    db.execute("CREATE INDEX idx_received_deliveries_at ON received_deliveries (received_at)")
    # a parked turn is resumed by the worker that claimed it (a claim runs out when its worker died)
    db["parked_turns"].add_column("claimed_at", str)


SHARED_TURN_MIGRATIONS: list[tuple[str, Callable[[sqlite_utils.Database], None]]] = [
    (m017_shared_turns.__name__, m017_shared_turns)]

# the citizen locks of this process: (database file, key) → [lock, holders and waiters]
_CITIZEN_LOCKS: dict[tuple[str, str], list] = {}
_CITIZEN_LOCKS_GUARD = threading.Lock()

# one statement on both backends (PostgreSQL spells MIN/MAX of two values LEAST/GREATEST): every SET sees the row as
# it was, so the refill is computed from it alone
# the cap and the time come in the proposed row (`excluded`: tokens = cap - 1, refilled_s = now)
_REFILL = ("MIN(excluded.tokens + 1, rate_buckets.tokens + MAX(0, excluded.refilled_s - rate_buckets.refilled_s) "
           "* (excluded.tokens + 1) / 60.0)")
TAKE_TOKEN = (
    "INSERT INTO rate_buckets (bucket, tokens, refilled_s, refusals) VALUES (?, ?, ?, 0) "
    f"ON CONFLICT (bucket) DO UPDATE SET tokens = CASE WHEN {_REFILL} >= 1 THEN {_REFILL} - 1 ELSE {_REFILL} END, "
    f"refusals = CASE WHEN {_REFILL} >= 1 THEN 0 ELSE rate_buckets.refusals + 1 END, "
    "refilled_s = MAX(excluded.refilled_s, rate_buckets.refilled_s) RETURNING tokens, refusals")


class SqliteSharedTurns:
    """Shared turn state on the SqliteStorage connection, which provides the attributes declared here."""

    db: sqlite_utils.Database
    transaction: Callable[[], AbstractContextManager[None]]
    _lock: AbstractContextManager[bool]
    _stamp: Callable[[], str]
    _lock_file: str | None = None

    def take_token(self, key: str, per_minute: int, now: float) -> TokenTaken:
        with self.transaction():
            tokens, refusals = self.db.execute(TAKE_TOKEN, [key, per_minute - 1.0, float(now)]).fetchone()
        return TokenTaken(refusals == 0, tokens, refusals)

    def forget_rate_buckets(self, before: float) -> int:
        with self.transaction():
            return self.db.execute("DELETE FROM rate_buckets WHERE refilled_s < ?", [before]).rowcount

    def first_delivery(self, channel: str, delivery_id: str) -> bool:
        with self.transaction():
            return self.db.execute("INSERT OR IGNORE INTO received_deliveries (channel, delivery, received_at) "
                                   "VALUES (?, ?, ?)", [channel, delivery_id, self._stamp()]).rowcount == 1

    def forget_deliveries(self, before: str) -> int:
        with self.transaction():
            return self.db.execute("DELETE FROM received_deliveries WHERE received_at < ?", [before]).rowcount

    @contextmanager
    def citizen_lock(self, key: str) -> Iterator[None]:
        """A lock of this process, by file and key: one process serves a SQLite file."""
        name = (self._file(), key)
        with _CITIZEN_LOCKS_GUARD:
            entry = _CITIZEN_LOCKS.setdefault(name, [threading.Lock(), 0])
            entry[1] += 1
        try:
            with entry[0]:
                yield
        finally:
            with _CITIZEN_LOCKS_GUARD:
                entry[1] -= 1
                if not entry[1]:
                    del _CITIZEN_LOCKS[name]

    def _file(self) -> str:
        """The database file this store is on (looked up once, under the connection's lock)."""
        if self._lock_file is None:
            with self._lock:
                path = next(r[2] for r in self.db.execute("PRAGMA database_list").fetchall() if r[1] == "main")
                self._lock_file = path or f"memory:{id(self.db)}"
        return self._lock_file

    def claim_parked_turns(self, channel: str, now: float, lease_s: float) -> list[tuple[int, str]]:
        """One UPDATE … RETURNING under the write lock: a second worker claiming at once finds them claimed."""
        with self.transaction():
            rows = self.db.execute("UPDATE parked_turns SET claimed_at = ? WHERE channel = ? "
                                   "AND (claimed_at IS NULL OR claimed_at <= ?) RETURNING id, event",
                                   [iso(int(now)), channel, iso(int(now - lease_s))]).fetchall()
        return sorted((turn_id, event) for turn_id, event in rows)   # RETURNING gives no order

    def release_parked_turn(self, turn_id: int) -> None:
        with self.transaction():
            self.db.execute("UPDATE parked_turns SET claimed_at = NULL WHERE id = ?", [turn_id])
