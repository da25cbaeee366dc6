"""A channel's API tokens kept in the shared database, so several workers use (and refresh) one pair.

Zalo's refresh token can be used once: two workers refreshing with it at once leave one of them with tokens Zalo
no longer accepts. So a refresh is claimed like a job: under the database's write lock one worker takes a short
lease, calls the OAuth endpoint outside any transaction, and saves the new pair; the others see the lease, wait
and read the new pair. No HTTP call ever runs inside a database transaction.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Protocol


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    expires_at: float | None = None  # epoch seconds; None: unknown (tokens from the settings), trusted until refused

    def __repr__(self) -> str:  # never print a token
        return f"Tokens(expires_at={self.expires_at!r})"


class RefreshTurn(str, Enum):
    """What a worker asking to refresh is told to do."""
    USE = "use"          # the stored pair is newer than the one refused: use it, no refresh
    REFRESH = "refresh"  # this worker holds the lease: refresh with the stored refresh token, then save
    WAIT = "wait"        # another worker holds the lease: wait a little and ask again


@dataclass(frozen=True)
class RefreshClaim:
    turn: RefreshTurn
    tokens: Tokens | None   # the stored pair (None: nothing stored yet)


def usable(tokens: Tokens, refused: str, fresh_after: float) -> bool:
    """A stored pair another worker may already have refreshed: not the access token just refused, not expired."""
    return tokens.access_token not in ("", refused) and (tokens.expires_at is None or tokens.expires_at > fresh_after)


def refresh_turn(stored: Tokens | None, refreshing_since: float | None, refused: str, now: float,
                 fresh_after: float, lease_s: float) -> RefreshTurn:
    """The rule every backend applies under its row lock: use a pair another worker already refreshed, wait while
    a live lease is held, else take the lease (a lease older than `lease_s` was left by a crashed worker)."""
    if stored is not None and usable(stored, refused, fresh_after):
        return RefreshTurn.USE
    if refreshing_since is not None and refreshing_since > now - lease_s:
        return RefreshTurn.WAIT
    return RefreshTurn.REFRESH


class TokenStorage(Protocol):
    def channel_tokens(self, channel: str) -> Tokens | None: ...

    def seed_channel_tokens(self, channel: str, tokens: Tokens, source: str) -> Tokens:
        """The pair to use at start. `source` names where `tokens` come from (a digest of the settings' pair): the
        first worker to start stores them; later seeds from the same source change nothing (the stored pair may
        have been refreshed since), while a new source (an operator put new tokens in the settings) replaces it."""
        ...

    def claim_token_refresh(self, channel: str, refused: str, now: float, fresh_after: float,
                            lease_s: float) -> RefreshClaim:
        """Under the write lock: USE when the stored pair is `usable` (another worker refreshed), WAIT while another
        worker's lease (taken before `now`, for `lease_s`) runs, else take the lease and say REFRESH."""
        ...

    def save_channel_tokens(self, channel: str, tokens: Tokens) -> None:
        """The refreshed pair; ends the lease."""
        ...

    def release_token_refresh(self, channel: str) -> None:
        """End the lease without new tokens (the refresh failed): the next worker may try."""
        ...
