"""The Zalo OA API client: customer-service messages, with the OA's access token kept fresh.

Zalo answers HTTP 200 with an error code in the body. -216 (access token invalid or expired) gets one
token refresh and one retry; -230 (the citizen is outside the reply window) is final, so the reply is left
for staff instead of retried forever. Network errors and 5xx get a few retries with growing delays.
The refresh token is single-use: refreshes run one at a time and every new pair is written to a 0600
file in the data folder before it is used. Tokens never reach the logs.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Sequence

import aiohttp

log = logging.getLogger(__name__)

TOKEN_FILE = "zalo_tokens.json"
MESSAGE_PATH = "/v3.0/oa/message/cs"
REFRESH_PATH = "/v4/oa/access_token"
TOKEN_REJECTED = -216
OUTSIDE_WINDOW = -230
EXPIRY_MARGIN_S = 60.0  # refresh a little before Zalo's stated expiry
RETRY_DELAYS = (1.0, 3.0, 9.0)  # seconds before each retry of a network error or 5xx


class ZaloError(Exception):
    """A message Zalo refused or that never reached it; `code` is what staff see ("-230", "http-503", "network")."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    expires_at: float | None = None  # epoch seconds; None: unknown (tokens from the settings), trusted until refused

    def __repr__(self) -> str:  # never print a token
        return f"Tokens(expires_at={self.expires_at!r})"


class TokenStore:
    """The OA's current tokens: the file in the data folder once it exists, else the ones from the settings."""

    def __init__(self, path: Path, initial: Tokens) -> None:
        self.path = Path(path)
        self.tokens = self._read() or initial

    def _read(self) -> Tokens | None:
        if not self.path.exists():
            return None
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return Tokens(str(data["access_token"]), str(data["refresh_token"]),
                          float(data["expires_at"]) if data.get("expires_at") is not None else None)
        except (OSError, ValueError, KeyError, TypeError):
            log.error("Zalo token file %s is unreadable; using the tokens from the settings", self.path)
            return None

    def save(self, tokens: Tokens) -> None:
        """Write atomically with mode 0600, then use the new tokens."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(asdict(tokens), f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)
        self.tokens = tokens


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
        """New tokens from the OAuth endpoint, unless another send already got them while this one waited."""
        async with self._refresh_lock:
            current = self.store.tokens
            if current.access_token not in ("", rejected) and not self._expired(current):
                return current.access_token
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
            fresh = Tokens(access, refresh, self._clock() + expires_in if expires_in else None)
            await asyncio.to_thread(self.store.save, fresh)
            log.info("Zalo access token refreshed")
            return access

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
