"""A case of a pack with no code of its own (hi_external, Hawaii) lives its whole life in the
service on the fakes: intake against the pack's roles, kinds and facts; declarative grounds;
the pack's clocks; assignment under its reviewer policy; review, issue and the letter."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from openimr.domain.errors import InvalidInput
from openimr.domain.vocabulary import CaseState, Priority, Role, ServiceMethod
from openimr.service.access import Actor
from openimr.service.assign import AssignReviewer, assign_reviewer
from openimr.service.intake import (
    ItemInput,
    PartyInput,
    ReceiveRecords,
    SubmitApplication,
    determine_eligibility,
    receive_records,
    submit_application,
)
from openimr.service.issue import IssueDetermination, issue_determination
from openimr.service.letters import render
from openimr.service.queries import get_case
from openimr.service.review import record_review
from tests.factories import make_review, make_reviewer, text_upload
from tests.fakes import FakeUnitOfWork, FixedClock

STAFF = Actor("s1", Role.STAFF)
ENROLLEE = Actor("p1", Role.PARTY, party_key="person:kai-example")


@pytest.fixture
def uow() -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    with uow:
        uow.reviewers.add(make_reviewer())
        uow.commit()
    return uow


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 2, 10, 10, tzinfo=UTC))


def hawaii(**overrides: object) -> SubmitApplication:
    values: dict[str, object] = {
        "jurisdiction": "hi_external",
        "priority": Priority.STANDARD,
        "date_of_injury": None,
        "ur_decision_date": date(2026, 1, 5),
        "ur_decision_served_by": ServiceMethod.MAIL,
        "application_received_on": date(2026, 2, 10),
        "application_signed": True,
        "condition": "chronic low back pain",
        "facts": {
            "final_denial_received": "2026-01-05",
            "plan_name": "Aloha Example Health (fictional)",
            "filing_fee_paid": "true",
        },
        "items": [ItemInput("Physical therapy, 12 visits, lumbar spine")],
        "parties": [
            PartyInput("enrollee", "Kai Example", "person:kai-example"),
            PartyInput("health_carrier", "Aloha Example Health", "org:aloha-example"),
        ],
        "documents": [
            text_upload("request.txt", "external_review_request", "Request for external review"),
            text_upload("final.txt", "final_internal_determination", "Denied on appeal."),
            text_upload("release.txt", "records_authorization", "I authorize release."),
            text_upload("conflicts.txt", "conflict_disclosure", "No conflicts known."),
        ],
    }
    values.update(overrides)
    return SubmitApplication(**values)  # type: ignore[arg-type]


def test_a_hawaii_case_lives_its_whole_life(uow: FakeUnitOfWork, clock: FixedClock) -> None:
    intake = submit_application(hawaii(), uow, ENROLLEE, clock)
    result = determine_eligibility(intake.case_number, uow, STAFF, clock)
    assert result.eligible, result.findings
    view = get_case(intake.case_number, uow, STAFF, clock)
    clocks = {c.name: c for c in view.clocks.all()} if view.clocks else {}
    assert clocks["request"].due == date(2026, 5, 15)  # 130 days, HRS 432E-34(a)
    assert clocks["request"].met_on == date(2026, 2, 10)
    assigned = assign_reviewer(
        AssignReviewer(intake.case_number, date(2026, 2, 20)), uow, STAFF, clock
    )
    assert assigned.reviewer_id == "R1"
    receive_records(
        ReceiveRecords(intake.case_number, date(2026, 2, 24), ServiceMethod.ELECTRONIC),
        uow,
        STAFF,
        clock,
    )
    reviewer = Actor("r1", Role.REVIEWER, reviewer_id="R1")
    record_review(make_review(intake.case_number), uow, reviewer, clock)
    issued = issue_determination(
        IssueDetermination(intake.case_number, date(2026, 3, 20)), uow, STAFF, clock
    )
    assert issued.state is CaseState.ISSUED
    with uow:
        case = uow.cases.get(intake.case_number)
        reviewer_record = uow.reviewers.get("R1")
    letter = render(case, reviewer_record, "text", public=False).content.decode()
    assert "EXTERNAL REVIEW DECISION (HAWAII INSURANCE DIVISION)" in letter
    assert "Final determination: Upheld" in letter and "HRS 432E-37" in letter
    assert "Health Carrier: Aloha Example Health (fictional)" in letter


def test_the_hawaii_grounds_name_what_the_request_lacks(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    short = hawaii(
        documents=[text_upload("request.txt", "external_review_request", "Request")],
        facts={"final_denial_received": "2026-01-05", "filing_fee_paid": "false"},
    )
    intake = submit_application(short, uow, STAFF, clock)
    result = determine_eligibility(intake.case_number, uow, STAFF, clock)
    codes = [f.code for f in result.findings]
    assert codes == [
        "internal_appeals_not_completed",
        "no_records_authorization",
        "no_conflict_disclosure",
        "filing_fee",
    ]
    assert all(f.citation.startswith("HRS 432E-33") for f in result.findings)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            {"parties": [PartyInput("injured_worker", "Kai", "person:kai-example")]},
            "parties[0].role",
        ),
        ({"documents": [text_upload("ur.txt", "ur_decision", "UR")]}, "documents[0].kind"),
        ({"facts": {"date_of_injury": "2020-01-01"}}, "facts.date_of_injury"),
        ({"facts": {"final_denial_received": "soon"}}, "facts.final_denial_received"),
        ({"jurisdiction": "xx_none"}, "jurisdiction"),
    ],
)
def test_an_application_is_checked_against_its_pack(
    uow: FakeUnitOfWork, clock: FixedClock, change: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInput) as err:
        submit_application(hawaii(**change), uow, STAFF, clock)
    assert err.value.details["field"] == field
