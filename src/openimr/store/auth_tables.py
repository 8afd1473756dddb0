"""Tables and a small repository for the service's own records.

Users, login sessions, API tokens and login attempts (for rate limiting) are
what the web service needs to know who is asking; the job ledger and alerts
back the background queue (a job is written here before it is queued, so a
crashed worker loses nothing: `service/jobs.py` re-queues what never finished).
Secrets (session ids, API tokens) are stored only as SHA-256 hashes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

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


class JobRow(Base):
    """The durable ledger of background jobs (at-least-once delivery)."""

    __tablename__ = "job_ledger"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[str] = mapped_column(Text, default="{}")
    status: Mapped[str] = mapped_column(String(12), index=True)  # pending | done | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    enqueued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    error: Mapped[str] = mapped_column(Text, default="")


class AlertRow(Base):
    """A deadline alert or reminder; unique per case, clock and threshold (idempotent)."""

    __tablename__ = "case_alerts"
    __table_args__ = (
        UniqueConstraint("case_number", "clock", "threshold", name="uq_case_alerts_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_number: Mapped[str] = mapped_column(String(40), index=True)
    clock: Mapped[str] = mapped_column(String(40))  # records_due | decision_due | ...
    threshold: Mapped[str] = mapped_column(String(20))  # e.g. "3d", "1d", "overdue"
    kind: Mapped[str] = mapped_column(String(20))  # alert | reminder
    due_on: Mapped[str] = mapped_column(String(10))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# -- plain records handed to the service layer -------------------------------


@dataclass(frozen=True)
class UserRecord:
    id: int
    username: str
    password_hash: str
    role: str
    display_name: str
    reviewer_id: str | None
    party_key: str | None
    active: bool


@dataclass(frozen=True)
class JobRecord:
    id: str
    kind: str
    payload: dict[str, object]
    status: str
    attempts: int
    enqueued_at: datetime
    error: str


@dataclass(frozen=True)
class AlertRecord:
    case_number: str
    clock: str
    threshold: str
    kind: str
    due_on: str
    message: str
    created_at: datetime


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


def _job(row: JobRow) -> JobRecord:
    return JobRecord(
        row.id,
        row.kind,
        json.loads(row.payload),
        row.status,
        row.attempts,
        row.enqueued_at,
        row.error,
    )


class AuthStore:
    """SQL access to the tables above; each method is one short transaction."""

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

    # job ledger
    def add_job(self, job_id: str, kind: str, payload: dict[str, object], at: datetime) -> None:
        with self._tx() as s:
            s.add(
                JobRow(
                    id=job_id,
                    kind=kind,
                    payload=json.dumps(payload, sort_keys=True),
                    status="pending",
                    attempts=0,
                    enqueued_at=at,
                )
            )

    def job(self, job_id: str) -> JobRecord | None:
        with self._tx() as s:
            row = s.get(JobRow, job_id)
            return _job(row) if row else None

    def start_job(self, job_id: str) -> JobRecord | None:
        """Count one attempt; None when the job is unknown or already finished."""
        with self._tx() as s:
            row = s.get(JobRow, job_id)
            if row is None or row.status != "pending":
                return None
            row.attempts += 1
            return _job(row)

    def finish_job(self, job_id: str, status: str, at: datetime, error: str = "") -> None:
        with self._tx() as s:
            s.execute(
                update(JobRow)
                .where(JobRow.id == job_id)
                .values(status=status, finished_at=at, error=error[:2000])
            )

    def pending_jobs(self, enqueued_before: datetime | None = None) -> list[JobRecord]:
        with self._tx() as s:
            stmt = select(JobRow).where(JobRow.status == "pending").order_by(JobRow.enqueued_at)
            if enqueued_before is not None:
                stmt = stmt.where(JobRow.enqueued_at < enqueued_before)
            return [_job(r) for r in s.scalars(stmt)]

    def touch_job(self, job_id: str, at: datetime) -> None:
        """Mark a pending job as re-queued now (so the sweep waits a full lease again)."""
        with self._tx() as s:
            s.execute(update(JobRow).where(JobRow.id == job_id).values(enqueued_at=at))

    def prune_jobs(self, finished_before: datetime) -> int:
        """Forget finished jobs older than `finished_before` (the ledger stays small)."""
        with self._tx() as s:
            result = s.execute(
                delete(JobRow).where(JobRow.status == "done", JobRow.finished_at < finished_before)
            )
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    # alerts
    def add_alert_once(self, alert: AlertRecord) -> bool:
        """Insert unless the same (case, clock, threshold) exists; True when inserted.

        The unique constraint decides when two scans race: the loser's insert fails.
        """
        try:
            with self._tx() as s:
                exists = s.scalar(
                    select(func.count())
                    .select_from(AlertRow)
                    .where(
                        AlertRow.case_number == alert.case_number,
                        AlertRow.clock == alert.clock,
                        AlertRow.threshold == alert.threshold,
                    )
                )
                if exists:
                    return False
                s.add(
                    AlertRow(
                        case_number=alert.case_number,
                        clock=alert.clock,
                        threshold=alert.threshold,
                        kind=alert.kind,
                        due_on=alert.due_on,
                        message=alert.message,
                        created_at=alert.created_at,
                    )
                )
        except IntegrityError:
            return False
        return True

    def alerts(self, case_number: str | None = None, limit: int = 200) -> list[AlertRecord]:
        with self._tx() as s:
            stmt = select(AlertRow).order_by(AlertRow.created_at.desc()).limit(limit)
            if case_number is not None:
                stmt = stmt.where(AlertRow.case_number == case_number)
            return [
                AlertRecord(
                    r.case_number, r.clock, r.threshold, r.kind, r.due_on, r.message, r.created_at
                )
                for r in s.scalars(stmt)
            ]
