"""Fuzzing (Hypothesis): hostile citizen text and webhook bodies against the running server.

Citizen text (lone surrogates, NUL, bidi overrides, zero-width characters, long emoji runs, SQL and HTML
payloads, very long text) goes through the dialogue and through POST /api/chat; webhook bodies (malformed,
truncated, wrong types, 2 MB, the same strings inside valid-looking updates, correctly signed for Zalo) go
to /telegram/webhook and /zalo/webhook. Nothing may answer 5xx, log an error or an unhandled exception, or
reach Telegram's HTML parse mode unescaped. One server (web chat, Telegram webhook, Zalo) runs on 127.0.0.1
in a thread of its own for the whole module, with the fake Bot API and OA API beside it; the knowledge is
the real one on the fake embedder.
"""
from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import http.client
import itertools
import json
import logging
import re
import threading
import time

import pytest
from aiohttp import web
from hypothesis import HealthCheck, example, given, settings, strategies as st

from bot.core.messages import Incoming, Reply
from bot.dialogue import Dialogue
from bot.retrieval.library import KnowledgeLibrary
from bot.storage.sqlite import SqliteStorage
from handlers.app.server import make_server
from handlers.channels.telegram import SECRET_HEADER, TelegramChannel
from handlers.channels.telegram_send import Retries
from handlers.channels.webchat import WebChat
from handlers.channels.zalo import ZaloChannel
from handlers.runtime.services import Services
from handlers.runtime.settings import Settings
from indexer.build import build_index
from tests.conftest import FAKE_MODEL, REPO, FakeEmbedder, examples, fake_answerer
from tests.fake_telegram import TOKEN, FakeBotApi
from tests.fake_zalo import APP_ID, APP_SECRET, FakeZalo

SECRET = "fuzz_secret"
OA_SECRET = "fuzz-oa-secret"
# the example budget and whether the draw is fixed come from the Hypothesis profile (tests/conftest.py)
FUZZ = settings(parent=settings.default, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

EDGE = [
    "\ud800", "\udfff", "trước\ud83dsau", "\ud83d\ude00",                       # lone surrogates (and a pair)
    "\x00", "quen\x00mat khau", "\x1b[31m\x07\x08",                             # NUL and control characters
    "\u202e", "\u202egnp.exe\u202c", "\u2066\u2067\u2068\u2069", "\u200f\u200e",  # bidi overrides
    "\u200b\u200c\u200d\ufeff\u2060", "0\u200b9\u200b1\u200b2\u200b3\u200b4\u200b5\u200b6\u200b7",
    "👨‍👩‍👧‍👦" * 400, "🇻🇳" * 700, "🙏🏽" * 300, "e\u0301" * 500, "a" + "\u0300" * 3000,
    "'; DROP TABLE messages; --", "\" OR 1=1 --", "x'); DELETE FROM ratings; --",
    "<script>alert(1)</script>", "<b>đậm</b> & <i>nghiêng</i>", "**<script>**", "&lt;script&gt;",
    "<a href=\"javascript:alert(1)\">bấm</a>", "<img src=x onerror=alert(1)>", "</b><b>", "&amp;&#0;&#x110000;",
    "a" * 10_000, "a" * 10_001, "đăng ký định danh " * 700, "\r\n\t\v\f", "%s %d {0} {user} {hotline}",
    "${jndi:ldap://x}", "../../etc/passwd", "\\", "1", "99999999", "0", "-1",
    "rate:1:up", "#dvc:rate:1:up", "#dvc:why:1:wrong", "#dvc:" + "x" * 70, "#dvc:", "desk:claim:1",
    "xóa dữ liệu của tôi", "hủy", "dk vneid muc 2 o dau",
]
any_char = st.characters(exclude_categories=())  # every code point, lone surrogates included
citizen_text = st.one_of(
    st.sampled_from(EDGE),
    st.text(any_char, max_size=200),
    st.lists(st.one_of(st.sampled_from(EDGE), st.text(any_char, max_size=20)), max_size=4).map("".join),
)
json_scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), citizen_text)
json_value = st.recursive(json_scalar, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                               st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                          max_leaves=8)
_ids = itertools.count(1)
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")


