"""Abuse: rate limits on the web chat (per citizen, per address) and security headers on every response."""
import re
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.dialogue import Dialogue
from bot.storage.sqlite import SqliteStorage
from handlers.app.server import make_server
from handlers.channels.webchat import STATIC, WebChat
from handlers.runtime.ratelimit import RateLimiter
from handlers.runtime.security import HEADERS
from handlers.runtime.services import Services
from tests.builders import open_storage, services_on, small_library


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# ---- the token bucket (in the database: every worker counts in it)


@pytest.fixture
def buckets(tmp_path):
    return open_storage(tmp_path / "buckets.db")


def test_a_burst_up_to_the_limit_then_one_message_per_share_of_a_minute(buckets):
    clock = Clock()
    limit = RateLimiter(6, buckets, "test", clock)  # 6 a minute: one token back every 10 s
    assert all(limit.check("a").allowed for _ in range(6))
    refused = limit.check("a")
    assert not refused.allowed and refused.first_refusal and refused.retry_after_s == pytest.approx(10)
    assert refused.retry_after_header == "10"
    clock.now += 4
    again = limit.check("a")
    assert not again.allowed and not again.first_refusal and again.retry_after_s == pytest.approx(6)
    assert limit.check("b").allowed  # another key has its own bucket
    clock.now += 6
    assert limit.check("a").allowed and not limit.check("a").allowed
    clock.now += 10
    assert limit.check("a").allowed
    clock.now += 0.5
    assert limit.check("a").first_refusal  # a new burst gets a new notice


def test_a_long_pause_refills_only_up_to_the_burst(buckets):
    clock = Clock()
    limit = RateLimiter(3, buckets, "test", clock)
    clock.now += 3600
    assert [limit.check("a").allowed for _ in range(4)] == [True, True, True, False]


def test_zero_turns_the_limit_off(buckets):
    limit = RateLimiter(0, buckets, "test")
    assert not limit.on and all(limit.check("a").allowed for _ in range(1000))
    assert buckets.db["rate_buckets"].count == 0


def test_buckets_untouched_for_a_minute_are_forgotten(buckets):
    clock = Clock()
    limit = RateLimiter(60, buckets, "test", clock)
    for i in range(50):
        limit.check(f"k{i}")
    clock.now += 30
    limit.check("busy")
    assert buckets.db["rate_buckets"].count == 51
    clock.now += 31   # the 50 have refilled completely: they carry no state
    limit.check("new")
    assert sorted(r["bucket"] for r in buckets.db["rate_buckets"].rows) == ["test:busy", "test:new"]


def test_two_workers_on_one_database_count_one_limit(buckets, tmp_path):
    clock = Clock()
    workers = [RateLimiter(4, buckets, "ip", clock), RateLimiter(4, SqliteStorage(tmp_path / "buckets.db"), "ip", clock)]
    verdicts = [workers[i % 2].check("dia-chi-1") for i in range(6)]
    assert [v.allowed for v in verdicts] == [True] * 4 + [False] * 2
    assert [v.first_refusal for v in verdicts[4:]] == [True, False]   # one notice per burst, whichever worker


# ---- the web chat


@pytest.fixture
def make_services(small_kb, tmp_path):
    library, storage = small_library(small_kb, tmp_path).library, open_storage(tmp_path / "dvcbot.db")

    def make(**settings) -> Services:   # the default reload interval, as before
        return services_on(library, storage, tmp_path, knowledge_dir=small_kb, reload_seconds=5.0, **settings)
    return make


def client_for(services: Services) -> TestClient:
    return TestClient(TestServer(make_server(services, [WebChat(services)]), host="127.0.0.1"))


async def test_a_citizen_over_the_limit_gets_429_in_vietnamese_with_retry_after_and_nothing_is_stored(make_services):
    services = make_services(rate_per_minute=3, rate_per_ip_per_minute=0)
    async with client_for(services) as client:
        ok = [await client.post("/api/chat", json={"user": "u1", "text": f"câu {i}"}) for i in range(3)]
        refused = await client.post("/api/chat", json={"user": "u1", "text": "câu thứ tư"})
        other = await client.post("/api/chat", json={"user": "u2", "text": "xin chào"})
        body = await refused.json()
    assert [r.status for r in ok] == [200, 200, 200] and other.status == 200
    assert refused.status == 429 and 1 <= int(refused.headers["Retry-After"]) <= 20
    assert "gửi tin nhắn hơi nhanh" in body["error"] and refused.headers["Retry-After"] in body["error"]
    assert services.storage.db["messages"].count_where("text = 'câu thứ tư'") == 0


