"""Contract: what two `dvcbot serve` workers on one database must share about turns (issue 21) — rate-limit
buckets, delivery ids seen, one turn of a citizen at a time, parked turns resumed once. Each rule is checked on one
connection, then with two (`second`) racing: held (the first stopped just before its write) and together."""
from __future__ import annotations

import threading
import time

from tests.contract.threads import together

OLD, CUTOFF, NEW = "2025-01-01T00:00:00+00:00", "2026-01-01T00:00:00+00:00", "2026-11-20T00:00:00+00:00"
KEY = "3f1c0a9e5b7d2c4a8e6f1b3d5c7a9e0f"   # a citizen's pseudonymous key (bot.privacy.identity.user_key)


def _no_errors(got) -> None:
    errors = [g for g in (got.values() if isinstance(got, dict) else got) if isinstance(g, Exception)]
    assert not errors, errors


class TestRateBuckets:
    def test_a_burst_then_one_token_per_refill_and_one_first_refusal(self, store):
        taken = [store.take_token(KEY, 3, 1000.0) for _ in range(5)]
        assert [t.allowed for t in taken] == [True, True, True, False, False]
        assert [t.refusals for t in taken] == [0, 0, 0, 1, 2]
        assert taken[3].tokens < 1.0
        assert store.take_token(KEY, 3, 1010.0).allowed is False          # 10 s: half a token
        again = store.take_token(KEY, 3, 1020.0)                          # 20 s: one token back
        assert (again.allowed, again.refusals) == (True, 0)
        assert store.take_token(KEY, 3, 1020.0).refusals == 1              # refusing again: a first refusal again

    def test_buckets_are_per_key_and_never_hold_more_than_the_limit(self, store):
        for _ in range(3):
            store.take_token(KEY, 3, 1000.0)
        assert store.take_token("khac", 3, 1000.0).allowed
        assert store.take_token(KEY, 3, 1_000_000.0).tokens == 2.0        # refilled to 3, one taken

    def test_two_workers_count_in_one_bucket(self, store, second):
        got = [(store if i % 2 else second).take_token(KEY, 4, 1000.0).allowed for i in range(8)]
        assert got.count(True) == 4

    def test_two_workers_taking_the_last_token_at_once_one_gets_it(self, store, second, race):
        for _ in range(2):
            store.take_token(KEY, 3, 1000.0)
        got = race(store, second, lambda s: s.take_token(KEY, 3, 1000.0))
        _no_errors(got)
        assert sorted(t.allowed for t in got.values()) == [False, True]

    def test_many_workers_at_once_spend_exactly_the_limit(self, backend, store):
        workers = [store] + [backend.again(store) for _ in range(3)]
        got = together([lambda w=w: [w.take_token(KEY, 10, 1000.0).allowed for _ in range(5)] for w in workers])
        _no_errors(got)
        assert sum(sum(g) for g in got) == 10

    def test_buckets_untouched_since_a_time_are_forgotten(self, store):
        for _ in range(3):
            store.take_token(KEY, 3, 1000.0)
        store.take_token("moi", 3, 1100.0)
        assert store.forget_rate_buckets(1050.0) == 1
        assert store.take_token(KEY, 3, 1000.0).allowed            # a new, full bucket
        assert store.forget_rate_buckets(1050.0) == 1 and store.forget_rate_buckets(1050.0) == 0


class TestDeliveries:
    def test_a_delivery_is_first_once_per_channel_on_every_worker(self, store, second):
        assert store.first_delivery("telegram", "a1b2") is True
        assert store.first_delivery("telegram", "a1b2") is False
        assert second.first_delivery("telegram", "a1b2") is False
        assert second.first_delivery("zalo", "a1b2") is True

    def test_one_delivery_sent_to_two_workers_at_once_is_first_on_one(self, store, second, race):
        got = race(store, second, lambda s: s.first_delivery("zalo", "msg-9f8e"))
        _no_errors(got)
        assert sorted(got.values()) == [False, True]

    def test_many_redeliveries_at_once_one_is_first(self, backend, store):
        workers = [store] + [backend.again(store) for _ in range(3)]
        for n in range(5):
            got = together([lambda w=w, n=n: w.first_delivery("telegram", f"update-{n}") for w in workers])
            _no_errors(got)
            assert got.count(True) == 1, (n, got)

    def test_delivery_ids_seen_before_a_time_are_forgotten(self, backend, store):
        with backend.dated(OLD):
            store.first_delivery("zalo", "cu")
        with backend.dated(NEW):
            store.first_delivery("zalo", "moi")
        assert store.forget_deliveries(CUTOFF) == 1
        assert store.first_delivery("zalo", "cu") is True and store.first_delivery("zalo", "moi") is False


