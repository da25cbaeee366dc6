"""Telegram through a fake Bot API on 127.0.0.1: real python-telegram-bot, real aiohttp server, real SQLite file."""
from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import html
import itertools
import json
import logging
import os
import re
import signal
import socket
import sqlite3
import sys
import time

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.core.messages import Button, Reply
from bot.core.wording import say
from bot.domain.delivery import DeliveryStatus
from handlers.app.server import make_server
from handlers.channels.telegram import SECRET_HEADER, TelegramChannel
from handlers.channels.telegram_send import TEXT_LIMIT, Retries, keyboard
from handlers.channels.webchat import WebChat
from handlers.runtime.services import ChannelError, Services
from tests.builders import open_storage, services_on, small_library
from tests.conftest import REPO, write_entry
from tests.fake_telegram import BOT, CITIZEN, GROUP, TOKEN, Call, FakeBotApi, callback_update, message_update

FAST = Retries(network=2, backoff_s=0.05, flood=2, start_backoff_max_s=0.2)
SECRET = "s3cret_Token-for-tests"
HOOK = "https://dvc.example.vn/telegram/webhook"
_update_ids = itertools.count(10_000)


@pytest.fixture
async def api():
    fake = FakeBotApi()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
def kb(small_kb, tmp_path):
    """The small knowledge folder on the fake embedder: (library, storage, rebuild)."""
    small = small_library(small_kb, tmp_path)
    return small.library, open_storage(tmp_path / "dvcbot.db"), small.rebuild


def services_for(kb, api: FakeBotApi, tmp_path, **telegram) -> Services:
    library, storage, _ = kb
    return services_on(library, storage, tmp_path, telegram_token=TOKEN, telegram_api_url=api.base_url, **telegram)


@contextlib.asynccontextmanager
async def running(services: Services, poll_timeout_s: int = 1):
    channel = TelegramChannel(services, FAST, poll_timeout_s=poll_timeout_s)
    async with TestClient(TestServer(make_server(services, [WebChat(services), channel]), host="127.0.0.1")) as client:
        yield client, channel


def visible(call: Call) -> str:
    return html.unescape(re.sub(r"</?b>", "", call.params["text"]))


class Citizen:
    """The citizen's side of a Telegram chat: `await tg.say("quen mat khau")`, `await tg.press("👎")`."""

    def __init__(self, api: FakeBotApi, user: dict = CITIZEN, chat: dict | None = None, deliver=None) -> None:
        self.api, self.user, self.chat = api, user, chat
        self.deliver = deliver or self._push
        self.last: list[Call] = []

    async def _push(self, update: dict) -> None:
        self.api.push(update)

    async def say(self, text: str | None, **extra) -> list[Call]:
        return await self.send(message_update(next(_update_ids), text, self.user, self.chat, **extra))

    async def press(self, title_part: str) -> list[Call]:
        return await self.send(callback_update(next(_update_ids), self.button(title_part)["callback_data"],
                                               self.user, self.chat))

    async def send(self, update: dict) -> list[Call]:
        before = len(self.api.sent())
        await self.deliver(update)
        await self.api.wait_for("sendMessage", before + 1)
        await self.api.settle()
        self.last = self.api.sent()[before:]
        return self.last

    def button(self, title_part: str) -> dict:
        for call in self.last:
            for b in call.buttons():
                if "callback_data" in b and title_part.lower() in b["text"].lower():
                    return b
        raise AssertionError(f"no button '{title_part}' in {[b['text'] for c in self.last for b in c.buttons()]}")

    def text(self) -> str:
        return "\n".join(visible(c) for c in self.last)


def count(services: Services, table: str, where: str | None = None) -> int:
    db = services.storage.db
    return db[table].count_where(where) if where else db[table].count


# ---- the conversation


