"""The assembled server: live knowledge swap, repeated deliveries, replies sent later (web updates)."""
import asyncio

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.core.messages import Reply
from bot.domain.delivery import DeliveryStatus
from handlers.app.server import make_server
from handlers.channels.webchat import WebChat
from tests.builders import open_storage, services_on, small_library
from tests.conftest import write_entry
from tests.web_helpers import conversation_of

NEW_QUESTIONS = ["Lệ phí trước bạ xe máy nộp ở đâu?", "nộp lệ phí trước bạ online", "trước bạ xe máy đóng tiền thế nào"]


@pytest.fixture
def app_parts(small_kb, tmp_path):
    small = small_library(small_kb, tmp_path)
    return services_on(small.library, open_storage(tmp_path / "dvcbot.db"), tmp_path, knowledge_dir=small_kb), small.rebuild


def test_a_new_build_is_picked_up_and_turns_in_flight_keep_the_old_one(app_parts, small_kb):
    services, build = app_parts
    library = services.library
    before = library()
    assert not library.refresh()  # nothing new published
    assert "le-phi-truoc-ba" not in before.entries
    write_entry(small_kb, "le-phi-truoc-ba", "Nộp lệ phí trước bạ xe máy", NEW_QUESTIONS, "Nộp trên Cổng DVC.")
    (small_kb / "topics.yaml").write_text((small_kb / "topics.yaml").read_text(encoding="utf-8")
                                          .replace("vneid: VNeID", "vneid: Định danh điện tử"), encoding="utf-8")
    build()
    assert library.refresh()
    after = library()
    assert after is not before and "le-phi-truoc-ba" in after.entries
    assert after.topics["vneid"] == "Định danh điện tử"  # topics travel inside the build
    assert "le-phi-truoc-ba" not in before.entries and before.ask("quen mat khau").query  # the old one still answers


def test_every_knowledge_edit_makes_a_new_build(app_parts, small_kb):
    services, build = app_parts
    entry = small_kb / "quen-mat-khau.md"
    entry.write_text(entry.read_text(encoding="utf-8").replace("https://vneid.gov.vn", "https://vneid.gov.vn/"),
                     encoding="utf-8")  # only a link changed: nothing to re-embed, still a new version
    report = build()
    assert report.changed and report.embedded == 0
    assert services.library.refresh()
    assert services.library().entries["quen-mat-khau"].links[0].url == "https://vneid.gov.vn/"


async def test_the_running_server_switches_knowledge_without_restart(app_parts, small_kb):
    services, build = app_parts
    app = make_server(services, [WebChat(services)])
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        async def ask(text: str) -> str:
            r = await client.post("/api/chat", json={"user": "u", "text": text})
            return "\n".join(x["text"] for x in (await r.json())["replies"])

        assert "trước bạ" not in (await ask("le phi truoc ba xe may nop o dau")).lower()
        write_entry(small_kb, "le-phi-truoc-ba", "Nộp lệ phí trước bạ xe máy", NEW_QUESTIONS, "Nộp trên Cổng DVC.")
        await asyncio.to_thread(build)
        for _ in range(100):  # the watcher runs every 0.05 s
            await asyncio.sleep(0.05)
            if "le-phi-truoc-ba" in services.library().entries:
                break
        assert "Nộp lệ phí trước bạ xe máy" in await ask("le phi truoc ba xe may nop o dau")


async def test_a_repeated_web_delivery_gets_one_reply_and_one_stored_message(app_parts):
    services, _ = app_parts
    async with TestClient(TestServer(make_server(services, [WebChat(services)]), host="127.0.0.1")) as client:
        body = {"user": "u", "text": "quen mat khau", "message_id": "abc-1"}
        first = await (await client.post("/api/chat", json=body)).json()
        second = await (await client.post("/api/chat", json=body)).json()
    assert first["replies"] and second["replies"] == []
    assert services.storage.db["messages"].count_where("direction = 'in'") == 1


async def test_replies_sent_later_reach_the_web_page_once(app_parts):
    services, _ = app_parts
    async with TestClient(TestServer(make_server(services, [WebChat(services)]), host="127.0.0.1")) as client:
        await client.post("/api/chat", json={"user": "web-7", "text": "xin chào"})
        key = services.dialogue.user_key("web", conversation_of(client, services))
        result = await services.deliverer.deliver(key, "web", [Reply("Tổ hỗ trợ trả lời: **bạn ra công an xã**")])
        assert result.status == DeliveryStatus.QUEUED
        got = await (await client.get("/api/chat/updates")).json()
        again = await (await client.get("/api/chat/updates")).json()
    assert [r["text"] for r in got["replies"]] == ["Tổ hỗ trợ trả lời: **bạn ra công an xã**"]
    assert again == {"replies": []}
    assert services.storage.deliveries()[0]["status"] == "queued"


async def test_a_channel_that_is_not_on_records_the_reply_as_undelivered(app_parts):
    services, _ = app_parts
    result = await services.deliverer.deliver("k", "zalo", [Reply("x")])
    assert result.status == DeliveryStatus.UNDELIVERED
    assert services.storage.deliveries("undelivered")[0]["channel"] == "zalo"


async def test_a_body_over_the_server_limit_is_refused_before_it_is_read(app_parts):
    services, _ = app_parts
    async with TestClient(TestServer(make_server(services, [WebChat(services)]), host="127.0.0.1")) as client:
        r = await client.post("/api/chat", data=b"{" + b" " * (2 * 1024 * 1024) + b"}",
                              headers={"Content-Type": "application/json"})
    assert r.status == 413 and services.storage.db["messages"].count == 0


async def test_aiohttps_own_error_pages_are_in_vietnamese(app_parts):
    services, _ = app_parts
    async with TestClient(TestServer(make_server(services, [WebChat(services)]), host="127.0.0.1")) as client:
        r = await client.get("/khong-co")
        text = await r.text()
        assert r.status == 404 and "Không có trang này" in text and "Not Found" not in text
        assert r.charset == "utf-8" and r.headers["X-Content-Type-Options"] == "nosniff"
        r = await client.post("/healthz")
        assert r.status == 405 and "không nhận kiểu yêu cầu" in await r.text() and r.headers["Allow"] == "GET,HEAD"
        r = await client.post("/api/chat", json={"user": "u"})
        assert r.status == 400 and "Not Found" not in await r.text()  # a route's own message is left alone


async def test_the_favicon_is_served(app_parts):
    services, _ = app_parts
    async with TestClient(TestServer(make_server(services, [WebChat(services)]), host="127.0.0.1")) as client:
        r = await client.get("/favicon.ico")
        assert r.status == 200 and r.content_type == "image/svg+xml" and (await r.text()).startswith("<svg")
