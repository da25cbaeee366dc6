"""PostgreSQL implementation of the storage ports (psycopg 3 and a connection pool), for several workers sharing
one database (DVCBOT_DATABASE_URL=postgresql://…); SQLite (bot.storage.sqlite) stays the embedded default.

A thread's transaction holds one pooled connection until it ends; calls made inside it (by the same thread) run
on that connection, nested blocks become savepoints, and a call outside any block is one autocommitted statement.
Where a port needs atomicity beyond one statement, a transaction-scoped advisory lock serialises just that: a
citizen's session (load, change, save), login attempts, the default team, migrations.
"""
from __future__ import annotations

import json
import threading
from contextlib import contextmanager
from typing import Iterator, Sequence

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool, PoolTimeout

from bot.core.clock import SYSTEM_CLOCK, Clock, epoch, iso
from bot.domain.chat_port import (
    PERSONAL_TABLES,
    Callback,
    DatabaseUnavailable,
    NeedKind,
    NeedStatus,
    OfferedNumber,
    Rating,
    StaleSession,
    StoredSession,
    UnmetNeed,
    rating_keeps_reason,
)
from bot.storage.postgres_desk import PostgresDeskTables, Result
from bot.storage.postgres_knowledge import PostgresKnowledgeTables
from bot.storage.postgres_schema import MIGRATIONS
from bot.storage.postgres_tokens import PostgresTokenTables
from bot.storage.postgres_turns import PostgresSharedTurns
from bot.storage.rows import need_of, port_row

SCHEMES = ("postgresql://", "postgres://")


def where(url: str) -> str:
    """host:port/database of a URL, for messages (the password is left out)."""
    info = conninfo_to_dict(url)
    return f"{info.get('host', 'localhost')}:{info.get('port', 5432)}/{info.get('dbname', '')}"


def _why(url: str) -> str:
    """What the server or the network said to one direct attempt (libpq's words: never the password)."""
    try:
        psycopg.connect(url, connect_timeout=5).close()
    except psycopg.Error as exc:
        return ": " + " ".join(line.strip() for line in str(exc).splitlines() if line.strip()).rstrip(".")
    return ""


