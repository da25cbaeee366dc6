"""Contract of bot.domain.desk_port.DeskStorage (teams, staff, need handling, drafts, audit), through the port only."""
import pytest

from bot.domain.chat_port import NeedKind, NeedStatus
from bot.domain.desk_port import StaffSession
from bot.domain.lifecycle import NeedAction, step

AT = "2026-11-23T08:00:00+00:00"


class TestTeamsAndStaff:
    def test_one_default_team(self, store):
        """Rule: at most one default team; making another the default (added or updated) unmarks the old one."""
        a = store.add_team("Tổ A", "ha-tinh", "Hà Tĩnh", "Xã Cẩm Xuyên", is_default=True)
        b = store.add_team("Tổ B", "ha-tinh", "Hà Tĩnh", "", telegram_chat_id="-100123", is_default=True)
        assert [t.is_default for t in store.teams()] == [False, True]
        assert store.team(b.id).telegram_chat_id == "-100123" and store.team(b.id).commune == ""
        assert store.team(999) is None
        assert store.update_team(a.id, {"is_default": True}).is_default and not store.team(b.id).is_default
        renamed = store.update_team(b.id, {"name": "Tổ B mới", "is_default": False})
        assert renamed.name == "Tổ B mới" and [t.is_default for t in store.teams()] == [True, False]

    def test_staff_usernames_are_unique_and_found_by_telegram_id(self, store):
        t = store.add_team("Tổ A", "ha-tinh", "Hà Tĩnh", "Xã A")
        s = store.add_staff("lan", "Chị Lan", "$argon2id$x", "member", t.id, telegram_user_id="4242")
        assert (s.active, s.team_id, s.role) == (True, t.id, "member")
        with pytest.raises(ValueError):
            store.add_staff("lan", "Khác", "$argon2id$y", "admin")
        assert store.staff_by_username("lan") == s and store.staff_by_telegram("4242") == s
        assert store.staff_by_username("khong-co") is None and store.staff_member(999) is None
        store.update_staff(s.id, {"active": False})
        assert store.staff_by_telegram("4242") is None and not store.staff_member(s.id).active  # inactive: not found
        admin = store.add_staff("an", "An", "h", "admin")
        assert [x.username for x in store.staff()] == ["lan", "an"] and admin.team_id is None

    def test_staff_sessions(self, store):
        s = store.add_staff("an", "An", "h", "admin")
        other = store.add_staff("binh", "Bình", "h", "member")
        store.add_staff_session(StaffSession("hash1", s.id, "csrf", 100.0, 200.0))
        store.add_staff_session(StaffSession("hash2", s.id, "csrf2", 100.0, 500.0))
        store.add_staff_session(StaffSession("hash3", s.id, "csrf3", 100.0, 500.0))
        store.add_staff_session(StaffSession("hash4", other.id, "csrf4", 100.0, 500.0))
        assert store.staff_session("hash1") == StaffSession("hash1", s.id, "csrf", 100.0, 200.0)
        store.extend_staff_session("hash1", 300.0)
        assert store.staff_session("hash1").expires_at == 300.0
        assert store.delete_expired_staff_sessions(250.0) == 0 and store.delete_expired_staff_sessions(300.0) == 1
        assert store.staff_session("hash1") is None
        store.delete_staff_session("hash2")
        store.delete_staff_session("hash2")
        assert store.staff_session("hash2") is None
        store.add_staff_session(StaffSession("hash5", s.id, "csrf5", 100.0, 500.0))
        assert store.delete_staff_sessions_of(s.id, keep="hash5") == 1   # hash3 goes, this browser stays
        assert store.staff_session("hash5") and store.staff_session("hash4") and not store.staff_session("hash3")
        assert store.delete_staff_sessions_of(s.id) == 1

    def test_login_failures_are_counted_by_address_and_username(self, store):
        for username, ip, at in (("an", "1.2.3.4", 10.0), ("x", "1.2.3.4", 20.0), ("an", "5.6.7.8", 30.0)):
            assert store.begin_login_attempt(username, ip, at, 0, lambda by_ip, by_user: 0) == 0
        seen = []
        assert store.begin_login_attempt("an", "1.2.3.4", 40.0, 15.0, lambda *found: seen.append(found) or 7) == 7
        assert seen == [([20.0], [30.0])]                        # since 15.0: from that address, on that username
        store.clear_login_failures("an")
        assert store.begin_login_attempt("an", "9.9.9.9", 50.0, 0, lambda *found: seen.append(found) or 1) == 1
        assert seen[-1] == ([], [])                              # told to wait: nothing recorded
        assert store.begin_login_attempt("an", "9.9.9.9", 60.0, 0, lambda *found: seen.append(found) or 0) == 0
        store.begin_login_attempt("an", "9.9.9.9", 70.0, 0, lambda *found: seen.append(found) or 0)
        assert seen[-1] == ([60.0], [60.0])                      # allowed: recorded as a failure until cleared


