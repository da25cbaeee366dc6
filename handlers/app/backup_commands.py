"""`dvcbot backup` and `dvcbot restore`: the words around bot.storage.backup for the people who run the server."""
from __future__ import annotations

import argparse
import sys

from bot.storage.backup import BackupError, BackupReport, backup, restore
from handlers.runtime.settings import Settings


def _summary(report: BackupReport) -> str:
    rows = ", ".join(f"{table} {count}" for table, count in report.rows.items())
    return f"{report.path} ({report.bytes / 1024:.0f} KB, {report.seconds:.1f} giây; số dòng: {rows})"


def _on_postgres(settings: Settings) -> bool:
    """These commands copy the SQLite file; a PostgreSQL database is backed up with its own tools."""
    if settings.database_url:
        print("Cơ sở dữ liệu đang là PostgreSQL (DVCBOT_DATABASE_URL): sao lưu bằng pg_dump và khôi phục bằng "
              "pg_restore (xem docs/operations.md); dvcbot backup/restore chỉ dùng cho tệp SQLite.", file=sys.stderr)
    return bool(settings.database_url)


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    if _on_postgres(settings):
        return 2
    try:
        report = backup(settings.database, args.path)
    except BackupError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"Đã sao lưu, kiểm tra toàn vẹn đạt: {_summary(report)}")
    print("Nhớ cất cả khóa băm mã người dùng (DVCBOT_SECRET hoặc tệp secret.key) ở nơi an toàn riêng.")
    return 0


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    if _on_postgres(settings):
        return 2
    try:
        report = restore(args.path, settings.database, force=args.force)
    except BackupError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"Đã khôi phục {settings.database} từ {args.path}: {_summary(report)}")
    if report.replaced_copy:
        print(f"Cơ sở dữ liệu cũ được giữ lại ở {report.replaced_copy}.")
    return 0
