"""A case's clocks: the case's dated events turned into `ClockFacts` for the clock engine.

The service, the queue, the deadline alerts and the case page all read clocks through
`case_clocks`, which runs the same engine (`rules.clocks.compute_clocks`) as `openimr
clocks`: there is one clock arithmetic. Which clock event each date of the case is comes
from the `lifecycle` of the case's jurisdiction pack and from its date case facts.
"""

from __future__ import annotations

from datetime import date

from openimr.domain.case import Case
from openimr.domain.clocks import Clocks
from openimr.rules.clocks import ClockFacts, ClockPack, compute_clocks
from openimr.rules.pack import load_pack


def case_facts(case: Case) -> ClockFacts:
    """The events, service methods, priority and review type of `case` as the engine reads
    them, named by the case's jurisdiction pack."""
    pack = load_pack(case.jurisdiction)
    steps = pack.data.lifecycle
    dated: list[tuple[str | None, date | None]] = [
        (steps.decision_under_review, case.ur_decision_date),
        (steps.application_received, case.application_received_on),
        (steps.assigned, case.assigned_on),
        (steps.records_received, case.records_received_on),
        (steps.determination_served, case.decision_date),
    ]
    for fact in pack.data.case_facts:
        value = case.facts.get(fact.id)
        if fact.event and fact.kind == "date" and value:
            dated.append((fact.event, date.fromisoformat(value)))
    events = {event: day for event, day in dated if event is not None and day is not None}
    services: dict[str, str] = {}
    if steps.decision_service is not None:
        services[steps.decision_service] = case.ur_decision_served_by.value
    if steps.assignment_service is not None and case.noarfi_served_by is not None:
        services[steps.assignment_service] = case.noarfi_served_by.value
    return ClockFacts(
        priority=case.priority.value,
        events=events,
        services=services,
        review_type=case.dispute_type,
    )


def case_clocks(case: Case, pack: ClockPack | None = None) -> Clocks:
    """Every clock of `case`, by the clock rules of its jurisdiction."""
    return compute_clocks(case_facts(case), pack or load_pack(case.jurisdiction).clocks)
