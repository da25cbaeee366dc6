"""The turn runner (handlers/channels/turns.py) that every channel hands its messages to: the same tests through Telegram's
and Zalo's runners against their fake APIs on 127.0.0.1, with the real dialogue on the small knowledge set, a real
SQLite file and the channels' own translation of a message into a turn."""
from __future__ import annotations

import asyncio
import itertools
import json
import logging
import re
import time

import pytest

from bot.core.messages import Incoming, Reply
from bot.core.wording import say
from bot.dialogue import Dialogue
from bot.domain.delivery import replies_text
from bot.storage.sqlite import SqliteStorage
from handlers.channels.telegram import TelegramChannel, citizen_turn
from handlers.channels.turns import Turn, TurnRunner
from handlers.channels.webchat import WebChat
from handlers.channels.zalo import ZaloChannel, ZaloEvent, turn_for
from handlers.runtime.services import Services
from handlers.runtime.settings import Settings
from handlers.runtime.shutdown import ShutdownClock
from tests.conftest import FAKE_MODEL
from tests.test_telegram import FAST as TELEGRAM_FAST, api, kb, services_for, visible  # noqa: F401
from tests.test_zalo import FAST as ZALO_FAST, fake, with_zalo  # noqa: F401

LAN, MINH, HOA = "5550001", "5550002", "5550003"   # citizens' ids, the same shape on both platforms
PHONE = "0912345678"
_ids = itertools.count(1)


class Platform:
    """One channel's runner against its fake platform; `runner()` again is a restart (a new channel object)."""

    def __init__(self, name: str, kb, api, fake, tmp_path) -> None:
        self.name, self.kb, self.api, self.fake, self.tmp_path = name, kb, api, fake, tmp_path
        self._open: list = []

    def services(self, **settings) -> Services:
        if self.name == "telegram":
            return services_for(self.kb, self.api, self.tmp_path, **settings)
        library, storage, _ = self.kb
        base = Settings(data_dir=self.tmp_path, index_dir=self.tmp_path / "index",
                        database=self.tmp_path / "dvcbot.db", embedding_model=FAKE_MODEL)
        return Services(with_zalo(base, self.fake, **settings), library, storage, Dialogue(library, storage, b"s"))

    def worker(self, services: Services) -> Services:
        """A second `dvcbot serve` on the same database file: its own store connection, dialogue and limits."""
        storage = SqliteStorage(services.settings.database)
        return Services(services.settings, services.library, storage, Dialogue(services.library, storage, b"s"))

    async def runner(self, services: Services) -> TurnRunner:
        if self.name == "telegram":
            channel = TelegramChannel(services, TELEGRAM_FAST)
            await channel.application.bot.initialize()
            self._open.append(channel.application.bot.shutdown)
        else:
            channel = ZaloChannel(services, **ZALO_FAST)
            await channel.api.__aenter__()
            self._open.append(lambda api=channel.api: api.__aexit__(None, None, None))
        return channel.turns

    async def close(self) -> None:
        for close in reversed(self._open):
            await close()

    def turn(self, text: str, user: str = LAN) -> Turn:
        """A text message as the channel itself translates it, with a new delivery id."""
        if self.name == "telegram":
            return citizen_turn(int(user), int(user), True, next(_ids), text)
        return turn_for(ZaloEvent("user_send_text", user, f"msg-{next(_ids)}", text, "1795000000000"))

    def old_parked_row(self, text: str, user: str = LAN) -> dict:
        """A turn as the channel parked it before the shared runner."""
        if self.name == "telegram":
            return {"user": int(user), "chat": int(user), "private": True, "update_id": next(_ids), "text": text,
                    "payload": None, "reply_to": None}
        return {"name": "user_send_text", "user": user, "msg_id": f"msg-{next(_ids)}", "text": text,
                "timestamp": "1795000000000"}

    def tried(self, user: str = LAN) -> list[tuple[float, str]]:
        """(time, text) of every send the platform was asked for, accepted or not."""
        if self.name == "telegram":
            return [(c.at, visible(c)) for c in self.api.sent() if c.params["chat_id"] == user]
        return [(a["at"], a["message"]["text"]) for a in self.fake.attempts if a["user"] == user]

    def sent(self, user: str = LAN) -> list[str]:
        if self.name == "telegram":
            return [visible(c) for c in self.api.sent() if c.params["chat_id"] == user and c.fault is None]
        return [m["text"] for m in self.fake.to(user)]

    def slow(self, seconds: float) -> None:
        self.api.delay = self.fake.delay = seconds

    def refuse(self, user: str) -> None:
        """The platform refuses every send to this citizen (Telegram: the bot is blocked; Zalo: -230)."""
        self.api.chaos = lambda method, params: "blocked" if params.get("chat_id") == user else None
        self.fake.outside_window.add(user)


