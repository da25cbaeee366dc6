"""Contract: "xóa dữ liệu của tôi" and the retention purge reach every personal-data table, and only the rows they
should (bot.storage.PERSONAL_TABLES is the one list; each backend's schema must not hold a citizen anywhere else)."""
from __future__ import annotations

import datetime as dt

from bot import retention
from bot.desk_storage import StaffSession
from bot.storage import PERSONAL_TABLES, NeedKind, NeedStatus

OLD, CUTOFF, NEW = "2025-01-01T00:00:00+00:00", "2026-01-01T00:00:00+00:00", "2026-11-20T00:00:00+00:00"
ALL_STATUSES = tuple(NeedStatus)


def _epoch(iso: str) -> float:
    return dt.datetime.fromisoformat(iso).timestamp()


class Citizen:
    """One row about `user` in every personal-data table, written through the ports, and how to see each row."""

    def __init__(self, store, user: str) -> None:
        self.store, self.user = store, user

    def write_everything(self, when: str) -> set[str]:
        """The tables written (the test fails when PERSONAL_TABLES grows and this does not)."""
        s, u = self.store, self.user
        m = s.add_message(u, "web", "in", "cho em hoi lam lai cccd het bao nhieu tien")
        s.rate(m, u, "web", None, None, "down")
        self.need = s.add_unmet_need(u, "web", NeedKind.HANDOFF, question="lam lai cccd")
        s.add_need_event(self.need.id, "routed", None, when)
        s.save_callback(self.need.id, u, "0912345678", "sau 5h chieu")
        s.record_consent(u, "web", "v1")
        s.save_session(u, {"you": "em"}, _epoch(when), None)
        s.save_address(u, "telegram", f"chat-{u}")
        s.queue_reply(u, "web", f"reply-{u}")
        s.record_delivery(u, "zalo", "undelivered", "-230", "x")
        s.save_place(u, "ha-tinh", None, skipped=False)
        s.park_turn(u, "zalo", f"event-{u}")
        s.offer_number(u, "0987654321", "buổi tối")
        return {"messages", "ratings", "unmet_needs", "callbacks", "consent", "sessions", "addresses", "outbox",
                "deliveries", "citizen_places", "parked_turns", "offered_numbers"}

    def present(self) -> dict[str, bool]:
        """Per table: is a row of this citizen still there (read through the ports; taking replies is last)."""
        s, u = self.store, self.user
        return {"messages": bool(s.recent_messages(u, 100)),
                "ratings": any(r.user == u for r in s.ratings()),
                "unmet_needs": bool(s.user_needs(u, ALL_STATUSES)),
                "need_events": bool(s.need_events(self.need.id)),
                "callbacks": s.callback(self.need.id) is not None,
                "sessions": s.load_session(u) is not None,
                "addresses": s.address(u, "telegram") is not None,
                "deliveries": any(d["user"] == u for d in s.deliveries()),
                "citizen_places": s.place(u) is not None,
                "parked_turns": any(e == f"event-{u}" for _, e in s.parked_turns("zalo")),
                "offered_numbers": s.offered_number(u) is not None,
                "outbox": bool(s.take_replies(u, "web")),
                "consent": not s.record_consent(u, "web", "v1")}


def test_the_personal_tables_are_every_table_with_a_citizen_in_it(backend, store):
    """Rule: "everything about a user" is PERSONAL_TABLES plus the history of their needs; deletion_requests is
    kept on purpose (the proof a request was carried out; it holds only the salted hash)."""
    assert backend.tables_with_user(store) - set(PERSONAL_TABLES) == {"deletion_requests"}
    assert set(PERSONAL_TABLES) - backend.tables_with_user(store) == set()
    assert Citizen(store, "u1").write_everything(NEW) == set(PERSONAL_TABLES)


def test_delete_user_removes_every_row_about_them_and_keeps_a_record(store):
    gone, kept = Citizen(store, "u1"), Citizen(store, "u2")
    gone.write_everything(NEW)
    kept.write_everything(NEW)
    counts = store.delete_user("u1")
    assert counts == {table: 1 for table in PERSONAL_TABLES}
    assert [r.requested_by for r in store.deletion_requests()] == ["citizen"]
    assert "u1" not in str(store.deletion_requests())   # not even the salted hash is shown back
    again = store.delete_user("u1", requested_by="admin1")   # asked twice: nothing left, both requests recorded
    assert set(again.values()) == {0} and [r.requested_by for r in store.deletion_requests()] == ["admin1", "citizen"]
    assert not any(gone.present().values()), gone.present()
    assert all(kept.present().values()), kept.present()


