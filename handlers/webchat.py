"""Local web chat on aiohttp: GET / (page), GET /healthz, POST /api/chat.

A thin adapter: it validates HTTP input, hands an Incoming to the dialogue and
returns its replies as JSON. Bad input is refused before anything is stored.
"""
from __future__ import annotations

import asyncio
import functools
import json
from pathlib import Path

from aiohttp import web

from bot.conversation import Incoming, Reply
from bot.dialogue import Dialogue
from handlers.logs import request_context

STATIC = Path(__file__).with_name("static")
MAX_BODY = 64 * 1024  # a 10,000-character Vietnamese message is up to ~30 KB of UTF-8
MAX_TEXT = 10_000
MAX_ID = 128
CHANNEL = "web"
DIALOGUE = web.AppKey("dialogue", Dialogue)
_json = functools.partial(web.json_response, dumps=functools.partial(json.dumps, ensure_ascii=False))


def _bad(message: str, status: int = 400) -> web.Response:
    return _json({"error": message}, status=status)


def reply_json(reply: Reply) -> dict:
    return {"text": reply.text,
            "buttons": [{"title": b.title, "payload": b.payload} if b.payload else {"title": b.title, "url": b.url}
                        for b in reply.buttons]}


def parse_chat(body: object) -> Incoming | str:
    """An Incoming, or the Vietnamese reason the request is refused."""
    if not isinstance(body, dict):
        return "Nội dung phải là một đối tượng JSON."
    user = body.get("user")
    if not isinstance(user, str) or not user.strip() or len(user) > MAX_ID:
        return "Thiếu trường 'user' (mã người dùng dạng chữ, tối đa 128 ký tự)."
    text, payload = body.get("text"), body.get("payload")
    if (text is None) == (payload is None):
        return "Cần đúng một trong hai trường 'text' (câu hỏi) hoặc 'payload' (nút đã bấm)."
    if text is not None and (not isinstance(text, str) or len(text) > MAX_TEXT):
        return "Trường 'text' phải là chữ, tối đa 10.000 ký tự."
    if payload is not None and (not isinstance(payload, str) or not payload or len(payload.encode()) > 64):
        return "Trường 'payload' phải là chữ, tối đa 64 byte."
    return Incoming(CHANNEL, user.strip(), text=text, payload=payload)


async def chat(request: web.Request) -> web.Response:
    if request.content_length is not None and request.content_length > MAX_BODY:
        return _bad("Tin nhắn quá dài.", 413)
    try:
        body = json.loads(await request.read())
    except web.HTTPRequestEntityTooLarge:
        return _bad("Tin nhắn quá dài.", 413)
    except (ValueError, UnicodeDecodeError):
        return _bad("Nội dung gửi lên không phải JSON hợp lệ.")
    incoming = parse_chat(body)
    if isinstance(incoming, str):
        return _bad(incoming)
    replies = await asyncio.to_thread(request.app[DIALOGUE].handle, incoming)
    return _json({"replies": [reply_json(r) for r in replies]})


async def healthz(_: web.Request) -> web.Response:
    return _json({"status": "ok"})


async def page(_: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html")


def make_app(dialogue: Dialogue) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY, middlewares=[request_context])
    app[DIALOGUE] = dialogue
    app.router.add_get("/", page)
    app.router.add_get("/healthz", healthz)
    app.router.add_post("/api/chat", chat)
    return app
