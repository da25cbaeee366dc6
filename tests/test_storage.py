"""Contract tests for Storage, run against every implementation (today: SQLite on a real file)."""
import sqlite3

import pytest
import sqlite_utils

from bot.sqlite_storage import MIGRATIONS, SqliteStorage
from bot.storage import NeedKind, NeedStatus


@pytest.fixture(params=["sqlite-file"])
def store(request, tmp_path):
    return SqliteStorage(tmp_path / "dvcbot.db")


def test_messages_round_trip_in_order(store):
    a = store.add_message("u1", "web", "in", "câu hỏi")
    b = store.add_message("u1", "web", "out", "trả lời", entry_id="e1", reply_to=a)
    store.add_message("u2", "web", "in", "người khác")
    assert [m["text"] for m in store.recent_messages("u1", 10)] == ["câu hỏi", "trả lời"]
    assert store.message(b)["entry_id"] == "e1" and store.message(b)["reply_to"] == a
    assert store.message(999) is None


def test_rating_changes_but_is_never_double_counted(store):
    answer = store.add_message("u1", "web", "out", "trả lời", entry_id="e1")
    r1 = store.rate(answer, "u1", "web", "hỏi gì", "e1", "down")
    store.set_rating_reason(r1.id, "u1", reason="unclear", comment="khó hiểu quá")
    r2 = store.rate(answer, "u1", "web", "hỏi gì", "e1", "up")
    assert r1.id == r2.id and r2.value == "up" and r2.reason is None
    store.rate(answer, "u2", "web", "hỏi gì", "e1", "down")
    assert len(store.ratings()) == 2


def test_reason_only_by_the_rater(store):
    answer = store.add_message("u1", "web", "out", "x", entry_id="e1")
    r = store.rate(answer, "u1", "web", None, "e1", "down")
    assert store.set_rating_reason(r.id, "someone-else", reason="wrong") is None


def test_unmet_need_lifecycle(store):
    need = store.add_unmet_need("u1", "web", NeedKind.STUCK, question="q", entry_id="e1", step=3, context="ctx")
    assert need.status == NeedStatus.NEW.value and need.step == 3
    assert store.set_need_status(need.id, NeedStatus.ACKNOWLEDGED).status == "da_nhan"
    assert store.set_need_status(need.id, NeedStatus.ANSWERED).status == "da_tra_loi"
    with pytest.raises(ValueError):
        store.set_need_status(need.id, NeedStatus.NEW)
    assert store.set_need_status(need.id, NeedStatus.CLOSED).status == "da_dong"
    assert [n.id for n in store.unmet_needs(NeedStatus.CLOSED)] == [need.id]


def test_one_need_per_bad_rating(store):
    answer = store.add_message("u1", "web", "out", "x", entry_id="e1")
    r = store.rate(answer, "u1", "web", None, "e1", "down")
    n1 = store.add_unmet_need("u1", "web", NeedKind.BAD_RATING, rating_id=r.id)
    n2 = store.add_unmet_need("u1", "web", NeedKind.BAD_RATING, rating_id=r.id)
    assert n1.id == n2.id and len(store.unmet_needs()) == 1


def test_consent_is_recorded_once(store):
    assert store.record_consent("u1", "web", "v1") is True
    assert store.record_consent("u1", "web", "v1") is False


def test_session_round_trip(store):
    assert store.load_session("u1") is None
    store.save_session("u1", {"pending": {"type": "ready", "answers": [True]}}, 100.0)
    assert store.load_session("u1") == ({"pending": {"type": "ready", "answers": [True]}}, 100.0)


