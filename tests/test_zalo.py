"""Zalo OA: signed webhooks on the real server, replies to a fake OA API and OAuth server on 127.0.0.1."""
import asyncio
import dataclasses
import hashlib
import itertools
import json
import logging
import time
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.core.messages import Button, Reply
from bot.core.wording import say
from bot.domain.delivery import DeliveryResult, DeliveryStatus
from handlers.app.server import channels_for, make_server
from handlers.channels.zalo import MAX_BUTTONS, MAX_TITLE, TEXT_LIMIT, ZaloChannel, signature_ok, zalo_messages
from handlers.channels.zalo_api import TOKEN_FILE, Tokens, TokenStore, ZaloApi
from handlers.runtime.services import Services
from handlers.runtime.settings import Settings
from handlers.runtime.shutdown import CUT_OFF, ShutdownClock
from indexer.build import build_index
from tests.builders import small_services
from tests.conftest import FAKE_MODEL, FakeEmbedder, write_entry
from tests.contract.backends import BACKENDS
from tests.fake_zalo import APP_ID, APP_SECRET, FakeZalo

FIXTURES = Path(__file__).parent / "fixtures" / "zalo"
OA_SECRET = "test-oa-secret-key"
USER = "2468013579246801357"   # sender.id in the fixtures
FAST = {"retry_delays": (0.01, 0.02), "timeout_s": 2.0}
_ids = itertools.count(1)


def fixture(name: str, sent_s_ago: float = 1.0) -> dict:
    """A captured event as Zalo sends it now (events older than DVCBOT_ZALO_MAX_EVENT_AGE_S are not handled)."""
    event = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return {**event, "timestamp": str(int((time.time() - sent_s_ago) * 1000))}


def sign(raw: bytes, timestamp: str, secret: str = OA_SECRET, prefix: str = "mac=") -> str:
    return prefix + hashlib.sha256(APP_ID.encode() + raw + timestamp.encode() + secret.encode()).hexdigest()


def text_event(text: str, user: str = USER, msg_id: str | None = None, sent_s_ago: float = 1.0) -> dict:
    event = fixture("user_send_text", sent_s_ago)
    event["sender"]["id"] = user
    event["message"] = {"msg_id": msg_id or f"msg-{next(_ids)}", "text": text}
    return event


def with_zalo(settings: Settings, fake: FakeZalo, **changes) -> Settings:
    zalo = {"zalo_oa_secret": OA_SECRET, "zalo_app_id": APP_ID, "zalo_app_secret": APP_SECRET,
            "zalo_access_token": "tok-access-1", "zalo_refresh_token": "tok-refresh-1", "zalo_api_url": fake.url,
            "zalo_oauth_url": fake.url}
    return dataclasses.replace(settings, **{**zalo, **changes})


@pytest.fixture
async def fake():
    fake = FakeZalo()
    async with TestServer(fake.app, host="127.0.0.1") as server:
        fake.url = str(server.make_url("")).rstrip("/")
        yield fake


def build(kb: Path, index: Path) -> None:
    build_index(kb, index, FAKE_MODEL, lambda _: FakeEmbedder(), progress=False)


@pytest.fixture
def kb_services(small_kb, tmp_path):
    """Fast services: the small knowledge base on the fake embedder, a real SQLite file."""
    return small_services(small_kb, tmp_path)


@pytest.fixture
def zalo_on(kb_services, fake):
    kb_services.settings = with_zalo(kb_services.settings, fake)
    return kb_services