class TestNeedHandling:
    def test_need_updates_are_compare_and_set(self, store):
        """Storage only persists; bot.domain.lifecycle decides. A stale expected status writes nothing."""
        need = store.add_unmet_need("u1", "web", NeedKind.STUCK, question="q", entry_id="e1", step=3, context="ctx")
        claimed = store.update_need(need.id, NeedStatus.NEW, {"status": NeedStatus.ACKNOWLEDGED, "claimed_by": 7,
                                                              "claimed_at": AT})
        assert claimed.status == "da_nhan" and claimed.claimed_by == 7 and claimed.claimed_at == AT
        assert store.update_need(need.id, NeedStatus.NEW, {"status": NeedStatus.ACKNOWLEDGED, "claimed_by": 8}) is None
        assert store.need(need.id).claimed_by == 7
        assert store.update_need(999, NeedStatus.NEW, {"claimed_by": 8}) is None
        assert store.need(999) is None

    def test_the_lifecycle_new_acknowledged_answered_closed(self, store):
        """Rule (bot.domain.lifecycle decides, the port persists): mới → đã nhận → đã trả lời → đã đóng; each step is
        written only from the status it was decided on, so a step decided on a stale read writes nothing."""
        lan = store.add_staff("lan", "Chị Lan", "h", "admin")
        need = store.add_unmet_need("u1", "web", NeedKind.NO_ANSWER, question="le phi lam cccd bao nhieu")
        for action, answer in ((NeedAction.CLAIM, None), (NeedAction.ANSWER, "Miễn phí lần đầu."),
                               (NeedAction.CLOSE, None)):
            before = store.need(need.id)
            decided = step(before, action, lan, AT, answer)
            assert store.update_need(need.id, NeedStatus.CLOSED, decided.changes) is None   # not from another status
            after = store.update_need(need.id, decided.expected, decided.changes)
            assert after.status == decided.changes["status"].value
            assert store.update_need(need.id, decided.expected, decided.changes) is None    # the same step again
        done = store.need(need.id)
        assert (done.status, done.claimed_by, done.answered_by, done.answer, done.closed_by) == (
            NeedStatus.CLOSED.value, lan.id, lan.id, "Miễn phí lần đầu.", lan.id)
        assert [n.id for n in store.unmet_needs(NeedStatus.CLOSED)] == [need.id]

    def test_routing_and_announcing_happen_once(self, store):
        t = store.add_team("Tổ A", "ha-tinh", "Hà Tĩnh", "Xã A")
        n = store.add_unmet_need("u1", "web", NeedKind.NO_ANSWER, question="q")
        assert [x.id for x in store.needs_to_route()] == [n.id] and store.needs_to_announce() == []
        assert store.route_need(n.id, t.id, AT) is True
        assert store.route_need(n.id, None, AT) is False
        assert store.needs_to_route() == [] and [x.team_id for x in store.needs_to_announce()] == [t.id]
        assert store.mark_announced(n.id, AT) is True
        assert store.mark_announced(n.id, AT) is False and store.needs_to_announce() == []
        unrouted = store.add_unmet_need("u2", "web", NeedKind.NO_ANSWER)
        assert store.route_need(unrouted.id, None, AT) is True    # no team fits: routed nowhere, not routed again
        assert store.needs_to_route() == [] and [x.id for x in store.needs_to_announce()] == [unrouted.id]

    def test_reassigning_makes_an_open_need_new_again_for_the_other_team(self, store):
        a = store.add_team("Tổ A", "ha-tinh", "Hà Tĩnh", "Xã A")
        b = store.add_team("Tổ B", "ha-tinh", "Hà Tĩnh", "Xã B")
        n = store.add_unmet_need("u1", "web", NeedKind.HANDOFF)
        store.route_need(n.id, a.id, AT)
        store.mark_announced(n.id, AT)
        store.update_need(n.id, NeedStatus.NEW, {"status": NeedStatus.ACKNOWLEDGED, "claimed_by": 3, "claimed_at": AT})
        moved = store.reassign_need(n.id, b.id, "2026-11-24T08:00:00+00:00")
        assert (moved.team_id, moved.status, moved.claimed_by, moved.announced_at) == (b.id, "moi", None, None)
        assert [x.id for x in store.needs_to_announce()] == [n.id]
        store.update_need(n.id, NeedStatus.NEW, {"status": NeedStatus.CLOSED})
        assert store.reassign_need(n.id, a.id, AT) is None and store.need(n.id).team_id == b.id   # closed: stays

    def test_staff_grouping_and_the_need_history(self, store):
        a = store.add_unmet_need("u1", "web", NeedKind.NO_ANSWER)
        b = store.add_unmet_need("u2", "web", NeedKind.NO_ANSWER)
        assert store.set_need_group(b.id, a.id).group_with == a.id
        assert store.set_need_group(b.id, 0).group_with == 0   # 0: always alone
        store.add_need_event(a.id, "routed", None, AT, "Tổ A")
        store.add_need_event(a.id, "claim", 3, "2026-11-23T09:00:00+00:00")
        store.add_need_event(b.id, "routed", None, AT)
        assert [(e.action, e.staff_id, e.detail) for e in store.need_events(a.id)] == [("routed", None, "Tổ A"),
                                                                                       ("claim", 3, None)]
        assert store.need_events(999) == []

    def test_places_outcomes_and_questions(self, store):
        store.save_place("u1", "ha-tinh", 3, skipped=False)
        store.save_place("u2", None, None, skipped=True)
        store.save_place("u1", "ha-tinh", 4, skipped=False)   # one place per citizen
        assert store.place("u1").team_id == 4 and store.place("u2").skipped and store.place("u3") is None
        assert sorted(p.user for p in store.places()) == ["u1", "u2"]
        m = store.add_message("u1", "web", "in", "hoi")
        store.add_message("u1", "web", "in", "xin chào")
        card = store.add_message("u1", "web", "in", "thu tuc khai sinh")
        store.set_outcome(m, "dont_know")
        store.set_outcome(card, "answer", "tthc:1.001193")
        assert [(q.message_id, q.outcome, q.channel, q.entry_id) for q in store.questions()] == [
            (m, "dont_know", "web", None), (card, "answer", "web", "tthc:1.001193")]