def test_delete_user_removes_every_row_and_keeps_a_record(store):
    m = store.add_message("u1", "web", "in", "x")
    store.rate(m, "u1", "web", None, None, "up")
    need = store.add_unmet_need("u1", "web", NeedKind.HANDOFF)
    store.save_callback(need.id, "u1", "0912345678")
    store.record_consent("u1", "web", "v1")
    store.save_session("u1", {}, 1.0)
    store.save_address("u1", "telegram", "123456")
    store.queue_reply("u1", "web", "{}")
    store.record_delivery("u1", "zalo", "undelivered", "-230", "x")
    store.add_message("u2", "web", "in", "y")
    counts = store.delete_user("u1")
    assert counts == {"messages": 1, "ratings": 1, "unmet_needs": 1, "consent": 1, "sessions": 1,
                      "addresses": 1, "outbox": 1, "deliveries": 1, "callbacks": 1}
    assert store.address("u1", "telegram") is None and store.callback(need.id) is None
    assert store.recent_messages("u1", 10) == [] and len(store.recent_messages("u2", 10)) == 1
    assert store.db["deletion_requests"].count == 1


def test_wal_mode_and_busy_timeout(tmp_path):
    store = SqliteStorage(tmp_path / "w.db")
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_older_database_is_upgraded_in_place(tmp_path):
    path = tmp_path / "old.db"
    old = sqlite_utils.Database(sqlite3.connect(path))
    old["_migrations"].create({"name": str, "applied_at": str}, pk="name")
    name, first = MIGRATIONS[0]
    first(old)
    old["_migrations"].insert({"name": name, "applied_at": "2026-01-01"})
    old["messages"].insert({"user": "u1", "channel": "web", "direction": "in", "text": "cũ", "created_at": "2026-01-01"})
    old.conn.commit()
    old.conn.close()

    store = SqliteStorage(path)
    assert {r["name"] for r in store.db["_migrations"].rows} == {n for n, _ in MIGRATIONS}
    assert [m["text"] for m in store.recent_messages("u1", 5)] == ["cũ"]
    assert store.record_consent("u1", "web", "v1")  # tables from the newer migration exist
    assert store.migrate() == []  # running again changes nothing


def test_a_repeated_delivery_is_stored_once(store):
    first = store.add_message("u1", "zalo", "in", "xin chào", message_id="m-1")
    assert first is not None
    assert store.add_message("u1", "zalo", "in", "xin chào", message_id="m-1") is None
    assert store.add_message("u1", "telegram", "in", "xin chào", message_id="m-1") is not None  # ids are per channel
    assert store.add_message("u1", "web", "in", "a") != store.add_message("u1", "web", "in", "a")  # no id: no dedupe


def test_queued_replies_are_taken_once_in_order(store):
    store.queue_reply("u1", "web", "one")
    store.queue_reply("u1", "web", "two")
    store.queue_reply("u2", "web", "other")
    assert store.take_replies("u1", "web") == ["one", "two"]
    assert store.take_replies("u1", "web") == []
    assert store.take_replies("u2", "web") == ["other"]


def test_needs_by_user_and_status_with_detail(store):
    a = store.add_unmet_need("u1", "web", NeedKind.STUCK, question="q", entry_id="e1", step=2, detail="không thấy nút")
    b = store.add_unmet_need("u1", "web", NeedKind.HANDOFF)
    store.add_unmet_need("u2", "web", NeedKind.HANDOFF)
    store.set_need_status(b.id, NeedStatus.CLOSED)
    assert [n.id for n in store.user_needs("u1", (NeedStatus.NEW, NeedStatus.ACKNOWLEDGED))] == [a.id]
    assert store.user_needs("u1", (NeedStatus.NEW,))[0].detail == "không thấy nút"
    assert store.set_need_detail(b.id, "gọi lại giúp tôi").detail == "gọi lại giúp tôi"


def test_callback_number_is_kept_per_ticket_and_deleted_alone(store):
    need = store.add_unmet_need("u1", "web", NeedKind.HANDOFF)
    store.save_callback(need.id, "u1", "0912345678")
    store.save_callback(need.id, "u1", "0987654321")  # the citizen corrected it: one number per ticket
    cb = store.callback(need.id)
    assert cb.phone == "0987654321" and cb.user == "u1" and store.db["callbacks"].count == 1
    assert store.delete_callback(need.id) and store.callback(need.id) is None
    assert not store.delete_callback(need.id)
    assert "0987654321" not in str(list(store.db["messages"].rows)) + str(list(store.db["unmet_needs"].rows))
