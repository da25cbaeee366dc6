"""Probe findings on the staff side: the login throttle behind the proxy, Secure cookies, deactivated accounts,
redacted staff answers, file modes, CSV cells, log lines."""
import csv
import io
import logging
import os
import stat
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from aiohttp.test_utils import TestClient, TestServer
from argon2 import PasswordHasher

from bot.desk.accounts import Accounts
from bot.domain.lifecycle import Role
from bot.privacy.redact import RedactingFilter
from bot.storage.sqlite import SqliteStorage
from handlers.admin.pages import SESSION_COOKIE
from handlers.admin.tabular import csv_bytes
from handlers.app.server import make_server
from handlers.channels.webchat import WebChat
from tests.chat import Chat
from tests.desk_helpers import CHEAP_HASHER_ARGS, admin_site, csrf_of, login, post_form, small_services
from tests.web_helpers import updates_for

PASSWORD = "mat-khau-du-dai-1"


@pytest.fixture
def desk(small_kb, tmp_path):
    services = small_services(small_kb, tmp_path, behind_proxy=True)
    site = admin_site(services)
    team = services.storage.add_team("Tổ Cẩm Xuyên", "ha-tinh", "Hà Tĩnh", "Xã Cẩm Xuyên", is_default=True)
    site.accounts.create_user("admin1", PASSWORD, Role.ADMIN.value, name="Quản trị")
    site.accounts.create_user("lan", PASSWORD, Role.MEMBER.value, team.id, name="Chị Lan")
    return services, site, team


@pytest.fixture
async def client(desk):
    services, site, _ = desk
    async with TestClient(TestServer(make_server(services, [WebChat(services), site]), host="127.0.0.1")) as c:
        yield c


async def try_login(client, username, password, forwarded):
    page = await client.get("/admin/login")
    return await client.post("/admin/login", data={"username": username, "password": password,
                                                   "csrf_token": csrf_of(await page.text())},
                             headers={"X-Forwarded-For": forwarded}, allow_redirects=False)


async def test_behind_the_proxy_one_guesser_does_not_lock_out_the_others(client):
    for _ in range(6):
        assert (await try_login(client, "lan", "sai-mat-khau-1", "203.0.113.7")).status in (401, 429)
    assert (await try_login(client, "lan", "sai-mat-khau-1", "203.0.113.7")).status == 429
    # everyone reaches us through the same proxy (request.remote is 127.0.0.1 for all): others still log in
    assert (await try_login(client, "admin1", PASSWORD, "198.51.100.20")).status == 303
    # and the person whose name was guessed logs in from their own phone
    assert (await try_login(client, "lan", PASSWORD, "198.51.100.21")).status == 303


def test_thirty_wrong_logins_at_once_get_five_password_checks(desk):
    services = desk[0]
    checks = []

    class CountingHasher(PasswordHasher):
        def verify(self, hash, password):
            checks.append(1)
            return super().verify(hash, password)

    accounts = Accounts(services.storage, 30, CountingHasher(**CHEAP_HASHER_ARGS))
    checks.clear()
    at_once = threading.Barrier(30)   # thirty threads released together, not ten at a time as the pool got to them

    def guess(_) -> object:
        at_once.wait(5)
        return accounts.login("lan", "sai-mat-khau-1", "203.0.113.9")

    with ThreadPoolExecutor(30) as pool:
        results = list(pool.map(guess, range(30)))
    assert len(checks) == 5 and sum(r.retry_after > 0 for r in results) == 25


def test_guesses_from_many_addresses_only_briefly_slow_the_real_user(desk):
    services = desk[0]
    now = [1000.0]
    accounts = Accounts(services.storage, 30, PasswordHasher(**CHEAP_HASHER_ARGS), clock=lambda: now[0])
    for i in range(40):
        accounts.login("lan", "sai-mat-khau-1", f"203.0.113.{i}")
    wait = accounts.login("lan", PASSWORD, "198.51.100.5").retry_after
    assert 0 < wait <= 30
    now[0] += wait
    assert accounts.login("lan", PASSWORD, "198.51.100.5").staff is not None


async def test_the_cookie_is_secure_when_the_proxy_says_https(client):
    page = await client.get("/admin/login")
    r = await client.post("/admin/login", data={"username": "lan", "password": PASSWORD,
                                                "csrf_token": csrf_of(await page.text())},
                          headers={"X-Forwarded-Proto": "https"}, allow_redirects=False)
    assert r.status == 303 and r.cookies[SESSION_COOKIE]["secure"]


