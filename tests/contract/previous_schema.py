"""A SQLite database as the schema before m014 left it (a `user` column, epoch-float times in four tables, no
session version), made by the real earlier migrations, with one row in every table: the upgrade case."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import sqlite_utils

from bot.sqlite_storage import MIGRATIONS

BEFORE = "m014"
AT = "2026-11-20T08:00:00+00:00"
EPOCH = 1763625600.0   # AT in epoch seconds
PHONE = "0912345678"


def write_previous(path: Path) -> None:
    db = sqlite_utils.Database(sqlite3.connect(str(path)))
    db["_migrations"].create({"name": str, "applied_at": str}, pk="name")
    for name, fn in sorted(MIGRATIONS, key=lambda m: m[0]):
        if name < BEFORE:
            fn(db)
            db["_migrations"].insert({"name": name, "applied_at": AT})
    rows = {
        "messages": [{"id": 1, "user": "u1", "channel": "web", "direction": "in", "text": "cho em hoi lam cccd",
                      "created_at": AT, "message_id": "m-1", "outcome": "answer", "entry_id": "cccd"},
                     {"id": 2, "user": "u1", "channel": "web", "direction": "out", "text": "trả lời",
                      "reply_to": 1, "created_at": AT}],
        "ratings": [{"id": 1, "answer_id": 2, "user": "u1", "channel": "web", "value": "down", "created_at": AT,
                     "updated_at": AT}],
        "unmet_needs": [{"id": 1, "user": "u1", "channel": "web", "kind": "gap_nguoi_ho_tro", "status": "moi",
                         "rating_id": 1, "created_at": AT, "updated_at": AT}],
        "consent": [{"user": "u1", "channel": "web", "notice_version": "2026-11", "shown_at": AT}],
        "sessions": [{"user": "u1", "state": json.dumps({"you": "bác"}), "updated_at": EPOCH + 0.25}],
        "deletion_requests": [{"id": 1, "user": "u9", "requested_at": AT, "rows_deleted": "{}",
                               "requested_by": "citizen"}],
        "addresses": [{"user": "u1", "channel": "telegram", "address": "4242", "updated_at": AT}],
        "outbox": [{"id": 1, "user": "u1", "channel": "web", "reply": "tổ đã trả lời", "created_at": AT}],
        "deliveries": [{"id": 1, "user": "u1", "channel": "zalo", "status": "undelivered", "error": "-230",
                        "text": "x", "created_at": AT}],
        "callbacks": [{"need_id": 1, "user": "u1", "phone": PHONE, "created_at": AT, "preferred_time": "chiều"}],
        "parked_turns": [{"id": 1, "user": "u1", "channel": "zalo", "event": "{}", "created_at": AT}],
        "offered_numbers": [{"user": "u1", "phone": PHONE, "preferred_time": None, "created_at": AT}],
        "citizen_places": [{"user": "u1", "province": "ha-tinh", "team_id": None, "skipped": 0, "updated_at": AT}],
        "staff": [{"id": 1, "username": "lan", "name": "Chị Lan", "password_hash": "h", "role": "admin",
                   "active": 1, "created_at": AT}],
        "staff_sessions": [{"token_hash": "t1", "staff_id": 1, "csrf_token": "c", "created_at": EPOCH,
                            "expires_at": EPOCH + 3600.5}],
        "login_failures": [{"id": 1, "username": "lan", "ip": "1.2.3.4", "at": EPOCH - 10}],
        "jobs": [{"name": "purge", "last_run": EPOCH}],
    }
    for table, table_rows in rows.items():
        db[table].insert_all(table_rows)
    db.conn.commit()
    db.conn.close()