# ---- the server, in a thread of its own


class LiveServer:
    """Web chat, Telegram (webhook) and Zalo on one aiohttp server, with both fake APIs, on its own loop."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.call(self._start())

    def call(self, coroutine, timeout: float = 60):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    async def _start(self) -> None:
        self.telegram_api = FakeBotApi()
        await self.telegram_api.start()
        self.zalo_api = FakeZalo()
        self._zalo_runner = web.AppRunner(self.zalo_api.app)
        await self._zalo_runner.setup()
        zalo_site = web.TCPSite(self._zalo_runner, "127.0.0.1", 0)
        await zalo_site.start()
        self.zalo_api.url = f"http://127.0.0.1:{zalo_site._server.sockets[0].getsockname()[1]}"
        self.services.settings = dataclasses.replace(
            self.services.settings, telegram_token=TOKEN, telegram_api_url=self.telegram_api.base_url,
            telegram_webhook_url="https://dvc.example.vn/telegram/webhook", telegram_webhook_secret=SECRET,
            zalo_oa_secret=OA_SECRET, zalo_app_id=APP_ID, zalo_app_secret=APP_SECRET,
            zalo_access_token="tok-access-1", zalo_refresh_token="tok-refresh-1", zalo_api_url=self.zalo_api.url,
            zalo_oauth_url=self.zalo_api.url)
        self.telegram = TelegramChannel(self.services, Retries(network=1, backoff_s=0.01, flood=1))
        self.zalo = ZaloChannel(self.services, retry_delays=(0.01,), timeout_s=5.0)
        app = make_server(self.services, [WebChat(self.services), self.telegram, self.zalo])
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    async def _stop(self) -> None:
        await self._runner.cleanup()
        await self._zalo_runner.cleanup()
        await self.telegram_api.stop()

    def close(self) -> None:
        self.call(self._stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)

    def post(self, path: str, body: bytes, headers: dict | None = None) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request("POST", path, body=body, headers={"Content-Type": "application/json", **(headers or {})})
            r = conn.getresponse()
            return r.status, dict(r.getheaders()), r.read()
        except (ConnectionError, http.client.HTTPException):  # the server may close on a refused 2 MB body
            return 413, {}, b""
        finally:
            conn.close()

    async def _telegram_idle(self) -> None:
        application = self.telegram.application
        quiet = 0
        while quiet < 3:
            busy = not application.update_queue.empty() or application.update_processor.current_concurrent_updates
            quiet = 0 if busy else quiet + 1
            await asyncio.sleep(0.01)

    def settle(self) -> None:
        """Wait until every update and event handed over so far has been handled."""
        self.call(self._telegram_idle())
        self.call(self.zalo.drain(30))


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    embedder, index = FakeEmbedder(), folder / "index"
    build_index(REPO / "knowledge", index, FAKE_MODEL, lambda _: embedder, progress=False)
    library = KnowledgeLibrary(index, lambda: fake_answerer(index, embedder))
    storage = SqliteStorage(folder / "dvcbot.db")
    settings_ = Settings(knowledge_dir=REPO / "knowledge", data_dir=folder, index_dir=index,
                         database=folder / "dvcbot.db", embedding_model=FAKE_MODEL, reload_seconds=3600,
                         rate_per_minute=0, rate_per_ip_per_minute=0)
    server = LiveServer(Services(settings_, library, storage, Dialogue(library, storage, b"fuzz")))
    yield server
    server.close()


class Problems(logging.Handler):
    """Log records that mean something went wrong: any error, and a Telegram handler that raised."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR or "lỗi khi xử lý cập nhật" in record.getMessage():
            self.records.append(record)

    def describe(self) -> str:
        return "\n".join(f"{r.name}: {r.getMessage()}" + (f" ({r.exc_info[1]!r})" if r.exc_info else "")
                         for r in self.records)


