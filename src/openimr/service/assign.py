"""Assignment of one expert reviewer (8 CCR 9792.10.6(b)(1); LC 139.5).

The panel screens every reviewer: qualification, conflicts with every party, capacity,
specialty. The best candidate (or the one staff chose, if it is a candidate) is assigned,
and the audit entry keeps the chosen reviewer and every exclusion with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from openimr.domain.errors import InvalidInput
from openimr.domain.vocabulary import CaseState, ServiceMethod
from openimr.panel import RelationGraph, Screening, screen_reviewers
from openimr.service.access import Actor, ensure_staff
from openimr.service.concurrency import ensure_version
from openimr.service.events import audit, record_events
from openimr.service.notify import notify_reviewer
from openimr.service.ports import Clock, UnitOfWork


@dataclass(frozen=True)
class AssignReviewer:
    case_number: str
    assigned_on: date
    reviewer_id: str | None = None  # staff's choice; the best-fitting candidate when None
    expected_version: int | None = None
    # How the assignment was served where the pack's assignment is not a notice of its own.
    noarfi_served_by: ServiceMethod | None = None


@dataclass(frozen=True)
class AssignmentResult:
    case_number: str
    reviewer_id: str
    specialty: str
    fit: float
    reasons: tuple[str, ...]
    excluded: dict[str, tuple[str, ...]]  # reviewer id -> reasons
    state: CaseState
    version: int


def screen_case(
    case_number: str,
    uow: UnitOfWork,
    actor: Actor,
    clock: Clock,
    as_of: date | None = None,
    relations: RelationGraph | None = None,
) -> Screening:
    """Candidates with their fit and every excluded reviewer with the reason (read only)."""
    ensure_staff(actor, "screen reviewers")
    with uow:
        case = uow.cases.get(case_number)
        screening = screen_reviewers(
            case,
            uow.reviewers.list(),
            as_of or clock().date(),
            relations=relations,
            open_cases=uow.cases.open_counts_by_reviewer(),
            prior_reviewer_ids=frozenset(case.excluded_reviewer_ids),
        )
        audit(uow, "ReviewersScreened", actor, clock(), case_number, **_screen_data(screening))
        uow.commit()
        return screening


def _screen_data(screening: Screening) -> dict[str, object]:
    return {
        "candidates": [c.reviewer_id for c in screening.candidates],
        "excluded": {e.reviewer_id: list(e.reasons) for e in screening.excluded},
    }


def assign_reviewer(
    cmd: AssignReviewer,
    uow: UnitOfWork,
    actor: Actor,
    clock: Clock,
    relations: RelationGraph | None = None,
) -> AssignmentResult:
    """Assign one qualified, conflict-free expert reviewer (8 CCR 9792.10.6(b)(1); LC 139.5)."""
    ensure_staff(actor, "assign a reviewer")
    with uow:
        case = uow.cases.get(cmd.case_number)
        ensure_version(case, cmd.expected_version)
        screening = screen_reviewers(
            case,
            uow.reviewers.list(),
            cmd.assigned_on,
            relations=relations,
            open_cases=uow.cases.open_counts_by_reviewer(),
            # A reviewer who declined or recused never gets the case again.
            prior_reviewer_ids=frozenset(case.excluded_reviewer_ids),
        )
        excluded = {e.reviewer_id: e.reasons for e in screening.excluded}
        if cmd.reviewer_id is None:
            chosen = screening.best()
            if chosen is None:
                raise InvalidInput(
                    f"no qualified, conflict-free reviewer with capacity for case "
                    f"{case.case_number} ({len(excluded)} excluded)",
                    field="reviewer_id",
                    excluded={k: list(v) for k, v in excluded.items()},
                )
        else:
            found = [c for c in screening.candidates if c.reviewer_id == cmd.reviewer_id]
            if not found:
                why = "; ".join(excluded.get(cmd.reviewer_id, ("not on the active panel",)))
                raise InvalidInput(
                    f"reviewer {cmd.reviewer_id} may not review case {case.case_number}: {why}",
                    field="reviewer_id",
                )
            chosen = found[0]
        case.assign(chosen.reviewer_id, cmd.assigned_on, clock(), cmd.noarfi_served_by)
        uow.cases.save(case)
        record_events(uow, case, actor)
        audit(
            uow,
            "ReviewerSelection",
            actor,
            clock(),
            case.case_number,
            chosen=chosen.reviewer_id,
            specialty=chosen.specialty,
            fit=chosen.fit,
            reasons=list(chosen.reasons),
            need=screening.need,
            **_screen_data(screening),
        )
        notify_reviewer(
            uow,
            chosen.reviewer_id,
            "assignment",
            case.case_number,
            f"You have been assigned IMR case {case.case_number} "
            f"({case.priority.value}): {'; '.join(i.description for i in case.items)}",
            clock(),
            key=str(case.version),
        )
        uow.commit()
        return AssignmentResult(
            case.case_number,
            chosen.reviewer_id,
            chosen.specialty,
            chosen.fit,
            chosen.reasons,
            excluded,
            case.state,
            case.version,
        )
