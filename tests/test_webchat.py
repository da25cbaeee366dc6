"""The web chat API on a real aiohttp server on loopback, with the real bundled model."""
import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.settings import Settings
from handlers.cli import open_answerer
from handlers.webchat import make_app
from tests.conftest import REPO

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def answerer(tmp_path_factory):
    data = tmp_path_factory.mktemp("var")
    return open_answerer(Settings(knowledge_dir=REPO / "knowledge", data_dir=data, index_dir=data / "index"))


@pytest.fixture
async def client(answerer):
    async with TestClient(TestServer(make_app(answerer), host="127.0.0.1")) as c:
        yield c


async def test_healthz_and_page(client):
    assert (await client.get("/healthz")).status == 200
    page = await client.get("/")
    assert page.status == 200 and "Trợ lý" in await page.text()


async def test_chat_answers_with_link_buttons(client):
    r = await client.post("/api/chat", json={"user": "u1", "text": "ko nhan dc otp"})
    assert r.status == 200
    reply = (await r.json())["replies"][0]
    assert "OTP" in reply["text"]
    assert reply["buttons"] and all(b["url"].startswith("https://") for b in reply["buttons"])


@pytest.mark.parametrize("body, status", [
    (b"{not json", 400), (b'{"text": "a"}', 400), (b'{"user": "u", "text": 5}', 400), (b"[]", 400),
    (b'{"user": "u", "text": "' + b"a" * 20000 + b'"}', 413),
])
async def test_bad_requests_get_clear_4xx(client, body, status):
    r = await client.post("/api/chat", data=body, headers={"Content-Type": "application/json"})
    assert r.status == status
    assert (await r.json())["error"]