@pytest.fixture
def problems():
    handler = Problems()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)


def fresh(handler: Problems) -> Problems:
    handler.records.clear()
    return handler


# ---- what must hold for anything that goes out


_TELEGRAM_HTML = re.compile(r"(?:[^<>&]|<b>|</b>|&(?:lt|gt|amp|quot);)*", re.S)


def assert_safe_telegram_html(texts: list[str]) -> None:
    """Only the <b> we put there is markup; everything else is escaped text Telegram shows as-is."""
    for text in texts:
        assert _TELEGRAM_HTML.fullmatch(text), text[:300]
        assert text.count("<b>") == text.count("</b>"), text[:300]


def assert_sendable(replies: list[Reply]) -> None:
    for reply in replies:
        reply.text.encode("utf-8")  # a lone surrogate echoed back could not be sent anywhere
        for button in reply.buttons:
            button.title.encode("utf-8")


# ---- the dialogue


@FUZZ
@given(text=citizen_text)
def test_any_citizen_text_through_the_dialogue(live, problems, text):
    handler = fresh(problems)
    replies = live.services.dialogue.handle(Incoming("web", f"fuzz-d{next(_ids)}", text=text))
    assert replies and all(isinstance(r, Reply) for r in replies)
    assert_sendable(replies)
    assert not handler.records, handler.describe()


# ---- the web chat


def chat(live: LiveServer, body: object) -> tuple[int, dict, dict]:
    raw = json.dumps(body).encode()  # ASCII JSON: a lone surrogate travels as \ud800
    status, headers, answer = live.post("/api/chat", raw)
    assert status != 413 or len(raw) > 64 * 1024
    return status, headers, json.loads(answer) if answer else {}


@FUZZ
@given(text=citizen_text)
def test_any_citizen_text_through_post_api_chat(live, problems, text):
    handler = fresh(problems)
    status, headers, body = chat(live, {"user": f"fuzz-w{next(_ids)}", "text": text, "message_id": f"m{next(_ids)}"})
    assert status == (413 if status == 413 else 400 if len(text) > 10_000 else 200), body
    assert headers["Content-Type"].startswith("application/json") and headers["X-Content-Type-Options"] == "nosniff"
    if status == 200:
        assert body["replies"] and all(isinstance(r["text"], str) for r in body["replies"])
    else:
        assert isinstance(body["error"], str)
    assert not handler.records, handler.describe()


@FUZZ
@given(body=st.one_of(json_value, st.fixed_dictionaries({"user": json_value, "text": json_value}),
                      st.fixed_dictionaries({"user": citizen_text, "payload": json_value, "message_id": json_value})))
def test_any_json_to_post_api_chat_gets_200_or_400(live, problems, body):
    handler = fresh(problems)
    status, _, answer = chat(live, body)
    assert status in (200, 400, 413), answer
    assert not handler.records, handler.describe()


@FUZZ
@given(raw=st.one_of(st.binary(max_size=300),
                     st.builds(lambda v, cut: json.dumps(v).encode()[:cut], json_value, st.integers(0, 200))))
def test_any_bytes_to_post_api_chat_never_5xx(live, problems, raw):
    handler = fresh(problems)
    status, _, _ = live.post("/api/chat", raw)
    assert status in (200, 400), raw
    assert not handler.records, handler.describe()


