"""Accounts: users, login sessions, API tokens and login attempts, in SQL.

What the web service needs to know who is asking (`service.auth`, through the
`AccountStore` port of `service/ports.py`). Secrets (session ids, API tokens) are stored only
as SHA-256 hashes; login attempts are kept for the login throttle.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, delete, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from openimr.domain.account import ApiTokenRecord, LoginHistory, UserRecord
from openimr.store.base import Base


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    # A reviewer account is linked to one panel reviewer; a party account to one party key.
    reviewer_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    party_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LoginSessionRow(Base):
    __tablename__ = "login_sessions"

    session_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ApiTokenRow(Base):
    __tablename__ = "api_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LoginAttemptRow(Base):
    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(80), index=True)
    remote_addr: Mapped[str] = mapped_column(String(64), default="", index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean)


def _aware(at: datetime) -> datetime:
    """SQLite hands timestamps back naive; they were stored as UTC."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _aware_or_none(at: datetime | None) -> datetime | None:
    return None if at is None else _aware(at)


def _user(row: UserRow) -> UserRecord:
    return UserRecord(
        row.id,
        row.username,
        row.password_hash,
        row.role,
        row.display_name,
        row.reviewer_id,
        row.party_key,
        row.active,
    )


class SqlAccountStore:
    """The `AccountStore` port on SQLAlchemy; each method is one short transaction."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._sessions = session_factory

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        with self._sessions.begin() as session:
            yield session

    # users
    def add_user(self, user: UserRecord, at: datetime) -> UserRecord:
        with self._tx() as s:
            row = UserRow(
                username=user.username,
                password_hash=user.password_hash,
                role=user.role,
                display_name=user.display_name,
                reviewer_id=user.reviewer_id,
                party_key=user.party_key,
                active=user.active,
                created_at=at,
            )
            s.add(row)
            s.flush()
            return _user(row)

    def user_by_name(self, username: str) -> UserRecord | None:
        with self._tx() as s:
            row = s.scalars(select(UserRow).where(UserRow.username == username)).first()
            return _user(row) if row else None

    def user_by_id(self, user_id: int) -> UserRecord | None:
        with self._tx() as s:
            row = s.get(UserRow, user_id)
            return _user(row) if row else None

    def list_users(self) -> list[UserRecord]:
        with self._tx() as s:
            return [_user(r) for r in s.scalars(select(UserRow).order_by(UserRow.username))]

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        with self._tx() as s:
            s.execute(
                update(UserRow).where(UserRow.id == user_id).values(password_hash=password_hash)
            )

    # sessions and tokens
    def add_login_session(
        self, session_hash: str, user_id: int, at: datetime, expires: datetime
    ) -> None:
        with self._tx() as s:
            s.add(
                LoginSessionRow(
                    session_hash=session_hash, user_id=user_id, created_at=at, expires_at=expires
                )
            )

    def user_for_login_session(self, session_hash: str, now: datetime) -> UserRecord | None:
        with self._tx() as s:
            stmt = (
                select(UserRow)
                .join(LoginSessionRow, LoginSessionRow.user_id == UserRow.id)
                .where(LoginSessionRow.session_hash == session_hash)
                .where(LoginSessionRow.expires_at > now)
            )
            row = s.scalars(stmt).first()
            return _user(row) if row else None

    def delete_login_session(self, session_hash: str) -> None:
        with self._tx() as s:
            s.execute(delete(LoginSessionRow).where(LoginSessionRow.session_hash == session_hash))

    def add_api_token(self, token_hash: str, user_id: int, at: datetime, expires: datetime) -> None:
        with self._tx() as s:
            # Expired tokens of the user go as a new one comes: the table stays small.
            s.execute(
                delete(ApiTokenRow).where(
                    ApiTokenRow.user_id == user_id, ApiTokenRow.expires_at <= at
                )
            )
            s.add(
                ApiTokenRow(
                    token_hash=token_hash, user_id=user_id, created_at=at, expires_at=expires
                )
            )

    def user_for_api_token(
        self, token_hash: str, now: datetime
    ) -> tuple[UserRecord, datetime] | None:
        with self._tx() as s:
            stmt = (
                select(UserRow, ApiTokenRow.expires_at)
                .join(ApiTokenRow, ApiTokenRow.user_id == UserRow.id)
                .where(ApiTokenRow.token_hash == token_hash)
                .where(ApiTokenRow.expires_at > now)
            )
            found = s.execute(stmt).first()
            return (_user(found[0]), _aware(found[1])) if found else None

    def api_tokens(self, user_id: int, now: datetime) -> list[ApiTokenRecord]:
        with self._tx() as s:
            rows = s.scalars(
                select(ApiTokenRow)
                .where(ApiTokenRow.user_id == user_id, ApiTokenRow.expires_at > now)
                .order_by(ApiTokenRow.created_at)
            )
            return [
                ApiTokenRecord(r.token_hash, _aware(r.created_at), _aware(r.expires_at))
                for r in rows
            ]

    def delete_api_tokens(self, user_id: int, token_hash: str | None = None) -> int:
        with self._tx() as s:
            stmt = delete(ApiTokenRow).where(ApiTokenRow.user_id == user_id)
            if token_hash is not None:
                stmt = stmt.where(ApiTokenRow.token_hash == token_hash)
            return int(s.execute(stmt).rowcount or 0)  # type: ignore[attr-defined]

    # login attempts
    def record_login_attempt(self, username: str, remote_addr: str, at: datetime, ok: bool) -> None:
        with self._tx() as s:
            s.add(LoginAttemptRow(username=username, remote_addr=remote_addr, at=at, succeeded=ok))

    def login_history(
        self,
        username: str,
        remote_addr: str,
        *,
        count_since: datetime,
        address_since: datetime,
        known_since: datetime,
    ) -> LoginHistory:
        """Failures of the account since `count_since`, of the account from this address
        since their last success (not before `count_since`), failures from the address since
        `address_since`, and whether the address logged in as this user since `known_since`."""
        a = LoginAttemptRow
        with self._tx() as s:

            def last_success(*where: Any) -> datetime | None:
                return s.scalar(select(func.max(a.at)).where(a.succeeded.is_(True), *where))

            def failures(since: datetime | None, *where: Any) -> tuple[int, datetime | None]:
                start = count_since if since is None else max(_aware(since), count_since)
                row = s.execute(
                    select(func.count(), func.max(a.at)).where(
                        a.succeeded.is_(False), a.at > start, *where
                    )
                ).one()
                return int(row[0]), row[1]

            mine = a.username == username
            here = a.remote_addr == remote_addr
            # The account's count is not reset by a success: else every login of the real
            # user would hand an attacker elsewhere a fresh set of free tries.
            account, account_last = failures(None, mine)
            pair, pair_last = failures(last_success(mine, here), mine, here)
            row = s.execute(
                select(func.count(), func.min(a.at)).where(
                    a.succeeded.is_(False), a.at > address_since, here
                )
            ).one()
            known = last_success(mine, here)
            return LoginHistory(
                account_failures=account,
                account_last_failure=_aware_or_none(account_last),
                pair_failures=pair,
                pair_last_failure=_aware_or_none(pair_last),
                address_failures=int(row[0]) if remote_addr else 0,
                address_first_failure=_aware_or_none(row[1]),
                known_address=bool(remote_addr)
                and known is not None
                and _aware(known) > known_since,
            )
