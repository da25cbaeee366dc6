"""Server logs: JSON lines with a request id per turn, no personal data, no tokens or secrets."""
import io
import json
import logging

import bm25s
import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.dialogue import Dialogue
from bot.retrieval.library import KnowledgeLibrary
from handlers.app.server import make_server
from handlers.channels.webchat import WebChat
from handlers.runtime.logs import REQUEST_ID, setup_logging
from handlers.runtime.services import Services
from handlers.runtime.settings import Settings
from indexer.build import build_index
from tests.builders import open_storage
from tests.conftest import FAKE_MODEL, FakeEmbedder, fake_answerer

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
SECRETS = [TOKEN, "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", "zalo-access-abc123", "refresh-xyz789", "s3cr3t-value",
           "0912345678", "0912 345 678", "001234567890", "Nguyễn Văn An", "bearer-token-value"]
FIELDS = {"time", "level", "logger", "message", "request_id"}
FORGED = 'x"} {"level": "forged", "message": "0912345678'   # a request id trying to write its own log line


@pytest.fixture
def logs():
    stream = io.StringIO()
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    setup_logging(Settings(log_format="json", log_level="DEBUG"), stream)
    yield stream
    root.handlers[:], _ = saved
    root.setLevel(saved[1])


def lines(stream):
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def assert_clean(text):
    for secret in SECRETS:
        assert secret not in text, secret


def test_json_lines_carry_no_personal_data_or_secrets(logs):
    log = logging.getLogger("test.logs")
    log.info("sendMessage https://api.telegram.org/bot%s/sendMessage failed", TOKEN)
    log.warning("zalo refresh: access_token=zalo-access-abc123&refresh_token=refresh-xyz789 secret: s3cr3t-value")
    log.info('headers {"X-Telegram-Bot-Api-Secret-Token": "s3cr3t-value", "Authorization": "Bearer bearer-token-value"}')
    log.info("citizen %s wrote: tên tôi là Nguyễn Văn An, sđt 0912 345 678, cccd %s", "0912345678", "001234567890")
    try:
        raise ValueError("bad input 0912345678 with token " + TOKEN)
    except ValueError:
        log.exception("failed for %s", "001234567890")
    out = logs.getvalue()
    rows = lines(logs)
    assert len(rows) == 5 and all(set(r) - {"exc"} == FIELDS for r in rows)
    assert all(r["request_id"] is None and r["logger"] == "test.logs" for r in rows)
    assert [r["level"] for r in rows] == ["INFO", "WARNING", "INFO", "INFO", "ERROR"]
    assert "ValueError" in rows[-1]["exc"] and "[bí mật]" in rows[-1]["exc"]
    assert "[bí mật]" in rows[0]["message"] and "[số điện thoại]" in rows[3]["message"]
    assert_clean(out)
    assert_clean(json.dumps(rows, ensure_ascii=False))   # also not hidden behind JSON escapes


def test_text_format_has_the_request_id_and_is_clean():
    stream = io.StringIO()
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        setup_logging(Settings(log_format="text"), stream)
        token = REQUEST_ID.set("req-12345678")
        logging.getLogger("x").info("token %s phone 0912345678", TOKEN)
        REQUEST_ID.reset(token)
        logging.getLogger("x").info("outside a request")
    finally:
        root.handlers[:], _ = saved
        root.setLevel(saved[1])
    first, second = stream.getvalue().splitlines()
    assert " INFO x [req-12345678] token [bí mật] phone [số điện thoại]" in first
    assert "[-] outside a request" in second
    assert_clean(stream.getvalue())


@pytest.fixture
def dialogue(small_kb, tmp_path):
    """The real engine on a three-entry knowledge base and the deterministic fake embedder."""
    index = tmp_path / "index"
    build_index(small_kb, index, FAKE_MODEL, FakeEmbedder, progress=False)
    library = KnowledgeLibrary(index, lambda: fake_answerer(index, FakeEmbedder()))
    return Dialogue(library, open_storage(tmp_path / "dvcbot.db"), b"test")


