"""SQLite migration m014: the `citizen` column, ISO times at rest everywhere, a version per saved session.

Kept apart from the first thirteen migrations (bot/storage/sqlite.py, bot/storage/sqlite_desk.py), which stay as they were
written: a deployed database replays none of them, a new one runs them all and then this.
"""
from __future__ import annotations

from typing import Callable

import sqlite_utils

from bot.core.clock import iso
from bot.domain.chat_port import PERSON_COLUMN

# the columns that held epoch seconds (REAL) before m014
EPOCH_COLUMNS = {"sessions": ("updated_at",), "staff_sessions": ("created_at", "expires_at"),
                 "login_failures": ("at",), "jobs": ("last_run",)}


def m014_citizen_column_iso_times_session_version(db: sqlite_utils.Database) -> None:
    # `user` is a reserved word in PostgreSQL: every table names the citizen the same way on every backend
    for table in db.tables:
        if "user" in table.columns_dict:
            db.execute(f"ALTER TABLE [{table.name}] RENAME COLUMN [user] TO [{PERSON_COLUMN}]")
    # one time representation at rest (bot.core.clock): the four tables dated in epoch seconds become ISO text
    for name, columns in EPOCH_COLUMNS.items():
        db[name].transform(types={column: str for column in columns})
        for column in columns:
            rows = db.execute(f"SELECT rowid, [{column}] FROM [{name}] WHERE [{column}] IS NOT NULL").fetchall()
            for rowid, value in rows:
                db.execute(f"UPDATE [{name}] SET [{column}] = ? WHERE rowid = ?", [iso(float(value)), rowid])
    # optimistic concurrency for a citizen's session: a save names the version it loaded (bot.domain.chat_port)
    db["sessions"].add_column("version", int, not_null_default=1)


CITIZEN_MIGRATIONS: list[tuple[str, Callable[[sqlite_utils.Database], None]]] = [
    (m014_citizen_column_iso_times_session_version.__name__, m014_citizen_column_iso_times_session_version)]
