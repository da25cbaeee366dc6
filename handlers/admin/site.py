"""Admin and team pages on the shared server under /admin: a component mounted like a channel (it has no
Sender), with its own middlewares: security headers, login sessions, roles on every route, CSRF tokens.

Also runs the desk's background work on the server: routing and announcing new needs every few seconds,
the daily retention purge, and knowledge publishing (bot.desk.publishing: this worker's knowledge folder follows
what was approved in the database, at start and every `reload_seconds`; one worker at a time rebuilds the index).
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import secrets
from functools import partial
from typing import AsyncIterator, Callable
from urllib.parse import urlencode

from aiohttp import web

from bot.desk.accounts import Accounts, csrf_ok
from bot.desk.drafts import KnowledgePublisher
from bot.domain.retention import purge_if_due
from handlers.admin import desk_pages, login_pages, manage_pages, report_pages  # noqa: F401  (routes register on import)
from handlers.admin.pages import (
    LOGIN_CSRF,
    LOGIN_CSRF_COOKIE,
    ROUTES,
    SESSION,
    SESSION_COOKIE,
    SITE,
    STAFF,
    TEMPLATE_ENV,
    Access,
    forbidden,
    make_templates,
    redirect,
    render,
)
from handlers.runtime.security import over_https

log = logging.getLogger(__name__)
MAX_FORM = 256 * 1024
KEPT_FORMS = re.compile(r"^/admin/needs/(\d+)/answer$")  # forms whose typed text survives a session's end
PURGE_CHECK_S = 3600
SECURITY_HEADERS = {
    # no script at all on admin pages; styles and images from this server only; never framed
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


@web.middleware
async def security_headers(request: web.Request, handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        exc.headers.update(SECURITY_HEADERS)
        raise
    response.headers.update(SECURITY_HEADERS)
    return response


class AdminSite:
    """The /admin component; `sender` is None because it sends nothing to citizens itself."""
    name = "admin"
    sender = None

    def __init__(self, services, accounts: Accounts | None = None, rebuild: Callable[[], object] | None = None,
                 tick_seconds: float = 2.0) -> None:
        from handlers.runtime.services import rebuild_index

        settings = services.settings
        self.services, self.settings = services, settings
        self.storage, self.desk, self.library = services.storage, services.desk, services.library
        self.accounts = accounts or Accounts(services.storage, settings.admin_session_minutes,
                                             clock=services.storage.clock)
        self.publisher = KnowledgePublisher(services.storage, settings.knowledge_dir, settings.index_dir,
                                            rebuild or partial(rebuild_index, settings), services.library.refresh,
                                            clock=services.storage.clock)
        self.tick_seconds = tick_seconds
        self.publishing: set[asyncio.Task] = set()

    def mount(self, app: web.Application) -> None:
        sub = web.Application(middlewares=[security_headers, self.authenticate, self.check_csrf],
                              client_max_size=MAX_FORM)
        sub[SITE] = self
        sub[TEMPLATE_ENV] = make_templates()
        for r in ROUTES:
            sub.router.add_route(r.method, r.path, r.handler)
        app.add_subapp("/admin", sub)
        app.cleanup_ctx.append(self._background)

    # ---- middlewares
    @web.middleware
    async def authenticate(self, request: web.Request, handler) -> web.StreamResponse:
        access = getattr(request.match_info.handler, "access", None)
        if access is None:
            raise web.HTTPNotFound()
        if access == Access.PUBLIC:
            return await handler(request)
        token = request.cookies.get(SESSION_COOKIE)
        found = await asyncio.to_thread(self.accounts.session, token)
        if found is None:
            if request.method == "GET":
                return redirect(f"/admin/login?{urlencode({'next': request.path_qs})}")
            return await self.login_again(request)
        request[STAFF], request[SESSION] = found
        if access == Access.ADMIN and found[0].role != "admin":
            return forbidden(request)
        response = await handler(request)
        if not response.prepared and SESSION_COOKIE not in response.cookies:
            self.set_session_cookie(request, response, token)  # the cookie slides with the server-side session
        return response

    async def login_again(self, request: web.Request) -> web.Response:
        """A form sent after the session ended: the login form, carrying the typed answer and where to go back,
        so nothing typed is lost (handlers.admin.login_pages puts it back into the form after login)."""
        form = await request.post()
        kept = KEPT_FORMS.match(request.path)
        self.new_login_csrf(request)
        response = render(request, "login.html", status=401, username="",
                          error="Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại" +
                                ("; câu trả lời bạn đã gõ vẫn được giữ." if kept else "."),
                          next=f"/admin/needs/{kept.group(1)}" if kept else "/admin",
                          kept_answer=str(form.get("answer", ""))[:4000] if kept else "")
        self.set_login_csrf_cookie(request, response)
        return response

    @web.middleware
    async def check_csrf(self, request: web.Request, handler) -> web.StreamResponse:
        """Every form carries a token: the session's, or (login form) the one in the login cookie."""
        if request.method == "POST":
            form = await request.post()
            session = request.get(SESSION)
            expected = session.csrf_token if session else request.cookies.get(LOGIN_CSRF_COOKIE)
            if not csrf_ok(expected, form.get("csrf_token")):
                return render(request, "error.html", status=403,
                              message="Biểu mẫu đã cũ hoặc không hợp lệ. Hãy tải lại trang rồi thử lại.")
        return await handler(request)

    # ---- cookies
    def set_session_cookie(self, request: web.Request, response: web.StreamResponse, token: str) -> None:
        response.set_cookie(SESSION_COOKIE, token, max_age=self.accounts.session_seconds, path="/admin",
                            httponly=True, samesite="Strict", secure=self._secure(request))

    def new_login_csrf(self, request: web.Request) -> str:
        token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
        request[LOGIN_CSRF] = token
        return token

    def set_login_csrf_cookie(self, request: web.Request, response: web.StreamResponse) -> None:
        response.set_cookie(LOGIN_CSRF_COOKIE, request[LOGIN_CSRF], max_age=3600, path="/admin", httponly=True,
                            samesite="Strict", secure=self._secure(request))

    def _secure(self, request: web.Request) -> bool:
        return over_https(request, self.settings.behind_proxy, self.settings.public_url)

    # ---- knowledge rebuild after approve / revert
    def publish_in_background(self, actor_name: str) -> None:
        async def run() -> None:
            try:
                switched = await asyncio.to_thread(self.publisher.publish)
                detail = "đã chuyển sang chỉ mục mới" if switched else "chỉ mục không đổi"
            except Exception as exc:  # a broken file elsewhere in the folder: the old index keeps serving
                log.exception("rebuild after a knowledge change failed")
                detail = f"lỗi: {exc}"[:2000]
            await asyncio.to_thread(self.storage.add_audit, None, actor_name, "knowledge.rebuild", None, detail)

        task = asyncio.create_task(run())
        self.publishing.add(task)
        task.add_done_callback(self.publishing.discard)

    # ---- background work on the server
    async def _background(self, app: web.Application) -> AsyncIterator[None]:
        """Every worker runs these loops; each is safe with several workers sharing the database (issue 21):
        - desk_loop is idempotent, not claimed: a need is routed by a compare-and-set (`route_need`) and announced
          only by the worker whose `mark_announced` wins, so running it everywhere every few seconds routes and
          announces each need once (claiming it would cost every worker a write every tick for nothing);
        - purge_loop is claimed: `purge_if_due` runs the purge only for the worker whose `claim_job("purge")` wins,
          once a day across workers.
        (The knowledge watcher in handlers.app.server is per worker by design: it only reads the published index.)"""
        async def desk_loop() -> None:
            while True:
                try:
                    await self.desk.tick()
                except Exception:
                    log.exception("routing or announcing needs failed; trying again")
                await asyncio.sleep(self.tick_seconds)

        async def purge_loop() -> None:
            while True:
                try:
                    counts = await asyncio.to_thread(purge_if_due, self.storage, self.settings.retention_days,
                                                     self.storage.clock)
                    if counts is not None:
                        log.info("retention purge: %d rows older than %d days", sum(counts.values()),
                                 self.settings.retention_days)
                except Exception:
                    log.exception("retention purge failed; trying again later")
                await asyncio.sleep(PURGE_CHECK_S)

        async def knowledge_loop() -> None:
            while True:   # at start too: an approval whose file a crash left unwritten is written now
                try:
                    await asyncio.to_thread(self.publisher.publish, False)
                except Exception:
                    log.exception("publishing approved knowledge failed; trying again")
                await asyncio.sleep(self.settings.reload_seconds)

        tasks = [asyncio.create_task(desk_loop()), asyncio.create_task(purge_loop()),
                 asyncio.create_task(knowledge_loop())]
        yield
        for task in tasks + list(self.publishing):
            task.cancel()
        for task in tasks + list(self.publishing):
            with contextlib.suppress(asyncio.CancelledError):
                await task
