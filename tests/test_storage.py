"""Contract tests for Storage, run against every implementation (today: SQLite on a real file)."""
import sqlite3
import threading

import pytest
import sqlite_utils

from bot.sqlite_storage import MIGRATIONS, SqliteStorage
from bot.storage import NeedKind, NeedStatus, OfferedNumber


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


def test_need_updates_are_compare_and_set(store):
    """Storage only persists; bot.lifecycle decides. A stale expected status writes nothing."""
    need = store.add_unmet_need("u1", "web", NeedKind.STUCK, question="q", entry_id="e1", step=3, context="ctx")
    assert need.status == NeedStatus.NEW.value and need.step == 3 and need.created_at
    claimed = store.update_need(need.id, NeedStatus.NEW, {"status": NeedStatus.ACKNOWLEDGED, "claimed_by": 7,
                                                          "claimed_at": "2026-11-23T08:00:00+00:00"})
    assert claimed.status == "da_nhan" and claimed.claimed_by == 7
    assert store.update_need(need.id, NeedStatus.NEW, {"status": NeedStatus.ACKNOWLEDGED, "claimed_by": 8}) is None
    assert store.need(need.id).claimed_by == 7
    store.update_need(need.id, NeedStatus.ACKNOWLEDGED, {"status": NeedStatus.CLOSED})
    assert [n.id for n in store.unmet_needs(NeedStatus.CLOSED)] == [need.id]
    assert store.need(999) is None


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
    store.save_place("u1", "ha-tinh", None, skipped=False)
    store.park_turn("u1", "zalo", "{}")
    store.offer_number("u1", "0987654321", "buổi tối")
    counts = store.delete_user("u1")
    assert counts == {"messages": 1, "ratings": 1, "unmet_needs": 1, "consent": 1, "sessions": 1,
                      "addresses": 1, "outbox": 1, "deliveries": 1, "callbacks": 1, "citizen_places": 1,
                      "parked_turns": 1, "offered_numbers": 1}
    assert store.offered_number("u1") is None
    assert store.parked_turns("zalo") == []
    assert store.address("u1", "telegram") is None and store.callback(need.id) is None
    assert store.place("u1") is None
    assert store.recent_messages("u1", 10) == [] and len(store.recent_messages("u2", 10)) == 1
    assert store.db["deletion_requests"].count == 1
    assert [r.requested_by for r in store.deletion_requests()] == ["citizen"]


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
    store.update_need(b.id, NeedStatus.NEW, {"status": NeedStatus.CLOSED})
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


# ---- community desk tables


def test_a_typed_number_waits_apart_one_per_person_until_dropped(store):
    store.offer_number("u1", "0912345678")
    store.offer_number("u1", "0938112457", "sau 5h")    # a newer number replaces the one waiting
    store.offer_number("u2", "0911111111")
    assert store.offered_number("u1") == OfferedNumber("u1", "0938112457", "sau 5h")
    assert store.drop_offered_number("u1") and not store.drop_offered_number("u1")
    assert store.offered_number("u1") is None and store.offered_number("u2").phone == "0911111111"


def test_teams_and_one_default(store):
    a = store.add_team("Tổ A", "ha-tinh", "Hà Tĩnh", "Xã Cẩm Xuyên", is_default=True)
    b = store.add_team("Tổ B", "ha-tinh", "Hà Tĩnh", "", telegram_chat_id="-100123", is_default=True)
    assert [t.is_default for t in store.teams()] == [False, True]
    assert store.team(b.id).telegram_chat_id == "-100123" and store.team(999) is None
    assert store.update_team(a.id, {"is_default": True}).is_default and not store.team(b.id).is_default


def test_staff_usernames_are_unique_and_found_by_telegram_id(store):
    t = store.add_team("Tổ A", "ha-tinh", "Hà Tĩnh", "Xã A")
    s = store.add_staff("lan", "Chị Lan", "$argon2id$x", "member", t.id, telegram_user_id="4242")
    with pytest.raises(ValueError):
        store.add_staff("lan", "Khác", "$argon2id$y", "admin")
    assert store.staff_by_username("lan") == s and store.staff_by_telegram("4242") == s
    store.update_staff(s.id, {"active": False})
    assert store.staff_by_telegram("4242") is None and not store.staff_member(s.id).active


def test_staff_sessions_and_login_failures(store):
    from bot.desk_storage import StaffSession

    s = store.add_staff("an", "An", "h", "admin")
    store.add_staff_session(StaffSession("hash1", s.id, "csrf", 100.0, 200.0))
    assert store.staff_session("hash1").csrf_token == "csrf"
    store.extend_staff_session("hash1", 300.0)
    assert store.staff_session("hash1").expires_at == 300.0
    assert store.delete_expired_staff_sessions(250.0) == 0 and store.delete_expired_staff_sessions(300.0) == 1
    assert store.staff_session("hash1") is None
    for username, ip, at in (("an", "1.2.3.4", 10.0), ("x", "1.2.3.4", 20.0), ("an", "5.6.7.8", 30.0)):
        assert store.begin_login_attempt(username, ip, at, 0, lambda by_ip, by_user: 0) == 0
    seen = []
    assert store.begin_login_attempt("an", "1.2.3.4", 40.0, 15.0, lambda *found: seen.append(found) or 7) == 7
    assert seen == [([20.0], [30.0])]                        # since 15.0: from that address, on that username
    store.clear_login_failures("an")
    assert store.begin_login_attempt("an", "9.9.9.9", 50.0, 0, lambda *found: seen.append(found) or 1) == 1
    assert seen[-1] == ([], [])                              # told to wait: nothing recorded


