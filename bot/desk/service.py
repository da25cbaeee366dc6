"""The community desk: every unmet need reaches a team, every answer reaches the citizen.

Routes needs to teams, announces them in the team's Telegram group, applies the lifecycle rules
(bot.domain.lifecycle) with who and when, and delivers a member's answer on the citizen's own channel (to
everyone waiting in a group of similar needs). Background steps are safe to run from several workers.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Callable, Sequence

from bot.core.clock import SYSTEM_CLOCK, Clock, now_dt, now_iso
from bot.core.messages import Button, Reply
from bot.core.numbers import is_number
from bot.core.payloads import handoff_button, menu_button
from bot.core.wording import say
from bot.desk.grouping import NeedGroup, QuestionVectors, group_needs
from bot.domain.chat_port import NeedStatus, UnmetNeed
from bot.domain.delivery import Deliverer, DeliveryResult, DeliveryStatus
from bot.domain.desk_port import CommunityStorage, StaffUser, Team
from bot.domain.lifecycle import LifecycleError, NeedAction, Role, can_handle, step
from bot.domain.routing import ready_to_route, team_for
from bot.privacy.redact import redact

log = logging.getLogger(__name__)
DESK_PREFIX = "desk"
OPEN = (NeedStatus.NEW.value, NeedStatus.ACKNOWLEDGED.value)


class StalePayload(ValueError):
    """A desk button whose payload is not (or no longer) understood."""


def claim_payload(need_id: int) -> str:
    return f"{DESK_PREFIX}:{NeedAction.CLAIM.value}:{need_id}"


def parse_payload(payload: str) -> tuple[NeedAction, int]:
    parts = payload.split(":")
    if len(parts) != 3 or parts[0] != DESK_PREFIX or not is_number(parts[2]):
        raise StalePayload(payload)
    try:
        return NeedAction(parts[1]), int(parts[2])
    except ValueError as exc:
        raise StalePayload(payload) from exc


@dataclass(frozen=True)
class AnswerOutcome:
    need: UnmetNeed
    delivery: DeliveryResult


class CommunityDesk:
    def __init__(self, storage: CommunityStorage, deliverer: Deliverer, record_answer: Callable[..., tuple[int, list[Reply]]],
                 normalize: Callable[[str], str] | None = None, public_url: str = "",
                 clock: Clock = SYSTEM_CLOCK, vectors: QuestionVectors | None = None) -> None:
        """`record_answer(user, channel, text, question)` stores a team's answer in the citizen's conversation
        (Dialogue.record_team_answer) and returns (the stored answer's id, the replies with rating buttons).
        `vectors` embeds questions so paraphrases are grouped too (None: grouped by string similarity only)."""
        self.storage, self.deliverer = storage, deliverer
        self._record_answer = record_answer
        self._normalize = normalize
        self._vectors = vectors
        self._public_url = public_url.rstrip("/")
        self._clock = clock

    # ---- background: route and announce (idempotent; several workers may run it)
    def route_pending(self) -> list[UnmetNeed]:
        teams = self.storage.teams()
        if not teams:
            return []  # kept unrouted until a team exists
        now = now_dt(self._clock)
        routed = []
        for need in self.storage.needs_to_route():
            place = self.storage.place(need.user)
            if not ready_to_route(need, teams, place, now):
                continue
            team = team_for(teams, place)
            if self.storage.route_need(need.id, team.id, now.isoformat(timespec="seconds")):
                self.storage.add_need_event(need.id, "routed", None, now.isoformat(timespec="seconds"), team.name)
                routed.append(need)
        return routed

    async def announce_pending(self) -> int:
        """Announce routed new needs in their team's Telegram group (when Telegram is on and the team has a
        group); the web queue shows every need either way. Returns how many were sent."""
        sender = self.deliverer.senders.get("telegram")
        sent = 0
        for need in await asyncio.to_thread(self.storage.needs_to_announce):
            if not await asyncio.to_thread(self.storage.mark_announced, need.id, now_iso(self._clock)):
                continue  # another worker has it
            team = await asyncio.to_thread(self._team, need)
            if sender is None or team is None or not team.telegram_chat_id:
                continue
            announcement = await asyncio.to_thread(self.announcement, need, team)
            try:
                result = await sender.send(f"team-{team.id}", team.telegram_chat_id, [announcement])
            except Exception as exc:  # the web queue still shows it; staff see why in the need's history
                log.warning("announcing need %s failed: %s", need.id, type(exc).__name__)
                result = DeliveryResult(DeliveryStatus.UNDELIVERED, type(exc).__name__)
            await asyncio.to_thread(self.storage.add_need_event, need.id, "announced", None, now_iso(self._clock),
                                    result.status.value)
            sent += result.status == DeliveryStatus.SENT
        return sent

    def announcement(self, need: UnmetNeed, team: Team) -> Reply:
        text = say("desk_announce", need_id=str(need.id), team=team.name, kind=say(f"kind_{need.kind}"),
                   question=need.question or say("desk_no_question"))
        moved = [e for e in self.storage.need_events(need.id) if e.action == "reassigned"]
        if moved:
            text += "\n" + say("desk_reassigned_from", route=moved[-1].detail or "")
        if self._public_url:
            text += "\n" + say("desk_answer_at", url=f"{self._public_url}/admin/needs/{need.id}")
        return Reply(text, (Button(say("btn_desk_claim"), claim_payload(need.id)),))

    async def tick(self) -> None:
        """The background step (every few seconds on the server): the only place needs get routed."""
        await asyncio.to_thread(self.route_pending)
        await self.announce_pending()

    # ---- storage reads for the async steps, run in a worker thread (never on the event loop)
    def _needs(self, need_ids: Sequence[int]) -> dict[int, UnmetNeed | None]:
        return {i: self.storage.need(i) for i in dict.fromkeys(need_ids)}

    def _team(self, need: UnmetNeed) -> Team | None:
        return self.storage.team(need.team_id) if need.team_id is not None else None

    def _team_name(self, need: UnmetNeed) -> str:
        team = self._team(need)
        return team.name if team else say("desk_team_generic")

    # ---- staff actions
    def _apply(self, actor: StaffUser, need_id: int, action: NeedAction, answer: str | None = None) -> UnmetNeed:
        need = self.storage.need(need_id)
        if need is None:
            raise LifecycleError(f"Không tìm thấy yêu cầu #{need_id}.")
        now = now_iso(self._clock)
        change = step(need, action, actor, now, answer)
        if change.is_noop:
            return need
        updated = self.storage.update_need(need_id, change.expected, change.changes)
        if updated is None:
            raise LifecycleError(f"Yêu cầu #{need_id} vừa được người khác cập nhật; hãy tải lại trang.")
        self.storage.add_need_event(need_id, action.value, actor.id, now)
        self.storage.add_audit(actor.id, actor.username, f"need.{action.value}", f"need:{need_id}")
        if action == NeedAction.CLOSE:
            self.storage.delete_callback(need_id)  # a call-back number lives only as long as its ticket
        return updated

    def claim(self, actor: StaffUser, need_id: int) -> UnmetNeed:
        return self._apply(actor, need_id, NeedAction.CLAIM)

    def reassign(self, actor: StaffUser, need_id: int, team_id: int) -> UnmetNeed:
        """Send an open need to the team it belongs to (a citizen of another province, a wrong guess): it is
        new in that team's queue and announced in its group, saying where it came from. Audit-logged."""
        need, team = self.storage.need(need_id), self.storage.team(team_id)
        if need is None or not can_handle(actor, need):
            raise LifecycleError(f"Yêu cầu #{need_id} không thuộc tổ của bạn.")
        if team is None:
            raise LifecycleError("Không có tổ này.")
        if need.status not in OPEN:
            raise LifecycleError(f"Yêu cầu #{need_id} đã được trả lời hoặc đã đóng, không chuyển được.")
        if need.team_id == team.id:
            return need
        old = self.storage.team(need.team_id) if need.team_id is not None else None
        moved = self.storage.reassign_need(need_id, team.id, now_iso(self._clock))
        if moved is None:
            raise LifecycleError(f"Yêu cầu #{need_id} vừa được người khác cập nhật; hãy tải lại trang.")
        detail = f"{old.name if old else '—'} → {team.name}"
        self.storage.add_need_event(need_id, "reassigned", actor.id, now_iso(self._clock), detail)
        self.storage.add_audit(actor.id, actor.username, "need.reassign", f"need:{need_id}", detail)
        return moved

    def regroup(self, actor: StaffUser, need_id: int, with_need: int | None) -> UnmetNeed:
        """Merge an open need into another's group (`with_need`), or split it out (None): audit-logged."""
        need = self.storage.need(need_id)
        if need is None or not can_handle(actor, need) or need.status not in OPEN:
            raise LifecycleError(f"Không gộp hoặc tách được yêu cầu #{need_id}.")
        if with_need is not None:
            other = self.storage.need(with_need)
            if other is None or other.id == need.id or not can_handle(actor, other) or other.status not in OPEN \
                    or other.team_id != need.team_id:
                raise LifecycleError(f"Không gộp được với yêu cầu #{with_need}: cần một yêu cầu đang chờ của cùng tổ.")
            with_need = other.group_with or other.id   # join the group, not a chain
        updated = self.storage.set_need_group(need_id, with_need if with_need is not None else 0)
        action = f"merge:{with_need}" if with_need is not None else "split"
        self.storage.add_need_event(need_id, "regroup", actor.id, now_iso(self._clock), action)
        self.storage.add_audit(actor.id, actor.username, "need.regroup", f"need:{need_id}", action)
        return updated

    def take_over(self, actor: StaffUser, need_id: int) -> UnmetNeed:
        """An admin takes a ticket someone else claimed (they are away): audit-logged like every step."""
        return self._apply(actor, need_id, NeedAction.TAKE_OVER)

    def close(self, actor: StaffUser, need_ids: Sequence[int]) -> list[UnmetNeed]:
        return [self._apply(actor, i, NeedAction.CLOSE) for i in need_ids]

    async def close_and_tell(self, actor: StaffUser, need_ids: Sequence[int], note: str = "") -> list[UnmetNeed]:
        """Close needs; a citizen whose need is closed without an answer is told so (with the team's note),
        on their own channel, instead of waiting for an answer that will not come."""
        before = await asyncio.to_thread(self._needs, need_ids)
        closed = await asyncio.to_thread(self.close, actor, list(before))
        note = redact(" ".join(note.split()))[:500]
        for need in closed:
            was = before[need.id]
            if was is None or was.status not in OPEN:
                continue
            text = say("desk_closed_unanswered", need_id=str(need.id), question=need.question or "—",
                       team=await asyncio.to_thread(self._team_name, need))
            if note:
                text += "\n" + say("desk_closed_note", note=note)
            result = await self.deliverer.deliver(need.user, need.channel, [Reply(text, (handoff_button(),
                                                                                        menu_button()))])
            await asyncio.to_thread(self.storage.add_need_event, need.id, "told_closed", actor.id,
                                    now_iso(self._clock), result.status.value)
        return closed

    async def answer(self, actor: StaffUser, need_ids: Sequence[int], text: str) -> list[AnswerOutcome]:
        """One answer to a need or a whole group: each citizen gets it on their own channel, with rating buttons.
        Every need is checked before anything is sent, so a refused one sends nothing."""
        found = await asyncio.to_thread(self._needs, need_ids)
        now = now_iso(self._clock)
        for need_id, need in found.items():
            if need is None:
                raise LifecycleError(f"Không tìm thấy yêu cầu #{need_id}.")
            step(need, NeedAction.ANSWER, actor, now, text)
        outcomes = []
        for need in found.values():
            # the citizen gets the answer as written; the stored copy (history, exports) is redacted
            updated = await asyncio.to_thread(self._apply, actor, need.id, NeedAction.ANSWER,
                                              redact(text, keep_addresses=True))
            body = say("team_answer", need_id=str(need.id), team=await asyncio.to_thread(self._team_name, need),
                       question=need.question or say("desk_no_question"), answer=text.strip())
            message_id, replies = await asyncio.to_thread(self._record_answer, need.user, need.channel, body,
                                                          need.question)
            result = await self.deliverer.deliver(need.user, need.channel, replies, logged=True)
            updated = await asyncio.to_thread(self._delivered, actor, need, message_id, result) or updated
            outcomes.append(AnswerOutcome(updated, result))
        return outcomes

    def _delivered(self, actor: StaffUser, need: UnmetNeed, message_id: int,
                   result: DeliveryResult) -> UnmetNeed | None:
        """Note how the answer went (staff see "undelivered" on the need)."""
        updated = self.storage.update_need(need.id, NeedStatus.ANSWERED, {
            "answer_message_id": message_id, "delivery": result.status.value, "delivery_error": result.error})
        self.storage.add_need_event(need.id, "delivered", actor.id, now_iso(self._clock), result.status.value)
        return updated

    async def staff_action(self, channel: str, channel_user_id: str, payload: str) -> str:
        """A desk button pressed on a channel ("Nhận xử lý" in a team's Telegram group): the text to show."""
        try:
            action, need_id = parse_payload(payload)
        except StalePayload:
            return say("desk_stale_button")
        actor = (await asyncio.to_thread(self.storage.staff_by_telegram, str(channel_user_id))
                 if channel == "telegram" else None)
        if actor is None:
            return say("desk_unknown_staff")
        if action != NeedAction.CLAIM:
            return say("desk_stale_button")
        try:
            await asyncio.to_thread(self.claim, actor, need_id)
        except LifecycleError as exc:
            return str(exc)
        text = say("desk_claimed", need_id=str(need_id), name=actor.name)
        if self._public_url:
            text += "\n" + say("desk_answer_at", url=f"{self._public_url}/admin/needs/{need_id}")
        return text

    # ---- what a staff member sees
    def visible_needs(self, actor: StaffUser, team_id: int | None = None) -> list[UnmetNeed]:
        """Every need for an admin (or one team's); a member's own team only."""
        needs = [n for n in self.storage.unmet_needs() if can_handle(actor, n)]
        if actor.role == Role.ADMIN.value and team_id is not None:
            needs = [n for n in needs if n.team_id == team_id]
        return needs

    def queue(self, actor: StaffUser, team_id: int | None = None) -> list[NeedGroup]:
        """Open needs (mới, đã nhận) grouped by similar question, largest group first. Read-only (it backs GET
        pages): routing is the tick's job."""
        open_needs = [n for n in self.visible_needs(actor, team_id) if n.status in OPEN]
        cosine_at = self._vectors.cosine_at if self._vectors is not None else None
        return group_needs(open_needs, self._normalize, vectors=self._vectors, cosine_at=cosine_at)

    def group_of(self, actor: StaffUser, need: UnmetNeed) -> NeedGroup:
        """The open group this need belongs to (itself alone when it is no longer open)."""
        if need.status in OPEN:
            for group in self.queue(actor, need.team_id if actor.role == Role.ADMIN.value else None):
                if need.id in group.need_ids:
                    return group
        return NeedGroup((need,))
