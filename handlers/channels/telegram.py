"""Telegram on python-telegram-bot v22: long polling by default, or a webhook on our own aiohttp server.

A thin adapter. Text, commands and button presses become `Incoming` for the
dialogue; replies go out as escaped HTML with inline keyboards (`telegram_send`).
Media and shared contacts get a polite text reply and are never stored. Buttons
whose data starts with "desk:" are staff actions handed to `Services.desk_action`.
"""
from __future__ import annotations

import asyncio
import contextlib
import functools
import hmac
import json
import logging
import re
from typing import AsyncIterator

from aiohttp import web
from telegram import BotCommand, CallbackQuery, Message, MessageEntity, Update, User
from telegram.constants import ChatType
from telegram.error import BadRequest, InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.core.messages import Incoming
from bot.core.wording import say
from handlers.channels.telegram_send import CHANNEL, Retries, TelegramSender, describe, share_link
from handlers.channels.turns import Send, Turn, TurnRunner
from handlers.runtime.services import ChannelError

log = logging.getLogger(__name__)
WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = (Update.MESSAGE, Update.CALLBACK_QUERY)
DESK_PREFIX = "desk:"
CONCURRENT_UPDATES = 16     # chats are answered in parallel; one chat's updates stay in order
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
# Commands → what the dialogue already understands: a button payload, or a keyword text from bot/flows.yaml.
COMMANDS: dict[str, dict[str, str]] = {
    "start": {"payload": "start"},
    "help": {"payload": "help"},
    "chude": {"payload": "menu"},
    "huy": {"text": "hủy"},
    "xoadulieu": {"text": "xóa dữ liệu của tôi"},
}
# what json.loads and Update.de_json raise on a body that is not a Telegram update (wrong types inside, e.g.
# "entities": [null] or "date": 1e30), and RecursionError for JSON nested thousands deep
_NOT_AN_UPDATE = (ValueError, UnicodeDecodeError, KeyError, TypeError, AttributeError, IndexError, OverflowError,
                  RecursionError)
NON_TEXT = filters.UpdateType.MESSAGE & ~filters.TEXT & ~filters.StatusUpdate.ALL


def citizen_turn(user: int | str, chat: int, private: bool, update_id: int, text: str | None = None,
                 payload: str | None = None, reply_to: int | None = None, canned: str | None = None) -> Turn:
    """An update as the runner's turn, one at a time per chat; `reply_to`: in a group, the message the answer
    quotes. Only private chat ids are kept as the address: a later answer never lands in a group."""
    return Turn(Incoming(CHANNEL, str(user), text=text, payload=payload, message_id=str(update_id),
                         address=str(chat) if private else None),
                order=str(chat), canned=canned, route={"chat": chat, "reply_to": reply_to})


def addressed_to(message: Message, me: User) -> bool:
    """Private chats always; in a group only a mention of the bot or a reply to one of its messages.

    A forged update may carry `"chat": null`: nobody to answer, so it is not addressed to us."""
    if getattr(message, "chat", None) is None:
        return False
    if message.chat.type == ChatType.PRIVATE:
        return True
    replied = message.reply_to_message
    if replied and replied.from_user and replied.from_user.id == me.id:
        return True
    kinds = [MessageEntity.MENTION, MessageEntity.TEXT_MENTION]
    found = {**(message.parse_entities(kinds) if message.text else {}),
             **(message.parse_caption_entities(kinds) if message.caption else {})}
    return any((e.type == MessageEntity.TEXT_MENTION and e.user is not None and e.user.id == me.id)
               or (e.type == MessageEntity.MENTION and me.username and text[1:].lower() == me.username.lower())
               for e, text in found.items())


def without_mention(text: str, username: str | None) -> str:
    return re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.I).strip() if username else text


