"""Staff sessions slide while they work, and an answer typed when the session ran out is not lost."""
import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.clock import iso
from bot.lifecycle import Role
from handlers.admin.pages import SESSION_COOKIE
from handlers.app import make_server
from handlers.webchat import WebChat
from tests.chat import Chat
from tests.desk_helpers import admin_site, csrf_of, login, small_services

PASSWORD = "mat-khau-du-dai-1"


@pytest.fixture
async def setup(small_kb, tmp_path):
    services = small_services(small_kb, tmp_path)
    site = admin_site(services)
    team = services.storage.add_team("Tổ Cẩm Xuyên", "ha-tinh", "Hà Tĩnh", "Xã Cẩm Xuyên", is_default=True)
    site.accounts.create_user("lan", PASSWORD, Role.MEMBER.value, team.id, name="Chị Lan")
    chat = Chat(services.dialogue, user="w1", channel="web")
    await chat("giá vàng hôm nay bao nhiêu")
    await chat.press("Gửi câu hỏi cho tổ hỗ trợ")
    services.desk.route_pending()
    async with TestClient(TestServer(make_server(services, [WebChat(services), site]), host="127.0.0.1")) as client:
        yield services, site, client, services.storage.unmet_needs()[-1]


async def test_every_page_a_member_opens_renews_the_cookie(setup):
    _, _, client, need = setup
    await login(client, "lan", PASSWORD)
    r = await client.get(f"/admin/needs/{need.id}")
    cookie = r.cookies.get(SESSION_COOKIE)
    assert cookie is not None and int(cookie["max-age"]) == 30 * 60


async def test_an_answer_typed_when_the_session_ended_comes_back_after_login(setup):
    services, site, client, need = setup
    await login(client, "lan", PASSWORD)
    page = await (await client.get(f"/admin/needs/{need.id}")).text()
    services.storage.db.execute("UPDATE staff_sessions SET expires_at = ?", [iso(0)])  # 30 minutes on the phone pass
    services.storage.db.conn.commit()
    r = await client.post(f"/admin/needs/{need.id}/answer", data={
        "csrf_token": csrf_of(page), "need_ids": str(need.id), "answer": "Bạn mang CCCD ra bưu điện xã nhé."},
        allow_redirects=False)
    html = await r.text()
    assert r.status == 401 and "Phiên đăng nhập đã hết hạn" in html and "Bạn mang CCCD ra bưu điện xã" in html
    r = await client.post("/admin/login", data={
        "username": "lan", "password": PASSWORD, "csrf_token": csrf_of(html), "next": f"/admin/needs/{need.id}",
        "kept_answer": "Bạn mang CCCD ra bưu điện xã nhé."}, allow_redirects=False)
    html = await r.text()
    assert r.status == 200 and "Bạn mang CCCD ra bưu điện xã nhé.</textarea>" in html
    r = await client.post(f"/admin/needs/{need.id}/answer", data={
        "csrf_token": csrf_of(html), "need_ids": str(need.id), "answer": "Bạn mang CCCD ra bưu điện xã nhé."},
        allow_redirects=False)
    assert r.status == 303 and services.storage.need(need.id).status == "da_tra_loi"


async def test_an_expired_page_view_returns_to_that_page_after_login(setup):
    _, _, client, need = setup
    r = await client.get(f"/admin/needs/{need.id}", allow_redirects=False)
    assert r.headers["Location"] == f"/admin/login?next=%2Fadmin%2Fneeds%2F{need.id}"
    form = await (await client.get(r.headers["Location"])).text()
    assert f'name="next" value="/admin/needs/{need.id}"' in form
    r = await client.post("/admin/login", data={"username": "lan", "password": PASSWORD, "csrf_token": csrf_of(form),
                                                "next": f"/admin/needs/{need.id}"}, allow_redirects=False)
    assert r.headers["Location"] == f"/admin/needs/{need.id}"
    form = await (await client.get("/admin/login")).text()
    r = await client.post("/admin/login", data={"username": "lan", "password": PASSWORD, "csrf_token": csrf_of(form),
                                                "next": "//evil.example/admin"}, allow_redirects=False)
    assert r.headers["Location"] == "/admin"
