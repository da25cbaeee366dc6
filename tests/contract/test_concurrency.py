"""Contract under real concurrency: two connections to one store (two `dvcbot serve` workers) doing the same thing
at once. Each case runs twice: held (the first worker stopped just before its first write while the second runs,
the interleaving most likely to lose an update) and together (threads released at once, many times)."""
from __future__ import annotations

from bot.lifecycle import NeedAction, step
from bot.storage import NeedKind, NeedStatus, StaleSession, StoredSession
from tests.contract.threads import together

AT = "2026-11-23T08:00:00+00:00"


def _no_errors(got) -> None:
    errors = [g for g in (got.values() if isinstance(got, dict) else got) if isinstance(g, Exception)]
    assert not errors, errors


class TestJobs:
    def test_two_workers_claiming_the_same_job_one_wins(self, store, second, race):
        got = race(store, second, lambda s: s.claim_job("purge", 1000.0, 86400))
        _no_errors(got)
        assert sorted(got.values()) == [False, True]

    def test_many_workers_claiming_at_once_one_wins(self, backend, store):
        workers = [store] + [backend.again(store) for _ in range(3)]
        for round_ in range(5):
            now = 1000.0 + round_ * 86400
            got = together([lambda w=w: w.claim_job("purge", now, 86400) for w in workers])
            _no_errors(got)
            assert got.count(True) == 1, (round_, got)


class TestReplies:
    def test_two_workers_taking_the_same_replies_each_get_a_reply_once(self, store, second, race):
        """The first worker is held just before its delete while the second takes all: neither fails and no
        reply is handed out twice."""
        for reply in ("một", "hai", "ba"):
            store.queue_reply("u1", "web", reply)
        got = race(store, second, lambda s: s.take_replies("u1", "web"))
        _no_errors(got)
        assert sorted(got.values(), key=len) == [[], ["một", "hai", "ba"]]

    def test_replies_queued_while_two_workers_take_them_are_each_delivered_once_in_order(self, store, second,
                                                                                         backend):
        writer = backend.again(store)
        sent = [f"tra loi {i}" for i in range(60)]
        taken: dict[str, list[str]] = {"a": [], "b": []}

        def take(worker, name: str) -> None:
            for _ in range(400):
                taken[name] += worker.take_replies("u1", "web")
                if len(taken["a"]) + len(taken["b"]) == len(sent):
                    return

        def queue() -> None:
            for reply in sent:
                writer.queue_reply("u1", "web", reply)

        got = together([queue, lambda: take(store, "a"), lambda: take(second, "b")])
        _no_errors(got)
        taken["a"] += store.take_replies("u1", "web")
        assert sorted(taken["a"] + taken["b"]) == sorted(sent)           # each once: none lost, none twice
        for name in "ab":
            assert taken[name] == sorted(taken[name], key=sent.index)    # each worker's share in queue order


class TestNeeds:
    def test_two_workers_adding_the_need_of_one_bad_rating_make_one_need(self, store, second, race):
        """Idempotent and atomic: the worker held just before its insert gets the need the other one made."""
        answer = store.add_message("u1", "web", "out", "x", entry_id="e1")
        rating = store.rate(answer, "u1", "web", "hỏi gì", "e1", "down")
        got = race(store, second, lambda s: s.add_unmet_need("u1", "web", NeedKind.BAD_RATING, question="hỏi gì",
                                                             rating_id=rating.id))
        _no_errors(got)
        assert got["first"] == got["second"] and len(store.unmet_needs()) == 1

    def test_two_staff_claiming_the_same_need_one_wins(self, store, second, race):
        need = store.add_unmet_need("u1", "web", NeedKind.HANDOFF)
        staff = iter([7, 8])
        claims = {}

        def claim(s):
            who = claims.setdefault(id(s), next(staff))
            return s.update_need(need.id, NeedStatus.NEW, {"status": NeedStatus.ACKNOWLEDGED, "claimed_by": who})

        got = race(store, second, claim)
        _no_errors(got)
        won = [g for g in got.values() if g is not None]
        assert len(won) == 1 and store.need(need.id).claimed_by == won[0].claimed_by

    def test_two_staff_answering_one_need_at_once_one_answer_reaches_the_citizen(self, store, second, race):
        """Rule (bot.lifecycle): one answer per ticket. Both decide on the same read of the need; the
        compare-and-set on its status lets one answer through and the other writes nothing."""
        lan, an = store.add_staff("lan", "Chị Lan", "h", "admin"), store.add_staff("an", "Anh An", "h", "admin")
        need = store.add_unmet_need("u1", "web", NeedKind.NO_ANSWER, question="lam lai cccd mat bao lau")
        read = store.need(need.id)
        actors = {id(store): lan, id(second): an}

        def answer(s):
            actor = actors[id(s)]
            decided = step(read, NeedAction.ANSWER, actor, AT, f"{actor.name}: 7 ngày làm việc.")
            return s.update_need(need.id, decided.expected, decided.changes)

        got = race(store, second, answer)
        _no_errors(got)
        won = [g for g in got.values() if g is not None]
        assert len(won) == 1 and store.need(need.id).answer == won[0].answer
        assert store.need(need.id).answered_by == store.need(need.id).claimed_by == won[0].answered_by

    def test_two_changes_to_different_fields_of_one_need_are_both_kept(self, store, second, race):
        """Rule: update_need and set_need_detail write only the fields named, never the row read before; the
        citizen's detail and the team's routing of the same need at once both stay."""
        need = store.add_unmet_need("u1", "web", NeedKind.HANDOFF)
        got = race(store, second, lambda s: s.set_need_detail(need.id, "em o xa cam xuyen"),
                   lambda s: s.update_need(need.id, NeedStatus.NEW, {"team_id": 3, "delivery": "queued"}))
        _no_errors(got)
        final = store.need(need.id)
        assert (final.detail, final.team_id, final.delivery) == ("em o xa cam xuyen", 3, "queued")

    def test_announcing_and_routing_happen_once_across_workers(self, store, second, race):
        need = store.add_unmet_need("u1", "web", NeedKind.NO_ANSWER)
        routed = race(store, second, lambda s: s.route_need(need.id, None, AT))
        announced = race(store, second, lambda s: s.mark_announced(need.id, AT))
        _no_errors(routed)
        _no_errors(announced)
        assert sorted(routed.values()) == [False, True] and sorted(announced.values()) == [False, True]

    def test_one_approval_of_a_draft_wins(self, store, second, race):
        draft = store.add_draft((), "le-phi", "Lệ phí", "thu-tuc", ("a",), "b", (), (), None, "draft")
        got = race(store, second, lambda s: s.update_draft(draft.id, "draft", {"status": "approved"}))
        _no_errors(got)
        assert sorted(g is None for g in got.values()) == [False, True]


