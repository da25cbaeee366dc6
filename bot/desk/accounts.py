"""Staff accounts: argon2id password hashes, short server-side sessions, CSRF tokens, throttled logins.

Sessions and failed-login counters live in storage, so several workers share them. Only a hash of the
session cookie is stored.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot.core.clock import SYSTEM_CLOCK, Clock
from bot.core.numbers import is_number
from bot.domain.desk_port import DeskStorage, StaffSession, StaffUser
from bot.domain.lifecycle import Role

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,31}$")
MIN_PASSWORD = 10
FREE_ATTEMPTS = 5          # failed logins from one address before each try from it must wait
FAILURE_WINDOW_S = 15 * 60
MAX_WAIT_S = 5 * 60
USER_FREE_ATTEMPTS = 10    # failed logins on one username from anywhere before its tries wait too...
USER_MAX_WAIT_S = 30       # ...briefly: someone guessing elsewhere must not lock the person out of their account


class AccountError(ValueError):
    """A refused account change; the message is for staff (Vietnamese)."""


@dataclass(frozen=True)
class LoginResult:
    staff: StaffUser | None = None
    token: str | None = None         # the cookie value; only its hash is stored
    retry_after: int = 0             # > 0: throttled, nothing was checked
    locked: bool = False             # the right password for an account an admin has locked


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def throttle_wait(failures: list[float], now: float, free: int = FREE_ATTEMPTS) -> int:
    """Seconds to wait before the next try: nothing for the first few failures, then doubling, capped."""
    over = len(failures) - free + 1
    if over <= 0:
        return 0
    wait = min(2 ** over, MAX_WAIT_S)
    return max(0, int(failures[-1] + wait - now + 0.999))


class Accounts:
    def __init__(self, storage: DeskStorage, session_minutes: int = 30, hasher: PasswordHasher | None = None,
                 clock: Clock = SYSTEM_CLOCK) -> None:
        self.storage = storage
        self._ttl = session_minutes * 60
        self._hasher = hasher or PasswordHasher()  # argon2id, RFC 9106 low-memory parameters
        self._dummy = self._hasher.hash(secrets.token_hex(8))
        self._clock = clock

    def create_user(self, username: str, password: str, role: str, team_id: int | None = None, name: str = "",
                    telegram_user_id: str | None = None) -> StaffUser:
        username = username.strip().lower()
        if not USERNAME.match(username):
            raise AccountError("Tên đăng nhập: 3–32 ký tự chữ thường không dấu, số, dấu chấm, gạch ngang, gạch dưới.")
        if len(password) < MIN_PASSWORD:
            raise AccountError(f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự.")
        if role not in (Role.ADMIN.value, Role.MEMBER.value):
            raise AccountError("Vai trò phải là admin hoặc member.")
        if role == Role.MEMBER.value and team_id is None:
            raise AccountError("Thành viên phải thuộc một tổ (--team).")
        if team_id is not None and self.storage.team(team_id) is None:
            raise AccountError(f"Không có tổ số {team_id}.")
        if telegram_user_id and not is_number(str(telegram_user_id).strip()):
            raise AccountError("Mã Telegram là một dãy số.")
        try:
            return self.storage.add_staff(username, name.strip() or username, self._hasher.hash(password), role,
                                          team_id, str(telegram_user_id).strip() if telegram_user_id else None)
        except ValueError as exc:
            raise AccountError(f"Tên đăng nhập '{username}' đã có.") from exc

    def login(self, username: str, password: str, address: str) -> LoginResult:
        """A new session on success (a fresh id every time); a wait time when there were too many failures."""
        now = self._clock()
        username = username.strip().lower()

        def wait_for(from_address: list[float], on_username: list[float]) -> int:
            return max(throttle_wait(from_address, now),
                       min(throttle_wait(on_username, now, USER_FREE_ATTEMPTS), USER_MAX_WAIT_S))

        # the try is counted as a failure before the password is checked, in the same transaction as the count:
        # thirty tries at once get five checks, not eleven
        wait = self.storage.begin_login_attempt(username, address, now, now - FAILURE_WINDOW_S, wait_for)
        if wait:
            return LoginResult(retry_after=wait)
        staff = self.storage.staff_by_username(username)
        if not self._verify(staff, password):
            return LoginResult()
        if not staff.active:  # only someone who knows the password learns the account is locked
            return LoginResult(locked=True)
        self.storage.clear_login_failures(username)
        if self._hasher.check_needs_rehash(staff.password_hash):
            self.storage.update_staff(staff.id, {"password_hash": self._hasher.hash(password)})
        token = secrets.token_urlsafe(32)
        self.storage.add_staff_session(StaffSession(_token_hash(token), staff.id, secrets.token_urlsafe(32), now,
                                                    now + self._ttl))
        return LoginResult(staff, token)

    def _verify(self, staff: StaffUser | None, password: str) -> bool:
        try:  # an unknown username costs the same time as a wrong password
            self._hasher.verify(staff.password_hash if staff else self._dummy, password)
        except (VerificationError, InvalidHashError):
            return False
        return staff is not None

    def change_password(self, staff: StaffUser, current: str, new: str, keep_token: str | None = None) -> None:
        """Everyone changes their own password (knowing the current one); their other sessions end."""
        if not self._verify(staff, current):
            raise AccountError("Mật khẩu hiện tại chưa đúng.")
        self._set_password(staff, new, keep=_token_hash(keep_token) if keep_token else None)

    def reset_password(self, staff_id: int, new: str) -> StaffUser:
        """An admin (or `dvcbot admin reset-password`) sets a new password for someone who forgot theirs:
        their sessions end and the failed logins on their name are forgotten."""
        staff = self.storage.staff_member(staff_id)
        if staff is None:
            raise AccountError("Không có tài khoản này.")
        self._set_password(staff, new, keep=None)
        self.storage.clear_login_failures(staff.username)
        return staff

    def _set_password(self, staff: StaffUser, new: str, keep: str | None) -> None:
        if len(new) < MIN_PASSWORD:
            raise AccountError(f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự.")
        self.storage.update_staff(staff.id, {"password_hash": self._hasher.hash(new)})
        self.storage.delete_staff_sessions_of(staff.id, keep)

    def move(self, staff_id: int, team_id: int | None) -> StaffUser:
        """Move a member to another team (they then see that team's queue)."""
        staff = self.storage.staff_member(staff_id)
        if staff is None:
            raise AccountError("Không có tài khoản này.")
        if team_id is not None and self.storage.team(team_id) is None:
            raise AccountError(f"Không có tổ số {team_id}.")
        if staff.role == Role.MEMBER.value and team_id is None:
            raise AccountError("Thành viên phải thuộc một tổ.")
        return self.storage.update_staff(staff_id, {"team_id": team_id})

    def set_active(self, staff_id: int, active: bool) -> StaffUser:
        """Deactivating an account ends its sessions at once: reactivating it later must not revive an old cookie."""
        staff = self.storage.update_staff(staff_id, {"active": active})
        if not active:
            self.storage.delete_staff_sessions_of(staff_id)
        return staff

    def session(self, token: str | None) -> tuple[StaffUser, StaffSession] | None:
        """The staff member behind a cookie, extending the session (it ends after `session_minutes` idle)."""
        if not token:
            return None
        now = self._clock()
        session = self.storage.staff_session(_token_hash(token))
        if session is None or session.expires_at <= now:
            return None
        staff = self.storage.staff_member(session.staff_id)
        if staff is None or not staff.active:
            return None
        self.storage.extend_staff_session(session.token_hash, now + self._ttl)
        return staff, session

    def logout(self, token: str | None) -> None:
        if token:
            self.storage.delete_staff_session(_token_hash(token))
        self.storage.delete_expired_staff_sessions(self._clock())

    @property
    def session_seconds(self) -> int:
        return self._ttl


def csrf_ok(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(expected.encode(), str(given).encode())
