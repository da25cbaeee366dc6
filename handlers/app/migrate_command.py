"""`dvcbot migrate-to --database-url …`: move a deployment from its SQLite file to PostgreSQL (bot.storage.postgres_copy),
in the words of the people who run the server."""
from __future__ import annotations

import argparse
import sys

from handlers.runtime.settings import Settings, variable


def _err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def cmd_migrate_to(args: argparse.Namespace, settings: Settings) -> int:
    if not args.database_url.startswith(("postgresql://", "postgres://")):
        _err("--database-url cần một địa chỉ dạng postgresql://người_dùng:mật_khẩu@máy_chủ:5432/tên_cơ_sở_dữ_liệu.")
        return 2
    if not settings.database.exists():
        _err(f"Không có tệp cơ sở dữ liệu {settings.database} ({variable('database')}) để chuyển.")
        return 1
    from bot.storage.postgres import PostgresStorage
    from bot.storage.postgres_copy import CopyError, copy_to_postgres
    from bot.storage.sqlite import SqliteStorage

    source, target = SqliteStorage(settings.database), PostgresStorage(args.database_url)
    try:
        report = copy_to_postgres(source, target)
    except CopyError as exc:
        _err(str(exc))
        return 1
    finally:
        target.close()
        source.db.conn.close()
    print(f"Đã chuyển {sum(report.rows.values())} dòng từ {settings.database} sang PostgreSQL, số dòng mỗi bảng khớp "
          f"({', '.join(f'{t}: {n}' for t, n in report.rows.items() if n) or 'chưa có dữ liệu'}).")
    secret = (f"giữ nguyên {variable('secret')}" if settings.secret else
              f"đặt {variable('secret')} bằng nội dung tệp {settings.data_dir / 'secret.key'}")
    print(f"Tiếp theo, ở mọi máy chủ: {secret} (để nhận ra người dân như cũ), đặt {variable('database_url')} "
          f"rồi khởi động lại dvcbot serve. Tệp SQLite cũ không bị sửa.")
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("migrate-to", help="chuyển dữ liệu từ tệp SQLite sang PostgreSQL",
                       description="Sao chép mọi bảng của tệp SQLite (DVCBOT_DATABASE) sang một cơ sở dữ liệu "
                                   "PostgreSQL mới, trống, giữ nguyên mã số và kiểm tra số dòng từng bảng. Dừng máy "
                                   "chủ trước khi chuyển.")
    s.add_argument("--database-url", required=True,
                   help="địa chỉ PostgreSQL, ví dụ postgresql://dvcbot:mat-khau@127.0.0.1:5432/dvcbot")
    s.set_defaults(func=cmd_migrate_to)
