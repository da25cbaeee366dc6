"""The Zalo OA API client: customer-service messages, with the OA's access token kept fresh.

Zalo answers HTTP 200 with an error code in the body. -216 (access token invalid or expired) gets one
token refresh and one retry; -230 (the citizen is outside the reply window) is final, so the reply is left
for staff instead of retried forever. Network errors and 5xx get a few retries with growing delays.
The refresh token is single-use: one refresh at a time across every worker sharing the database (a lease
taken under the database's lock, bot.domain.token_port; the others wait and read the new pair), and every new
pair is saved in the database before it is used. Tokens never reach the logs.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from pathlib import Path
from typing import Callable, Sequence

import aiohttp

from bot.domain.token_port import RefreshTurn, Tokens, TokenStorage, usable

log = logging.getLogger(__name__)

TOKEN_FILE = "zalo_tokens.json"
MESSAGE_PATH = "/v3.0/oa/message/cs"
REFRESH_PATH = "/v4/oa/access_token"
TOKEN_REJECTED = -216
OUTSIDE_WINDOW = -230
EXPIRY_MARGIN_S = 60.0  # refresh a little before Zalo's stated expiry
RETRY_DELAYS = (1.0, 3.0, 9.0)  # seconds before each retry of a network error or 5xx
WAIT_POLL_S = 0.2  # how often a worker waiting for another's refresh looks again


class ZaloError(Exception):
    """A message Zalo refused or that never reached it; `code` is what staff see ("-230", "http-503", "network")."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class TokenStore:
    """The OA's current tokens, kept in the shared database (bot.domain.token_port) so every worker uses one pair.

    The settings' pair is stored by the first worker to start and then only read back, since refreshes replace it;
    new tokens put in the settings by an operator (after Zalo revoked the old ones) replace the stored pair at the
    next start. When the database has none yet, a token file left by an older version (TOKEN_FILE in the data
    folder) is imported once and removed. `tokens` is this worker's copy; ZaloApi asks the database again whenever
    Zalo refuses it or it expires.
    """

    def __init__(self, storage: TokenStorage, initial: Tokens, legacy_file: Path | None = None,
                 channel: str = "zalo") -> None:
        self.storage, self.channel = storage, channel
        before = storage.channel_tokens(channel)
        imported = _read_file(legacy_file) if before is None and legacy_file is not None else None
        # the source is the settings' pair (a digest: no third copy of a token), also when the file's pair is used
        source = hashlib.sha256(f"{initial.access_token}\n{initial.refresh_token}".encode()).hexdigest()
        self.tokens = storage.seed_channel_tokens(channel, imported or initial, source)
        if imported is not None and legacy_file is not None:
            legacy_file.unlink(missing_ok=True)   # the database holds them now; no second copy of a secret
            log.info("Zalo tokens moved from %s into the database", legacy_file.name)
        elif before is not None and self.tokens != before:
            log.info("Zalo tokens from the settings are new: they replace the stored ones")


def _read_file(path: Path) -> Tokens | None:
    """The token file older versions wrote (mode 0600, JSON), or None when there is none or it cannot be read."""
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Tokens(str(data["access_token"]), str(data["refresh_token"]),
                      float(data["expires_at"]) if data.get("expires_at") is not None else None)
    except (OSError, ValueError, KeyError, TypeError):
        log.error("Zalo token file %s is unreadable; using the tokens from the settings", path)
        return None


def _seconds(value: object) -> float | None:
    """Zalo sends `expires_in` as a string of seconds."""
    try:
        seconds = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return seconds if seconds > 0 else None


