"""Forms of address through whole conversations (issue 18, item 8): every bubble of every turn uses the form
the session keeps; a correction gets one short line; a new conversation starts with "bạn" again.
Small knowledge set and the fake embedder, real SQLite file, real aiohttp on loopback."""
from __future__ import annotations

import re
import shutil

import pytest
from aiohttp.test_utils import TestClient, TestServer

from handlers.app.server import make_server
from handlers.channels.webchat import WebChat
from tests.chat import Chat
from tests.conftest import REPO
from tests.desk_helpers import small_services

BAN = re.compile(r"\bbạn\b", re.IGNORECASE)


@pytest.fixture
def services(small_kb, tmp_path):
    return small_services(small_kb, tmp_path)


@pytest.fixture
def chat(services):
    return Chat(services.dialogue)


def said(replies) -> str:
    return "\n".join(r.text for r in replies)


async def test_an_elderly_man_who_calls_the_bot_con_is_bac_in_every_bubble(chat, services):
    """The issue's farmer: "tui" for himself, "con" for the bot. Answer, rating, reason, comment, hand-off,
    call-back, don't-know: none of them says "bạn"."""
    seen = []
    seen += await chat("tui muon hoi cai vneid")                     # "tui" alone: no change yet
    seen.clear()
    seen += await chat("con oi quen mat khau vneid")
    assert "Bác" in said(chat.last) or "bác" in said(chat.last)
    seen += await chat.press("Chưa hài lòng")
    seen += await chat.press("Khó hiểu")
    seen += await chat("khong hieu gi het")
    seen += await chat("cho tui gap nguoi ho tro")
    assert "Đã gửi cho" in said(chat.last) and "bác" in said(chat.last)
    seen += await chat.press("Không cần")
    seen += await chat("thời tiết hôm nay ra sao con")
    seen += await chat("cảm ơn con nhiều")
    seen += await chat("chào con")
    for reply in seen:
        assert not BAN.search(reply.text), reply.text
    assert services.dialogue._load_session(chat.dialogue.user_key("test", chat.user)).you == "bác"


async def test_a_later_form_in_passing_does_not_flip_the_one_kept(chat):
    await chat("cho chú hỏi quên mật khẩu vneid")
    await chat("cho chị hỏi giùm bác ấy không nhận được otp")   # a volunteer's wording, not a correction
    text = said(chat.last)
    assert "chú" in text.lower() and "chị" not in text.lower()


async def test_a_correction_gets_one_short_line_and_no_search_or_ticket(chat, services):
    await chat("ma OTP la cai gi vay con")
    replies = await chat("con 25 tuổi thôi")
    assert len(replies) == 1 and "Từ giờ tôi gọi là “bạn”" in replies[0].text
    assert list(services.storage.db["unmet_needs"].rows) == []
    stored = list(services.storage.db["messages"].rows_where("direction = 'in' and text like 'con 25%'"))
    assert stored and stored[0]["outcome"] is None   # not searched
    await chat("quên mật khẩu vneid")
    assert BAN.search(said(chat.last)) and "bác" not in said(chat.last).lower()
    await chat("gọi em là chị")
    assert "gọi là “chị”" in said(chat.last)
    await chat("không nhận được otp")
    assert "chị" in said(chat.last).lower() and not BAN.search(said(chat.last))


async def test_a_pending_step_waits_through_a_correction(chat):
    await chat("cho bác hỏi quên mật khẩu vneid")
    await chat("gặp người hỗ trợ")
    assert "số điện thoại" in said(chat.last)
    await chat("đừng gọi tui là bác")
    assert "gọi là “bạn”" in said(chat.last)
    await chat("có")
    assert "gõ số điện thoại" in said(chat.last) and "Bạn" in said(chat.last)


async def test_the_form_resets_when_the_session_times_out(services):
    now = [1000.0]
    services.dialogue._clock = lambda: now[0]
    chat = Chat(services.dialogue)
    await chat("cho bác hỏi quên mật khẩu vneid")
    assert "bác" in said(chat.last).lower()
    now[0] += 29 * 60
    await chat("không nhận được otp")
    assert "bác" in said(chat.last).lower()        # kept from the stored session
    now[0] += 31 * 60
    await chat("không nhận được otp")
    assert BAN.search(said(chat.last)) and "bác" not in said(chat.last).lower()


async def test_a_new_conversation_on_the_web_page_starts_with_ban(services):
    server = TestServer(make_server(services, [WebChat(services)]), host="127.0.0.1")
    await server.start_server()
    try:
        async with TestClient(server) as page:
            async def send(user, text):
                r = await page.post("/api/chat", json={"user": user, "text": text})
                return "\n".join(reply["text"] for reply in (await r.json())["replies"])
            assert "bác" in (await send("may-xa", "ma otp la cai gi vay con")).lower()
            assert "bác" in (await send("may-xa", "quên mật khẩu vneid")).lower()
            # "Cuộc trò chuyện mới": the page takes a new id, the server a new conversation
            text = await send("nguoi-tiep-theo", "quên mật khẩu vneid")
            assert BAN.search(text) and "bác" not in text.lower()
    finally:
        await server.close()


async def test_the_team_answer_rating_prompt_uses_the_conversation_form(services):
    dialogue = services.dialogue
    chat = Chat(dialogue)
    await chat("cho chú hỏi quên mật khẩu vneid")
    _, replies = dialogue.record_team_answer(dialogue.user_key("test", chat.user), "test", "Tổ trả lời: …", None)
    assert "giúp được chú" in replies[-1].text


async def test_a_referral_names_who_handles_it_in_the_conversations_form(small_kb, tmp_path):
    shutil.copy(REPO / "knowledge" / "chuyen-tiep.yaml", small_kb / "chuyen-tiep.yaml")
    chat = Chat(small_services(small_kb, tmp_path).dialogue)
    await chat("mất điện cả ngày rồi, sao vậy con")
    text = said(chat.last)
    assert "công ty điện lực nơi bác ở" in text and not BAN.search(text)
