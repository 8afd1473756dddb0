"""Read-side use cases for the API and the web pages. Every read of a case is audited.

Each function checks who may see what (service/access.py) and writes its audit entry in
its own transaction, so the audit trail shows who looked at which case and when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from openimr.domain.audit import AuditEntry
from openimr.domain.case import Case, CaseDocument
from openimr.domain.clocks import Clocks
from openimr.domain.errors import NotFound, PermissionDenied
from openimr.domain.reviewer import ExpertReviewer
from openimr.domain.vocabulary import CaseState, Role
from openimr.rules.clocks import ClockPack
from openimr.rules.eligibility import consolidation_key
from openimr.rules.pack import load_pack
from openimr.service.access import (
    Actor,
    as_seen_by,
    can_see_determination,
    can_see_reviewer_identity,
    can_view_case,
    ensure_can_view,
    ensure_staff,
)
from openimr.service.deadlines import case_clocks, running_clock
from openimr.service.events import audit
from openimr.service.letters import (
    LetterFormat,
    RenderedLetter,
    no_letter_yet,
    render,
    reviewer_identity,
)
from openimr.service.ports import Clock, UnitOfWork


@dataclass(frozen=True)
class CaseView:
    """A case as one actor may see it, with its clocks."""

    case: Case  # reviewer identity removed for parties
    clocks: Clocks
    reviewer_visible: bool


@dataclass(frozen=True)
class CaseSummary:
    """One line of the queue."""

    case_number: str
    state: CaseState
    priority: str
    application_received_on: date
    items: tuple[str, ...]
    running_clock: str | None
    due_on: date | None
    days_left: int | None


def get_case(
    case_number: str,
    uow: UnitOfWork,
    actor: Actor,
    clock: Clock,
    rules: ClockPack | None = None,
) -> CaseView:
    """One case with its clocks, as `actor` may see it; the read is audited."""
    with uow:
        case = uow.cases.get(case_number)
        ensure_can_view(actor, case)
        seen = as_seen_by(actor, case, _withheld_identity(uow, actor, case))
        audit(uow, "CaseRead", actor, clock(), case_number)
        uow.commit()
    return CaseView(seen, case_clocks(case, rules), seen is case)


def list_cases(
    uow: UnitOfWork,
    actor: Actor,
    clock: Clock,
    *,
    states: frozenset[CaseState] | None = None,
    limit: int = 100,
    offset: int = 0,
    rules: ClockPack | None = None,
) -> list[CaseSummary]:
    """The cases `actor` may see (staff: all; reviewer: assigned; party: its own)."""
    today = clock().date()
    with uow:
        if actor.is_staff:
            cases = uow.cases.list(states=states, limit=limit, offset=offset)
        elif actor.role is Role.REVIEWER and actor.reviewer_id:
            cases = uow.cases.list(
                states=states, reviewer_id=actor.reviewer_id, limit=limit, offset=offset
            )
        elif actor.role is Role.PARTY and actor.party_key:
            cases = uow.cases.list(
                states=states, party_key=actor.party_key, limit=limit, offset=offset
            )
        else:
            cases = []
        cases = [c for c in cases if can_view_case(actor, c)]
        audit(uow, "CasesListed", actor, clock(), None, cases=[c.case_number for c in cases])
        uow.commit()
    out = []
    for case in cases:
        running = running_clock(case, rules)
        out.append(
            CaseSummary(
                case.case_number,
                case.state,
                case.priority.value,
                case.application_received_on,
                tuple(i.description for i in case.items),
                running.name if running else None,
                running.due_on if running else None,
                running.days_left(today) if running else None,
            )
        )
    return out


def _withheld_identity(uow: UnitOfWork, actor: Actor, case: Case) -> list[str]:
    """The reviewer's name and licence numbers, when `actor` may not know them."""
    if can_see_reviewer_identity(actor, case) or case.assigned_reviewer_id is None:
        return []
    return reviewer_identity(uow.reviewers.get(case.assigned_reviewer_id))


def get_document(
    case_number: str, document_id: str, uow: UnitOfWork, actor: Actor, clock: Clock
) -> tuple[CaseDocument, bytes]:
    """One document of the case file and its bytes; the read is audited."""
    with uow:
        case = uow.cases.get(case_number)
        ensure_can_view(actor, case)
        found = [d for d in case.documents if d.document_id == document_id]
        if not found:
            raise NotFound(f"case {case_number} has no document {document_id}")
        content = uow.documents.get(found[0].content_hash)
        audit(uow, "DocumentRead", actor, clock(), case_number, document_id=document_id)
        uow.commit()
    return found[0], content