async def test_scripted_conversation_on_the_small_kb(kb, api, tmp_path):
    services = services_for(kb, api, tmp_path)
    async with running(services):
        tg = Citizen(api)
        await tg.say("chào bạn")
        assert "🔒" in tg.text() and "chào" in tg.text().lower()
        await tg.say("quen mat khau vneid")
        assert "Quên mật khẩu VNeID" in tg.text()
        answer = next(c for c in tg.last if "Quên mật khẩu VNeID" in c.params["text"])
        assert {"text": "VNeID", "url": "https://vneid.gov.vn"} in answer.buttons()
        await tg.press("Chưa hài lòng")
        await tg.press("Sai thông tin")
        await tg.say("hướng dẫn chưa đúng với ứng dụng mới")
        assert "Cảm ơn góp ý" in tg.text()
    assert all(c.params["parse_mode"] == "HTML" and c.params["chat_id"] == str(CITIZEN["id"]) for c in api.sent())
    assert len(api.sent("answerCallbackQuery")) == 2
    rating = services.storage.ratings()[0]
    assert count(services, "ratings") == 1 and rating.channel == "telegram" and rating.value == "down"
    assert rating.reason == "wrong" and rating.comment == "hướng dẫn chưa đúng với ứng dụng mới"
    key = services.dialogue.user_key("telegram", str(CITIZEN["id"]))
    assert services.storage.address(key, "telegram") == str(CITIZEN["id"])


@pytest.mark.slow
async def test_scripted_conversation_on_the_real_index(services, api):
    """The web chat's script (tests/test_webchat.py) through Telegram."""
    services = dataclasses.replace(services, settings=dataclasses.replace(
        services.settings, telegram_token=TOKEN, telegram_api_url=api.base_url))
    async with running(services):
        tg = Citizen(api)
        await tg.say("chào bạn")
        assert "🔒" in tg.text()
        await tg.say("thanh toan")
        assert "Ý bạn là" in tg.text()
        await tg.press("Thanh toán phí, lệ phí")
        assert any(b.get("url", "").startswith("https://") for c in tg.last for b in c.buttons())
        await tg.press("Chưa hài lòng")
        await tg.press("Không đúng câu hỏi")
        await tg.press("Bỏ qua")
    db = services.storage.db
    assert db["ratings"].count == 1 and db["unmet_needs"].count == 1
    assert next(db["ratings"].rows)["reason"] == "off_topic" and next(db["ratings"].rows)["channel"] == "telegram"


async def test_commands_reach_the_dialogue_and_are_registered(kb, api, tmp_path):
    services = services_for(kb, api, tmp_path)
    async with running(services):
        tg = Citizen(api)
        await tg.say("/start")
        assert "Xin chào" in tg.text() and tg.button("Thanh toán")
        await tg.say("/chude")
        assert "Chọn chủ đề" in tg.text() and tg.button("VNeID")
        await tg.say("/help")
        assert "Bạn có thể" in tg.text()
        await tg.say("/huy")
        assert "Đã hủy" in tg.text()
        await tg.say("/xoadulieu")
        await tg.press("Xóa dữ liệu")
        assert "Đã xóa" in tg.text()
    commands = json.loads(api.sent("setMyCommands")[0].params["commands"])
    assert [c["command"] for c in commands] == ["start", "help", "chude", "huy", "xoadulieu"]
    assert all(c["description"] for c in commands) and "chủ đề" in commands[2]["description"]
    assert count(services, "messages") == 0  # "xóa dữ liệu của tôi" removed everything


def test_keyboard_layout_short_titles_pair_up_long_ones_get_a_row():
    markup = keyboard([Button("Hài lòng 👍", "rate:1:up"), Button("Chưa hài lòng 👎", "rate:1:down"),
                       Button("Đăng ký tài khoản định danh điện tử mức 2", "entry:a"),
                       Button("VNeID", url="https://vneid.gov.vn"), Button("Có", "ready:0:y"), Button("Chưa", "x")])
    rows = [[(b.text, b.callback_data or b.url) for b in row] for row in markup.inline_keyboard]
    assert rows == [[("Hài lòng 👍", "rate:1:up"), ("Chưa hài lòng 👎", "rate:1:down")],
                    [("Đăng ký tài khoản định danh điện tử mức 2", "entry:a")],
                    [("VNeID", "https://vneid.gov.vn"), ("Có", "ready:0:y")], [("Chưa", "x")]]


# ---- what a citizen sends that is not text


