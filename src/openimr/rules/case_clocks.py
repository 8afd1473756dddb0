"""A case's clocks: the case's dated events turned into `ClockFacts` for the clock engine.

The service, the queue, the deadline alerts and the case page all read clocks through
`case_clocks`, which runs the same engine (`rules.clocks.compute_clocks`) as `openimr
clocks`: there is one clock arithmetic. Notices supply their events: the notice of
assignment's date of mailing starts the records clock (8 CCR 9792.10.5(a)(1)), the final
determination's starts the implementation and appeal clocks.
"""

from __future__ import annotations

from datetime import date

from openimr.domain.case import Case
from openimr.domain.clocks import Clocks
from openimr.domain.vocabulary import CaseState, Decision, NoticeKind
from openimr.rules.clocks import ClockFacts, ClockPack, compute_clocks, load_clock_pack

# Which notice supplies which event, and the fact that holds how it was served.
NOTICE_EVENTS: dict[NoticeKind, tuple[str, str]] = {
    NoticeKind.INFORMATION_REQUEST: ("information_request", "information_request_service"),
    NoticeKind.ASSIGNMENT: ("assignment_notice", "assignment_notice_service"),
    NoticeKind.FINAL_DETERMINATION: ("determination_served", "determination_service"),
    NoticeKind.INELIGIBILITY: ("ineligibility_served", "ineligibility_service"),
}

# States reached only after the AD found the dispute eligible.
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


def case_facts(case: Case) -> ClockFacts:
    """The events, service methods, priority and flags of `case` as the engine reads them."""
    events: dict[str, date] = {
        "ur_decision": case.ur_decision_date,
        "application_received": case.application_received_on,
    }
    services: dict[str, str] = {"ur_service": case.ur_decision_served_by.value}
    if case.eligibility_decided_on is not None and (
        case.state in _AFTER_ELIGIBLE
        or (case.state is CaseState.WITHDRAWN and not case.eligibility_findings)
    ):
        events["eligibility_found"] = case.eligibility_decided_on
    optional = {
        "expedited_conversion": case.expedited_converted_on,
        "records_received": case.records_received_on,
        "determination_served": case.decision_date,
    }
    events.update({k: v for k, v in optional.items() if v is not None})
    for kind, (event, service) in NOTICE_EVENTS.items():
        notice = case.latest_notice(kind)
        if notice is not None:
            events[event] = notice.mailed_on
            services[service] = notice.served_by.value
    det = case.determination
    overturned = None if det is None else any(d.decision is Decision.OVERTURNED for d in det.items)
    return ClockFacts(
        priority=case.priority.value,
        events=events,
        services=services,
        formulary=case.formulary,
        overturned=overturned,
    )


def case_clocks(case: Case, pack: ClockPack | None = None) -> Clocks:
    """Every clock of `case` (application, notice of assignment, records, decision...)."""
    return compute_clocks(case_facts(case), pack or load_clock_pack())