def test_purge_removes_exactly_what_is_older_than_the_cutoff(backend, store):
    old, new = Citizen(store, "old"), Citizen(store, "new")
    with backend.dated(OLD):
        old.write_everything(OLD)
    with backend.dated(NEW):
        new.write_everything(NEW)
    counts = store.purge_before(CUTOFF)
    assert {t: counts[t] for t in PERSONAL_TABLES} == {t: 1 for t in PERSONAL_TABLES}
    assert counts["need_events"] == 1
    assert not any(old.present().values()), old.present()
    assert all(new.present().values()), new.present()
    assert store.purge_before(CUTOFF)["messages"] == 0


def test_what_older_than_the_retention_means_per_table(backend, store):
    """Rules: a row exactly at the cutoff stays; ratings, addresses, places and sessions are dated by their last
    change (re-rating keeps a rating); a need by when it was made, however recently it changed, and its
    history and call-back number go with it, however new they are."""
    with backend.dated(CUTOFF):
        at_cutoff = store.add_message("u1", "web", "in", "dung luc cat")
    with backend.dated(OLD):
        answer = store.add_message("u2", "web", "out", "trả lời")
        store.rate(answer, "u2", "web", None, None, "down")
        store.save_address("u2", "telegram", "chat-2")
        store.save_place("u2", "ha-tinh", None, skipped=False)
        need = store.add_unmet_need("u2", "web", NeedKind.HANDOFF)
    store.save_session("u2", {"you": "bác"}, _epoch(NEW), None)
    store.save_session("u3", {"you": "anh"}, _epoch(OLD), None)
    with backend.dated(NEW):
        store.rate(answer, "u2", "web", None, None, "up")
        store.save_address("u2", "telegram", "chat-2b")
        store.save_place("u2", "ha-tinh", 1, skipped=False)
        store.update_need(need.id, NeedStatus.NEW, {"status": NeedStatus.ACKNOWLEDGED, "claimed_by": 1})
        store.save_callback(need.id, "u2", "0912345678")
        store.add_need_event(need.id, "claim", 1, NEW)
    store.purge_before(CUTOFF)
    assert store.message(at_cutoff) is not None and store.message(answer) is None
    assert [r.value for r in store.ratings()] == ["up"]
    assert store.address("u2", "telegram") == "chat-2b" and store.place("u2").team_id == 1
    assert store.load_session("u2") is not None and store.load_session("u3") is None
    assert store.need(need.id) is None and store.callback(need.id) is None and store.need_events(need.id) == []


def test_purge_also_forgets_old_login_failures_and_requests_but_keeps_the_desk(backend, store):
    """Rule: login failures and deletion records are dated too; teams, staff, drafts and the audit log stay."""
    team = store.add_team("Tổ A", "ha-tinh", "Hà Tĩnh", "Xã A", is_default=True)
    staff = store.add_staff("lan", "Chị Lan", "h", "member", team.id)
    draft = store.add_draft((), "le-phi", "Lệ phí", "thu-tuc", ("a",), "b", (), (), staff.id, "draft")
    store.begin_login_attempt("lan", "1.2.3.4", _epoch(OLD), 0, lambda *_: 0)
    store.begin_login_attempt("lan", "1.2.3.4", _epoch(NEW), 0, lambda *_: 0)
    with backend.dated(OLD):
        store.delete_user("u-old")
        store.add_audit(staff.id, "lan", "login")
    with backend.dated(NEW):
        store.delete_user("u-new")
    counts = store.purge_before(CUTOFF)
    assert counts["login_failures"] == 1 and counts["deletion_requests"] == 1
    seen = []
    store.begin_login_attempt("lan", "1.2.3.4", _epoch(NEW) + 1, 0, lambda *found: seen.append(found) or 1)
    assert seen == [([_epoch(NEW)], [_epoch(NEW)])]
    assert len(store.deletion_requests()) == 1
    assert store.team(team.id) and store.staff_member(staff.id) and store.draft(draft.id)
    assert [a.action for a in store.audit_log()] == ["login"]


def test_the_retention_purge_through_the_port(backend, store):
    """bot.retention on the port: `days` before now, and expired staff sessions end with it."""
    now = dt.datetime.fromisoformat(NEW)
    staff = store.add_staff("an", "An", "h", "admin")
    store.add_staff_session(StaffSession("expired", staff.id, "c", 0.0, now.timestamp() - 1))
    store.add_staff_session(StaffSession("live", staff.id, "c", 0.0, now.timestamp() + 3600))
    with backend.dated("2026-08-01T00:00:00+00:00"):
        store.add_message("u1", "web", "in", "4 thang truoc")
    with backend.dated("2026-11-01T00:00:00+00:00"):
        store.add_message("u1", "web", "in", "3 tuan truoc")
    counts = retention.purge(store, 90, now)
    assert counts["messages"] == 1 and counts["staff_sessions"] == 1
    assert [m["text"] for m in store.recent_messages("u1", 5)] == ["3 tuan truoc"]
    assert store.staff_session("live") and not store.staff_session("expired")