async def test_deactivating_an_account_ends_its_sessions(desk, small_kb, tmp_path):
    services, site, _ = desk
    async with TestClient(TestServer(make_server(services, [WebChat(services), site]), host="127.0.0.1")) as lan, \
            TestClient(TestServer(make_server(services, [WebChat(services), site]), host="127.0.0.1")) as admin:
        await login(lan, "lan", PASSWORD)
        await login(admin, "admin1", PASSWORD)
        lan_id = services.storage.staff_by_username("lan").id
        for active in ("0", "1"):
            r = await post_form(admin, "/admin/teams", f"/admin/staff/{lan_id}/active", {"active": active})
            assert r.status == 303
        r = await lan.get("/admin/queue", allow_redirects=False)
        assert r.status == 303 and r.headers["Location"].startswith("/admin/login")  # the old cookie is dead


async def test_a_staff_answer_is_stored_and_exported_redacted_but_delivered_whole(desk, client):
    services, _, _ = desk
    chat = Chat(services.dialogue, user="w1", channel="web")
    await chat("giá vàng hôm nay bao nhiêu")
    await chat.press("Gửi câu hỏi cho tổ hỗ trợ")
    services.desk.route_pending()
    need = services.storage.unmet_needs()[-1]
    text = ("Chị có CCCD 001203004567, SĐT 0912 345 678 đã ghi nhận. Mời chị đến địa chỉ: UBND xã Cẩm Xuyên, "
            "hoặc gọi tổng đài 1900 0368.")
    await login(client, "admin1", PASSWORD)
    r = await post_form(client, f"/admin/needs/{need.id}", f"/admin/needs/{need.id}/answer",
                        {"answer": text, "need_ids": str(need.id)})
    assert r.status == 303
    stored = services.storage.need(need.id).answer
    assert "001203004567" not in stored and "0912 345 678" not in stored
    assert "UBND xã Cẩm Xuyên" in stored and "1900 0368" in stored
    export = (await (await client.get("/admin/export/unmet.csv")).read()).decode("utf-8-sig")
    assert "001203004567" not in export and "0912 345 678" not in export
    got = await updates_for(client, services, "w1")
    assert "0912 345 678" in got[0]["text"]   # the citizen reads what the team wrote


def test_the_database_is_for_its_owner_only(tmp_path):
    storage = SqliteStorage(tmp_path / "var" / "dvcbot.db")
    storage.add_message("u", "web", "in", "xin chào")
    for name in ("dvcbot.db", "dvcbot.db-wal", "dvcbot.db-shm"):
        path = tmp_path / "var" / name
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, name


def test_every_csv_cell_is_quoted_and_formulas_after_a_separator_are_neutralised():
    data = csv_bytes(["câu hỏi", "số"], [["hỏi thủ tục;=cmd|' /C calc'!A0", 3], ["a,+1", None], ["@SUM(A1)", 1]])
    text = data.decode("utf-8-sig")
    assert text.splitlines()[1].startswith('"hỏi thủ tục;')
    for line in text.splitlines():
        assert line.startswith('"') and line.endswith('"')
    for row in csv.reader(io.StringIO(text), delimiter=";"):   # Excel in vi-VN splits at ";"
        for cell in row:
            assert not cell.lstrip(' "').startswith(("=", "+", "@")), cell
    for row in csv.reader(io.StringIO(text), delimiter=","):
        for cell in row:
            assert not cell.lstrip(' "').startswith(("=", "+", "@")), cell


def test_log_lines_keep_request_timings_and_build_ids():
    def shown(msg, *args):
        record = logging.LogRecord("x", logging.INFO, __file__, 1, msg, args, None)
        RedactingFilter().filter(record)
        return record.getMessage()

    assert shown("%s %s %d %.1f ms", "POST", "/api/chat", 200, 12345.6) == "POST /api/chat 200 12345.6 ms"
    assert shown("knowledge switched to build %s (%d entries)", "20261203T101112123456", 40) == \
        "knowledge switched to build 20261203T101112123456 (40 entries)"
    assert "0912345678" not in shown("citizen said %s", "số em 0912345678")
