"""Every transition of the case, legal and illegal (8 CCR 9792.10.3-9792.10.7)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from openimr.domain.case import ALLOWED_TRANSITIONS, Case, EligibilityFinding
from openimr.domain.errors import InvalidInput, InvalidTransition
from openimr.domain.notice import Notice, NoticeRecipient
from openimr.domain.vocabulary import CaseState, Decision, NoticeKind, ServiceMethod
from tests.factories import T0, make_case, make_determination, make_reviewer

REVIEWER = make_reviewer()
FINDING = EligibilityFinding("unsigned", "not signed", "8 CCR 9792.10.1(b)(1)")
DEFERRING = EligibilityFinding("liability_disputed", "liability", "8 CCR 9792.10.3(d)", "deferred")

# How to ask a case to move into each state.
ACTIONS: dict[CaseState, Callable[[Case], None]] = {
    CaseState.RECEIVED: lambda c: c.reopen_eligibility(T0, "the signed form arrived"),
    CaseState.ELIGIBLE: lambda c: (
        c.record_eligibility([], T0)
        if c.state is CaseState.RECEIVED
        else c.release_reviewer("recuse", "a conflict", T0)
    ),
    CaseState.INELIGIBLE: lambda c: c.record_eligibility([FINDING], T0),
    CaseState.DEFERRED: lambda c: c.record_eligibility([DEFERRING], T0),
    CaseState.RECEIVED: lambda c: c.resume_after_deferral(date(2015, 7, 1), T0),
    CaseState.ASSIGNED: lambda c: c.assign("R1", date(2015, 6, 4), T0),
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


# -- 8 CCR 9792.10.3(d): a liability dispute defers the case; it then goes on ---------------


def test_a_deferring_finding_alone_defers_and_an_ineligible_one_wins() -> None:
    deferred = make_case()
    deferred.record_eligibility([DEFERRING], T0)
    assert deferred.state is CaseState.DEFERRED and deferred.is_open
    both = make_case()
    both.record_eligibility([DEFERRING, FINDING], T0)
    assert both.state is CaseState.INELIGIBLE


def test_a_deferred_case_goes_back_to_eligibility_once_liability_is_resolved() -> None:
    case = make_case(dispute_type="liability_disputed")
    case.record_eligibility([DEFERRING], T0)
    case.resume_after_deferral(date(2015, 8, 3), T0)
    assert case.state is CaseState.RECEIVED
    assert case.liability_resolved_on == date(2015, 8, 3)


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


def test_the_claims_administrators_agreement_also_ends_the_deferral() -> None:
    case = make_case(dispute_type="liability_disputed", state=CaseState.DEFERRED)
    case.resume_after_deferral(date(2015, 8, 3), T0, agreed=True)
    assert case.liability_agreed and case.liability_resolved_on is None


# -- 8 CCR 9792.10.4(c): conversion to expedited ---------------------------------------------


def test_a_regular_review_converts_to_expedited_once() -> None:
    case = make_case(state=CaseState.ASSIGNED)
    case.convert_to_expedited(date(2015, 6, 8), T0)
    assert case.priority.value == "expedited" and case.expedited_converted_on == date(2015, 6, 8)
    with pytest.raises(InvalidInput, match="already expedited"):
        case.convert_to_expedited(date(2015, 6, 9), T0)


def test_a_signed_review_cannot_be_converted() -> None:
    case = make_case(state=CaseState.REVIEWED)
    with pytest.raises(InvalidTransition):
        case.convert_to_expedited(date(2015, 6, 8), T0)


# -- notices are kept only where the regulation puts them ------------------------------------


def _notice(kind: NoticeKind, n: int = 1) -> Notice:
    worker = NoticeRecipient("injured_worker", "Pat Testworker", "person:pat-testworker")
    return Notice(f"N{n}", kind, date(2015, 6, 4), ServiceMethod.MAIL, (worker,), "clerk")


def test_the_notice_of_assignment_needs_an_eligible_case_and_is_sent_once() -> None:
    with pytest.raises(InvalidTransition, match="no assignment notice"):
        make_case().add_notice(_notice(NoticeKind.ASSIGNMENT), T0)
    case = make_case(state=CaseState.ELIGIBLE)
    case.add_notice(_notice(NoticeKind.ASSIGNMENT), T0)
    assert case.events[-1].name == "NoticeServed"
    with pytest.raises(InvalidTransition, match="already has"):
        case.add_notice(_notice(NoticeKind.ASSIGNMENT, 2), T0)


def test_a_request_for_information_is_sent_before_eligibility_is_decided() -> None:
    case = make_case()
    case.add_notice(_notice(NoticeKind.INFORMATION_REQUEST), T0)
    case.add_notice(_notice(NoticeKind.INFORMATION_REQUEST, 2), T0)  # more than one is fine
    with pytest.raises(InvalidTransition):
        make_case(state=CaseState.ASSIGNED).add_notice(_notice(NoticeKind.INFORMATION_REQUEST), T0)


def test_a_notice_names_a_recipient_and_who_served_it() -> None:
    with pytest.raises(InvalidInput, match="no recipient"):
        Notice("N1", NoticeKind.ASSIGNMENT, date(2015, 6, 4), ServiceMethod.MAIL, (), "clerk")


def test_records_requests_are_answered_when_documents_arrive() -> None:
    case = make_case(state=CaseState.RECORDS_RECEIVED, assigned_reviewer_id="R1")
    case.request_records("the 2015 lumbar MRI report", "R1", T0)
    assert [r.is_open for r in case.records_requests] == [True]
    assert case.answer_records_requests(T0) == 1
    assert [r.is_open for r in case.records_requests] == [False]