class TestSessions:
    @staticmethod
    def _add_to_session(store, key: str, value: str) -> None:
        """A turn's read-modify-write of the session, in one transaction as the dialogue does it, taken again when
        the save finds another turn saved first."""
        for _ in range(20):
            try:
                with store.transaction():
                    loaded = store.load_session("u1")
                    state = loaded.state if loaded else {}
                    state[key] = value
                    store.save_session("u1", state, 100.0, loaded.version if loaded else None)
                return
            except StaleSession:
                continue
        raise AssertionError("never saved")

    def test_two_turns_changing_one_session_at_once_lose_nothing(self, store, second, race):
        """Rule: two transactions that each load a citizen's session and save it changed never lose either change:
        the later one sees the earlier one's save, or its save is refused (StaleSession) and it runs again. (A
        backend may make the later one wait; it may not overwrite.)"""
        store.save_session("u1", {"you": "bác"}, 1.0, None)
        got = race(store, second, lambda s: self._add_to_session(s, "first", "pending: ready"),
                   lambda s: self._add_to_session(s, "second", "answer 42 can be rated"))
        _no_errors(got)
        assert store.load_session("u1").state == {"you": "bác", "first": "pending: ready",
                                                  "second": "answer 42 can be rated"}

    def test_two_workers_saving_from_the_same_load_one_is_refused(self, store, second, race):
        """Loads outside a transaction (a team's answer and a turn, each on its own worker): both read version 1;
        the held one saves last and is refused, so the other's pending step is not overwritten."""
        store.save_session("u1", {"you": "bác"}, 1.0, None)
        loaded = {id(store): store.load_session("u1"), id(second): second.load_session("u1")}

        def save(s):
            seen = loaded[id(s)]
            return s.save_session("u1", {**seen.state, "by": id(s)}, 2.0, seen.version)

        got = race(store, second, save)
        assert sorted(type(g).__name__ for g in got.values()) == ["StaleSession", "int"]
        winner = store if isinstance(got["first"], int) else second
        assert store.load_session("u1") == StoredSession({"you": "bác", "by": id(winner)}, 2.0, 2)

    def test_many_turns_at_once_lose_nothing(self, backend, store):
        workers = [store] + [backend.again(store) for _ in range(3)]
        got = together([lambda w=w, i=i: [self._add_to_session(w, f"w{i}-{n}", "x") for n in range(5)]
                        for i, w in enumerate(workers)])
        _no_errors(got)
        assert len(store.load_session("u1").state) == 20 and store.load_session("u1").version == 20


class TestLogins:
    def test_two_login_attempts_at_once_each_see_the_other(self, store, second, race):
        """begin_login_attempt is atomic: of two failed attempts at once, the later one's wait is decided knowing
        the earlier failure (both recorded), and neither fails."""
        seen: list[tuple] = []
        got = race(store, second, lambda s: s.begin_login_attempt("lan", "1.2.3.4", 10.0, 0,
                                                                  lambda *found: seen.append(found) or 0))
        _no_errors(got)
        assert sorted(len(by_user) for _, by_user in seen) == [0, 1]

    def test_two_accounts_with_one_username_at_once_one_is_refused(self, store, second, race):
        got = race(store, second, lambda s: s.add_staff("lan", "Chị Lan", "h", "member"))
        assert sorted(type(g).__name__ for g in got.values()) == ["StaffUser", "ValueError"]
        assert [s.username for s in store.staff()] == ["lan"]
