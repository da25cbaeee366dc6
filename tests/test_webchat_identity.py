"""Web chat identity: the conversation is the server's signed HttpOnly cookie, never the page's `user` id, so a
copied id or another conversation's cookie gets nothing (real server on loopback, real SQLite file)."""
from __future__ import annotations

import time

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.conversation import Reply
from handlers.app import make_server
from handlers.web_identity import COOKIE, Conversation, ConversationTokens
from handlers.webchat import POLLS_PER_MINUTE, WebChat, conversation_tokens
from tests.desk_helpers import small_services
from tests.web_helpers import conversation_of, hold_token

TEAM_ANSWER = "Tổ hỗ trợ trả lời: bác mang CCCD ra công an xã nhé."


@pytest.fixture
def services(small_kb, tmp_path):
    return small_services(small_kb, tmp_path, behind_proxy=True)


@pytest.fixture
async def server(services):
    server = TestServer(make_server(services, [WebChat(services)]), host="127.0.0.1")
    await server.start_server()
    yield server
    await server.close()


@pytest.fixture
async def citizen(server):
    async with TestClient(server) as c:
        yield c


@pytest.fixture
async def stranger(server):
    async with TestClient(server) as c:
        yield c


async def say(client, user: str, text: str) -> list[dict]:
    r = await client.post("/api/chat", json={"user": user, "text": text})
    assert r.status == 200, await r.text()
    return (await r.json())["replies"]


async def updates(client, query: dict | None = None) -> list[dict]:
    r = await client.get("/api/chat/updates", params=query or {})
    assert r.status == 200, await r.text()
    return (await r.json())["replies"]


async def team_answers(services, conversation: str) -> None:
    await services.deliverer.deliver(services.dialogue.user_key("web", conversation), "web", [Reply(TEAM_ANSWER)])


async def test_the_first_reply_sets_an_httponly_samesite_cookie_scoped_to_the_chat_api(citizen, services):
    r = await citizen.post("/api/chat", json={"user": "trang-1", "text": "xin chào"})
    cookie = r.cookies[COOKIE]
    assert r.status == 200 and cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/api/chat"
    assert int(cookie["max-age"]) == services.settings.session_minutes * 60 and not cookie["secure"]
    assert "trang-1" not in cookie.value   # the page's id is not in the token
    behind_https = await citizen.post("/api/chat", json={"user": "trang-1", "text": "cảm ơn"},
                                      headers={"X-Forwarded-Proto": "https"})
    assert behind_https.cookies[COOKIE]["secure"]   # the proxy says the citizen came over https


async def test_a_copied_user_id_without_the_cookie_starts_a_new_conversation_and_gets_nothing(
        citizen, stranger, services):
    await say(citizen, "may-xa-1", "quên mật khẩu vneid")
    theirs = conversation_of(citizen, services)
    await team_answers(services, theirs)
    assert await updates(stranger, {"user": "may-xa-1"}) == []   # no cookie: nothing, whatever the address says
    await say(stranger, "may-xa-1", "cho xem tin nhắn của tôi")   # the same page id, typed in by someone else
    assert conversation_of(stranger, services) != theirs
    assert await updates(stranger, {"user": "may-xa-1"}) == []   # their own new conversation has nothing yet
    assert [r["text"] for r in await updates(citizen)] == [TEAM_ANSWER]   # still waiting for its holder
    users = {row["citizen"] for row in services.storage.db["messages"].rows_where("direction = 'in'")}
    assert len(users) == 2


async def test_another_conversations_cookie_or_a_forged_one_gets_nothing(citizen, stranger, services):
    await say(citizen, "nha-1", "quên mật khẩu vneid")
    await say(stranger, "nha-2", "không nhận được otp")
    await team_answers(services, conversation_of(citizen, services))
    assert await updates(stranger, {"user": "nha-1"}) == []
    tokens = conversation_tokens(services)
    forged = [tokens.issue(Conversation(conversation_of(citizen, services), "0" * 16))[:-1] + "x",   # altered
              ConversationTokens(b"another install", 1800).issue(
                  Conversation(conversation_of(citizen, services), "0" * 16)),                    # other key
              conversation_tokens(services, clock=lambda: time.time() - 3600).issue(
                  Conversation(conversation_of(citizen, services), "0" * 16)),                    # expired
              "", "a.b.c", "x" * 300]
    for token in forged:
        r = await stranger.get("/api/chat/updates", cookies={COOKIE: token})
        assert (await r.json()) == {"replies": []}, token
    assert [r["text"] for r in await updates(citizen)] == [TEAM_ANSWER]


async def test_a_cookie_of_one_page_id_does_not_carry_over_to_another(citizen, services):
    """A request naming a page id other than the one the cookie was made for starts afresh (and the page's
    "Cuộc trò chuyện mới" relies on it): the old conversation's answers are not reachable from here any more."""
    await say(citizen, "may-chung", "quên mật khẩu vneid")
    first = conversation_of(citizen, services)
    await team_answers(services, first)
    r = await citizen.post("/api/chat", json={"user": "nguoi-tiep-theo", "payload": "start"})
    assert "Xin chào" in "\n".join(reply["text"] for reply in (await r.json())["replies"])
    assert conversation_of(citizen, services) != first
    assert await updates(citizen) == []


async def test_an_expired_cookie_starts_a_new_conversation(citizen, services):
    await say(citizen, "bac-nam", "quên mật khẩu vneid")
    first = conversation_of(citizen, services)
    tokens = conversation_tokens(services)
    old = conversation_tokens(services, clock=lambda: time.time() - tokens.ttl_s - 1)
    hold_token(citizen, old.issue(Conversation(first, tokens.start("bac-nam").page_tag)))
    await say(citizen, "bac-nam", "còn gì nữa không")
    assert conversation_of(citizen, services) != first


async def test_polling_is_rate_limited_per_conversation(citizen, services):
    await say(citizen, "poll-1", "xin chào")
    statuses = [(await citizen.get("/api/chat/updates")).status for _ in range(POLLS_PER_MINUTE + 1)]
    assert statuses.count(200) == POLLS_PER_MINUTE and statuses[-1] == 429


def test_a_token_reads_back_only_unaltered_and_in_time():
    now = [1_000_000.0]
    tokens = ConversationTokens(b"k", 60, clock=lambda: now[0])
    conversation = tokens.start("trang")
    token = tokens.issue(conversation)
    assert tokens.read(token) == conversation and tokens.started_by(conversation, "trang")
    assert not tokens.started_by(conversation, "trang-khac")
    body, mac = token.rsplit(".", 1)
    other_id = Conversation("khac", conversation.page_tag)
    assert tokens.read(f"{other_id.id}.{body.split('.', 1)[1]}.{mac}") is None
    assert tokens.read(None) is None and tokens.read("....") is None
    now[0] += 61
    assert tokens.read(token) is None
