"""Web chat test helpers: which conversation a test client's cookie names, and the cookie of a known one."""
from __future__ import annotations

from http.cookies import SimpleCookie

from handlers.channels.web_identity import COOKIE, Conversation
from handlers.channels.webchat import conversation_tokens


def conversation_of(client, services) -> str:
    """The conversation (the dialogue's user id) the client's cookie names now."""
    token = client.session.cookie_jar.filter_cookies(client.make_url("/api/chat"))[COOKIE].value
    return conversation_tokens(services).read(token).id


def use_conversation(client, services, conversation: str) -> None:
    """Give the client the cookie of `conversation`, as the page that started it (page id = the same string)
    holds it: for conversations a test drove through the dialogue itself, e.g. `Chat(..., user="w1")`."""
    tokens = conversation_tokens(services)
    hold_token(client, tokens.issue(Conversation(conversation, tokens.start(conversation).page_tag)))


def hold_token(client, token: str) -> None:
    """Replace the client's web chat cookie, as the server's Set-Cookie would."""
    cookie: SimpleCookie = SimpleCookie()
    cookie[COOKIE] = token
    cookie[COOKIE]["path"] = "/api/chat"
    client.session.cookie_jar.update_cookies(cookie, client.make_url("/api/chat"))


async def updates_for(client, services, conversation: str) -> list[dict]:
    """What GET /api/chat/updates gives the holder of that conversation's cookie."""
    use_conversation(client, services, conversation)
    return (await (await client.get("/api/chat/updates")).json())["replies"]
