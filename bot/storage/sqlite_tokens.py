"""SQLite persistence of channel API tokens (bot.domain.token_port), mixed into SqliteStorage.

The claim runs in one BEGIN IMMEDIATE transaction, so of two processes on one file the second reads the row as the
first left it. Tokens are stored as given (the database file is its owner's only, like secret.key) and never logged.
"""
from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Callable

import sqlite_utils

from bot.core.clock import epoch, iso
from bot.domain.token_port import RefreshClaim, RefreshTurn, Tokens, refresh_turn
from bot.storage.sqlite_migration import Migrations

TOKEN_MIGRATIONS = Migrations()


@TOKEN_MIGRATIONS
def m016_channel_tokens(db: sqlite_utils.Database) -> None:
    # one row per channel; refreshing_since: the lease of the worker refreshing now (NULL: nobody); source: where the
    # first pair came from (bot.domain.token_port.TokenStorage.seed_channel_tokens)
    db.execute("CREATE TABLE channel_tokens (channel TEXT PRIMARY KEY, access_token TEXT NOT NULL, "
               "refresh_token TEXT NOT NULL, expires_at TEXT, refreshing_since TEXT, source TEXT, updated_at TEXT NOT NULL)")


def _tokens(row: tuple | None) -> Tokens | None:
    if row is None:
        return None
    return Tokens(row[0], row[1], epoch(row[2]) if row[2] is not None else None)


class SqliteTokenTables:
    db: sqlite_utils.Database
    _lock: AbstractContextManager[bool]
    transaction: Callable[[], AbstractContextManager[None]]
    _stamp: Callable[[], str]

    def _token_row(self, channel: str) -> tuple | None:
        return self.db.execute("SELECT access_token, refresh_token, expires_at, refreshing_since FROM channel_tokens "
                               "WHERE channel = ?", [channel]).fetchone()

    def channel_tokens(self, channel: str) -> Tokens | None:
        with self._lock:
            return _tokens(self._token_row(channel))

    def seed_channel_tokens(self, channel: str, tokens: Tokens, source: str) -> Tokens:
        with self.transaction():
            self.db.execute(
                "INSERT INTO channel_tokens (channel, access_token, refresh_token, expires_at, source, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (channel) DO UPDATE SET access_token = excluded.access_token, "
                "refresh_token = excluded.refresh_token, expires_at = excluded.expires_at, refreshing_since = NULL, "
                "source = excluded.source, updated_at = excluded.updated_at "
                "WHERE channel_tokens.source IS NOT excluded.source",
                [channel, tokens.access_token, tokens.refresh_token,
                 iso(tokens.expires_at) if tokens.expires_at is not None else None, source, self._stamp()])
            stored = _tokens(self._token_row(channel))
        assert stored is not None
        return stored

    def claim_token_refresh(self, channel: str, refused: str, now: float, fresh_after: float,
                            lease_s: float) -> RefreshClaim:
        with self.transaction():
            row = self._token_row(channel)
            stored = _tokens(row)
            since = epoch(row[3]) if row is not None and row[3] is not None else None
            turn = refresh_turn(stored, since, refused, now, fresh_after, lease_s)
            if turn == RefreshTurn.REFRESH:
                self.db.execute("UPDATE channel_tokens SET refreshing_since = ? WHERE channel = ?", [iso(now), channel])
            return RefreshClaim(turn, stored)

    def save_channel_tokens(self, channel: str, tokens: Tokens) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO channel_tokens (channel, access_token, refresh_token, expires_at, refreshing_since, "
                "updated_at) VALUES (?, ?, ?, ?, NULL, ?) ON CONFLICT (channel) DO UPDATE SET "
                "access_token = excluded.access_token, refresh_token = excluded.refresh_token, "
                "expires_at = excluded.expires_at, refreshing_since = NULL, updated_at = excluded.updated_at",
                [channel, tokens.access_token, tokens.refresh_token,
                 iso(tokens.expires_at) if tokens.expires_at is not None else None, self._stamp()])

    def release_token_refresh(self, channel: str) -> None:
        with self.transaction():
            self.db.execute("UPDATE channel_tokens SET refreshing_since = NULL WHERE channel = ?", [channel])
