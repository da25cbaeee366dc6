"""SQLite migration m014: the `citizen` column, ISO times at rest everywhere, a version per saved session; and
how a row with a `citizen` column reads as the ports' `user`.

Kept apart from the first thirteen migrations (bot/sqlite_storage.py, bot/sqlite_desk.py), which stay as they were
written: a deployed database replays none of them, a new one runs them all and then this.
"""
from __future__ import annotations

from typing import Callable

import sqlite_utils

from bot.clock import iso
from bot.storage import PERSON_COLUMN

# the columns that held epoch seconds (REAL) before m014
EPOCH_COLUMNS = {"sessions": ("updated_at",), "staff_sessions": ("created_at", "expires_at"),
                 "login_failures": ("at",), "jobs": ("last_run",)}


def m014_citizen_column_iso_times_session_version(db: sqlite_utils.Database) -> None:
    # `user` is a reserved word in PostgreSQL: every table names the citizen the same way on every backend
    for table in db.tables:
        if "user" in table.columns_dict:
            db.execute(f"ALTER TABLE [{table.name}] RENAME COLUMN [user] TO [{PERSON_COLUMN}]")
    # one time representation at rest (bot.clock): the four tables dated in epoch seconds become ISO text
    for name, columns in EPOCH_COLUMNS.items():
        db[name].transform(types={column: str for column in columns})
        for column in columns:
            rows = db.execute(f"SELECT rowid, [{column}] FROM [{name}] WHERE [{column}] IS NOT NULL").fetchall()
            for rowid, value in rows:
                db.execute(f"UPDATE [{name}] SET [{column}] = ? WHERE rowid = ?", [iso(float(value)), rowid])
    # optimistic concurrency for a citizen's session: a save names the version it loaded (bot.storage)
    db["sessions"].add_column("version", int, not_null_default=1)


def port_row(row: dict) -> dict:
    """A row as the ports name it: the `citizen` column is the port's `user`."""
    return {("user" if k == PERSON_COLUMN else k): v for k, v in row.items()}


def record(cls: type, row: dict):
    """A port record (frozen dataclass) from a row: its fields by name, `user` from the `citizen` column."""
    row = port_row(row)
    return cls(**{k: row[k] for k in cls.__dataclass_fields__})


CITIZEN_MIGRATIONS: list[tuple[str, Callable[[sqlite_utils.Database], None]]] = [
    (m014_citizen_column_iso_times_session_version.__name__, m014_citizen_column_iso_times_session_version)]
