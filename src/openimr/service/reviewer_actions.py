"""What the assigned expert reviewer does besides signing: save unsigned work as they type,
decline or recuse (the case goes back with them excluded), and ask for missing records.

Every one is audited in its own transaction. The release of a case is the service function
the continuous assignment of the panel (issue #18) picks the case up from: the case returns
to ELIGIBLE with the reviewer in `Case.excluded_reviewer_ids`, which `service.assign`
passes to the panel's screening as a reviewer that may not take the case.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from openimr.domain.drafting import ReviewDraft
from openimr.domain.vocabulary import CaseState
from openimr.service.access import Actor, ensure_assigned_reviewer, ensure_can_view
from openimr.service.concurrency import ensure_version
from openimr.service.events import audit, record_events
from openimr.service.notify import notify_staff
from openimr.service.ports import Clock, UnitOfWork

MAX_DRAFT_FIELDS = 200
MAX_DRAFT_CHARS = 200_000


def get_draft(case_number: str, uow: UnitOfWork, actor: Actor, clock: Clock) -> ReviewDraft | None:
    """The reviewer's saved draft of this case, if any (the assigned reviewer only)."""
    with uow:
        case = uow.cases.get(case_number)
        ensure_can_view(actor, case)  # not yours: NotFound, as an unknown number
        ensure_assigned_reviewer(actor, case)
        assert actor.reviewer_id is not None
        return uow.drafts.get(case_number, actor.reviewer_id)


def save_draft(
    case_number: str,
    values: dict[str, str],
    expected_version: int | None,
    uow: UnitOfWork,
    actor: Actor,
    clock: Clock,
) -> int:
    """Save the unsigned workbench form; returns the draft's new version. A stale
    `expected_version` (another window saved meanwhile) raises ConcurrentUpdate."""
    from openimr.domain.errors import InvalidInput, InvalidTransition

    if len(values) > MAX_DRAFT_FIELDS or sum(map(len, values.values())) > MAX_DRAFT_CHARS:
        raise InvalidInput("the draft is too large to save", field="values")
    with uow:
        case = uow.cases.get(case_number)
        ensure_can_view(actor, case)  # not yours: NotFound, as an unknown number
        ensure_assigned_reviewer(actor, case)
        if case.determination is not None:
            raise InvalidTransition(
                f"case {case_number} is signed: there is no draft to save",
                case_number=case_number,
                state=case.state.value,
                to=case.state.value,
            )
        assert actor.reviewer_id is not None
        now = clock()
        version = uow.drafts.save(case_number, actor.reviewer_id, values, expected_version, now)
        audit(uow, "ReviewDraftSaved", actor, now, case_number, draft_version=version)
        uow.commit()
    return version


@dataclass(frozen=True)
class ReleaseCase:
    """The assigned reviewer declines the case, or recuses (a conflict of interest)."""

    case_number: str
    kind: Literal["decline", "recuse"]
    reason: str
    expected_version: int | None = None


@dataclass(frozen=True)
class ReleaseResult:
    case_number: str
    reviewer_id: str
    state: CaseState
    version: int


def release_case(cmd: ReleaseCase, uow: UnitOfWork, actor: Actor, clock: Clock) -> ReleaseResult:
    """Put the case back for another reviewer with this one excluded (LC 139.5 conflicts;
    8 CCR 9792.10.4(b) assignment); audited with the reason, staff notified."""
    with uow:
        case = uow.cases.get(cmd.case_number)
        ensure_can_view(actor, case)  # not yours: NotFound, as an unknown number
        ensure_assigned_reviewer(actor, case)
        ensure_version(case, cmd.expected_version)
        now = clock()
        reviewer_id = case.release_reviewer(cmd.kind, cmd.reason, now)
        uow.drafts.delete(case.case_number, reviewer_id)
        uow.cases.save(case)
        record_events(uow, case, actor)
        verb = "recused" if cmd.kind == "recuse" else "declined"
        notify_staff(
            uow,
            "released",
            case.case_number,
            f"The expert reviewer {verb} case {case.case_number}: {cmd.reason.strip()}. "
            "Assign another reviewer.",
            now,
            key=f"{reviewer_id}:{case.version}",
        )
        uow.commit()
        return ReleaseResult(case.case_number, reviewer_id, case.state, case.version)


def request_records(
    case_number: str, what: str, uow: UnitOfWork, actor: Actor, clock: Clock
) -> int:
    """The reviewer asks staff for records missing from the case file; returns how many
    requests are open. Staff answer by adding the documents."""
    with uow:
        case = uow.cases.get(case_number)
        ensure_can_view(actor, case)  # not yours: NotFound, as an unknown number
        ensure_assigned_reviewer(actor, case)
        now = clock()
        assert actor.reviewer_id is not None
        case.request_records(what, actor.reviewer_id, now)
        uow.cases.save(case)
        record_events(uow, case, actor)
        notify_staff(
            uow,
            "records_requested",
            case.case_number,
            f"The expert reviewer asks for more records in {case.case_number}: {what.strip()}",
            now,
            key=f"{len(case.records_requests)}",
        )
        uow.commit()
        return sum(r.is_open for r in case.records_requests)