@pytest.fixture
def web_server(dialogue, tmp_path):
    """The assembled server (web chat only), with the request-id middleware as `dvcbot serve` mounts it."""
    services = Services(Settings(data_dir=tmp_path, database=tmp_path / "dvcbot.db"), dialogue.knowledge,
                        dialogue.storage, dialogue)
    return make_server(services, [WebChat(services)])


async def test_every_line_of_a_turn_carries_that_turns_request_id(logs, web_server):
    async with TestClient(TestServer(web_server, host="127.0.0.1")) as client:
        ids = []
        # the readiness check ends on entries this small knowledge base lacks: the engine logs an error
        # from its worker thread and apologises
        for text in ["sđt tôi 0912345678", "kiểm tra sẵn sàng", "không", "không", "không", "không"]:
            r = await client.post("/api/chat", json={"user": "0912345678", "text": text})
            assert r.status == 200
            ids.append(r.headers["X-Request-ID"])
        assert "trục trặc" in (await r.json())["replies"][0]["text"]
        r = await client.get("/healthz", headers={"X-Request-ID": "proxy-id-0001"})
        assert r.headers["X-Request-ID"] == "proxy-id-0001"
        r = await client.get("/healthz", headers={"X-Request-ID": FORGED})
        forged = r.headers["X-Request-ID"]
    rows = lines(logs)
    assert len(set(ids)) == 6 and forged != FORGED
    access = [r for r in rows if r["logger"] == "dvcbot.http"]
    assert [r["request_id"] for r in access] == ids + ["proxy-id-0001", forged]
    assert access[0]["message"].startswith("POST /api/chat 200 ")
    failure = next(r for r in rows if r["logger"] == "bot.dialogue")
    assert failure["level"] == "ERROR" and failure["request_id"] == ids[-1] and "KeyError" in failure["exc"]
    assert_clean(logs.getvalue())


async def test_an_unhandled_error_is_a_kind_500_with_its_request_id_in_the_log(logs, dialogue, web_server):
    dialogue.storage.db.conn.execute("PRAGMA query_only=1")   # the database refuses writes, as on a full disk
    async with TestClient(TestServer(web_server, host="127.0.0.1")) as client:
        r = await client.post("/api/chat", json={"user": "u", "text": "quên mật khẩu, cccd 001234567890"})
        body = await r.json()
    assert r.status == 500 and "trục trặc" in body["error"] and "Traceback" not in json.dumps(body)
    error = next(row for row in lines(logs) if row["level"] == "ERROR")
    assert error["request_id"] == r.headers["X-Request-ID"] and "OperationalError" in error["exc"]
    assert_clean(logs.getvalue())


def test_building_an_index_logs_nothing_at_info():
    stream = io.StringIO()
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        setup_logging(Settings(), stream)
        bm25s.BM25().index([["thủ", "tục"], ["căn", "cước"]], show_progress=False)
    finally:
        root.handlers[:], _ = saved
        root.setLevel(saved[1])
    assert stream.getvalue() == ""


def test_a_slow_request_keeps_its_status_and_time_in_the_log():
    """A request of 10 s or more: "200 24662.1" joined had been redacted as a 9-digit ID ("[số giấy tờ] ms")."""
    stream = io.StringIO()
    root = logging.getLogger()
    saved, level = root.handlers[:], root.level
    try:
        setup_logging(Settings(log_format="text"), stream)
        logging.getLogger("dvcbot.http").info("%s %s %d %.1f ms", "POST", "/api/chat", 200, 24662.1)
        logging.getLogger("x").info("zalo refresh_token=%s for %s", "refresh-xyz789", "0912345678")
    finally:
        root.handlers[:] = saved
        root.setLevel(level)
    slow, secret = stream.getvalue().splitlines()
    assert slow.endswith("POST /api/chat 200 24662.1 ms")
    assert "refresh-xyz789" not in secret and "0912345678" not in secret and "[bí mật]" in secret
