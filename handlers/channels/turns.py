"""One turn runner for every channel: what happens to a citizen's message between the channel's door and its reply.

A channel parses its payload into a `Turn` and hands it here; this module owns the rest, once for web,
Telegram and Zalo: dropping a delivery seen before, the rate limit (one notice per burst), one turn at a time
per citizen in arrival order, the shutdown clock (a turn not begun in time is kept, redacted, and answered at
the next start), the dialogue off the event loop, and a reply the channel could not send recorded for staff.
The channel's own `Send` turns replies into its API calls.

Nothing here is per process that several workers on one database must share: delivery ids seen, rate buckets,
the citizen's turn lock (around the dialogue, on top of this process's lane, which also keeps the sends in
order) and the claim on a parked turn are all in storage.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import traceback
from dataclasses import asdict, dataclass, field, fields
from typing import Any, AsyncIterator, Awaitable, Callable, Coroutine, Mapping, Sequence

from bot.core.clock import iso
from bot.core.messages import Incoming, Reply
from bot.core.wording import say
from bot.domain.delivery import DeliveryResult, DeliveryStatus, replies_text
from bot.privacy.redact import redact
from handlers.runtime.ratelimit import Verdict
from handlers.runtime.shutdown import CUT_OFF

log = logging.getLogger(__name__)
REMEMBERED_FOR_S = 2 * 86400   # delivery ids remembered to drop redeliveries (Telegram keeps an update for a day)
FORGET_EVERY_S = 3600          # how often a runner deletes the ids older than that
PARK_CLAIM_S = 300             # a parked turn claimed by a worker that died is resumed at a start after this

Send = Callable[[Sequence[Reply]], Awaitable[DeliveryResult]]


@dataclass(frozen=True)
class Turn:
    """One citizen message as a channel hands it over; kept (text redacted) when the server stops before it begins."""
    incoming: Incoming
    order: str = ""                      # turns with one key run one at a time, in arrival order (default: the citizen)
    canned: str | None = None            # a wording key answered without the dialogue (a photo, a new follower)
    route: Mapping[str, Any] = field(default_factory=dict)   # where the replies go, in the channel's own terms

    @property
    def lane(self) -> str:
        return self.order or self.incoming.user

    def kept(self) -> str:
        """One flat JSON object: the message's fields (text redacted) and the turn's."""
        text = self.incoming.text
        return json.dumps({**asdict(self.incoming), "text": redact(text) if text else text, "order": self.order,
                           "canned": self.canned, "route": dict(self.route)}, ensure_ascii=False)

    @classmethod
    def from_kept(cls, kept: Mapping[str, Any]) -> "Turn":
        message = {f.name for f in fields(Incoming)}
        return cls(Incoming(**{k: v for k, v in kept.items() if k in message}),
                   **{k: v for k, v in kept.items() if k not in message})


def describe(exc: BaseException) -> str:
    """An error's type and where it happened: never its message, which may quote what the citizen wrote."""
    frames = traceback.extract_tb(exc.__traceback__)
    return f"{type(exc).__name__} at {frames[-1].filename}:{frames[-1].lineno}" if frames else type(exc).__name__


@dataclass
class _Lane:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    waiting: int = 0


