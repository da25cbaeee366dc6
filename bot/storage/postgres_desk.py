"""PostgreSQL persistence for the community desk and admin pages (mixed into PostgresStorage).

Only persistence, like bot.storage.sqlite_desk: compare-and-set updates (`UPDATE … WHERE status = …`, which PostgreSQL
re-checks on the row's newest version once another worker's lock is gone) and transaction-scoped advisory locks
let several `dvcbot serve` workers share one database without two of them claiming, announcing or approving the
same thing.
"""
from __future__ import annotations

import json
from contextlib import AbstractContextManager
from typing import Callable, NamedTuple, Sequence

import psycopg
from psycopg import sql

from bot.core.clock import Clock, epoch, iso
from bot.domain.chat_port import PERSONAL_TABLES, NeedStatus, UnmetNeed
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


class Result(NamedTuple):
    rowcount: int
    rows: list[dict]


def person(row: dict) -> dict:
    """A row as the ports give it: the `citizen` column is the `user` key (the ports kept the name)."""
    return {("user" if k == "citizen" else k): v for k, v in row.items()}


def column(name: str) -> sql.Identifier:
    return sql.Identifier("citizen" if name == "user" else name)


def sets(changes: dict) -> sql.Composed:
    """`a = %s, b = %s` for the given changes, names quoted (they come from code, never from a citizen)."""
    return sql.SQL(", ").join(sql.SQL("{} = %s").format(column(k)) for k in changes)


def _team(row: dict) -> Team:
    return Team(row["id"], row["name"], row["province"], row["province_name"] or row["province"],
                row["commune"] or "", row["telegram_chat_id"] or None, bool(row["is_default"]))


def _staff(row: dict) -> StaffUser:
    return StaffUser(row["id"], row["username"], row["name"] or row["username"], row["role"], row["team_id"],
                     row["telegram_user_id"] or None, bool(row["active"]), row["password_hash"])


def need_of(row: dict) -> UnmetNeed:
    row = person(row)
    return UnmetNeed(**{k: row[k] for k in UnmetNeed.__dataclass_fields__})


def _draft(row: dict) -> KnowledgeDraft:
    return KnowledgeDraft(
        id=row["id"], status=row["status"], need_ids=tuple(json.loads(row["need_ids"] or "[]")),
        entry_id=row["entry_id"] or "", title=row["title"] or "", topic=row["topic"] or "",
        questions=tuple(json.loads(row["questions"] or "[]")), body=row["body"] or "",
        links=tuple(json.loads(row["links"] or "[]")), sources=tuple(json.loads(row["sources"] or "[]")),
        created_by=row["created_by"], created_at=row["created_at"], updated_at=row["updated_at"],
        reviewer_id=row["reviewer_id"], approved_at=row["approved_at"], file_path=row["file_path"],
        previous_text=row["previous_text"], reverted_at=row["reverted_at"],
        provinces=tuple(json.loads(row["provinces"] or "[]")))


_JSON_FIELDS = ("need_ids", "questions", "links", "sources", "provinces")


def _json(values: Sequence) -> str:
    return json.dumps(list(values), ensure_ascii=False)


