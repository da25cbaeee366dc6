"""Contract of the schema behind the ports: no column a backend cannot name (`user` is reserved in PostgreSQL), one
time representation at rest (ISO-8601 UTC text), migrations that fail leave the store as it was, and a store of
the previous schema opens with its rows."""
from __future__ import annotations

import datetime as dt

import pytest

from bot.desk_storage import StaffSession
from bot.storage import PERSON_COLUMN, PERSONAL_TABLES, NeedKind, NeedStatus, StoredSession
from tests.contract.test_personal_data import Citizen

NEW = "2026-11-20T00:00:00+00:00"
TIME_COLUMNS = {"at", "last_run", "expires_at"}


def _is_time_column(name: str) -> bool:
    return name.endswith("_at") or name in TIME_COLUMNS


def test_no_column_is_named_user_and_every_personal_table_names_the_citizen(backend, store):
    columns = backend.columns(store)
    assert [t for t, names in columns.items() if "user" in names] == []
    assert all(PERSON_COLUMN in columns[t] for t in PERSONAL_TABLES)


def test_every_time_at_rest_is_iso_utc_text(backend, store):
    """One representation in every table: ISO-8601 text with the +00:00 offset (text order is time order), also
    where a port takes epoch seconds (sessions, staff sessions, login failures, jobs)."""
    Citizen(store, "u1").write_everything(NEW)
    staff = store.add_staff("lan", "Chị Lan", "h", "admin")
    store.add_staff_session(StaffSession("t1", staff.id, "c", 1763625600.0, 1763629200.5))
    store.begin_login_attempt("lan", "1.2.3.4", 1763625601.0, 0.0, lambda *_: 0)
    store.claim_job("purge", 1763625602.0, 86400)
    store.add_team("Tổ A", "ha-tinh", "Hà Tĩnh", "Xã A")
    store.add_audit(staff.id, "lan", "login")
    store.add_draft((), "le-phi", "Lệ phí", "thu-tuc", ("a",), "b", (), (), staff.id, "draft")
    store.delete_user("u2")
    checked = 0
    for table, names in backend.columns(store).items():
        for row in backend.stored_rows(store, table):
            for name in filter(_is_time_column, names):
                value = row[name]
                if value is None:
                    continue
                assert isinstance(value, str) and value.endswith("+00:00"), (table, name, value)
                dt.datetime.fromisoformat(value)
                checked += 1
    assert checked > 25


def test_the_store_stamps_times_with_its_clock(backend, store):
    """One clock: every time the store writes itself comes from it (a test passes a fixed one)."""
    with backend.dated("2026-05-04T03:02:01+00:00"):
        m = store.add_message("u1", "web", "in", "xin chao")
        need = store.add_unmet_need("u1", "web", NeedKind.HANDOFF)
        store.add_staff("lan", "Chị Lan", "h", "admin")
        audit = store.add_audit(None, "lan", "login")
    assert store.message(m)["created_at"] == need.created_at == audit.at == "2026-05-04T03:02:01+00:00"


def test_a_failing_migration_leaves_the_store_as_it_was(backend, store):
    """Its DDL, its data changes and the record of it all go: the next start applies it afresh, instead of failing
    on a half-made change ("duplicate column") forever."""
    store.add_message("u1", "web", "in", "quen mat khau vneid")
    before = backend.schema(store)
    with backend.failing_migration():
        with pytest.raises(Exception):
            backend.again(store)
    assert backend.schema(store) == before
    again = backend.again(store)
    assert [m["text"] for m in again.recent_messages("u1", 5)] == ["quen mat khau vneid"]


def test_a_store_of_the_previous_schema_opens_with_every_row(backend, tmp_path):
    """The upgrade (m014 on SQLite): the `user` column becomes `citizen`, epoch times become ISO text, sessions get
    a version; every row is still there and reads the same through the ports."""
    if not hasattr(backend, "open_previous"):
        pytest.skip(f"{backend.name} has no earlier schema")
    from tests.contract.previous_schema import AT, EPOCH, PHONE
    store = backend.open_previous(tmp_path)
    assert [(m["user"], m["text"]) for m in store.recent_messages("u1", 5)] == [("u1", "cho em hoi lam cccd"),
                                                                              ("u1", "trả lời")]
    assert store.add_message("u1", "web", "in", "lặp", message_id="m-1") is None      # the delivery index holds
    assert [(r.user, r.value) for r in store.ratings()] == [("u1", "down")]
    assert [n.id for n in store.user_needs("u1", (NeedStatus.NEW,))] == [1]
    assert store.add_unmet_need("u1", "web", NeedKind.BAD_RATING, rating_id=1).id == 1   # one need per rating
    assert store.record_consent("u1", "web", "2026-11") is False
    assert store.load_session("u1") == StoredSession({"you": "bác"}, EPOCH + 0.25, 1)
    assert store.address("u1", "telegram") == "4242"
    assert store.callback(1).phone == PHONE and store.offered_number("u1").phone == PHONE
    assert store.place("u1").province == "ha-tinh"
    assert [d["user"] for d in store.deliveries()] == ["u1"]
    assert [e for _, e in store.parked_turns("zalo")] == ["{}"]
    assert store.staff_session("t1") == StaffSession("t1", 1, "c", EPOCH, EPOCH + 3600.5)
    assert store.begin_login_attempt("lan", "9.9.9.9", EPOCH, EPOCH - 60, lambda ip, user: len(user)) == 1
    assert store.claim_job("purge", EPOCH + 10, 86400) is False and store.claim_job("purge", EPOCH + 86400, 86400)
    assert [q.user for q in store.questions()] == ["u1"]
    assert store.take_replies("u1", "web") == ["tổ đã trả lời"]
    assert store.purge_before(AT)["messages"] == 0 and store.delete_user("u1")["messages"] == 2
    assert [r.rows_deleted for r in store.deletion_requests()][1] == "{}"
