"""SQLAlchemy repositories: aggregates in, aggregates out; never rows or sessions.

Optimistic locking (`Case.version`): `save` refuses a case whose version is not the
stored one, and the UPDATE itself carries `WHERE version = :read_version` (SQLAlchemy's
version counter), so two transactions racing on PostgreSQL cannot both win.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from openimr.domain.case import Case
from openimr.domain.errors import ConcurrentUpdate, InvalidInput, NotFound
from openimr.domain.reviewer import ExpertReviewer
from openimr.domain.vocabulary import CaseState
from openimr.rules.case_numbers import case_number_format, check_case_number
from openimr.store.mapping import (
    case_columns,
    case_from_row,
    document_rows,
    item_rows,
    party_rows,
    reviewer_columns,
    reviewer_from_row,
)
from openimr.store.tables import (
    CaseDocumentRow,
    CaseNumberRow,
    CaseRow,
    DisputedItemRow,
    PartyRow,
    ReviewerRow,
)

OPEN_STATES = frozenset(
    {CaseState.ELIGIBLE, CaseState.ASSIGNED, CaseState.RECORDS_RECEIVED, CaseState.REVIEWED}
)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _child_values(row: object) -> dict[str, object]:
    skip = {"id", "case_id"}
    table = row.__table__  # type: ignore[attr-defined]
    return {c.name: getattr(row, c.name) for c in table.columns if c.name not in skip}


def _escape_like(text: str) -> str:
    """`text` as a literal inside a LIKE pattern (its % and _ are not wildcards)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _now() -> datetime:
    return datetime.now(UTC)


class SqlCaseRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _row(self, case_number: str) -> CaseRow:
        row = self.session.scalar(select(CaseRow).where(CaseRow.case_number == case_number))
        if row is None:
            raise NotFound(f"no case {case_number}", case_number=case_number)
        return row

    def add(self, case: Case, *, intake_key: str | None = None, dispute_key: str = "") -> None:
        now = _now()
        row = CaseRow(
            **case_columns(case),
            intake_key=intake_key,
            dispute_key=_digest(dispute_key),
            created_at=now,
            updated_at=now,
        )
        row.parties = party_rows(case)
        row.documents = document_rows(case)
        row.items = item_rows(case)
        self.session.add(row)
        try:
            self.session.flush()
        except IntegrityError as err:
            if intake_key is not None and "intake_key" in str(err.orig):
                # The same application was stored by a concurrent request: let intake retry.
                raise ConcurrentUpdate(
                    f"application {intake_key[:12]} was stored meanwhile", intake_key=intake_key
                ) from err
            if "case_number" in str(err.orig):
                raise InvalidInput(
                    f"case number {case.case_number} is already taken", field="case_number"
                ) from err
            raise
        case.version = row.version

    def get(self, case_number: str) -> Case:
        """Read with four plain SELECTs (no ORM identity map): reads are the hot path.

        A malformed number is refused before any query (InvalidInput)."""
        check_case_number(case_number)
        cases = CaseRow.__table__
        row = self.session.execute(
            select(cases).where(cases.c.case_number == case_number)
        ).one_or_none()
        if row is None:
            raise NotFound(f"no case {case_number}", case_number=case_number)
        children = []
        for model in (PartyRow, CaseDocumentRow, DisputedItemRow):
            table = model.__table__
            children.append(
                self.session.execute(
                    select(table).where(table.c.case_id == row.id).order_by(table.c.position)
                ).all()
            )
        return case_from_row(row, *children)

    def save(self, case: Case) -> None:
        row = self._row(case.case_number)
        if row.version != case.version:
            raise ConcurrentUpdate(
                f"case {case.case_number} was changed by someone else "
                f"(version {row.version}, yours {case.version}); reload and try again",
                case_number=case.case_number,
                version=row.version,
            )
        for name, value in case_columns(case).items():
            setattr(row, name, value)
        row.updated_at = _now()  # always changed, so the versioned UPDATE is always issued
        try:
            self.session.flush()
            self._sync_children(row, case)
        except StaleDataError as err:
            raise ConcurrentUpdate(
                f"case {case.case_number} was changed by someone else; reload and try again",
                case_number=case.case_number,
            ) from err
        case.version = row.version

    def _sync_children(self, row: CaseRow, case: Case) -> None:
        """Rewrite a child collection only when it changed; old rows go before new ones
        are inserted, so the (case_id, position) unique keys never collide."""
        for attr, build in (
            ("parties", party_rows),
            ("documents", document_rows),
            ("items", item_rows),
        ):
            new = build(case)
            if [_child_values(r) for r in getattr(row, attr)] == [_child_values(r) for r in new]:
                continue
            getattr(row, attr).clear()
            self.session.flush()
            setattr(row, attr, new)
            self.session.flush()

    def find_by_intake_key(self, intake_key: str) -> Case | None:
        row = self.session.execute(
            select(CaseRow.case_number).where(CaseRow.intake_key == intake_key)
        ).one_or_none()
        return None if row is None else self.get(row.case_number)

    def case_numbers_with_dispute_key(self, dispute_key: str) -> list[str]:
        """Cases of the same dispute that were accepted or are still pending."""
        refused = [CaseState.INELIGIBLE.value, CaseState.WITHDRAWN.value]
        return list(
            self.session.scalars(
                select(CaseRow.case_number)
                .where(CaseRow.dispute_key == _digest(dispute_key), CaseRow.state.not_in(refused))
                .order_by(CaseRow.id)
            )
        )

    def next_case_number(self, on: date) -> str:
        """The next number in the jurisdiction's format (CMyy-nnnnnnn); unique across writers."""
        row = CaseNumberRow(issued_at=_now())
        self.session.add(row)
        self.session.flush()
        return case_number_format().make(on, row.id)

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
        query = select(CaseRow)
        if text and text.strip():
            wanted = f"%{_escape_like(text.strip().lower())}%"
            named = select(PartyRow.case_id).where(
                func.lower(PartyRow.name).like(wanted, escape="\\")
            )
            query = query.where(
                func.lower(CaseRow.case_number).like(wanted, escape="\\")
                | func.lower(func.coalesce(CaseRow.claim_number, "")).like(wanted, escape="\\")
                | CaseRow.id.in_(named)
            )
        if states is not None:
            query = query.where(CaseRow.state.in_([s.value for s in states]))
        if reviewer_id is not None:
            query = query.where(CaseRow.assigned_reviewer_id == reviewer_id)
        if party_key is not None:
            query = query.where(
                CaseRow.id.in_(select(PartyRow.case_id).where(PartyRow.key == party_key))
            )
        query = query.order_by(CaseRow.id).limit(limit).offset(offset)
        return [case_from_row(r) for r in self.session.scalars(query)]

    def open_counts_by_reviewer(self) -> dict[str, int]:
        rows = self.session.execute(
            select(CaseRow.assigned_reviewer_id, func.count())
            .where(
                CaseRow.assigned_reviewer_id.is_not(None),
                CaseRow.state.in_([s.value for s in OPEN_STATES]),
            )
            .group_by(CaseRow.assigned_reviewer_id)
        )
        return {str(rid): int(n) for rid, n in rows}

    def assigned_counts_since(self, day: date) -> dict[str, int]:
        rows = self.session.execute(
            select(CaseRow.assigned_reviewer_id, func.count())
            .where(
                CaseRow.assigned_reviewer_id.is_not(None),
                CaseRow.reviewer_assigned_on >= day,
            )
            .group_by(CaseRow.assigned_reviewer_id)
        )
        return {str(rid): int(n) for rid, n in rows}


class SqlReviewerRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, reviewer: ExpertReviewer) -> None:
        if self.session.get(ReviewerRow, reviewer.reviewer_id) is not None:
            raise InvalidInput(
                f"reviewer {reviewer.reviewer_id} already exists", field="reviewer_id"
            )
        self.session.add(ReviewerRow(**reviewer_columns(reviewer), version=1))
        self.session.flush()

    def get(self, reviewer_id: str) -> ExpertReviewer:
        row = self.session.get(ReviewerRow, reviewer_id)
        if row is None:
            raise NotFound(f"no reviewer {reviewer_id}", reviewer_id=reviewer_id)
        return reviewer_from_row(row)

    def save(self, reviewer: ExpertReviewer) -> None:
        row = self.session.get(ReviewerRow, reviewer.reviewer_id)
        if row is None:
            raise NotFound(f"no reviewer {reviewer.reviewer_id}", reviewer_id=reviewer.reviewer_id)
        for name, value in reviewer_columns(reviewer).items():
            setattr(row, name, value)
        row.version += 1
        self.session.flush()

    def list(self, *, active_only: bool = True) -> list[ExpertReviewer]:
        query = select(ReviewerRow).order_by(ReviewerRow.reviewer_id)
        if active_only:
            query = query.where(ReviewerRow.active.is_(True))
        return [reviewer_from_row(r) for r in self.session.scalars(query)]
