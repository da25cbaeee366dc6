"""SQLite persistence for the community desk and admin pages (mixed into SqliteStorage).

Only persistence: compare-and-set updates let several `dvcbot serve` workers share one database
without two of them claiming, announcing or approving the same thing.
"""
from __future__ import annotations

import dataclasses
import json
from contextlib import AbstractContextManager
from typing import Callable

import sqlite_utils

from bot.core.clock import epoch, iso
from bot.domain.chat_port import ALSO_DATED, GO_WITH_THEIR_NEED, PERSONAL_TABLES, NeedStatus, UnmetNeed
from bot.domain.desk_port import (
    AuditEntry,
    CitizenPlace,
    DeletionRequest,
    KnowledgeDraft,
    NeedEvent,
    QuestionRecord,
    StaffSession,
    StaffUser,
    Team,
)
from bot.privacy.redact import redact
from bot.storage.rows import JSON_FIELDS, draft_of, json_list, need_of, staff_of, team_of
from bot.storage.sqlite_migration import Migrations

DESK_MIGRATIONS = Migrations()


@DESK_MIGRATIONS
def m005_teams_staff_sessions(db: sqlite_utils.Database) -> None:
    db["teams"].create({"id": int, "name": str, "province": str, "province_name": str, "commune": str,
                        "telegram_chat_id": str, "is_default": int, "created_at": str}, pk="id")
    db["staff"].create({"id": int, "username": str, "name": str, "password_hash": str, "role": str,
                        "team_id": int, "telegram_user_id": str, "active": int, "created_at": str}, pk="id")
    db["staff"].create_index(["username"], unique=True)
    db["staff_sessions"].create({"token_hash": str, "staff_id": int, "csrf_token": str, "created_at": float,
                                 "expires_at": float}, pk="token_hash")
    db["login_failures"].create({"id": int, "username": str, "ip": str, "at": float}, pk="id")
    db["login_failures"].create_index(["at"])


@DESK_MIGRATIONS
def m006_need_handling_places_outcomes(db: sqlite_utils.Database) -> None:
    for name, kind in (("team_id", int), ("routed_at", str), ("announced_at", str), ("claimed_by", int),
                       ("claimed_at", str), ("answered_by", int), ("answered_at", str), ("answer", str),
                       ("answer_message_id", int), ("delivery", str), ("delivery_error", str),
                       ("closed_by", int), ("closed_at", str)):
        db["unmet_needs"].add_column(name, kind)
    db["unmet_needs"].create_index(["team_id", "status"])
    db["need_events"].create({"id": int, "need_id": int, "action": str, "staff_id": int, "at": str,
                              "detail": str}, pk="id")
    db["need_events"].create_index(["need_id"])
    db["citizen_places"].create({"user": str, "province": str, "team_id": int, "skipped": int,
                                 "updated_at": str}, pk="user")
    db["messages"].add_column("outcome", str)
    db["messages"].create_index(["outcome"])


@DESK_MIGRATIONS
def m007_drafts_audit_jobs_deletions(db: sqlite_utils.Database) -> None:
    db["knowledge_drafts"].create({
        "id": int, "status": str, "need_ids": str, "entry_id": str, "title": str, "topic": str, "questions": str,
        "body": str, "links": str, "sources": str, "created_by": int, "created_at": str, "updated_at": str,
        "reviewer_id": int, "approved_at": str, "file_path": str, "previous_text": str, "reverted_at": str}, pk="id")
    db["audit_log"].create({"id": int, "at": str, "staff_id": int, "username": str, "action": str, "target": str,
                            "detail": str}, pk="id")
    db["jobs"].create({"name": str, "last_run": float}, pk="name")
    db["deletion_requests"].add_column("requested_by", str)


@DESK_MIGRATIONS
def m010_redact_stored_staff_answers(db: sqlite_utils.Database) -> None:
    # answers stored before a team's answer was redacted like every other stored text
    for row in list(db["unmet_needs"].rows_where("answer IS NOT NULL", select="id, answer")):
        db.execute("UPDATE unmet_needs SET answer = ? WHERE id = ?", [redact(row["answer"], keep_addresses=True),
                                                                      row["id"]])


