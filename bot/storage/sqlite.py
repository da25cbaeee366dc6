"""SQLite implementation of Storage (sqlite-utils); its schema's numbered migrations are in sqlite_schema.

WAL mode and a busy timeout let the web server, the CLI and admin exports use
one file at once; migrations upgrade a deployed database in place.
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import sqlite_utils

from bot.core.clock import SYSTEM_CLOCK, Clock, epoch, iso, now_iso
from bot.domain.chat_port import (
    Callback,
    NeedKind,
    NeedStatus,
    OfferedNumber,
    Rating,
    StaleSession,
    StoredSession,
    UnmetNeed,
    rating_keeps_reason,
)
from bot.storage.rows import port_row, record
from bot.storage.sqlite_desk import PERSONAL_TABLES, SqliteDeskTables
from bot.storage.sqlite_knowledge import SqliteKnowledgeTables
from bot.storage.sqlite_schema import MIGRATIONS
from bot.storage.sqlite_tokens import SqliteTokenTables
from bot.storage.sqlite_turns import SqliteSharedTurns

DATA_FILE_MODE = 0o600  # the database holds citizens' data: its owner only, like secret.key


def _wal(conn: sqlite3.Connection) -> None:
    """WAL mode; switching a new file to it takes a lock SQLite does not wait for (no busy handler), so a worker
    opening the file while another switches it tries again briefly instead of failing with "database is locked"."""
    for attempt in range(50):
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == 49:
                raise
            time.sleep(0.05)


class SqliteStorage(SqliteSharedTurns, SqliteDeskTables, SqliteTokenTables, SqliteKnowledgeTables):
    def __init__(self, path: Path | str, clock: Clock = SYSTEM_CLOCK) -> None:
        """`clock` dates every row this store writes itself (bot.core.clock: one clock, injected; fixed in tests)."""
        self.clock = clock
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, DATA_FILE_MODE))
            os.chmod(path, DATA_FILE_MODE)  # SQLite gives its -wal and -shm files the database file's mode
        conn = sqlite3.connect(str(path), check_same_thread=False, timeout=10)
        _wal(conn)
        conn.execute("PRAGMA busy_timeout=10000")
        conn.execute("PRAGMA secure_delete=ON")  # deleted rows are overwritten, not left in free pages
        self.db = sqlite_utils.Database(conn)
        self._lock = threading.RLock()
        self._checkpoint_due = False
        self.migrate()

    def _stamp(self) -> str:
        return now_iso(self.clock)   # rows are dated to the second, as they always were

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Every write inside commits together, once (or not at all): a citizen's turn costs one commit, and
        one fsync, instead of one per row. Nested blocks become savepoints; other threads wait for the lock.

        The outermost block takes the database's write lock at once (BEGIN IMMEDIATE), waiting the busy timeout for
        another connection's: a deferred transaction that read first (sqlite-utils reads the schema before an insert;
        a turn loads the session before saving it) fails at its first write with "database is locked" when another
        connection wrote meanwhile, instead of waiting (tests/contract/test_concurrency.py)."""
        with self._lock:
            if self.db.conn.in_transaction:
                with self.db.atomic():   # a savepoint
                    yield
                return
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield
                self.db.execute("COMMIT")
            except BaseException:
                self.db.rollback()   # a no-op when the error already ended the transaction
                raise
            if self._checkpoint_due:  # a checkpoint cannot run inside a transaction
                self._checkpoint_due = False
                self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def migrate(self) -> list[str]:
        """Apply migrations not yet applied; returns their names. Each runs in its own transaction with the
        record of it (`with conn:` alone leaves DDL outside any transaction): one that fails half-way leaves
        the database as it was, so the next start applies it again instead of failing on a half-made change.
        Each is looked up again under the write lock: of two processes opening a new file at once, one applies it
        and the other, having waited, skips it."""
        with self._lock:
            table = self.db["_migrations"]
            done = {r["name"] for r in table.rows} if table.exists() else set()
            applied = []
            for name, fn in sorted(MIGRATIONS, key=lambda m: m[0]):
                if name in done:
                    continue
                with self.transaction():
                    if not table.exists():
                        table.create({"name": str, "applied_at": str}, pk="name")
                    if table.count_where("name = ?", [name]):
                        continue
                    fn(self.db)
                    table.insert({"name": name, "applied_at": self._stamp()})
                applied.append(name)
            return applied

    # messages
    def add_message(self, user: str, channel: str, direction: str, text: str | None,
                    payload: str | None = None, entry_id: str | None = None, reply_to: int | None = None,
                    message_id: str | None = None) -> int | None:
        """The new row's id, or None when this channel delivered `message_id` before."""
        with self.transaction():
            cur = self.db.execute(
                "INSERT OR IGNORE INTO messages (citizen, channel, direction, text, payload, entry_id, reply_to, "
                "message_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [user, channel, direction, text, payload, entry_id, reply_to, message_id, self._stamp()])
            return cur.lastrowid if cur.rowcount == 1 else None

    def recent_messages(self, user: str, limit: int) -> list[dict]:
        with self._lock:
            rows = self.db["messages"].rows_where("citizen = ?", [user], order_by="id desc", limit=limit)
            return [port_row(r) for r in reversed(list(rows))]

    def message(self, message_id: int) -> dict | None:
        with self._lock:
            rows = list(self.db["messages"].rows_where("id = ?", [message_id]))
            return port_row(rows[0]) if rows else None

    # ratings
    def rate(self, answer_id: int, user: str, channel: str, question: str | None, entry_id: str | None,
             value: str) -> Rating:
        """One rating per answer and user: rating again changes it, never adds a second."""
        now = self._stamp()
        with self.transaction():
            self.db.execute(
                "INSERT INTO ratings (answer_id, citizen, channel, question, entry_id, value, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(answer_id, citizen) DO UPDATE SET "
                "value = excluded.value, updated_at = excluded.updated_at, "
                "reason = CASE WHEN ? THEN reason END",
                [answer_id, user, channel, question, entry_id, value, now, now, rating_keeps_reason(value)])
            row = next(self.db["ratings"].rows_where("answer_id = ? AND citizen = ?", [answer_id, user]))
        return record(Rating, row)

    def set_rating_reason(self, rating_id: int, user: str, reason: str | None = None,
                          comment: str | None = None) -> Rating | None:
        with self.transaction():
            rows = list(self.db["ratings"].rows_where("id = ? AND citizen = ?", [rating_id, user]))
            if not rows:
                return None
            changes = {"updated_at": self._stamp()}
            if reason is not None:
                changes["reason"] = reason
            if comment is not None:
                changes["comment"] = comment
            row = self.db["ratings"].update(rating_id, changes).get(rating_id)
        return record(Rating, row)

    def ratings(self) -> list[Rating]:
        with self._lock:
            return [record(Rating, r) for r in self.db["ratings"].rows]

    # unmet needs
    def add_unmet_need(self, user: str, channel: str, kind: NeedKind, question: str | None = None,
                       entry_id: str | None = None, step: int | None = None, context: str | None = None,
                       rating_id: int | None = None, detail: str | None = None) -> UnmetNeed:
        """A new need; for a bad rating that already has one, that one. The insert is the first statement, so
        two workers adding the need of one rating at once both get the same row (no read before it to go stale)."""
        now = self._stamp()
        with self.transaction():
            cur = self.db.execute(
                "INSERT INTO unmet_needs (citizen, channel, kind, status, question, entry_id, step, context, rating_id, "
                "detail, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (rating_id) WHERE rating_id IS NOT NULL DO NOTHING",
                [user, channel, NeedKind(kind).value, NeedStatus.NEW.value, question, entry_id, step, context,
                 rating_id, detail, now, now])
            if cur.rowcount == 1:
                return self._need(cur.lastrowid)
            return self._need(self.db.execute("SELECT id FROM unmet_needs WHERE rating_id = ?",
                                              [rating_id]).fetchone()[0])

    def _need(self, need_id: int) -> UnmetNeed:
        row = self.db["unmet_needs"].get(need_id)
        return record(UnmetNeed, row)

    def set_need_detail(self, need_id: int, detail: str) -> UnmetNeed:
        with self.transaction():
            self.db["unmet_needs"].update(need_id, {"detail": detail, "updated_at": self._stamp()})
            return self._need(need_id)

    def user_needs(self, user: str, statuses: tuple[NeedStatus, ...]) -> list[UnmetNeed]:
        """This user's needs in the given statuses, oldest first."""
        with self._lock:
            marks = ",".join("?" * len(statuses))
            rows = self.db["unmet_needs"].rows_where(f"citizen = ? AND status IN ({marks})",
                                                     [user, *(s.value for s in statuses)], order_by="id")
            return [record(UnmetNeed, r) for r in rows]

    def unmet_needs(self, status: NeedStatus | None = None) -> list[UnmetNeed]:
        with self._lock:
            rows = (self.db["unmet_needs"].rows_where("status = ?", [status.value], order_by="id")
                    if status else self.db["unmet_needs"].rows_where(order_by="id"))
            return [record(UnmetNeed, r) for r in rows]

    # call-back numbers, apart from the conversation
    def save_callback(self, need_id: int, user: str, phone: str, preferred_time: str | None = None) -> None:
        with self.transaction():
            self.db["callbacks"].upsert({"need_id": need_id, "citizen": user, "phone": phone,
                                         "preferred_time": preferred_time, "created_at": self._stamp()}, pk="need_id")

    def callback(self, need_id: int) -> Callback | None:
        with self._lock:
            rows = list(self.db["callbacks"].rows_where("need_id = ?", [need_id]))
        return record(Callback, rows[0]) if rows else None

    def offer_number(self, user: str, phone: str, preferred_time: str | None = None) -> None:
        with self.transaction():
            self.db["offered_numbers"].upsert({"citizen": user, "phone": phone, "preferred_time": preferred_time,
                                               "created_at": self._stamp()}, pk="citizen")

    def offered_number(self, user: str) -> OfferedNumber | None:
        with self._lock:
            rows = list(self.db["offered_numbers"].rows_where("citizen = ?", [user]))
        return record(OfferedNumber, rows[0]) if rows else None

    def drop_offered_number(self, user: str) -> bool:
        with self.transaction():
            deleted = self.db.execute("DELETE FROM offered_numbers WHERE citizen = ?", [user]).rowcount > 0
            self._checkpoint_due |= deleted
        return deleted

    def mark_answers_fetched(self, user: str, channel: str) -> int:
        with self.transaction():
            return self.db.execute("UPDATE unmet_needs SET delivery = 'fetched' WHERE citizen = ? AND channel = ? "
                                   "AND delivery = 'queued'", [user, channel]).rowcount

    def needs_with_callback(self) -> set[int]:
        with self._lock:
            return {r[0] for r in self.db.execute("SELECT need_id FROM callbacks").fetchall()}

    def delete_callback(self, need_id: int) -> bool:
        """Delete the number; secure_delete zeroes its page and the checkpoint clears it from the WAL file too."""
        with self.transaction():
            deleted = self.db.execute("DELETE FROM callbacks WHERE need_id = ?", [need_id]).rowcount > 0
            self._checkpoint_due |= deleted
        return deleted

    # consent and sessions
    def record_consent(self, user: str, channel: str, notice_version: str) -> bool:
        """True the first time this user is shown this privacy notice."""
        with self.transaction():
            cur = self.db.execute("INSERT OR IGNORE INTO consent (citizen, channel, notice_version, shown_at) "
                                  "VALUES (?, ?, ?, ?)", [user, channel, notice_version, self._stamp()])
            return cur.rowcount == 1

    def load_session(self, user: str) -> StoredSession | None:
        with self._lock:
            rows = list(self.db["sessions"].rows_where("citizen = ?", [user]))
        if not rows:
            return None
        return StoredSession(json.loads(rows[0]["state"]), epoch(rows[0]["updated_at"]), rows[0]["version"])

    def save_session(self, user: str, state: dict, updated_at: float, expected_version: int | None) -> int:
        """One statement either way: an insert that a stored session refuses, or an update that a newer version
        refuses (StaleSession: nothing written)."""
        text = json.dumps(state, ensure_ascii=False)
        with self.transaction():
            if expected_version is None:
                written = self.db.execute("INSERT INTO sessions (citizen, state, updated_at, version) "
                                          "VALUES (?, ?, ?, 1) ON CONFLICT (citizen) DO NOTHING",
                                          [user, text, iso(updated_at)]).rowcount
            else:
                written = self.db.execute("UPDATE sessions SET state = ?, updated_at = ?, version = version + 1 "
                                          "WHERE citizen = ? AND version = ?",
                                          [text, iso(updated_at), user, expected_version]).rowcount
            if written != 1:
                raise StaleSession(user)
        return 1 if expected_version is None else expected_version + 1

    # reaching citizens outside the request that asked
    def save_address(self, user: str, channel: str, address: str) -> None:
        with self.transaction():
            self.db["addresses"].upsert({"citizen": user, "channel": channel, "address": address,
                                         "updated_at": self._stamp()}, pk=("citizen", "channel"))

    def address(self, user: str, channel: str) -> str | None:
        with self._lock:
            rows = list(self.db["addresses"].rows_where("citizen = ? AND channel = ?", [user, channel]))
        return rows[0]["address"] if rows else None

    def queue_reply(self, user: str, channel: str, reply: str) -> None:
        with self.transaction():
            self.db["outbox"].insert({"citizen": user, "channel": channel, "reply": reply, "created_at": self._stamp()})

    def take_replies(self, user: str, channel: str) -> list[str]:
        """Queued replies, oldest first; taking them removes them. One statement: two workers answering the same
        page never both take a reply, nor does one fail on a snapshot the other's delete made stale."""
        with self.transaction():
            rows = self.db.execute("DELETE FROM outbox WHERE citizen = ? AND channel = ? RETURNING id, reply",
                                   [user, channel]).fetchall()
        return [reply for _, reply in sorted(rows)]   # RETURNING gives no order

    def record_delivery(self, user: str, channel: str, status: str, error: str | None, text: str | None) -> int:
        with self.transaction():
            return self.db["deliveries"].insert({"citizen": user, "channel": channel, "status": status, "error": error,
                                                 "text": text, "created_at": self._stamp()}).last_pk

    def deliveries(self, status: str | None = None) -> list[dict]:
        with self._lock:
            where, args = ("status = ?", [status]) if status else (None, None)
            return [port_row(r) for r in self.db["deliveries"].rows_where(where, args, order_by="id")]

    # turns acknowledged but not begun at shutdown, answered at the next start
    def park_turn(self, user: str, channel: str, event: str) -> None:
        with self.transaction():
            self.db["parked_turns"].insert({"citizen": user, "channel": channel, "event": event, "created_at": self._stamp()})

    def parked_turns(self, channel: str) -> list[tuple[int, str]]:
        """(id, event) of the channel's parked turns, oldest first."""
        with self._lock:
            return [(r["id"], r["event"]) for r in self.db["parked_turns"].rows_where("channel = ?", [channel],
                                                                                    order_by="id")]

    def unpark_turn(self, turn_id: int) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM parked_turns WHERE id = ?", [turn_id])

    def delete_user(self, user: str, requested_by: str = "citizen") -> dict[str, int]:
        """Delete every row about this user; keep a record that the request was carried out (who carried it
        out: the citizen in the chat, or a staff username)."""
        counts = {}
        with self.transaction():
            self.db.execute("DELETE FROM need_events WHERE need_id IN (SELECT id FROM unmet_needs WHERE citizen = ?)",
                            [user])
            for table in PERSONAL_TABLES:
                counts[table] = self.db.execute(f"DELETE FROM [{table}] WHERE citizen = ?", [user]).rowcount
            self.db["deletion_requests"].insert({"citizen": user, "requested_at": self._stamp(),
                                                 "rows_deleted": json.dumps(counts), "requested_by": requested_by})
            self._checkpoint_due = True  # with secure_delete, the deleted rows leave the WAL file too
        return counts
