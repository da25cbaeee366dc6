"""PostgreSQL persistence of knowledge files approved through the desk, and of leases (mixed into
PostgresStorage).

Only persistence, like bot.storage.sqlite_knowledge. A new version is numbered under a transaction-scoped advisory
lock, so versions follow commit order: a worker that has seen version n has seen every version below it.
"""
from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Callable

from bot.core.clock import Clock, iso
from bot.domain.desk_port import KnowledgeDraft, KnowledgeFile
from bot.storage.postgres_desk import Result

M003_KNOWLEDGE_FILES_LEASES = """
-- every version is kept (what an undo restores, and an audit of what approval published)
CREATE TABLE knowledge_files (version BIGINT PRIMARY KEY, path TEXT NOT NULL, text TEXT, draft_id BIGINT,
                              at TEXT NOT NULL);
CREATE INDEX knowledge_files_path ON knowledge_files (path, version);
CREATE TABLE leases (name TEXT PRIMARY KEY, holder TEXT, expires_at TEXT);
"""

_NEWEST = "SELECT DISTINCT ON (path) * FROM knowledge_files ORDER BY path, version DESC"


def _file(row: dict) -> KnowledgeFile:
    return KnowledgeFile(row["version"], row["path"], row["text"], row["draft_id"], row["at"])


class PostgresKnowledgeTables:
    """Knowledge files and leases on PostgresStorage's pool, which provides the attributes declared here."""

    clock: Clock
    transaction: Callable[[], AbstractContextManager[None]]
    _run: Callable[..., Result]
    _lock: Callable[[str], None]
    _now: Callable[[], str]
    update_draft: Callable[[int, str, dict], KnowledgeDraft | None]

    def update_draft_and_file(self, draft_id: int, expected_status: str, changes: dict, path: str,
                              text: str | None) -> tuple[KnowledgeDraft, KnowledgeFile] | None:
        with self.transaction():
            self._lock("knowledge_files")   # held to the commit: the next version is numbered after this one commits
            draft = self.update_draft(draft_id, expected_status, changes)
            if draft is None:
                return None
            row = self._run("INSERT INTO knowledge_files (version, path, text, draft_id, at) "
                            "SELECT COALESCE(MAX(version), 0) + 1, %s, %s, %s, %s FROM knowledge_files RETURNING *",
                            [path, text, draft_id, self._now()]).rows[0]
            return draft, _file(row)

    def knowledge_files(self) -> list[KnowledgeFile]:
        return sorted((_file(r) for r in self._run(_NEWEST).rows), key=lambda f: f.version)

    def knowledge_file(self, path: str) -> KnowledgeFile | None:
        rows = self._run("SELECT * FROM knowledge_files WHERE path = %s ORDER BY version DESC LIMIT 1", [path]).rows
        return _file(rows[0]) if rows else None

    def claim_lease(self, name: str, holder: str, now: float, seconds: float) -> bool:
        """The UPDATE's condition is checked again on the row as another worker left it (READ COMMITTED)."""
        with self.transaction():
            self._run("INSERT INTO leases (name) VALUES (%s) ON CONFLICT (name) DO NOTHING", [name])
            return self._run("UPDATE leases SET holder = %s, expires_at = %s WHERE name = %s AND (holder IS NULL "
                             "OR holder = %s OR expires_at <= %s)",
                             [holder, iso(now + seconds), name, holder, iso(now)]).rowcount == 1

    def release_lease(self, name: str, holder: str) -> None:
        with self.transaction():
            self._run("UPDATE leases SET holder = NULL, expires_at = NULL WHERE name = %s AND holder = %s",
                      [name, holder])