class TestCitizenLock:
    def test_a_second_turn_of_one_citizen_waits_for_the_first_on_another_worker(self, store, second):
        """The second worker's turn begins only after the first one's ended, and sees what it saved."""
        inside, release, entered = threading.Event(), threading.Event(), threading.Event()
        seen: list = []

        def first_turn() -> None:
            with store.citizen_lock(KEY):
                with store.transaction():
                    store.save_session(KEY, {"buoc": 1}, 1.0, None)
                inside.set()
                release.wait(5)

        def second_turn() -> None:
            with second.citizen_lock(KEY):
                entered.set()
                seen.append(second.load_session(KEY))

        one = threading.Thread(target=first_turn)
        one.start()
        assert inside.wait(5)
        two = threading.Thread(target=second_turn)
        two.start()
        try:
            assert not entered.wait(0.3), "the second turn began while the first one held the citizen"
            with second.citizen_lock("another-citizen"):   # other citizens do not wait
                pass
        finally:
            release.set()
        one.join(5)
        two.join(5)
        assert entered.is_set() and seen[0].state == {"buoc": 1}

    def test_turns_of_one_citizen_on_many_workers_never_interleave(self, backend, store):
        workers = [store] + [backend.again(store) for _ in range(3)]
        log: list[str] = []

        def turns(w, i: int) -> None:
            for n in range(3):
                with w.citizen_lock(KEY):
                    log.append(f"begin {i}")
                    time.sleep(0.01)
                    log.append(f"end {i}")

        got = together([lambda w=w, i=i: turns(w, i) for i, w in enumerate(workers)])
        _no_errors(got)
        assert len(log) == 24 and all(log[k].split()[1] == log[k + 1].split()[1] for k in range(0, 24, 2))
        assert all(log[k].startswith("begin") for k in range(0, 24, 2))

    def test_the_lock_is_let_go_when_the_turn_fails(self, store, second):
        try:
            with store.citizen_lock(KEY):
                raise ValueError("loi giua luot")
        except ValueError:
            pass
        done = threading.Event()

        def next_turn() -> None:
            with second.citizen_lock(KEY):
                done.set()

        threading.Thread(target=next_turn).start()
        assert done.wait(5)


class TestParkedTurns:
    def test_parked_turns_are_claimed_once_until_the_claim_runs_out(self, store):
        for n in range(3):
            store.park_turn(f"u{n}", "zalo", f"su kien {n}")
        store.park_turn("u9", "telegram", "khac")
        claimed = store.claim_parked_turns("zalo", 1000.0, 300)
        assert [event for _, event in claimed] == ["su kien 0", "su kien 1", "su kien 2"]
        assert store.claim_parked_turns("zalo", 1100.0, 300) == []      # claimed by a worker still running
        store.unpark_turn(claimed[0][0])
        assert store.claim_parked_turns("zalo", 1400.0, 300) == claimed[1:]   # its worker died: claimed again
        assert [event for _, event in store.parked_turns("zalo")] == ["su kien 1", "su kien 2"]

    def test_a_claimed_turn_given_back_is_claimed_again_at_once(self, store, second):
        store.park_turn("u1", "zalo", "su kien")
        [(turn_id, _)] = store.claim_parked_turns("zalo", 1000.0, 300)
        store.release_parked_turn(turn_id)
        assert second.claim_parked_turns("zalo", 1001.0, 300) == [(turn_id, "su kien")]

    def test_two_workers_starting_together_resume_each_turn_once(self, store, second, race):
        for n in range(4):
            store.park_turn(f"u{n}", "telegram", f"su kien {n}")
        got = race(store, second, lambda s: s.claim_parked_turns("telegram", 1000.0, 300))
        _no_errors(got)
        first, other = got["first"], got["second"]
        assert sorted(first + other) == sorted(store.parked_turns("telegram")) and not set(first) & set(other)

    def test_many_workers_starting_at_once_resume_each_turn_once(self, backend, store):
        for n in range(20):
            store.park_turn(f"u{n}", "zalo", f"su kien {n}")
        workers = [store] + [backend.again(store) for _ in range(3)]
        got = together([lambda w=w: w.claim_parked_turns("zalo", 1000.0, 300) for w in workers])
        _no_errors(got)
        ids = [turn_id for claimed in got for turn_id, _ in claimed]
        assert sorted(ids) == sorted(i for i, _ in store.parked_turns("zalo")) and len(set(ids)) == 20
