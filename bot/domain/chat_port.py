"""What the conversation engine needs to remember, behind one small interface.

Every text reaching storage is already redacted and every user id is a salted
hash; implementations only persist. SQLite today, PostgreSQL later (roadmap).
"""
from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from bot.core.clock import Clock

# Every table holding a citizen's data (each has a `citizen` column: `user` is reserved in PostgreSQL), with the
# column that dates a row (ISO-8601 UTC text, bot.core.clock): the retention purge and "xóa dữ liệu của tôi" both use this
# one list, on every backend (tests/contract). deletion_requests stays: it is the proof a request was carried out
# and holds only the salted hash. The ports keep the word `user` (parameters, record fields, row dicts).
PERSON_COLUMN = "citizen"
PERSONAL_TABLES: dict[str, str] = {
    "messages": "created_at", "ratings": "updated_at", "unmet_needs": "created_at", "consent": "shown_at",
    "sessions": "updated_at", "addresses": "updated_at", "outbox": "created_at", "deliveries": "created_at",
    "callbacks": "created_at", "citizen_places": "updated_at", "parked_turns": "created_at",
    "offered_numbers": "created_at"}
# What "older than the retention" means beyond PERSONAL_TABLES (bot.domain.retention, every backend): these rows go with
# their need when it is older, however new they are (a call-back number never outlives its ticket) ...
GO_WITH_THEIR_NEED = ("need_events", "callbacks")
# ... and these are dated by their own column (the desk's teams, staff, drafts and audit log are kept).
ALSO_DATED: dict[str, str] = {"login_failures": "at", "deletion_requests": "requested_at"}


class NeedStatus(str, Enum):
    """Life of an unmet need: mới → đã nhận → đã trả lời → đã đóng."""
    NEW = "moi"
    ACKNOWLEDGED = "da_nhan"
    ANSWERED = "da_tra_loi"
    CLOSED = "da_dong"


class NeedKind(str, Enum):
    NO_ANSWER = "khong_co_cau_tra_loi"   # the bot did not know; the citizen sent it to the team
    BAD_RATING = "danh_gia_chua_hai_long"
    STUCK = "bi_ket_o_buoc"
    HANDOFF = "gap_nguoi_ho_tro"


@dataclass(frozen=True)
class Rating:
    id: int
    answer_id: int
    user: str
    channel: str
    question: str | None
    entry_id: str | None
    value: str            # "up" | "down"
    reason: str | None
    comment: str | None
    created_at: str | None = None
    updated_at: str | None = None


def rating_keeps_reason(value: str) -> bool:
    """Rating an answer again: a 👎 keeps the reason given with an earlier 👎; a 👍 takes it back (the answer was
    fine after all, so the reason no longer describes it). Backends apply this inside their one upsert."""
    return value != "up"


@dataclass(frozen=True)
class UnmetNeed:
    id: int
    user: str
    channel: str
    kind: str
    status: str
    question: str | None
    entry_id: str | None
    step: int | None
    context: str | None
    rating_id: int | None
    detail: str | None = None   # the citizen's own words about it ("kẹt ở chỗ nào"), redacted
    created_at: str | None = None
    team_id: int | None = None           # the community team it is routed to (None: not routed yet)
    routed_at: str | None = None
    announced_at: str | None = None
    claimed_by: int | None = None        # staff ids
    claimed_at: str | None = None
    answered_by: int | None = None
    answered_at: str | None = None
    answer: str | None = None
    answer_message_id: int | None = None  # the stored answer the citizen can rate
    delivery: str | None = None          # bot.domain.delivery.DeliveryStatus value of the last answer
    delivery_error: str | None = None
    closed_by: int | None = None
    closed_at: str | None = None
    group_with: int | None = None        # set by staff: answered with that need's group; 0: always alone


@dataclass(frozen=True)
class Callback:
    """A phone number the citizen chose to leave for one ticket; only the team handling it sees it."""
    need_id: int
    user: str
    phone: str
    preferred_time: str | None = None   # when the citizen would like the call, in their own (redacted) words


@dataclass(frozen=True)
class OfferedNumber:
    """A phone number typed with a call-back request, held (apart from the conversation) only until the citizen
    answers the consent question: kept as a Callback on "có", deleted otherwise."""
    user: str
    phone: str
    preferred_time: str | None = None


@dataclass(frozen=True)
class StoredSession:
    """A citizen's saved conversation state, with the version a save must name (optimistic concurrency)."""
    state: dict
    updated_at: float     # epoch seconds, on the dialogue's clock
    version: int          # 1 after the first save, one more on every save


@dataclass(frozen=True)
class TokenTaken:
    """What `take_token` found in a shared bucket: the token taken or not, what is left, refusals in a row."""
    allowed: bool
    tokens: float         # after the refill (and after the token taken, when allowed)
    refusals: int         # 0 when allowed; 1 on the first refusal since the key was last allowed


class DatabaseUnavailable(RuntimeError):
    """The database named by the settings cannot be reached; the message says where (never the password)."""


class StaleSession(Exception):
    """Another turn saved this citizen's session since it was loaded: nothing was written; load and try again."""


