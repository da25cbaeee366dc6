"""SQLite implementation of Storage (sqlite-utils), with numbered migrations.

WAL mode and a busy timeout let the web server, the CLI and admin exports use
one file at once; migrations upgrade a deployed database in place.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import sqlite_utils

from bot.domain.chat_port import Callback, NeedKind, NeedStatus, OfferedNumber, Rating, UnmetNeed
from bot.storage.sqlite_desk import DESK_MIGRATIONS, PERSONAL_TABLES, SqliteDeskTables

MIGRATIONS: list[tuple[str, Callable[[sqlite_utils.Database], None]]] = []


def migration(fn: Callable[[sqlite_utils.Database], None]) -> Callable[[sqlite_utils.Database], None]:
    MIGRATIONS.append((fn.__name__, fn))
    return fn


@migration
def m001_messages_ratings_needs(db: sqlite_utils.Database) -> None:
    db["messages"].create({"id": int, "user": str, "channel": str, "direction": str, "text": str,
                           "payload": str, "entry_id": str, "reply_to": int, "created_at": str}, pk="id")
    db["messages"].create_index(["user", "id"])
    db["ratings"].create({"id": int, "answer_id": int, "user": str, "channel": str, "question": str,
                          "entry_id": str, "value": str, "reason": str, "comment": str,
                          "created_at": str, "updated_at": str}, pk="id")
    db["ratings"].create_index(["answer_id", "user"], unique=True)
    db["unmet_needs"].create({"id": int, "user": str, "channel": str, "kind": str, "status": str,
                              "question": str, "entry_id": str, "step": int, "context": str,
                              "rating_id": int, "created_at": str, "updated_at": str}, pk="id")
    db["unmet_needs"].create_index(["status"])
    # one unmet need per bad rating, however often the citizen presses 👎
    db.execute("CREATE UNIQUE INDEX idx_unmet_needs_rating ON unmet_needs(rating_id) WHERE rating_id IS NOT NULL")


@migration
def m002_consent_sessions_deletions(db: sqlite_utils.Database) -> None:
    db["consent"].create({"user": str, "channel": str, "notice_version": str, "shown_at": str}, pk="user")
    db["sessions"].create({"user": str, "state": str, "updated_at": float}, pk="user")
    db["deletion_requests"].create({"id": int, "user": str, "requested_at": str, "rows_deleted": str}, pk="id")


@migration
def m003_delivery_ids_addresses_outbox(db: sqlite_utils.Database) -> None:
    db["messages"].add_column("message_id", str)
    # a channel that delivers the same message twice (webhook retries) gets one stored row and one reply
    db.execute("CREATE UNIQUE INDEX idx_messages_delivery ON messages(channel, message_id) "
               "WHERE message_id IS NOT NULL")
    db["addresses"].create({"user": str, "channel": str, "address": str, "updated_at": str}, pk=("user", "channel"))
    db["outbox"].create({"id": int, "user": str, "channel": str, "reply": str, "created_at": str}, pk="id")
    db["outbox"].create_index(["user", "channel", "id"])
    db["deliveries"].create({"id": int, "user": str, "channel": str, "status": str, "error": str,
                             "text": str, "created_at": str}, pk="id")
    db["deliveries"].create_index(["status"])


@migration
def m004_need_details_callbacks(db: sqlite_utils.Database) -> None:
    # what the citizen said about a ticket ("kẹt ở chỗ nào"), redacted like every other text
    db["unmet_needs"].add_column("detail", str)
    db["unmet_needs"].create_index(["user", "status"])
    # a phone number left for a call back: kept apart from the redacted conversation, one per ticket
    db["callbacks"].create({"need_id": int, "user": str, "phone": str, "created_at": str}, pk="need_id")


@migration
def m008_parked_turns(db: sqlite_utils.Database) -> None:
    # turns a webhook acknowledged but the server stopped before beginning: the channel's event, its text redacted
    db["parked_turns"].create({"id": int, "user": str, "channel": str, "event": str, "created_at": str}, pk="id")
    db["parked_turns"].create_index(["channel", "id"])


@migration
def m009_callback_preferred_time(db: sqlite_utils.Database) -> None:
    # "gọi buổi chiều": staff call when the citizen can answer
    db["callbacks"].add_column("preferred_time", str)


@migration
def m013_offered_numbers(db: sqlite_utils.Database) -> None:
    # "gọi cho e đi 0938112457": the number waits here, not in the conversation, until the citizen says "có"
    db["offered_numbers"].create({"user": str, "phone": str, "preferred_time": str, "created_at": str}, pk="user")


MIGRATIONS.extend(DESK_MIGRATIONS)  # m005 onwards (bot/storage/sqlite_desk.py); migrate() applies them in name order
DATA_FILE_MODE = 0o600  # the database holds citizens' data: its owner only, like secret.key


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


class SqliteStorage(SqliteDeskTables):
    def __init__(self, path: Path | str) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, DATA_FILE_MODE))
            os.chmod(path, DATA_FILE_MODE)  # SQLite gives its -wal and -shm files the database file's mode
        conn = sqlite3.connect(str(path), check_same_thread=False, timeout=10)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA busy_timeout=10000")
        conn.execute("PRAGMA secure_delete=ON")  # deleted rows are overwritten, not left in free pages
        self.db = sqlite_utils.Database(conn)
        self._lock = threading.RLock()
        self._checkpoint_due = False
        self.migrate()

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
                    table.insert({"name": name, "applied_at": _now()})
                applied.append(name)
            return applied

    # messages
    def add_message(self, user: str, channel: str, direction: str, text: str | None,
                    payload: str | None = None, entry_id: str | None = None, reply_to: int | None = None,
                    message_id: str | None = None) -> int | None:
        """The new row's id, or None when this channel delivered `message_id` before."""
        with self.transaction():
            cur = self.db.execute(
                "INSERT OR IGNORE INTO messages (user, channel, direction, text, payload, entry_id, reply_to, "
                "message_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [user, channel, direction, text, payload, entry_id, reply_to, message_id, _now()])
            return cur.lastrowid if cur.rowcount == 1 else None

    def recent_messages(self, user: str, limit: int) -> list[dict]:
        with self._lock:
            rows = self.db["messages"].rows_where("user = ?", [user], order_by="id desc", limit=limit)
            return list(reversed(list(rows)))

    def message(self, message_id: int) -> dict | None:
        with self._lock:
            rows = list(self.db["messages"].rows_where("id = ?", [message_id]))
            return rows[0] if rows else None

    # ratings
    def rate(self, answer_id: int, user: str, channel: str, question: str | None, entry_id: str | None,
             value: str) -> Rating:
        """One rating per answer and user: rating again changes it, never adds a second."""
        now = _now()
        with self.transaction():
            self.db.execute(
                "INSERT INTO ratings (answer_id, user, channel, question, entry_id, value, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(answer_id, user) DO UPDATE SET "
                "value = excluded.value, updated_at = excluded.updated_at, "
                "reason = CASE WHEN excluded.value = 'up' THEN NULL ELSE reason END",
                [answer_id, user, channel, question, entry_id, value, now, now])
            row = next(self.db["ratings"].rows_where("answer_id = ? AND user = ?", [answer_id, user]))
        return Rating(**{k: row[k] for k in Rating.__dataclass_fields__})

    def set_rating_reason(self, rating_id: int, user: str, reason: str | None = None,
                          comment: str | None = None) -> Rating | None:
        with self.transaction():
            rows = list(self.db["ratings"].rows_where("id = ? AND user = ?", [rating_id, user]))
            if not rows:
                return None
            changes = {"updated_at": _now()}
            if reason is not None:
                changes["reason"] = reason
            if comment is not None:
                changes["comment"] = comment
            row = self.db["ratings"].update(rating_id, changes).get(rating_id)
        return Rating(**{k: row[k] for k in Rating.__dataclass_fields__})

    def ratings(self) -> list[Rating]:
        with self._lock:
            return [Rating(**{k: r[k] for k in Rating.__dataclass_fields__}) for r in self.db["ratings"].rows]

    # unmet needs
    def add_unmet_need(self, user: str, channel: str, kind: NeedKind, question: str | None = None,
                       entry_id: str | None = None, step: int | None = None, context: str | None = None,
                       rating_id: int | None = None, detail: str | None = None) -> UnmetNeed:
        """A new need; for a bad rating that already has one, that one. The insert is the first statement, so
        two workers adding the need of one rating at once both get the same row (no read before it to go stale)."""
        now = _now()
        with self.transaction():
            cur = self.db.execute(
                "INSERT INTO unmet_needs (user, channel, kind, status, question, entry_id, step, context, rating_id, "
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
        return UnmetNeed(**{k: row[k] for k in UnmetNeed.__dataclass_fields__})

    def set_need_detail(self, need_id: int, detail: str) -> UnmetNeed:
        with self.transaction():
            self.db["unmet_needs"].update(need_id, {"detail": detail, "updated_at": _now()})
            return self._need(need_id)

    def user_needs(self, user: str, statuses: tuple[NeedStatus, ...]) -> list[UnmetNeed]:
        """This user's needs in the given statuses, oldest first."""
        with self._lock:
            marks = ",".join("?" * len(statuses))
            rows = self.db["unmet_needs"].rows_where(f"user = ? AND status IN ({marks})",
                                                     [user, *(s.value for s in statuses)], order_by="id")
            return [UnmetNeed(**{k: r[k] for k in UnmetNeed.__dataclass_fields__}) for r in rows]

    def unmet_needs(self, status: NeedStatus | None = None) -> list[UnmetNeed]:
        with self._lock:
            rows = (self.db["unmet_needs"].rows_where("status = ?", [status.value], order_by="id")
                    if status else self.db["unmet_needs"].rows_where(order_by="id"))
            return [UnmetNeed(**{k: r[k] for k in UnmetNeed.__dataclass_fields__}) for r in rows]

    # call-back numbers, apart from the conversation
    def save_callback(self, need_id: int, user: str, phone: str, preferred_time: str | None = None) -> None:
        with self.transaction():
            self.db["callbacks"].upsert({"need_id": need_id, "user": user, "phone": phone,
                                         "preferred_time": preferred_time, "created_at": _now()}, pk="need_id")

    def callback(self, need_id: int) -> Callback | None:
        with self._lock:
            rows = list(self.db["callbacks"].rows_where("need_id = ?", [need_id]))
        return Callback(**{k: rows[0][k] for k in Callback.__dataclass_fields__}) if rows else None

    def offer_number(self, user: str, phone: str, preferred_time: str | None = None) -> None:
        with self.transaction():
            self.db["offered_numbers"].upsert({"user": user, "phone": phone, "preferred_time": preferred_time,
                                               "created_at": _now()}, pk="user")

    def offered_number(self, user: str) -> OfferedNumber | None:
        with self._lock:
            rows = list(self.db["offered_numbers"].rows_where("user = ?", [user]))
        return OfferedNumber(**{k: rows[0][k] for k in OfferedNumber.__dataclass_fields__}) if rows else None

    def drop_offered_number(self, user: str) -> bool:
        with self.transaction():
            deleted = self.db.execute("DELETE FROM offered_numbers WHERE user = ?", [user]).rowcount > 0
            self._checkpoint_due |= deleted
        return deleted

    def mark_answers_fetched(self, user: str, channel: str) -> int:
        with self.transaction():
            return self.db.execute("UPDATE unmet_needs SET delivery = 'fetched' WHERE user = ? AND channel = ? "
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
            cur = self.db.execute("INSERT OR IGNORE INTO consent (user, channel, notice_version, shown_at) "
                                  "VALUES (?, ?, ?, ?)", [user, channel, notice_version, _now()])
            return cur.rowcount == 1

    def load_session(self, user: str) -> tuple[dict, float] | None:
        with self._lock:
            rows = list(self.db["sessions"].rows_where("user = ?", [user]))
        return (json.loads(rows[0]["state"]), rows[0]["updated_at"]) if rows else None

    def save_session(self, user: str, state: dict, updated_at: float) -> None:
        with self.transaction():
            self.db["sessions"].upsert({"user": user, "state": json.dumps(state, ensure_ascii=False),
                                        "updated_at": updated_at}, pk="user")

    # reaching citizens outside the request that asked
    def save_address(self, user: str, channel: str, address: str) -> None:
        with self.transaction():
            self.db["addresses"].upsert({"user": user, "channel": channel, "address": address,
                                         "updated_at": _now()}, pk=("user", "channel"))

    def address(self, user: str, channel: str) -> str | None:
        with self._lock:
            rows = list(self.db["addresses"].rows_where("user = ? AND channel = ?", [user, channel]))
        return rows[0]["address"] if rows else None

    def queue_reply(self, user: str, channel: str, reply: str) -> None:
        with self.transaction():
            self.db["outbox"].insert({"user": user, "channel": channel, "reply": reply, "created_at": _now()})

    def take_replies(self, user: str, channel: str) -> list[str]:
        """Queued replies, oldest first; taking them removes them. One statement: two workers answering the same
        page never both take a reply, nor does one fail on a snapshot the other's delete made stale."""
        with self.transaction():
            rows = self.db.execute("DELETE FROM outbox WHERE user = ? AND channel = ? RETURNING id, reply",
                                   [user, channel]).fetchall()
        return [reply for _, reply in sorted(rows)]   # RETURNING gives no order

    def record_delivery(self, user: str, channel: str, status: str, error: str | None, text: str | None) -> int:
        with self.transaction():
            return self.db["deliveries"].insert({"user": user, "channel": channel, "status": status, "error": error,
                                                 "text": text, "created_at": _now()}).last_pk

    def deliveries(self, status: str | None = None) -> list[dict]:
        with self._lock:
            where, args = ("status = ?", [status]) if status else (None, None)
            return list(self.db["deliveries"].rows_where(where, args, order_by="id"))

    # turns acknowledged but not begun at shutdown, answered at the next start
    def park_turn(self, user: str, channel: str, event: str) -> None:
        with self.transaction():
            self.db["parked_turns"].insert({"user": user, "channel": channel, "event": event, "created_at": _now()})

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
            self.db.execute("DELETE FROM need_events WHERE need_id IN (SELECT id FROM unmet_needs WHERE user = ?)",
                            [user])
            for table in PERSONAL_TABLES:
                counts[table] = self.db.execute(f"DELETE FROM [{table}] WHERE user = ?", [user]).rowcount
            self.db["deletion_requests"].insert({"user": user, "requested_at": _now(),
                                                 "rows_deleted": json.dumps(counts), "requested_by": requested_by})
            self._checkpoint_due = True  # with secure_delete, the deleted rows leave the WAL file too
        return counts
