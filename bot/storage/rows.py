"""How a stored row reads as a port record, the same on every backend: the `citizen` column is the ports' `user`
(`user` is reserved in PostgreSQL; the ports kept the name), JSON lists come back as tuples, empty text as "".
One copy for SQLite and PostgreSQL, so the two cannot drift apart."""
from __future__ import annotations

import json
from collections.abc import Sequence

from bot.domain.chat_port import PERSON_COLUMN, UnmetNeed
from bot.domain.desk_port import KnowledgeDraft, StaffUser, Team

JSON_FIELDS = ("need_ids", "questions", "links", "sources", "provinces")   # of a knowledge draft


def port_row(row: dict) -> dict:
    """A row as the ports name it: the `citizen` column is the port's `user`."""
    return {("user" if k == PERSON_COLUMN else k): v for k, v in row.items()}


def record(cls: type, row: dict):
    """A port record (frozen dataclass) from a row: its fields by name, `user` from the `citizen` column."""
    row = port_row(row)
    return cls(**{k: row[k] for k in cls.__dataclass_fields__})


def need_of(row: dict) -> UnmetNeed:
    return record(UnmetNeed, row)


def team_of(row: dict) -> Team:
    return Team(row["id"], row["name"], row["province"], row["province_name"] or row["province"],
                row["commune"] or "", row["telegram_chat_id"] or None, bool(row["is_default"]))


def staff_of(row: dict) -> StaffUser:
    return StaffUser(row["id"], row["username"], row["name"] or row["username"], row["role"], row["team_id"],
                     row["telegram_user_id"] or None, bool(row["active"]), row["password_hash"])


def json_list(values: Sequence) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def draft_of(row: dict) -> KnowledgeDraft:
    def listed(name: str) -> tuple:
        return tuple(json.loads(row[name] or "[]"))

    return KnowledgeDraft(
        id=row["id"], status=row["status"], need_ids=listed("need_ids"), entry_id=row["entry_id"] or "",
        title=row["title"] or "", topic=row["topic"] or "", questions=listed("questions"), body=row["body"] or "",
        links=listed("links"), sources=listed("sources"), created_by=row["created_by"],
        created_at=row["created_at"], updated_at=row["updated_at"], reviewer_id=row["reviewer_id"],
        approved_at=row["approved_at"], file_path=row["file_path"], previous_text=row["previous_text"],
        reverted_at=row["reverted_at"], provinces=listed("provinces"))
