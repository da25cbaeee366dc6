"""The backends the storage contract suite runs on, and the few test-only hooks each must provide.

The suite (tests/contract/test_*.py) talks to a store only through the ports (bot.domain.chat_port.Storage,
bot.domain.desk_port.DeskStorage). What the ports cannot do a backend provides here, once:

- `open(folder)`: a fresh, migrated, empty store;
- `again(store)`: a second connection to the same store (another `dvcbot serve` worker);
- `dated(iso)`: rows written inside the block are dated `iso` (the retention cases);
- `hold_before_write(store, reached, go_on)`: the store's thread stops just before its next INSERT, UPDATE or
  DELETE statement, sets `reached` and waits for `go_on` (the deterministic races); `release(store)` ends it;
- `tables_with_user(store)`: every table with a citizen column (`citizen`; the personal-data list must cover them);
- `columns(store)`: {table: its column names}; `stored_rows(store, table)`: the rows as they are at rest, times as
  the stored text (a backend with a timestamp type gives them as ISO-8601 text);
- `schema(store)`: everything a migration may change plus the record of applied migrations, comparable with ==;
  `failing_migration()`: inside the block, the next open runs one more migration that changes the schema half-way
  and then fails;
- `open_previous(folder)` (optional): a store written by the schema before the `citizen` column, ISO times and
  session versions (m014), with one row per table, for the upgrade case; a new backend has no such past.

A backend joins by adding an object with these methods to BACKENDS. PostgreSQL runs on the server named by
DVCBOT_TEST_DATABASE_URL (`bench/pg_test_server.sh start` makes a throwaway one; `.ci/run` always gives one);
without it, its cases are skipped with the reason.
"""
from __future__ import annotations

import atexit
import os
import shutil
import sqlite3
import tempfile
import threading
import uuid
import weakref
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
import sqlite_utils

from bot.core.clock import SYSTEM_CLOCK, epoch
from bot.domain.chat_port import PERSON_COLUMN
from bot.domain.desk_port import CommunityStorage
from bot.storage import sqlite as sqlite_storage
from bot.storage.sqlite import SqliteStorage

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class SqliteBackend:
    """SqliteStorage on a real file in WAL mode, as deployed; a migrated template is copied per test."""

    name = "sqlite"

    def __init__(self) -> None:
        self._template: Path | None = None
        self._template_lock = threading.Lock()
        self._opened: weakref.WeakSet[SqliteStorage] = weakref.WeakSet()   # their clocks, for dated()

    def open(self, folder: Path) -> CommunityStorage:
        path = folder / "dvcbot.db"
        with self._template_lock:
            if self._template is None or not self._template.exists():
                folder_of_template = tempfile.mkdtemp(prefix="dvcbot-contract-")
                atexit.register(shutil.rmtree, folder_of_template, True)
                template = Path(folder_of_template) / "template.db"
                SqliteStorage(template).db.conn.close()   # migrations run once per test session
                self._template = template
        shutil.copyfile(self._template, path)
        return self._keep(SqliteStorage(path))

    def _keep(self, store: SqliteStorage) -> SqliteStorage:
        self._opened.add(store)
        return store

    def again(self, store: SqliteStorage) -> CommunityStorage:
        return self._keep(SqliteStorage(self._path(store), clock=store.clock))

    @staticmethod
    def _path(store: SqliteStorage) -> str:
        return next(r[2] for r in store.db.execute("PRAGMA database_list").fetchall() if r[1] == "main")

    @contextmanager
    def dated(self, iso: str) -> Iterator[None]:
        stores = list(self._opened)
        for store in stores:
            store.clock = lambda: epoch(iso)
        try:
            yield
        finally:
            for store in stores:
                store.clock = SYSTEM_CLOCK

    def hold_before_write(self, store: SqliteStorage, reached: threading.Event, go_on: threading.Event) -> None:
        def trace(sql: str) -> None:
            if sql.lstrip().upper().startswith(_WRITES) and not reached.is_set():
                reached.set()
                go_on.wait(5)
        store.db.conn.set_trace_callback(trace)

    def release(self, store: SqliteStorage) -> None:
        store.db.conn.set_trace_callback(None)

    def tables_with_user(self, store: SqliteStorage) -> set[str]:
        return {t.name for t in store.db.tables if PERSON_COLUMN in t.columns_dict}

    def columns(self, store: SqliteStorage) -> dict[str, set[str]]:
        return {t.name: set(t.columns_dict) for t in store.db.tables}

    def stored_rows(self, store: SqliteStorage, table: str) -> list[dict]:
        return list(store.db[table].rows)

    def schema(self, store: SqliteStorage) -> object:
        conn = sqlite3.connect(self._path(store))
        try:
            return (sorted(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall(), key=str),
                    sorted(conn.execute("SELECT name FROM _migrations").fetchall()))
        finally:
            conn.close()

    @contextmanager
    def failing_migration(self) -> Iterator[None]:
        def m999_fails_half_way(db: sqlite_utils.Database) -> None:
            db["messages"].add_column("half_way", str)
            db["half_way"].create({"id": int, "note": str}, pk="id")
            db.execute("CREATE INDEX idx_half_way ON messages(half_way)")
            db.execute("UPDATE messages SET text = 'đổi nửa chừng'")
            raise sqlite3.OperationalError("disk I/O error")

        entry = (m999_fails_half_way.__name__, m999_fails_half_way)
        sqlite_storage.MIGRATIONS.append(entry)
        try:
            yield
        finally:
            sqlite_storage.MIGRATIONS.remove(entry)

    def open_previous(self, folder: Path) -> CommunityStorage:
        from tests.contract.previous_schema import write_previous
        path = folder / "dvcbot.db"
        write_previous(path)
        return self._keep(SqliteStorage(path))