class ZaloApi:
    """Sends customer-service messages; use as `async with api:` so it owns one HTTP session."""

    def __init__(self, api_url: str, oauth_url: str, app_id: str, app_secret: str, store: TokenStore,
                 retry_delays: Sequence[float] = RETRY_DELAYS, timeout_s: float = 10.0,
                 clock: Callable[[], float] = time.time) -> None:
        self.message_url = api_url.rstrip("/") + MESSAGE_PATH
        self.refresh_url = oauth_url.rstrip("/") + REFRESH_PATH
        self._app_id, self._app_secret = app_id, app_secret
        self.store = store
        self.retry_delays = tuple(retry_delays)
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._clock = clock
        self._refresh_lock = asyncio.Lock()
        # longest a refresh can take (every try timing out, every retry delay): another worker's lease lasts that long
        self._lease_s = timeout_s * (len(self.retry_delays) + 1) + sum(self.retry_delays) + 5.0
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> "ZaloApi":
        self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self

    async def __aexit__(self, *_: object) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    async def send_message(self, user_id: str, message: dict) -> None:
        """Send one customer-service message; raises ZaloError when it cannot be delivered."""
        body = {"recipient": {"user_id": user_id}, "message": message}
        token = await self._access_token()
        answer = await self._post(self.message_url, headers={"access_token": token}, json=body)
        if answer.get("error") == TOKEN_REJECTED:
            token = await self._refresh(rejected=token)
            answer = await self._post(self.message_url, headers={"access_token": token}, json=body)
        code = answer.get("error")
        if code != 0:
            raise ZaloError(str(code))

    # ---- tokens
    def _expired(self, tokens: Tokens) -> bool:
        return tokens.expires_at is not None and self._clock() >= tokens.expires_at - EXPIRY_MARGIN_S

    async def _access_token(self) -> str:
        tokens = self.store.tokens
        if tokens.access_token and not self._expired(tokens):
            return tokens.access_token
        return await self._refresh(rejected=tokens.access_token)

    async def _refresh(self, rejected: str) -> str:
        """New tokens from the OAuth endpoint, unless another send or worker got them while this one waited."""
        async with self._refresh_lock:   # one refresh at a time in this worker; the lease does it across workers
            fresh_after = self._clock() + EXPIRY_MARGIN_S
            if usable(self.store.tokens, rejected, fresh_after):
                return self.store.tokens.access_token
            storage, channel = self.store.storage, self.store.channel
            waited_until = time.monotonic() + self._lease_s
            while True:
                claim = await asyncio.to_thread(storage.claim_token_refresh, channel, rejected, self._clock(),
                                                self._clock() + EXPIRY_MARGIN_S, self._lease_s)
                if claim.turn == RefreshTurn.USE and claim.tokens is not None:
                    self.store.tokens = claim.tokens
                    return claim.tokens.access_token
                if claim.turn == RefreshTurn.REFRESH:
                    break
                if time.monotonic() > waited_until:
                    log.error("Another worker's Zalo token refresh did not finish in time")
                    raise ZaloError("token")
                await asyncio.sleep(WAIT_POLL_S)
            try:
                fresh = await self._new_tokens(claim.tokens or self.store.tokens)
            except BaseException:
                await asyncio.to_thread(storage.release_token_refresh, channel)
                raise
            await asyncio.to_thread(storage.save_channel_tokens, channel, fresh)
            self.store.tokens = fresh
            log.info("Zalo access token refreshed")
            return fresh.access_token

    async def _new_tokens(self, current: Tokens) -> Tokens:
        """One call to the OAuth endpoint with the (single-use) refresh token."""
        if not current.refresh_token:
            raise ZaloError("token")
        answer = await self._post(self.refresh_url, headers={"secret_key": self._app_secret},
                                  data={"refresh_token": current.refresh_token, "app_id": self._app_id,
                                        "grant_type": "refresh_token"})
        access, refresh = answer.get("access_token"), answer.get("refresh_token")
        if not (isinstance(access, str) and access and isinstance(refresh, str) and refresh):
            log.error("Zalo refused the token refresh (error %s)", answer.get("error"))
            raise ZaloError("token")
        expires_in = _seconds(answer.get("expires_in"))
        return Tokens(access, refresh, self._clock() + expires_in if expires_in else None)

    # ---- HTTP
    async def _post(self, url: str, **kwargs: object) -> dict:
        """The JSON answer; retries network errors and 5xx with growing delays, then raises ZaloError."""
        if self._session is None:
            raise ZaloError("not-started")
        failure = "network"
        for delay in (*self.retry_delays, None):
            try:
                async with self._session.post(url, **kwargs) as response:
                    if response.status < 500:
                        if response.status != 200:
                            raise ZaloError(f"http-{response.status}")
                        answer = await response.json(content_type=None)
                        if not isinstance(answer, dict):
                            raise ZaloError("bad-response")
                        return answer
                    failure = f"http-{response.status}"
            except (aiohttp.ClientError, asyncio.TimeoutError):
                failure = "network"
            except ValueError:  # not JSON: it reached Zalo, so do not send it again
                raise ZaloError("bad-response") from None
            if delay is None:
                break
            log.warning("Zalo request failed (%s); retrying in %.1f s", failure, delay)
            await asyncio.sleep(delay)
        raise ZaloError(failure)
