"""Security headers on every response the server sends (pages, JSON, static files, errors).

Also the one rule for Secure cookies (staff login and web chat alike).

The content security policy allows scripts and styles only from our own files, never inline: an
injected `<script>` or `style=` cannot run even if something were ever rendered unescaped. No page of
ours may be framed (clickjacking), and links to portals leave no referrer.
"""
from __future__ import annotations

from typing import Awaitable, Callable

from aiohttp import web

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",            # frame-ancestors for browsers too old to know CSP
    "Referrer-Policy": "no-referrer",
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:  # 404, 405, 413… raised by aiohttp itself are responses too
        _add(exc.headers)
        raise
    _add(response.headers)
    return response


def over_https(request: web.Request, behind_proxy: bool, public_url: str) -> bool:
    """HTTPS to us, or to our proxy (which says so in X-Forwarded-Proto), or a public https address: then a
    cookie is marked Secure."""
    proto = request.headers.get("X-Forwarded-Proto", "") if behind_proxy else ""
    return (request.secure or public_url.startswith("https://")
            or proto.rsplit(",", 1)[-1].strip().lower() == "https")


def _add(headers) -> None:
    """A stricter policy set by a sub-app (the admin pages allow no script at all) is kept."""
    for name, value in HEADERS.items():
        headers.setdefault(name, value)


def client_address(request: web.Request, behind_proxy: bool) -> str:
    """The citizen's address: behind our reverse proxy, the one it appended to X-Forwarded-For (the others
    in that header come from the client and could be forged)."""
    forwarded = request.headers.get("X-Forwarded-For", "") if behind_proxy else ""
    return forwarded.rsplit(",", 1)[-1].strip() or request.remote or "-"
