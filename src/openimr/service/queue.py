"""The work queues: every case findable, the most urgent first, deadlines as badges, and
each reviewer's workload (LC 4610.6(d) and 8 CCR 9792.10.5-9792.10.6 set the clocks).

Search runs in the database (case number, claim number, a party's name; any state); the
clocks are computed from the rule data, so the due-date sort and the clock filter work on
the matching cases in memory, at most `MAX_MATCHES` of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from openimr.domain.case import Case
from openimr.domain.vocabulary import CaseState, Role
from openimr.rules.pack import load_pack
from openimr.service.access import Actor, ensure_staff
from openimr.service.deadlines import case_clocks, running_clock
from openimr.service.events import audit
from openimr.service.ports import Clock, UnitOfWork

MAX_MATCHES = 2000
OPEN_STATES = frozenset(
    {
        CaseState.RECEIVED,
        CaseState.DEFERRED,
        CaseState.ELIGIBLE,
        CaseState.ASSIGNED,
        CaseState.RECORDS_RECEIVED,
        CaseState.REVIEWED,
    }
)
Sort = Literal["urgency", "due", "received", "case"]
Badge = Literal["overdue", "due_today", "due_soon", "on_track", "met", "missed", "none"]
BADGE_WORDS = {
    "overdue": "Overdue",
    "due_today": "Due today",
    "due_soon": "Due soon",
    "on_track": "On track",
    "met": "Met",
    "missed": "Missed",
    "none": "No clock running",
}


@dataclass(frozen=True)
class CaseQuery:
    """What a queue asks for. `states` None: the open cases; an empty text: no search."""

    text: str = ""
    states: frozenset[CaseState] | None = None
    priority: str = ""
    due: str = ""  # "", overdue, today, soon
    sort: Sort = "urgency"
    limit: int = 200


@dataclass(frozen=True)
class QueueRow:
    """One case in a queue, with the clock that matters now and its badge."""

    case_number: str
    state: CaseState
    priority: str
    application_received_on: date
    worker: str
    claim_number: str | None
    items: tuple[str, ...]
    clock_label: str | None
    due_on: date | None
    days_left: int | None
    badge: Badge
    reviewer_id: str | None

    @property
    def badge_words(self) -> str:
        return BADGE_WORDS[self.badge]


def deadline_badge(case: Case, today: date) -> tuple[Badge, str | None, date | None, int | None]:
    """The badge of a case: its running clock (overdue, due today, due soon within 3 days
    or 1 when expedited, on track), or for a decided case whether the decision clock was met."""
    running = running_clock(case)
    if running is not None and running.due_on is not None:
        left = (running.due_on - today).days
        soon = 1 if case.priority.value == "expedited" else 3
        badge: Badge = (
            "overdue"
            if left < 0
            else "due_today"
            if left == 0
            else "due_soon"
            if left <= soon
            else "on_track"
        )
        return badge, running.label, running.due_on, left
    if case.decision_date is not None:
        decision = next((c for c in case_clocks(case).all() if c.name == "decision"), None)
        if decision is not None and decision.due_on is not None:
            met = case.decision_date <= decision.due_on
            return ("met" if met else "missed"), decision.label, decision.due_on, None
    return "none", None, None, None


def _row(case: Case, today: date) -> QueueRow:
    badge, label, due_on, left = deadline_badge(case, today)
    patients = load_pack(case.jurisdiction).roles_of_kind("patient")
    workers = [p for p in case.parties if p.role in patients]
    return QueueRow(
        case.case_number,
        case.state,
        case.priority.value,
        case.application_received_on,
        workers[0].name if workers else "",
        case.claim_number,
        tuple(i.description for i in case.items),
        label,
        due_on,
        left,
        badge,
        case.assigned_reviewer_id,
    )


_DUE_FILTER = {"overdue": {"overdue"}, "today": {"due_today"}, "soon": {"due_today", "due_soon"}}


def _sort_key(sort: Sort):  # type: ignore[no-untyped-def]
    if sort == "due":
        return lambda r: (r.due_on is None, r.due_on or date.max, r.case_number)
    if sort == "received":
        return lambda r: (-r.application_received_on.toordinal(), r.case_number)
    if sort == "case":
        return lambda r: r.case_number
    # Urgency: overdue first, then the nearest due date, expedited before standard on a tie;
    # cases with no running clock after, oldest application first.
    return lambda r: (
        r.days_left is None,
        r.days_left if r.days_left is not None else 0,
        r.priority != "expedited",
        r.application_received_on,
        r.case_number,
    )


def search_cases(
    query: CaseQuery, uow: UnitOfWork, actor: Actor, clock: Clock
) -> tuple[list[QueueRow], int]:
    """The cases `actor` may see that match `query`, sorted; and how many matched.

    Staff search every case (ineligible, issued and published too); a reviewer only the
    cases assigned to them. The search itself is audited with the case numbers it showed.
    """
    today = clock().date()
    states = OPEN_STATES if query.states is None else query.states
    with uow:
        if actor.is_staff:
            cases = uow.cases.list(states=states, text=query.text, limit=MAX_MATCHES)
        elif actor.role is Role.REVIEWER and actor.reviewer_id:
            cases = uow.cases.list(
                states=states, reviewer_id=actor.reviewer_id, text=query.text, limit=MAX_MATCHES
            )
        else:
            ensure_staff(actor, "search the case queue")
            cases = []
        rows = [_row(c, today) for c in cases]
        if query.priority:
            rows = [r for r in rows if r.priority == query.priority]
        if query.due in _DUE_FILTER:
            rows = [r for r in rows if r.badge in _DUE_FILTER[query.due]]
        rows.sort(key=_sort_key(query.sort))
        shown = rows[: query.limit]
        audit(
            uow,
            "CasesListed",
            actor,
            clock(),
            None,
            text=query.text[:80],
            cases=[r.case_number for r in shown],
        )
        uow.commit()
    return shown, len(rows)


@dataclass(frozen=True)
class Workload:
    """One reviewer's open cases and how close their clocks are."""

    reviewer_id: str
    name: str
    capacity_per_week: int
    open_cases: int
    awaiting_records: int
    to_decide: int
    due_soon: int
    overdue: int


def reviewer_workload(uow: UnitOfWork, actor: Actor, clock: Clock) -> list[Workload]:
    """Every active reviewer's open cases (staff only: reviewer identities are confidential)."""
    ensure_staff(actor, "see the reviewers' workload")
    today = clock().date()
    with uow:
        reviewers = uow.reviewers.list()
        open_cases = uow.cases.list(
            states=frozenset({CaseState.ASSIGNED, CaseState.RECORDS_RECEIVED}), limit=100_000
        )
        audit(uow, "WorkloadRead", actor, clock(), None, reviewers=len(reviewers))
        uow.commit()
    by_reviewer: dict[str, list[QueueRow]] = {}
    for case in open_cases:
        if case.assigned_reviewer_id:
            by_reviewer.setdefault(case.assigned_reviewer_id, []).append(_row(case, today))
    out = []
    for reviewer in reviewers:
        rows = by_reviewer.get(reviewer.reviewer_id, [])
        out.append(
            Workload(
                reviewer.reviewer_id,
                reviewer.name,
                reviewer.capacity_per_week,
                len(rows),
                sum(r.state is CaseState.ASSIGNED for r in rows),
                sum(r.state is CaseState.RECORDS_RECEIVED for r in rows),
                sum(r.badge in ("due_today", "due_soon") for r in rows),
                sum(r.badge == "overdue" for r in rows),
            )
        )
    out.sort(key=lambda w: (-w.overdue, -w.open_cases, w.reviewer_id))
    return out