class TurnRunner:
    """A channel's turns. `send_for(turn)` sends that turn's replies; without it (the web chat, which answers in
    its HTTP response) `take` only returns them and nothing is parked."""

    def __init__(self, services, channel: str, send_for: Callable[[Turn], Send] | None = None,
                 legacy: Callable[[dict], Turn] | None = None) -> None:
        self.channel = channel
        self.dialogue, self.storage = services.dialogue, services.storage
        self.limit, self.services = services.citizen_limit, services
        self.send_for = send_for
        self._legacy = legacy   # reads a turn parked before this runner existed (the channel's old format)
        self._forget_after: float | None = None
        self._door = asyncio.Lock()   # delivery ids are looked up one at a time, in arrival order
        self._lanes: dict[str, _Lane] = {}
        self._tasks: set[asyncio.Task] = set()

    @property
    def shutdown(self):  # looked up each time: tests swap the clock on the services
        return self.services.shutdown

    # ---- at the door
    async def first_delivery(self, delivery_id: str) -> bool:
        """Platforms deliver again what they think was lost, possibly to another worker: the id (hashed, it may
        carry a user id) is looked up in storage, which also refuses a repeated message id. One look-up at a time,
        first come first served: deliveries leave the door in the order they came (the lane then keeps it)."""
        async with self._door:
            first = await asyncio.to_thread(self.storage.first_delivery, self.channel,
                                            self.dialogue.user_key(self.channel, f"delivery:{delivery_id}"))
        if not first:
            log.info("%s: một lần gửi lại bỏ qua", self.channel)   # the id may carry a user id: not logged
        now = self.storage.clock()
        if self._forget_after is None or now >= self._forget_after:
            self._forget_after = now + FORGET_EVERY_S
            self.background(asyncio.to_thread(self.storage.forget_deliveries, iso(now - REMEMBERED_FOR_S)))
        return first

    async def admit(self, turn: Turn) -> Verdict:
        """DVCBOT_RATE_PER_MINUTE per citizen and channel, counted by every worker together."""
        verdict = await self.limit.take(self.dialogue.user_key(self.channel, turn.incoming.user))
        if not verdict.allowed:
            log.info("%s: tin %s bỏ qua vì người dùng gửi quá nhanh", self.channel, turn.incoming.message_id)
        return verdict

    async def deliver(self, turn: Turn, parked: int | None = None) -> None:
        """A message the platform was already told is received: over the limit it is dropped, with one polite
        notice per burst (an error would only make the platform deliver the flood again); failures are logged.
        The lane is taken before anything waits, so the citizen's turns keep their arrival order."""
        try:
            async with self._lane(turn.lane):
                if parked is None and not (verdict := await self.admit(turn)).allowed:
                    if verdict.first_refusal:
                        await self._send(turn, [Reply(say("rate_limited_notice"))])
                    return
                await self._turn(turn, parked)
        except Exception as exc:
            log.error("%s: lỗi khi xử lý tin %s: %s", self.channel, turn.incoming.message_id, describe(exc))

    # ---- the turn
    async def take(self, turn: Turn, parked: int | None = None) -> list[Reply]:
        """One turn, after the citizen's earlier ones; once the shutdown clock says it is too late to begin, it
        is kept for the next start instead (channels that answer later only)."""
        async with self._lane(turn.lane):
            return await self._turn(turn, parked)

    async def _turn(self, turn: Turn, parked: int | None) -> list[Reply]:
        if self.send_for is not None and self.shutdown.too_late_to_start():
            if parked is None:
                key = self.dialogue.user_key(self.channel, turn.incoming.user)
                await asyncio.to_thread(self.storage.park_turn, key, self.channel, turn.kept())
            else:   # resumed, then stopped again before it began: the next start takes it at once
                await asyncio.to_thread(self.storage.release_parked_turn, parked)
            return []
        replies = await asyncio.to_thread(self._alone, turn, parked)
        if replies and self.send_for is not None:
            await self._send(turn, replies)
        return replies

    def _alone(self, turn: Turn, parked: int | None) -> list[Reply]:
        """The dialogue under the citizen's lock in storage: a turn of this lane on another worker waits for it (on
        PostgreSQL the lock is the turn's transaction, so a parked turn's unparking commits with its answer)."""
        with self.storage.citizen_lock(self.dialogue.user_key(self.channel, f"lane:{turn.lane}")):
            if turn.canned:   # nothing of a photo, sticker or place is stored
                replies = [Reply(say(turn.canned))]
            else:
                replies = self.dialogue.handle(turn.incoming)
            if parked is not None:
                self.storage.unpark_turn(parked)
        return replies

    @contextlib.asynccontextmanager
    async def _lane(self, key: str) -> AsyncIterator[None]:
        """asyncio.Lock wakes its waiters first come, first served: a citizen's turns keep their order."""
        lane = self._lanes.setdefault(key, _Lane())
        lane.waiting += 1
        try:
            async with lane.lock:
                yield
        finally:
            lane.waiting -= 1
            if not lane.waiting:
                del self._lanes[key]

    async def _send(self, turn: Turn, replies: Sequence[Reply]) -> DeliveryResult:
        """A send the shutdown clock cuts off at its finish; what did not get through is recorded for staff."""
        assert self.send_for is not None
        try:
            async with self.shutdown.bounded():
                result = await self.send_for(turn)(replies)
        except TimeoutError:
            result = DeliveryResult(DeliveryStatus.UNDELIVERED, CUT_OFF)
        if result.status == DeliveryStatus.UNDELIVERED:
            log.warning("%s: không gửi được trả lời cho tin %s: %s", self.channel, turn.incoming.message_id,
                        result.error)
            await asyncio.to_thread(self.storage.record_delivery, self.dialogue.user_key(self.channel,
                                    turn.incoming.user), self.channel, result.status.value, result.error,
                                    replies_text(replies))
        return result

    # ---- parked turns and background work
    async def resume_parked(self) -> None:
        """Turns acknowledged before the last shutdown but never begun: queued ahead of any new message. Each is
        claimed first, so of several workers starting together one resumes it."""
        claimed = await asyncio.to_thread(self.storage.claim_parked_turns, self.channel, self.storage.clock(),
                                          PARK_CLAIM_S)
        for turn_id, kept in claimed:
            data = json.loads(kept)
            turn = Turn.from_kept(data) if "channel" in data or self._legacy is None else self._legacy(data)
            self.background(self.deliver(turn, turn_id))

    def background(self, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self, timeout: float | None = None) -> None:
        """Wait for background turns; cancel what still runs after `timeout` (at shutdown the clock has parked or
        cut off every turn by then, so nothing should be left)."""
        deadline = None if timeout is None else asyncio.get_running_loop().time() + timeout
        while self._tasks:
            left = None if deadline is None else max(0.0, deadline - asyncio.get_running_loop().time())
            _, pending = await asyncio.wait(set(self._tasks), timeout=left)
            if pending:  # only after the timeout
                log.warning("%s: %d lượt còn chạy khi máy chủ dừng đã bị hủy", self.channel, len(pending))
                for task in pending:
                    task.cancel()
                await asyncio.gather(*pending, return_exceptions=True)
                return