def test_routing_and_announcing_happen_once(store):
    t = store.add_team("Tổ A", "ha-tinh", "Hà Tĩnh", "Xã A")
    n = store.add_unmet_need("u1", "web", NeedKind.NO_ANSWER, question="q")
    assert [x.id for x in store.needs_to_route()] == [n.id] and store.needs_to_announce() == []
    assert store.route_need(n.id, t.id, "2026-11-23T08:00:00+00:00") is True
    assert store.route_need(n.id, None, "2026-11-23T08:00:01+00:00") is False
    assert store.needs_to_route() == [] and [x.team_id for x in store.needs_to_announce()] == [t.id]
    assert store.mark_announced(n.id, "2026-11-23T08:00:02+00:00") is True
    assert store.mark_announced(n.id, "2026-11-23T08:00:03+00:00") is False
    store.add_need_event(n.id, "routed", None, "2026-11-23T08:00:00+00:00", "Tổ A")
    assert [e.action for e in store.need_events(n.id)] == ["routed"]


def test_places_outcomes_and_questions(store):
    store.save_place("u1", "ha-tinh", 3, skipped=False)
    store.save_place("u2", None, None, skipped=True)
    assert store.place("u1").team_id == 3 and store.place("u2").skipped and store.place("u3") is None
    m = store.add_message("u1", "web", "in", "hỏi")
    store.add_message("u1", "web", "in", "xin chào")
    store.set_outcome(m, "dont_know")
    assert [(q.message_id, q.outcome, q.channel) for q in store.questions()] == [(m, "dont_know", "web")]


def test_drafts_are_compare_and_set(store):
    d = store.add_draft((1, 2), "le-phi", "Lệ phí", "thu-tuc", ("a", "b", "c"), "Trả lời",
                        ({"title": "Cổng", "url": "https://dichvucong.gov.vn"},), ({"title": "Luật"},), None, "draft")
    assert d.need_ids == (1, 2) and d.questions == ("a", "b", "c") and d.links[0]["url"].startswith("https://")
    approved = store.update_draft(d.id, "draft", {"status": "approved", "questions": ("x", "y", "z")})
    assert approved.status == "approved" and approved.questions == ("x", "y", "z")
    assert store.update_draft(d.id, "draft", {"status": "approved"}) is None
    assert [x.id for x in store.drafts()] == [d.id]


def test_audit_and_jobs(store):
    store.add_audit(1, "an", "login")
    store.add_audit(1, "an", "need.claim", "need:3")
    assert [a.action for a in store.audit_log()] == ["need.claim", "login"]
    assert store.claim_job("purge", 1000.0, 86400) is True
    assert store.claim_job("purge", 2000.0, 86400) is False
    assert store.claim_job("purge", 1000.0 + 86400, 86400) is True


def test_purge_removes_only_what_is_older(store):
    old, new = "2025-01-01T00:00:00+00:00", "2026-11-20T00:00:00+00:00"
    for when, user in ((old, "old"), (new, "new")):
        m = store.add_message(user, "web", "in", "x")
        store.rate(m, user, "web", None, None, "up")
        n = store.add_unmet_need(user, "web", NeedKind.HANDOFF)
        store.add_need_event(n.id, "routed", None, when)
        store.record_delivery(user, "web", "queued", None, "x")
        store.queue_reply(user, "web", "{}")
        for table in ("messages", "unmet_needs", "deliveries", "outbox"):
            store.db.execute(f"UPDATE [{table}] SET created_at = ? WHERE user = ?", [when, user])
        store.db.execute("UPDATE ratings SET created_at = ?, updated_at = ? WHERE user = ?", [when, when, user])
    counts = store.purge_before("2026-01-01T00:00:00+00:00")
    assert {k: counts[k] for k in ("messages", "ratings", "unmet_needs", "need_events", "deliveries", "outbox")} == \
        {"messages": 1, "ratings": 1, "unmet_needs": 1, "need_events": 1, "deliveries": 1, "outbox": 1}
    assert {r["user"] for r in store.db["messages"].rows} == {"new"}
    assert [n.user for n in store.unmet_needs()] == ["new"] and [r.user for r in store.ratings()] == ["new"]
    assert store.db["need_events"].count == 1


def test_writes_in_a_transaction_commit_together_or_not_at_all(store, tmp_path):
    other = sqlite3.connect(tmp_path / "dvcbot.db")   # what another process sees
    with store.transaction():
        store.add_message("u1", "web", "in", "câu hỏi")
        with store.transaction():   # nested: a savepoint, no commit of its own
            store.add_message("u1", "web", "out", "trả lời")
        assert other.execute("SELECT count(*) FROM messages").fetchone()[0] == 0
    assert other.execute("SELECT count(*) FROM messages").fetchone()[0] == 2
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.add_message("u2", "web", "in", "mất điện giữa chừng")
            raise RuntimeError("crash mid-turn")
    assert other.execute("SELECT count(*) FROM messages").fetchone()[0] == 2


