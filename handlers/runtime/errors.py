"""aiohttp's own error pages ("404: Not Found") said in Vietnamese: a citizen who mistypes an address reads
where the chat is instead of English."""
from __future__ import annotations

from typing import Awaitable, Callable

from aiohttp import web

SAID = {
    404: "Không có trang này. Trang hỏi đáp của Trợ lý DVC ở địa chỉ gốc của máy chủ: /",
    405: "Địa chỉ này không nhận kiểu yêu cầu đó.",
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def vietnamese_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status not in SAID or exc.text != f"{exc.status}: {exc.reason}":
            raise  # a page's own message (in Vietnamese already) stays as it is
        return web.Response(status=exc.status, text=f"{exc.status}: {SAID[exc.status]}", headers=exc.headers)
