"""Who may do what on /admin: logins, sessions, CSRF, roles on every route, throttled bad logins."""
import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.domain.lifecycle import Role
from handlers.admin.pages import ROUTES, Access
from handlers.app.server import make_server
from handlers.channels.webchat import WebChat
from tests.chat import Chat
from tests.desk_helpers import admin_site, login, post_form, small_services

PASSWORD = "mat-khau-du-dai-1"


@pytest.fixture
def desk(small_kb, tmp_path):
    services = small_services(small_kb, tmp_path)
    site = admin_site(services)
    storage = services.storage
    a = storage.add_team("Tổ Cẩm Xuyên", "ha-tinh", "Hà Tĩnh", "Xã Cẩm Xuyên", is_default=True)
    b = storage.add_team("Tổ Ea Kar", "ha-tinh", "Hà Tĩnh", "Xã Ea Kar")
    site.accounts.create_user("admin1", PASSWORD, Role.ADMIN.value, name="Quản trị")
    site.accounts.create_user("lan", PASSWORD, Role.MEMBER.value, a.id, name="Chị Lan")
    site.accounts.create_user("hung", PASSWORD, Role.MEMBER.value, b.id, name="Anh Hùng")
    return services, site, a, b


@pytest.fixture
async def client(desk):
    services, site, *_ = desk
    async with TestClient(TestServer(make_server(services, [WebChat(services), site]), host="127.0.0.1")) as c:
        yield c


async def need_for(services, user, text, team_button):
    chat = Chat(services.dialogue, user=user, channel="web")
    await chat(text)
    await chat.press("Gửi câu hỏi cho tổ hỗ trợ")
    await chat.press("Hà Tĩnh")
    await chat.press(team_button)
    services.desk.route_pending()
    return [n for n in services.storage.unmet_needs() if n.user == services.dialogue.user_key("web", user)][0]


PAGES = ["/admin", "/admin/", "/admin/queue", "/admin/needs/1", "/admin/drafts", "/admin/drafts/1", "/admin/feedback",
         "/admin/reports", "/admin/teams", "/admin/audit", "/admin/deletions", "/admin/conversations/abc",
         "/admin/export/ratings.csv", "/admin/export/ratings.xlsx", "/admin/export/unmet.csv",
         "/admin/export/unmet.xlsx", "/admin/export/summary.csv", "/admin/export/summary.xlsx"]


async def test_anonymous_users_get_the_login_page_and_nothing_else(client):
    for path in PAGES:
        r = await client.get(path, allow_redirects=False)
        assert r.status == 303 and r.headers["Location"].startswith("/admin/login?next="), path
    r = await client.get("/admin/export/ratings.csv")  # following the redirect: the form, no data
    assert r.status == 200 and 'name="password"' in await r.text()
    form = await client.get("/admin/login")
    html = await form.text()
    for field in ('name="username"', 'name="password"', 'name="csrf_token"'):
        assert field in html
    for action in ("/admin/needs/1/claim", "/admin/drafts/1/approve", "/admin/teams", "/admin/logout"):
        r = await client.post(action, data={"csrf_token": "x"}, allow_redirects=False)
        assert r.status == 401 and 'name="password"' in await r.text(), action  # the login form, nothing done


def test_every_route_declares_who_may_use_it():
    public = {(r.method, r.path) for r in ROUTES if r.access == Access.PUBLIC}
    assert public == {("GET", "/login"), ("POST", "/login"), ("GET", "/static/admin.css")}
    assert all(isinstance(r.access, Access) for r in ROUTES)


