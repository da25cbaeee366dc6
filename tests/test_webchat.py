"""The web chat API on a real aiohttp server on loopback, a real SQLite file and the real model."""
import pytest
from aiohttp.test_utils import TestClient, TestServer

pytestmark = pytest.mark.slow


@pytest.fixture
async def client(web_server):
    async with TestClient(TestServer(web_server, host="127.0.0.1")) as c:
        yield c


async def post(client, **body):
    r = await client.post("/api/chat", json=body)
    assert r.status == 200, await r.text()
    return (await r.json())["replies"]


def press(replies, title_part):
    for reply in replies:
        for b in reply["buttons"]:
            if "payload" in b and title_part.lower() in b["title"].lower():
                return b["payload"]
    raise AssertionError(title_part)


async def test_healthz_and_page(client):
    assert (await client.get("/healthz")).status == 200
    page = await client.get("/")
    text = await page.text()
    assert page.status == 200 and "Trợ lý" in text
    assert "http://" not in text and "https://" not in text  # works offline: no CDN


async def test_scripted_conversation_over_http(client, dialogue):
    replies = await post(client, user="web-1", text="chào bạn")
    assert "🔒" in replies[0]["text"]
    replies = await post(client, user="web-1", text="thanh toan")
    assert "Ý bạn là" in replies[0]["text"]
    replies = await post(client, user="web-1", payload=press(replies, "Thanh toán phí, lệ phí"))
    assert any("url" in b and b["url"].startswith("https://") for r in replies for b in r["buttons"])
    replies = await post(client, user="web-1", payload=press(replies, "Chưa hài lòng"))
    replies = await post(client, user="web-1", payload=press(replies, "Không đúng câu hỏi"))
    await post(client, user="web-1", payload=press(replies, "Bỏ qua"))
    db = dialogue.storage.db
    assert db["ratings"].count == 1 and db["unmet_needs"].count == 1
    assert next(db["ratings"].rows)["reason"] == "off_topic" and next(db["ratings"].rows)["channel"] == "web"


@pytest.mark.parametrize("body, status", [
    (b"{not json", 400), (b"\xff\xfe", 400), (b"[]", 400), (b'{"text": "a"}', 400),
    (b"[" * 2000, 400), (b'{"user": "u", "text": ' + b"[" * 5000 + b"]" * 5000 + b"}", 400),   # nested too deep
    (b'{"user": "", "text": "a"}', 400), (b'{"user": "u", "text": 5}', 400),
    (b'{"user": "u", "text": "a", "payload": "menu"}', 400), (b'{"user": "u"}', 400),
    (b'{"user": "u", "payload": "' + b"x" * 100 + b'"}', 400),
    (b'{"user": "u", "text": "' + b"a" * 20000 + b'"}', 400),
    (b'{"user": "u", "text": "' + b"a" * 70000 + b'"}', 413),
])
async def test_bad_requests_get_clear_4xx_and_store_nothing(client, dialogue, body, status):
    r = await client.post("/api/chat", data=body, headers={"Content-Type": "application/json"})
    assert r.status == status
    assert (await r.json())["error"]
    assert dialogue.storage.db["messages"].count == 0


async def test_very_long_vietnamese_message_gets_a_kind_reply(client):
    replies = await post(client, user="web-2", text="Tôi quên mật khẩu VNeID. " + "Đã thử nhiều lần rồi. " * 450)
    assert any("chỉ đọc phần đầu" in r["text"] for r in replies) and len(replies) >= 2
