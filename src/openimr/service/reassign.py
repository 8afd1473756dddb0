"""A reviewer comes off a case: decline, recusal or missed deadline (8 CCR 9792.10.4(b)).

`release_reviewer` is the one way: the case goes back to waiting for a reviewer with this one
excluded for good, and the audit log keeps who asked, the kind and the reason in words. The
continuous assignment (service/continuous.py) then gives it to the best reviewer left, first
if it is expedited. `release_overdue` is the sweep that takes a case off a reviewer who let the
internal deadline of the reviewer policy pass without signing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from openimr.domain.case import Case
from openimr.domain.errors import InvalidTransition, PermissionDenied
from openimr.domain.vocabulary import CaseState, Priority, ReleaseKind, Role
from openimr.rules.assignment_policy import policy_of
from openimr.service.access import Actor, ensure_can_view
from openimr.service.concurrency import ensure_version
from openimr.service.events import record_events
from openimr.service.ports import Clock, UnitOfWork

WORKING_STATES = frozenset({CaseState.ASSIGNED, CaseState.RECORDS_RECEIVED})


@dataclass(frozen=True)
class ReleaseReviewer:
    """Take `reviewer_id` off `case_number`; `reason` says why in words (kept in the audit)."""

    case_number: str
    reviewer_id: str
    kind: ReleaseKind
    reason: str
    expected_version: int | None = None


@dataclass(frozen=True)
class ReleaseResult:
    case_number: str
    released_reviewer_id: str
    kind: ReleaseKind
    state: CaseState
    version: int
    excluded_reviewers: tuple[str, ...]  # every reviewer now barred from the case


def ensure_may_release(actor: Actor, case: Case, cmd: ReleaseReviewer) -> None:
    """Staff may take any reviewer off; a reviewer may decline or recuse itself only."""
    if actor.is_staff:
        return
    own = actor.role is Role.REVIEWER and actor.reviewer_id == case.assigned_reviewer_id
    if own and cmd.kind in (ReleaseKind.DECLINE, ReleaseKind.RECUSAL):
        return
    raise PermissionDenied(
        f"{actor.label} may not take a reviewer off case {case.case_number}",
        case_number=case.case_number,
    )


def release_reviewer(
    cmd: ReleaseReviewer, uow: UnitOfWork, actor: Actor, clock: Clock
) -> ReleaseResult:
    """Decline, recusal or missed deadline: the case goes back with the reviewer excluded.

    Refused (409) when `reviewer_id` is not the reviewer at work on the case, so a stale
    click cannot take the next reviewer off.
    """
    with uow:
        case = uow.cases.get(cmd.case_number)
        ensure_can_view(actor, case)  # not theirs: 404, as if there were no such case
        ensure_may_release(actor, case, cmd)  # "may do this" (403) before "is it current" (409)
        ensure_version(case, cmd.expected_version)
        if case.assigned_reviewer_id != cmd.reviewer_id or case.state not in WORKING_STATES:
            raise InvalidTransition(
                f"reviewer {cmd.reviewer_id} is not at work on case {case.case_number} "
                f"(it is {case.state.value})",
                case_number=case.case_number,
                state=case.state.value,
                to=CaseState.ELIGIBLE.value,
            )
        now = clock()
        case.release_reviewer(cmd.kind, cmd.reason, now)
        uow.drafts.delete(case.case_number, cmd.reviewer_id)  # its unsigned work goes with it
        uow.cases.save(case)
        record_events(uow, case, actor)
        uow.commit()
        return ReleaseResult(
            case.case_number,
            cmd.reviewer_id,
            cmd.kind,
            case.state,
            case.version,
            tuple(sorted(case.excluded_reviewer_ids)),
        )


def reviewer_due(case: Case) -> date | None:
    """The reviewer policy's internal deadline for the assigned reviewer to sign, if running.

    It runs from the records' arrival (LC 4610.6(d): the decision clock) and ends a margin
    before the statutory one, so another reviewer can still decide in time.
    """
    if case.state is not CaseState.RECORDS_RECEIVED or case.records_received_on is None:
        return None
    policy = policy_of(case.jurisdiction)
    if policy is None:  # the pack sets no internal deadline
        return None
    rule = policy.turnaround_on(case.records_received_on)
    if rule is None:  # the pack sets no internal deadline
        return None
    days = rule.expedited_days if case.priority is Priority.EXPEDITED else rule.standard_days
    start = max(case.records_received_on, case.reviewer_assigned_on or case.records_received_on)
    return start + timedelta(days=days)


def release_overdue(uow: UnitOfWork, actor: Actor, clock: Clock) -> list[str]:
    """Take every case off a reviewer whose internal deadline passed unsigned; their numbers."""
    today = clock().date()
    overdue: list[tuple[str, str, date, str]] = []
    with uow:
        offset = 0
        while True:
            batch = uow.cases.list(
                states=frozenset({CaseState.RECORDS_RECEIVED}), limit=500, offset=offset
            )
            for case in batch:
                due = reviewer_due(case)
                if due is not None and due < today and case.assigned_reviewer_id:
                    overdue.append(
                        (case.case_number, case.assigned_reviewer_id, due, case.jurisdiction)
                    )
            if len(batch) < 500:
                break
            offset += 500
    released = []
    for number, reviewer_id, due, code in overdue:
        policy = policy_of(code)
        assert policy is not None  # reviewer_due found a deadline in it
        rule = policy.turnaround_on(today)
        assert rule is not None
        cmd = ReleaseReviewer(
            number,
            reviewer_id,
            ReleaseKind.MISSED_DEADLINE,
            f"not signed by {due.isoformat()}, the internal deadline of {rule.describe()}",
        )
        release_reviewer(cmd, uow, actor, clock)
        released.append(number)
    return released
