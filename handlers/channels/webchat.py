"""Local web chat on aiohttp: GET / (page), /static/…, GET /healthz, POST /api/chat, GET /api/chat/updates, and
the public pages of shared answers, GET /s/{ref} (handlers.channels.share_page).

A thin adapter: it validates HTTP input, hands the message to the shared turn
runner (handlers.channels.turns) and returns its replies as JSON. Bad input is refused before anything is stored, and
so is a flood (429 with Retry-After, per client address and per citizen).
The conversation is the one named by the signed cookie (handlers.channels.web_identity),
not the page's `user` id, so replies sent later (a team member's answer) wait in
storage until the cookie's holder polls /api/chat/updates.
"""
from __future__ import annotations

import asyncio
import functools
import json
import time
from dataclasses import replace
from pathlib import Path
from typing import Callable

from aiohttp import web

from bot.core.messages import Incoming, reply_to_dict, well_formed
from bot.core.wording import say
from bot.domain.delivery import QueueSender
from handlers.channels.share_page import SharePages
from handlers.channels.turns import Turn, TurnRunner
from handlers.channels.web_identity import COOKIE, Conversation, ConversationTokens
from handlers.runtime.ratelimit import RateLimiter, Verdict
from handlers.runtime.security import client_address, over_https

STATIC = Path(__file__).with_name("static")
MAX_BODY = 64 * 1024  # a 10,000-character Vietnamese message is up to ~30 KB of UTF-8
MAX_TEXT = 10_000
MAX_ID = 128
CHANNEL = "web"
POLLS_PER_MINUTE = 30  # the page asks for updates every 5 s (12 a minute)
NOT_JSON = "Nội dung gửi lên không phải JSON hợp lệ."
_json = functools.partial(web.json_response, dumps=functools.partial(json.dumps, ensure_ascii=False))


def _bad(message: str, status: int = 400) -> web.Response:
    return _json({"error": message}, status=status)


def _too_fast(verdict: Verdict) -> web.Response:
    return _json({"error": say("rate_limited", seconds=verdict.retry_after_header)}, status=429,
                 headers={"Retry-After": verdict.retry_after_header})


def _user_id(value: object) -> str | None:
    return well_formed(value.strip()) if isinstance(value, str) and value.strip() and len(value) <= MAX_ID else None


def parse_chat(body: object) -> Incoming | str:
    """An Incoming, or the Vietnamese reason the request is refused."""
    if not isinstance(body, dict):
        return "Nội dung phải là một đối tượng JSON."
    user = _user_id(body.get("user"))
    if user is None:
        return "Thiếu trường 'user' (mã người dùng dạng chữ, tối đa 128 ký tự)."
    text, payload, message_id = (well_formed(v) if isinstance(v, str) else v
                                 for v in (body.get("text"), body.get("payload"), body.get("message_id")))
    if (text is None) == (payload is None):
        return "Cần đúng một trong hai trường 'text' (câu hỏi) hoặc 'payload' (nút đã bấm)."
    if text is not None and (not isinstance(text, str) or len(text) > MAX_TEXT):
        return "Trường 'text' phải là chữ, tối đa 10.000 ký tự."
    if payload is not None and (not isinstance(payload, str) or not payload or len(payload.encode()) > 64):
        return "Trường 'payload' phải là chữ, tối đa 64 byte."
    if message_id is not None and _user_id(message_id) is None:
        return "Trường 'message_id' (nếu có) phải là chữ, tối đa 128 ký tự."
    return Incoming(CHANNEL, user, text=text, payload=payload, message_id=message_id)


def conversation_tokens(services, clock: Callable[[], float] = time.time) -> ConversationTokens:
    """Signed with a key derived from the install secret; a conversation lasts the session timeout."""
    return ConversationTokens(services.dialogue.signing_key("web-chat-cookie"), services.settings.session_minutes * 60,
                              clock)