async def test_login_gives_a_short_httponly_strict_cookie_and_a_new_session_each_time(client, desk):
    r = await login(client, "admin1", PASSWORD)
    assert r.headers["Location"] == "/admin"
    cookie = r.cookies["dvcbot_admin"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/admin"
    assert 0 < int(cookie["max-age"]) <= 3600
    first = cookie.value
    assert (await client.get("/admin", allow_redirects=False)).status == 200
    second = (await login(client, "admin1", PASSWORD)).cookies["dvcbot_admin"].value
    assert second != first
    services = desk[0]
    assert services.storage.db["staff_sessions"].count == 1  # the old session is gone
    assert first not in str(list(services.storage.db["staff_sessions"].rows))  # only a hash is stored
    r = await post_form(client, "/admin", "/admin/logout")
    assert r.status == 303 and (await client.get("/admin", allow_redirects=False)).status == 303


async def test_stored_password_hashes_are_argon2id(desk):
    services = desk[0]
    hashes = [s.password_hash for s in services.storage.staff()]
    assert len(hashes) == 3 and all(h.startswith("$argon2id$") for h in hashes)
    assert PASSWORD not in str(list(services.storage.db["staff"].rows))


async def test_a_post_without_a_valid_csrf_token_is_refused(client, desk):
    services = desk[0]
    need = await need_for(services, "c1", "giá vàng hôm nay bao nhiêu", "Xã Cẩm Xuyên")
    page = await client.get("/admin/login")
    r = await client.post("/admin/login", data={"username": "admin1", "password": PASSWORD, "csrf_token": "forged"},
                          allow_redirects=False)
    assert r.status == 403 and "dvcbot_admin" not in r.cookies
    await page.release()
    await login(client, "admin1", PASSWORD)
    for data in ({}, {"csrf_token": ""}, {"csrf_token": "forged"}):
        r = await client.post(f"/admin/needs/{need.id}/claim", data=data, allow_redirects=False)
        assert r.status == 403
    assert services.storage.need(need.id).status == "moi"
    r = await post_form(client, f"/admin/needs/{need.id}", f"/admin/needs/{need.id}/claim")
    assert r.status == 303 and services.storage.need(need.id).status == "da_nhan"


async def test_a_member_sees_only_their_team_and_cannot_approve_or_export_everything(client, desk):
    services, site, a, b = desk
    mine = await need_for(services, "c1", "giá vàng hôm nay bao nhiêu", "Xã Cẩm Xuyên")
    theirs = await need_for(services, "c2", "giá xăng ở Ea Kar hôm nay", "Xã Ea Kar")
    assert (mine.team_id, theirs.team_id) == (a.id, b.id)
    await login(client, "lan", PASSWORD)
    assert (await client.get("/admin", allow_redirects=False)).headers["Location"] == "/admin/queue"
    queue = await (await client.get(f"/admin/queue?team={b.id}")).text()
    assert "giá vàng" in queue and "giá xăng" not in queue
    assert (await client.get(f"/admin/needs/{theirs.id}")).status == 403
    r = await post_form(client, "/admin/queue", f"/admin/needs/{theirs.id}/answer", {"answer": "x"})
    assert r.status == 403 and services.storage.need(theirs.id).status == "moi"
    for page in ("/admin/feedback", "/admin/teams", "/admin/audit", "/admin/deletions", "/admin/conversations/x"):
        assert (await client.get(page)).status == 403, page
    # answer, propose; approving is for admins only
    r = await post_form(client, f"/admin/needs/{mine.id}", f"/admin/needs/{mine.id}/answer",
                        {"answer": "Xem giá vàng trên trang của ngân hàng."})
    assert r.status == 303
    r = await post_form(client, f"/admin/needs/{mine.id}", f"/admin/needs/{mine.id}/propose", {"topic": "vneid"})
    draft_path = r.headers["Location"]
    r = await post_form(client, draft_path, draft_path + "/approve")
    assert r.status == 403 and services.storage.drafts()[0].status == "draft"
    # exports hold their own team's rows only
    csv_text = (await (await client.get("/admin/export/unmet.csv")).read()).decode("utf-8-sig")
    assert "giá vàng" in csv_text and "giá xăng" not in csv_text
    log = services.storage.audit_log()
    assert log[0].action == "export" and "tổ" in log[0].detail


async def test_repeated_bad_logins_are_slowed(client, desk):
    for _ in range(5):
        await login(client, "admin1", "sai-mat-khau!", expect=401)
    r = await login(client, "admin1", PASSWORD, expect=429)  # even the right password waits now
    assert int(r.headers["Retry-After"]) >= 1 and "thử lại sau" in await r.text()
    r = await login(client, "someone-else", PASSWORD, expect=429)  # the same address is slowed too


async def test_admin_pages_send_security_headers(client):
    for path in ("/admin/login", "/admin", "/admin/static/admin.css"):
        r = await client.get(path)
        csp = r.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "script-src" not in csp and "default-src 'none'" in csp
        assert r.headers["X-Content-Type-Options"] == "nosniff"


async def test_sessions_end_after_the_idle_time(desk):
    from argon2 import PasswordHasher

    from bot.desk.accounts import Accounts
    from tests.desk_helpers import CHEAP_HASHER_ARGS

    services = desk[0]
    now = [1000.0]
    accounts = Accounts(services.storage, 30, PasswordHasher(**CHEAP_HASHER_ARGS), clock=lambda: now[0])
    token = accounts.login("admin1", PASSWORD, "1.1.1.1").token
    now[0] += 29 * 60
    assert accounts.session(token) is not None  # activity extends it
    now[0] += 29 * 60
    assert accounts.session(token) is not None
    now[0] += 31 * 60
    assert accounts.session(token) is None
