"""In-memory implementations of every service port (service/ports.py), with dicts, and a
model-free encoder on the assist's embeddings port (assist/ports.py).

The same contract tests run against these and the SQL store (tests/integration/
test_store_contract.py), so the fakes cannot drift from the real adapters.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import re
from collections.abc import Iterator
from datetime import date, datetime
from types import TracebackType
from typing import Any

import numpy as np

from openimr.assist.ports import Encoder
from openimr.domain.audit import (
    GENESIS_HASH,
    AuditEntry,
    AuditKey,
    AuditKeyRing,
    canonical_json,
    seal,
)
from openimr.domain.case import Case
from openimr.domain.document_text import OcrProgress, PageText
from openimr.domain.drafting import ReviewDraft
from openimr.domain.errors import ConcurrentUpdate, InvalidInput, NotFound
from openimr.domain.notification import Notification
from openimr.domain.reviewer import ExpertReviewer
from openimr.domain.vocabulary import CaseState
from openimr.rules.case_numbers import case_number_format, check_case_number

OPEN = frozenset(
    {CaseState.ELIGIBLE, CaseState.ASSIGNED, CaseState.RECORDS_RECEIVED, CaseState.REVIEWED}
)


# The fakes' audit log is sealed with a fixed key (never a real one).
TEST_AUDIT_KEYS = AuditKeyRing((AuditKey.of(b"test-audit-key-not-secret-0123456789"),))


class FakeDatabase:
    """What a committed transaction leaves behind."""

    def __init__(self) -> None:
        self.cases: dict[str, Case] = {}
        self.intake_keys: dict[str, str] = {}
        self.dispute_keys: dict[str, str] = {}
        self.reviewers: dict[str, ExpertReviewer] = {}
        self.blobs: dict[str, bytes] = {}
        self.audit: list[AuditEntry] = []
        self.case_seq = 0
        self.drafts: dict[tuple[str, str], ReviewDraft] = {}
        self.pages: dict[str, dict[int, PageText]] = {}
        self.ocr: dict[str, OcrProgress] = {}
        self.notes: dict[str, Notification] = {}  # dedupe key -> notification
        self.emails: dict[str, str] = {}
        self.emailed: set[int] = set()


class FakeDraftStore:
    def __init__(self, db: FakeDatabase) -> None:
        self.db = db

    def get(self, case_number: str, reviewer_id: str) -> ReviewDraft | None:
        return self.db.drafts.get((case_number, reviewer_id))

    def save(
        self,
        case_number: str,
        reviewer_id: str,
        values: dict[str, str],
        expected_version: int | None,
        at: datetime,
    ) -> int:
        old = self.db.drafts.get((case_number, reviewer_id))
        stored = old.version if old else 0
        if expected_version is not None and expected_version != stored:
            raise ConcurrentUpdate(f"your draft of {case_number} was saved meanwhile")
        self.db.drafts[(case_number, reviewer_id)] = ReviewDraft(
            case_number, reviewer_id, dict(values), stored + 1, at
        )
        return stored + 1

    def delete(self, case_number: str, reviewer_id: str) -> None:
        self.db.drafts.pop((case_number, reviewer_id), None)


class FakeTextStore:
    def __init__(self, db: FakeDatabase) -> None:
        self.db = db

    def pages(self, content_hash: str) -> list[PageText]:
        return [p for _, p in sorted(self.db.pages.get(content_hash, {}).items())]

    def put_page(self, content_hash: str, page: PageText) -> None:
        self.db.pages.setdefault(content_hash, {})[page.page] = page

    def progress(self, content_hash: str) -> OcrProgress | None:
        return self.db.ocr.get(content_hash)

    def set_progress(self, progress: OcrProgress) -> None:
        self.db.ocr[progress.content_hash] = progress


class FakeNotificationStore:
    def __init__(self, db: FakeDatabase) -> None:
        self.db = db

    def add_once(self, note: Notification, dedupe_key: str) -> bool:
        if dedupe_key in self.db.notes:
            return False
        self.db.notes[dedupe_key] = dataclasses.replace(note, id=len(self.db.notes) + 1)
        return True

    def for_recipients(self, recipients: list[str], limit: int = 50) -> list[Notification]:
        mine = [n for n in self.db.notes.values() if n.recipient in recipients]
        return sorted(mine, key=lambda n: -n.id)[:limit]

    def unread_count(self, recipients: list[str]) -> int:
        return sum(n.read_at is None for n in self.for_recipients(recipients, 10**6))

    def mark_read(self, recipients: list[str], at: datetime) -> None:
        for key, n in self.db.notes.items():
            if n.recipient in recipients and n.read_at is None:
                self.db.notes[key] = dataclasses.replace(n, read_at=at)

    def unsent(self, limit: int = 200) -> list[Notification]:
        return [n for n in self.db.notes.values() if n.id not in self.db.emailed][:limit]

    def mark_emailed(self, note_id: int, at: datetime) -> None:
        self.db.emailed.add(note_id)

    def email_of(self, username: str) -> str | None:
        return self.db.emails.get(username)

    def set_email(self, username: str, email: str) -> None:
        self.db.emails[username] = email


class FakeCaseRepository:
    def __init__(self, db: FakeDatabase) -> None:
        self.db = db

    def add(self, case: Case, *, intake_key: str | None = None, dispute_key: str = "") -> None:
        if case.case_number in self.db.cases:
            raise InvalidInput(f"case {case.case_number} exists", field="case_number")
        if intake_key is not None and intake_key in self.db.intake_keys:
            raise ConcurrentUpdate("the same application was stored meanwhile")
        self._check_documents(case)
        case.version = 1
        self.db.cases[case.case_number] = copy.deepcopy(case)
        if intake_key:
            self.db.intake_keys[intake_key] = case.case_number
        self.db.dispute_keys[case.case_number] = dispute_key

    def _check_documents(self, case: Case) -> None:
        """Like the SQL foreign key: a case refers only to stored bytes."""
        for doc in case.documents:
            if doc.content_hash not in self.db.blobs:
                raise InvalidInput(f"document {doc.document_id}: content not stored")

    def get(self, case_number: str) -> Case:
        check_case_number(case_number)
        if case_number not in self.db.cases:
            raise NotFound(f"no case {case_number}")
        return copy.deepcopy(self.db.cases[case_number])

    def save(self, case: Case) -> None:
        stored = self.db.cases.get(case.case_number)
        if stored is None:
            raise NotFound(f"no case {case.case_number}")
        if stored.version != case.version:
            raise ConcurrentUpdate(f"case {case.case_number} was changed by someone else")
        self._check_documents(case)
        case.version += 1
        saved = copy.deepcopy(case)
        saved.events = []
        self.db.cases[case.case_number] = saved

    def find_by_intake_key(self, intake_key: str) -> Case | None:
        number = self.db.intake_keys.get(intake_key)
        return None if number is None else self.get(number)

    def case_numbers_with_dispute_key(self, dispute_key: str) -> list[str]:
        refused = {CaseState.INELIGIBLE, CaseState.WITHDRAWN}
        return [
            n
            for n, key in self.db.dispute_keys.items()
            if key == dispute_key and self.db.cases[n].state not in refused
        ]

    def next_case_number(self, on: date) -> str:
        self.db.case_seq += 1
        return case_number_format().make(on, self.db.case_seq)

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
        wanted = (text or "").strip().lower()
        found = [
            c
            for c in self.db.cases.values()
            if (states is None or c.state in states)
            and (reviewer_id is None or c.assigned_reviewer_id == reviewer_id)
            and (party_key is None or party_key in c.party_keys())
            and (
                not wanted
                or wanted in c.case_number.lower()
                or wanted in (c.claim_number or "").lower()
                or any(wanted in p.name.lower() for p in c.parties)
            )
        ]
        return [copy.deepcopy(c) for c in found[offset : offset + limit]]

    def open_counts_by_reviewer(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for case in self.db.cases.values():
            if case.assigned_reviewer_id and case.state in OPEN:
                counts[case.assigned_reviewer_id] = counts.get(case.assigned_reviewer_id, 0) + 1
        return counts

    def assigned_counts_since(self, day: date) -> dict[str, int]:
        counts: dict[str, int] = {}
        for case in self.db.cases.values():
            rid, on = case.assigned_reviewer_id, case.reviewer_assigned_on
            if rid and on is not None and on >= day:
                counts[rid] = counts.get(rid, 0) + 1
        return counts


class FakeReviewerRepository:
    def __init__(self, db: FakeDatabase) -> None:
        self.db = db

    def add(self, reviewer: ExpertReviewer) -> None:
        if reviewer.reviewer_id in self.db.reviewers:
            raise InvalidInput(f"reviewer {reviewer.reviewer_id} already exists")
        self.db.reviewers[reviewer.reviewer_id] = copy.deepcopy(reviewer)

    def get(self, reviewer_id: str) -> ExpertReviewer:
        if reviewer_id not in self.db.reviewers:
            raise NotFound(f"no reviewer {reviewer_id}")
        return copy.deepcopy(self.db.reviewers[reviewer_id])

    def save(self, reviewer: ExpertReviewer) -> None:
        if reviewer.reviewer_id not in self.db.reviewers:
            raise NotFound(f"no reviewer {reviewer.reviewer_id}")
        self.db.reviewers[reviewer.reviewer_id] = copy.deepcopy(reviewer)

    def list(self, *, active_only: bool = True) -> list[ExpertReviewer]:
        return [
            copy.deepcopy(r)
            for _, r in sorted(self.db.reviewers.items())
            if r.active or not active_only
        ]


class FakeDocumentStore:
    def __init__(self, db: FakeDatabase) -> None:
        self.db = db

    def put(self, content: bytes, media_type: str) -> str:
        digest = hashlib.sha256(content).hexdigest()
        self.db.blobs.setdefault(digest, content)
        return digest

    def get(self, content_hash: str) -> bytes:
        if content_hash not in self.db.blobs:
            raise NotFound(f"no document with hash {content_hash}")
        return self.db.blobs[content_hash]


class FakeAuditLog:
    def __init__(self, db: FakeDatabase) -> None:
        self.db = db
        self.pending: list[tuple[str, str, datetime, str | None, str]] = []

    def append(
        self,
        action: str,
        *,
        actor: str,
        at: datetime,
        case_number: str | None,
        data: dict[str, Any],
    ) -> None:
        self.pending.append((action, actor, at, case_number, canonical_json(data)))

    def flush(self) -> None:
        for action, actor, at, case_number, data in self.pending:
            prev = self.db.audit[-1].entry_hash if self.db.audit else GENESIS_HASH
            seq = len(self.db.audit) + 1
            self.db.audit.append(
                seal(TEST_AUDIT_KEYS, prev, seq, at, actor, action, case_number, data)
            )
        self.pending.clear()

    def tail(self) -> tuple[int, str] | None:
        return (self.db.audit[-1].seq, self.db.audit[-1].entry_hash) if self.db.audit else None

    def for_case(self, case_number: str) -> list[AuditEntry]:
        return [e for e in self.db.audit if e.case_number == case_number]

    def entries(self, after_seq: int = 0) -> Iterator[AuditEntry]:
        return iter([e for e in self.db.audit if e.seq > after_seq])


class FakeUnitOfWork:
    """Works on a copy of the database; `commit()` makes the copy the database."""

    def __init__(self, db: FakeDatabase | None = None) -> None:
        self.db = db or FakeDatabase()
        self.committed = 0

    def __enter__(self) -> FakeUnitOfWork:
        self._work = copy.deepcopy(self.db)
        self.cases = FakeCaseRepository(self._work)
        self.reviewers = FakeReviewerRepository(self._work)
        self.documents = FakeDocumentStore(self._work)
        self.audit = FakeAuditLog(self._work)
        self.drafts = FakeDraftStore(self._work)
        self.texts = FakeTextStore(self._work)
        self.notifications = FakeNotificationStore(self._work)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()

    def commit(self) -> None:
        self.audit.flush()
        self.db.__dict__.update(copy.deepcopy(self._work).__dict__)
        self.committed += 1

    def rollback(self) -> None:
        self.audit.pending.clear()
        self._work = copy.deepcopy(self.db)
        self.cases = FakeCaseRepository(self._work)
        self.reviewers = FakeReviewerRepository(self._work)
        self.documents = FakeDocumentStore(self._work)
        self.audit = FakeAuditLog(self._work)
        self.drafts = FakeDraftStore(self._work)
        self.texts = FakeTextStore(self._work)
        self.notifications = FakeNotificationStore(self._work)


class FixedClock:
    """A clock the test sets."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class HashingEncoder(Encoder):
    """The embeddings port (`assist.ports.Encoder`) without a model: each word hashed into
    one of `dimension` buckets, rows L2-normalised. Texts that share words come out similar,
    so ranking, exclusion, fusion and persistence run everywhere; what only a language model
    knows (that "MRI" means "magnetic resonance imaging") stays in the real-model test."""

    dimension = 512

    def encode(self, texts: list[str]) -> np.ndarray:
        rows = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"[a-z0-9]+", text.lower()):
                bucket = int(hashlib.sha256(word.encode()).hexdigest()[:8], 16) % self.dimension
                rows[row, bucket] += 1.0
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        return rows / np.where(norms == 0, 1.0, norms)
