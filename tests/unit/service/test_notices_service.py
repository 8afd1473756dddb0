"""The notices of a case on the fakes: served, audited, rendered, and read only by recipients.

Each test names the rule: notice of assignment (8 CCR 9792.10.4(b)) starting the records clock
(9792.10.5(a)(1)), request for information (9792.10.3(b)-(c)), ineligibility with reasons and
appeal route (9792.10.3(c); 8 CCR 10575), deferral for a liability dispute (9792.10.3(d)),
conversion to expedited (9792.10.4(c)), and the final determination's service block.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from openimr.domain.errors import InvalidInput, InvalidTransition, NotFound
from openimr.domain.vocabulary import CaseState, NoticeKind, PartyRole, Role, ServiceMethod
from openimr.service.access import Actor
from openimr.service.assign import AssignReviewer, assign_reviewer
from openimr.service.intake import ReceiveRecords, determine_eligibility, receive_records
from openimr.service.issue import IssueDetermination, issue_determination
from openimr.service.notices import (
    ConvertToExpedited,
    RequestInformation,
    ResumeDeferred,
    SendAssignmentNotice,
    convert_to_expedited,
    get_notice,
    list_notices,
    request_information,
    resume_deferred,
    send_notice_of_assignment,
)
from openimr.service.queries import get_case, get_letter
from openimr.service.review import record_review
from openimr.service.timeline import case_timeline
from tests.factories import make_application, make_review, make_reviewer
from tests.fakes import FakeUnitOfWork, FixedClock

STAFF = Actor("s1", Role.STAFF, name="Casey Clerk")
WORKER = Actor("p1", Role.PARTY, party_key="person:pat-testworker")
STRANGER = Actor("p2", Role.PARTY, party_key="person:nobody")
REVIEWER = Actor("r1", Role.REVIEWER, reviewer_id="R1")


@pytest.fixture
def uow() -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    with uow:
        uow.reviewers.add(make_reviewer())
        uow.commit()
    return uow


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2015, 6, 3, 10, 0, tzinfo=UTC))


def submitted(uow: FakeUnitOfWork, clock: FixedClock, **overrides: object) -> str:
    from openimr.service.intake import submit_application

    return submit_application(make_application(**overrides), uow, STAFF, clock).case_number


def eligible(uow: FakeUnitOfWork, clock: FixedClock) -> str:
    number = submitted(uow, clock)
    assert determine_eligibility(number, uow, STAFF, clock).state is CaseState.ELIGIBLE
    return number


def test_notice_of_assignment_goes_to_the_parties_and_starts_the_records_clock(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    number = eligible(uow, clock)
    cmd = SendAssignmentNotice(number, date(2015, 6, 4), ServiceMethod.ELECTRONIC)
    result = send_notice_of_assignment(cmd, uow, STAFF, clock)
    assert result.details["records_due"] == "2015-06-16"  # 12 days after electronic notice
    view = get_case(number, uow, STAFF, clock)
    assert view.clocks["records"].due == date(2015, 6, 16)
    assert view.clocks["notice_of_assignment"].met_on == date(2015, 6, 4)
    (notice,) = view.case.notices
    roles = [r.role for r in notice.recipients]
    assert roles == [
        PartyRole.EMPLOYER,
        PartyRole.CLAIMS_ADMINISTRATOR,
        PartyRole.INJURED_WORKER,
        PartyRole.REQUESTING_PHYSICIAN,
    ]
    issued = [e for e in uow.db.audit if e.action == "NoticeIssued"]
    assert json.loads(issued[0].data)["sha256"] == notice.content_sha256
    text = get_notice(number, notice.notice_id, uow, STAFF, clock).content.decode()
    assert "NOTICE OF ASSIGNMENT AND REQUEST FOR INFORMATION" in text
    assert "received by 2015-06-16" in text and "Hot/Cold unit for the lumbar spine" in text
    assert "PROOF OF SERVICE" in text and "I, Casey Clerk, declare" in text


def test_the_notice_of_assignment_waits_for_eligibility_and_is_sent_once(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    number = submitted(uow, clock)
    cmd = SendAssignmentNotice(number, date(2015, 6, 4), ServiceMethod.MAIL)
    with pytest.raises(InvalidTransition):
        send_notice_of_assignment(cmd, uow, STAFF, clock)
    determine_eligibility(number, uow, STAFF, clock)
    send_notice_of_assignment(cmd, uow, STAFF, clock)
    with pytest.raises(InvalidTransition, match="already has"):
        send_notice_of_assignment(cmd, uow, STAFF, clock)


def test_an_ineligible_application_gets_a_notice_with_reasons_and_how_to_appeal(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    number = submitted(
        uow, clock, application_signed=False, application_received_on=date(2015, 7, 30)
    )
    clock.now = datetime(2015, 8, 3, 9, 0, tzinfo=UTC)
    determine_eligibility(number, uow, STAFF, clock, served_by=ServiceMethod.MAIL)
    case = get_case(number, uow, STAFF, clock).case
    notice = case.latest_notice(NoticeKind.INELIGIBILITY)
    assert notice is not None and notice.mailed_on == date(2015, 8, 3)
    # Served by mail 2015-08-03 (before 2020): 30 days = 09-02, + 5 for mail = 09-07, Labor Day
    # -> Tuesday 09-08.
    assert notice.details["appeal_due"] == "2015-09-08"
    text = get_notice(number, notice.notice_id, uow, WORKER, clock).content.decode()
    assert "not eligible" in text and "How to appeal" in text and "2015-09-08" in text
    assert "9792.10.1(b)(1)" in text  # each reason with its citation
    assert get_case(number, uow, STAFF, clock).clocks["appeal"].due == date(2015, 9, 8)


def test_a_liability_dispute_defers_the_case_which_then_goes_on(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    number = submitted(uow, clock, dispute_type="liability_disputed")
    result = determine_eligibility(number, uow, STAFF, clock)
    assert result.state is CaseState.DEFERRED
    assert [f.outcome for f in result.findings] == ["deferred"]
    case = get_case(number, uow, STAFF, clock).case
    assert case.latest_notice(NoticeKind.DEFERRAL) is not None
    resume_deferred(ResumeDeferred(number, date(2015, 7, 1)), uow, STAFF, clock)
    assert determine_eligibility(number, uow, STAFF, clock).state is CaseState.ELIGIBLE
    send_notice_of_assignment(
        SendAssignmentNotice(number, date(2015, 7, 2), ServiceMethod.MAIL), uow, STAFF, clock
    )
    told = [e.what for e in case_timeline(number, uow, STAFF, clock)]
    assert told[1] == f"Deferred: {result.findings[0].reason} (8 CCR 9792.10.3(d))"
    assert told[2] == "Notice served: deferral (date of mailing 2015-06-03, by mail)"
    assert told[3] == "Deferral ended on 2015-07-01: liability resolved"
    assert "Notice served: assignment (date of mailing 2015-07-02, by mail)" in told


def test_a_deferral_ends_at_once_when_the_liability_agreed(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    number = submitted(uow, clock, dispute_type="liability_disputed")
    determine_eligibility(number, uow, STAFF, clock)
    resume_deferred(ResumeDeferred(number, date(2015, 6, 5), agreed=True), uow, STAFF, clock)
    assert determine_eligibility(number, uow, STAFF, clock).eligible


def test_a_request_for_information_is_answered_in_five_business_days(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    number = submitted(uow, clock)
    cmd = RequestInformation(
        number,
        date(2015, 6, 26),  # Friday; Friday 07-03 is Independence Day observed
        ServiceMethod.ELECTRONIC,
        ["A legible copy of the UR decision"],
        roles=[PartyRole.INJURED_WORKER, PartyRole.CLAIMS_ADMINISTRATOR],
    )
    result = request_information(cmd, uow, STAFF, clock)
    assert result.details["answer_due"] == "2015-07-06"
    case = get_case(number, uow, STAFF, clock).case
    assert [r.role for r in case.notices[0].recipients] == [
        PartyRole.CLAIMS_ADMINISTRATOR,
        PartyRole.INJURED_WORKER,
    ]
    with pytest.raises(InvalidInput, match="does not go to"):
        request_information(
            RequestInformation(
                number, date(2015, 6, 25), ServiceMethod.MAIL, ["x"], [PartyRole.UR_PHYSICIAN]
            ),
            uow,
            STAFF,
            clock,
        )


def test_conversion_to_expedited_notifies_the_parties_and_restarts_the_records_clock(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    number = eligible(uow, clock)
    send_notice_of_assignment(
        SendAssignmentNotice(number, date(2015, 6, 4), ServiceMethod.MAIL), uow, STAFF, clock
    )
    convert_to_expedited(
        ConvertToExpedited(number, date(2015, 6, 8), ServiceMethod.ELECTRONIC), uow, STAFF, clock
    )
    view = get_case(number, uow, STAFF, clock)
    assert view.case.priority.value == "expedited"
    assert view.clocks["records"].due == date(2015, 6, 9)  # 24 hours from the conversion
    kinds = [n.kind for n in view.case.notices]
    assert kinds == [NoticeKind.ASSIGNMENT, NoticeKind.EXPEDITED_CONVERSION]


def test_the_final_determination_names_its_recipients_date_of_mailing_and_proof_of_service(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    number = eligible(uow, clock)
    send_notice_of_assignment(
        SendAssignmentNotice(number, date(2015, 6, 4), ServiceMethod.ELECTRONIC), uow, STAFF, clock
    )
    assign_reviewer(AssignReviewer(number, date(2015, 6, 4)), uow, STAFF, clock)
    receive_records(
        ReceiveRecords(number, date(2015, 6, 15), ServiceMethod.ELECTRONIC), uow, STAFF, clock
    )
    record_review(make_review(number), uow, REVIEWER, clock)
    issue_determination(
        IssueDetermination(number, date(2015, 7, 2), served_by=ServiceMethod.MAIL),
        uow,
        STAFF,
        clock,
    )
    letter = get_letter(number, uow, WORKER, clock).content.decode()
    assert "Date of mailing: 2015-07-02 (served by mail)" in letter
    assert "SENT TO" in letter and "Pat Testworker, Injured worker" in letter
    assert "PROOF OF SERVICE" in letter and "United States Postal Service" in letter
    assert "unless an appeal is filed" not in letter  # upheld: no implementation paragraph
    view = get_case(number, uow, STAFF, clock)
    assert view.clocks["appeal"].due == date(2015, 8, 6)  # 08-01 Sat + 5 for mail = Thu 08-06
    final = view.case.latest_notice(NoticeKind.FINAL_DETERMINATION)
    assert final is not None and final.content_sha256
    issued = [e for e in uow.db.audit if e.action == "LetterIssued"][0]
    assert json.loads(issued.data)["letter_sha256"] == final.content_sha256


def test_only_recipients_and_staff_read_a_notice_and_every_read_is_audited(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    number = eligible(uow, clock)
    send_notice_of_assignment(
        SendAssignmentNotice(number, date(2015, 6, 4), ServiceMethod.MAIL), uow, STAFF, clock
    )
    assert [n.kind for n in list_notices(number, uow, WORKER, clock)] == [NoticeKind.ASSIGNMENT]
    get_notice(number, "N1", uow, WORKER, clock, "html")
    assert any(e.action == "NoticeRead" for e in uow.db.audit)
    with pytest.raises(NotFound):
        get_notice(number, "N1", uow, STRANGER, clock)  # not a party: no such case
    with pytest.raises(NotFound):
        get_notice(number, "N1", uow, REVIEWER, clock)


def test_a_party_of_the_case_not_sent_a_notice_cannot_read_it(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    number = submitted(uow, clock)
    cmd = RequestInformation(
        number, date(2015, 6, 4), ServiceMethod.MAIL, ["x"], [PartyRole.CLAIMS_ADMINISTRATOR]
    )
    request_information(cmd, uow, STAFF, clock)
    assert list_notices(number, uow, WORKER, clock) == []
    with pytest.raises(NotFound):
        get_notice(number, "N1", uow, WORKER, clock)
