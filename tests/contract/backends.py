"""The backends the storage contract suite runs on, and the few test-only hooks each must provide.

The suite (tests/contract/test_*.py) talks to a store only through the ports (bot.storage.Storage,
bot.desk_storage.DeskStorage). What the ports cannot do a backend provides here, once:

- `open(folder)`: a fresh, migrated, empty store;
- `again(store)`: a second connection to the same store (another `dvcbot serve` worker);
- `dated(iso)`: rows written inside the block are dated `iso` (the retention cases);
- `hold_before_write(store, reached, go_on)`: the store's thread stops just before its next INSERT, UPDATE or
  DELETE statement, sets `reached` and waits for `go_on` (the deterministic races); `release(store)` ends it;
- `tables_with_user(store)`: every table with a `user` column (the personal-data list must cover them).

A backend joins by adding an object with these methods to BACKENDS. PostgreSQL runs on the server named by
DVCBOT_TEST_DATABASE_URL (`bench/pg_test_server.sh start` makes a throwaway one; `.ci/run` always gives one);
without it, its cases are skipped with the reason.
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from unittest import mock

import pytest

from bot.desk_storage import CommunityStorage
from bot.sqlite_storage import SqliteStorage

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class SqliteBackend:
    """SqliteStorage on a real file in WAL mode, as deployed; a migrated template is copied per test."""

    name = "sqlite"

    def __init__(self) -> None:
        self._template: Path | None = None
        self._template_lock = threading.Lock()

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
        return SqliteStorage(path)

    def again(self, store: SqliteStorage) -> CommunityStorage:
        path = next(r[2] for r in store.db.execute("PRAGMA database_list").fetchall() if r[1] == "main")
        return SqliteStorage(path)

    @contextmanager
    def dated(self, iso: str) -> Iterator[None]:
        with mock.patch("bot.sqlite_storage._now", lambda: iso), mock.patch("bot.sqlite_desk._now", lambda: iso):
            yield

    def hold_before_write(self, store: SqliteStorage, reached: threading.Event, go_on: threading.Event) -> None:
        def trace(sql: str) -> None:
            if sql.lstrip().upper().startswith(_WRITES) and not reached.is_set():
                reached.set()
                go_on.wait(5)
        store.db.conn.set_trace_callback(trace)

    def release(self, store: SqliteStorage) -> None:
        store.db.conn.set_trace_callback(None)

    def tables_with_user(self, store: SqliteStorage) -> set[str]:
        return {t.name for t in store.db.tables if "user" in t.columns_dict}


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
        from bot.postgres_storage import PostgresStorage

        url = self._url()
        self._forget()
        schema = f"contract_{os.getpid()}_{folder.name[-12:]}".lower()
        schema = "".join(c if c.isalnum() else "_" for c in schema)
        in_schema = postgres_schema(url, schema)
        self._schemas.append(schema)
        return self._keep(PostgresStorage(in_schema, pool_size=4))

    def again(self, store) -> CommunityStorage:
        from bot.postgres_storage import PostgresStorage

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
        import datetime as dt

        at = dt.datetime.fromisoformat(iso).timestamp()
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
        return {r["table_name"] for r in store._run(
            "SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND column_name = 'citizen'").rows}


BACKENDS = [SqliteBackend(), PostgresBackend()]
