"""Admins manage teams and staff accounts, and read the audit log and the deletion requests."""
from __future__ import annotations

import asyncio

from aiohttp import web

from bot.core.numbers import is_number
from bot.desk.accounts import AccountError
from handlers.admin.pages import SESSION_COOKIE, SITE, Access, me, redirect, render, route
from indexer.knowledge import load_catalog


def _provinces(site) -> dict[str, str]:
    return load_catalog(site.settings.knowledge_dir).provinces


async def _teams_page(request: web.Request, status: int = 200, error: str | None = None) -> web.Response:
    site = request.config_dict[SITE]
    teams = await asyncio.to_thread(site.storage.teams)
    members = await asyncio.to_thread(site.storage.staff)
    return render(request, "teams.html", status=status, error=error, teams=teams, members=members,
                  provinces=await asyncio.to_thread(_provinces, site), notice=request.query.get("ok"))


@route("GET", "/teams", Access.ADMIN)
async def teams(request: web.Request) -> web.Response:
    return await _teams_page(request)


def _chat_id(value: str) -> str | None:
    value = value.strip()
    if value and not is_number(value.lstrip("-")):
        raise ValueError("Mã nhóm Telegram là một số (nhóm thường bắt đầu bằng -100…).")
    return value or None


@route("POST", "/teams", Access.ADMIN)
async def add_team(request: web.Request) -> web.Response:
    site, staff, form = request.config_dict[SITE], me(request), await request.post()
    provinces = await asyncio.to_thread(_provinces, site)
    name, province = str(form.get("name", "")).strip()[:120], str(form.get("province", ""))
    if not name or province not in provinces:
        return await _teams_page(request, 422, "Cần tên tổ và một tỉnh trong danh sách.")
    try:
        chat_id = _chat_id(str(form.get("telegram_chat_id", "")))
    except ValueError as exc:
        return await _teams_page(request, 422, str(exc))
    team = await asyncio.to_thread(site.storage.add_team, name, province, provinces[province],
                                   str(form.get("commune", "")).strip()[:120], chat_id, form.get("is_default") == "1")
    await asyncio.to_thread(site.storage.add_audit, staff.id, staff.username, "team.create", f"team:{team.id}", name)
    return redirect("/admin/teams?ok=1")


@route("POST", "/teams/{team_id}", Access.ADMIN)
async def update_team(request: web.Request) -> web.Response:
    site, staff, form = request.config_dict[SITE], me(request), await request.post()
    team_id = request.match_info["team_id"]
    if not is_number(team_id) or site.storage.team(int(team_id)) is None:
        return await _teams_page(request, 404, "Không có tổ này.")
    try:
        changes = {"telegram_chat_id": _chat_id(str(form.get("telegram_chat_id", "")))}
    except ValueError as exc:
        return await _teams_page(request, 422, str(exc))
    name, commune = str(form.get("name", "")).strip()[:120], str(form.get("commune", "")).strip()[:120]
    if "name" in form and not name:
        return await _teams_page(request, 422, "Tên tổ không được để trống.")
    if name:
        changes |= {"name": name, "commune": commune}
    if form.get("is_default") == "1":
        changes["is_default"] = True
    await asyncio.to_thread(site.storage.update_team, int(team_id), changes)
    await asyncio.to_thread(site.storage.add_audit, staff.id, staff.username, "team.update", f"team:{team_id}")
    return redirect("/admin/teams?ok=1")


@route("POST", "/staff", Access.ADMIN)
async def add_staff(request: web.Request) -> web.Response:
    site, staff, form = request.config_dict[SITE], me(request), await request.post()
    team = str(form.get("team_id", ""))
    try:
        created = await asyncio.to_thread(
            site.accounts.create_user, str(form.get("username", "")), str(form.get("password", "")),
            str(form.get("role", "")), int(team) if is_number(team) else None, str(form.get("name", ""))[:120],
            str(form.get("telegram_user_id", "")).strip() or None)
    except AccountError as exc:
        return await _teams_page(request, 422, str(exc))
    await asyncio.to_thread(site.storage.add_audit, staff.id, staff.username, "staff.create", f"staff:{created.id}",
                            f"{created.username} ({created.role})")
    return redirect("/admin/teams?ok=1")


