"""Accounts as staff need them: everyone changes their password, an admin resets one (web or `dvcbot admin
reset-password`), teams are edited, members move, and a locked account is told it is locked."""
import subprocess
import sys

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.domain.lifecycle import Role
from handlers.app.server import make_server
from handlers.channels.webchat import WebChat
from tests.conftest import REPO
from tests.desk_helpers import admin_site, login, post_form, small_services

PASSWORD = "mat-khau-du-dai-1"
NEW = "mat-khau-moi-rat-dai-2"


@pytest.fixture
async def setup(small_kb, tmp_path):
    services = small_services(small_kb, tmp_path)
    site = admin_site(services)
    a = services.storage.add_team("Tổ Cẩm Xuyên", "ha-tinh", "Hà Tĩnh", "Xã Cẩm Xuyên", is_default=True)
    b = services.storage.add_team("Tổ Thạch Hà", "ha-tinh", "Hà Tĩnh", "Xã Thạch Hà")
    site.accounts.create_user("admin1", PASSWORD, Role.ADMIN.value, name="Quản trị")
    site.accounts.create_user("lan", PASSWORD, Role.MEMBER.value, a.id, name="Chị Lan")
    async with TestClient(TestServer(make_server(services, [WebChat(services), site]), host="127.0.0.1")) as client:
        yield services, client, a, b


async def test_a_member_changes_her_own_password(setup):
    services, client, *_ = setup
    await login(client, "lan", PASSWORD)
    r = await post_form(client, "/admin/password", "/admin/password",
                        {"password": "sai-mat-khau", "new_password": NEW, "new_password_again": NEW})
    assert r.status == 422 and "Mật khẩu hiện tại chưa đúng" in await r.text()
    r = await post_form(client, "/admin/password", "/admin/password",
                        {"password": PASSWORD, "new_password": NEW, "new_password_again": NEW})
    assert r.status == 303 and (await client.get("/admin/queue")).status == 200   # still logged in here
    client.session.cookie_jar.clear()
    await login(client, "lan", PASSWORD, expect=401)
    await login(client, "lan", NEW)


async def test_an_admin_resets_a_password_moves_a_member_and_renames_a_team(setup):
    services, client, a, b = setup
    lan = services.storage.staff_by_username("lan")
    await login(client, "admin1", PASSWORD)
    r = await post_form(client, "/admin/teams", f"/admin/staff/{lan.id}/password", {"password": NEW})
    assert r.status == 303
    r = await post_form(client, "/admin/teams", f"/admin/staff/{lan.id}/team", {"team_id": str(b.id)})
    assert r.status == 303 and services.storage.staff_member(lan.id).team_id == b.id
    r = await post_form(client, "/admin/teams", f"/admin/teams/{a.id}",
                        {"name": "Tổ CNSCĐ xã Cẩm Xuyên", "commune": "Xã Cẩm Xuyên", "telegram_chat_id": ""})
    assert r.status == 303 and services.storage.team(a.id).name == "Tổ CNSCĐ xã Cẩm Xuyên"
    audit = await (await client.get("/admin/audit")).text()
    assert "Đặt lại mật khẩu" in audit and "Chuyển cán bộ sang tổ khác" in audit
    client.session.cookie_jar.clear()
    await login(client, "lan", NEW)


async def test_a_locked_account_is_told_so(setup):
    services, client, *_ = setup
    lan = services.storage.staff_by_username("lan")
    await login(client, "admin1", PASSWORD)
    await post_form(client, "/admin/teams", f"/admin/staff/{lan.id}/active", {"active": "0"})
    client.session.cookie_jar.clear()
    r = await login(client, "lan", PASSWORD, expect=403)
    assert "Tài khoản này đã bị khóa" in await r.text()
    r = await login(client, "lan", "sai-mat-khau-1", expect=401)   # a wrong password learns nothing
    assert "đã bị khóa" not in await r.text()


def test_reset_password_from_the_command_line(small_kb, tmp_path):
    services = small_services(small_kb, tmp_path)
    admin_site(services).accounts.create_user("lan", PASSWORD, Role.ADMIN.value)
    env = {"DVCBOT_DATABASE": str(tmp_path / "dvcbot.db"), "DVCBOT_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    r = subprocess.run([sys.executable, "-m", "handlers.app.cli", "admin", "reset-password", "lan", "--password-stdin"],
                       input=NEW + "\n", capture_output=True, text=True, env=env, cwd=REPO, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "Đã đặt mật khẩu mới cho 'lan'" in r.stdout
    from argon2 import PasswordHasher
    PasswordHasher().verify(services.storage.staff_by_username("lan").password_hash, NEW)
