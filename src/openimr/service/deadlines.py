"""Deadline clocks for the queue and the background alerts (rules.case_clocks)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from openimr.domain.case import Case
from openimr.domain.clocks import Clock as DeadlineClock
from openimr.domain.clocks import Clocks
from openimr.domain.vocabulary import CaseState
from openimr.rules.case_clocks import case_clocks as _case_clocks
from openimr.rules.clocks import ClockPack
from openimr.service.ports import UnitOfWork

# Which clock is running in which state: the one the next step must beat.
RUNNING_CLOCK: dict[CaseState, str] = {
    CaseState.RECEIVED: "application",
    CaseState.ELIGIBLE: "notice_of_assignment",
    CaseState.ASSIGNED: "records",
    CaseState.RECORDS_RECEIVED: "decision",
    CaseState.REVIEWED: "decision",
}


@dataclass(frozen=True)
class DeadlineAlert:
    """A running clock due within the alert window (or already past)."""

    case_number: str
    clock: DeadlineClock
    days_left: int
    overdue: bool


def case_clocks(case: Case, pack: ClockPack | None = None) -> Clocks:
    """The clocks shown on every case (rules.case_clocks)."""
    return _case_clocks(case, pack)


def running_clock(case: Case, pack: ClockPack | None = None) -> DeadlineClock | None:
    """The clock that matters now for `case`, or None when nothing is running."""
    name = RUNNING_CLOCK.get(case.state)
    if case.state is CaseState.ELIGIBLE and case.released_reviewers:
        # Back after a release (reassignment): the clock it was on keeps running.
        name = "decision" if case.records_received_on else "records"
    if name is None:
        return None
    clock = case_clocks(case, pack).get(name)
    if clock is None or clock.status != "running" or clock.met_on is not None:
        return None
    return clock


def due_alerts(
    uow: UnitOfWork,
    today: date,
    within_days: int = 2,
    pack: ClockPack | None = None,
) -> list[DeadlineAlert]:
    """Open cases whose running clock ends within `within_days` of `today`, most urgent first.

    Read only and not per-case audited: it is the system's own sweep, not a user's read.
    """
    alerts: list[DeadlineAlert] = []
    with uow:
        offset = 0
        while True:
            batch = uow.cases.list(states=frozenset(RUNNING_CLOCK), limit=500, offset=offset)
            for case in batch:
                clock = running_clock(case, pack)
                left = clock.days_left(today) if clock else None
                if clock is not None and left is not None and left <= within_days:
                    alerts.append(DeadlineAlert(case.case_number, clock, left, left < 0))
            if len(batch) < 500:
                break
            offset += 500
    alerts.sort(key=lambda a: (a.days_left, a.case_number))
    return alerts
