"""Background work on a real queue: deadline alerts, reminders, letter PDFs.

Huey carries the jobs (SqliteHuey in `data_dir/queue.db` by default, RedisHuey when
`OPENIMR_QUEUE_URL=redis://...`). Huey removes a message from its queue when a
worker takes it, so a worker killed mid-job would lose that job; to lose none,
every job is first written to the `job_ledger` table of the case database and
only marked done when its handler returns. A sweep — at worker start and every
minute — re-queues ledger jobs still pending after their lease. Handlers are
idempotent (an alert is unique per case, clock and threshold; a PDF is written
atomically), so running a job twice is harmless: delivery is at least once.

The clocks themselves are those of LC 4610.6(d) and 8 CCR 9792.10.5-9792.10.6
(records due, decision due); an alert is raised a few days before each runs out.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from huey import Huey, RedisHuey, SqliteHuey, crontab

from openimr.domain.errors import InvalidInput, OpenIMRError
from openimr.domain.ledger import AlertRecord, JobRecord
from openimr.ocr import OcrMyPdf
from openimr.service.access import SYSTEM
from openimr.service.bootstrap import (
    Services,
    account_store,
    audit_keys,
    bootstrap,
    checkpoint_the_log,
    job_ledger,
)
from openimr.service.continuous import assign_waiting
from openimr.service.deadlines import due_alerts
from openimr.service.document_text import fail_document_text, read_document_text
from openimr.service.notify import mark_emailed, notify_reviewer, notify_staff, pending_emails
from openimr.service.ports import JobLedger
from openimr.service.queries import get_letter
from openimr.service.reassign import release_overdue
from openimr.settings import Settings

log = logging.getLogger("openimr.jobs")
_ASSIGNING = threading.Lock()
_DELIVERING = threading.Lock()

Handler = Callable[[dict[str, Any]], None]
LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 5
KEEP_FINISHED = timedelta(days=7)


def _utcnow() -> datetime:
    return datetime.now(UTC)


def make_huey(settings: Settings, *, immediate: bool = False) -> Huey:
    """The huey instance for these settings (nothing is built at import)."""
    if settings.queue_url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey("openimr", url=settings.queue_url, immediate=immediate)
    if settings.queue_url:
        raise InvalidInput(
            f"OPENIMR_QUEUE_URL must be empty (SQLite) or redis://...; got {settings.queue_url!r}",
            field="queue_url",
        )
    path = Path(settings.data_dir) / "queue.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("openimr", filename=str(path), immediate=immediate)


@dataclass(frozen=True)
class JobOutcome:
    job_id: str
    status: str  # done | failed | pending (will be retried) | skipped (already finished)


class JobQueue:
    """Enqueue jobs durably and run them; the same object serves the web app and the worker."""

    def __init__(
        self,
        huey: Huey,
        ledger: JobLedger,
        handlers: Mapping[str, Handler],
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.huey = huey
        self.store = ledger
        self.handlers = dict(handlers)
        self._clock = clock
        # One task runs every job by its ledger id; the ledger row says what to do.
        self._task = huey.task(name="openimr_run_job")(self.run)
        huey.periodic_task(crontab(minute="*"), name="openimr_sweep")(self.sweep)

    def every(self, minutes: int, kind: str) -> None:
        """Enqueue a `kind` job every `minutes` minutes (from the worker's periodic loop)."""
        if kind not in self.handlers:
            raise InvalidInput(f"unknown job kind {kind!r}", field="kind")
        spec = (
            crontab(minute="*" if minutes == 1 else f"*/{minutes}")
            if minutes < 60
            else (crontab(minute="0", hour="*" if minutes == 60 else f"*/{minutes // 60}"))
        )
        self.huey.periodic_task(spec, name=f"openimr_every_{kind}")(lambda: self.enqueue(kind))

    def enqueue(self, kind: str, payload: dict[str, Any] | None = None) -> str:
        """Write the job to the ledger (committed), then hand it to huey."""
        if kind not in self.handlers:
            raise InvalidInput(f"unknown job kind {kind!r}", field="kind")
        job_id = uuid.uuid4().hex
        self.store.add_job(job_id, kind, payload or {}, self._clock())
        self._task(job_id)
        return job_id

    def run(self, job_id: str) -> JobOutcome:
        """Run one ledger job; marks it done only after its handler returned."""
        job = self.store.start_job(job_id)
        if job is None:
            return JobOutcome(job_id, "skipped")
        try:
            self.handlers[job.kind](job.payload)
        except Exception as err:  # edge: a job's failure is recorded, not lost
            log.exception("job %s (%s) failed", job_id, job.kind)
            status = "failed" if job.attempts >= MAX_ATTEMPTS else "pending"
            if status == "failed":
                self.store.finish_job(job_id, "failed", self._clock(), repr(err))
            return JobOutcome(job_id, status)
        self.store.finish_job(job_id, "done", self._clock())
        return JobOutcome(job_id, "done")

    def sweep(self, lease: timedelta = LEASE) -> int:
        """Re-queue ledger jobs pending for longer than `lease`; returns how many."""
        now = self._clock()
        stale = self.store.pending_jobs(enqueued_before=now - lease)
        for job in stale:
            self.store.touch_job(job.id, now)
            self._task(job.id)
        if "deadline_scan" in self.handlers and lease == LEASE:
            # The periodic sweep also scans the clocks (idempotent alerts), e-mails the
            # notifications not yet sent, and forgets jobs finished long ago.
            self.enqueue("deadline_scan")
            if "deliver_notifications" in self.handlers:
                self.enqueue("deliver_notifications")
            self.store.prune_jobs(now - KEEP_FINISHED)
        return len(stale)

    def recover(self) -> int:
        """At worker start: re-queue every pending job (the previous worker may have died)."""
        return self.sweep(lease=timedelta(0))

    def job(self, job_id: str) -> JobRecord | None:
        return self.store.job(job_id)

    def alerts(self, case_number: str | None = None) -> list[AlertRecord]:
        return self.store.alerts(case_number)

    def run_worker(self, workers: int = 2) -> None:
        """Block running a huey consumer (call in a process's main thread)."""
        self.recover()
        consumer = self.huey.create_consumer(workers=workers, worker_type="thread", periodic=True)
        consumer.run()


# -- the jobs openimr runs ---------------------------------------------------------------


def scan_deadlines(services: Services, store: JobLedger, within_days: int = 3) -> int:
    """Raise an alert (decision clock) or a reminder (records clock) for every running
    clock within `within_days` of its end, once per case, clock and threshold.

    LC 4610.6(d) and 8 CCR 9792.10.5-9792.10.6: records are due 15/12 days (24 hours
    expedited) after the NOARFI; the decision 30 days (3 days expedited) after the records.
    """
    now = services.clock()
    raised = 0
    for alert in due_alerts(services.uow(), now.date(), within_days=within_days):
        threshold = "overdue" if alert.overdue else f"{max(alert.days_left, 0)}d"
        due = alert.clock.due_on.isoformat() if alert.clock.due_on else ""
        if alert.clock.name == "records":
            kind = "reminder"
            message = (
                f"Reminder to the claims administrator: records for {alert.case_number} "
                f"{'were due' if alert.overdue else 'are due'} {due} ({alert.clock.citation})"
            )
        else:
            kind = "alert"
            message = (
                f"{alert.clock.label} for {alert.case_number} "
                f"{'passed' if alert.overdue else 'ends'} {due} ({alert.clock.citation})"
            )
        record = AlertRecord(
            alert.case_number, alert.clock.name, threshold, kind, due, message, now
        )
        if store.add_alert_once(record):
            raised += 1
            _notify_deadline(services, alert.case_number, alert.clock.name, threshold, message)
    return raised


def _notify_deadline(
    services: Services, case_number: str, clock_name: str, threshold: str, message: str
) -> None:
    """An approaching or passed deadline, in the app and by e-mail: to staff, and to the
    assigned reviewer for the decision clock."""
    uow = services.uow()
    now = services.clock()
    with uow:
        case = uow.cases.get(case_number)
        key = f"{clock_name}:{threshold}"
        notify_staff(uow, "deadline", case_number, message, now, key=key)
        if clock_name == "decision" and case.assigned_reviewer_id:
            notify_reviewer(
                uow, case.assigned_reviewer_id, "deadline", case_number, message, now, key=key
            )
        uow.commit()


def deliver_notifications(services: Services, mailer: Any) -> int:
    """E-mail every notification not yet sent (at least once: a failure leaves it for the
    next run); returns how many e-mails went out."""
    sent = 0
    for note_id, emails in pending_emails(services.uow(), account_store(services)):
        for email in emails:
            mailer.send(email)
            sent += 1
        mark_emailed(services.uow(), note_id, services.clock())
    return sent


def letters_dir(settings: Settings) -> Path:
    return Path(settings.data_dir) / "letters"


def render_letter_pdf_file(services: Services, settings: Settings, case_number: str) -> Path:
    """Render the issued letter's PDF into data_dir/letters (atomic: write, then rename)."""
    letter = get_letter(case_number, services.uow(), SYSTEM, services.clock, "pdf")
    folder = letters_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / letter.filename
    partial = target.with_suffix(f".{uuid.uuid4().hex}.part")
    partial.write_bytes(letter.content)
    partial.replace(target)
    return target


def build_job_queue(settings: Settings, services: Services | None = None) -> JobQueue:
    """The queue with openimr's handlers, for the web app and for the worker process."""
    services = services or bootstrap(
        settings.database_url, migrate=False, audit_keys=audit_keys(settings)
    )
    store = job_ledger(services)

    def deadline_scan(payload: dict[str, Any]) -> None:
        if scan_deadlines(services, store, int(payload.get("within_days", 3))):
            deliver({})  # the new alerts by e-mail now, not at the next sweep

    def render_pdf(payload: dict[str, Any]) -> None:
        render_letter_pdf_file(services, settings, str(payload["case_number"]))

    def ocr_document(payload: dict[str, Any]) -> None:
        content_hash = str(payload["content_hash"])
        try:
            engine = OcrMyPdf()
        except OpenIMRError as err:
            fail_document_text(content_hash, err.message, services.uow, services.clock)
            raise
        read_document_text(
            content_hash,
            services.uow,
            services.clock,
            engine,
            case_number=payload.get("case_number"),
            document_id=payload.get("document_id"),
        )

    def deliver(payload: dict[str, Any]) -> None:
        if settings.smtp_url:
            from openimr.service.mailer import SmtpMailer

            # One delivery at a time: two at once would both send the same unsent notices.
            with _DELIVERING:
                mailer = SmtpMailer(settings.smtp_url, settings.mail_from)
                deliver_notifications(services, mailer)

    def audit_checkpoint(payload: dict[str, Any]) -> None:
        checkpoint_the_log(services, settings)

    def assign_pending(payload: dict[str, Any]) -> None:
        # One pass at a time: two at once would both count the same free capacity.
        with _ASSIGNING:
            release_overdue(services.uow(), SYSTEM, services.clock)
            run = assign_waiting(services.uow(), SYSTEM, services.clock)
        log.info(
            "assignment pass: %d assigned, %d waiting, %d skipped in %.2f s",
            len(run.assigned),
            len(run.waiting),
            len(run.skipped),
            run.seconds,
        )

    handlers: dict[str, Handler] = {
        "deadline_scan": deadline_scan,
        "render_pdf": render_pdf,
        "ocr_document": ocr_document,
        "deliver_notifications": deliver,
        "audit_checkpoint": audit_checkpoint,
        "assign_waiting": assign_pending,
    }
    queue = JobQueue(make_huey(settings), store, handlers, clock=services.clock)
    # Continuous assignment: every minute, besides the pass queued at once on eligibility
    # and on a release (api/routes/cases.py).
    queue.every(1, "assign_waiting")
    if settings.audit_checkpoint_minutes:
        # Signed checkpoints of the audit log, outside the database (SECURITY.md).
        queue.every(settings.audit_checkpoint_minutes, "audit_checkpoint")
    return queue
