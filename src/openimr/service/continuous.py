"""Continuous assignment: every case waiting for a reviewer gets one as soon as one is free.

`assign_waiting` takes every eligible case without a reviewer (new, or put back by a decline,
recusal or missed deadline) and solves them together with the panel's exact batch solver
(panel/assignment.py): expedited cases first, then better fit, with each reviewer's capacity
for this week (prorated by the absence calendar, less the cases already given this week) and
ties broken toward the reviewer with the smaller share of work over the last weeks. Each case
assigned is audited with the reasons for its reviewer; a case left waiting is audited with
the reason whenever that reason changes. The worker runs it on every minute's sweep, and the
API queues it at once when a case becomes eligible or loses its reviewer.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import date, timedelta

from openimr.domain.case import Case
from openimr.domain.errors import ConcurrentUpdate
from openimr.domain.reviewer import ExpertReviewer
from openimr.domain.vocabulary import CaseState, ServiceMethod
from openimr.panel import RelationGraph
from openimr.panel.assignment import AssignmentResult, assign
from openimr.panel.availability import week_capacity, week_start
from openimr.panel.case_input import licence_need
from openimr.panel.screening import CaseProfile, Screener
from openimr.rules.assignment_policy import policy_of
from openimr.service.access import Actor, ensure_staff
from openimr.service.events import audit, record_events
from openimr.service.ports import Clock, UnitOfWork

HISTORY_WEEKS = 12  # the window of "share of work" that breaks ties between equal reviewers
WAITING = "AssignmentWaiting"


@dataclass(frozen=True)
class Outcome:
    case_number: str
    reviewer_id: str | None
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class AssignmentRun:
    """What one pass did: cases given a reviewer, cases still waiting (with why)."""

    on: date
    assigned: tuple[Outcome, ...]
    waiting: tuple[Outcome, ...]
    skipped: tuple[str, ...]  # changed meanwhile by someone else: the next pass takes them
    seconds: float


def panel_week(
    reviewers: list[ExpertReviewer], day: date, given: dict[str, int]
) -> tuple[dict[str, int], dict[str, float]]:
    """(this week's capacity per reviewer, share of work over the last weeks)."""
    capacity = {r.reviewer_id: week_capacity(r, day) for r in reviewers}
    share = {
        r.reviewer_id: given.get(r.reviewer_id, 0) / max(r.capacity_per_week * HISTORY_WEEKS, 1)
        for r in reviewers
    }
    return capacity, share


def profile_of(case: Case, on: date) -> CaseProfile:
    """The panel's view of a waiting case: its reviewers taken off it stay excluded."""
    base = CaseProfile.of(case)
    return CaseProfile(
        case_id=base.case_id,
        priority=base.priority,
        condition=base.condition,
        items=base.items,
        parties=base.parties,
        excluded_reviewers=frozenset(case.excluded_reviewer_ids),
        licence=licence_need(case.jurisdiction, on),
    )


def assign_waiting(
    uow: UnitOfWork,
    actor: Actor,
    clock: Clock,
    relations: RelationGraph | None = None,
) -> AssignmentRun:
    """Give every waiting case the best free reviewer now (8 CCR 9792.10.4(b); LC 139.5)."""
    ensure_staff(actor, "assign reviewers")
    started = time.perf_counter()
    today = clock().date()
    with uow:
        waiting = _waiting_cases(uow)
        reviewers = uow.reviewers.list()
        held = uow.cases.assigned_counts_since(week_start(today))
        given = uow.cases.assigned_counts_since(today - timedelta(weeks=HISTORY_WEEKS))
    if not waiting:
        return AssignmentRun(today, (), (), (), time.perf_counter() - started)
    capacity, share = panel_week(reviewers, today, given)
    screener = Screener(
        reviewers,
        today,
        relations=relations,
        open_cases=held,
        week_capacity=capacity,
        expedited_window_days=_expedited_window(waiting, today),
    )
    profiles = [profile_of(case, today) for case in waiting]
    result = assign(screener, profiles, history=share)
    assigned, left, skipped = _apply(uow, actor, clock, waiting, result)
    return AssignmentRun(today, assigned, left, skipped, time.perf_counter() - started)


def _expedited_window(cases: list[Case], on: date) -> int:
    """The longest expedited turnaround among the waiting cases' jurisdictions (days)."""
    days = [0]
    for code in {case.jurisdiction for case in cases}:
        policy = policy_of(code)
        rule = policy.turnaround_on(on) if policy is not None else None
        if rule is not None:
            days.append(rule.expedited_days)
    return max(days)


def _waiting_cases(uow: UnitOfWork) -> list[Case]:
    out: list[Case] = []
    offset = 0
    while True:
        batch = uow.cases.list(states=frozenset({CaseState.ELIGIBLE}), limit=500, offset=offset)
        out.extend(batch)
        if len(batch) < 500:
            return out
        offset += 500


def _apply(
    uow: UnitOfWork,
    actor: Actor,
    clock: Clock,
    waiting: list[Case],
    result: AssignmentResult,
) -> tuple[tuple[Outcome, ...], tuple[Outcome, ...], tuple[str, ...]]:
    """Write each case in its own transaction: one changed meanwhile does not stop the rest."""
    assigned: list[Outcome] = []
    left: list[Outcome] = []
    skipped: list[str] = []
    for loaded, choice in zip(waiting, result, strict=True):
        outcome = Outcome(loaded.case_number, choice.reviewer_id, choice.reasons)
        try:
            with uow:
                case = uow.cases.get(loaded.case_number)
                if case.version != loaded.version or case.state is not CaseState.ELIGIBLE:
                    raise ConcurrentUpdate("changed since the pass began")
                now = clock()
                if choice.reviewer_id is None:
                    if _last_waiting_reason(uow, case.case_number) != choice.reasons[0]:
                        audit(uow, WAITING, actor, now, case.case_number, reason=choice.reasons[0])
                        uow.commit()
                    left.append(outcome)
                    continue
                case.assign(choice.reviewer_id, now.date(), now, ServiceMethod.ELECTRONIC)
                uow.cases.save(case)
                record_events(uow, case, actor)
                audit(
                    uow,
                    "ReviewerSelection",
                    actor,
                    now,
                    case.case_number,
                    chosen=choice.reviewer_id,
                    specialty=choice.specialty,
                    fit=choice.fit,
                    reasons=list(choice.reasons),
                    automatic=True,
                    excluded_earlier=sorted(case.excluded_reviewer_ids),
                )
                uow.commit()
                assigned.append(outcome)
        except ConcurrentUpdate:
            skipped.append(loaded.case_number)
    return tuple(assigned), tuple(left), tuple(skipped)


def _last_waiting_reason(uow: UnitOfWork, case_number: str) -> str | None:
    for entry in reversed(uow.audit.for_case(case_number)):
        if entry.action == WAITING:
            reason = json.loads(entry.data).get("reason")
            return reason if isinstance(reason, str) else None
        if entry.action in ("ReviewerAssigned", "ReviewerReassigned", "ReviewerReleased"):
            return None
    return None
