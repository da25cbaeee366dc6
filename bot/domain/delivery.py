"""Delivering replies to a citizen outside the request that asked (e.g. a team member's answer).

Each channel has a Sender; the citizen's channel address (Telegram chat id,
Zalo user id) lives in its own table next to the hashed user key and is
never logged. Channels the citizen polls (web chat) queue replies in storage.
"""
from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from enum import Enum
from typing import Protocol, Sequence

from bot.core.messages import Reply, reply_from_dict, reply_to_dict
from bot.domain.chat_port import Storage
from bot.privacy.redact import redact

log = logging.getLogger(__name__)


class DeliveryStatus(str, Enum):
    SENT = "sent"                 # the channel accepted it
    QUEUED = "queued"             # waiting for the citizen's page to fetch it
    FETCHED = "fetched"           # the citizen's page fetched it
    UNDELIVERED = "undelivered"   # the channel refused (outside Zalo's reply window, blocked bot…): staff must see it


@dataclass(frozen=True)
class DeliveryResult:
    status: DeliveryStatus
    error: str | None = None


def replies_text(replies: Sequence[Reply]) -> str:
    """What a delivery record keeps of the replies: their text, redacted (it is stored and shown to staff)."""
    return redact("\n\n".join(r.text for r in replies))


class Sender(Protocol):
    channel: str

    async def send(self, user: str, address: str | None, replies: Sequence[Reply]) -> DeliveryResult: ...


class QueueSender:
    """For channels the citizen polls: replies wait in storage until the page fetches them."""

    def __init__(self, storage: Storage, channel: str) -> None:
        self.storage, self.channel = storage, channel

    async def send(self, user: str, address: str | None, replies: Sequence[Reply]) -> DeliveryResult:
        for reply in replies:
            await asyncio.to_thread(self.storage.queue_reply, user, self.channel,
                                    json.dumps(reply_to_dict(reply), ensure_ascii=False))
        return DeliveryResult(DeliveryStatus.QUEUED)

    def take(self, user: str) -> list[Reply]:
        """The waiting replies; team answers among them are then marked fetched, so staff see they arrived."""
        replies = [reply_from_dict(json.loads(r)) for r in self.storage.take_replies(user, self.channel)]
        if replies:
            self.storage.mark_answers_fetched(user, self.channel)
        return replies


class Deliverer:
    """Finds the channel and address of a citizen and hands replies to that channel's Sender."""

    def __init__(self, storage: Storage, senders: dict[str, Sender]) -> None:
        self.storage, self.senders = storage, senders

    async def deliver(self, user: str, channel: str, replies: Sequence[Reply], logged: bool = False) -> DeliveryResult:
        """`logged`: the replies are already in the conversation log (a team's answer is stored first because
        its rating buttons point at it), so they are not stored again."""
        sender = self.senders.get(channel)
        if sender is None:
            result = DeliveryResult(DeliveryStatus.UNDELIVERED, f"kênh '{channel}' chưa được bật")
        else:
            address = await asyncio.to_thread(self.storage.address, user, channel)
            try:
                result = await sender.send(user, address, replies)
            except Exception as exc:  # a channel failure must be visible to staff, never lost
                log.warning("delivery on %s failed: %s", channel, type(exc).__name__)
                result = DeliveryResult(DeliveryStatus.UNDELIVERED, type(exc).__name__)
        await asyncio.to_thread(self.storage.record_delivery, user, channel, result.status.value, result.error,
                                replies_text(replies))
        if result.status != DeliveryStatus.UNDELIVERED and not logged:
            for reply in replies:
                await asyncio.to_thread(self.storage.add_message, user, channel, "out", redact(reply.text))
        return result
