"""Which storage backend a process opens: the SQLite file by default, PostgreSQL when DVCBOT_DATABASE_URL is set
(several workers sharing one database). Everything else sees only the ports (bot.desk_storage.CommunityStorage)."""
from __future__ import annotations

from bot.desk_storage import CommunityStorage
from bot.settings import Settings, SettingsError


class DatabaseUnavailable(RuntimeError):
    """The database named by DVCBOT_DATABASE_URL cannot be reached; the message says where (never the password)."""


def open_storage(settings: Settings) -> CommunityStorage:
    if not settings.database_url:
        from bot.sqlite_storage import SqliteStorage

        return SqliteStorage(settings.database)
    try:
        from bot.postgres_storage import PostgresStorage   # psycopg is needed only here
    except ImportError:
        raise SettingsError("Thiết lập DVCBOT_DATABASE_URL cần gói psycopg: cài bằng "
                            "pip install -e \".[postgres]\" rồi chạy lại.") from None
    return PostgresStorage(settings.database_url)
