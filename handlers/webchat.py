"""Local web chat on aiohttp: GET / (page), GET /healthz, POST /api/chat.

A thin adapter: it translates HTTP to the answerer and back. The conversation
engine (sessions, buttons, ratings) plugs in behind the same route later.
"""
from __future__ import annotations

import functools
import json
from pathlib import Path

from aiohttp import web

from bot.answerer import Answerer
from bot.render import reply_text

STATIC = Path(__file__).with_name("static")
MAX_BODY = 16 * 1024
MAX_TEXT = 10_000
ANSWERER = web.AppKey("answerer", Answerer)
_json = functools.partial(web.json_response, dumps=functools.partial(json.dumps, ensure_ascii=False))


def _bad(message: str, status: int = 400) -> web.Response:
    return _json({"error": message}, status=status)


async def chat(request: web.Request) -> web.Response:
    if request.content_length and request.content_length > MAX_BODY:
        return _bad("Tin nhắn quá dài.", 413)
    try:
        body = await request.json()
    except ValueError:
        return _bad("Nội dung gửi lên không phải JSON hợp lệ.")
    if not isinstance(body, dict) or not isinstance(body.get("user"), str) or not body["user"].strip():
        return _bad("Thiếu trường 'user' (mã người dùng dạng chữ).")
    text = body.get("text")
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        return _bad("Thiếu trường 'text' (câu hỏi dạng chữ, tối đa 10.000 ký tự).")
    answer = request.app[ANSWERER].ask(text)
    buttons = [{"title": link.title, "url": link.url} for link in answer.entry.links] if answer.entry else []
    return _json({"replies": [{"text": reply_text(answer), "buttons": buttons}]})


async def healthz(_: web.Request) -> web.Response:
    return _json({"status": "ok"})


async def page(_: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html")


def make_app(answerer: Answerer) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY)
    app[ANSWERER] = answerer
    app.router.add_get("/", page)
    app.router.add_get("/healthz", healthz)
    app.router.add_post("/api/chat", chat)
    return app
