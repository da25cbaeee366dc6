"""Zalo Official Account: POST /zalo/webhook in, customer-service messages out.

A thin adapter. It checks Zalo's signature on the raw body, answers 200 at once (Zalo retries slow
webhooks and may switch them off) and handles the event in the background, one event at a time per
citizen; a citizen sending faster than the rate limit gets one notice and the rest is dropped. Button
payloads travel as the citizen's text (`oa.query.hide`) behind a prefix nobody types, and are mapped
back to `Incoming.payload` here; the dialogue treats a forged one as a stale button.
"""
from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import hmac
import json
import logging
import re
from collections import OrderedDict
from dataclasses import asdict, dataclass, field, replace
from typing import AsyncIterator, Coroutine, Sequence

from aiohttp import web

from bot.conversation import Button, Incoming, Reply, well_formed
from bot.delivery import DeliveryResult, DeliveryStatus
from bot.markup import split_text, to_plain
from bot.redact import redact
from bot.share import is_share, public_link
from bot.wording import say
from handlers.app import MAX_REQUEST_BYTES, Services
from handlers.shutdown import CUT_OFF
from handlers.zalo_api import RETRY_DELAYS, TOKEN_FILE, Tokens, TokenStore, ZaloApi, ZaloError

log = logging.getLogger(__name__)

CHANNEL = "zalo"
PAYLOAD_PREFIX = "#dvc:"   # what an oa.query.hide button sends back as the citizen's text
MAX_BUTTONS = 4            # Zalo's exact limits are undocumented; stay well inside them
MAX_TITLE = 50
TEXT_LIMIT = 2000
MAX_ID = 64
REMEMBERED_EVENTS = 10_000
_PAYLOAD = re.compile(r"[A-Za-z0-9_.:\-]{1,64}")
_json = functools.partial(web.json_response, dumps=functools.partial(json.dumps, ensure_ascii=False))


# ---- inbound
@dataclass(frozen=True)
class ZaloEvent:
    name: str
    user: str | None        # the citizen's id for this OA (sender.id; follower.id on "follow")
    msg_id: str | None
    text: str | None
    timestamp: str


def signature_ok(raw: bytes, header: str | None, app_id: str, oa_secret: str, timestamp: str) -> bool:
    """X-ZEvent-Signature = sha256 hex of app id + raw body + timestamp + OA secret key, with or without "mac="."""
    if not (header and app_id and oa_secret):
        return False
    given = header.strip()
    given = given[4:] if given[:4].lower() == "mac=" else given
    expected = hashlib.sha256(app_id.encode() + raw + timestamp.encode() + oa_secret.encode()).hexdigest()
    return hmac.compare_digest(expected.encode(), given.lower().encode("ascii", "replace"))