@pytest.fixture(params=["telegram", "zalo"])
async def platform(request, kb, api, fake, tmp_path):  # noqa: F811
    p = Platform(request.param, kb, api, fake, tmp_path)
    yield p
    await p.close()


def stored_in(services: Services, channel: str, user: str = LAN) -> list[str]:
    """The citizen's messages as the dialogue stored them, in the order it handled them."""
    key = services.dialogue.user_key(channel, user)
    return [r["text"] for r in services.storage.db["messages"].rows_where("direction = 'in' AND citizen = ?", [key],
                                                                          order_by="id")]


# ---- one citizen's turns in order, other citizens in parallel
QUESTIONS = ["xin chao", "quen mat khau vneid", "khong nhan duoc ma otp"]


async def test_a_citizens_concurrent_messages_are_answered_one_at_a_time_in_arrival_order(platform):
    services = platform.services()
    runner = await platform.runner(services)
    for text in QUESTIONS:   # the same questions one after the other: what the concurrent ones must give
        await runner.deliver(platform.turn(text, HOA))
    one_by_one = [text for _, text in platform.tried(HOA)]
    platform.slow(0.15)      # each send takes a while: a turn not waiting for the one before would overtake it
    await asyncio.gather(*(runner.deliver(platform.turn(text, LAN)) for text in QUESTIONS),
                         runner.deliver(platform.turn("cam on ban nhieu", MINH)))
    assert [text for _, text in platform.tried(LAN)] == one_by_one
    assert any("Quên mật khẩu VNeID" in t for t in one_by_one) and any("mã OTP" in t for t in one_by_one)
    assert stored_in(services, platform.name) == QUESTIONS
    # someone else is not held up behind Lan's turns
    assert platform.tried(MINH)[0][0] < platform.tried(LAN)[-1][0]


async def test_messages_arriving_together_keep_their_order_through_the_door(platform, monkeypatch):
    """The delivery-id look-up waits on storage: deliveries must still leave it, and reach the lane, in order,
    even when the first look-up is the slow one (a busy database)."""
    services = platform.services()
    runner = await platform.runner(services)
    seen, waits = services.storage.first_delivery, iter([0.2])
    monkeypatch.setattr(services.storage, "first_delivery",
                        lambda *args: time.sleep(next(waits, 0.0)) or seen(*args))
    turns = [platform.turn(text) for text in QUESTIONS]

    async def door(turn: Turn) -> None:
        if await runner.first_delivery(turn.incoming.message_id):
            await runner.deliver(turn)

    await asyncio.gather(*(door(t) for t in turns))
    assert stored_in(services, platform.name) == QUESTIONS


# ---- a delivery the platform repeats
async def test_a_repeated_delivery_is_answered_once_also_after_a_restart(platform, caplog):
    caplog.set_level(logging.INFO)
    services = platform.services()
    turn = platform.turn("quen mat khau vneid")

    async def door(runner: TurnRunner) -> None:   # what a channel does with a delivery id
        if await runner.first_delivery(turn.incoming.message_id):
            await runner.deliver(turn)

    runner = await platform.runner(services)
    await asyncio.gather(door(runner), door(runner), door(runner))
    once = platform.sent()
    await door(await platform.runner(services))   # a new runner: storage remembers the delivery id
    assert platform.sent() == once and sum("Quên mật khẩu VNeID" in t for t in once) == 1
    assert stored_in(services, platform.name) == ["quen mat khau vneid"]
    # the repeats never reached the dialogue, nor is the delivery id (it may hold a user id) written anywhere
    assert "repeated delivery" not in caplog.text and LAN not in caplog.text
    # compared word by word: a short id ("21") is also part of the hour the row was stamped, or of a digest
    stored = [w for row in services.storage.db["received_deliveries"].rows for k, v in row.items()
              if k != "received_at" for w in re.split(r"\W+", str(v))]
    assert stored and turn.incoming.message_id not in stored and LAN not in " ".join(stored)


