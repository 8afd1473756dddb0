"""The ports the use cases depend on; `store/` implements them with SQLAlchemy and
`tests/fakes.py` with dicts (cosmicpython's repository and unit-of-work patterns)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from types import TracebackType
from typing import Any, Protocol

from openimr.domain.account import ApiTokenRecord, LoginHistory, UserRecord
from openimr.domain.audit import AuditEntry
from openimr.domain.case import Case
from openimr.domain.document_text import OcrProgress, PageText
from openimr.domain.drafting import ReviewDraft
from openimr.domain.ledger import AlertRecord, JobRecord
from openimr.domain.notification import Notification
from openimr.domain.reviewer import ExpertReviewer
from openimr.domain.vocabulary import CaseState

Clock = Callable[[], datetime]  # returns a timezone-aware "now"


class CaseRepository(Protocol):
    """Cases in and out as aggregates; `save` raises ConcurrentUpdate on a stale version."""

    def add(self, case: Case, *, intake_key: str | None = None, dispute_key: str = "") -> None: ...

    def get(self, case_number: str) -> Case: ...

    def save(self, case: Case) -> None: ...

    def find_by_intake_key(self, intake_key: str) -> Case | None: ...

    def case_numbers_with_dispute_key(self, dispute_key: str) -> list[str]: ...

    def next_case_number(self, on: date) -> str: ...

    def list(
        self,
        *,
        states: frozenset[CaseState] | None = None,
        reviewer_id: str | None = None,
        party_key: str | None = None,
        text: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Case]:
        """Cases by state, reviewer, party, and `text` found (any case) in the case number,
        the claim number or a party's name; oldest first."""
        ...

    def open_counts_by_reviewer(self) -> dict[str, int]: ...

    def assigned_counts_since(self, day: date) -> dict[str, int]:
        """Cases each reviewer took on `day` or later and still holds (its week's load)."""
        ...


class ReviewerRepository(Protocol):
    def add(self, reviewer: ExpertReviewer) -> None: ...

    def get(self, reviewer_id: str) -> ExpertReviewer: ...

    def save(self, reviewer: ExpertReviewer) -> None: ...

    def list(self, *, active_only: bool = True) -> list[ExpertReviewer]: ...


class DocumentStore(Protocol):
    """Document bytes by content hash (sha256 hex); storing the same bytes twice is a no-op."""

    def put(self, content: bytes, media_type: str) -> str: ...

    def get(self, content_hash: str) -> bytes: ...


class AuditLog(Protocol):
    """Append-only: there is deliberately no update or delete."""

    def append(
        self,
        action: str,
        *,
        actor: str,
        at: datetime,
        case_number: str | None,
        data: dict[str, Any],
    ) -> None: ...

    def for_case(self, case_number: str) -> list[AuditEntry]: ...

    def entries(self, after_seq: int = 0) -> Iterator[AuditEntry]: ...

    def tail(self) -> tuple[int, str] | None:
        """(seq, entry_hash) of the last entry; None for an empty log."""
        ...


class CheckpointStore(Protocol):
    """Signed checkpoints of the audit log, kept outside the database (write once)."""

    def add(self, at: datetime, size: int, note: str) -> str:
        """Keep `note`; returns the name it is kept under."""
        ...

    def all(self) -> list[tuple[str, str]]:
        """Every (name, note) kept, oldest name first."""
        ...


class DraftStore(Protocol):
    """Reviewers' unsigned workbench forms; `save` raises ConcurrentUpdate on a stale version."""

    def get(self, case_number: str, reviewer_id: str) -> ReviewDraft | None: ...

    def save(
        self,
        case_number: str,
        reviewer_id: str,
        values: dict[str, str],
        expected_version: int | None,
        at: datetime,
    ) -> int: ...

    def delete(self, case_number: str, reviewer_id: str) -> None: ...


class TextStore(Protocol):
    """Page texts (text layer or OCR) and OCR progress by the bytes' content hash."""

    def pages(self, content_hash: str) -> list[PageText]: ...

    def put_page(self, content_hash: str, page: PageText) -> None: ...

    def progress(self, content_hash: str) -> OcrProgress | None: ...

    def set_progress(self, progress: OcrProgress) -> None: ...


