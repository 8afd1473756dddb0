"""The job ledger and deadline alerts, in SQL.

A background job is written here before it is queued, so a crashed worker loses nothing
(`service/jobs.py` re-queues what never finished); an alert is stored once per case, clock
and threshold. The service reaches both through the `JobLedger` port of `service/ports.py`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import (
    DateTime,
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

from openimr.domain.ledger import AlertRecord, JobRecord
from openimr.store.base import Base


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


class SqlJobLedger:
    """The `JobLedger` port on SQLAlchemy; each method is one short transaction."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._sessions = session_factory

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        with self._sessions.begin() as session:
            yield session

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