class PostgresDeskTables:
    """Desk tables on PostgresStorage's pool, which provides the attributes declared here."""

    clock: Clock
    transaction: Callable[[], AbstractContextManager[None]]   # writes: one transaction (nested: a savepoint)
    _run: Callable[..., Result]                               # one statement, in the thread's transaction if any
    _lock: Callable[[str], None]                              # a transaction-scoped advisory lock on a name

    def _now(self) -> str:
        return iso(int(self.clock()))   # rows are dated to the second, as on SQLite

    def _one(self, query: str | sql.Composable, args: Sequence = ()) -> dict | None:
        rows = self._run(query, args).rows
        return rows[0] if rows else None

    # teams and staff
    def add_team(self, name: str, province: str, province_name: str, commune: str,
                 telegram_chat_id: str | None = None, is_default: bool = False) -> Team:
        with self.transaction():
            if is_default:
                self._lock("teams.default")   # two admins making two defaults at once: one default stays
                self._run("UPDATE teams SET is_default = FALSE WHERE is_default")
            return _team(self._run(
                "INSERT INTO teams (name, province, province_name, commune, telegram_chat_id, is_default, created_at) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING *",
                [name, province, province_name, commune, telegram_chat_id, bool(is_default), self._now()]).rows[0])

    def update_team(self, team_id: int, changes: dict) -> Team:
        changes = {k: bool(v) if k == "is_default" else v for k, v in changes.items()}
        with self.transaction():
            if changes.get("is_default"):
                self._lock("teams.default")
                self._run("UPDATE teams SET is_default = FALSE WHERE is_default AND id <> %s", [team_id])
            query = sql.SQL("UPDATE teams SET {} WHERE id = %s RETURNING *").format(sets(changes))
            return _team(self._run(query, [*changes.values(), team_id]).rows[0])

    def teams(self) -> list[Team]:
        return [_team(r) for r in self._run("SELECT * FROM teams ORDER BY id").rows]

    def team(self, team_id: int) -> Team | None:
        row = self._one("SELECT * FROM teams WHERE id = %s", [team_id])
        return _team(row) if row else None

    def add_staff(self, username: str, name: str, password_hash: str, role: str, team_id: int | None = None,
                  telegram_user_id: str | None = None) -> StaffUser:
        try:
            with self.transaction():   # a savepoint when nested: the refused insert takes back nothing else
                return _staff(self._run(
                    "INSERT INTO staff (username, name, password_hash, role, team_id, telegram_user_id, active, "
                    "created_at) VALUES (%s, %s, %s, %s, %s, %s, TRUE, %s) RETURNING *",
                    [username, name, password_hash, role, team_id, telegram_user_id, self._now()]).rows[0])
        except psycopg.errors.UniqueViolation:
            raise ValueError(f"tên đăng nhập '{username}' đã có") from None

    def update_staff(self, staff_id: int, changes: dict) -> StaffUser:
        changes = {k: bool(v) if k == "active" else v for k, v in changes.items()}
        with self.transaction():
            query = sql.SQL("UPDATE staff SET {} WHERE id = %s RETURNING *").format(sets(changes))
            return _staff(self._run(query, [*changes.values(), staff_id]).rows[0])

    def staff(self) -> list[StaffUser]:
        return [_staff(r) for r in self._run("SELECT * FROM staff ORDER BY id").rows]

    def _one_staff(self, where: str, args: list) -> StaffUser | None:
        row = self._one(f"SELECT * FROM staff WHERE {where} ORDER BY id LIMIT 1", args)
        return _staff(row) if row else None

    def staff_member(self, staff_id: int) -> StaffUser | None:
        return self._one_staff("id = %s", [staff_id])

    def staff_by_username(self, username: str) -> StaffUser | None:
        return self._one_staff("username = %s", [username])

    def staff_by_telegram(self, telegram_user_id: str) -> StaffUser | None:
        return self._one_staff("telegram_user_id = %s AND active", [str(telegram_user_id)])

    # staff sessions and login throttling (epoch seconds at the port, ISO text at rest)
    def add_staff_session(self, session: StaffSession) -> None:
        with self.transaction():
            self._run("INSERT INTO staff_sessions (token_hash, staff_id, csrf_token, created_at, expires_at) "
                      "VALUES (%s, %s, %s, %s, %s)", [session.token_hash, session.staff_id, session.csrf_token,
                                                      iso(session.created_at), iso(session.expires_at)])

    def staff_session(self, token_hash: str) -> StaffSession | None:
        row = self._one("SELECT * FROM staff_sessions WHERE token_hash = %s", [token_hash])
        return StaffSession(row["token_hash"], row["staff_id"], row["csrf_token"], epoch(row["created_at"]),
                            epoch(row["expires_at"])) if row else None

    def extend_staff_session(self, token_hash: str, expires_at: float) -> None:
        with self.transaction():
            self._run("UPDATE staff_sessions SET expires_at = %s WHERE token_hash = %s", [iso(expires_at), token_hash])

    def delete_staff_session(self, token_hash: str) -> None:
        with self.transaction():
            self._run("DELETE FROM staff_sessions WHERE token_hash = %s", [token_hash])

    def delete_staff_sessions_of(self, staff_id: int, keep: str | None = None) -> int:
        with self.transaction():
            return self._run("DELETE FROM staff_sessions WHERE staff_id = %s AND token_hash IS DISTINCT FROM %s",
                             [staff_id, keep]).rowcount

    def delete_expired_staff_sessions(self, now: float) -> int:
        with self.transaction():
            return self._run("DELETE FROM staff_sessions WHERE expires_at <= %s", [iso(now)]).rowcount

    def begin_login_attempt(self, username: str, ip: str, at: float, since: float,
                            wait_for: Callable[[list[float], list[float]], int]) -> int:
        """Serialised by one advisory lock: of two attempts at once, the later one counts the earlier failure."""
        with self.transaction():
            self._lock("login_failures")
            found = self._run("SELECT at, ip = %s AS by_ip, username = %s AS by_user FROM login_failures "
                              "WHERE at >= %s AND (ip = %s OR username = %s) ORDER BY at, id",
                              [ip, username, iso(since), ip, username]).rows
            wait = wait_for([epoch(r["at"]) for r in found if r["by_ip"]],
                            [epoch(r["at"]) for r in found if r["by_user"]])
            if not wait:
                self._run("INSERT INTO login_failures (username, ip, at) VALUES (%s, %s, %s)", [username, ip, iso(at)])
            return wait

    def clear_login_failures(self, username: str) -> None:
        with self.transaction():
            self._run("DELETE FROM login_failures WHERE username = %s", [username])

    # needs
    def need(self, need_id: int) -> UnmetNeed | None:
        row = self._one("SELECT * FROM unmet_needs WHERE id = %s", [need_id])
        return need_of(row) if row else None

    def update_need(self, need_id: int, expected_status: NeedStatus, changes: dict) -> UnmetNeed | None:
        changes = {k: v.value if isinstance(v, NeedStatus) else v for k, v in changes.items()}
        query = sql.SQL("UPDATE unmet_needs SET {}, updated_at = %s WHERE id = %s AND status = %s RETURNING *").format(
            sets(changes))
        with self.transaction():
            rows = self._run(query, [*changes.values(), self._now(), need_id, NeedStatus(expected_status).value]).rows
        return need_of(rows[0]) if rows else None

    def needs_to_route(self) -> list[UnmetNeed]:
        return [need_of(r) for r in self._run("SELECT * FROM unmet_needs WHERE routed_at IS NULL ORDER BY id").rows]

    def needs_to_announce(self) -> list[UnmetNeed]:
        return [need_of(r) for r in self._run(
            "SELECT * FROM unmet_needs WHERE routed_at IS NOT NULL AND announced_at IS NULL AND status = %s "
            "ORDER BY id", [NeedStatus.NEW.value]).rows]

    def mark_announced(self, need_id: int, at: str) -> bool:
        with self.transaction():
            return self._run("UPDATE unmet_needs SET announced_at = %s WHERE id = %s AND announced_at IS NULL",
                             [at, need_id]).rowcount == 1

    def route_need(self, need_id: int, team_id: int | None, at: str) -> bool:
        with self.transaction():
            return self._run("UPDATE unmet_needs SET team_id = %s, routed_at = %s WHERE id = %s AND routed_at IS NULL",
                             [team_id, at, need_id]).rowcount == 1

    def set_need_group(self, need_id: int, group_with: int) -> UnmetNeed:
        with self.transaction():
            return need_of(self._run("UPDATE unmet_needs SET group_with = %s WHERE id = %s RETURNING *",
                                     [group_with, need_id]).rows[0])

    def reassign_need(self, need_id: int, team_id: int, at: str) -> UnmetNeed | None:
        """Hand an open need to another team: new again there (unclaimed, to be announced); None if no longer open."""
        with self.transaction():
            rows = self._run(
                "UPDATE unmet_needs SET team_id = %s, routed_at = %s, announced_at = NULL, status = %s, "
                "claimed_by = NULL, claimed_at = NULL, updated_at = %s WHERE id = %s AND status IN (%s, %s) "
                "RETURNING *",
                [team_id, at, NeedStatus.NEW.value, at, need_id, NeedStatus.NEW.value,
                 NeedStatus.ACKNOWLEDGED.value]).rows
        return need_of(rows[0]) if rows else None

    def add_need_event(self, need_id: int, action: str, staff_id: int | None, at: str,
                       detail: str | None = None) -> None:
        with self.transaction():
            self._run("INSERT INTO need_events (need_id, action, staff_id, at, detail) VALUES (%s, %s, %s, %s, %s)",
                      [need_id, action, staff_id, at, detail])

    def need_events(self, need_id: int) -> list[NeedEvent]:
        return [NeedEvent(**r) for r in self._run("SELECT * FROM need_events WHERE need_id = %s ORDER BY id",
                                                  [need_id]).rows]

    def save_place(self, user: str, province: str | None, team_id: int | None, skipped: bool) -> None:
        with self.transaction():
            self._run("INSERT INTO citizen_places (citizen, province, team_id, skipped, updated_at) "
                      "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (citizen) DO UPDATE SET province = excluded.province, "
                      "team_id = excluded.team_id, skipped = excluded.skipped, updated_at = excluded.updated_at",
                      [user, province, team_id, bool(skipped), self._now()])

    def place(self, user: str) -> CitizenPlace | None:
        row = self._one("SELECT * FROM citizen_places WHERE citizen = %s", [user])
        return self._place(row) if row else None

    def places(self) -> list[CitizenPlace]:
        return [self._place(r) for r in self._run("SELECT * FROM citizen_places ORDER BY citizen").rows]

    @staticmethod
    def _place(row: dict) -> CitizenPlace:
        return CitizenPlace(row["citizen"], row["province"], row["team_id"], bool(row["skipped"]))

    def set_outcome(self, message_id: int, outcome: str, entry_id: str | None = None) -> None:
        """The question's own row keeps what the bot did and which entry answered it (reports by procedure)."""
        with self.transaction():
            self._run("UPDATE messages SET outcome = %s, entry_id = %s WHERE id = %s", [outcome, entry_id, message_id])

    def questions(self) -> list[QuestionRecord]:
        rows = self._run("SELECT id, citizen, channel, created_at, outcome, entry_id FROM messages "
                         "WHERE outcome IS NOT NULL ORDER BY id").rows
        return [QuestionRecord(*r.values()) for r in rows]

    # drafts
    def add_draft(self, need_ids: tuple[int, ...], entry_id: str, title: str, topic: str,
                  questions: tuple[str, ...], body: str, links: tuple[dict, ...], sources: tuple[dict, ...],
                  created_by: int | None, status: str, provinces: tuple[str, ...] = ()) -> KnowledgeDraft:
        now = self._now()
        with self.transaction():
            return _draft(self._run(
                "INSERT INTO knowledge_drafts (status, need_ids, entry_id, title, topic, questions, body, links, "
                "sources, created_by, created_at, updated_at, provinces) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING *",
                [status, _json(need_ids), entry_id, title, topic, _json(questions), body, _json(links),
                 _json(sources), created_by, now, now, _json(provinces)]).rows[0])

    def draft(self, draft_id: int) -> KnowledgeDraft | None:
        row = self._one("SELECT * FROM knowledge_drafts WHERE id = %s", [draft_id])
        return _draft(row) if row else None

    def drafts(self) -> list[KnowledgeDraft]:
        return [_draft(r) for r in self._run("SELECT * FROM knowledge_drafts ORDER BY id DESC").rows]

    def update_draft(self, draft_id: int, expected_status: str, changes: dict) -> KnowledgeDraft | None:
        changes = {k: _json(v) if k in _JSON_FIELDS else v for k, v in changes.items()}
        query = sql.SQL("UPDATE knowledge_drafts SET {}, updated_at = %s WHERE id = %s AND status = %s "
                        "RETURNING *").format(sets(changes))
        with self.transaction():
            rows = self._run(query, [*changes.values(), self._now(), draft_id, expected_status]).rows
        return _draft(rows[0]) if rows else None

    # privacy duties
    def add_audit(self, staff_id: int | None, username: str, action: str, target: str | None = None,
                  detail: str | None = None) -> AuditEntry:
        with self.transaction():
            return AuditEntry(**self._run(
                "INSERT INTO audit_log (at, staff_id, username, action, target, detail) "
                "VALUES (%s, %s, %s, %s, %s, %s) RETURNING *",
                [self._now(), staff_id, username, action, target, detail]).rows[0])

    def audit_log(self, limit: int = 500) -> list[AuditEntry]:
        return [AuditEntry(**r) for r in self._run("SELECT * FROM audit_log ORDER BY id DESC LIMIT %s", [limit]).rows]

    def deletion_requests(self) -> list[DeletionRequest]:
        return [DeletionRequest(r["id"], r["requested_at"], r["rows_deleted"], r["requested_by"] or "citizen")
                for r in self._run("SELECT * FROM deletion_requests ORDER BY id DESC").rows]

    def purge_before(self, cutoff: str) -> dict[str, int]:
        """Every time at rest is ISO text, so one cutoff dates every table (sessions and login failures too)."""
        plan: list[tuple[str, str]] = [
            ("need_events", "need_id IN (SELECT id FROM unmet_needs WHERE created_at < %s)"),
            # a call-back number never outlives its ticket, however old the number itself
            ("callbacks", "need_id IN (SELECT id FROM unmet_needs WHERE created_at < %s)")]
        plan += [(table, f"{column} < %s") for table, column in PERSONAL_TABLES.items()]
        plan += [("login_failures", "at < %s"), ("deletion_requests", "requested_at < %s")]
        counts: dict[str, int] = {}
        with self.transaction():
            for table, where in plan:
                counts[table] = counts.get(table, 0) + self._run(f"DELETE FROM {table} WHERE {where}",
                                                                 [cutoff]).rowcount
        return counts

    def claim_job(self, name: str, now: float, every_s: float) -> bool:
        """The UPDATE's condition is checked again on the row as another worker left it (READ COMMITTED)."""
        with self.transaction():
            self._run("INSERT INTO jobs (name, last_run) VALUES (%s, NULL) ON CONFLICT (name) DO NOTHING", [name])
            return self._run("UPDATE jobs SET last_run = %s WHERE name = %s AND (last_run IS NULL OR last_run <= %s)",
                             [iso(now), name, iso(now - every_s)]).rowcount == 1
