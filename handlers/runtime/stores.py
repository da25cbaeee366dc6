"""Which storage backend a process opens: the SQLite file by default, PostgreSQL when DVCBOT_DATABASE_URL is set
(several workers sharing one database). Everything else sees only the ports (bot.domain.desk_port.CommunityStorage);
a database out of reach raises bot.domain.chat_port.DatabaseUnavailable."""
from __future__ import annotations

from bot.domain.desk_port import CommunityStorage
from handlers.runtime.settings import Settings, SettingsError


def open_storage(settings: Settings) -> CommunityStorage:
    if not settings.database_url:
        from bot.storage.sqlite import SqliteStorage

        return SqliteStorage(settings.database)
    try:
        from bot.storage.postgres import PostgresStorage  # psycopg is needed only here
    except ImportError:
        raise SettingsError("Thiết lập DVCBOT_DATABASE_URL cần gói psycopg: cài bằng "
                            "pip install -e \".[postgres]\" rồi chạy lại.") from None
    return PostgresStorage(settings.database_url)
