"""What only the SQLite backend has: its pragmas, its migrations, its two modules. What every backend must do is
the contract suite (tests/contract), which runs on SQLite too."""
import sqlite3

import pytest
import sqlite_utils

from bot.storage.sqlite import MIGRATIONS, SqliteStorage


def test_wal_mode_and_busy_timeout(tmp_path):
    store = SqliteStorage(tmp_path / "w.db")
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_older_database_is_upgraded_in_place(tmp_path):
    path = tmp_path / "old.db"
    old = sqlite_utils.Database(sqlite3.connect(path))
    old["_migrations"].create({"name": str, "applied_at": str}, pk="name")
    name, first = MIGRATIONS[0]
    first(old)
    old["_migrations"].insert({"name": name, "applied_at": "2026-01-01"})
    old["messages"].insert({"user": "u1", "channel": "web", "direction": "in", "text": "cũ", "created_at": "2026-01-01"})
    old.conn.commit()
    old.conn.close()

    store = SqliteStorage(path)
    assert {r["name"] for r in store.db["_migrations"].rows} == {n for n, _ in MIGRATIONS}
    assert [m["text"] for m in store.recent_messages("u1", 5)] == ["cũ"]
    assert store.record_consent("u1", "web", "v1")  # tables from the newer migration exist
    assert store.migrate() == []  # running again changes nothing


def _schema_and_rows(path) -> list[str]:
    """Everything in the file, as SQL: two equal dumps are the same database."""
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def test_a_migration_that_fails_half_way_leaves_the_database_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "dvcbot.db"
    SqliteStorage(path).add_message("u1", "web", "in", "trước khi nâng cấp")
    before = _schema_and_rows(path)

    def m999_half_done(db: sqlite_utils.Database) -> None:
        db["messages"].add_column("extra", str)
        db["later"].create({"id": int}, pk="id")
        raise RuntimeError("fails after its first DDL")

    monkeypatch.setattr("bot.storage.sqlite.MIGRATIONS", [*MIGRATIONS, ("m999_half_done", m999_half_done)])
    with pytest.raises(RuntimeError):
        SqliteStorage(path)
    assert _schema_and_rows(path) == before       # no column, no table, no record of the migration

    def m999_fixed(db: sqlite_utils.Database) -> None:
        db["messages"].add_column("extra", str)
        db["later"].create({"id": int}, pk="id")

    monkeypatch.setattr("bot.storage.sqlite.MIGRATIONS", [*MIGRATIONS, ("m999_half_done", m999_fixed)])
    store = SqliteStorage(path)                    # the next start applies the fixed migration
    assert "extra" in store.db["messages"].columns_dict and store.db["later"].exists()
    assert "m999_half_done" in {r["name"] for r in store.db["_migrations"].rows}
    assert [m["text"] for m in store.recent_messages("u1", 5)] == ["trước khi nâng cấp"]


def test_each_port_is_declared_where_it_is_implemented():
    """Each port is implemented by its own SQLite tables: the conversation's (bot/storage/sqlite.py, and the turn
    state every worker shares in sqlite_turns.py), the desk's (sqlite_desk.py, and the published knowledge in
    sqlite_knowledge.py), the channel tokens' (sqlite_tokens.py). A method declared on one port but implemented
    with another's tables misleads the next backend."""
    from bot.domain.chat_port import Storage
    from bot.domain.desk_port import DeskStorage
    from bot.domain.token_port import TokenStorage
    from bot.storage.sqlite_desk import SqliteDeskTables
    from bot.storage.sqlite_knowledge import SqliteKnowledgeTables
    from bot.storage.sqlite_tokens import SqliteTokenTables
    from bot.storage.sqlite_turns import SqliteSharedTurns

    def methods(*classes: type) -> set[str]:
        return {name for cls in classes for name, value in vars(cls).items()
                if callable(value) and not name.startswith("_")}

    assert methods(Storage) == methods(SqliteStorage, SqliteSharedTurns) - {"migrate"}   # SQLite's own business
    assert methods(DeskStorage) == methods(SqliteDeskTables, SqliteKnowledgeTables)
    assert methods(TokenStorage) == methods(SqliteTokenTables)


def test_workers_starting_at_once_on_a_new_database_migrate_it_once(tmp_path):
    """The server and a `dvcbot` command (or two workers) opening a new or older file at the same moment: each
    migration is applied once, by whichever comes first, and no one fails with "database is locked"."""
    from tests.contract.threads import together

    for attempt in range(3):
        path = tmp_path / f"dvcbot-{attempt}.db"
        opened = together([lambda: SqliteStorage(path) for _ in range(3)])
        assert not [o for o in opened if isinstance(o, Exception)], opened
        names = [r["name"] for r in opened[0].db["_migrations"].rows]
        assert sorted(names) == sorted(n for n, _ in MIGRATIONS)
