"""Contract of the channel-token port (bot.domain.token_port) on every backend: one pair per channel shared by the
workers, and a refresh taken by one worker at a time (Zalo's refresh token can be used once)."""
from __future__ import annotations

from bot.domain.token_port import RefreshTurn, Tokens
from tests.contract.threads import together

NOW = 1_795_507_200.0
LEASE = 30.0
OLD = Tokens("at-old", "rt-old")


class TestTokens:
    def test_the_first_seed_wins_and_later_seeds_from_the_same_source_change_nothing(self, store, second):
        assert store.channel_tokens("zalo") is None
        assert store.seed_channel_tokens("zalo", OLD, "settings-1") == OLD
        assert second.seed_channel_tokens("zalo", OLD, "settings-1") == OLD
        fresh = Tokens("at-new", "rt-new", NOW + 90_000)
        store.save_channel_tokens("zalo", fresh)                                  # a refresh since
        assert second.seed_channel_tokens("zalo", OLD, "settings-1") == fresh    # a restart keeps it
        assert second.channel_tokens("zalo") == fresh and store.channel_tokens("telegram") is None

    def test_a_seed_from_a_new_source_replaces_the_pair_and_ends_a_lease(self, store, second):
        store.seed_channel_tokens("zalo", OLD, "settings-1")
        assert store.claim_token_refresh("zalo", "at-old", NOW, NOW, LEASE).turn == RefreshTurn.REFRESH
        given = Tokens("at-given", "rt-given")   # the operator put new tokens in the settings
        assert second.seed_channel_tokens("zalo", given, "settings-2") == given == store.channel_tokens("zalo")
        assert second.claim_token_refresh("zalo", "at-given", NOW, NOW, LEASE).turn == RefreshTurn.REFRESH

    def test_a_refresh_is_leased_to_one_worker_and_the_others_use_its_pair(self, store, second):
        store.seed_channel_tokens("zalo", OLD, "settings-1")
        mine = store.claim_token_refresh("zalo", "at-old", NOW, NOW + 60, LEASE)
        assert mine.turn == RefreshTurn.REFRESH and mine.tokens == OLD
        assert second.claim_token_refresh("zalo", "at-old", NOW + 1, NOW + 61, LEASE).turn == RefreshTurn.WAIT
        fresh = Tokens("at-new", "rt-new", NOW + 90_000)
        store.save_channel_tokens("zalo", fresh)
        theirs = second.claim_token_refresh("zalo", "at-old", NOW + 2, NOW + 62, LEASE)
        assert theirs.turn == RefreshTurn.USE and theirs.tokens == fresh and second.channel_tokens("zalo") == fresh

    def test_an_expired_pair_or_the_refused_token_is_refreshed_again(self, store):
        store.seed_channel_tokens("zalo", Tokens("at-1", "rt-1", NOW + 30), "settings-1")
        assert store.claim_token_refresh("zalo", "", NOW, NOW + 60, LEASE).turn == RefreshTurn.REFRESH
        store.save_channel_tokens("zalo", Tokens("at-2", "rt-2", NOW + 90_000))
        assert store.claim_token_refresh("zalo", "at-2", NOW, NOW + 60, LEASE).turn == RefreshTurn.REFRESH

    def test_a_failed_or_abandoned_refresh_lets_the_next_worker_try(self, store, second):
        store.seed_channel_tokens("zalo", OLD, "settings-1")
        assert store.claim_token_refresh("zalo", "at-old", NOW, NOW, LEASE).turn == RefreshTurn.REFRESH
        store.release_token_refresh("zalo")
        assert second.claim_token_refresh("zalo", "at-old", NOW, NOW, LEASE).turn == RefreshTurn.REFRESH
        # that worker died holding the lease: once the lease is over another may refresh
        assert store.claim_token_refresh("zalo", "at-old", NOW + 10, NOW, LEASE).turn == RefreshTurn.WAIT
        assert store.claim_token_refresh("zalo", "at-old", NOW + LEASE + 1, NOW, LEASE).turn == RefreshTurn.REFRESH

    def test_saving_without_a_seed_stores_the_pair(self, store):
        store.save_channel_tokens("zalo", Tokens("at-x", "rt-x", None))
        assert store.channel_tokens("zalo") == Tokens("at-x", "rt-x", None)


class TestTokenRace:
    def test_two_workers_claiming_one_refresh_one_refreshes(self, store, second, race):
        store.seed_channel_tokens("zalo", OLD, "settings-1")
        got = race(store, second, lambda s: s.claim_token_refresh("zalo", "at-old", NOW, NOW, LEASE).turn)
        assert sorted(got.values()) == [RefreshTurn.REFRESH, RefreshTurn.WAIT]

    def test_many_workers_at_once_one_refreshes(self, backend, store):
        store.seed_channel_tokens("zalo", OLD, "settings-1")
        workers = [store] + [backend.again(store) for _ in range(3)]
        for round_ in range(3):
            now = NOW + round_ * 100
            got = together([lambda w=w: w.claim_token_refresh("zalo", "at-old", now, now, LEASE).turn
                            for w in workers])
            assert sorted(got) == [RefreshTurn.REFRESH] + [RefreshTurn.WAIT] * 3, (round_, got)
