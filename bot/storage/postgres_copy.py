"""Move a deployment from its SQLite file to PostgreSQL (`dvcbot migrate-to --database-url …`): every row of
every table, ids kept, in one transaction on each side, checked by counting.

The SQLite side is read under its write lock (nothing changes while it is copied); the PostgreSQL side is
written with COPY in one transaction that commits only when every table holds as many rows as the file did, so
a failure leaves the new database empty and the old file untouched (the server keeps running on it until its
settings name the new database).
"""
from __future__ import annotations

from dataclasses import dataclass

from psycopg import sql

from bot.core.clock import iso
from bot.storage.postgres import PostgresStorage
from bot.storage.sqlite import SqliteStorage

SKIPPED = {"_migrations"}   # each backend records its own migrations


class CopyError(Exception):
    """The copy cannot be made or did not match; the message says why, in Vietnamese. Nothing was written."""


@dataclass(frozen=True)
class CopyReport:
    rows: dict[str, int]   # table → rows copied (equal on both sides)


def _target_name(column: str) -> str:
    return "citizen" if column == "user" else column   # `user` is a reserved word in PostgreSQL


def _convert(value: object, column: str, kind: str) -> object:
    """A SQLite value as the PostgreSQL column holds it: epoch-second times become ISO text, 0/1 become booleans."""
    if value is None:
        return None
    if kind == "boolean":
        return bool(value)
    if kind == "text" and isinstance(value, (int, float)):
        return iso(value) if column == "at" or column.endswith(("_at", "_run")) else str(value)
    if isinstance(value, str):
        return value.replace("\x00", "")
    return value


def copy_to_postgres(source: SqliteStorage, target: PostgresStorage) -> CopyReport:
    """Copy every table of `source` into the empty, migrated `target`; CopyError when that cannot be done."""
    columns: dict[str, dict[str, str]] = {}
    for r in target._run("SELECT table_name, column_name, data_type FROM information_schema.columns "
                         "WHERE table_schema = current_schema()").rows:
        columns.setdefault(r["table_name"], {})[r["column_name"]] = r["data_type"]
    counts: dict[str, int] = {}
    with source.transaction(), target.transaction():
        tables = [t for t in source.db.table_names() if t not in SKIPPED and not t.startswith("sqlite_")]
        unknown = [t for t in tables if t not in columns]
        if unknown:
            raise CopyError(f"Cơ sở dữ liệu PostgreSQL không có bảng {', '.join(unknown)}: hãy cập nhật phần mềm "
                            f"(dvcbot) lên cùng phiên bản rồi chạy lại.")
        filled = [t for t in tables if target._run(f"SELECT EXISTS (SELECT 1 FROM {t}) AS filled").rows[0]["filled"]]
        if filled:
            raise CopyError(f"Cơ sở dữ liệu PostgreSQL đã có dữ liệu (bảng {', '.join(filled)}): chỉ chuyển sang một "
                            f"cơ sở dữ liệu mới, trống.")
        for table in tables:
            counts[table] = _copy_table(source, target, table, columns[table])
        for table in tables:
            copied = target._run(f"SELECT count(*) AS n FROM {table}").rows[0]["n"]
            if copied != counts[table]:
                raise CopyError(f"Bảng {table}: tệp SQLite có {counts[table]} dòng, PostgreSQL nhận {copied}; "
                                f"không có gì được ghi.")
            if columns[table].get("id") == "bigint" and counts[table]:   # new rows get ids after the copied ones
                target._run(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    return CopyReport(counts)


def _copy_table(source: SqliteStorage, target: PostgresStorage, table: str, kinds: dict[str, str]) -> int:
    names = [c.name for c in source.db[table].columns]
    missing = [n for n in names if _target_name(n) not in kinds]
    if missing:
        raise CopyError(f"Bảng {table} trong PostgreSQL thiếu cột {', '.join(missing)}: hãy cập nhật phần mềm "
                        f"(dvcbot) lên cùng phiên bản rồi chạy lại.")
    targets = [_target_name(n) for n in names]
    count = 0
    query = sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(table),
                                                      sql.SQL(", ").join(map(sql.Identifier, targets)))
    with target._conn() as conn, conn.cursor() as cur:
        with cur.copy(query) as copy:
            for row in source.db.execute(f"SELECT {', '.join(f'[{n}]' for n in names)} FROM [{table}]"):
                copy.write_row([_convert(v, c, kinds[c]) for v, c in zip(row, targets)])
                count += 1
    return count