async def test_one_address_over_its_limit_gets_429_whatever_user_ids_it_invents(make_services):
    services = make_services(rate_per_minute=0, rate_per_ip_per_minute=4)
    async with client_for(services) as client:
        statuses = [(await client.post("/api/chat", json={"user": f"u{i}", "text": "xin chào"})).status
                    for i in range(6)]
        bad = await client.post("/api/chat", data=b"{not json")  # refused before the body is even read
    assert statuses == [200, 200, 200, 200, 429, 429] and bad.status == 429
    assert services.storage.db["messages"].count_where("direction = 'in'") == 4


async def test_an_address_spreading_its_requests_over_two_workers_meets_one_limit(make_services, tmp_path):
    one = make_services(rate_per_minute=0, rate_per_ip_per_minute=3)
    storage = SqliteStorage(tmp_path / "dvcbot.db")   # a second `dvcbot serve` on the same database
    two = Services(one.settings, one.library, storage, Dialogue(one.library, storage, b"s"))
    async with client_for(one) as a, client_for(two) as b:
        statuses = [(await (a, b)[i % 2].post("/api/chat", json={"user": f"u{i}", "text": "xin chao"})).status
                    for i in range(6)]
    assert statuses == [200, 200, 200, 429, 429, 429]


@pytest.mark.parametrize("behind_proxy, expected", [(True, [200, 200, 200, 429]), (False, [200, 200, 429, 429])])
async def test_behind_the_proxy_the_address_it_appended_counts_and_a_forged_one_does_not(make_services, behind_proxy,
                                                                                          expected):
    services = make_services(rate_per_minute=0, rate_per_ip_per_minute=2, behind_proxy=behind_proxy)
    forwarded = ["1.2.3.4", "6.6.6.6, 1.2.3.4", "7.7.7.7, 5.6.7.8", "8.8.8.8, 1.2.3.4"]
    async with client_for(services) as client:
        statuses = [(await client.post("/api/chat", json={"user": f"u{i}", "text": "xin chào"},
                                       headers={"X-Forwarded-For": f})).status for i, f in enumerate(forwarded)]
    assert statuses == expected


# ---- security headers


async def test_every_response_carries_the_security_headers(make_services):
    services = make_services()
    async with client_for(services) as client:
        responses = [await client.get("/"), await client.get("/static/chat.js"), await client.get("/static/chat.css"),
                     await client.get("/healthz"), await client.get("/nowhere"), await client.get("/api/chat"),
                     await client.post("/api/chat", data=b"{bad"),
                     await client.post("/api/chat", json={"user": "u", "text": "<script>alert(1)</script>"}),
                     await client.post("/api/chat", data=b"{" + b" " * (2 * 1024 * 1024) + b"}")]
    assert [r.status for r in responses] == [200, 200, 200, 200, 404, 405, 400, 200, 413]
    for r in responses:
        assert {k: r.headers.get(k) for k in HEADERS} == HEADERS, r.url
    csp = HEADERS["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert responses[1].content_type in ("application/javascript", "text/javascript")
    assert responses[7].content_type == "application/json"  # a citizen's markup never comes back as a page


def test_the_page_has_no_inline_script_style_or_handlers():
    page = (STATIC / "index.html").read_text(encoding="utf-8")
    assert re.findall(r"<script\b[^>]*>", page) == ['<script src="/static/chat.js">']
    assert "<style" not in page and not re.search(r"\sstyle\s*=", page)
    assert not re.search(r"\son[a-z]+\s*=", page, re.I) and "javascript:" not in page
    assert re.search(r"<script[^>]*>\s*</script>", page)  # nothing between the tags


def test_the_page_code_puts_text_on_the_page_only_as_text():
    code = (STATIC / "chat.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
                 "setTimeout(\"", "setInterval(\""):
        assert sink not in code, sink
    assert "textContent" in code and "createTextNode" in code


def test_static_files_are_shipped_with_the_package():
    pyproject = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    assert '"static/*"' in pyproject and {"index.html", "chat.js", "chat.css"} <= {
        p.name for p in STATIC.iterdir()}
