"""A case's clocks: the case's dated events turned into `ClockFacts` for the clock engine.

The service, the queue, the deadline alerts and the case page all read clocks through
`case_clocks`, which runs the same engine (`rules.clocks.compute_clocks`) as `openimr
clocks`: there is one clock arithmetic. Which clock event each date of the case is comes
from the `lifecycle` of the case's jurisdiction pack and from its date case facts. Notices
supply their own events: where the pack says the assignment is a notice (`assignment_by_notice`,
as in California workers' comp, 8 CCR 9792.10.5(a)(1)), the notice's date of mailing and
method start the records clock, not the reviewer's designation; the final determination's
start the implementation and appeal clocks.
"""

from __future__ import annotations

from datetime import date

from openimr.domain.case import Case
from openimr.domain.clocks import Clocks
from openimr.domain.vocabulary import CaseState, Decision, NoticeKind
from openimr.rules.clocks import ClockFacts, ClockPack, compute_clocks
from openimr.rules.pack import Lifecycle, load_pack

# States reached only after eligibility was found.
_AFTER_ELIGIBLE = frozenset(
    {
        CaseState.ELIGIBLE,
        CaseState.ASSIGNED,
        CaseState.RECORDS_RECEIVED,
        CaseState.REVIEWED,
        CaseState.ISSUED,
        CaseState.PUBLISHED,
    }
)


def _notice_steps(steps: Lifecycle) -> dict[NoticeKind, tuple[str | None, str | None]]:
    """Which lifecycle event (and service fact) each kind of notice sets."""
    found = {
        NoticeKind.INFORMATION_REQUEST: (
            steps.information_requested,
            steps.information_request_service,
        ),
        NoticeKind.FINAL_DETERMINATION: (steps.determination_served, steps.determination_service),
        NoticeKind.INELIGIBILITY: (steps.ineligibility_served, steps.ineligibility_service),
    }
    if steps.assignment_by_notice:
        found[NoticeKind.ASSIGNMENT] = (steps.assigned, steps.assignment_service)
    return found


def case_facts(case: Case) -> ClockFacts:
    """The events, service methods, priority, flags and review type of `case` as the engine
    reads them, named by the case's jurisdiction pack."""
    pack = load_pack(case.jurisdiction)
    steps = pack.data.lifecycle
    eligible = case.state in _AFTER_ELIGIBLE or (
        case.state is CaseState.WITHDRAWN and not case.eligibility_findings
    )
    dated: list[tuple[str | None, date | None]] = [
        (steps.decision_under_review, case.ur_decision_date),
        (steps.application_received, case.application_received_on),
        (steps.eligibility_found, case.eligibility_decided_on if eligible else None),
        (steps.records_received, case.records_received_on),
        (steps.determination_served, case.decision_date),
        (steps.expedited_conversion, case.expedited_converted_on),
    ]
    if not steps.assignment_by_notice:
        dated.append((steps.assigned, case.assigned_on))
    for fact in pack.data.case_facts:
        value = case.facts.get(fact.id)
        if fact.event and fact.kind == "date" and value:
            dated.append((fact.event, date.fromisoformat(value)))
    events = {event: day for event, day in dated if event is not None and day is not None}
    services: dict[str, str] = {}
    if steps.decision_service is not None:
        services[steps.decision_service] = case.ur_decision_served_by.value
    if (
        not steps.assignment_by_notice
        and steps.assignment_service is not None
        and case.noarfi_served_by is not None
    ):
        services[steps.assignment_service] = case.noarfi_served_by.value
    for kind, (event, service) in _notice_steps(steps).items():
        notice = case.latest_notice(kind)
        if notice is not None and event is not None:
            events[event] = notice.mailed_on
            if service is not None:
                services[service] = notice.served_by.value
    det = case.determination
    overturned = None if det is None else any(d.decision is Decision.OVERTURNED for d in det.items)
    return ClockFacts(
        priority=case.priority.value,
        events=events,
        services=services,
        formulary=case.formulary,
        overturned=overturned,
        review_type=case.dispute_type,
    )


def case_clocks(case: Case, pack: ClockPack | None = None) -> Clocks:
    """Every clock of `case` under its jurisdiction's clock rules."""
    return compute_clocks(case_facts(case), pack or load_pack(case.jurisdiction).clocks)
