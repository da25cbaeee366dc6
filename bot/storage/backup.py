"""Back up and restore the SQLite database while the bot may be running.

Both directions go through SQLite's online backup API, never a file copy: a
live WAL database is three files whose pages are only consistent through
SQLite. A backup is one self-contained file (rollback journal, not WAL),
checked with `PRAGMA integrity_check` before it is given its final name.
A restore first checks the backup, keeps a copy of the database it replaces,
and refuses to replace a database another process has open unless forced.
"""
from __future__ import annotations

import datetime as dt
import os
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from bot.storage.sqlite_schema import MIGRATIONS

TABLES = ("messages", "ratings", "unmet_needs", "consent", "sessions", "deletion_requests")


class BackupError(Exception):
    """A backup or restore that cannot be done safely; the message says why, in Vietnamese."""


@dataclass(frozen=True)
class BackupReport:
    path: Path
    bytes: int
    rows: dict[str, int]
    seconds: float
    replaced_copy: Path | None = None   # restore only: where the database it replaced was kept


def _stamp() -> str:
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S")


def _open_existing(path: Path, timeout: float = 10.0) -> sqlite3.Connection:
    """Open without creating: a typo in a path must not produce a new empty database."""
    if not path.is_file():
        raise BackupError(f"Không tìm thấy tệp cơ sở dữ liệu: {path}")
    return sqlite3.connect(f"file:{path.resolve()}?mode=rw", uri=True, timeout=timeout)


def _integrity(conn: sqlite3.Connection) -> str:
    return "; ".join(row[0] for row in conn.execute("PRAGMA integrity_check").fetchall())


def _rows(conn: sqlite3.Connection) -> dict[str, int]:
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return {t: conn.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0] for t in TABLES if t in names}


def _sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _copy(source: sqlite3.Connection, target: Path) -> None:
    """Write a consistent, self-contained copy of `source` to a new file `target` (mode 0600)."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    with closing(sqlite3.connect(target)) as dest:
        source.backup(dest)   # all pages in one step: a snapshot that never restarts, writers are not blocked
        dest.execute("PRAGMA journal_mode=DELETE")
        problem = _integrity(dest)
    if problem != "ok":
        target.unlink()
        raise BackupError(f"Bản sao lưu không toàn vẹn ({problem}); đã xóa, hãy thử lại.")
    _sync(target)


def backup(database: Path, destination: str | Path) -> BackupReport:
    """Copy the live database to `destination`: a new file, or a folder (existing, or written with a
    trailing "/" and then created) to put a dated file in."""
    started = time.perf_counter()
    folder = str(destination).endswith(("/", os.sep))
    database, destination = Path(database), Path(destination)
    if folder or destination.is_dir():
        destination.mkdir(parents=True, exist_ok=True)
        destination = destination / f"dvcbot-{_stamp()}.db"
    if destination.exists():
        raise BackupError(f"Tệp {destination} đã có: không ghi đè bản sao lưu cũ. Hãy chọn tên khác hoặc một thư mục.")
    if not destination.parent.is_dir():
        raise BackupError(f"Không có thư mục {destination.parent}.")
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    with closing(_open_existing(database)) as source:
        _copy(source, partial)
    os.replace(partial, destination)
    _sync(destination.parent)
    with closing(sqlite3.connect(f"file:{destination}?mode=ro", uri=True)) as done:
        rows = _rows(done)
    return BackupReport(destination, destination.stat().st_size, rows, time.perf_counter() - started)


def check_backup(path: Path) -> sqlite3.Connection:
    """An open, verified connection to a backup of this bot's database, or BackupError."""
    if not Path(path).is_file():
        raise BackupError(f"Không tìm thấy bản sao lưu: {path}")
    conn = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)
    try:
        problem = _integrity(conn)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise BackupError(f"{path} không phải tệp cơ sở dữ liệu SQLite đọc được ({exc}).") from exc
    if problem != "ok":
        conn.close()
        raise BackupError(f"Bản sao lưu {path} hỏng hoặc không đọc được: {problem}")
    try:
        applied = {r[0] for r in conn.execute("SELECT name FROM _migrations")}
    except sqlite3.DatabaseError:
        conn.close()
        raise BackupError(f"{path} không phải bản sao lưu của Trợ lý DVC (thiếu bảng _migrations).") from None
    unknown = applied - {name for name, _ in MIGRATIONS}
    if unknown:
        conn.close()
        raise BackupError(f"{path} được tạo bởi phiên bản mới hơn (có {', '.join(sorted(unknown))}): "
                          "hãy nâng cấp Trợ lý DVC trước khi khôi phục.")
    return conn


def restore(source: Path, database: Path, force: bool = False) -> BackupReport:
    """Replace `database` with the backup `source`; the replaced database is kept next to it."""
    started = time.perf_counter()
    source, database = Path(source), Path(database)
    with closing(check_backup(source)) as backup_conn:
        if not database.exists():
            database.parent.mkdir(parents=True, exist_ok=True)
            _copy(backup_conn, database)
            replaced = None
        else:
            replaced = _restore_over(backup_conn, database, force)
        rows = _rows(backup_conn)
    return BackupReport(database, database.stat().st_size, rows, time.perf_counter() - started, replaced)


def _restore_over(backup_conn: sqlite3.Connection, database: Path, force: bool) -> Path:
    with closing(_open_existing(database, timeout=1.0)) as target:
        in_use = False
        try:
            # Leaving WAL mode needs the only connection to the file: the cheapest reliable "is it open?" test.
            target.execute("PRAGMA journal_mode=DELETE").fetchone()
        except sqlite3.OperationalError:
            in_use = True
        if in_use and not force:
            raise BackupError(f"Cơ sở dữ liệu {database} đang được dùng (dvcbot serve đang chạy?). "
                              "Hãy dừng máy chủ rồi khôi phục, hoặc thêm --force để ghi đè ngay.")
        kept = database.with_name(f"{database.name}.before-restore-{_stamp()}")
        _copy(target, kept)
        target.execute("PRAGMA busy_timeout=10000")
        backup_conn.backup(target)
        target.execute("PRAGMA journal_mode=WAL")
        problem = _integrity(target)
    if problem != "ok":
        raise BackupError(f"Sau khi khôi phục, kiểm tra toàn vẹn báo lỗi: {problem}. Bản cũ vẫn còn ở {kept}.")
    return kept
