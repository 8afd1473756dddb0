"""A case's clocks: the case's dated events turned into `ClockFacts` for the clock engine.

The service, the queue, the deadline alerts and the case page all read clocks through
`case_clocks`, which runs the same engine (`rules.clocks.compute_clocks`) as `openimr
clocks`: there is one clock arithmetic.
"""

from __future__ import annotations

from datetime import date

from openimr.domain.case import Case
from openimr.domain.clocks import Clocks
from openimr.rules.clocks import ClockFacts, ClockPack, compute_clocks, load_clock_pack


def case_facts(case: Case) -> ClockFacts:
    """The events, service methods, priority and flags of `case` as the engine reads them."""
    events: dict[str, date] = {
        "ur_decision": case.ur_decision_date,
        "application_received": case.application_received_on,
    }
    services: dict[str, str] = {"ur_service": case.ur_decision_served_by.value}
    optional = {
        "assignment_notice": case.assigned_on,
        "records_received": case.records_received_on,
        "determination_served": case.decision_date,
    }
    events.update({k: v for k, v in optional.items() if v is not None})
    if case.noarfi_served_by is not None:
        services["assignment_notice_service"] = case.noarfi_served_by.value
    return ClockFacts(priority=case.priority.value, events=events, services=services)


def case_clocks(case: Case, pack: ClockPack | None = None) -> Clocks:
    """Every clock of `case` (application, notice of assignment, records, decision...)."""
    return compute_clocks(case_facts(case), pack or load_clock_pack())
