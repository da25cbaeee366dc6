"""SQLite persistence of knowledge files approved through the desk, and of leases (mixed into SqliteStorage).

Only persistence: bot.desk.publishing writes the files and builds the index. SQLite takes its write lock at the
start of every transaction (BEGIN IMMEDIATE), so versions are numbered in commit order without more locking.
"""
from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Callable

import sqlite_utils

from bot.core.clock import iso
from bot.domain.desk_port import KnowledgeDraft, KnowledgeFile


def m015_knowledge_files_leases(db: sqlite_utils.Database) -> None:
    # every version is kept (what an undo restores, and an audit of what approval published)
    db["knowledge_files"].create({"version": int, "path": str, "text": str, "draft_id": int, "at": str},
                                 pk="version", not_null={"path", "at"})
    db["knowledge_files"].create_index(["path", "version"])
    db["leases"].create({"name": str, "holder": str, "expires_at": str}, pk="name")


KNOWLEDGE_MIGRATIONS: list[tuple[str, Callable[[sqlite_utils.Database], None]]] = [
    (m015_knowledge_files_leases.__name__, m015_knowledge_files_leases)]

_NEWEST = ("SELECT * FROM knowledge_files WHERE version IN "
           "(SELECT MAX(version) FROM knowledge_files GROUP BY path)")


class SqliteKnowledgeTables:
    """Knowledge files and leases on the SqliteStorage connection, which provides the attributes declared here."""

    db: sqlite_utils.Database
    transaction: Callable[[], AbstractContextManager[None]]
    _lock: AbstractContextManager[bool]
    _stamp: Callable[[], str]
    update_draft: Callable[[int, str, dict], KnowledgeDraft | None]

    def update_draft_and_file(self, draft_id: int, expected_status: str, changes: dict, path: str,
                              text: str | None) -> tuple[KnowledgeDraft, KnowledgeFile] | None:
        with self.transaction():
            draft = self.update_draft(draft_id, expected_status, changes)
            if draft is None:
                return None
            version = self.db.execute("SELECT COALESCE(MAX(version), 0) + 1 FROM knowledge_files").fetchone()[0]
            row = {"version": version, "path": path, "text": text, "draft_id": draft_id, "at": self._stamp()}
            self.db["knowledge_files"].insert(row)
            return draft, KnowledgeFile(**row)

    def knowledge_files(self) -> list[KnowledgeFile]:
        with self._lock:
            rows = self.db.execute(_NEWEST + " ORDER BY version").fetchall()
        return [KnowledgeFile(*r) for r in rows]

    def knowledge_file(self, path: str) -> KnowledgeFile | None:
        with self._lock:
            row = self.db.execute("SELECT * FROM knowledge_files WHERE path = ? ORDER BY version DESC LIMIT 1",
                                  [path]).fetchone()
        return KnowledgeFile(*row) if row else None

    def claim_lease(self, name: str, holder: str, now: float, seconds: float) -> bool:
        with self.transaction():
            self.db.execute("INSERT OR IGNORE INTO leases (name) VALUES (?)", [name])
            return self.db.execute("UPDATE leases SET holder = ?, expires_at = ? WHERE name = ? AND (holder IS NULL "
                                   "OR holder = ? OR expires_at <= ?)",
                                   [holder, iso(now + seconds), name, holder, iso(now)]).rowcount == 1

    def release_lease(self, name: str, holder: str) -> None:
        with self.transaction():
            self.db.execute("UPDATE leases SET holder = NULL, expires_at = NULL WHERE name = ? AND holder = ?",
                            [name, holder])
