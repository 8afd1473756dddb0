"""Accounts, login, sessions and API tokens for the service's users.

Passwords are hashed with argon2id (OWASP password storage guidance); session
ids and API tokens are random 256-bit secrets stored only as SHA-256 hashes,
so a copy of the database cannot be replayed as a login. Failed logins are
counted in the database, which makes the rate limit hold across several
worker processes.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from openimr.domain.account import UserRecord
from openimr.domain.errors import AuthenticationFailed, InvalidInput, TooManyAttempts
from openimr.domain.vocabulary import Role
from openimr.service.access import Actor
from openimr.service.ports import AccountStore

SESSION_LIFETIME = timedelta(hours=12)
TOKEN_LIFETIME = timedelta(days=30)
# Login throttle: failures counted over a sliding window, per username and per address.
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_ADDRESS = 30
TOKEN_CACHE_SECONDS = 5.0


@dataclass(frozen=True)
class User:
    """Who is asking. `reviewer_id` links a reviewer account to the panel; `party_key` a party."""

    id: int
    username: str
    role: Role
    display_name: str
    reviewer_id: str | None = None
    party_key: str | None = None


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: Role
    note: str


def _public(record: UserRecord) -> User:
    return User(
        record.id,
        record.username,
        Role(record.role),
        record.display_name,
        record.reviewer_id,
        record.party_key,
    )


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _utcnow() -> datetime:
    return datetime.now(UTC)


class AuthService:
    """Use cases of authentication; the clock is injectable for tests."""

    def __init__(
        self,
        store: AccountStore,
        clock: Callable[[], datetime] = _utcnow,
        hasher: PasswordHasher | None = None,
    ) -> None:
        self.store = store
        self._clock = clock
        self._hasher = hasher or PasswordHasher()
        # Verifying against a dummy hash for unknown users keeps response times alike,
        # so timing does not reveal which usernames exist.
        self._dummy_hash = self._hasher.hash(secrets.token_hex(8))
        # Bearer lookups are on every API request: keep answers a few seconds (a revoked
        # or expired token stops working within TOKEN_CACHE_SECONDS).
        self._token_cache: dict[str, tuple[float, User | None]] = {}

    # -- accounts ------------------------------------------------------
    def create_user(
        self,
        username: str,
        password: str,
        role: Role,
        display_name: str = "",
        reviewer_id: str | None = None,
        party_key: str | None = None,
    ) -> User:
        """Create an account; a reviewer needs `reviewer_id`, a party needs `party_key`."""
        if not username.strip() or len(username) > 80:
            raise InvalidInput("a username has 1 to 80 characters", field="username")
        if len(password) < 8:
            raise InvalidInput("a password has at least 8 characters", field="password")
        if role is Role.REVIEWER and not reviewer_id:
            raise InvalidInput("a reviewer account names its panel reviewer", field="reviewer_id")
        if role is Role.PARTY and not party_key:
            raise InvalidInput("a party account names its party key", field="party_key")
        if self.store.user_by_name(username) is not None:
            raise InvalidInput(f"user {username!r} already exists", field="username")
        record = UserRecord(
            0,
            username,
            self._hasher.hash(password),
            role.value,
            display_name or username,
            reviewer_id,
            party_key,
            True,
        )
        return _public(self.store.add_user(record, self._clock()))

    def user(self, user_id: int) -> User | None:
        record = self.store.user_by_id(user_id)
        return _public(record) if record and record.active else None

    def users(self) -> list[User]:
        return [_public(r) for r in self.store.list_users()]

    # -- login ---------------------------------------------------------
    def login(self, username: str, password: str, remote_addr: str = "") -> User:
        """Check a password, counting failures; raises TooManyAttempts when throttled."""
        now = self._clock()
        by_user, by_addr = self.store.failed_attempts_since(
            username, remote_addr, now - THROTTLE_WINDOW
        )
        if by_user >= MAX_FAILURES_PER_USER or (
            remote_addr and by_addr >= MAX_FAILURES_PER_ADDRESS
        ):
            raise TooManyAttempts(
                "too many failed logins; try again later",
                retry_after_seconds=int(THROTTLE_WINDOW.total_seconds()),
            )
        record = self.store.user_by_name(username)
        ok = False
        try:
            ok = self._hasher.verify(record.password_hash if record else self._dummy_hash, password)
        except (VerificationError, InvalidHashError):
            ok = False
        ok = ok and record is not None and record.active
        self.store.record_login_attempt(username[:80], remote_addr[:64], now, ok)
        if not ok or record is None:
            raise AuthenticationFailed("wrong username or password")
        if self._hasher.check_needs_rehash(record.password_hash):
            self.store.set_password_hash(record.id, self._hasher.hash(password))
        return _public(record)

    def start_session(self, user: User) -> str:
        """A new login session; returns the secret to put (signed) in the cookie."""
        raw = secrets.token_urlsafe(32)
        now = self._clock()
        self.store.add_login_session(_digest(raw), user.id, now, now + SESSION_LIFETIME)
        return raw

    def user_for_session(self, raw: str) -> User | None:
        record = self.store.user_for_login_session(_digest(raw), self._clock())
        return _public(record) if record and record.active else None

    def end_session(self, raw: str) -> None:
        self.store.delete_login_session(_digest(raw))

    def issue_api_token(self, user: User) -> tuple[str, datetime]:
        """A bearer token for the JSON API, with its expiry."""
        raw = secrets.token_urlsafe(32)
        now = self._clock()
        expires = now + TOKEN_LIFETIME
        self.store.add_api_token(_digest(raw), user.id, now, expires)
        return raw, expires

    def cached_user_for_token(self, raw: str) -> tuple[bool, User | None]:
        """(True, user) when the token was looked up in the last few seconds, else (False, None)."""
        cached = self._token_cache.get(_digest(raw))
        if cached is not None and time.monotonic() - cached[0] < TOKEN_CACHE_SECONDS:
            return True, cached[1]
        return False, None

    def user_for_token(self, raw: str) -> User | None:
        hit, user = self.cached_user_for_token(raw)
        if hit:
            return user
        digest = _digest(raw)
        now = time.monotonic()
        record = self.store.user_for_api_token(digest, self._clock())
        user = _public(record) if record and record.active else None
        if len(self._token_cache) > 10_000:
            self._token_cache.clear()
        self._token_cache[digest] = (now, user)
        return user

    # -- demo ----------------------------------------------------------
    def ensure_demo_accounts(
        self, reviewer_id: str | None, party_key: str | None, party_name: str | None = None
    ) -> list[DemoAccount]:
        """Create the demo accounts once (local use only; `serve` refuses them in production)."""
        accounts = [
            DemoAccount("staff", "staff-demo-pass", Role.STAFF, "IMR organization staff"),
            DemoAccount("admin", "admin-demo-pass", Role.ADMIN, "Administrator"),
        ]
        if reviewer_id:
            accounts.append(
                DemoAccount(
                    "reviewer",
                    "reviewer-demo-pass",
                    Role.REVIEWER,
                    f"Expert reviewer {reviewer_id}",
                )
            )
        if party_key:
            accounts.append(
                DemoAccount(
                    "worker", "worker-demo-pass", Role.PARTY, party_name or "injured worker"
                )
            )
        for account in accounts:
            if self.store.user_by_name(account.username) is None:
                self.create_user(
                    account.username,
                    account.password,
                    account.role,
                    display_name=account.note,
                    reviewer_id=reviewer_id if account.role is Role.REVIEWER else None,
                    party_key=party_key if account.role is Role.PARTY else None,
                )
        return accounts


def actor_for(user: User) -> Actor:
    """The service layer's view of a logged-in user (access rules live in service/access.py)."""
    return Actor(
        user_id=user.username,
        role=user.role,
        reviewer_id=user.reviewer_id,
        party_key=user.party_key,
        name=user.display_name,
    )
