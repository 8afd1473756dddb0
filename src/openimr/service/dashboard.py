"""Counts for the staff analytics page: cases by state, decisions, clock status.

Read only over every case (staff only: the figures are the IMR organization's own);
the sweep is audited once, as one read of the case list.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from openimr.domain.vocabulary import Role
from openimr.service.access import Actor, ensure_staff
from openimr.service.deadlines import running_clock
from openimr.service.events import audit
from openimr.service.ports import Clock, UnitOfWork

PAGE = 500


@dataclass(frozen=True)
class CaseStatistics:
    by_state: list[tuple[str, int]]
    by_decision: list[tuple[str, int]]
    by_clock: list[tuple[str, int]]
    by_priority: list[tuple[str, int]]
    total: int


def clock_status(days_left: int | None, expedited: bool) -> str:
    """Overdue, due soon (3 days; 1 when expedited), on time, or no clock running."""
    if days_left is None:
        return "no clock running"
    if days_left < 0:
        return "overdue"
    return "due soon" if days_left <= (1 if expedited else 3) else "on time"


def case_statistics(uow: UnitOfWork, actor: Actor, clock: Clock) -> CaseStatistics:
    """Counts over every case (staff only; LC 4610.6 clocks as in service/deadlines.py)."""
    ensure_staff(actor, "see the case statistics")
    return _statistics(uow, actor, clock)


def public_statistics(uow: UnitOfWork, clock: Clock) -> CaseStatistics:
    """The same counts for anyone: numbers only, no case number, party or reviewer."""
    return _statistics(uow, Actor("anonymous", Role.PARTY), clock)


def _statistics(uow: UnitOfWork, actor: Actor, clock: Clock) -> CaseStatistics:
    today: date = clock().date()
    states: Counter[str] = Counter()
    decisions: Counter[str] = Counter()
    clocks: Counter[str] = Counter()
    priorities: Counter[str] = Counter()
    with uow:
        offset = 0
        while True:
            batch = uow.cases.list(limit=PAGE, offset=offset)
            for case in batch:
                states[case.state.value] += 1
                priorities[case.priority.value] += 1
                if case.determination is not None:
                    for item in case.determination.items:
                        decisions[item.decision.value] += 1
                if case.is_open:
                    running = running_clock(case)
                    left = running.days_left(today) if running else None
                    clocks[clock_status(left, case.priority.value == "expedited")] += 1
            if len(batch) < PAGE:
                break
            offset += PAGE
        audit(uow, "StatisticsRead", actor, clock(), None, total=sum(states.values()))
        uow.commit()
    return CaseStatistics(
        by_state=sorted(states.items()),
        by_decision=sorted(decisions.items()),
        by_clock=sorted(clocks.items()),
        by_priority=sorted(priorities.items()),
        total=sum(states.values()),
    )