async def test_a_delivery_sent_to_two_workers_at_once_is_answered_once(platform, caplog):
    """Two workers behind one proxy, one database: the platform's retry reaches the other worker."""
    caplog.set_level(logging.INFO)
    one = platform.services()
    two = platform.worker(one)
    runners = [await platform.runner(one), await platform.runner(two)]
    turn = platform.turn("quen mat khau vneid")

    async def door(runner: TurnRunner) -> None:
        if await runner.first_delivery(turn.incoming.message_id):
            await runner.deliver(turn)

    await asyncio.gather(*(door(r) for r in runners + runners))
    assert sum("Quên mật khẩu VNeID" in t for t in platform.sent()) == 1
    assert stored_in(one, platform.name) == ["quen mat khau vneid"] and "repeated delivery" not in caplog.text


# ---- the rate limit
async def test_a_flooding_citizen_gets_one_notice_and_the_flood_is_neither_answered_nor_stored(platform):
    services = platform.services(rate_per_minute=2)
    runner = await platform.runner(services)
    await runner.deliver(platform.turn("xin chao"))
    await runner.deliver(platform.turn("quen mat khau vneid"))
    before = len(platform.sent())
    for i in range(4):
        await runner.deliver(platform.turn(f"sao chua tra loi vay {i}"))
    await runner.deliver(platform.turn("cam on", MINH))   # someone else is still served
    assert platform.sent()[before:] == [say("rate_limited_notice")]
    assert any("Rất vui" in t for t in platform.sent(MINH))
    assert stored_in(services, platform.name) == ["xin chao", "quen mat khau vneid"]


async def test_a_flood_spread_over_two_workers_meets_one_limit(platform):
    one = platform.services(rate_per_minute=3)
    two = platform.worker(one)
    runners = [await platform.runner(one), await platform.runner(two)]
    for i in range(8):
        await runners[i % 2].deliver(platform.turn(f"sao chua tra loi vay {i}"))
    assert len(stored_in(one, platform.name)) == 3
    assert platform.sent().count(say("rate_limited_notice")) == 1   # one notice for the burst, from either worker


# ---- shutdown: kept, redacted, answered at the next start
async def test_a_turn_not_begun_at_shutdown_is_kept_redacted_and_answered_at_the_next_start(platform):
    services = platform.services()
    services.shutdown = ShutdownClock(start_turns_s=0.0, finish_s=30)
    runner = await platform.runner(services)
    services.shutdown.begin()
    await runner.deliver(platform.turn(f"quen mat khau vneid {PHONE}"))
    kept = services.storage.parked_turns(platform.name)
    assert platform.tried() == [] and len(kept) == 1 and PHONE not in kept[0][1]
    assert json.loads(kept[0][1])["user"] == LAN

    services.shutdown = ShutdownClock()   # the next start
    runner = await platform.runner(services)
    await runner.resume_parked()
    await runner.drain()
    assert any("Quên mật khẩu VNeID" in t for t in platform.sent())
    assert services.storage.parked_turns(platform.name) == []
    assert len(stored_in(services, platform.name)) == 1 and PHONE not in stored_in(services, platform.name)[0]


