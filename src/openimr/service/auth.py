"""Accounts, login sessions, API tokens and login attempts for the service's users.

Passwords are hashed with argon2id (OWASP password storage guidance); session
ids and API tokens are random 256-bit secrets stored only as SHA-256 hashes,
so a copy of the database cannot be replayed as a login. Failed logins are
counted in the database, so the throttle (`service/login_throttle.py`: a doubling
wait, never a lock) holds across several worker processes. API tokens live an hour
by default, can be revoked by their user and by an admin, and every request asks
the database, so a revoked or expired token is refused at once.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from openimr.domain.account import ApiTokenRecord, UserRecord
from openimr.domain.errors import AuthenticationFailed, InvalidInput, NotFound, TooManyAttempts
from openimr.domain.vocabulary import Role
from openimr.service.access import Actor
from openimr.service.login_throttle import ThrottlePolicy, seconds_to_wait
from openimr.service.ports import AccountStore

SESSION_LIFETIME = timedelta(hours=12)
TOKEN_LIFETIME = timedelta(minutes=60)  # OPENIMR_TOKEN_LIFETIME_MINUTES


@dataclass(frozen=True)
class User:
    """Who is asking. `reviewer_id` links a reviewer account to the panel; `party_key` a party."""

    id: int
    username: str
    role: Role
    display_name: str
    reviewer_id: str | None = None
    party_key: str | None = None
    active: bool = True


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
        record.active,
    )


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_id_of(raw: str) -> str:
    """The id a token is listed under: the first 16 hex digits of its hash."""
    return _digest(raw)[:16]


def _utcnow() -> datetime:
    return datetime.now(UTC)


class AuthService:
    """Use cases of authentication; the clock is injectable for tests."""

    def __init__(
        self,
        store: AccountStore,
        clock: Callable[[], datetime] = _utcnow,
        hasher: PasswordHasher | None = None,
        *,
        token_lifetime: timedelta = TOKEN_LIFETIME,
        throttle: ThrottlePolicy | None = None,
    ) -> None:
        self.store = store
        self._clock = clock
        self._hasher = hasher or PasswordHasher()
        self.token_lifetime = token_lifetime
        self.throttle = throttle or ThrottlePolicy()
        # Verifying against a dummy hash for unknown users keeps response times alike,
        # so timing does not reveal which usernames exist.
        self._dummy_hash = self._hasher.hash(secrets.token_hex(8))

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
        """Check a password, counting failures. After a few failures each try must wait a
        doubling time first (TooManyAttempts with the seconds to wait); a try during the
        wait is not checked and not counted; after it the right password works."""
        now = self._clock()
        username, remote_addr = username[:80], remote_addr[:64]
        policy = self.throttle
        history = self.store.login_history(
            username,
            remote_addr,
            count_since=now - policy.count_window,
            address_since=now - policy.address_window,
            known_since=now - policy.known_for,
        )
        wait = seconds_to_wait(history, now, policy)
        if wait > 0:
            raise TooManyAttempts(
                f"too many failed logins; try again in {math.ceil(wait)} seconds",
                retry_after_seconds=math.ceil(wait),
            )
        record = self.store.user_by_name(username)
        ok = False
        try:
            ok = self._hasher.verify(record.password_hash if record else self._dummy_hash, password)
        except (VerificationError, InvalidHashError):
            ok = False
        ok = ok and record is not None and record.active
        self.store.record_login_attempt(username, remote_addr, now, ok)
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
        expires = now + self.token_lifetime
        self.store.add_api_token(_digest(raw), user.id, now, expires)
        return raw, expires

    def user_for_token(self, raw: str) -> User | None:
        """The token's user while the token is unexpired and unrevoked — asked of the
        database on every request (one primary-key read), so neither waits on a cache."""
        if not raw or len(raw) > 200:
            return None
        found = self.store.user_for_api_token(_digest(raw), self._clock())
        if found is None or not found[0].active:
            return None
        return _public(found[0])

    def tokens(self, user: User) -> list[ApiTokenRecord]:
        """The user's live API tokens (ids and times, never the tokens)."""
        return self.store.api_tokens(user.id, self._clock())

    def revoke_token(
        self, user: User, *, raw: str | None = None, token_id: str | None = None
    ) -> int:
        """Revoke one of `user`'s tokens, given the token itself or its id; returns 0 or 1."""
        if raw is not None:
            return self.store.delete_api_tokens(user.id, _digest(raw))
        for token in self.tokens(user):
            if token_id and token.token_id == token_id:
                return self.store.delete_api_tokens(user.id, token.token_hash)
        return 0

    def revoke_all_tokens(self, username: str) -> int:
        """Revoke every API token of the account `username` (an admin's act; `openimr users
        revoke-tokens`); NotFound when there is no such account."""
        record = self.store.user_by_name(username)
        if record is None:
            raise NotFound(f"no account {username!r}", username=username)
        return self.store.delete_api_tokens(record.id)

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