class Zalo:
    """The assembled server with the Zalo channel, driven like Zalo drives it."""

    def __init__(self, services: Services, fake: FakeZalo, **channel_options) -> None:
        self.services, self.fake = services, fake
        self.channel = ZaloChannel(services, **{**FAST, **channel_options})
        self.client = TestClient(TestServer(make_server(services, [self.channel]), host="127.0.0.1"))

    async def __aenter__(self) -> "Zalo":
        await self.client.start_server()
        return self

    async def __aexit__(self, *_) -> None:
        await self.client.close()

    async def post(self, event: dict | bytes, signature: str | None = "mac=", secret: str = OA_SECRET):
        raw = event if isinstance(event, bytes) else json.dumps(event, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json"}
        if signature in ("mac=", ""):
            headers["X-ZEvent-Signature"] = sign(raw, json.loads(raw)["timestamp"], secret, signature)
        elif signature is not None:
            headers["X-ZEvent-Signature"] = signature
        return await self.client.post("/zalo/webhook", data=raw, headers=headers)

    async def say(self, text: str, user: str = USER) -> list[dict]:
        """Send a text as the citizen; the messages the OA API received in answer."""
        before = len(self.fake.to(user))
        r = await self.post(text_event(text, user))
        assert r.status == 200, await r.text()
        await self.channel.drain()
        return self.fake.to(user)[before:]

    @property
    def db(self):
        return self.services.storage.db


def buttons(messages: list[dict]) -> list[dict]:
    return [b for m in messages for b in m.get("attachment", {}).get("payload", {}).get("buttons", [])]


def press(messages: list[dict], title_part: str) -> str:
    """The text Zalo sends back when the citizen presses the button whose title contains title_part."""
    for b in buttons(messages):
        if b["type"] == "oa.query.hide" and title_part.lower() in b["title"].lower():
            return b["payload"]
    raise AssertionError(f"no button '{title_part}' in {[b['title'] for b in buttons(messages)]}")


def texts(messages: list[dict]) -> str:
    return "\n".join(m["text"] for m in messages)


# ---- signature
def test_the_signature_matches_a_value_computed_independently():
    raw = (FIXTURES / "user_send_text.json").read_bytes()
    known = "d9f2583bd5898ac49286ec43302818484e2e2e49be8676871d7406dd4a1f0a4e"  # sha256sum, by hand
    assert signature_ok(raw, f"mac={known}", APP_ID, OA_SECRET, "1795000000000")
    assert signature_ok(raw, known, APP_ID, OA_SECRET, "1795000000000")
    assert signature_ok(raw, known.upper(), APP_ID, OA_SECRET, "1795000000000")
    assert not signature_ok(raw, known, APP_ID, OA_SECRET, "1795000000001")
    assert not signature_ok(raw + b" ", known, APP_ID, OA_SECRET, "1795000000000")
    assert not signature_ok(raw, known, APP_ID, "", "1795000000000")
    assert not signature_ok(raw, "mac=é" + known, APP_ID, OA_SECRET, "1795000000000")


# ---- done when: signed text → 200 and a customer-service message with the answer
@pytest.mark.parametrize("prefix", ["mac=", ""])
async def test_a_signed_text_gets_200_and_the_answer_as_a_customer_service_message(zalo_on, fake, prefix):
    raw = (FIXTURES / "user_send_text.json").read_bytes()   # the captured bytes, sent now (it is weeks old)
    raw = raw.replace(b'"timestamp": "1795000000000"', f'"timestamp": "{int(time.time() * 1000)}"'.encode())
    async with Zalo(zalo_on, fake) as zalo:
        r = await zalo.post(raw, signature=prefix)
        assert r.status == 200
        await zalo.channel.drain()
    got = fake.to(USER)
    assert all(a["token"] == "tok-access-1" for a in fake.attempts)
    assert "🔒" in got[0]["text"] and "Quên mật khẩu VNeID" in texts(got)
    kinds = {b["type"] for b in buttons(got)}
    assert kinds == {"oa.query.hide", "oa.open.url"}
    assert any(b["payload"] == {"url": "https://vneid.gov.vn"} for b in buttons(got))
    assert all(b["payload"].startswith("#dvc:") for b in buttons(got) if b["type"] == "oa.query.hide")
    assert zalo.db["messages"].count_where("direction = 'in'") == 1
    assert zalo_on.storage.address(zalo_on.dialogue.user_key("zalo", USER), "zalo") == USER


@pytest.mark.parametrize("signature, secret", [
    ("mac=" + "0" * 64, OA_SECRET),   # wrong signature
    (None, OA_SECRET),                # missing
    ("mac=", APP_SECRET),             # signed with the app secret, not the OA secret key
    ("mac=", "another-oa-secret"),    # wrong secret
    ("", "another-oa-secret"),
    ("mac=", ""),
])
async def test_a_badly_signed_webhook_gets_403_and_nothing_is_stored_or_sent(zalo_on, fake, signature, secret):
    async with Zalo(zalo_on, fake) as zalo:
        r = await zalo.post(text_event("quen mat khau"), signature=signature, secret=secret)
        await zalo.channel.drain()
    assert r.status == 403
    assert zalo.db["messages"].count == 0 and fake.attempts == []


async def test_without_the_oa_secret_the_webhook_fails_closed(kb_services, fake):
    kb_services.settings = with_zalo(kb_services.settings, fake, zalo_oa_secret="")
    async with Zalo(kb_services, fake) as zalo:
        unsigned = await zalo.post(text_event("quen mat khau"), signature=None)
        signed_with_nothing = await zalo.post(text_event("quen mat khau"), secret="")
        await zalo.channel.drain()
    assert unsigned.status == signed_with_nothing.status == 403
    assert zalo.db["messages"].count == 0 and fake.attempts == []


def signed_bytes(event: dict, **changes) -> bytes:
    return json.dumps({**event, **changes}).encode()


@pytest.mark.parametrize("body, status", [
    (b"{not json", 400),
    (b"\xff\xfe", 400),
    (b"[" * 2000, 400),                                   # nested too deep to read: 400, not a 500 and a traceback
    (b'{"timestamp": "1", "message": ' + b"[" * 5000 + b"]" * 5000 + b"}", 400),
    (signed_bytes(text_event("a"), message={"msg_id": "m-1", "text": 5}), 400),
    (signed_bytes(text_event("a"), message={"msg_id": ["m-1"], "text": "a"}), 400),
    (signed_bytes(text_event("a"), message={"text": "a"}), 400),
    (signed_bytes(text_event("a"), sender="2468013579246801357"), 400),
    (signed_bytes(text_event("a"), sender={"id": True}), 400),
    (signed_bytes(text_event("a"), event_name=7), 400),
    (signed_bytes(text_event("a"), message="quen mat khau"), 400),
    (b'{"timestamp": "1", "event_name": "user_send_text", "pad": "' + b"x" * (2 * 1024 * 1024) + b'"}', 413),
])
async def test_bad_bodies_get_4xx_and_nothing_is_stored_or_sent(zalo_on, fake, body, status):
    async with Zalo(zalo_on, fake) as zalo:
        try:
            signature = sign(body, json.loads(body)["timestamp"])
        except (ValueError, RecursionError):
            signature = sign(body, "1")
        r = await zalo.client.post("/zalo/webhook", data=body, headers={"X-ZEvent-Signature": signature})
        await zalo.channel.drain()
    assert r.status == status
    assert zalo.db["messages"].count == 0 and fake.attempts == []


# ---- repeated deliveries and events that are not the citizen's words
async def test_a_replayed_delivery_gets_one_reply_only(zalo_on, fake):
    event = text_event("quen mat khau", msg_id="same-1")
    twice = text_event("khong nhan duoc otp", msg_id="same-2")
    async with Zalo(zalo_on, fake) as zalo:
        first, again = await zalo.post(event), await zalo.post(event)
        await zalo.channel.drain()
        together = await asyncio.gather(zalo.post(twice), zalo.post(twice), zalo.post(twice))
        await zalo.channel.drain()
    assert first.status == again.status == 200 and all(r.status == 200 for r in together)
    got = texts(fake.to(USER))
    assert got.count("🔒") == 1 and got.count("Quên mật khẩu VNeID") == 1
    assert got.count("Không nhận được mã OTP") == 1 and got.count(say("rate_prompt")) == 2
    assert zalo.db["messages"].count_where("direction = 'in'") == 2


async def test_an_event_older_than_the_window_is_acknowledged_but_not_handled(zalo_on, fake, caplog):
    """A signed event captured and replayed later (its msg_id long forgotten) or held up for long: 200, nothing
    stored or sent, and the log says so without the citizen's words."""
    caplog.set_level(logging.DEBUG)
    zalo_on.settings = dataclasses.replace(zalo_on.settings, zalo_max_event_age_s=600)
    stale = text_event("cho e hoi so cccd 079912345678 bi khoa sao a", sent_s_ago=601)
    future = text_event("lam lai cccd o dau", sent_s_ago=-3600)   # Zalo's clock is not an hour ahead of ours
    follow_replayed = fixture("follow", sent_s_ago=86_400)
    async with Zalo(zalo_on, fake) as zalo:
        statuses = [(await zalo.post(e)).status for e in (stale, future, follow_replayed)]
        await zalo.channel.drain()
        assert statuses == [200, 200, 200] and fake.attempts == []
        assert zalo.db["messages"].count == 0
        fresh = await zalo.say("quen mat khau", user=USER)   # within the window: handled as usual
    assert "Quên mật khẩu VNeID" in texts(fresh)
    assert caplog.text.count("not handled") == 3 and "DVCBOT_ZALO_MAX_EVENT_AGE_S" in caplog.text
    assert "079912345678" not in caplog.text and "cccd" not in caplog.text


async def test_a_flooding_citizen_is_dropped_with_one_notice_while_zalo_always_gets_200(zalo_on, fake):
    zalo_on.settings = dataclasses.replace(zalo_on.settings, rate_per_minute=2)
    services = Services(zalo_on.settings, zalo_on.library, zalo_on.storage, zalo_on.dialogue)
    async with Zalo(services, fake) as zalo:
        await zalo.say("xin chào")
        await zalo.say("quen mat khau")
        before = len(fake.to(USER))
        answers = [await zalo.post(text_event(f"câu hỏi dồn dập {i}")) for i in range(4)]
        await zalo.channel.drain()
        other = await zalo.say("cam on", user="1357913579135791357")
    assert all(r.status == 200 for r in answers)
    assert texts(fake.to(USER)[before:]) == say("rate_limited_notice") and "Rất vui" in texts(other)
    assert zalo.db["messages"].count_where("direction = 'in'") == 3
    assert zalo.db["messages"].count_where("text LIKE '%dồn dập%'") == 0


async def test_a_delivery_repeated_after_a_restart_is_refused_by_storage(zalo_on, fake):
    event = text_event("quen mat khau", msg_id="same-3")
    for _ in range(2):  # a new channel forgets what it saw; the stored msg_id still stops a second reply
        async with Zalo(zalo_on, fake) as zalo:
            assert (await zalo.post(event)).status == 200
            await zalo.channel.drain()
    assert texts(fake.to(USER)).count("Quên mật khẩu VNeID") == 1


@pytest.mark.parametrize("name", ["oa_send_text", "user_seen_message"])
async def test_the_oas_own_messages_and_receipts_are_ignored(zalo_on, fake, name):
    async with Zalo(zalo_on, fake) as zalo:
        r = await zalo.post(fixture(name))
        await zalo.channel.drain()
    assert r.status == 200 and fake.attempts == [] and zalo.db["messages"].count == 0


@pytest.mark.parametrize("name", ["user_send_image", "user_send_sticker", "user_send_location"])
async def test_a_non_text_message_gets_a_polite_reply_and_nothing_is_stored(zalo_on, fake, name):
    async with Zalo(zalo_on, fake) as zalo:
        r = await zalo.post(fixture(name))
        await zalo.channel.drain()
    assert r.status == 200
    assert [m["text"] for m in fake.to(USER)] == [say("non_text")]
    assert zalo.db["messages"].count == 0 and zalo.db["sessions"].count == 0
    dump = "\n".join(zalo.db.conn.iterdump())
    assert "example.invalid" not in dump and "18.3428" not in dump and USER not in dump


async def test_a_new_follower_is_welcomed(zalo_on, fake):
    async with Zalo(zalo_on, fake) as zalo:
        follow = fixture("follow")
        await zalo.post(follow)
        await zalo.post(follow)  # Zalo's retry of the same event
        await zalo.channel.drain()
    assert [m["text"] for m in fake.to(USER)] == [say("followed")]


# ---- buttons, numbered options and payloads
async def test_more_options_than_zalo_shows_become_numbered_text_and_numbers_work(zalo_on, fake):
    async with Zalo(zalo_on, fake) as zalo:
        greeting = await zalo.say("xin chào")
        menu = greeting[-1]
        assert "attachment" not in menu  # seven options: numbered, no buttons
        assert "[1] VNeID" in menu["text"] and "[7] " in menu["text"]
        topic = await zalo.say("1")
        assert "VNeID" in topic[0]["text"] and len([b for b in buttons(topic) if "#dvc:entry:" in b["payload"]]) == 3
        answer = await zalo.say(press(topic, "Quên mật khẩu"))
        assert "Bấm Quên mật khẩu" in texts(answer)
        thanks = await zalo.say(press(answer, "Hài lòng"))
    assert say("rated_up") in texts(thanks)
    assert zalo.db["ratings"].count == 1 and next(zalo.db["ratings"].rows)["channel"] == "zalo"
    payloads = [r["payload"] for r in zalo.db["messages"].rows_where("payload is not null")]
    assert payloads and all(not p.startswith("#dvc:") for p in payloads)


async def test_forged_or_stale_payloads_are_just_stale_buttons(zalo_on, fake):
    async with Zalo(zalo_on, fake) as zalo:
        await zalo.say("xin chào")
        stale = await zalo.say("#dvc:rate:999:up")
        personal = await zalo.say("#dvc:0912345678")
    assert say("unknown_button") in texts(stale)
    assert personal  # answered as ordinary text
    dump = "\n".join(zalo.db.conn.iterdump())
    assert "0912345678" not in dump and "[số điện thoại]" in dump


def test_zalo_messages_split_long_text_and_keep_buttons_on_the_last_chunk():
    long = "\n\n".join(f"**Đoạn {i}.** " + "chữ " * 120 for i in range(12))
    options = tuple(Button(f"Lựa chọn số {i} " + "rất dài " * 10, f"entry:e{i}") for i in range(6))
    links = (Button("Cổng DVC", url="https://dichvucong.gov.vn"),)
    turn = [Reply(long, (Button("Làm từng bước", "steps:x:1"),) + links), Reply("Chọn:", options + links)]
    messages = zalo_messages(turn)
    assert all(len(m["text"]) <= TEXT_LIMIT for m in messages) and "**" not in texts(messages)
    first_reply = [m for m in messages if "Chọn:" not in m["text"]]
    assert len(first_reply) > 1 and all("attachment" not in m for m in first_reply[:-1])
    assert [b["type"] for b in buttons(first_reply[-1:])] == ["oa.query.hide", "oa.open.url"]
    menu = messages[-1]
    # the dialogue numbers payload buttons across the turn: "Làm từng bước" is 1, the options 2–7
    assert "[2] Lựa chọn số 0" in menu["text"] and "[7] Lựa chọn số 5" in menu["text"]
    assert [b["type"] for b in buttons([menu])] == ["oa.open.url"]
    short = zalo_messages([Reply("Chọn:", options[:MAX_BUTTONS])])
    assert all(len(b["title"]) <= MAX_TITLE for b in buttons(short)) and len(buttons(short)) == MAX_BUTTONS
    assert buttons(short)[0]["payload"] == "#dvc:entry:e0"


# ---- tokens, reply window, network failures
async def test_an_expired_token_is_refreshed_persisted_and_the_send_retried(zalo_on, fake, caplog, tmp_path):
    caplog.set_level(logging.DEBUG)
    fake.access_tokens = {"tok-access-fresh-only"}  # at-1 from the settings has expired
    async with Zalo(zalo_on, fake) as zalo:
        got = await zalo.say("quen mat khau")
    assert "Quên mật khẩu VNeID" in texts(got)
    assert [a["token"] for a in fake.attempts][:2] == ["tok-access-1", "tok-access-2"]
    assert fake.refreshes == [{"secret_key": APP_SECRET, "refresh_token": "tok-refresh-1", "app_id": APP_ID,
                               "grant_type": "refresh_token"}]
    stored = zalo_on.storage.channel_tokens("zalo")   # in the database every worker shares, not a file of this host
    assert (stored.access_token, stored.refresh_token) == ("tok-access-2", "tok-refresh-2")
    assert stored.expires_at > time.time() + 80_000 and not (tmp_path / TOKEN_FILE).exists()
    logged = caplog.text
    secrets = ("tok-access-1", "tok-access-2", "tok-refresh-1", "tok-refresh-2", APP_SECRET, OA_SECRET)
    assert "refreshed" in logged and all(secret not in logged for secret in secrets)
    async with Zalo(zalo_on, fake) as zalo:  # after a restart the database wins over the settings' old tokens
        await zalo.say("khong nhan duoc otp")
    assert fake.attempts[-1]["token"] == "tok-access-2" and len(fake.refreshes) == 1


async def test_concurrent_sends_share_one_refresh(zalo_on, fake):
    fake.access_tokens = set()
    async with Zalo(zalo_on, fake) as zalo:
        results = await asyncio.gather(*(zalo.channel.sender.send("k", f"user-{i}", [Reply(f"tin {i}")])
                                         for i in range(5)))
    assert all(r.status == DeliveryStatus.SENT for r in results)
    assert len(fake.refreshes) == 1 and len(fake.sent) == 5


async def test_a_token_file_of_an_older_version_is_imported_once_and_removed(zalo_on, fake, tmp_path):
    (tmp_path / TOKEN_FILE).write_text(json.dumps({"access_token": "tok-access-1", "refresh_token": "tok-refresh-1",
                                                   "expires_at": 1000.0}))   # long past: refreshed before sending
    async with Zalo(zalo_on, fake) as zalo:
        await zalo.say("quen mat khau")
    assert len(fake.refreshes) == 1 and {a["token"] for a in fake.attempts} == {"tok-access-2"}
    assert not (tmp_path / TOKEN_FILE).exists()
    assert zalo_on.storage.channel_tokens("zalo").refresh_token == "tok-refresh-2"


async def test_new_tokens_put_in_the_settings_replace_the_stored_pair(zalo_on, fake):
    """Zalo revoked the pair (or the refresh token expired): the operator's new tokens are used after a restart."""
    fake.access_tokens = set()
    async with Zalo(zalo_on, fake) as zalo:
        await zalo.say("quen mat khau")   # refreshed: tok-access-2 stored
    fake.access_tokens, fake.refresh_token = {"tok-access-console"}, "tok-refresh-console"
    zalo_on.settings = with_zalo(zalo_on.settings, fake, zalo_access_token="tok-access-console",
                                 zalo_refresh_token="tok-refresh-console")
    async with Zalo(zalo_on, fake) as zalo:
        await zalo.say("khong nhan duoc otp")
    assert fake.attempts[-1]["token"] == "tok-access-console" and fake.attempts[-1]["outcome"] == "sent"
    assert len(fake.refreshes) == 1


@pytest.mark.parametrize("backend", BACKENDS, ids=lambda b: b.name)
async def test_two_workers_on_one_database_refresh_once_and_both_send(backend, fake, tmp_path):
    """Zalo's refresh token works once: worker B must not spend it after worker A did (issue 21)."""
    first = backend.open(tmp_path)
    workers = [first, backend.again(first)]
    fake.access_tokens = set()   # the settings' access token has expired for both
    apis = [ZaloApi(fake.url, fake.url, APP_ID, APP_SECRET,
                    TokenStore(w, Tokens("tok-access-1", "tok-refresh-1"), tmp_path / TOKEN_FILE), **FAST)
            for w in workers]
    async with apis[0], apis[1]:
        await asyncio.gather(*(api.send_message(f"user-{i}", {"text": f"tin {i}"})
                               for i, api in enumerate(apis) for _ in range(3)))
        await apis[1].send_message("user-1", {"text": "sau đó"})
    assert len(fake.refreshes) == 1 and len(fake.sent) == 7
    assert {a["token"] for a in fake.attempts if a["outcome"] == "sent"} == {"tok-access-2"}
    assert all(w.channel_tokens("zalo").refresh_token == "tok-refresh-2" for w in workers)


async def test_a_refused_refresh_leaves_the_reply_undelivered_for_staff(zalo_on, fake):
    fake.access_tokens, fake.refresh_token = set(), "tok-refresh-of-someone-else"
    async with Zalo(zalo_on, fake) as zalo:
        await zalo.say("quen mat khau")
    assert [d["error"] for d in zalo.services.storage.deliveries("undelivered")] == ["token"]


async def test_outside_the_reply_window_the_reply_is_recorded_undelivered_once(zalo_on, fake):
    fake.outside_window = {USER}
    async with Zalo(zalo_on, fake) as zalo:
        await zalo.say("quen mat khau")
        key = zalo.services.dialogue.user_key("zalo", USER)
        later = await zalo.services.deliverer.deliver(key, "zalo", [Reply("Tổ hỗ trợ: gọi 0912345678 nhé")])
    assert len(fake.attempts) == 2 and fake.sent == []  # one try each, no retry loop
    undelivered = zalo.services.storage.deliveries("undelivered")
    assert [d["error"] for d in undelivered] == ["-230", "-230"] and later.status == DeliveryStatus.UNDELIVERED
    assert "Quên mật khẩu VNeID" in undelivered[0]["text"] and USER not in undelivered[0]["user"]
    assert "0912345678" not in undelivered[1]["text"] and "[số điện thoại]" in undelivered[1]["text"]


async def test_network_errors_and_5xx_are_retried_then_left_undelivered(zalo_on, fake):
    async with Zalo(zalo_on, fake) as zalo:
        fake.failures = ["503", "drop"]
        ok = await zalo.channel.sender.send("k", USER, [Reply("lần 1")])
        fake.failures = ["500"] * 5
        failed = await zalo.channel.sender.send("k", USER, [Reply("lần 2")])
    assert ok.status == DeliveryStatus.SENT and [m["text"] for m in fake.to(USER)] == ["lần 1"]
    assert failed == DeliveryResult(DeliveryStatus.UNDELIVERED, "http-500")
    assert len(fake.attempts) == 3 + 3  # each: one try and two retries (FAST has two delays)


async def test_a_reply_sent_later_reaches_the_citizens_zalo_id(zalo_on, fake):
    async with Zalo(zalo_on, fake) as zalo:
        await zalo.say("xin chào")
        key = zalo.services.dialogue.user_key("zalo", USER)
        result = await zalo.services.deliverer.deliver(key, "zalo", [Reply("Tổ hỗ trợ: **ra công an xã**")])
    assert result.status == DeliveryStatus.SENT
    assert fake.to(USER)[-1]["text"] == "Tổ hỗ trợ: ra công an xã"


# ---- live knowledge and shutdown
async def test_answers_change_after_a_new_build_without_restart(zalo_on, fake, small_kb):
    question = "le phi truoc ba xe may nop o dau"
    async with Zalo(zalo_on, fake) as zalo:
        assert "Nộp lệ phí trước bạ xe máy" not in texts(await zalo.say(question))
        write_entry(small_kb, "le-phi-truoc-ba", "Nộp lệ phí trước bạ xe máy",
                    ["Lệ phí trước bạ xe máy nộp ở đâu?", "nộp lệ phí trước bạ online",
                     "trước bạ xe máy đóng tiền thế nào"], "Nộp trên Cổng DVC.")
        await asyncio.to_thread(build, small_kb, zalo_on.settings.index_dir)
        for _ in range(100):  # the watcher looks every 0.05 s
            await asyncio.sleep(0.05)
            if "le-phi-truoc-ba" in zalo_on.library().entries:
                break
        assert "Nộp lệ phí trước bạ xe máy" in texts(await zalo.say(question))


async def test_shutdown_finishes_a_send_in_flight(zalo_on, fake):
    fake.delay = 0.3
    async with Zalo(zalo_on, fake) as zalo:
        assert (await zalo.post(text_event("quen mat khau"))).status == 200
    assert "Quên mật khẩu VNeID" in texts(fake.to(USER))


async def test_a_send_still_running_at_the_finish_is_recorded_undelivered(zalo_on, fake):
    fake.delay = 5.0
    zalo_on.shutdown = ShutdownClock(start_turns_s=0.1, finish_s=0.2)
    async with Zalo(zalo_on, fake) as zalo:
        await zalo.post(text_event("quen mat khau"))
        while not fake.attempts:
            await asyncio.sleep(0.02)
    assert fake.sent == []
    undelivered = zalo_on.storage.deliveries("undelivered")
    assert [d["error"] for d in undelivered] == [CUT_OFF] and "VNeID" in undelivered[0]["text"]


def test_zalo_is_on_only_with_its_settings(zalo_on):
    assert [c.name for c in channels_for(zalo_on)] == ["web", "admin", "zalo"]
    zalo_on.settings = dataclasses.replace(zalo_on.settings, zalo_app_secret="")
    assert [c.name for c in channels_for(zalo_on)] == ["web", "admin"]


# ---- the scripted conversation, on the real index
@pytest.mark.slow
async def test_scripted_conversation_over_zalo(services, fake):
    services.settings = with_zalo(services.settings, fake)
    async with Zalo(services, fake) as zalo:
        got = await zalo.say("chào bạn")
        assert "🔒" in got[0]["text"]
        got = await zalo.say("thanh toan")
        assert "Ý bạn là" in got[0]["text"]
        got = await zalo.say(press(got, "Thanh toán phí, lệ phí"))
        assert any(b["type"] == "oa.open.url" and b["payload"]["url"].startswith("https://") for b in buttons(got))
        got = await zalo.say(press(got, "Chưa hài lòng"))
        got = await zalo.say(press(got, "Không đúng câu hỏi"))
        got = await zalo.say(press(got, "Bỏ qua"))
        assert say("comment_thanks") in texts(got)
    db = services.storage.db
    assert db["ratings"].count == 1 and db["unmet_needs"].count == 1
    rating = next(db["ratings"].rows)
    assert rating["reason"] == "off_topic" and rating["channel"] == "zalo"


# ---- sharing an answer


async def test_an_answer_links_its_public_page_for_zalos_own_share(zalo_on, fake):
    zalo_on.settings = dataclasses.replace(zalo_on.settings, public_url="https://dvc.example.vn")
    async with Zalo(zalo_on, fake) as zalo:
        got = await zalo.say("quen mk vneid roi")
    assert "Quên mật khẩu VNeID" in texts(got)
    shared = [b for b in buttons(got) if b["title"] == say("btn_share")]
    assert shared == [{"title": say("btn_share"), "type": "oa.open.url",
                       "payload": {"url": "https://dvc.example.vn/s/quen-mat-khau"}}]


async def test_without_a_public_address_zalo_sends_no_share_button(zalo_on, fake):
    async with Zalo(zalo_on, fake) as zalo:
        got = await zalo.say("quen mk vneid roi")
    assert "Quên mật khẩu VNeID" in texts(got)
    assert say("btn_share") not in [b["title"] for b in buttons(got)] and "/s/" not in json.dumps(got)


def test_a_full_card_keeps_its_steps_button_and_shares_in_a_short_line():
    """A card with two portal links, "Xem chi tiết" and "Làm từng bước" already fills Zalo's four buttons: the share
    link moves into the text rather than pushing the steps button out into numbered lines."""
    card = Reply("Đăng ký tạm trú\n\n🏛️ Công an cấp xã",
                 (Button("Xem trên Cổng DVC", url="https://dichvucong.gov.vn/a"),
                  Button("Nộp hồ sơ trực tuyến", url="https://dichvucong.gov.vn/b"),
                  Button(say("btn_more"), "more:tthc.1.004194"), Button(say("btn_steps"), "steps:tthc.1.004194:1"),
                  Button(say("btn_share"), url="/s/tthc.1.004194")), entry_id="tthc:1.004194")
    [message] = zalo_messages([card], "https://dvc.example.vn")
    assert [b["title"] for b in buttons([message])] == ["Xem trên Cổng DVC", "Nộp hồ sơ trực tuyến", say("btn_more"),
                                                          say("btn_steps")]
    assert message["text"].endswith("🔗 Chia sẻ: https://dvc.example.vn/s/tthc.1.004194") and "[1]" not in message["text"]
    [bare] = zalo_messages([card])
    assert "/s/" not in json.dumps(bare) and len(buttons([bare])) == MAX_BUTTONS
