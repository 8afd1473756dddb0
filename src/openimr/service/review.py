"""The expert reviewer's determination: clinical case summary and, per disputed item,
the decision, the guidelines and the rationale, signed (LC 4610.6(c)-(d); 8 CCR 9792.10.6).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from openimr.domain.citation import Citation
from openimr.domain.determination import Determination, ItemDetermination
from openimr.domain.drafting import machine_traces
from openimr.domain.errors import InvalidInput
from openimr.domain.reviewer import ReviewerCredentials
from openimr.domain.vocabulary import CaseState, Decision
from openimr.service.access import Actor, ensure_assigned_reviewer
from openimr.service.concurrency import ensure_version
from openimr.service.events import audit, record_events
from openimr.service.notify import notify_staff
from openimr.service.ports import Clock, UnitOfWork


@dataclass(frozen=True)
class ItemDecision:
    item_id: str
    decision: Decision
    claims_administrator_guideline: list[Citation]
    imr_guideline: list[Citation]
    rationale: str
    strength_of_evidence: str | None = None


@dataclass(frozen=True)
class RecordReview:
    case_number: str
    clinical_case_summary: str
    items: list[ItemDecision]
    expected_version: int | None = None
    documents_reviewed: list[str] = field(default_factory=list)  # default: every document


@dataclass(frozen=True)
class ReviewResult:
    case_number: str
    state: CaseState
    decisions: dict[str, Decision]
    version: int


def record_review(cmd: RecordReview, uow: UnitOfWork, actor: Actor, clock: Clock) -> ReviewResult:
    """Record and sign the assigned reviewer's determination (LC 4610.6; 8 CCR 9792.10.6).

    The letter states the reviewer's credentials, never the name (LC 4610.6(f)).
    """
    with uow:
        case = uow.cases.get(cmd.case_number)
        ensure_assigned_reviewer(actor, case)
        ensure_version(case, cmd.expected_version)
        ensure_own_words(cmd)
        assert case.assigned_reviewer_id is not None  # ensured above
        reviewer = uow.reviewers.get(case.assigned_reviewer_id)
        now = clock()
        determination = Determination(
            clinical_case_summary=cmd.clinical_case_summary.strip(),
            items=tuple(
                ItemDetermination(
                    item_id=d.item_id,
                    decision=d.decision,
                    claims_administrator_guideline=tuple(d.claims_administrator_guideline),
                    imr_guideline=tuple(d.imr_guideline),
                    rationale=d.rationale.strip(),
                    strength_of_evidence=d.strength_of_evidence,
                )
                for d in cmd.items
            ),
            credentials=ReviewerCredentials.of(reviewer),
            signed_by=reviewer.reviewer_id,
            signed_at=now,
            documents_reviewed=tuple(
                cmd.documents_reviewed or [d.document_id for d in case.documents]
            ),
        )
        case.record_determination(determination, now)
        uow.cases.save(case)
        record_events(uow, case, actor)
        audit(
            uow,
            "DeterminationRecorded",
            actor,
            now,
            case.case_number,
            decisions={d.item_id: d.decision for d in determination.items},
            credentials=list(determination.credentials.specialties),
        )
        uow.drafts.delete(case.case_number, reviewer.reviewer_id)  # the signed text replaces it
        notify_staff(
            uow,
            "signed",
            case.case_number,
            f"The determination of {case.case_number} is signed and ready to issue.",
            now,
        )
        uow.commit()
        return ReviewResult(
            case.case_number,
            case.state,
            {d.item_id: d.decision for d in determination.items},
            case.version,
        )


def ensure_own_words(cmd: RecordReview) -> None:
    """The signed summary and rationales are the reviewer's words, not a machine draft
    (LC 4610.6: the expert reviewer decides); InvalidInput names each field to fix."""
    fields = [("clinical_case_summary", "the clinical case summary", cmd.clinical_case_summary)]
    fields += [
        (f"rationale-{d.item_id}", f"the rationale of item {d.item_id}", d.rationale)
        for d in cmd.items
    ]
    problems = {
        name: f"{what} " + "; it ".join(found)
        for name, what, text in fields
        if (found := machine_traces(text, cmd.case_number))
    }
    if problems:
        raise InvalidInput(
            "not signed: " + " — ".join(problems.values()),
            field=next(iter(problems)),
            problems=problems,
        )