def test_lone_surrogates_anywhere_in_a_web_request_become_replacement_characters(live, problems):
    status, _, body = chat(live, {"user": "u\ud800", "text": "quen mat khau \udfff", "message_id": "m\ud83d"})
    assert status == 200 and body["replies"], body
    status, _, again = chat(live, {"user": "u\ud800", "text": "quen mat khau \udfff", "message_id": "m\ud83d"})
    assert status == 200 and again["replies"] == []  # the same (cleaned) message id: answered once
    rows = live.services.storage.db.execute("SELECT text FROM messages WHERE text LIKE 'quen mat khau %'").fetchall()
    assert rows == [("quen mat khau \ufffd",)]
    assert not problems.records, problems.describe()


# ---- the Telegram webhook


def telegram(live: LiveServer, body: bytes) -> int:
    status, _, _ = live.post("/telegram/webhook", body, {SECRET_HEADER: SECRET})
    return status


def telegram_message(update_id: int, user_id: int, text: object, **fields: object) -> dict:
    user = {"id": user_id, "is_bot": False, "first_name": fields.pop("first_name", "Lan")}
    return {"update_id": update_id, "message": {"message_id": update_id, "date": int(time.time()), "from": user,
                                                "chat": {"id": user_id, "type": "private"}, "text": text, **fields}}


@FUZZ
@given(raw=st.one_of(st.binary(max_size=300), st.builds(lambda v: json.dumps(v).encode(), json_value),
                     st.builds(lambda v, cut: json.dumps(v).encode()[:cut],
                               st.builds(telegram_message, st.integers(), st.integers(), citizen_text),
                               st.integers(0, 300))))
@example(raw=json.dumps(telegram_message(7_700_001, 7_700_001, "²")).encode())   # a digit int() refuses (CI, Dec 2026)
def test_any_bytes_to_the_telegram_webhook_never_5xx(live, problems, raw):
    handler = fresh(problems)
    assert telegram(live, raw) in (200, 400)
    live.settle()
    assert not handler.records, handler.describe()


@FUZZ
@given(text=citizen_text, name=citizen_text, extra=st.dictionaries(
    st.sampled_from(["entities", "reply_to_message", "caption", "photo", "contact", "chat", "from"]), json_value,
    max_size=2))
@example(text="hỏi căn cước", name="Lan", extra={"chat": None})   # an update with no chat to answer
def test_valid_looking_telegram_updates_are_answered_with_escaped_html(live, problems, text, name, extra):
    handler = fresh(problems)
    chat_id = 6_000_000 + next(_ids)
    before = len(live.telegram_api.calls)
    status = telegram(live, json.dumps(telegram_message(chat_id, chat_id, text, first_name=name, **extra)).encode())
    assert status in (200, 400)
    live.settle()
    sent = [c for c in live.telegram_api.calls[before:] if c.method == "sendMessage"]
    assert sent or extra or status != 200  # a plain private message is always answered
    assert all(c.params.get("parse_mode") == "HTML" for c in sent)
    assert_safe_telegram_html([c.params["text"] for c in sent])
    assert not handler.records, handler.describe()


@FUZZ
@given(text=citizen_text.filter(lambda t: 0 < len(t.strip()) <= 5000))
def test_a_team_members_answer_with_any_text_reaches_telegram_escaped(live, problems, text):
    """The desk sends staff-written text through the same renderer; it must never become markup."""
    handler = fresh(problems)
    chat_id = 7_000_000 + next(_ids)
    key = live.services.dialogue.user_key("telegram", str(chat_id))
    live.services.storage.save_address(key, "telegram", str(chat_id))
    before = len(live.telegram_api.calls)
    live.call(live.services.deliverer.deliver(key, "telegram", [Reply(f"Tổ hỗ trợ trả lời: {text}")]))
    sent = [c.params["text"] for c in live.telegram_api.calls[before:] if c.method == "sendMessage"]
    assert sent
    assert_safe_telegram_html(sent)
    if "<script>" in text:
        assert any("&lt;script&gt;" in s for s in sent)
    assert not handler.records, handler.describe()


# ---- the Zalo webhook


