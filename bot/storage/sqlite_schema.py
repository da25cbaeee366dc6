"""The SQLite schema, as numbered migrations (bot.storage.sqlite applies them in name order).

The conversation tables live here; each other concern's module (desk, citizen column, knowledge files, channel
tokens, shared turns) keeps its own migrations next to its queries, and the list below joins them. A migration
that shipped is never edited: a new one is added.
"""
from __future__ import annotations

import sqlite_utils

from bot.storage.sqlite_citizen import CITIZEN_MIGRATIONS
from bot.storage.sqlite_desk import DESK_MIGRATIONS
from bot.storage.sqlite_knowledge import KNOWLEDGE_MIGRATIONS
from bot.storage.sqlite_migration import Migrations
from bot.storage.sqlite_tokens import TOKEN_MIGRATIONS
from bot.storage.sqlite_turns import SHARED_TURN_MIGRATIONS

MIGRATIONS = Migrations()


@MIGRATIONS
def m001_messages_ratings_needs(db: sqlite_utils.Database) -> None:
    db["messages"].create({"id": int, "user": str, "channel": str, "direction": str, "text": str,
                           "payload": str, "entry_id": str, "reply_to": int, "created_at": str}, pk="id")
    db["messages"].create_index(["user", "id"])
    db["ratings"].create({"id": int, "answer_id": int, "user": str, "channel": str, "question": str,
                          "entry_id": str, "value": str, "reason": str, "comment": str,
                          "created_at": str, "updated_at": str}, pk="id")
    db["ratings"].create_index(["answer_id", "user"], unique=True)
    db["unmet_needs"].create({"id": int, "user": str, "channel": str, "kind": str, "status": str,
                              "question": str, "entry_id": str, "step": int, "context": str,
                              "rating_id": int, "created_at": str, "updated_at": str}, pk="id")
    db["unmet_needs"].create_index(["status"])
    # one unmet need per bad rating, however often the citizen presses 👎
    db.execute("CREATE UNIQUE INDEX idx_unmet_needs_rating ON unmet_needs(rating_id) WHERE rating_id IS NOT NULL")


@MIGRATIONS
def m002_consent_sessions_deletions(db: sqlite_utils.Database) -> None:
    db["consent"].create({"user": str, "channel": str, "notice_version": str, "shown_at": str}, pk="user")
    db["sessions"].create({"user": str, "state": str, "updated_at": float}, pk="user")
    db["deletion_requests"].create({"id": int, "user": str, "requested_at": str, "rows_deleted": str}, pk="id")


@MIGRATIONS
def m003_delivery_ids_addresses_outbox(db: sqlite_utils.Database) -> None:
    db["messages"].add_column("message_id", str)
    # a channel that delivers the same message twice (webhook retries) gets one stored row and one reply
    db.execute("CREATE UNIQUE INDEX idx_messages_delivery ON messages(channel, message_id) "
               "WHERE message_id IS NOT NULL")
    db["addresses"].create({"user": str, "channel": str, "address": str, "updated_at": str}, pk=("user", "channel"))
    db["outbox"].create({"id": int, "user": str, "channel": str, "reply": str, "created_at": str}, pk="id")
    db["outbox"].create_index(["user", "channel", "id"])
    db["deliveries"].create({"id": int, "user": str, "channel": str, "status": str, "error": str,
                             "text": str, "created_at": str}, pk="id")
    db["deliveries"].create_index(["status"])


@MIGRATIONS
def m004_need_details_callbacks(db: sqlite_utils.Database) -> None:
    # what the citizen said about a ticket ("kẹt ở chỗ nào"), redacted like every other text
    db["unmet_needs"].add_column("detail", str)
    db["unmet_needs"].create_index(["user", "status"])
    # a phone number left for a call back: kept apart from the redacted conversation, one per ticket
    db["callbacks"].create({"need_id": int, "user": str, "phone": str, "created_at": str}, pk="need_id")


@MIGRATIONS
def m008_parked_turns(db: sqlite_utils.Database) -> None:
    # turns a webhook acknowledged but the server stopped before beginning: the channel's event, its text redacted
    db["parked_turns"].create({"id": int, "user": str, "channel": str, "event": str, "created_at": str}, pk="id")
    db["parked_turns"].create_index(["channel", "id"])


@MIGRATIONS
def m009_callback_preferred_time(db: sqlite_utils.Database) -> None:
    # "gọi buổi chiều": staff call when the citizen can answer
    db["callbacks"].add_column("preferred_time", str)


@MIGRATIONS
def m013_offered_numbers(db: sqlite_utils.Database) -> None:
    # "gọi cho e đi 0938112457": the number waits here, not in the conversation, until the citizen says "có"
    db["offered_numbers"].create({"user": str, "phone": str, "preferred_time": str, "created_at": str}, pk="user")


MIGRATIONS.extend(DESK_MIGRATIONS)  # m005 onwards (bot/storage/sqlite_desk.py); migrate() applies them in name order
MIGRATIONS.extend(CITIZEN_MIGRATIONS)  # m014 (bot/storage/sqlite_citizen.py): the citizen column, ISO times, versions
MIGRATIONS.extend(KNOWLEDGE_MIGRATIONS)  # m015 (bot/storage/sqlite_knowledge.py): approved knowledge files, leases
MIGRATIONS.extend(TOKEN_MIGRATIONS)  # m016 (bot/storage/sqlite_tokens.py): channel tokens shared by the workers
MIGRATIONS.extend(SHARED_TURN_MIGRATIONS)  # m017 (bot/storage/sqlite_turns.py): buckets, delivery ids, turn claims