class WebChat:
    """The web page and its JSON API on the shared server."""
    name = CHANNEL

    def __init__(self, services) -> None:
        self.dialogue = services.dialogue
        self.sender = QueueSender(services.storage, CHANNEL)
        self.turns = TurnRunner(services, CHANNEL)   # it answers in the HTTP response: no send, nothing parked
        self.ip_limit = services.ip_limit
        self.behind_proxy, self.public_url = services.settings.behind_proxy, services.settings.public_url
        self.tokens = conversation_tokens(services)
        self.poll_limit = RateLimiter(POLLS_PER_MINUTE, services.storage, "poll")
        self.shared = SharePages(services.library, services.settings.public_url)

    def mount(self, app: web.Application) -> None:
        app.router.add_get("/", self.page)
        app.router.add_static("/static/", STATIC, name="static")
        app.router.add_get("/favicon.ico", self.favicon)
        app.router.add_get("/healthz", self.healthz)
        app.router.add_post("/api/chat", self.chat)
        app.router.add_get("/api/chat/updates", self.updates)
        self.shared.mount(app)

    async def chat(self, request: web.Request) -> web.Response:
        address = self.dialogue.user_key("ip", client_address(request, self.behind_proxy))
        if not (verdict := await self.ip_limit.take(address)).allowed:
            return _too_fast(verdict)
        if request.content_length is not None and request.content_length > MAX_BODY:
            return _bad("Tin nhắn quá dài.", 413)
        try:
            raw = await request.read()
            if len(raw) > MAX_BODY:
                return _bad("Tin nhắn quá dài.", 413)
            body = json.loads(raw)
        except web.HTTPRequestEntityTooLarge:
            return _bad("Tin nhắn quá dài.", 413)
        except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: "[" nested thousands deep
            return _bad(NOT_JSON)
        incoming = parse_chat(body)
        if isinstance(incoming, str):
            return _bad(incoming)
        conversation = self._conversation(request, incoming.user)
        turn = Turn(replace(incoming, user=conversation.id))
        if not (verdict := await self.turns.admit(turn)).allowed:
            return _too_fast(verdict)
        replies = await self.turns.take(turn)
        return self._with_cookie(request, _json({"replies": [reply_to_dict(r) for r in replies]}), conversation)

    async def updates(self, request: web.Request) -> web.Response:
        """Replies that arrived for the cookie's conversation since the page last asked (e.g. from a team
        member); a `user` in the address is not looked at, and without a valid cookie there is nothing."""
        conversation = self.tokens.read(request.cookies.get(COOKIE))
        caller = (self.dialogue.user_key(CHANNEL, conversation.id) if conversation
                  else self.dialogue.user_key("ip", client_address(request, self.behind_proxy)))
        if not (verdict := await self.poll_limit.take(caller)).allowed:
            return _too_fast(verdict)
        if conversation is None:
            return _json({"replies": []})
        replies = await asyncio.to_thread(self.sender.take, caller)
        return self._with_cookie(request, _json({"replies": [reply_to_dict(r) for r in replies]}), conversation)

    def _conversation(self, request: web.Request, page_user: str) -> Conversation:
        """The cookie's conversation when this page started it; otherwise a new one, which sees nothing of any
        other (a copied `user` id without its cookie, a cookie from another page id, an expired cookie)."""
        found = self.tokens.read(request.cookies.get(COOKIE))
        if found is not None and self.tokens.started_by(found, page_user):
            return found
        return self.tokens.start(page_user)

    def _with_cookie(self, request: web.Request, response: web.Response, conversation: Conversation) -> web.Response:
        """Issued again on every answer and poll: the conversation ends a session timeout after its page was
        closed (or went quiet)."""
        response.set_cookie(COOKIE, self.tokens.issue(conversation), max_age=int(self.tokens.ttl_s), path="/api/chat",
                            httponly=True, samesite="Lax",
                            secure=over_https(request, self.behind_proxy, self.public_url))
        return response

    @staticmethod
    async def healthz(_: web.Request) -> web.Response:
        return _json({"status": "ok"})

    @staticmethod
    async def page(_: web.Request) -> web.FileResponse:
        return web.FileResponse(STATIC / "index.html")

    @staticmethod
    async def favicon(_: web.Request) -> web.FileResponse:
        """Browsers ask for /favicon.ico on every page, the admin pages too: an SVG answers (image/svg+xml)."""
        return web.FileResponse(STATIC / "favicon.svg", headers={"Cache-Control": "max-age=86400"})
