"""Accounts: users, login sessions, API tokens and login attempts, in SQL.

What the web service needs to know who is asking (`service.auth`, through the
`AccountStore` port of `service/ports.py`). Secrets (session ids, API tokens) are stored only
as SHA-256 hashes; login attempts are kept for the login throttle.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, delete, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from openimr.domain.account import UserRecord
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
    remote_addr: Mapped[str] = mapped_column(String(64), default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean)


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
            s.add(
                ApiTokenRow(
                    token_hash=token_hash, user_id=user_id, created_at=at, expires_at=expires
                )
            )

    def user_for_api_token(self, token_hash: str, now: datetime) -> UserRecord | None:
        with self._tx() as s:
            stmt = (
                select(UserRow)
                .join(ApiTokenRow, ApiTokenRow.user_id == UserRow.id)
                .where(ApiTokenRow.token_hash == token_hash)
                .where(ApiTokenRow.expires_at > now)
            )
            row = s.scalars(stmt).first()
            return _user(row) if row else None

    # login attempts
    def record_login_attempt(self, username: str, remote_addr: str, at: datetime, ok: bool) -> None:
        with self._tx() as s:
            s.add(LoginAttemptRow(username=username, remote_addr=remote_addr, at=at, succeeded=ok))

    def failed_attempts_since(
        self, username: str, remote_addr: str, since: datetime
    ) -> tuple[int, int]:
        """Failures since `since` for this username, and from this address."""
        with self._tx() as s:
            base = (
                select(func.count())
                .select_from(LoginAttemptRow)
                .where(LoginAttemptRow.at >= since, LoginAttemptRow.succeeded.is_(False))
            )
            by_user = s.scalar(base.where(LoginAttemptRow.username == username)) or 0
            by_addr = s.scalar(base.where(LoginAttemptRow.remote_addr == remote_addr)) or 0
            return int(by_user), int(by_addr)