class NotificationStore(Protocol):
    """In-app notifications by recipient address (domain/notification.py), each added once
    per key, their e-mail delivery, and users' e-mail addresses."""

    def add_once(self, note: Notification, dedupe_key: str) -> bool: ...

    def for_recipients(self, recipients: list[str], limit: int = 50) -> list[Notification]: ...

    def unread_count(self, recipients: list[str]) -> int: ...

    def mark_read(self, recipients: list[str], at: datetime) -> None: ...

    def unsent(self, limit: int = 200) -> list[Notification]: ...

    def mark_emailed(self, note_id: int, at: datetime) -> None: ...

    def email_of(self, username: str) -> str | None: ...

    def set_email(self, username: str, email: str) -> None: ...


class UnitOfWork(Protocol):
    """`with uow:` is one transaction; leaving it without `commit()` rolls back."""

    # Read-only in the protocol, so implementations may hold narrower types.
    @property
    def cases(self) -> CaseRepository: ...

    @property
    def reviewers(self) -> ReviewerRepository: ...

    @property
    def documents(self) -> DocumentStore: ...

    @property
    def audit(self) -> AuditLog: ...

    @property
    def drafts(self) -> DraftStore: ...

    @property
    def texts(self) -> TextStore: ...

    @property
    def notifications(self) -> NotificationStore: ...

    def __enter__(self) -> UnitOfWork: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


class AccountStore(Protocol):
    """Accounts, login sessions, API tokens and login attempts (`service.auth`). Secrets
    arrive already hashed; each call is its own short transaction."""

    def add_user(self, user: UserRecord, at: datetime) -> UserRecord: ...

    def user_by_name(self, username: str) -> UserRecord | None: ...

    def user_by_id(self, user_id: int) -> UserRecord | None: ...

    def list_users(self) -> list[UserRecord]: ...

    def set_password_hash(self, user_id: int, password_hash: str) -> None: ...

    def add_login_session(
        self, session_hash: str, user_id: int, at: datetime, expires: datetime
    ) -> None: ...

    def user_for_login_session(self, session_hash: str, now: datetime) -> UserRecord | None: ...

    def delete_login_session(self, session_hash: str) -> None: ...

    def add_api_token(
        self, token_hash: str, user_id: int, at: datetime, expires: datetime
    ) -> None: ...

    def user_for_api_token(
        self, token_hash: str, now: datetime
    ) -> tuple[UserRecord, datetime] | None:
        """The token's user and its expiry, while it is unexpired."""
        ...

    def api_tokens(self, user_id: int, now: datetime) -> list[ApiTokenRecord]: ...

    def delete_api_tokens(self, user_id: int, token_hash: str | None = None) -> int:
        """Revoke one of the user's tokens, or all; returns how many went."""
        ...

    def record_login_attempt(
        self, username: str, remote_addr: str, at: datetime, ok: bool
    ) -> None: ...

    def login_history(
        self,
        username: str,
        remote_addr: str,
        *,
        count_since: datetime,
        address_since: datetime,
        known_since: datetime,
    ) -> LoginHistory: ...


class JobLedger(Protocol):
    """The durable ledger of background jobs and the deadline alerts they raise
    (`service.jobs`); each call is its own short transaction."""

    def add_job(self, job_id: str, kind: str, payload: dict[str, object], at: datetime) -> None: ...

    def job(self, job_id: str) -> JobRecord | None: ...

    def start_job(self, job_id: str) -> JobRecord | None: ...

    def finish_job(self, job_id: str, status: str, at: datetime, error: str = "") -> None: ...

    def pending_jobs(self, enqueued_before: datetime | None = None) -> list[JobRecord]: ...

    def touch_job(self, job_id: str, at: datetime) -> None: ...

    def prune_jobs(self, finished_before: datetime) -> int: ...

    def add_alert_once(self, alert: AlertRecord) -> bool: ...

    def alerts(self, case_number: str | None = None, limit: int = 200) -> list[AlertRecord]: ...