def _schema_and_rows(path) -> list[str]:
    """Everything in the file, as SQL: two equal dumps are the same database."""
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def test_a_migration_that_fails_half_way_leaves_the_database_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "dvcbot.db"
    SqliteStorage(path).add_message("u1", "web", "in", "trước khi nâng cấp")
    before = _schema_and_rows(path)

    def m999_half_done(db: sqlite_utils.Database) -> None:
        db["messages"].add_column("extra", str)
        db["later"].create({"id": int}, pk="id")
        raise RuntimeError("fails after its first DDL")

    monkeypatch.setattr("bot.sqlite_storage.MIGRATIONS", [*MIGRATIONS, ("m999_half_done", m999_half_done)])
    with pytest.raises(RuntimeError):
        SqliteStorage(path)
    assert _schema_and_rows(path) == before       # no column, no table, no record of the migration

    def m999_fixed(db: sqlite_utils.Database) -> None:
        db["messages"].add_column("extra", str)
        db["later"].create({"id": int}, pk="id")

    monkeypatch.setattr("bot.sqlite_storage.MIGRATIONS", [*MIGRATIONS, ("m999_half_done", m999_fixed)])
    store = SqliteStorage(path)                    # the next start applies the fixed migration
    assert "extra" in store.db["messages"].columns_dict and store.db["later"].exists()
    assert "m999_half_done" in {r["name"] for r in store.db["_migrations"].rows}
    assert [m["text"] for m in store.recent_messages("u1", 5)] == ["trước khi nâng cấp"]


def _paused_before(store: SqliteStorage, sql_start: str, reached: threading.Event, go_on: threading.Event) -> None:
    """Hold this connection's thread just before it runs a statement starting with `sql_start`."""
    def trace(sql: str) -> None:
        if sql.lstrip().upper().startswith(sql_start) and not reached.is_set():
            reached.set()
            go_on.wait(5)
    store.db.conn.set_trace_callback(trace)


def _race(first: SqliteStorage, second: SqliteStorage, sql_start: str, call) -> dict[str, object]:
    """`call(store)` on the first worker, held just before `sql_start`, while the second runs it to the end;
    what each got (or the exception it raised)."""
    reached, go_on = threading.Event(), threading.Event()
    _paused_before(first, sql_start, reached, go_on)
    got: dict[str, object] = {}

    def run(name: str, store: SqliteStorage) -> None:
        try:
            got[name] = call(store)
        except Exception as exc:
            got[name] = exc

    held = threading.Thread(target=run, args=("first", first))
    held.start()
    assert reached.wait(5)
    run("second", second)
    go_on.set()
    held.join(10)
    assert not held.is_alive()
    return got


def test_two_workers_taking_the_same_replies_each_get_a_reply_once(tmp_path):
    """Two `dvcbot serve` workers (two connections) answer one citizen's page at once: neither fails and no
    reply is handed out twice. The first worker is held just before its delete while the second takes all."""
    first, second = SqliteStorage(tmp_path / "dvcbot.db"), SqliteStorage(tmp_path / "dvcbot.db")
    for reply in ("một", "hai", "ba"):
        first.queue_reply("u1", "web", reply)
    taken = _race(first, second, "DELETE FROM OUTBOX", lambda store: store.take_replies("u1", "web"))
    assert taken == {"second": ["một", "hai", "ba"], "first": []}


def test_two_workers_adding_the_need_of_one_bad_rating_make_one_need(tmp_path):
    """Idempotent and atomic: the worker held just before its insert gets the need the other one made."""
    first, second = SqliteStorage(tmp_path / "dvcbot.db"), SqliteStorage(tmp_path / "dvcbot.db")
    answer = first.add_message("u1", "web", "out", "x", entry_id="e1")
    rating = first.rate(answer, "u1", "web", "hỏi gì", "e1", "down")
    added = _race(first, second, "INSERT INTO", lambda store: store.add_unmet_need(
        "u1", "web", NeedKind.BAD_RATING, question="hỏi gì", rating_id=rating.id))
    assert added["first"] == added["second"] and first.db["unmet_needs"].count == 1


def test_each_port_is_declared_where_it_is_implemented():
    """Storage is the conversation's tables (bot/sqlite_storage.py), DeskStorage the desk's (bot/sqlite_desk.py):
    a method declared on one port but implemented with the other's tables misleads the next backend."""
    from bot.desk_storage import DeskStorage
    from bot.sqlite_desk import SqliteDeskTables
    from bot.storage import Storage

    def methods(cls: type) -> set[str]:
        return {name for name, value in vars(cls).items() if callable(value) and not name.startswith("_")}

    assert methods(Storage) == methods(SqliteStorage) - {"migrate"}   # migrating is SQLite's own business
    assert methods(DeskStorage) == methods(SqliteDeskTables)
