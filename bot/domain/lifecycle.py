"""The rules of an unmet need's life: mới → đã nhận → đã trả lời → đã đóng, with who and when.

Storage backends only persist what these rules decide (with a compare-and-set on the status, so two
workers or two team members cannot both claim one need).
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from bot.domain.chat_port import NeedStatus, UnmetNeed
from bot.domain.desk_port import StaffUser


class NeedAction(str, Enum):
    CLAIM = "claim"      # "Nhận xử lý"
    ANSWER = "answer"
    CLOSE = "close"
    TAKE_OVER = "take_over"  # "Nhận thay": an admin takes a ticket another member claimed


class Role(str, Enum):
    ADMIN = "admin"
    MEMBER = "member"


class LifecycleError(Exception):
    """A step the rules do not allow; the message is shown to the staff member as is (Vietnamese)."""


@dataclass(frozen=True)
class Step:
    """What an action does to a need: the status it leaves and the fields to write."""
    action: NeedAction
    expected: NeedStatus
    changes: dict

    @property
    def is_noop(self) -> bool:
        return not self.changes


def can_handle(actor: StaffUser, need: UnmetNeed) -> bool:
    """Admins handle every need; a member handles the needs routed to their own team."""
    if not actor.active:
        return False
    return actor.role == Role.ADMIN.value or (need.team_id is not None and need.team_id == actor.team_id)


def step(need: UnmetNeed, action: NeedAction, actor: StaffUser, now: str, answer: str | None = None) -> Step:
    """Decide what `action` by `actor` does to `need`, or raise LifecycleError saying why not."""
    if not can_handle(actor, need):
        raise LifecycleError(f"Yêu cầu #{need.id} không thuộc tổ của bạn.")
    status = NeedStatus(need.status)
    if status == NeedStatus.CLOSED:
        raise LifecycleError(f"Yêu cầu #{need.id} đã đóng.")
    held_by_other = status == NeedStatus.ACKNOWLEDGED and need.claimed_by not in (None, actor.id)
    if action == NeedAction.TAKE_OVER:
        if actor.role != Role.ADMIN.value:
            raise LifecycleError("Chỉ quản trị viên được nhận thay yêu cầu người khác đang xử lý.")
        if status not in (NeedStatus.NEW, NeedStatus.ACKNOWLEDGED):
            raise LifecycleError(f"Yêu cầu #{need.id} đã được trả lời.")
        if need.claimed_by == actor.id:
            return Step(action, status, {})
        return Step(action, status, {"status": NeedStatus.ACKNOWLEDGED, "claimed_by": actor.id, "claimed_at": now})
    if action == NeedAction.CLAIM:
        if status == NeedStatus.NEW:
            return Step(action, status, {"status": NeedStatus.ACKNOWLEDGED, "claimed_by": actor.id, "claimed_at": now})
        if status == NeedStatus.ACKNOWLEDGED and need.claimed_by == actor.id:
            return Step(action, status, {})  # pressed twice: nothing changes
        raise LifecycleError(f"Yêu cầu #{need.id} đã có người nhận xử lý.")
    if action == NeedAction.ANSWER:  # one answer per ticket: two people must never send two different ones
        if status == NeedStatus.ANSWERED:
            raise LifecycleError(f"Yêu cầu #{need.id} đã được trả lời; người dân không nhận thêm câu trả lời thứ hai.")
        if held_by_other:
            raise LifecycleError(f"Yêu cầu #{need.id} đang do người khác xử lý. Quản trị viên có thể bấm “Nhận thay”.")
        if not (answer or "").strip():
            raise LifecycleError("Câu trả lời đang trống.")
        changes = {"status": NeedStatus.ANSWERED, "answered_by": actor.id, "answered_at": now, "answer": answer.strip()}
        if status == NeedStatus.NEW:  # answering an unclaimed need claims it too
            changes |= {"claimed_by": actor.id, "claimed_at": now}
        return Step(action, status, changes)
    if action == NeedAction.CLOSE:
        if held_by_other and actor.role != Role.ADMIN.value:
            raise LifecycleError(f"Yêu cầu #{need.id} đang do người khác xử lý; người đó hoặc quản trị viên mới đóng được.")
        return Step(action, status, {"status": NeedStatus.CLOSED, "closed_by": actor.id, "closed_at": now})
    raise LifecycleError(f"Không rõ thao tác '{action}'.")