def get_letter(
    case_number: str,
    uow: UnitOfWork,
    actor: Actor,
    clock: Clock,
    fmt: LetterFormat = "text",
    public: bool = False,
) -> RenderedLetter:
    """The letter of a case. The full letter goes to those who may see the case (it never
    names the reviewer), to a party only from issue on; the redacted public one to anyone
    once published (LC 4610.6). Every format, JSON included, is built from the same
    scrubbed text."""
    with uow:
        case = uow.cases.get(case_number)
        if not public or case.state is not CaseState.PUBLISHED:
            ensure_can_view(actor, case)
            if not can_see_determination(actor, case):
                # The very answer a case without a signed determination gets: a party
                # cannot tell "signed, not yet issued" from "not yet signed".
                raise no_letter_yet(case)
        reviewer = (
            uow.reviewers.get(case.assigned_reviewer_id) if case.assigned_reviewer_id else None
        )
        audit(uow, "LetterRead", actor, clock(), case_number, format=fmt, public=public)
        uow.commit()
    return render(case, reviewer, fmt, public)


def audit_trail(case_number: str, uow: UnitOfWork, actor: Actor, clock: Clock) -> list[AuditEntry]:
    """Every audit entry of one case, oldest first (staff only); reading it is audited too."""
    ensure_staff(actor, "read the audit trail")
    with uow:
        uow.cases.get(case_number)  # NotFound for an unknown case
        entries = uow.audit.for_case(case_number)
        audit(uow, "AuditTrailRead", actor, clock(), case_number)
        uow.commit()
    return entries


def list_reviewers(uow: UnitOfWork, actor: Actor, clock: Clock) -> list[ExpertReviewer]:
    """The active panel (staff only: reviewer identities are confidential)."""
    if not actor.is_staff:
        raise PermissionDenied(f"{actor.label} may not list the reviewer panel")
    with uow:
        reviewers = uow.reviewers.list()
        audit(uow, "PanelListed", actor, clock(), None, count=len(reviewers))
        uow.commit()
    return reviewers


def get_reviewer(reviewer_id: str, uow: UnitOfWork, actor: Actor, clock: Clock) -> ExpertReviewer:
    """One reviewer: staff, or the reviewer themselves."""
    if not (actor.is_staff or actor.reviewer_id == reviewer_id):
        raise PermissionDenied(f"{actor.label} may not see reviewer {reviewer_id}")
    with uow:
        reviewer = uow.reviewers.get(reviewer_id)
        audit(uow, "ReviewerRead", actor, clock(), None, reviewer_id=reviewer_id)
        uow.commit()
    return reviewer


# States in which a case may still be combined with another: before the review starts.
CONSOLIDATABLE = frozenset({CaseState.RECEIVED, CaseState.ELIGIBLE, CaseState.ASSIGNED})


def consolidation_candidates(
    case_number: str, uow: UnitOfWork, actor: Actor, clock: Clock
) -> list[str]:
    """Other open applications that may be combined with this one (8 CCR 9792.10.4(a)):
    same employee, same requesting physician, same date of injury. Staff only; audited."""
    ensure_staff(actor, "look for applications to consolidate")
    with uow:
        case = uow.cases.get(case_number)
        key = consolidation_key(case)
        found: list[str] = []
        patients = load_pack(case.jurisdiction).roles_of_kind("patient")
        workers = [p for p in case.parties if p.role in patients]
        if key is not None and workers:
            for other in uow.cases.list(
                states=CONSOLIDATABLE, party_key=workers[0].key, limit=1000
            ):
                if other.case_number != case_number and consolidation_key(other) == key:
                    found.append(other.case_number)
        audit(uow, "ConsolidationChecked", actor, clock(), case_number, candidates=found)
        uow.commit()
    return found


@dataclass(frozen=True)
class PublishedHit:
    """A decided item of a letter published here (its redacted letter is public)."""

    case_number: str
    description: str
    decision: str
    decision_date: date | None
    score: float


def search_published_here(uow: UnitOfWork, query: str, limit: int = 50) -> list[PublishedHit]:
    """Items of the decisions published by this organization whose description or rationale
    holds the words of `query` (LC 4610.6 lets the
    Administrative Director publish them once identifying information is removed; no login)."""
    words = [w.lower() for w in query.split() if len(w) > 1]
    if not words:
        return []
    hits: list[PublishedHit] = []
    with uow:
        offset = 0
        while True:
            batch = uow.cases.list(
                states=frozenset({CaseState.PUBLISHED}), limit=500, offset=offset
            )
            for case in batch:
                det = case.determination
                for item in case.items if det is not None else []:
                    decided = det.decision_for(item.item_id) if det else None
                    text = f"{item.description} {decided.rationale if decided else ''}".lower()
                    found = sum(w in text for w in words)
                    if found and decided is not None:
                        hits.append(
                            PublishedHit(
                                case.case_number,
                                item.description,
                                decided.decision.value,
                                case.decision_date,
                                found / len(words),
                            )
                        )
            if len(batch) < 500:
                break
            offset += 500
    hits.sort(key=lambda h: (-h.score, h.case_number))
    return hits[:limit]