@pytest.mark.parametrize("extra", [
    {"photo": [{"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90}]},
    {"contact": {"phone_number": "+84912345678", "first_name": "Lan", "user_id": CITIZEN["id"]}},
    {"sticker": {"file_id": "s1", "file_unique_id": "u2", "width": 512, "height": 512, "is_animated": False,
                 "is_video": False, "type": "regular"}},
    {"voice": {"file_id": "v1", "file_unique_id": "u3", "duration": 3}},
    {"location": {"latitude": 18.34, "longitude": 105.9}},
    {"document": {"file_id": "d1", "file_unique_id": "u4", "file_name": "cccd_012345678901.pdf"}},
])
async def test_media_and_contacts_get_a_polite_reply_and_nothing_is_stored(kb, api, tmp_path, extra):
    services = services_for(kb, api, tmp_path)
    async with running(services):
        replies = await Citizen(api).say(None, **extra)
    assert len(replies) == 1 and "chỉ đọc được tin nhắn chữ" in visible(replies[0])
    assert count(services, "messages") == 0 and count(services, "addresses") == 0
    raw = (tmp_path / "dvcbot.db").read_bytes()
    assert b"912345678" not in raw and b"012345678901" not in raw


# ---- rendering


async def test_a_citizens_markup_is_escaped_and_only_bold_is_markup(kb, api, tmp_path):
    services = services_for(kb, api, tmp_path)
    async with running(services):
        await Citizen(api).say("<b>quen</b> mat khau & <script>alert(1)</script>")
        key = services.dialogue.user_key("telegram", str(CITIZEN["id"]))
        team_answer = Reply("Tổ hỗ trợ: <script>alert(1)</script> & **công an xã**")
        await services.deliverer.deliver(key, "telegram", [team_answer])
    texts = [c.params["text"] for c in api.sent()]
    assert all(re.fullmatch(r"([^<>]|</?b>)*", t) for t in texts), texts
    assert texts[-1] == "Tổ hỗ trợ: &lt;script&gt;alert(1)&lt;/script&gt; &amp; <b>công an xã</b>"


async def test_long_text_is_split_under_the_limit_with_buttons_on_the_last_part(kb, api, tmp_path):
    services = services_for(kb, api, tmp_path)
    paragraphs = [f"Đoạn {i}: " + "Người dân mang căn cước đến công an xã để được hướng dẫn. " * 40 for i in range(4)]
    async with running(services):
        key = services.dialogue.user_key("telegram", "42")
        services.storage.save_address(key, "telegram", "42")
        result = await services.deliverer.deliver(key, "telegram", [Reply("\n\n".join(paragraphs), (
            Button("Hài lòng 👍", "rate:1:up"), Button("Mở VNeID", url="https://vneid.gov.vn")))])
    sent = api.sent()
    assert result.status == DeliveryStatus.SENT and len(sent) >= 2
    assert all(len(c.params["text"].encode("utf-16-le")) // 2 <= 4096 for c in sent)
    assert all(len(visible(c)) <= TEXT_LIMIT for c in sent)
    assert [bool(c.markup()) for c in sent] == [False] * (len(sent) - 1) + [True]
    assert " ".join(visible(c) for c in sent).split() == "\n\n".join(paragraphs).split()


# ---- groups


async def test_in_a_group_the_bot_answers_only_when_addressed(kb, api, tmp_path):
    services = services_for(kb, api, tmp_path)
    async with running(services):
        tg = Citizen(api, chat=GROUP)
        for ignored in ("quen mat khau", "/start@other_bot", "hỏi @someone_else về otp"):
            api.push(message_update(next(_update_ids), ignored, CITIZEN, GROUP))
        api.push(message_update(next(_update_ids), None, CITIZEN, GROUP,
                                photo=[{"file_id": "p", "file_unique_id": "u", "width": 1, "height": 1}]))
        await tg.say("@dvc_test_bot quen mat khau", entities=[{"type": "mention", "offset": 0, "length": 13}])
        assert "Quên mật khẩu VNeID" in tg.text() and "🔒" in tg.text()
        first = len(api.sent())
        await tg.say("/start@dvc_test_bot")
        assert "Xin chào" in tg.text()
        await tg.say("khong nhan duoc ma otp", reply_to_message={
            "message_id": 1, "date": 0, "chat": GROUP, "from": BOT, "text": "Xin chào"})
        assert "Không nhận được mã OTP" in tg.text()
    assert all(c.params["chat_id"] == str(GROUP["id"]) for c in api.sent())
    assert "reply_parameters" in api.sent()[0].params and "reply_parameters" in api.sent()[first].params
    assert count(services, "messages", "direction = 'in'") == 3  # the ignored ones never reached the dialogue
    key = services.dialogue.user_key("telegram", str(CITIZEN["id"]))
    assert services.storage.address(key, "telegram") is None  # later answers never go to the group


# ---- staff actions


async def test_desk_buttons_go_to_the_desk_never_to_the_dialogue(kb, api, tmp_path, caplog):
    pressed = []

    async def desk_action(channel: str, actor: str, data: str) -> str:
        pressed.append((channel, actor, data))
        if data == "desk:boom":
            raise RuntimeError("desk broke")
        return "Bạn đã nhận xử lý yêu cầu số 7."

    services = dataclasses.replace(services_for(kb, api, tmp_path), desk_action=desk_action)
    async with running(services):
        for data in ("desk:claim:7", "desk:boom"):
            api.push(callback_update(next(_update_ids), data, CITIZEN, GROUP))
        await api.wait_for("answerCallbackQuery", 2)
        await Citizen(api).say("quen mat khau")  # the bot is still alive after the failing action
    answers = [c.params.get("text") for c in api.sent("answerCallbackQuery")]
    assert pressed == [("telegram", str(CITIZEN["id"]), "desk:claim:7"), ("telegram", str(CITIZEN["id"]), "desk:boom")]
    assert "Bạn đã nhận xử lý yêu cầu số 7." in answers and None in answers
    assert count(services, "messages", "payload LIKE 'desk:%'") == 0
    assert "RuntimeError" in caplog.text and "desk broke" not in caplog.text


# ---- webhook


def hook_services(kb, api, tmp_path, secret: str = SECRET) -> Services:
    return services_for(kb, api, tmp_path, telegram_webhook_url=HOOK, telegram_webhook_secret=secret)


def post_to(client, secret: str = SECRET):
    async def deliver(update: dict) -> None:
        r = await client.post("/telegram/webhook", json=update, headers={SECRET_HEADER: secret})
        assert r.status == 200, await r.text()
    return deliver


async def test_webhook_mode_sets_the_webhook_and_converses(kb, api, tmp_path):
    services = hook_services(kb, api, tmp_path)
    async with running(services) as (client, _):
        tg = Citizen(api, deliver=post_to(client))
        await tg.say("xin chào")
        await tg.say("quen mat khau")
        await tg.press("Hài lòng")
        assert "Cảm ơn bạn đã đánh giá" in tg.text()
    hook = api.sent("setWebhook")[0].params
    assert hook["url"] == HOOK and hook["secret_token"] == SECRET
    assert json.loads(hook["allowed_updates"]) == ["message", "callback_query"]
    assert not api.sent("getUpdates") and count(services, "ratings") == 1


@pytest.mark.parametrize("headers, body, status", [
    ({}, None, 403),
    ({SECRET_HEADER: "wrong"}, None, 403),
    ({SECRET_HEADER: SECRET + "x"}, None, 403),
    ({SECRET_HEADER: "bí mật"}, None, 403),
    ({SECRET_HEADER: SECRET}, b"{not json", 400),
    ({SECRET_HEADER: SECRET}, b"\xff\xfe", 400),
    ({SECRET_HEADER: SECRET}, b"[]", 400),
    ({SECRET_HEADER: SECRET}, b"[" * 2000, 400),
    ({SECRET_HEADER: SECRET}, b'{"message": {"text": "hi"}}', 400),
    ({SECRET_HEADER: SECRET}, b"{" + b" " * (2 * 1024 * 1024) + b"}", 413),
    ({SECRET_HEADER: "wrong"}, b"{" + b" " * (2 * 1024 * 1024) + b"}", 403),
])
async def test_webhook_refuses_bad_requests_and_stores_and_sends_nothing(kb, api, tmp_path, headers, body, status):
    services = hook_services(kb, api, tmp_path)
    valid = json.dumps(message_update(next(_update_ids), "quen mat khau")).encode()
    async with running(services) as (client, _):
        r = await client.post("/telegram/webhook", data=valid if body is None else body,
                              headers={"Content-Type": "application/json", **headers})
        await asyncio.sleep(0.3)
    assert r.status == status
    assert count(services, "messages") == 0 and not api.sent()


@pytest.mark.parametrize("secret", ["", "có dấu", "x" * 257])
def test_webhook_mode_refuses_to_start_without_a_usable_secret(kb, api, tmp_path, secret):
    with pytest.raises(ChannelError, match="DVCBOT_TELEGRAM_WEBHOOK_SECRET"):
        TelegramChannel(hook_services(kb, api, tmp_path, secret=secret))


async def test_a_replayed_update_is_answered_once(kb, api, tmp_path):
    services = hook_services(kb, api, tmp_path)
    async with running(services) as (client, _):
        deliver = post_to(client)
        await Citizen(api, deliver=deliver).say("xin chào")
        before = len(api.sent())
        again = message_update(next(_update_ids), "quen mat khau")
        await asyncio.gather(deliver(again), deliver(again), deliver(again))
        await api.wait_for("sendMessage", before + 1)
        await api.settle(0.5)
        once = len(api.sent()) - before
        await deliver(again)
        photo = message_update(next(_update_ids), None, photo=[{"file_id": "p", "file_unique_id": "u",
                                                                 "width": 1, "height": 1}])
        await asyncio.gather(deliver(photo), deliver(photo))  # never reaches the dialogue: caught by update_id
        await api.wait_for("sendMessage", before + once + 1)
        await api.settle(0.5)
    assert len(api.sent()) == before + once + 1 and "chỉ đọc được" in visible(api.sent()[-1])
    texts = [visible(c) for c in api.sent()[before:before + once]]
    assert len(set(texts)) == once  # nothing sent twice, nothing after the late replay
    assert sum("Quên mật khẩu VNeID" in t for t in texts) == 1 and sum("Câu trả lời có giúp" in t for t in texts) == 1
    assert count(services, "messages", "direction = 'in'") == 2


async def test_a_replayed_update_after_a_restart_is_still_answered_once(kb, api, tmp_path):
    """The seen-set is in memory; the dialogue's stored message ids catch what comes back after a restart."""
    services = hook_services(kb, api, tmp_path)
    update = message_update(next(_update_ids), "quen mat khau")
    async with running(services) as (client, _):
        await Citizen(api, deliver=post_to(client)).send(update)
    sent = len(api.sent())
    async with running(services) as (client, _):
        await post_to(client)(update)
        await Citizen(api, deliver=post_to(client)).say("cam on")
    assert len(api.sent()) == sent + 1 and "Rất vui" in visible(api.sent()[-1])


async def test_a_flooding_citizen_is_dropped_with_one_notice_while_telegram_always_gets_200(kb, api, tmp_path):
    services = services_for(kb, api, tmp_path, telegram_webhook_url=HOOK, telegram_webhook_secret=SECRET,
                            rate_per_minute=3)
    other = {**CITIZEN, "id": 5550002, "first_name": "Minh"}
    async with running(services) as (client, _):
        deliver = post_to(client)  # asserts a 200 for every update, throttled or not
        for text in ["xin chào", "cam on", "quen mat khau"]:
            await Citizen(api, deliver=deliver).say(text)
        before = len(api.sent())
        for i in range(5):
            await deliver(message_update(next(_update_ids), f"câu hỏi dồn dập {i}"))
        await api.wait_for("sendMessage", before + 1)
        await Citizen(api, other, deliver=deliver).say("cam on")  # someone else is still served
        await api.settle(0.5)
    flood = [visible(c) for c in api.sent()[before:] if c.params["chat_id"] == str(CITIZEN["id"])]
    assert flood == [say("rate_limited_notice")]
    assert count(services, "messages", "direction = 'in'") == 4
    assert count(services, "messages", "text LIKE '%dồn dập%'") == 0


# ---- outbound failures


async def test_flood_control_waits_retry_after_then_sends(kb, api, tmp_path):
    services = services_for(kb, api, tmp_path)
    async with running(services):
        api.fail("sendMessage", ("flood", 0.5))
        api.push(message_update(next(_update_ids), "cam on"))  # the privacy notice, then the answer
        tries = await api.wait_for("sendMessage", 3)
        await api.settle()
    assert len(api.sent()) == 3 and tries[0].params == tries[1].params and "🔒" in visible(tries[0])
    assert tries[1].at - tries[0].at >= 0.5 and "Rất vui" in visible(tries[2])


async def test_flood_control_gives_up_after_bounded_retries_and_records_it(kb, api, tmp_path):
    services = services_for(kb, api, tmp_path)
    async with running(services):
        key = services.dialogue.user_key("telegram", "77")
        services.storage.save_address(key, "telegram", "77")
        api.fail("sendMessage", *[("flood", 0.2)] * 10)
        result = await services.deliverer.deliver(key, "telegram", [Reply("Tổ hỗ trợ trả lời: ra công an xã")])
    assert result.status == DeliveryStatus.UNDELIVERED and "RetryAfter" in result.error
    assert len(api.sent()) == FAST.flood + 1
    gaps = [b.at - a.at for a, b in itertools.pairwise(api.sent())]
    assert all(g >= 0.2 for g in gaps)
    assert services.storage.deliveries("undelivered")[0]["channel"] == "telegram"


async def test_dropped_connections_are_retried_with_backoff(kb, api, tmp_path):
    services = services_for(kb, api, tmp_path)
    async with running(services):
        api.fail("sendMessage", "drop", "drop")
        replies = await Citizen(api).say("cam on")
    tries = api.sent()
    assert len(tries) == 4 and tries[0].params == tries[2].params and "Rất vui" in visible(replies[-1])
    assert tries[1].at - tries[0].at >= FAST.backoff_s and tries[2].at - tries[1].at >= 2 * FAST.backoff_s
    assert count(services, "deliveries") == 0


async def test_a_reply_that_cannot_get_through_is_recorded_undelivered(kb, api, tmp_path):
    services = services_for(kb, api, tmp_path)
    async with running(services):
        api.fail("sendMessage", *["drop"] * (FAST.network + 1))
        api.push(message_update(next(_update_ids), "cam on"))
        await api.wait_for("sendMessage", FAST.network + 1)
        for _ in range(50):
            if services.storage.deliveries("undelivered"):
                break
            await asyncio.sleep(0.05)
        await Citizen(api).say("xin chào")  # still alive
    failed = services.storage.deliveries("undelivered")
    assert len(failed) == 1 and "lỗi mạng" in failed[0]["error"]
    assert len(api.sent()) == FAST.network + 1 + 1


async def test_a_citizen_who_blocked_the_bot_is_recorded_undelivered(kb, api, tmp_path):
    services = services_for(kb, api, tmp_path)
    async with running(services):
        key = services.dialogue.user_key("telegram", "88")
        services.storage.save_address(key, "telegram", "88")
        api.fail("sendMessage", "blocked")
        result = await services.deliverer.deliver(key, "telegram", [Reply("Tổ hỗ trợ trả lời")])
        no_address = await services.deliverer.deliver("someone-else", "telegram", [Reply("x")])
    assert result.status == DeliveryStatus.UNDELIVERED and "chặn" in result.error and len(api.sent()) == 1
    assert no_address.status == DeliveryStatus.UNDELIVERED


# ---- lifecycle


async def test_a_rejected_token_stops_the_start_with_a_clear_message(kb, api, tmp_path):
    services = services_for(kb, api, tmp_path)
    api.fail("getMe", "unauthorized")
    with pytest.raises(ChannelError, match="DVCBOT_TELEGRAM_TOKEN") as caught:
        async with running(services):
            pass
    assert TOKEN not in str(caught.value) and TOKEN.split(":")[1] not in repr(caught.value)


async def test_telegram_unreachable_at_start_does_not_stop_the_server(kb, api, tmp_path):
    services = services_for(kb, api, tmp_path)
    api.fail("getMe", "drop", "drop")
    async with running(services) as (client, _):
        assert (await client.get("/healthz")).status == 200
        assert "Rất vui" in (await Citizen(api).say("cam on"))[-1].params["text"]
    assert len(api.sent("getMe")) >= 3


async def test_shutdown_stops_polling_at_once_and_leaves_no_tasks(kb, api, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    services = services_for(kb, api, tmp_path)
    async with running(services, poll_timeout_s=30) as (_, channel):
        await Citizen(api).say("quen mat khau")
        assert channel.application.updater.running
        started = time.monotonic()
    took = time.monotonic() - started
    assert took < 3, f"shutdown waited {took:.1f}s for a 30 s long poll"
    assert not channel.application.running and not channel.application.updater.running
    polls = len(api.sent("getUpdates"))
    await asyncio.sleep(0.3)  # the fake Bot API drops the long poll its client abandoned
    assert len(api.sent("getUpdates")) == polls
    left = [t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()]
    assert left == []
    assert TOKEN not in caplog.text and TOKEN.split(":")[1] not in caplog.text
    assert str(CITIZEN["id"]) not in caplog.text and "quen mat khau" not in caplog.text


async def test_answers_change_after_a_new_build_without_restart(kb, api, tmp_path, small_kb):
    services = services_for(kb, api, tmp_path)
    _, _, build = kb
    new = ["Lệ phí trước bạ xe máy nộp ở đâu?", "nộp lệ phí trước bạ online", "trước bạ xe máy đóng tiền thế nào"]
    async with running(services):
        tg = Citizen(api)
        await tg.say("le phi truoc ba xe may nop o dau")
        assert "Nộp lệ phí trước bạ xe máy" not in tg.text()
        write_entry(small_kb, "le-phi-truoc-ba", "Nộp lệ phí trước bạ xe máy", new, "Nộp trên Cổng DVC.")
        asking = asyncio.create_task(tg.say("quen mat khau"))  # a question in flight during the swap
        await asyncio.to_thread(build)
        await asking
        assert "Quên mật khẩu VNeID" in tg.text()
        for _ in range(100):
            await asyncio.sleep(0.05)
            if "le-phi-truoc-ba" in services.library().entries:
                break
        await tg.say("le phi truoc ba xe may nop o dau")
        assert "Nộp lệ phí trước bạ xe máy" in tg.text()


# ---- done-when: `dvcbot serve` against the fake Bot API


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
async def test_dvcbot_serve_long_polls_answers_and_stores_one_rating(api, tmp_path, real_library, real_settings):
    env = {**os.environ, "DVCBOT_TELEGRAM_TOKEN": TOKEN, "DVCBOT_TELEGRAM_API_URL": api.base_url,
           "DVCBOT_DATA_DIR": str(tmp_path), "DVCBOT_KNOWLEDGE_DIR": str(REPO / "knowledge"),
           # the session's index of the same knowledge and model: no second build of the whole index
           "DVCBOT_INDEX_DIR": str(real_settings.index_dir), "DVCBOT_PORT": str(free_port())}
    for name in ("DVCBOT_EMBEDDING_MODEL", "DVCBOT_DATABASE", "DVCBOT_TELEGRAM_WEBHOOK_URL"):
        env.pop(name, None)
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "handlers.app.cli", "serve", cwd=REPO, env=env,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        await api.wait_for("getUpdates", timeout=120)
        tg = Citizen(api)
        await tg.say("quen mat khau vneid")
        answer = next(c for c in tg.last if "Quên mật khẩu" in c.params["text"])
        assert answer.params["parse_mode"] == "HTML" and answer.buttons()
        await tg.press("Hài lòng")
        assert "Cảm ơn bạn đã đánh giá" in tg.text()
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(proc.communicate(), 30)
    stderr = err.decode()
    assert proc.returncode == 0, stderr
    assert "telegram" in out.decode() and TOKEN.split(":")[1] not in out.decode() + stderr
    assert "Traceback" not in stderr and "Task was destroyed" not in stderr
    with sqlite3.connect(tmp_path / "dvcbot.db") as db:
        assert db.execute("SELECT count(*), min(channel), min(value) FROM ratings").fetchone() == (1, "telegram", "up")


# ---- sharing an answer


@pytest.mark.parametrize("public_url", ["https://dvc.example.vn", "https://dvc.example.vn/"])
async def test_an_answer_is_shared_through_telegrams_own_share_page(kb, api, tmp_path, public_url):
    async with running(services_for(kb, api, tmp_path, public_url=public_url)):
        tg = Citizen(api)
        await tg.say("quen mk vneid roi")
    answer = next(c for c in tg.last if "Quên mật khẩu VNeID" in c.params["text"])
    shared = [b for b in answer.buttons() if b["text"] == say("btn_share")]
    assert [b["url"] for b in shared] == [
        "https://t.me/share/url?url=https%3A%2F%2Fdvc.example.vn%2Fs%2Fquen-mat-khau"
        "&text=Qu%C3%AAn%20m%E1%BA%ADt%20kh%E1%BA%A9u%20VNeID"]
    assert {"text": "VNeID", "url": "https://vneid.gov.vn"} in answer.buttons()


async def test_without_a_public_address_telegram_sends_no_share_button(kb, api, tmp_path):
    async with running(services_for(kb, api, tmp_path)):
        tg = Citizen(api)
        await tg.say("quen mk vneid roi")
    assert "Quên mật khẩu VNeID" in tg.text()
    assert all(b["text"] != say("btn_share") and "/s/" not in b.get("url", "") for c in tg.last for b in c.buttons())