async def test_a_parked_turn_resumed_while_the_server_stops_again_is_answered_at_the_start_after(platform):
    """Two restarts in a row (a deploy): the turn claimed at the first is given back, not held for the claim's time."""
    services = platform.services()
    services.shutdown = ShutdownClock(start_turns_s=0.0, finish_s=30)
    runner = await platform.runner(services)
    services.shutdown.begin()
    await runner.deliver(platform.turn("quen mat khau vneid"))
    runner = await platform.runner(services)   # starts, but is told to stop before the resumed turn begins
    await runner.resume_parked()
    await runner.drain()
    assert platform.tried() == [] and len(services.storage.parked_turns(platform.name)) == 1
    services.shutdown = ShutdownClock()        # the next start, a moment later
    runner = await platform.runner(services)
    await runner.resume_parked()
    await runner.drain()
    assert any("Quên mật khẩu VNeID" in t for t in platform.sent())
    assert services.storage.parked_turns(platform.name) == []


async def test_turns_parked_in_the_channels_old_shape_are_answered_at_start(platform):
    services = platform.services()
    key = services.dialogue.user_key(platform.name, LAN)
    services.storage.park_turn(key, platform.name, json.dumps(platform.old_parked_row("quen mat khau vneid")))
    runner = await platform.runner(services)
    await runner.resume_parked()
    await runner.drain()
    assert any("Quên mật khẩu VNeID" in t for t in platform.sent())
    assert services.storage.parked_turns(platform.name) == []


async def test_two_workers_starting_together_answer_each_parked_turn_once(platform, caplog):
    """Each worker claims what it resumes: none is begun twice (the dialogue would see a repeated message)."""
    caplog.set_level(logging.INFO)
    one = platform.services()
    two = platform.worker(one)
    texts = ["quen mat khau vneid", "khong nhan duoc ma otp", "xin chao"]
    for user, text in zip((LAN, MINH, HOA), texts):
        one.storage.park_turn(one.dialogue.user_key(platform.name, user), platform.name,
                              platform.turn(text, user).kept())
    runners = [await platform.runner(one), await platform.runner(two)]
    await asyncio.gather(*(r.resume_parked() for r in runners))
    await asyncio.gather(*(r.drain() for r in runners))
    assert all(platform.sent(user) for user in (LAN, MINH, HOA)) and "repeated delivery" not in caplog.text
    assert one.storage.parked_turns(platform.name) == []


# ---- a reply that does not get through
async def test_a_reply_the_platform_refuses_is_recorded_undelivered_and_the_next_turn_still_runs(platform):
    services = platform.services()
    runner = await platform.runner(services)
    platform.refuse(LAN)
    await runner.deliver(platform.turn("quen mat khau vneid"))
    await runner.deliver(platform.turn("cam on", MINH))
    [record] = services.storage.deliveries("undelivered")
    assert record["channel"] == platform.name and record["error"] and "Quên mật khẩu VNeID" in record["text"]
    assert LAN not in record["user"] and platform.sent() == []
    assert any("Rất vui" in t for t in platform.sent(MINH))


def test_what_an_undelivered_record_keeps_is_redacted():
    text = replies_text([Reply("Tổ hỗ trợ sẽ gọi lại"), Reply(f"số của bạn: {PHONE}")])
    assert text.startswith("Tổ hỗ trợ sẽ gọi lại\n\n") and PHONE not in text and "[số điện thoại]" in text


# ---- the web chat: the same runner, answering in its HTTP response
async def test_the_web_chats_runner_answers_in_its_response_and_parks_nothing_at_shutdown(kb, api, tmp_path):  # noqa: F811
    services = services_for(kb, api, tmp_path, rate_per_minute=2)
    runner = WebChat(services).turns
    services.shutdown = ShutdownClock(start_turns_s=0.0, finish_s=30)
    services.shutdown.begin()   # the HTTP request is still open: its answer goes back in the response
    turn = Turn(Incoming("web", "conv-1", text="quen mat khau vneid"))
    assert (await runner.admit(turn)).allowed
    assert any("Quên mật khẩu VNeID" in r.text for r in await runner.take(turn))
    assert services.storage.parked_turns("web") == [] and api.calls == []
    assert (await runner.admit(turn)).allowed and not (await runner.admit(turn)).allowed   # a 429 from the page