def _id(value: object) -> str | None:
    """Zalo ids are strings of digits; accept a number too, refuse anything else."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    text = well_formed(str(value).strip())
    return text if text and len(text) <= MAX_ID else None


def event_timestamp(body: object) -> str | None:
    return _id(body.get("timestamp")) if isinstance(body, dict) else None


def parse_event(body: dict, timestamp: str) -> ZaloEvent | str:
    """The event, or why the body is refused."""
    name = body.get("event_name")
    if not isinstance(name, str) or not name or len(name) > MAX_ID:
        return "event_name"
    if name.startswith("oa_") or not (name.startswith("user_send_") or name == "follow"):
        return ZaloEvent(name, None, None, None, timestamp)  # acknowledged, then ignored
    who = body.get("follower" if name == "follow" else "sender")
    user = _id(who.get("id")) if isinstance(who, dict) else None
    if user is None:
        return "sender.id" if name != "follow" else "follower.id"
    message = body.get("message", {})
    if not isinstance(message, dict):
        return "message"
    msg_id, text = _id(message.get("msg_id")), message.get("text")
    if msg_id is None and (message.get("msg_id") is not None or name == "user_send_text"):
        return "message.msg_id"
    if name != "user_send_text":
        return ZaloEvent(name, user, msg_id, None, timestamp)  # nothing of an image, sticker… is kept
    return ZaloEvent(name, user, msg_id, text, timestamp) if isinstance(text, str) else "message.text"


def button_payload(text: str) -> str | None:
    """Our payload when the text is a pressed button; personal data never passes as a payload."""
    text = text.strip()
    if not text.startswith(PAYLOAD_PREFIX):
        return None
    payload = text[len(PAYLOAD_PREFIX):]
    return payload if _PAYLOAD.fullmatch(payload) and redact(payload) == payload else None


def incoming_for(event: ZaloEvent) -> Incoming:
    payload = button_payload(event.text or "")
    return Incoming(CHANNEL, event.user or "", text=None if payload else event.text, payload=payload,
                    message_id=event.msg_id, address=event.user)


# ---- outbound
def _title(title: str) -> str:
    return title if len(title) <= MAX_TITLE else title[:MAX_TITLE - 1].rstrip() + "…"


def _button(button: Button) -> dict:
    if button.url:
        return {"title": _title(button.title), "type": "oa.open.url", "payload": {"url": button.url}}
    return {"title": _title(button.title), "type": "oa.query.hide", "payload": PAYLOAD_PREFIX + button.payload}


def _share_apart(reply: Reply, public_url: str) -> tuple[Reply, str | None]:
    """The reply without its "Chia sẻ" button, and the line that shares it when the buttons are full: Zalo opens
    the public page in its in-app browser, whose own menu shares it. A full answer bubble (two portal links,
    "Xem chi tiết", "Làm từng bước") keeps its buttons and shares from a short text line instead. Without a
    public address there is nothing to share (a localhost link reaches nobody)."""
    share = next((b for b in reply.buttons if is_share(b)), None)
    if share is None:
        return reply, None
    rest = tuple(b for b in reply.buttons if not is_share(b))
    page = public_link(public_url, share.url or "")
    if page is None:
        return replace(reply, buttons=rest), None
    if len(rest) < MAX_BUTTONS:
        return replace(reply, buttons=rest + (Button(share.title, url=page),)), None
    return replace(reply, buttons=rest), f"🔗 {share.title}: {page}"


def zalo_messages(replies: Sequence[Reply], public_url: str = "") -> list[dict]:
    """One turn as Zalo messages: plain text split under the limit, buttons on each reply's last chunk.

    A reply with more buttons than Zalo shows lists its options as "[n] …", numbered across the whole turn
    as the dialogue maps "1", "2" back (bot.conversation.numbered_texts); its links stay buttons if they fit.
    """
    messages, numbered = [], 0
    for reply in replies:
        reply, share_line = _share_apart(reply, public_url)
        options = [b for b in reply.buttons if b.payload]
        links = [b for b in reply.buttons if b.url]
        lines, buttons = [reply.text], list(reply.buttons)
        if len(buttons) > MAX_BUTTONS:
            lines += [f"[{numbered + i}] {b.title}" for i, b in enumerate(options, 1)]
            buttons = links if len(links) <= MAX_BUTTONS else []
            if not buttons:
                lines += [f"🔗 {b.title}: {b.url}" for b in links]
        lines += [share_line] if share_line else []
        numbered += len(options)
        chunks = split_text(to_plain("\n".join(lines)), TEXT_LIMIT)
        messages += [{"text": chunk} for chunk in chunks[:-1]]
        if chunks:
            last: dict = {"text": chunks[-1]}
            if buttons:
                last["attachment"] = {"type": "template", "payload": {"buttons": [_button(b) for b in buttons]}}
            messages.append(last)
    return messages


class ZaloSender:
    """Delivers replies to a citizen's Zalo id (also outside a webhook, e.g. a team member's answer)."""
    channel = CHANNEL

    def __init__(self, api: ZaloApi, public_url: str = "") -> None:
        self.api = api
        self.public_url = public_url

    async def send(self, user: str, address: str | None, replies: Sequence[Reply]) -> DeliveryResult:
        if not address:
            return DeliveryResult(DeliveryStatus.UNDELIVERED, "no-address")
        try:
            for message in zalo_messages(replies, self.public_url):
                await self.api.send_message(address, message)
        except ZaloError as exc:
            log.warning("Zalo message not delivered (%s)", exc.code)
            return DeliveryResult(DeliveryStatus.UNDELIVERED, exc.code)
        return DeliveryResult(DeliveryStatus.SENT)


# ---- the channel
@dataclass
class _Turns:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    waiting: int = 0


class ZaloChannel:
    """POST /zalo/webhook, the background work it starts, and the OA API session."""
    name = CHANNEL

    def __init__(self, services: Services, *, retry_delays: Sequence[float] = RETRY_DELAYS,
                 timeout_s: float = 10.0) -> None:
        s = services.settings
        self.dialogue, self.storage = services.dialogue, services.storage
        self.citizen_limit = services.citizen_limit
        self._app_id, self._oa_secret = s.zalo_app_id, s.zalo_oa_secret
        store = TokenStore(s.data_dir / TOKEN_FILE, Tokens(s.zalo_access_token, s.zalo_refresh_token))
        self.api = ZaloApi(s.zalo_api_url, s.zalo_oauth_url, s.zalo_app_id, s.zalo_app_secret, store,
                           retry_delays=retry_delays, timeout_s=timeout_s)
        self.sender = ZaloSender(self.api, s.public_url)
        self.shutdown = services.shutdown
        self._tasks: set[asyncio.Task] = set()
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._turns: dict[str, _Turns] = {}

    def mount(self, app: web.Application) -> None:
        app.router.add_post("/zalo/webhook", self.webhook)
        app.cleanup_ctx.append(self._lifetime)

    async def _lifetime(self, _: web.Application) -> AsyncIterator[None]:
        async with self.api:
            await self._resume_parked()
            yield
            await self.drain(self.shutdown.seconds_left())

    async def drain(self, timeout: float | None = None) -> None:
        """Wait for events being handled; cancel what still runs after `timeout` (at shutdown the clock has
        parked or cut off every turn by then, so nothing should be left)."""
        deadline = None if timeout is None else asyncio.get_running_loop().time() + timeout
        while self._tasks:
            left = None if deadline is None else max(0.0, deadline - asyncio.get_running_loop().time())
            _, pending = await asyncio.wait(set(self._tasks), timeout=left)
            if pending:  # only after the timeout
                log.warning("%d Zalo event(s) still running at shutdown were cancelled", len(pending))
                for task in pending:
                    task.cancel()
                await asyncio.gather(*pending, return_exceptions=True)
                return

    # ---- webhook
    async def webhook(self, request: web.Request) -> web.Response:
        if not (self._app_id and self._oa_secret):
            return _json({"error": "Kênh Zalo chưa được cấu hình."}, status=403)
        if self.shutdown.stopping:  # Zalo delivers it again once the server is back
            return _json({"error": "Máy chủ đang khởi động lại."}, status=503)
        if request.content_length is not None and request.content_length > MAX_REQUEST_BYTES:
            return _json({"error": "Nội dung quá lớn."}, status=413)
        try:
            raw = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return _json({"error": "Nội dung quá lớn."}, status=413)
        try:  # read before the signature check: the signed text includes the body's own timestamp
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: "[" nested thousands deep
            return _json({"error": "Nội dung không phải JSON hợp lệ."}, status=400)
        timestamp = event_timestamp(body)
        if timestamp is None or not signature_ok(raw, request.headers.get("X-ZEvent-Signature"),
                                                 self._app_id, self._oa_secret, timestamp):
            log.warning("Zalo webhook with a missing or wrong signature refused")
            return _json({"error": "Chữ ký không hợp lệ."}, status=403)
        event = parse_event(body, timestamp)
        if isinstance(event, str):
            return _json({"error": f"Thiếu hoặc sai trường '{event}'."}, status=400)
        if event.user is not None and self._first_time(event):
            verdict = self.citizen_limit.check(self.dialogue.user_key(CHANNEL, event.user))
            if verdict.allowed:
                self._background(self._handle(event, event.user))
            else:  # still 200: an error would only make Zalo deliver the flood again
                log.info("Zalo event %s dropped: the citizen is sending too fast", event.name)
                if verdict.first_refusal:
                    self._background(self._notify_too_fast(event.user))
        return _json({"status": "ok"})

    def _background(self, work: Coroutine[None, None, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _first_time(self, event: ZaloEvent) -> bool:
        """Zalo retries deliveries: remember recent events (storage also refuses a repeated msg_id)."""
        key = event.msg_id or f"{event.name}:{event.user}:{event.timestamp}"
        if key in self._seen:
            log.info("repeated Zalo delivery of %s ignored", event.name)
            return False
        self._seen[key] = None
        if len(self._seen) > REMEMBERED_EVENTS:
            self._seen.popitem(last=False)
        return True

    # ---- background
    @contextlib.asynccontextmanager
    async def _one_turn_at_a_time(self, user: str) -> AsyncIterator[None]:
        """A citizen's events are handled in the order they arrived, never two at once."""
        turns = self._turns.setdefault(user, _Turns())
        turns.waiting += 1
        try:
            async with turns.lock:
                yield
        finally:
            turns.waiting -= 1
            if not turns.waiting:
                del self._turns[user]

    async def _resume_parked(self) -> None:
        """Turns acknowledged before the last shutdown but never begun: queued ahead of any new webhook."""
        for turn_id, event in await asyncio.to_thread(self.storage.parked_turns, CHANNEL):
            parked = ZaloEvent(**json.loads(event))
            self._background(self._handle(parked, parked.user, turn_id))

    async def _park(self, event: ZaloEvent, user: str) -> None:
        kept = json.dumps({**asdict(event), "text": redact(event.text) if event.text else event.text},
                          ensure_ascii=False)
        await asyncio.to_thread(self.storage.park_turn, self.dialogue.user_key(CHANNEL, user), CHANNEL, kept)

    async def _handle(self, event: ZaloEvent, user: str, parked: int | None = None) -> None:
        try:
            async with self._one_turn_at_a_time(user):
                if self.shutdown.too_late_to_start():  # answered at the next start instead
                    if parked is None:
                        await self._park(event, user)
                    return
                if event.name == "user_send_text":
                    replies = await asyncio.to_thread(self.dialogue.handle, incoming_for(event))
                elif event.name == "follow":
                    replies = [Reply(say("followed"))]
                else:  # images, stickers, files, locations, links…: nothing of it is stored
                    replies = [Reply(say("non_text"))]
                if parked is not None:
                    await asyncio.to_thread(self.storage.unpark_turn, parked)
                if replies:
                    await self._reply(user, replies)
        except Exception:
            log.exception("Zalo event %s failed", event.name)

    async def _notify_too_fast(self, user: str) -> None:
        """One polite notice per burst; what the citizen sent meanwhile is dropped, never stored."""
        try:
            async with self._one_turn_at_a_time(user):
                await self._reply(user, [Reply(say("rate_limited_notice"))])
        except Exception:
            log.exception("Zalo flood notice failed")

    async def _reply(self, address: str, replies: list[Reply]) -> None:
        user = self.dialogue.user_key(CHANNEL, address)
        try:
            async with self.shutdown.bounded():
                result = await self.sender.send(user, address, replies)
        except TimeoutError:
            result = DeliveryResult(DeliveryStatus.UNDELIVERED, CUT_OFF)
        if result.status == DeliveryStatus.UNDELIVERED:  # e.g. -230: staff see it instead of a retry loop
            await asyncio.to_thread(self.storage.record_delivery, user, CHANNEL, result.status.value, result.error,
                                    redact("\n\n".join(r.text for r in replies)))
