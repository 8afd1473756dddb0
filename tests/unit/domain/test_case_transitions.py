"""Every transition of the case, legal and illegal (8 CCR 9792.10.3-9792.10.7)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from openimr.domain.case import ALLOWED_TRANSITIONS, Case, EligibilityFinding
from openimr.domain.errors import InvalidInput, InvalidTransition
from openimr.domain.vocabulary import CaseState, Decision, ServiceMethod
from tests.factories import T0, make_case, make_determination, make_reviewer

REVIEWER = make_reviewer()
FINDING = EligibilityFinding("unsigned", "not signed", "8 CCR 9792.10.1(b)(1)")

# How to ask a case to move into each state.
ACTIONS: dict[CaseState, Callable[[Case], None]] = {
    CaseState.RECEIVED: lambda c: c.reopen_eligibility(T0, "the signed form arrived"),
    CaseState.ELIGIBLE: lambda c: (
        c.record_eligibility([], T0)
        if c.state is CaseState.RECEIVED
        else c.release_reviewer("recuse", "a conflict", T0)
    ),
    CaseState.INELIGIBLE: lambda c: c.record_eligibility([FINDING], T0),
    CaseState.ASSIGNED: lambda c: c.assign("R1", date(2015, 6, 4), T0, ServiceMethod.MAIL),
    CaseState.RECORDS_RECEIVED: lambda c: c.receive_records(
        date(2015, 6, 15), ServiceMethod.ELECTRONIC, T0
    ),
    CaseState.REVIEWED: lambda c: c.record_determination(make_determination(c, REVIEWER), T0),
    CaseState.ISSUED: lambda c: c.issue(date(2015, 7, 2), T0),
    CaseState.PUBLISHED: lambda c: c.publish(date(2015, 7, 9), T0),
    CaseState.WITHDRAWN: lambda c: c.withdraw(T0, "treatment authorized"),
}

PAIRS = [(src, dst) for src in CaseState for dst in ACTIONS]


@pytest.mark.parametrize(("src", "dst"), PAIRS, ids=[f"{s}->{d}" for s, d in PAIRS])
def test_each_transition_is_allowed_exactly_when_the_table_says(
    src: CaseState, dst: CaseState
) -> None:
    case = make_case(state=src, assigned_reviewer_id="R1")
    if dst in ALLOWED_TRANSITIONS[src]:
        ACTIONS[dst](case)
        assert case.state is dst
        assert case.events[-1].data["state"] == dst.value
    else:
        with pytest.raises(InvalidTransition) as err:
            ACTIONS[dst](case)
        assert err.value.details == {
            "case_number": case.case_number,
            "state": src.value,
            "to": dst.value,
        }
        assert case.state is src
        assert case.events == []


def test_the_happy_path_records_one_event_per_step() -> None:
    case = make_case()
    for state in (
        CaseState.ELIGIBLE,
        CaseState.ASSIGNED,
        CaseState.RECORDS_RECEIVED,
        CaseState.REVIEWED,
        CaseState.ISSUED,
        CaseState.PUBLISHED,
    ):
        ACTIONS[state](case)
    assert [e.name for e in case.events] == [
        "FoundEligible",
        "ReviewerAssigned",
        "RecordsReceived",
        "DeterminationSigned",
        "DeterminationIssued",
        "DeterminationPublished",
    ]
    assert case.noarfi_served_by is ServiceMethod.MAIL
    assert case.decision_date == date(2015, 7, 2)
    assert not case.is_open


def test_ineligibility_keeps_the_reasons_with_their_citations() -> None:
    case = make_case()
    case.record_eligibility([FINDING], T0)
    assert case.eligibility_findings == [FINDING]
    assert case.events[-1].data["reasons"] == ["not signed (8 CCR 9792.10.1(b)(1))"]


def test_only_the_assigned_reviewer_may_sign() -> None:
    case = make_case(state=CaseState.RECORDS_RECEIVED, assigned_reviewer_id="R2")
    with pytest.raises(InvalidInput, match="assigned expert reviewer"):
        case.record_determination(make_determination(case, REVIEWER), T0)


def test_a_determination_must_decide_every_item() -> None:
    case = make_case(state=CaseState.RECORDS_RECEIVED, assigned_reviewer_id="R1")
    det = make_determination(case, REVIEWER, items=())
    with pytest.raises(InvalidInput, match="every disputed item"):
        case.record_determination(det, T0)


def test_has_document_and_decision_lookup() -> None:
    case = make_case()
    det = make_determination(case, REVIEWER)
    assert det.decision_for("1").decision is Decision.UPHELD
    assert case.has_document(det and case.documents[0].kind)


def test_a_reviewer_who_recuses_is_excluded_and_the_case_goes_back() -> None:
    case = make_case(state=CaseState.RECORDS_RECEIVED, assigned_reviewer_id="R1")
    case.release_reviewer("recuse", "I treated this worker in 2014", T0)
    assert case.state is CaseState.ELIGIBLE
    assert case.assigned_reviewer_id is None
    assert case.excluded_reviewer_ids == ["R1"]
    assert case.events[-1].data["reason"] == "I treated this worker in 2014"
    with pytest.raises(InvalidInput, match="why"):
        make_case(state=CaseState.ASSIGNED, assigned_reviewer_id="R1").release_reviewer(
            "decline", " ", T0
        )


def test_an_ineligible_case_can_be_decided_again() -> None:
    case = make_case()
    case.record_eligibility([FINDING], T0)
    case.reopen_eligibility(T0, "the signed form arrived")
    assert case.state is CaseState.RECEIVED and case.eligibility_findings == []
    case.record_eligibility([], T0)
    assert case.state is CaseState.ELIGIBLE


def test_records_requests_are_answered_when_documents_arrive() -> None:
    case = make_case(state=CaseState.RECORDS_RECEIVED, assigned_reviewer_id="R1")
    case.request_records("the 2015 lumbar MRI report", "R1", T0)
    assert [r.is_open for r in case.records_requests] == [True]
    assert case.answer_records_requests(T0) == 1
    assert [r.is_open for r in case.records_requests] == [False]
