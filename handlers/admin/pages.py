"""What every admin page shares: the route table with the role each route needs, rendering, redirects.

Every route declares who may use it; a route without a declared role is refused (fails closed).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Awaitable, Callable

import jinja2
from aiohttp import web
from markupsafe import Markup

from bot.core.markup import to_html
from bot.core.numbers import is_number
from bot.core.wording import say
from bot.desk.reports import VN_TIME
from bot.domain.desk_port import StaffSession, StaffUser
from bot.domain.lifecycle import Role
from handlers.admin.numbers import vn_number, week_label

TEMPLATES = Path(__file__).with_name("templates")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Access(str, Enum):
    PUBLIC = "public"   # the login form and the style sheet
    STAFF = "staff"     # any logged-in team member or admin
    ADMIN = "admin"


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    handler: Handler
    access: Access


ROUTES: list[Route] = []
SESSION_COOKIE = "dvcbot_admin"
LOGIN_CSRF_COOKIE = "dvcbot_login_csrf"
SITE = web.AppKey("admin_site")            # the AdminSite serving this sub-app (handlers.admin.site)
TEMPLATE_ENV = web.AppKey("admin_templates", jinja2.Environment)
STAFF = web.RequestKey("staff", StaffUser)                # who is logged in (set by the authentication middleware)
SESSION = web.RequestKey("session", StaffSession)
LOGIN_CSRF = web.RequestKey("login_csrf", str)             # the login form's token (before any session exists)


def route(method: str, path: str, access: Access) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        handler.access = access  # read by the authentication middleware
        ROUTES.append(Route(method, path, handler, access))
        return handler
    return register


def vn_time(iso: str | None) -> str:
    """ISO UTC time → "23/11/2026 15:04" in Vietnam time."""
    if not iso:
        return ""
    return dt.datetime.fromisoformat(iso).astimezone(VN_TIME).strftime("%d/%m/%Y %H:%M")


def label(key: str, fallback: str | None = None) -> str:
    """Labels for kinds and statuses come from bot/core/wording.yaml, the same words citizens and staff see."""
    try:
        return say(key)
    except KeyError:
        return fallback if fallback is not None else key


def answer_markup(text: str) -> Markup:
    """What the assistant or the team sent, as the citizen saw it: **bold** shown bold, everything else escaped."""
    return Markup(to_html(text))


def make_templates() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["vntime"] = vn_time
    env.filters["so"] = vn_number
    env.filters["tuan"] = week_label
    env.filters["answer"] = answer_markup
    env.globals["label"] = label
    return env


def me(request: web.Request) -> StaffUser:
    return request[STAFF]


def is_admin(staff: StaffUser) -> bool:
    return staff.role == Role.ADMIN.value


def redirect(location: str) -> web.Response:
    """303 See Other: after a form, the browser loads the next page with GET."""
    return web.Response(status=303, headers={"Location": location})


def forbidden(request: web.Request, message: str = "Bạn không có quyền xem trang này.") -> web.Response:
    return render(request, "error.html", status=403, message=message)


def render(request: web.Request, template: str, status: int = 200, **context) -> web.Response:
    env = request.config_dict[TEMPLATE_ENV]
    session = request.get(SESSION)
    html = env.get_template(template).render(
        me=request.get(STAFF), csrf=session.csrf_token if session else request.get(LOGIN_CSRF, ""),
        path=request.path, **context)
    return web.Response(text=html, content_type="text/html", charset="utf-8", status=status)


def form_ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if is_number(str(v))]
