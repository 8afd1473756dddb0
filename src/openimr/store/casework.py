"""SQL adapters for the workbench's own records: review drafts, page texts and OCR
progress, notifications and the e-mail addresses they go to. Used inside the unit of work."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from openimr.domain.document_text import OcrProgress, PageText
from openimr.domain.drafting import ReviewDraft
from openimr.domain.errors import ConcurrentUpdate
from openimr.domain.notification import Notification
from openimr.store.tables import (
    DocumentOcrRow,
    DocumentPageRow,
    NotificationRow,
    ReviewDraftRow,
    UserEmailRow,
)


class SqlDraftStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _row(self, case_number: str, reviewer_id: str) -> ReviewDraftRow | None:
        return self.session.scalar(
            select(ReviewDraftRow).where(
                ReviewDraftRow.case_number == case_number,
                ReviewDraftRow.reviewer_id == reviewer_id,
            )
        )

    def get(self, case_number: str, reviewer_id: str) -> ReviewDraft | None:
        row = self._row(case_number, reviewer_id)
        if row is None:
            return None
        return ReviewDraft(
            row.case_number, row.reviewer_id, dict(row.values), row.version, row.saved_at
        )

    def save(
        self,
        case_number: str,
        reviewer_id: str,
        values: dict[str, str],
        expected_version: int | None,
        at: datetime,
    ) -> int:
        """Store the draft; ConcurrentUpdate when `expected_version` is not the stored one."""
        row = self._row(case_number, reviewer_id)
        stored = row.version if row is not None else 0
        if expected_version is not None and expected_version != stored:
            raise ConcurrentUpdate(
                f"your draft of {case_number} was saved from another window meanwhile "
                f"(version {stored}, yours {expected_version}); reload to see it",
                case_number=case_number,
                version=stored,
            )
        if row is None:
            row = ReviewDraftRow(
                case_number=case_number,
                reviewer_id=reviewer_id,
                values=values,
                version=1,
                saved_at=at,
            )
            self.session.add(row)
        else:
            row.values = values
            row.version = stored + 1
            row.saved_at = at
        try:
            self.session.flush()
        except IntegrityError as err:  # a first save from two windows at once
            raise ConcurrentUpdate(
                f"your draft of {case_number} was saved from another window meanwhile",
                case_number=case_number,
            ) from err
        return row.version

    def delete(self, case_number: str, reviewer_id: str) -> None:
        row = self._row(case_number, reviewer_id)
        if row is not None:
            self.session.delete(row)
            self.session.flush()


class SqlTextStore:
    """Page texts and OCR progress, keyed by the document bytes' content hash."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def pages(self, content_hash: str) -> list[PageText]:
        rows = self.session.scalars(
            select(DocumentPageRow)
            .where(DocumentPageRow.content_hash == content_hash)
            .order_by(DocumentPageRow.page)
        )
        return [PageText(r.page, r.text, r.method) for r in rows]  # type: ignore[arg-type]

    def put_page(self, content_hash: str, page: PageText) -> None:
        row = self.session.get(DocumentPageRow, (content_hash, page.page))
        if row is None:
            self.session.add(
                DocumentPageRow(
                    content_hash=content_hash, page=page.page, text=page.text, method=page.method
                )
            )
        else:
            row.text, row.method = page.text, page.method
        self.session.flush()

    def progress(self, content_hash: str) -> OcrProgress | None:
        row = self.session.get(DocumentOcrRow, content_hash)
        if row is None:
            return None
        return OcrProgress(
            row.content_hash,
            row.state,  # type: ignore[arg-type]
            row.pages_done,
            row.pages_total,
            row.updated_at,
            row.error,
        )

    def set_progress(self, progress: OcrProgress) -> None:
        row = self.session.get(DocumentOcrRow, progress.content_hash)
        if row is None:
            row = DocumentOcrRow(content_hash=progress.content_hash)
            self.session.add(row)
        row.state = progress.state
        row.pages_done = progress.pages_done
        row.pages_total = progress.pages_total
        row.error = progress.error
        row.updated_at = progress.updated_at
        self.session.flush()


class SqlNotificationStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add_once(self, note: Notification, dedupe_key: str) -> bool:
        """Add `note` unless one with `dedupe_key` exists; True when added."""
        if self.session.scalar(
            select(NotificationRow.id).where(NotificationRow.dedupe_key == dedupe_key[:200])
        ):
            return False
        self.session.add(
            NotificationRow(
                recipient=note.recipient,
                at=note.at,
                kind=note.kind,
                case_number=note.case_number,
                message=note.message,
                link=note.link,
                dedupe_key=dedupe_key[:200],
            )
        )
        self.session.flush()
        return True

    def for_recipients(self, recipients: list[str], limit: int = 50) -> list[Notification]:
        rows = self.session.scalars(
            select(NotificationRow)
            .where(NotificationRow.recipient.in_(recipients))
            .order_by(NotificationRow.id.desc())
            .limit(limit)
        )
        return [_note(r) for r in rows]

    def unread_count(self, recipients: list[str]) -> int:
        return len(
            list(
                self.session.scalars(
                    select(NotificationRow.id).where(
                        NotificationRow.recipient.in_(recipients),
                        NotificationRow.read_at.is_(None),
                    )
                )
            )
        )

    def mark_read(self, recipients: list[str], at: datetime) -> None:
        for row in self.session.scalars(
            select(NotificationRow).where(
                NotificationRow.recipient.in_(recipients), NotificationRow.read_at.is_(None)
            )
        ):
            row.read_at = at
        self.session.flush()

    def unsent(self, limit: int = 200) -> list[Notification]:
        rows = self.session.scalars(
            select(NotificationRow)
            .where(NotificationRow.emailed_at.is_(None))
            .order_by(NotificationRow.id)
            .limit(limit)
        )
        return [_note(r) for r in rows]

    def mark_emailed(self, note_id: int, at: datetime) -> None:
        row = self.session.get(NotificationRow, note_id)
        if row is not None:
            row.emailed_at = at
            self.session.flush()

    def email_of(self, username: str) -> str | None:
        row = self.session.get(UserEmailRow, username)
        return row.email if row else None

    def set_email(self, username: str, email: str) -> None:
        row = self.session.get(UserEmailRow, username)
        if row is None:
            self.session.add(UserEmailRow(username=username, email=email))
        else:
            row.email = email
        self.session.flush()


def _note(r: NotificationRow) -> Notification:
    return Notification(
        r.id, r.recipient, r.at, r.kind, r.case_number, r.message, r.link, r.read_at
    )