class PostgresStorage(PostgresSharedTurns, PostgresDeskTables, PostgresTokenTables, PostgresKnowledgeTables):
    def __init__(self, url: str, clock: Clock = SYSTEM_CLOCK, pool_size: int = 10, connect_timeout_s: float = 15) -> None:
        self.url = url
        self.clock = clock
        self._local = threading.local()   # the thread's transaction connection, per store
        self.pool = ConnectionPool(url, min_size=1, max_size=pool_size, open=False, name="dvcbot",
                                   kwargs={"autocommit": True, "row_factory": dict_row},
                                   check=ConnectionPool.check_connection)   # a restarted server: reconnect
        self.pool.open()
        try:
            self.pool.wait(timeout=connect_timeout_s)
            self.migrate()
        except PoolTimeout:
            self.pool.close()
            raise DatabaseUnavailable(f"Không kết nối được cơ sở dữ liệu PostgreSQL {where(url)} "
                                      f"(DVCBOT_DATABASE_URL) sau {connect_timeout_s:g} giây{_why(url)}.") from None
        except BaseException:
            self.pool.close()   # a failed migration: no connections left behind
            raise

    def close(self) -> None:
        self.pool.close()

    # connections and transactions
    @contextmanager
    def _conn(self) -> Iterator[psycopg.Connection]:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            yield conn
            return
        with self.pool.connection() as conn:
            yield conn

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Writes inside commit together, once, or not at all; nested blocks are savepoints (a failed one takes
        back only its own writes). The connection stays with this thread until the outermost block ends."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            with conn.transaction():
                yield
            return
        with self.pool.connection() as conn:
            self._local.conn = conn
            try:
                with conn.transaction():
                    yield
            finally:
                self._local.conn = None

    def _run(self, query: str | sql.Composable, args: Sequence = ()) -> Result:
        """One statement, on the thread's transaction if one is open. PostgreSQL text cannot hold NUL characters
        (SQLite can): they are dropped, a citizen's message keeps every other character."""
        args = [a.replace("\x00", "") if isinstance(a, str) else a for a in args]
        with self._conn() as conn:
            cur = conn.execute(query, args or None)
            return Result(cur.rowcount, cur.fetchall() if cur.description else [])

    def _lock(self, name: str) -> None:
        """Wait for, then hold until the transaction ends, the advisory lock named `name` (in this database)."""
        assert getattr(self._local, "conn", None) is not None, "an advisory lock needs a transaction"
        self._run("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"dvcbot:{name}"])

    def migrate(self) -> list[str]:
        """Apply migrations not yet applied; returns their names. Each runs with its record in one transaction
        (PostgreSQL's DDL is transactional: one that fails leaves nothing behind) under an advisory lock, so of two
        workers starting together one applies it and the other, having waited, finds it recorded."""
        applied = []
        for name, ddl in MIGRATIONS:
            with self.transaction():
                self._lock("migrations")
                self._run("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
                if self._run("SELECT 1 FROM _migrations WHERE name = %s", [name]).rows:
                    continue
                self._run(ddl)
                self._run("INSERT INTO _migrations (name, applied_at) VALUES (%s, %s)", [name, self._now()])
            applied.append(name)
        return applied

    # messages
    def add_message(self, user: str, channel: str, direction: str, text: str | None,
                    payload: str | None = None, entry_id: str | None = None, reply_to: int | None = None,
                    message_id: str | None = None) -> int | None:
        """The new row's id, or None when this channel delivered `message_id` before (a worker inserting the same
        delivery at once waits for the first one's transaction, then inserts nothing)."""
        with self.transaction():
            rows = self._run(
                "INSERT INTO messages (citizen, channel, direction, text, payload, entry_id, reply_to, message_id, "
                "created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (channel, message_id) WHERE message_id IS NOT NULL DO NOTHING RETURNING id",
                [user, channel, direction, text, payload, entry_id, reply_to, message_id, self._now()]).rows
        return rows[0]["id"] if rows else None

    def recent_messages(self, user: str, limit: int) -> list[dict]:
        rows = self._run("SELECT * FROM messages WHERE citizen = %s ORDER BY id DESC LIMIT %s", [user, limit]).rows
        return [port_row(r) for r in reversed(rows)]

    def message(self, message_id: int) -> dict | None:
        row = self._one("SELECT * FROM messages WHERE id = %s", [message_id])
        return port_row(row) if row else None

    # ratings
    def rate(self, answer_id: int, user: str, channel: str, question: str | None, entry_id: str | None,
             value: str) -> Rating:
        """One rating per answer and user: rating again changes it, never adds a second."""
        now = self._now()
        with self.transaction():
            row = self._run(
                "INSERT INTO ratings (answer_id, citizen, channel, question, entry_id, value, created_at, updated_at) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (answer_id, citizen) DO UPDATE SET "
                "value = excluded.value, updated_at = excluded.updated_at, "
                "reason = CASE WHEN %s THEN ratings.reason END RETURNING *",
                [answer_id, user, channel, question, entry_id, value, now, now, rating_keeps_reason(value)]).rows[0]
        return _rating(row)

    def set_rating_reason(self, rating_id: int, user: str, reason: str | None = None,
                          comment: str | None = None) -> Rating | None:
        with self.transaction():
            rows = self._run("UPDATE ratings SET reason = COALESCE(%s, reason), comment = COALESCE(%s, comment), "
                             "updated_at = %s WHERE id = %s AND citizen = %s RETURNING *",
                             [reason, comment, self._now(), rating_id, user]).rows
        return _rating(rows[0]) if rows else None

    def ratings(self) -> list[Rating]:
        return [_rating(r) for r in self._run("SELECT * FROM ratings ORDER BY id").rows]

    # unmet needs
    def add_unmet_need(self, user: str, channel: str, kind: NeedKind, question: str | None = None,
                       entry_id: str | None = None, step: int | None = None, context: str | None = None,
                       rating_id: int | None = None, detail: str | None = None) -> UnmetNeed:
        """A new need; for a bad rating that already has one, that one (two workers at once: the same row)."""
        now = self._now()
        with self.transaction():
            rows = self._run(
                "INSERT INTO unmet_needs (citizen, channel, kind, status, question, entry_id, step, context, "
                "rating_id, detail, created_at, updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (rating_id) WHERE rating_id IS NOT NULL DO NOTHING RETURNING *",
                [user, channel, NeedKind(kind).value, NeedStatus.NEW.value, question, entry_id, step, context,
                 rating_id, detail, now, now]).rows
            if not rows:
                rows = self._run("SELECT * FROM unmet_needs WHERE rating_id = %s", [rating_id]).rows
        return need_of(rows[0])

    def set_need_detail(self, need_id: int, detail: str) -> UnmetNeed:
        with self.transaction():
            return need_of(self._run("UPDATE unmet_needs SET detail = %s, updated_at = %s WHERE id = %s RETURNING *",
                                     [detail, self._now(), need_id]).rows[0])

    def user_needs(self, user: str, statuses: tuple[NeedStatus, ...]) -> list[UnmetNeed]:
        """This user's needs in the given statuses, oldest first."""
        rows = self._run("SELECT * FROM unmet_needs WHERE citizen = %s AND status = ANY(%s) ORDER BY id",
                         [user, [NeedStatus(s).value for s in statuses]]).rows
        return [need_of(r) for r in rows]

    def unmet_needs(self, status: NeedStatus | None = None) -> list[UnmetNeed]:
        if status:
            rows = self._run("SELECT * FROM unmet_needs WHERE status = %s ORDER BY id", [NeedStatus(status).value]).rows
        else:
            rows = self._run("SELECT * FROM unmet_needs ORDER BY id").rows
        return [need_of(r) for r in rows]

    # call-back numbers, apart from the conversation
    def save_callback(self, need_id: int, user: str, phone: str, preferred_time: str | None = None) -> None:
        with self.transaction():
            self._run("INSERT INTO callbacks (need_id, citizen, phone, preferred_time, created_at) "
                      "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (need_id) DO UPDATE SET citizen = excluded.citizen, "
                      "phone = excluded.phone, preferred_time = excluded.preferred_time, "
                      "created_at = excluded.created_at", [need_id, user, phone, preferred_time, self._now()])

    def callback(self, need_id: int) -> Callback | None:
        row = self._one("SELECT need_id, citizen, phone, preferred_time FROM callbacks WHERE need_id = %s", [need_id])
        return Callback(*row.values()) if row else None

    def offer_number(self, user: str, phone: str, preferred_time: str | None = None) -> None:
        with self.transaction():
            self._run("INSERT INTO offered_numbers (citizen, phone, preferred_time, created_at) "
                      "VALUES (%s, %s, %s, %s) ON CONFLICT (citizen) DO UPDATE SET phone = excluded.phone, "
                      "preferred_time = excluded.preferred_time, created_at = excluded.created_at",
                      [user, phone, preferred_time, self._now()])

    def offered_number(self, user: str) -> OfferedNumber | None:
        row = self._one("SELECT citizen, phone, preferred_time FROM offered_numbers WHERE citizen = %s", [user])
        return OfferedNumber(*row.values()) if row else None

    def drop_offered_number(self, user: str) -> bool:
        with self.transaction():
            return self._run("DELETE FROM offered_numbers WHERE citizen = %s", [user]).rowcount > 0

    def mark_answers_fetched(self, user: str, channel: str) -> int:
        with self.transaction():
            return self._run("UPDATE unmet_needs SET delivery = 'fetched' WHERE citizen = %s AND channel = %s "
                             "AND delivery = 'queued'", [user, channel]).rowcount

    def needs_with_callback(self) -> set[int]:
        return {r["need_id"] for r in self._run("SELECT need_id FROM callbacks").rows}

    def delete_callback(self, need_id: int) -> bool:
        with self.transaction():
            return self._run("DELETE FROM callbacks WHERE need_id = %s", [need_id]).rowcount > 0

    # consent and sessions
    def record_consent(self, user: str, channel: str, notice_version: str) -> bool:
        """True the first time this user is shown this privacy notice."""
        with self.transaction():
            return self._run("INSERT INTO consent (citizen, channel, notice_version, shown_at) "
                             "VALUES (%s, %s, %s, %s) ON CONFLICT (citizen) DO NOTHING",
                             [user, channel, notice_version, self._now()]).rowcount == 1

    def load_session(self, user: str) -> StoredSession | None:
        """Inside a transaction, the citizen's session lock is taken first and held to its end: a second turn of
        this citizen loads only after the first one saved (or gave up), so it is not refused for a stale load."""
        if getattr(self._local, "conn", None) is not None:
            self._lock(f"session:{user}")
        row = self._one("SELECT state, updated_at, version FROM sessions WHERE citizen = %s", [user])
        return StoredSession(json.loads(row["state"]), epoch(row["updated_at"]), row["version"]) if row else None

    def save_session(self, user: str, state: dict, updated_at: float, expected_version: int | None) -> int:
        """Compare-and-set on the version (a load outside a transaction may be stale): an insert a stored session
        refuses, or an update a newer version refuses; StaleSession then, nothing written."""
        text = json.dumps(state, ensure_ascii=False)
        with self.transaction():
            self._lock(f"session:{user}")
            if expected_version is None:
                rows = self._run("INSERT INTO sessions (citizen, state, updated_at, version) VALUES (%s, %s, %s, 1) "
                                 "ON CONFLICT (citizen) DO NOTHING RETURNING version",
                                 [user, text, iso(updated_at)]).rows
            else:
                rows = self._run("UPDATE sessions SET state = %s, updated_at = %s, version = version + 1 "
                                 "WHERE citizen = %s AND version = %s RETURNING version",
                                 [text, iso(updated_at), user, expected_version]).rows
            if not rows:
                raise StaleSession(user)
        return rows[0]["version"]

    # reaching citizens outside the request that asked
    def save_address(self, user: str, channel: str, address: str) -> None:
        with self.transaction():
            self._run("INSERT INTO addresses (citizen, channel, address, updated_at) VALUES (%s, %s, %s, %s) "
                      "ON CONFLICT (citizen, channel) DO UPDATE SET address = excluded.address, "
                      "updated_at = excluded.updated_at", [user, channel, address, self._now()])

    def address(self, user: str, channel: str) -> str | None:
        row = self._one("SELECT address FROM addresses WHERE citizen = %s AND channel = %s", [user, channel])
        return row["address"] if row else None

    def queue_reply(self, user: str, channel: str, reply: str) -> None:
        with self.transaction():
            self._run("INSERT INTO outbox (citizen, channel, reply, created_at) VALUES (%s, %s, %s, %s)",
                      [user, channel, reply, self._now()])

    def take_replies(self, user: str, channel: str) -> list[str]:
        """Queued replies, oldest first; taking them removes them. One statement: a worker deleting rows another
        one is deleting waits for it, then skips the rows it took, so no reply is handed out twice."""
        with self.transaction():
            rows = self._run("DELETE FROM outbox WHERE citizen = %s AND channel = %s RETURNING id, reply",
                             [user, channel]).rows
        return [r["reply"] for r in sorted(rows, key=lambda r: r["id"])]

    def record_delivery(self, user: str, channel: str, status: str, error: str | None, text: str | None) -> int:
        with self.transaction():
            return self._run("INSERT INTO deliveries (citizen, channel, status, error, text, created_at) "
                             "VALUES (%s, %s, %s, %s, %s, %s) RETURNING id",
                             [user, channel, status, error, text, self._now()]).rows[0]["id"]

    def deliveries(self, status: str | None = None) -> list[dict]:
        if status:
            rows = self._run("SELECT * FROM deliveries WHERE status = %s ORDER BY id", [status]).rows
        else:
            rows = self._run("SELECT * FROM deliveries ORDER BY id").rows
        return [port_row(r) for r in rows]

    # turns acknowledged but not begun at shutdown, answered at the next start
    def park_turn(self, user: str, channel: str, event: str) -> None:
        with self.transaction():
            self._run("INSERT INTO parked_turns (citizen, channel, event, created_at) VALUES (%s, %s, %s, %s)",
                      [user, channel, event, self._now()])

    def parked_turns(self, channel: str) -> list[tuple[int, str]]:
        """(id, event) of the channel's parked turns, oldest first."""
        return [(r["id"], r["event"]) for r in self._run("SELECT id, event FROM parked_turns WHERE channel = %s "
                                                         "ORDER BY id", [channel]).rows]

    def unpark_turn(self, turn_id: int) -> None:
        with self.transaction():
            self._run("DELETE FROM parked_turns WHERE id = %s", [turn_id])

    def delete_user(self, user: str, requested_by: str = "citizen") -> dict[str, int]:
        """Delete every row about this user; keep a record that the request was carried out (and by whom).
        PostgreSQL frees the deleted rows' space at its next VACUUM (autovacuum), as it does for every delete."""
        counts = {}
        with self.transaction():
            self._run("DELETE FROM need_events WHERE need_id IN (SELECT id FROM unmet_needs WHERE citizen = %s)",
                      [user])
            for table in PERSONAL_TABLES:
                counts[table] = self._run(f"DELETE FROM {table} WHERE citizen = %s", [user]).rowcount
            self._run("INSERT INTO deletion_requests (citizen, requested_at, rows_deleted, requested_by) "
                      "VALUES (%s, %s, %s, %s)", [user, self._now(), json.dumps(counts), requested_by])
        return counts


def _rating(row: dict) -> Rating:
    row = port_row(row)
    return Rating(**{k: row[k] for k in Rating.__dataclass_fields__})
