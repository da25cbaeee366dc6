"""Sharing an answer: the "Chia sẻ" button and the public page path it opens, `/s/<ref>`.

A commune volunteer forwards an answer to a village Zalo group: the link must
open for anyone, so it names only the knowledge entry (or catalogue card), never
the conversation. The core makes the path relative; each channel decides how it
leaves (the web opens it as is, Telegram and Zalo need the server's public
address and drop the button without one: a localhost link cannot be shared).
"""
from __future__ import annotations

from dataclasses import replace
from typing import Callable, Sequence

from bot.core.messages import Button, Reply
from bot.core.payloads import id_arg, id_of_arg
from bot.core.wording import say

SHARE_PATH = "/s/"


def share_path(entry_id: str) -> str:
    """"quen-mat-khau" → "/s/quen-mat-khau"; a card "tthc:1.004194" → "/s/tthc.1.004194" (as payloads spell it)."""
    return SHARE_PATH + id_arg(entry_id)


def entry_id_of(ref: str) -> str | None:
    """The entry id a page's ref names, None for anything else (a crafted path, a mistyped or overlong ref)."""
    return id_of_arg(ref)


def share_button(entry_id: str) -> Button:
    return Button(say("btn_share"), url=share_path(entry_id))


def is_share(button: Button) -> bool:
    return bool(button.url and button.url.startswith(SHARE_PATH))


def public_link(public_url: str, path: str) -> str | None:
    """The page's address for people outside the server; None when the server has no public address."""
    return public_url.rstrip("/") + path if public_url else None


def shared_replies(replies: Sequence[Reply], link: Callable[[Reply, str], str | None]) -> list[Reply]:
    """Each share button pointed where `link(reply, path)` says, or dropped when it says None."""
    out = []
    for reply in replies:
        buttons: list[Button] = []
        for b in reply.buttons:
            if not is_share(b):
                buttons.append(b)
            elif url := link(reply, b.url or ""):
                buttons.append(Button(b.title, url=url))
        out.append(replace(reply, buttons=tuple(buttons)))
    return out
