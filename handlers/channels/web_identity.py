"""Who may continue a web chat conversation: a random conversation id in a signed, expiring token.

The page's own `user` id sits in the browser's storage and can be copied, so it is never the conversation's
identity: the server makes a random id, ties it to the page's id and signs both with a key derived from the
install secret. Only the cookie's holder continues that conversation or fetches the team's answers for it.
Tokens are never logged.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Callable

from bot.core.numbers import is_number

COOKIE = "dvc_chat"
_SIGNED = "token:"
_PAGE = "page:"


@dataclass(frozen=True)
class Conversation:
    id: str        # the dialogue's user id for this conversation (random, not the page's id)
    page_tag: str  # a keyed hash of the page's `user` id that started it


class ConversationTokens:
    """Issues and checks conversation tokens; a token ends `ttl_s` after it was last issued."""

    def __init__(self, key: bytes, ttl_s: float, clock: Callable[[], float] = time.time) -> None:
        self._key, self.ttl_s, self._clock = key, ttl_s, clock

    def start(self, page_user: str) -> Conversation:
        return Conversation(secrets.token_urlsafe(18), self._page_tag(page_user))

    def started_by(self, conversation: Conversation, page_user: str) -> bool:
        return hmac.compare_digest(conversation.page_tag, self._page_tag(page_user))

    def issue(self, conversation: Conversation) -> str:
        body = f"{conversation.id}.{conversation.page_tag}.{int(self._clock() + self.ttl_s)}"
        return f"{body}.{self._mac(_SIGNED + body)}"

    def read(self, token: str | None) -> Conversation | None:
        """The conversation a token names; None when it is missing, altered, forged or past its time."""
        parts = (token or "").rsplit(".", 3)
        if len(parts) != 4 or not is_number(parts[2]):
            return None
        conversation_id, page_tag, expires, mac = parts
        if not hmac.compare_digest(mac, self._mac(f"{_SIGNED}{conversation_id}.{page_tag}.{expires}")):
            return None
        if int(expires) <= self._clock() or not conversation_id:
            return None
        return Conversation(conversation_id, page_tag)

    def _page_tag(self, page_user: str) -> str:
        return self._mac(_PAGE + page_user)[:16]

    def _mac(self, text: str) -> str:
        return hmac.new(self._key, text.encode(), hashlib.sha256).hexdigest()[:32]