@route("POST", "/staff/{staff_id}/active", Access.ADMIN)
async def toggle_staff(request: web.Request) -> web.Response:
    site, staff, form = request.config_dict[SITE], me(request), await request.post()
    staff_id = request.match_info["staff_id"]
    if not is_number(staff_id) or int(staff_id) == staff.id or site.storage.staff_member(int(staff_id)) is None:
        return await _teams_page(request, 422, "Không thể đổi trạng thái tài khoản này.")
    active = form.get("active") == "1"
    await asyncio.to_thread(site.accounts.set_active, int(staff_id), active)
    await asyncio.to_thread(site.storage.add_audit, staff.id, staff.username,
                            "staff.enable" if active else "staff.disable", f"staff:{staff_id}")
    return redirect("/admin/teams?ok=1")


@route("POST", "/staff/{staff_id}/password", Access.ADMIN)
async def reset_password(request: web.Request) -> web.Response:
    site, staff, form = request.config_dict[SITE], me(request), await request.post()
    staff_id = request.match_info["staff_id"]
    try:
        if not is_number(staff_id):
            raise AccountError("Không có tài khoản này.")
        target = await asyncio.to_thread(site.accounts.reset_password, int(staff_id), str(form.get("password", "")))
    except AccountError as exc:
        return await _teams_page(request, 422, str(exc))
    await asyncio.to_thread(site.storage.add_audit, staff.id, staff.username, "staff.reset_password",
                            f"staff:{target.id}", target.username)
    return redirect("/admin/teams?ok=1")


@route("POST", "/staff/{staff_id}/team", Access.ADMIN)
async def move_staff(request: web.Request) -> web.Response:
    site, staff, form = request.config_dict[SITE], me(request), await request.post()
    staff_id, team = request.match_info["staff_id"], str(form.get("team_id", ""))
    try:
        if not is_number(staff_id):
            raise AccountError("Không có tài khoản này.")
        moved = await asyncio.to_thread(site.accounts.move, int(staff_id), int(team) if is_number(team) else None)
    except AccountError as exc:
        return await _teams_page(request, 422, str(exc))
    await asyncio.to_thread(site.storage.add_audit, staff.id, staff.username, "staff.move", f"staff:{moved.id}",
                            f"{moved.username} → tổ {moved.team_id}")
    return redirect("/admin/teams?ok=1")


@route("GET", "/password", Access.STAFF)
async def password_form(request: web.Request) -> web.Response:
    return render(request, "password.html", error=None, notice=request.query.get("ok"))


@route("POST", "/password", Access.STAFF)
async def change_password(request: web.Request) -> web.Response:
    site, staff, form = request.config_dict[SITE], me(request), await request.post()
    new = str(form.get("new_password", ""))[:1024]
    try:
        if new != str(form.get("new_password_again", ""))[:1024]:
            raise AccountError("Hai lần nhập mật khẩu mới không khớp.")
        await asyncio.to_thread(site.accounts.change_password, staff, str(form.get("password", ""))[:1024], new,
                                request.cookies.get(SESSION_COOKIE))
    except AccountError as exc:
        return render(request, "password.html", status=422, error=str(exc), notice=None)
    await asyncio.to_thread(site.storage.add_audit, staff.id, staff.username, "staff.change_password")
    return redirect("/admin/password?ok=1")


@route("GET", "/audit", Access.ADMIN)
async def audit(request: web.Request) -> web.Response:
    site = request.config_dict[SITE]
    return render(request, "audit.html", entries=await asyncio.to_thread(site.storage.audit_log, 1000))


@route("GET", "/deletions", Access.ADMIN)
async def deletions(request: web.Request) -> web.Response:
    site = request.config_dict[SITE]
    return render(request, "deletions.html", requests=await asyncio.to_thread(site.storage.deletion_requests),
                  retention_days=site.settings.retention_days)