@DESK_MIGRATIONS
def m011_draft_provinces(db: sqlite_utils.Database) -> None:
    # a commune team's answer holds in its province: the draft says where
    db["knowledge_drafts"].add_column("provinces", str)


@DESK_MIGRATIONS
def m012_need_manual_groups(db: sqlite_utils.Database) -> None:
    # staff merge a paraphrase the automatic grouping missed, or split one it got wrong
    db["unmet_needs"].add_column("group_with", int)


def _staff_session(row: dict) -> StaffSession:
    return StaffSession(row["token_hash"], row["staff_id"], row["csrf_token"], epoch(row["created_at"]),
                        epoch(row["expires_at"]))


class SqliteDeskTables:
    """Desk tables on the SqliteStorage connection, which provides the attributes declared here."""

    db: sqlite_utils.Database
    transaction: Callable[[], AbstractContextManager[None]]   # writes: one transaction, under the lock
    _lock: AbstractContextManager[bool]                       # reads: one thread at a time on the connection
    _stamp: Callable[[], str]                                 # now, as stored (ISO text), from the store's clock
    _checkpoint_due: bool                                     # set after deleting personal data (see purge_before)

    # teams and staff
    def add_team(self, name: str, province: str, province_name: str, commune: str,
                 telegram_chat_id: str | None = None, is_default: bool = False) -> Team:
        with self.transaction():
            if is_default:
                self.db.execute("UPDATE teams SET is_default = 0")
            pk = self.db["teams"].insert({"name": name, "province": province, "province_name": province_name,
                                          "commune": commune, "telegram_chat_id": telegram_chat_id,
                                          "is_default": int(is_default), "created_at": self._stamp()}).last_pk
            return team_of(self.db["teams"].get(pk))

    def update_team(self, team_id: int, changes: dict) -> Team:
        with self.transaction():
            if changes.get("is_default"):
                self.db.execute("UPDATE teams SET is_default = 0")
            changes = {k: int(v) if k == "is_default" else v for k, v in changes.items()}
            return team_of(self.db["teams"].update(team_id, changes).get(team_id))

    def teams(self) -> list[Team]:
        with self._lock:
            return [team_of(r) for r in self.db["teams"].rows_where(order_by="id")]

    def team(self, team_id: int) -> Team | None:
        with self._lock:
            rows = list(self.db["teams"].rows_where("id = ?", [team_id]))
        return team_of(rows[0]) if rows else None

    def add_staff(self, username: str, name: str, password_hash: str, role: str, team_id: int | None = None,
                  telegram_user_id: str | None = None) -> StaffUser:
        with self.transaction():
            if self.db["staff"].count_where("username = ?", [username]):
                raise ValueError(f"tên đăng nhập '{username}' đã có")
            pk = self.db["staff"].insert({"username": username, "name": name, "password_hash": password_hash,
                                          "role": role, "team_id": team_id, "telegram_user_id": telegram_user_id,
                                          "active": 1, "created_at": self._stamp()}).last_pk
            return staff_of(self.db["staff"].get(pk))

    def update_staff(self, staff_id: int, changes: dict) -> StaffUser:
        with self.transaction():
            changes = {k: int(v) if k == "active" else v for k, v in changes.items()}
            return staff_of(self.db["staff"].update(staff_id, changes).get(staff_id))

    def staff(self) -> list[StaffUser]:
        with self._lock:
            return [staff_of(r) for r in self.db["staff"].rows_where(order_by="id")]

    def _one_staff(self, where: str, args: list) -> StaffUser | None:
        with self._lock:
            rows = list(self.db["staff"].rows_where(where, args, limit=1))
        return staff_of(rows[0]) if rows else None

    def staff_member(self, staff_id: int) -> StaffUser | None:
        return self._one_staff("id = ?", [staff_id])

    def staff_by_username(self, username: str) -> StaffUser | None:
        return self._one_staff("username = ?", [username])

    def staff_by_telegram(self, telegram_user_id: str) -> StaffUser | None:
        return self._one_staff("telegram_user_id = ? AND active = 1", [str(telegram_user_id)])

    # staff sessions and login throttling
    def add_staff_session(self, session: StaffSession) -> None:
        with self.transaction():
            self.db["staff_sessions"].insert({**dataclasses.asdict(session), "created_at": iso(session.created_at),
                                              "expires_at": iso(session.expires_at)})

    def staff_session(self, token_hash: str) -> StaffSession | None:
        with self._lock:
            rows = list(self.db["staff_sessions"].rows_where("token_hash = ?", [token_hash]))
        return _staff_session(rows[0]) if rows else None

    def extend_staff_session(self, token_hash: str, expires_at: float) -> None:
        with self.transaction():
            self.db.execute("UPDATE staff_sessions SET expires_at = ? WHERE token_hash = ?", [iso(expires_at),
                                                                                          token_hash])

    def delete_staff_session(self, token_hash: str) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM staff_sessions WHERE token_hash = ?", [token_hash])

    def delete_staff_sessions_of(self, staff_id: int, keep: str | None = None) -> int:
        with self.transaction():
            return self.db.execute("DELETE FROM staff_sessions WHERE staff_id = ? AND token_hash IS NOT ?",
                                   [staff_id, keep]).rowcount

    def delete_expired_staff_sessions(self, now: float) -> int:
        with self.transaction():
            return self.db.execute("DELETE FROM staff_sessions WHERE expires_at <= ?", [iso(now)]).rowcount

    def begin_login_attempt(self, username: str, ip: str, at: float, since: float,
                            wait_for: Callable[[list[float], list[float]], int]) -> int:
        with self.transaction():
            by_ip = [epoch(r[0]) for r in self.db.execute(
                "SELECT at FROM login_failures WHERE at >= ? AND ip = ? ORDER BY at", [iso(since), ip]).fetchall()]
            by_user = [epoch(r[0]) for r in self.db.execute(
                "SELECT at FROM login_failures WHERE at >= ? AND username = ? ORDER BY at",
                [iso(since), username]).fetchall()]
            wait = wait_for(by_ip, by_user)
            if not wait:
                self.db["login_failures"].insert({"username": username, "ip": ip, "at": iso(at)})
            return wait

    def clear_login_failures(self, username: str) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM login_failures WHERE username = ?", [username])

    # needs
    def need(self, need_id: int) -> UnmetNeed | None:
        with self._lock:
            rows = list(self.db["unmet_needs"].rows_where("id = ?", [need_id]))
        return need_of(rows[0]) if rows else None

    def update_need(self, need_id: int, expected_status: NeedStatus, changes: dict) -> UnmetNeed | None:
        changes = {k: v.value if isinstance(v, NeedStatus) else v for k, v in changes.items()}
        sets = ", ".join(f"[{k}] = ?" for k in changes)
        with self.transaction():
            cur = self.db.execute(f"UPDATE unmet_needs SET {sets}, updated_at = ? WHERE id = ? AND status = ?",
                                  [*changes.values(), self._stamp(), need_id, NeedStatus(expected_status).value])
            if cur.rowcount != 1:
                return None
            return need_of(self.db["unmet_needs"].get(need_id))

    def needs_to_route(self) -> list[UnmetNeed]:
        with self._lock:
            return [need_of(r) for r in self.db["unmet_needs"].rows_where("routed_at IS NULL", order_by="id")]

    def needs_to_announce(self) -> list[UnmetNeed]:
        with self._lock:
            return [need_of(r) for r in self.db["unmet_needs"].rows_where(
                "routed_at IS NOT NULL AND announced_at IS NULL AND status = ?", [NeedStatus.NEW.value],
                order_by="id")]

    def mark_announced(self, need_id: int, at: str) -> bool:
        with self.transaction():
            return self.db.execute("UPDATE unmet_needs SET announced_at = ? WHERE id = ? AND announced_at IS NULL",
                                   [at, need_id]).rowcount == 1

    def route_need(self, need_id: int, team_id: int | None, at: str) -> bool:
        with self.transaction():
            return self.db.execute("UPDATE unmet_needs SET team_id = ?, routed_at = ? WHERE id = ? AND routed_at IS NULL",
                                   [team_id, at, need_id]).rowcount == 1

    def set_need_group(self, need_id: int, group_with: int) -> UnmetNeed:
        with self.transaction():
            self.db.execute("UPDATE unmet_needs SET group_with = ? WHERE id = ?", [group_with, need_id])
            return need_of(self.db["unmet_needs"].get(need_id))

    def reassign_need(self, need_id: int, team_id: int, at: str) -> UnmetNeed | None:
        """Hand an open need to another team: new again there (unclaimed, to be announced); None if no longer open."""
        with self.transaction():
            cur = self.db.execute(
                "UPDATE unmet_needs SET team_id = ?, routed_at = ?, announced_at = NULL, status = ?, claimed_by = NULL, "
                "claimed_at = NULL, updated_at = ? WHERE id = ? AND status IN (?, ?)",
                [team_id, at, NeedStatus.NEW.value, at, need_id, NeedStatus.NEW.value, NeedStatus.ACKNOWLEDGED.value])
            return need_of(self.db["unmet_needs"].get(need_id)) if cur.rowcount == 1 else None

    def add_need_event(self, need_id: int, action: str, staff_id: int | None, at: str,
                       detail: str | None = None) -> None:
        with self.transaction():
            self.db["need_events"].insert({"need_id": need_id, "action": action, "staff_id": staff_id, "at": at,
                                           "detail": detail})

    def need_events(self, need_id: int) -> list[NeedEvent]:
        with self._lock:
            return [NeedEvent(**r) for r in self.db["need_events"].rows_where("need_id = ?", [need_id], order_by="id")]

    def save_place(self, user: str, province: str | None, team_id: int | None, skipped: bool) -> None:
        with self.transaction():
            self.db["citizen_places"].upsert({"citizen": user, "province": province, "team_id": team_id,
                                              "skipped": int(skipped), "updated_at": self._stamp()}, pk="citizen")

    def place(self, user: str) -> CitizenPlace | None:
        with self._lock:
            rows = list(self.db["citizen_places"].rows_where("citizen = ?", [user]))
        return self._place(rows[0]) if rows else None

    def places(self) -> list[CitizenPlace]:
        with self._lock:
            return [self._place(r) for r in self.db["citizen_places"].rows]

    @staticmethod
    def _place(row: dict) -> CitizenPlace:
        return CitizenPlace(row["citizen"], row["province"], row["team_id"], bool(row["skipped"]))

    def set_outcome(self, message_id: int, outcome: str, entry_id: str | None = None) -> None:
        """The question's own row keeps what the bot did and which entry answered it (reports by procedure)."""
        with self.transaction():
            self.db.execute("UPDATE messages SET outcome = ?, entry_id = ? WHERE id = ?", [outcome, entry_id, message_id])

    def questions(self) -> list[QuestionRecord]:
        with self._lock:
            rows = self.db.execute("SELECT id, citizen, channel, created_at, outcome, entry_id FROM messages "
                                   "WHERE outcome IS NOT NULL ORDER BY id").fetchall()
        return [QuestionRecord(*r) for r in rows]

    # drafts
    def add_draft(self, need_ids: tuple[int, ...], entry_id: str, title: str, topic: str,
                  questions: tuple[str, ...], body: str, links: tuple[dict, ...], sources: tuple[dict, ...],
                  created_by: int | None, status: str, provinces: tuple[str, ...] = ()) -> KnowledgeDraft:
        now = self._stamp()
        with self.transaction():
            pk = self.db["knowledge_drafts"].insert({
                "status": status, "need_ids": json.dumps(list(need_ids)), "entry_id": entry_id, "title": title,
                "topic": topic, "questions": json.dumps(list(questions), ensure_ascii=False), "body": body,
                "links": json.dumps(list(links), ensure_ascii=False),
                "sources": json.dumps(list(sources), ensure_ascii=False),
                "created_by": created_by, "created_at": now, "updated_at": now,
                "provinces": json.dumps(list(provinces))}).last_pk
            return draft_of(self.db["knowledge_drafts"].get(pk))

    def draft(self, draft_id: int) -> KnowledgeDraft | None:
        with self._lock:
            rows = list(self.db["knowledge_drafts"].rows_where("id = ?", [draft_id]))
        return draft_of(rows[0]) if rows else None

    def drafts(self) -> list[KnowledgeDraft]:
        with self._lock:
            return [draft_of(r) for r in self.db["knowledge_drafts"].rows_where(order_by="id desc")]

    def update_draft(self, draft_id: int, expected_status: str, changes: dict) -> KnowledgeDraft | None:
        changes = {k: json_list(v) if k in JSON_FIELDS else v for k, v in changes.items()}
        sets = ", ".join(f"[{k}] = ?" for k in changes)
        with self.transaction():
            cur = self.db.execute(f"UPDATE knowledge_drafts SET {sets}, updated_at = ? WHERE id = ? AND status = ?",
                                  [*changes.values(), self._stamp(), draft_id, expected_status])
            if cur.rowcount != 1:
                return None
            return draft_of(self.db["knowledge_drafts"].get(draft_id))

    # privacy duties
    def add_audit(self, staff_id: int | None, username: str, action: str, target: str | None = None,
                  detail: str | None = None) -> AuditEntry:
        with self.transaction():
            pk = self.db["audit_log"].insert({"at": self._stamp(), "staff_id": staff_id, "username": username,
                                              "action": action, "target": target, "detail": detail}).last_pk
            return AuditEntry(**self.db["audit_log"].get(pk))

    def audit_log(self, limit: int = 500) -> list[AuditEntry]:
        with self._lock:
            return [AuditEntry(**r) for r in self.db["audit_log"].rows_where(order_by="id desc", limit=limit)]

    def deletion_requests(self) -> list[DeletionRequest]:
        with self._lock:
            return [DeletionRequest(r["id"], r["requested_at"], r["rows_deleted"], r["requested_by"] or "citizen")
                    for r in self.db["deletion_requests"].rows_where(order_by="id desc")]

    def purge_before(self, cutoff: str) -> dict[str, int]:
        """The rules are bot.domain.chat_port's (GO_WITH_THEIR_NEED, PERSONAL_TABLES, ALSO_DATED); this only deletes."""
        need_dated = f"need_id IN (SELECT id FROM unmet_needs WHERE [{PERSONAL_TABLES['unmet_needs']}] < ?)"
        plan = [(table, need_dated) for table in GO_WITH_THEIR_NEED]
        plan += [(table, f"[{column}] < ?") for table, column in {**PERSONAL_TABLES, **ALSO_DATED}.items()]
        cutoff = iso(epoch(cutoff))   # one form of the time, as stored, whatever offset the caller wrote
        counts: dict[str, int] = {}
        with self.transaction():
            for table, where in plan:
                counts[table] = counts.get(table, 0) + self.db.execute(f"DELETE FROM [{table}] WHERE {where}",
                                                                       [cutoff]).rowcount
            self._checkpoint_due = True
        return counts

    def claim_job(self, name: str, now: float, every_s: float) -> bool:
        with self.transaction():
            self.db.execute("INSERT OR IGNORE INTO jobs (name, last_run) VALUES (?, NULL)", [name])
            return self.db.execute("UPDATE jobs SET last_run = ? WHERE name = ? AND (last_run IS NULL OR last_run <= ?)",
                                   [iso(now), name, iso(now - every_s)]).rowcount == 1