class TelegramChannel:
    """Long polling, or `POST /telegram/webhook` when DVCBOT_TELEGRAM_WEBHOOK_URL is set."""
    name = CHANNEL

    def __init__(self, services, retries: Retries = Retries(), poll_timeout_s: int = 10) -> None:
        settings = services.settings
        self.services = services
        self.webhook_url = settings.telegram_webhook_url
        self._secret = settings.telegram_webhook_secret
        if self.webhook_url and not _SECRET.fullmatch(self._secret):
            raise ChannelError("Telegram webhook: cần DVCBOT_TELEGRAM_WEBHOOK_SECRET (1–256 ký tự A-Z a-z 0-9 _ -) / "
                               "webhook mode needs DVCBOT_TELEGRAM_WEBHOOK_SECRET (1-256 chars of A-Za-z0-9_-).")
        logging.getLogger("httpx").setLevel(logging.WARNING)  # httpx logs request URLs, which carry the token
        # python-telegram-bot's DEBUG logs carry the token and whole updates (names, ids, message text)
        logging.getLogger("telegram").setLevel(logging.INFO)
        builder = (Application.builder().token(settings.telegram_token).base_url(settings.telegram_api_url)
                   .rate_limiter(AIORateLimiter(max_retries=retries.flood))
                   .concurrent_updates(CONCURRENT_UPDATES))
        if self.webhook_url:
            builder = builder.updater(None)
        self.application = builder.build()
        self.sender = TelegramSender(self.application, retries, share_link(settings.public_url, self._title))
        self._retries = retries
        self._poll_timeout = poll_timeout_s
        # rows parked before the shared runner kept the turn's own fields
        self.turns = TurnRunner(services, CHANNEL, self._send_for, legacy=lambda kept: citizen_turn(**kept))
        self._starting: asyncio.Task | None = None
        self._add_handlers()

    def _title(self, entry_id: str) -> str:
        entry = self.services.library().entry(entry_id)
        return entry.title if entry else ""

    # ---- wiring
    def mount(self, app: web.Application) -> None:
        if self.webhook_url:
            app.router.add_post(WEBHOOK_PATH, self.webhook)
        app.cleanup_ctx.append(self._lifespan)

    def _add_handlers(self) -> None:
        a = self.application
        a.add_handler(TypeHandler(Update, self._first_delivery_only), group=-1)
        a.add_handler(CallbackQueryHandler(self._on_button))
        a.add_handler(CommandHandler(list(COMMANDS), self._on_command, filters.UpdateType.MESSAGE))
        a.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT, self._on_text))
        a.add_handler(MessageHandler(NON_TEXT, self._on_non_text))
        a.add_error_handler(self._on_error)

    async def _lifespan(self, _: web.Application) -> AsyncIterator[None]:
        try:
            await self._start()
        except InvalidToken:
            await self._stop()
            raise ChannelError("Telegram từ chối token (kiểm tra DVCBOT_TELEGRAM_TOKEN) / "
                               "Telegram rejected the bot token (check DVCBOT_TELEGRAM_TOKEN).") from None
        except TelegramError as exc:
            if not isinstance(exc, NetworkError) or isinstance(exc, BadRequest):  # e.g. a webhook URL refused
                await self._stop()
                raise ChannelError(f"Telegram không nhận cấu hình / Telegram refused the setup: {describe(exc)}"
                                   ) from None
            log.warning("Telegram chưa kết nối được (%s); sẽ thử lại trong nền", describe(exc))
            self._starting = asyncio.create_task(self._start_later())  # the other channels serve meanwhile
        yield
        await self._stop()

    async def _start(self) -> None:
        bot = self.application.bot
        await self.application.initialize()
        await bot.set_my_commands([BotCommand(name, say(f"cmd_{name}")) for name in COMMANDS])
        if self.webhook_url:
            await bot.set_webhook(self.webhook_url, secret_token=self._secret, allowed_updates=list(ALLOWED_UPDATES))
        elif not self.application.updater.running:
            await self.application.updater.start_polling(timeout=self._poll_timeout,
                                                         allowed_updates=list(ALLOWED_UPDATES),
                                                         error_callback=self._on_polling_error)
        await self.application.start()
        log.info("Telegram đã bật (%s)", "webhook" if self.webhook_url else "long polling")
        await self.turns.resume_parked()

    async def _start_later(self) -> None:
        delay = self._retries.backoff_s
        while True:
            await asyncio.sleep(delay)
            try:
                await self._start()
                return
            except TelegramError as exc:
                log.warning("Telegram vẫn chưa kết nối được (%s)", describe(exc))
                delay = min(delay * 2, self._retries.start_backoff_max_s)

    async def _stop(self) -> None:
        """Stop polling (the pending getUpdates is cancelled), finish updates in hand, close connections."""
        if self._starting:
            self._starting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._starting
        updater = self.application.updater
        if updater and updater.running:
            await updater.stop()
        await self.turns.drain(self.services.shutdown.seconds_left())   # resumed parked turns
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()
        await self.application.bot.shutdown()  # also when initialize() failed half-way

    # ---- webhook
    async def webhook(self, request: web.Request) -> web.Response:
        """Authenticated first, then read; answers at once and leaves the work to the Application."""
        given = request.headers.get(SECRET_HEADER, "")
        if not self._secret or not hmac.compare_digest(given.encode(), self._secret.encode()):
            return web.json_response({"error": "forbidden"}, status=403)
        if self.services.shutdown.stopping:
            return web.json_response({"error": "stopping"}, status=503)  # Telegram delivers it again later
        if not self.application.running:
            return web.json_response({"error": "starting"}, status=503)  # Telegram delivers it again later
        try:
            body = json.loads(await request.read())
            update = Update.de_json(body, self.application.bot) if isinstance(body, dict) else None
        except web.HTTPRequestEntityTooLarge:
            return web.json_response({"error": "too large"}, status=413)
        except _NOT_AN_UPDATE:
            update = None
        if update is None:
            return web.json_response({"error": "not a Telegram update"}, status=400)
        await self.application.update_queue.put(update)
        return web.Response(status=200)

    # ---- updates
    async def _first_delivery_only(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        """A redelivered update_id goes no further (the dialogue also ignores repeated message ids)."""
        if not await self.turns.first_delivery(str(update.update_id)):
            raise ApplicationHandlerStop

    async def _on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        name = message.text.split()[0][1:].split("@")[0].lower()
        await self._converse(update, **COMMANDS[name])

    async def _on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        if addressed_to(message, context.bot.bot):
            await self._converse(update, text=without_mention(message.text, context.bot.username))

    async def _on_non_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Photos, stickers, voice, files, places, contacts: a kind word; nothing stored, nothing to the dialogue."""
        if addressed_to(update.message, context.bot.bot):
            await self._converse(update, canned="non_text")

    async def _on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        data = query.data if isinstance(query.data, str) else ""
        if data.startswith(DESK_PREFIX):  # a staff action, never a citizen's turn
            notice = None
            try:
                if self.services.desk_action:
                    notice = await self.services.desk_action(CHANNEL, str(query.from_user.id), data)
            finally:
                await self._answer(query, notice)
            return
        await self._answer(query)
        if data and query.message is not None:
            await self._converse(update, payload=data)

    async def _converse(self, update: Update, *, text: str | None = None, payload: str | None = None,
                        canned: str | None = None) -> None:
        """Hand the update to the turn runner (Telegram itself already got its 200)."""
        user, chat = update.effective_user, update.effective_chat
        if chat is None or (user is None and canned is None):
            return
        private = chat.type == ChatType.PRIVATE
        sender = user.id if user else f"chat:{chat.id}"
        reply_to = None if private else self._reply_to(update.message)
        await self.turns.deliver(citizen_turn(sender, chat.id, private, update.update_id, text, payload, reply_to,
                                              canned))

    def _send_for(self, turn: Turn) -> Send:
        return functools.partial(self.sender.send_to, turn.route["chat"], reply_to=turn.route["reply_to"])

    @staticmethod
    def _reply_to(message: Message | None) -> int | None:
        """In a group, answers quote the message they answer so everyone sees whom they are for."""
        return message.message_id if message and message.chat.type != ChatType.PRIVATE else None

    async def _answer(self, query: CallbackQuery, notice: str | None = None) -> None:
        try:
            async with self.services.shutdown.bounded():
                await self.sender.with_retries(lambda: query.answer(notice[:200] if notice else None))
        except TimeoutError:
            log.info("Telegram: máy chủ dừng trước khi trả lời nút bấm")
        except TelegramError as exc:  # too old to answer, or the network: the press itself still counts
            log.info("Telegram: không trả lời được nút bấm (%s)", describe(exc))

    # ---- errors
    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log what failed and where, never message text, user ids or the token; the bot carries on."""
        update_id = update.update_id if isinstance(update, Update) else "-"
        log.warning("Telegram: lỗi khi xử lý cập nhật %s: %s", update_id, describe(context.error))

    def _on_polling_error(self, exc: TelegramError) -> None:
        log.warning("Telegram: lỗi khi nhận cập nhật, đang thử lại (%s)", describe(exc))