def postgres_schema(url: str, name: str) -> str:
    """A new, empty schema on the server at `url`; the URL of a connection that works in it."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{name}"')
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{name}"


def drop_postgres_schema(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


class PostgresBackend:
    """PostgresStorage on a real server, in a new schema per test (migrated by the store itself, as a worker
    starting on an empty database does); the stores of the test before are closed and their schema dropped."""

    name = "postgres"
    URL_VARIABLE = "DVCBOT_TEST_DATABASE_URL"

    def __init__(self) -> None:
        self._stores: list = []
        self._schemas: list[str] = []
        atexit.register(self._forget)

    def _url(self) -> str:
        url = os.environ.get(self.URL_VARIABLE, "")
        if not url:
            pytest.skip(f"{self.URL_VARIABLE} is not set: no PostgreSQL server to test on "
                        f"(bench/pg_test_server.sh start prints one)")
        return url

    def open(self, folder: Path) -> CommunityStorage:
        from bot.storage.postgres import PostgresStorage

        url = self._url()
        self._forget()
        schema = f"contract_{uuid.uuid4().hex[:16]}"
        in_schema = postgres_schema(url, schema)
        self._schemas.append(schema)
        return self._keep(PostgresStorage(in_schema, pool_size=4))

    def again(self, store) -> CommunityStorage:
        from bot.storage.postgres import PostgresStorage

        return self._keep(PostgresStorage(store.url, pool_size=4))

    def _keep(self, store):
        self._stores.append(store)
        return store

    def _forget(self) -> None:
        """Close the stores left open by the test before (the suite's fixtures do not close them), drop its schema."""
        for store in self._stores:
            store.close()
        self._stores.clear()
        url = os.environ.get(self.URL_VARIABLE, "")
        for schema in self._schemas if url else ():
            drop_postgres_schema(url, schema)
        self._schemas.clear()

    @contextmanager
    def dated(self, iso: str) -> Iterator[None]:
        at = epoch(iso)
        clocks = [(store, store.clock) for store in self._stores]
        for store, _ in clocks:
            store.clock = lambda: at
        try:
            yield
        finally:
            for store, clock in clocks:
                store.clock = clock

    def hold_before_write(self, store, reached: threading.Event, go_on: threading.Event) -> None:
        run = type(store)._run

        def held(query, args=()):
            text = query if isinstance(query, str) else query.as_string(None)
            if text.lstrip().upper().startswith(_WRITES) and not reached.is_set():
                reached.set()
                go_on.wait(5)
            return run(store, query, args)
        store._run = held

    def release(self, store) -> None:
        del store._run

    def tables_with_user(self, store) -> set[str]:
        return {t for t, names in self.columns(store).items() if PERSON_COLUMN in names}

    def columns(self, store) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for r in store._run("SELECT table_name, column_name FROM information_schema.columns "
                            "WHERE table_schema = current_schema()").rows:
            found.setdefault(r["table_name"], set()).add(r["column_name"])
        return found

    def stored_rows(self, store, table: str) -> list[dict]:
        return store._run(f'SELECT * FROM "{table}"').rows

    def schema(self, store) -> object:
        """Columns with their types, indexes, and the record of applied migrations."""
        def rows(query: str) -> list:
            return sorted(tuple(r.values()) for r in store._run(query).rows)
        return (rows("SELECT table_name, column_name, data_type, is_nullable, column_default "
                     "FROM information_schema.columns WHERE table_schema = current_schema()"),
                rows("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"),
                rows("SELECT name FROM _migrations"))

    @contextmanager
    def failing_migration(self) -> Iterator[None]:
        import bot.storage.postgres as pg

        entry = ("m999_fails_half_way", "ALTER TABLE messages ADD COLUMN half_way TEXT; "
                 "CREATE TABLE half_way (id BIGINT PRIMARY KEY, note TEXT); "
                 "CREATE INDEX half_way_index ON messages (half_way); "
                 "UPDATE messages SET text = 'đổi nửa chừng'; SELECT 1 / 0")
        pg.MIGRATIONS.append(entry)
        try:
            yield
        finally:
            pg.MIGRATIONS.remove(entry)


BACKENDS = [SqliteBackend(), PostgresBackend()]
