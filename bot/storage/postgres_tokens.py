"""PostgreSQL persistence of channel API tokens (bot.domain.token_port), mixed into PostgresStorage.

The claim reads the channel's row `FOR UPDATE`: a second worker's claim waits for the first one's transaction and
then sees its lease (READ COMMITTED reads the row as committed). Tokens are never logged.
"""
from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Callable

from bot.core.clock import epoch, iso
from bot.domain.token_port import RefreshClaim, RefreshTurn, Tokens, refresh_turn
from bot.storage.postgres_desk import Result

# one row per channel; refreshing_since: the lease of the worker refreshing now (NULL: nobody); source: where the
# first pair came from (bot.domain.token_port.TokenStorage.seed_channel_tokens)
M004_CHANNEL_TOKENS = """
CREATE TABLE channel_tokens (channel TEXT PRIMARY KEY, access_token TEXT NOT NULL, refresh_token TEXT NOT NULL,
                             expires_at TEXT, refreshing_since TEXT, source TEXT, updated_at TEXT NOT NULL);
"""


def _tokens(row: dict | None) -> Tokens | None:
    if row is None:
        return None
    expires = row["expires_at"]
    return Tokens(row["access_token"], row["refresh_token"], epoch(expires) if expires is not None else None)


def _when(tokens: Tokens) -> str | None:
    return iso(tokens.expires_at) if tokens.expires_at is not None else None


class PostgresTokenTables:
    transaction: Callable[[], AbstractContextManager[None]]
    _run: Callable[..., Result]
    _now: Callable[[], str]

    def _token_row(self, channel: str, lock: bool = False) -> dict | None:
        rows = self._run("SELECT * FROM channel_tokens WHERE channel = %s" + (" FOR UPDATE" if lock else ""),
                         [channel]).rows
        return rows[0] if rows else None

    def channel_tokens(self, channel: str) -> Tokens | None:
        return _tokens(self._token_row(channel))

    def seed_channel_tokens(self, channel: str, tokens: Tokens, source: str) -> Tokens:
        with self.transaction():
            self._run("INSERT INTO channel_tokens (channel, access_token, refresh_token, expires_at, source, updated_at) "
                      "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (channel) DO UPDATE SET "
                      "access_token = excluded.access_token, refresh_token = excluded.refresh_token, "
                      "expires_at = excluded.expires_at, refreshing_since = NULL, source = excluded.source, "
                      "updated_at = excluded.updated_at WHERE channel_tokens.source IS DISTINCT FROM excluded.source",
                      [channel, tokens.access_token, tokens.refresh_token, _when(tokens), source, self._now()])
            stored = _tokens(self._token_row(channel))
        assert stored is not None
        return stored

    def claim_token_refresh(self, channel: str, refused: str, now: float, fresh_after: float,
                            lease_s: float) -> RefreshClaim:
        with self.transaction():
            row = self._token_row(channel, lock=True)
            stored = _tokens(row)
            since = epoch(row["refreshing_since"]) if row is not None and row["refreshing_since"] else None
            turn = refresh_turn(stored, since, refused, now, fresh_after, lease_s)
            if turn == RefreshTurn.REFRESH:
                self._run("UPDATE channel_tokens SET refreshing_since = %s WHERE channel = %s", [iso(now), channel])
            return RefreshClaim(turn, stored)

    def save_channel_tokens(self, channel: str, tokens: Tokens) -> None:
        self._run("INSERT INTO channel_tokens (channel, access_token, refresh_token, expires_at, refreshing_since, "
                  "updated_at) VALUES (%s, %s, %s, %s, NULL, %s) ON CONFLICT (channel) DO UPDATE SET "
                  "access_token = excluded.access_token, refresh_token = excluded.refresh_token, "
                  "expires_at = excluded.expires_at, refreshing_since = NULL, updated_at = excluded.updated_at",
                  [channel, tokens.access_token, tokens.refresh_token, _when(tokens), self._now()])

    def release_token_refresh(self, channel: str) -> None:
        self._run("UPDATE channel_tokens SET refreshing_since = NULL WHERE channel = %s", [channel])