class TestDraftsAuditJobs:
    def test_drafts_are_compare_and_set(self, store):
        d = store.add_draft((1, 2), "le-phi", "Lệ phí", "thu-tuc", ("a", "b", "c"), "Trả lời",
                            ({"title": "Cổng", "url": "https://dichvucong.gov.vn"},), ({"title": "Luật"},), None,
                            "draft", provinces=("ha-tinh",))
        assert d.need_ids == (1, 2) and d.questions == ("a", "b", "c") and d.links[0]["url"].startswith("https://")
        assert store.draft(d.id) == d and d.provinces == ("ha-tinh",) and store.draft(999) is None
        approved = store.update_draft(d.id, "draft", {"status": "approved", "questions": ("x", "y", "z")})
        assert approved.status == "approved" and approved.questions == ("x", "y", "z")
        assert store.update_draft(d.id, "draft", {"status": "approved"}) is None
        later = store.add_draft((), "khac", "Khác", "thu-tuc", (), "", (), (), 1, "draft")
        assert [x.id for x in store.drafts()] == [later.id, d.id]   # newest first

    def test_audit_newest_first(self, store):
        store.add_audit(1, "an", "login")
        entry = store.add_audit(1, "an", "need.claim", "need:3", "Tổ A")
        assert (entry.target, entry.detail, entry.at is not None) == ("need:3", "Tổ A", True)
        assert [a.action for a in store.audit_log()] == ["need.claim", "login"]
        assert [a.action for a in store.audit_log(limit=1)] == ["need.claim"]

    def test_a_job_is_claimed_once_per_period(self, store):
        assert store.claim_job("purge", 1000.0, 86400) is True
        assert store.claim_job("purge", 2000.0, 86400) is False
        assert store.claim_job("other", 2000.0, 86400) is True   # each job on its own
        assert store.claim_job("purge", 1000.0 + 86400, 86400) is True
