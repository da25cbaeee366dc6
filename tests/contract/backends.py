"""The backends the storage contract suite runs on, and the few test-only hooks each must provide.

The suite (tests/contract/test_*.py) talks to a store only through the ports (bot.domain.chat_port.Storage,
bot.domain.desk_port.DeskStorage). What the ports cannot do a backend provides here, once:

- `open(folder)`: a fresh, migrated, empty store;
- `again(store)`: a second connection to the same store (another `dvcbot serve` worker);
- `dated(iso)`: rows written inside the block are dated `iso` (the retention cases);
- `hold_before_write(store, reached, go_on)`: the store's thread stops just before its next INSERT, UPDATE or
  DELETE statement, sets `reached` and waits for `go_on` (the deterministic races); `release(store)` ends it;
- `tables_with_user(store)`: every table with a `user` column (the personal-data list must cover them).

A backend joins by adding an object with these methods to BACKENDS (issue 21: PostgreSQL).
"""
from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from unittest import mock

from bot.domain.desk_port import CommunityStorage
from bot.storage.sqlite import SqliteStorage

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
        with mock.patch("bot.storage.sqlite._now", lambda: iso), mock.patch("bot.storage.sqlite_desk._now", lambda: iso):
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


BACKENDS = [SqliteBackend()]