class Storage(Protocol):
    clock: Clock   # dates every row the store writes itself; the dialogue, desk and accounts are given the same one

    def transaction(self) -> AbstractContextManager[None]:
        """Writes inside commit together or not at all (a citizen's turn is one transaction)."""
        ...

    def add_message(self, user: str, channel: str, direction: str, text: str | None,
                    payload: str | None = None, entry_id: str | None = None, reply_to: int | None = None,
                    message_id: str | None = None) -> int | None: ...

    def recent_messages(self, user: str, limit: int) -> list[dict]: ...

    def message(self, message_id: int) -> dict | None: ...

    def rate(self, answer_id: int, user: str, channel: str, question: str | None, entry_id: str | None,
             value: str) -> Rating: ...

    def set_rating_reason(self, rating_id: int, user: str, reason: str | None = None,
                          comment: str | None = None) -> Rating | None: ...

    def ratings(self) -> list[Rating]: ...

    def add_unmet_need(self, user: str, channel: str, kind: NeedKind, question: str | None = None,
                       entry_id: str | None = None, step: int | None = None, context: str | None = None,
                       rating_id: int | None = None, detail: str | None = None) -> UnmetNeed: ...

    def set_need_detail(self, need_id: int, detail: str) -> UnmetNeed: ...

    def user_needs(self, user: str, statuses: tuple[NeedStatus, ...]) -> list[UnmetNeed]: ...

    def save_callback(self, need_id: int, user: str, phone: str, preferred_time: str | None = None) -> None: ...

    def callback(self, need_id: int) -> Callback | None: ...

    def offer_number(self, user: str, phone: str, preferred_time: str | None = None) -> None:
        """Hold a number the citizen typed unasked until they say whether to leave it (one per person)."""
        ...

    def offered_number(self, user: str) -> OfferedNumber | None: ...

    def drop_offered_number(self, user: str) -> bool:
        """Delete the held number (answered, declined or dropped), leaving no copy in the database files."""
        ...

    def mark_answers_fetched(self, user: str, channel: str) -> int:
        """Team answers waiting for this citizen's page ("queued") are now fetched."""
        ...

    def needs_with_callback(self) -> set[int]:
        """Ids of tickets with a call-back number (the queue marks them 📞)."""
        ...

    def delete_callback(self, need_id: int) -> bool: ...

    def unmet_needs(self, status: NeedStatus | None = None) -> list[UnmetNeed]: ...

    def record_consent(self, user: str, channel: str, notice_version: str) -> bool: ...

    def load_session(self, user: str) -> StoredSession | None: ...

    def save_session(self, user: str, state: dict, updated_at: float, expected_version: int | None) -> int:
        """Compare-and-set: written only if the stored version is still `expected_version` (None: no session
        stored yet); returns the new version. Raises StaleSession otherwise, writing nothing, so two turns of one
        citizen never lose an update whatever the backend's isolation."""
        ...

    def save_address(self, user: str, channel: str, address: str) -> None: ...

    def address(self, user: str, channel: str) -> str | None: ...

    def queue_reply(self, user: str, channel: str, reply: str) -> None: ...

    def take_replies(self, user: str, channel: str) -> list[str]: ...

    def record_delivery(self, user: str, channel: str, status: str, error: str | None, text: str | None) -> int: ...

    def deliveries(self, status: str | None = None) -> list[dict]: ...

    def park_turn(self, user: str, channel: str, event: str) -> None: ...

    def parked_turns(self, channel: str) -> list[tuple[int, str]]: ...

    def unpark_turn(self, turn_id: int) -> None: ...

    def delete_user(self, user: str, requested_by: str = "citizen") -> dict[str, int]: ...

    # ---- shared by every worker on one database (issue 21): nothing a second `dvcbot serve` must see stays in memory
    def take_token(self, key: str, per_minute: int, now: float) -> TokenTaken:
        """One token from the pseudonymous key's bucket (up to `per_minute` tokens, refilled at `per_minute` a
        minute; `now` in epoch seconds), atomically: workers taking from one bucket at once never both spend its
        last token."""
        ...

    def forget_rate_buckets(self, before: float) -> int:
        """Delete buckets untouched since `before` (a bucket untouched for a minute is full: it carries nothing)."""
        ...

    def first_delivery(self, channel: str, delivery_id: str) -> bool:
        """True the first time this channel's delivery id (pseudonymous) is seen, on any worker; False for a
        platform's redelivery, so it is answered once."""
        ...

    def forget_deliveries(self, before: str) -> int:
        """Delete delivery ids first seen before `before` (ISO time): platforms stop redelivering long before."""
        ...

    def citizen_lock(self, key: str) -> AbstractContextManager[None]:
        """One turn of a citizen at a time: another `citizen_lock(key)` on any connection to this database waits
        for this block to end. A backend may hold it as a transaction around the block (its writes then commit at
        the block's end)."""
        ...

    def claim_parked_turns(self, channel: str, now: float, lease_s: float) -> list[tuple[int, str]]:
        """(id, event) of the channel's parked turns not claimed by another worker in the last `lease_s` seconds,
        oldest first, now claimed by the caller (one claim per turn, atomically); `unpark_turn` ends one. A claim
        whose worker died runs out after the lease, and the turn is resumed at a later start."""
        ...

    def release_parked_turn(self, turn_id: int) -> None:
        """Give back a claimed turn not begun (the server stopping again): the next start resumes it at once."""
        ...
