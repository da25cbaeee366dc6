"""Zalo Official Account: POST /zalo/webhook in, customer-service messages out.

A thin adapter. It checks Zalo's signature on the raw body, answers 200 at once (Zalo retries slow
webhooks and may switch them off) and hands the event to the shared turn runner (handlers.channels.turns) in the
background: one event at a time per citizen, one notice to a citizen sending too fast. Button
payloads travel as the citizen's text (`oa.query.hide`) behind a prefix nobody types, and are mapped
back to `Incoming.payload` here; the dialogue treats a forged one as a stale button.
"""
from __future__ import annotations

import functools
import hashlib
import hmac
import json
import logging
import re
from dataclasses import dataclass, replace
from typing import AsyncIterator, Sequence

from aiohttp import web

from bot.core.labels import short_label
from bot.core.markup import split_text, to_plain
from bot.core.messages import Button, Incoming, Reply, well_formed
from bot.core.payloads import is_rating
from bot.dialogue.share import is_share, public_link
from bot.domain.delivery import DeliveryResult, DeliveryStatus
from bot.privacy.redact import redact
from handlers.channels.turns import Send, Turn, TurnRunner
from handlers.channels.zalo_api import RETRY_DELAYS, TOKEN_FILE, Tokens, TokenStore, ZaloApi, ZaloError
from handlers.runtime.services import MAX_REQUEST_BYTES, Services

log = logging.getLogger(__name__)

CHANNEL = "zalo"
PAYLOAD_PREFIX = "#dvc:"   # what an oa.query.hide button sends back as the citizen's text
MAX_BUTTONS = 4            # Zalo's exact limits are undocumented; stay well inside them
MAX_TITLE = 50
TEXT_LIMIT = 2000
MAX_ID = 64
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


def event_age_s(timestamp: str, now: float) -> float | None:
    """Seconds since Zalo sent the event (its `timestamp` is epoch milliseconds); None when it is not a number."""
    try:
        return now - int(timestamp) / 1000
    except ValueError:
        return None


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
    return short_label(title, MAX_TITLE)


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


def _rating_apart(reply: Reply) -> Reply:
    """An ask-back without its 👎 when that button alone would turn its options into numbered lines: the
    options matter more, and a complaint typed there still gets a person offered."""
    rating = [b for b in reply.buttons if is_rating(b.payload)]
    if rating and len(reply.buttons) > MAX_BUTTONS >= len(reply.buttons) - len(rating):
        return replace(reply, buttons=tuple(b for b in reply.buttons if b not in rating))
    return reply


def zalo_messages(replies: Sequence[Reply], public_url: str = "") -> list[dict]:
    """One turn as Zalo messages: plain text split under the limit, buttons on each reply's last chunk.

    A reply with more buttons than Zalo shows lists its options as "[n] …", numbered across the whole turn
    as the dialogue maps "1", "2" back (bot.core.messages.numbered_texts); its links stay buttons if they fit.
    """
    messages, numbered = [], 0
    for reply in replies:
        reply, share_line = _share_apart(_rating_apart(reply), public_url)
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
def turn_for(event: ZaloEvent) -> Turn:
    """A citizen's event as a turn: text for the dialogue; a follow or an image, sticker… gets a kind word."""
    canned = None if event.name == "user_send_text" else "followed" if event.name == "follow" else "non_text"
    incoming = incoming_for(event) if canned is None else Incoming(CHANNEL, event.user or "", message_id=event.msg_id,
                                                                   address=event.user)
    return Turn(incoming, canned=canned)


class ZaloChannel:
    """POST /zalo/webhook, the background work it starts, and the OA API session."""
    name = CHANNEL

    def __init__(self, services: Services, *, retry_delays: Sequence[float] = RETRY_DELAYS,
                 timeout_s: float = 10.0) -> None:
        s = services.settings
        self._app_id, self._oa_secret = s.zalo_app_id, s.zalo_oa_secret
        self._max_age_s = s.zalo_max_event_age_s
        store = TokenStore(services.storage, Tokens(s.zalo_access_token, s.zalo_refresh_token), s.data_dir / TOKEN_FILE)
        self.api = ZaloApi(s.zalo_api_url, s.zalo_oauth_url, s.zalo_app_id, s.zalo_app_secret, store,
                           retry_delays=retry_delays, timeout_s=timeout_s)
        self.sender = ZaloSender(self.api, s.public_url)
        self.services = services
        # rows parked before the shared runner kept the raw event
        self.turns = TurnRunner(services, CHANNEL, self._send_for, legacy=lambda kept: turn_for(ZaloEvent(**kept)))

    def _send_for(self, turn: Turn) -> Send:
        key = self.services.dialogue.user_key(CHANNEL, turn.incoming.user)
        return functools.partial(self.sender.send, key, turn.incoming.address)

    def mount(self, app: web.Application) -> None:
        app.router.add_post("/zalo/webhook", self.webhook)
        app.cleanup_ctx.append(self._lifetime)

    async def _lifetime(self, _: web.Application) -> AsyncIterator[None]:
        async with self.api:
            await self.turns.resume_parked()
            yield
            await self.drain(self.services.shutdown.seconds_left())

    async def drain(self, timeout: float | None = None) -> None:
        """Wait for the events being handled (see TurnRunner.drain)."""
        await self.turns.drain(timeout)

    # ---- webhook
    async def webhook(self, request: web.Request) -> web.Response:
        if not (self._app_id and self._oa_secret):
            return _json({"error": "Kênh Zalo chưa được cấu hình."}, status=403)
        if self.services.shutdown.stopping:  # Zalo delivers it again once the server is back
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
        # a signed event replayed later, or held up somewhere for long: acknowledged (Zalo would send it again) but
        # not handled; a replay within the window is stopped by its msg_id instead
        age = event_age_s(event.timestamp, self.services.storage.clock())
        if age is None or abs(age) > self._max_age_s:
            log.warning("Zalo event %s not handled: sent %s s ago (the limit is %g s, %s)", event.name,
                        "?" if age is None else f"{age:.0f}", self._max_age_s, "DVCBOT_ZALO_MAX_EVENT_AGE_S")
            return _json({"status": "ok"})
        # answered at once (Zalo retries slow webhooks); the turn runs in the background, after the citizen's
        # earlier ones. A repeated delivery is known by its msg_id (follow events have none).
        if event.user is not None and await self.turns.first_delivery(
                event.msg_id or f"{event.name}:{event.user}:{event.timestamp}"):
            self.turns.background(self.turns.deliver(turn_for(event)))
        return _json({"status": "ok"})
