"""Replies out to Telegram: rendered as escaped HTML messages with inline keyboards, sent with bounded retries.

Used in a turn and later (a team member's answer, the desk's announcements); a failed send becomes an
UNDELIVERED `DeliveryResult` with a reason that never carries the bot token.
"""
from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import Awaitable, Callable, Sequence, TypeVar
from urllib.parse import quote, urlencode

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application

from bot.core.markup import split_text, to_html
from bot.core.messages import Button, Reply
from bot.dialogue.share import public_link, shared_replies
from bot.domain.delivery import DeliveryResult, DeliveryStatus
from handlers.channels.turns import describe as describe_error

CHANNEL = "telegram"
TEXT_LIMIT = 4000           # Telegram allows 4096; the margin covers emoji counted as two UTF-16 units
SHORT_TITLE = 20            # buttons with titles this short sit two to a row; longer ones get a row each
SHARE_URL = "https://t.me/share/url"   # Telegram's own share: the citizen picks the chats, the link goes there
_TOKEN = re.compile(r"\d{3,}:[A-Za-z0-9_-]{20,}")  # a bot token wherever it hides in an error message
T = TypeVar("T")


@dataclass(frozen=True)
class Retries:
    """Bounded retries for outbound calls; tests shrink the delays."""
    network: int = 3          # extra attempts after a NetworkError/TimedOut, waiting backoff_s, 2×, 4×…
    backoff_s: float = 1.0
    flood: int = 3            # extra attempts after RetryAfter, each only after retry_after (AIORateLimiter)
    start_backoff_max_s: float = 60.0   # Telegram unreachable at start: keep trying in the background


def keyboard(buttons: Sequence[Button]) -> InlineKeyboardMarkup | None:
    """Payload buttons as callback buttons, links as URL buttons; short titles two to a row."""
    rows: list[list[InlineKeyboardButton]] = []
    pair: list[InlineKeyboardButton] = []
    for b in buttons:
        key = (InlineKeyboardButton(b.title, url=b.url) if b.url
               else InlineKeyboardButton(b.title, callback_data=b.payload))
        if len(b.title) > SHORT_TITLE:
            rows += [pair, [key]] if pair else [[key]]
            pair = []
        else:
            pair.append(key)
            if len(pair) == 2:
                rows.append(pair)
                pair = []
    if pair:
        rows.append(pair)
    return InlineKeyboardMarkup(rows) if rows else None


def messages(replies: Sequence[Reply]) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """Each reply as HTML messages under Telegram's limit; its buttons ride on its last message."""
    out = []
    for reply in replies:
        chunks = split_text(reply.text, TEXT_LIMIT)
        out += [(to_html(chunk), keyboard(reply.buttons) if i == len(chunks) - 1 else None)
                for i, chunk in enumerate(chunks)]
    return out


def share_link(public_url: str, title_of: Callable[[str], str]) -> Callable[[Reply, str], str | None]:
    """A "Chia sẻ" button opens Telegram's share page with the answer's public page and title; without a public
    address there is nothing to share (a localhost link would reach nobody), so the button is dropped."""
    def link(reply: Reply, path: str) -> str | None:
        page = public_link(public_url, path)
        if page is None:
            return None
        title = title_of(reply.entry_id) if reply.entry_id else ""
        return f"{SHARE_URL}?{urlencode({'url': page, **({'text': title} if title else {})}, quote_via=quote)}"
    return link


def no_share(_: Reply, __: str) -> None:
    return None


class TelegramSender:
    """Sends replies to a chat id, in a turn or later (a team member's answer, the desk's announcements)."""
    channel = CHANNEL

    def __init__(self, application: Application, retries: Retries,
                 share: Callable[[Reply, str], str | None] = no_share) -> None:
        self.bot = application.bot
        self.retries = retries
        self.share = share

    async def send(self, user: str, address: str | None, replies: Sequence[Reply]) -> DeliveryResult:
        if not address:
            return DeliveryResult(DeliveryStatus.UNDELIVERED, "chưa có địa chỉ Telegram của người này")
        return await self.send_to(int(address), replies)

    async def send_to(self, chat_id: int, replies: Sequence[Reply], reply_to: int | None = None) -> DeliveryResult:
        try:
            for i, (text, markup) in enumerate(messages(shared_replies(replies, self.share))):
                answering = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to and not i else None
                await self.with_retries(lambda: self.bot.send_message(
                    chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup, reply_parameters=answering,
                    link_preview_options=LinkPreviewOptions(is_disabled=True)))
        except Forbidden as exc:
            return DeliveryResult(DeliveryStatus.UNDELIVERED, f"người dùng đã chặn bot hoặc rời nhóm ({describe(exc)})")
        except RetryAfter as exc:
            return DeliveryResult(DeliveryStatus.UNDELIVERED, f"Telegram giới hạn tốc độ gửi ({describe(exc)})")
        except BadRequest as exc:
            return DeliveryResult(DeliveryStatus.UNDELIVERED, f"Telegram từ chối tin nhắn ({describe(exc)})")
        except NetworkError as exc:
            return DeliveryResult(DeliveryStatus.UNDELIVERED,
                                  f"lỗi mạng sau {self.retries.network + 1} lần thử ({describe(exc)})")
        except TelegramError as exc:
            return DeliveryResult(DeliveryStatus.UNDELIVERED, describe(exc))
        return DeliveryResult(DeliveryStatus.SENT)

    async def with_retries(self, call: Callable[[], Awaitable[T]]) -> T:
        """Network errors and timeouts: bounded exponential backoff. RetryAfter is retried by AIORateLimiter."""
        attempt = 0
        while True:
            try:
                return await call()
            except BadRequest:  # a NetworkError subclass, but resending the same request cannot help
                raise
            except NetworkError:
                if attempt >= self.retries.network:
                    raise
                await asyncio.sleep(self.retries.backoff_s * 2 ** attempt)
                attempt += 1


def describe(exc: BaseException | None) -> str:
    """An error's type and where it happened; Telegram's own message (no personal data) for API errors."""
    if exc is None:
        return "không rõ"
    if isinstance(exc, TelegramError):
        return _TOKEN.sub("***", f"{type(exc).__name__}: {exc.message}")
    return describe_error(exc)
