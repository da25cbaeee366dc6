"""Log in and out. A new session id at every login; failed logins are slowed down (bot.desk.accounts)."""
from __future__ import annotations

import asyncio
import re
from pathlib import Path

from aiohttp import web

from handlers.admin.pages import (
    LOGIN_CSRF_COOKIE,
    SESSION,
    SESSION_COOKIE,
    SITE,
    STAFF,
    Access,
    me,
    redirect,
    render,
    route,
)
from handlers.runtime.security import client_address

STYLE = (Path(__file__).with_name("static") / "admin.css").read_bytes()


SAFE_NEXT = re.compile(r"^/admin(/[A-Za-z0-9/_.=&%?-]*)?$")
NEED_PAGE = re.compile(r"^/admin/needs/(\d+)$")


def safe_next(value: str) -> str:
    """Only a page of this site to go back to after login (never another host)."""
    return value if SAFE_NEXT.match(value) and "//" not in value else "/admin"


@route("GET", "/login", Access.PUBLIC)
async def login_form(request: web.Request) -> web.Response:
    site = request.config_dict[SITE]
    site.new_login_csrf(request)
    response = render(request, "login.html", error=None, username="", next=safe_next(request.query.get("next", "")),
                      kept_answer="")
    site.set_login_csrf_cookie(request, response)
    return response


@route("POST", "/login", Access.PUBLIC)
async def login(request: web.Request) -> web.StreamResponse:
    site = request.config_dict[SITE]
    form = await request.post()
    username = str(form.get("username", ""))[:64]
    back = {"next": safe_next(str(form.get("next", ""))), "kept_answer": str(form.get("kept_answer", ""))[:4000]}
    result = await asyncio.to_thread(site.accounts.login, username, str(form.get("password", ""))[:1024],
                                     client_address(request, site.settings.behind_proxy))
    if result.staff is None:
        site.new_login_csrf(request)
        if result.locked:
            response = render(request, "login.html", status=403, username=username, **back,
                              error="Tài khoản này đã bị khóa. Hãy liên hệ quản trị viên của tỉnh để mở lại.")
        elif result.retry_after:
            error = f"Đăng nhập sai quá nhiều lần. Hãy thử lại sau {result.retry_after} giây."
            response = render(request, "login.html", status=429, error=error, username=username, **back)
            response.headers["Retry-After"] = str(result.retry_after)
        else:
            response = render(request, "login.html", status=401, error="Sai tên đăng nhập hoặc mật khẩu.",
                              username=username, **back)
        site.set_login_csrf_cookie(request, response)
        return response
    old = request.cookies.get(SESSION_COOKIE)
    if old:  # a session from before this login never survives it
        await asyncio.to_thread(site.accounts.logout, old)
    await asyncio.to_thread(site.storage.add_audit, result.staff.id, result.staff.username, "login",
                            None, client_address(request, site.settings.behind_proxy))
    response = await _back_to_work(request, result.token, back) or redirect(back["next"])
    site.set_session_cookie(request, response, result.token)
    response.del_cookie(LOGIN_CSRF_COOKIE, path="/admin")
    return response


async def _back_to_work(request: web.Request, token: str, back: dict) -> web.Response | None:
    """After a session ended mid-answer: the ticket page again with the typed answer in its form."""
    from handlers.admin.desk_pages import need_page_with_answer

    page = NEED_PAGE.match(back["next"])
    if not (page and back["kept_answer"].strip()):
        return None
    site = request.config_dict[SITE]
    request[STAFF], request[SESSION] = await asyncio.to_thread(site.accounts.session, token)
    return await need_page_with_answer(request, int(page.group(1)), back["kept_answer"])


@route("POST", "/logout", Access.STAFF)
async def logout(request: web.Request) -> web.StreamResponse:
    site = request.config_dict[SITE]
    staff = me(request)
    await asyncio.to_thread(site.accounts.logout, request.cookies.get(SESSION_COOKIE))
    await asyncio.to_thread(site.storage.add_audit, staff.id, staff.username, "logout")
    response = redirect("/admin/login")
    response.del_cookie(SESSION_COOKIE, path="/admin")
    return response


@route("GET", "/static/admin.css", Access.PUBLIC)
async def style(_: web.Request) -> web.Response:
    return web.Response(body=STYLE, content_type="text/css", charset="utf-8")