def zalo(live: LiveServer, raw: bytes, timestamp: str | None) -> int:
    headers = {}
    if timestamp is not None:
        digest = hashlib.sha256(APP_ID.encode() + raw + timestamp.encode() + OA_SECRET.encode()).hexdigest()
        headers["X-ZEvent-Signature"] = "mac=" + digest
    status, _, _ = live.post("/zalo/webhook", raw, headers)
    return status


def zalo_event(text: object, user: object, msg_id: object, name: object = "user_send_text") -> dict:
    return {"app_id": APP_ID, "event_name": name, "timestamp": str(int(time.time() * 1000)), "sender": {"id": user},
            "recipient": {"id": "oa"}, "message": {"msg_id": msg_id, "text": text}}


@FUZZ
@given(event=st.one_of(
    st.builds(zalo_event, citizen_text, st.from_regex(r"\A[0-9]{5,19}\Z"), st.uuids().map(str)),
    st.builds(zalo_event, json_value, json_value, json_value, st.one_of(json_value, st.sampled_from(
        ["user_send_text", "user_send_image", "follow", "oa_send_text", "user_send_sticker"]))),
    st.dictionaries(st.text(max_size=10), json_value, max_size=5).map(lambda d: {**d, "timestamp": "1"}),
))
def test_correctly_signed_zalo_events_with_anything_inside_never_fail(live, problems, event):
    handler = fresh(problems)
    raw = json.dumps(event).encode()
    status = zalo(live, raw, str(event.get("timestamp")) if isinstance(event, dict) else None)
    assert status in (200, 400, 403)
    live.settle()
    assert not handler.records, handler.describe()


@FUZZ
@given(raw=st.one_of(st.binary(max_size=300), st.builds(lambda v: json.dumps(v).encode(), json_value)),
       signed=st.booleans())
def test_any_bytes_to_the_zalo_webhook_never_5xx(live, problems, raw, signed):
    handler = fresh(problems)
    assert zalo(live, raw, "1" if signed else None) in (200, 400, 403)
    live.settle()
    assert not handler.records, handler.describe()


def test_two_megabyte_bodies_are_refused_on_every_route(live, problems):
    big = b'{"text": "' + "đ".encode() * (1024 * 1024) + b'"}'
    for path, headers in [("/api/chat", {}), ("/telegram/webhook", {SECRET_HEADER: SECRET}),
                          ("/zalo/webhook", {"X-ZEvent-Signature": "mac=00"})]:
        status, _, _ = live.post(path, big, headers)
        assert status == 413, path
    assert not problems.records, problems.describe()


@pytest.mark.slow
@settings(FUZZ, max_examples=examples(150))
@given(text=citizen_text)
@example(text="đăng ký định danh " * 2800)   # 50,400 characters: had taken over a minute a turn (CI, Dec 2026)
def test_many_more_citizen_texts_on_every_channel(live, problems, text):
    handler = fresh(problems)
    chat(live, {"user": f"fuzz-s{next(_ids)}", "text": text})
    n = next(_ids)
    telegram(live, json.dumps(telegram_message(8_000_000 + n, 8_000_000 + n, text)).encode())
    raw = json.dumps(zalo_event(text, str(9_000_000 + n), f"s{n}")).encode()
    zalo(live, raw, "1700000000000")
    live.settle()
    assert not handler.records, handler.describe()


def test_ci_fuzzes_for_real_with_ten_times_the_examples_and_every_fuzz_test_follows_the_profile():
    default, ci = settings.get_profile("default"), settings.get_profile("ci")
    assert default.derandomize and not ci.derandomize
    assert ci.max_examples >= 10 * default.max_examples
    assert FUZZ.max_examples == settings.default.max_examples and FUZZ.derandomize == settings.default.derandomize
    many = test_many_more_citizen_texts_on_every_channel._hypothesis_internal_use_settings
    assert many.max_examples == examples(150) >= 150 * settings.default.max_examples // default.max_examples
