"""`dvcbot backup` and `dvcbot restore`: the words around bot.storage.backup for the people who run the server."""
from __future__ import annotations

import argparse
import sys

from bot.storage.backup import BackupError, BackupReport, backup, restore
from handlers.runtime.settings import Settings


def _summary(report: BackupReport) -> str:
    rows = ", ".join(f"{table} {count}" for table, count in report.rows.items())
    return f"{report.path} ({report.bytes / 1024:.0f} KB, {report.seconds:.1f} giây; số dòng: {rows})"


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    try:
        report = backup(settings.database, args.path)
    except BackupError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"Đã sao lưu, kiểm tra toàn vẹn đạt: {_summary(report)}")
    print("Nhớ cất cả khóa băm mã người dùng (DVCBOT_SECRET hoặc tệp secret.key) ở nơi an toàn riêng.")
    return 0


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    try:
        report = restore(args.path, settings.database, force=args.force)
    except BackupError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"Đã khôi phục {settings.database} từ {args.path}: {_summary(report)}")
    if report.replaced_copy:
        print(f"Cơ sở dữ liệu cũ được giữ lại ở {report.replaced_copy}.")
    return 0
