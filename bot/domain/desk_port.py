"""What the community desk and the admin pages remember: teams, staff, their sessions, need history,
knowledge drafts, the audit log. Records are frozen dataclasses; backends only persist (rules live in
bot.domain.lifecycle, bot.desk.accounts, bot.domain.routing, bot.desk.drafts, bot.domain.retention).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Protocol

from bot.domain.chat_port import NeedStatus, Storage, UnmetNeed
from bot.domain.token_port import TokenStorage


@dataclass(frozen=True)
class Team:
    """A Tổ công nghệ số cộng đồng: one per commune or ward (or a province-level team with no commune)."""
    id: int
    name: str
    province: str                 # code from knowledge/topics.yaml
    province_name: str
    commune: str                  # free text; "" for a province-level team
    telegram_chat_id: str | None  # the team's Telegram group, where new needs are announced
    is_default: bool              # needs with no better team go here


@dataclass(frozen=True)
class StaffUser:
    id: int
    username: str
    name: str
    role: str                     # "admin" | "member"
    team_id: int | None
    telegram_user_id: str | None
    active: bool
    password_hash: str


@dataclass(frozen=True)
class StaffSession:
    token_hash: str               # sha256 of the cookie value: a stolen database gives no usable session
    staff_id: int
    csrf_token: str
    created_at: float
    expires_at: float


@dataclass(frozen=True)
class CitizenPlace:
    """Where a citizen said they live (asked once, skippable): routes their needs."""
    user: str
    province: str | None
    team_id: int | None
    skipped: bool


@dataclass(frozen=True)
class NeedEvent:
    id: int
    need_id: int
    action: str                   # bot.domain.lifecycle.NeedAction value, or "routed" / "announced"
    staff_id: int | None
    at: str
    detail: str | None


@dataclass(frozen=True)
class QuestionRecord:
    """One citizen question the bot looked up, with what it did (answer / clarify / dont_know / …)."""
    message_id: int
    user: str
    channel: str
    created_at: str
    outcome: str
    entry_id: str | None = None   # the entry (or catalogue card, tthc:<code>) that answered it


@dataclass(frozen=True)
class KnowledgeDraft:
    id: int
    status: str                   # bot.desk.drafts.DraftStatus value
    need_ids: tuple[int, ...]
    entry_id: str
    title: str
    topic: str
    questions: tuple[str, ...]
    body: str
    links: tuple[dict, ...]       # {"title", "url"}
    sources: tuple[dict, ...]     # {"title", "url"?}
    created_by: int | None
    created_at: str
    updated_at: str
    reviewer_id: int | None
    approved_at: str | None
    file_path: str | None         # relative to the knowledge folder, once approved
    previous_text: str | None     # what the file held before approval (None: it did not exist), for revert
    reverted_at: str | None
    provinces: tuple[str, ...] = ()  # codes from topics.yaml where this answer holds; empty: everywhere


@dataclass(frozen=True)
class KnowledgeFile:
    """One version of a knowledge file, written by approving or reverting a draft. The database holds it (with the
    approval, in one transaction) so that every worker can write it into its own knowledge folder: nothing approved
    is lost to a crash between the commit and the file, or to a worker on another host."""
    version: int                  # 1, 2, …: one count for the whole folder, in the order the changes committed
    path: str                     # relative to the knowledge folder ("thanh-toan/cap-lai-so-bhxh.md")
    text: str | None              # None: the file is removed (the undo of a new entry)
    draft_id: int | None
    at: str


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    staff_id: int | None
    username: str
    action: str
    target: str | None
    detail: str | None


@dataclass(frozen=True)
class DeletionRequest:
    id: int
    requested_at: str
    rows_deleted: str             # JSON: rows removed per table
    requested_by: str             # "citizen" (in the chat) or the staff username who carried it out


class DeskStorage(Protocol):
    # teams and staff
    def add_team(self, name: str, province: str, province_name: str, commune: str,
                 telegram_chat_id: str | None = None, is_default: bool = False) -> Team: ...

    def update_team(self, team_id: int, changes: dict) -> Team: ...

    def teams(self) -> list[Team]: ...

    def team(self, team_id: int) -> Team | None: ...

    def add_staff(self, username: str, name: str, password_hash: str, role: str, team_id: int | None = None,
                  telegram_user_id: str | None = None) -> StaffUser:
        """Raises ValueError when the username is taken."""
        ...

    def update_staff(self, staff_id: int, changes: dict) -> StaffUser: ...

    def staff(self) -> list[StaffUser]: ...

    def staff_member(self, staff_id: int) -> StaffUser | None: ...

    def staff_by_username(self, username: str) -> StaffUser | None: ...

    def staff_by_telegram(self, telegram_user_id: str) -> StaffUser | None: ...

    # staff sessions and login throttling
    def add_staff_session(self, session: StaffSession) -> None: ...

    def staff_session(self, token_hash: str) -> StaffSession | None: ...

    def extend_staff_session(self, token_hash: str, expires_at: float) -> None: ...

    def delete_staff_session(self, token_hash: str) -> None: ...

    def delete_expired_staff_sessions(self, now: float) -> int: ...

    def delete_staff_sessions_of(self, staff_id: int, keep: str | None = None) -> int:
        """End a staff member's sessions, except the one whose token hash is `keep`."""
        ...

    def begin_login_attempt(self, username: str, ip: str, at: float, since: float,
                            wait_for: Callable[[list[float], list[float]], int]) -> int:
        """Atomically: `wait_for(failures from this address, failures on this username)` since `since`; when it
        is 0 the attempt is recorded as a failure (cleared on success) and 0 returned, else the wait."""
        ...

    def clear_login_failures(self, username: str) -> None: ...

    # needs: routing, announcing, history
    def need(self, need_id: int) -> UnmetNeed | None: ...

    def update_need(self, need_id: int, expected_status: NeedStatus, changes: dict) -> UnmetNeed | None:
        """Write `changes` only if the need still has `expected_status` (None otherwise): the lifecycle rules
        are in bot.domain.lifecycle; this compare-and-set keeps two workers from both claiming one need."""
        ...

    def needs_to_route(self) -> list[UnmetNeed]: ...

    def needs_to_announce(self) -> list[UnmetNeed]: ...

    def mark_announced(self, need_id: int, at: str) -> bool:
        """True for the one worker that gets to announce this need."""
        ...

    def route_need(self, need_id: int, team_id: int | None, at: str) -> bool: ...

    def reassign_need(self, need_id: int, team_id: int, at: str) -> UnmetNeed | None: ...

    def set_need_group(self, need_id: int, group_with: int) -> UnmetNeed:
        """Staff's grouping: answered with `group_with`'s group, or 0 for alone."""
        ...

    def add_need_event(self, need_id: int, action: str, staff_id: int | None, at: str,
                       detail: str | None = None) -> None: ...

    def need_events(self, need_id: int) -> list[NeedEvent]: ...

    def save_place(self, user: str, province: str | None, team_id: int | None, skipped: bool) -> None: ...

    def place(self, user: str) -> CitizenPlace | None: ...

    def places(self) -> list[CitizenPlace]: ...

    # what the bot did with each question (dashboard: share answered from knowledge)
    def set_outcome(self, message_id: int, outcome: str, entry_id: str | None = None) -> None: ...

    def questions(self) -> list[QuestionRecord]: ...

    # knowledge drafts
    def add_draft(self, need_ids: tuple[int, ...], entry_id: str, title: str, topic: str,
                  questions: tuple[str, ...], body: str, links: tuple[dict, ...], sources: tuple[dict, ...],
                  created_by: int | None, status: str, provinces: tuple[str, ...] = ()) -> KnowledgeDraft: ...

    def draft(self, draft_id: int) -> KnowledgeDraft | None: ...

    def drafts(self) -> list[KnowledgeDraft]: ...

    def update_draft(self, draft_id: int, expected_status: str, changes: dict) -> KnowledgeDraft | None:
        """Compare-and-set like update_need: one approval wins."""
        ...

    # knowledge files published through the database (bot.desk.publishing; issue 21)
    def update_draft_and_file(self, draft_id: int, expected_status: str, changes: dict, path: str,
                              text: str | None) -> tuple[KnowledgeDraft, KnowledgeFile] | None:
        """update_draft and, in the same transaction, the next version of the knowledge file at `path` (`text` None:
        removed): both or neither. Versions are numbered in commit order (a later commit has a higher version)."""
        ...

    def knowledge_files(self) -> list[KnowledgeFile]:
        """The newest version of every stored knowledge file, by version."""
        ...

    def knowledge_file(self, path: str) -> KnowledgeFile | None:
        """The newest stored version of the file at `path`, or None when approval never wrote it."""
        ...

    def claim_lease(self, name: str, holder: str, now: float, seconds: float) -> bool:
        """True when `holder` now holds the lease `name` until now + `seconds`: it was free, expired or already
        its own. One worker at a time does the work (building the index); a crashed holder's lease runs out."""
        ...

    def release_lease(self, name: str, holder: str) -> None:
        """Free the lease if `holder` still holds it."""
        ...

    # privacy duties
    def add_audit(self, staff_id: int | None, username: str, action: str, target: str | None = None,
                  detail: str | None = None) -> AuditEntry: ...

    def audit_log(self, limit: int = 500) -> list[AuditEntry]: ...

    def deletion_requests(self) -> list[DeletionRequest]: ...

    def purge_before(self, cutoff: str) -> dict[str, int]:
        """Delete conversations, needs and everything tied to them created before `cutoff` (ISO time)."""
        ...

    def claim_job(self, name: str, now: float, every_s: float) -> bool:
        """True when the job `name` has not run in the last `every_s` seconds (it is now marked as run)."""
        ...


class CommunityStorage(Storage, DeskStorage, TokenStorage, Protocol):
    """What the dialogue and the desk use: conversations plus the desk's tables (SqliteStorage is one)."""
