"""One run of the incremental mode: the cases still waiting, against this week's panel.

The ledger (panel/ledger.py) says which cases already have a reviewer (left alone), which were
closed, which reviewers were taken off which case (excluded from it), and how much of this
week's capacity each reviewer has used. The same rules as the service's continuous
assignment (service/continuous.py) apply: capacity per week prorated by absences, expedited
cases only to a reviewer at hand for the expedited window, ties toward the smaller share of
recent work.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

from openimr.domain.reviewer import ExpertReviewer
from openimr.panel.assignment import AssignmentResult
from openimr.panel.availability import week_capacity
from openimr.panel.conflicts import RelationGraph
from openimr.panel.ledger import HISTORY_WEEKS, Ledger, LedgerEvent
from openimr.panel.screening import CaseProfile, Screener
from openimr.rules.assignment_policy import assignment_policy


@dataclass
class IncrementalRun:
    screener: Screener
    profiles: list[CaseProfile]  # the cases this run assigns
    history: dict[str, float]  # share of recent work per reviewer
    skipped: dict[str, int]  # why other cases of the file were left alone


def prepare(
    reviewers: list[ExpertReviewer],
    relations: RelationGraph | None,
    as_of: date,
    profiles: list[CaseProfile],
    ledger: Ledger,
) -> IncrementalRun:
    state = ledger.state
    todo: list[CaseProfile] = []
    skipped = {"already assigned": 0, "closed": 0}
    for p in profiles:
        if p.case_id in state.closed:
            skipped["closed"] += 1
        elif p.case_id in state.holder:
            skipped["already assigned"] += 1
        else:
            taken_off = frozenset(state.excluded.get(p.case_id, ()))
            todo.append(dataclasses.replace(p, excluded_reviewers=p.excluded_reviewers | taken_off))
    given = ledger.given_recently(as_of)
    history = {
        r.reviewer_id: given.get(r.reviewer_id, 0) / max(r.capacity_per_week * HISTORY_WEEKS, 1)
        for r in reviewers
    }
    screener = Screener(
        reviewers,
        as_of,
        relations=relations,
        open_cases=state.held_in_week(as_of),
        week_capacity={r.reviewer_id: week_capacity(r, as_of) for r in reviewers},
        expedited_window_days=_expedited_days(as_of),
    )
    return IncrementalRun(screener, todo, history, skipped)


def _expedited_days(as_of: date) -> int:
    """The expedited window of the internal deadline of ca_dwc (0 when it sets none)."""
    rule = assignment_policy().turnaround_on(as_of)
    return rule.expedited_days if rule is not None else 0


def events_of(result: AssignmentResult, as_of: date, ledger: Ledger) -> list[LedgerEvent]:
    """The ledger lines of a run: each assignment with its reasons, each new waiting reason."""
    out: list[LedgerEvent] = []
    for a in result:
        if a.reviewer_id is not None:
            out.append(
                LedgerEvent(
                    on=as_of,
                    event="assigned",
                    case_id=a.case_id,
                    reviewer_id=a.reviewer_id,
                    reasons=list(a.reasons),
                )
            )
        elif ledger.state.waiting_reason.get(a.case_id) != a.reasons[0]:
            out.append(
                LedgerEvent(on=as_of, event="waiting", case_id=a.case_id, reason=a.reasons[0])
            )
    return out
