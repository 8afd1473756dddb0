"""The use cases on the in-memory fakes: one transaction each, each audited."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from openimr.domain.errors import ConcurrentUpdate, InvalidInput, NotFound, PermissionDenied
from openimr.domain.vocabulary import CaseState, DocumentKind, Role, ServiceMethod
from openimr.service.access import Actor
from openimr.service.assign import AssignReviewer, assign_reviewer, screen_case
from openimr.service.deadlines import due_alerts
from openimr.service.intake import (
    DocumentUpload,
    ReceiveRecords,
    determine_eligibility,
    receive_records,
    submit_application,
)
from openimr.service.issue import IssueDetermination, issue_determination
from openimr.service.notices import SendAssignmentNotice, send_notice_of_assignment
from openimr.service.publish import PublishDetermination, publish_determination
from openimr.service.queries import audit_trail, get_case, get_letter, list_cases
from openimr.service.review import record_review
from tests.factories import T0, make_application, make_review, make_reviewer, text_upload
from tests.fakes import FakeUnitOfWork, FixedClock

STAFF = Actor("s1", Role.STAFF)
WORKER = Actor("p1", Role.PARTY, party_key="person:pat-testworker")
STRANGER = Actor("p2", Role.PARTY, party_key="person:nobody")


@pytest.fixture
def uow() -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    with uow:
        uow.reviewers.add(make_reviewer())
        uow.reviewers.add(
            make_reviewer(reviewer_id="R2", name="Dr. Conflicted", affiliations=["org:test-mutual"])
        )
        uow.reviewers.add(
            make_reviewer(reviewer_id="R3", name="Dr. Junior", years_active_practice=3)
        )
        uow.commit()
    return uow


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


def eligible_case(uow: FakeUnitOfWork, clock: FixedClock) -> str:
    number = submit_application(make_application(), uow, STAFF, clock).case_number
    determine_eligibility(number, uow, STAFF, clock)
    return number


def assigned_case(uow: FakeUnitOfWork, clock: FixedClock) -> str:
    number = eligible_case(uow, clock)
    notice = SendAssignmentNotice(number, date(2015, 6, 4), ServiceMethod.ELECTRONIC)
    send_notice_of_assignment(notice, uow, STAFF, clock)
    assign_reviewer(AssignReviewer(number, date(2015, 6, 4)), uow, STAFF, clock)
    return number


def reviewed_case(uow: FakeUnitOfWork, clock: FixedClock) -> str:
    number = assigned_case(uow, clock)
    receive_records(
        ReceiveRecords(number, date(2015, 6, 15), ServiceMethod.ELECTRONIC), uow, STAFF, clock
    )
    record_review(make_review(number), uow, Actor("u", Role.REVIEWER, reviewer_id="R1"), clock)
    return number


def actions(uow: FakeUnitOfWork, case_number: str) -> list[str]:
    return [e.action for e in uow.db.audit if e.case_number == case_number]


# -- intake ------------------------------------------------------------------------------


def test_intake_stores_the_case_its_documents_and_an_audit_entry(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    result = submit_application(make_application(), uow, STAFF, clock)
    assert result.created and result.state is CaseState.RECEIVED
    case = uow.db.cases[result.case_number]
    assert [d.kind for d in case.documents] == [
        DocumentKind.APPLICATION,
        DocumentKind.UR_DECISION,
        DocumentKind.RFA,
    ]
    assert case.documents[2].pages == 2 and case.documents[2].media_type == "application/pdf"
    assert len(uow.db.blobs) == 3
    assert actions(uow, result.case_number) == ["ApplicationReceived"]


def test_resubmitting_the_same_application_returns_the_same_case(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    first = submit_application(make_application(), uow, STAFF, clock)
    again = submit_application(make_application(), uow, STAFF, clock)
    assert again.case_number == first.case_number and not again.created
    assert len(uow.db.cases) == 1
    assert actions(uow, first.case_number) == ["ApplicationReceived", "ApplicationResubmitted"]


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (DocumentUpload("scan.pdf", b"%PDF-1.4 garbage", DocumentKind.MEDICAL_RECORD), "scan.pdf"),
        (
            DocumentUpload("notes.txt", b"\xff\xfe\xfa bad", DocumentKind.MEDICAL_RECORD),
            "notes.txt",
        ),
        (DocumentUpload("empty.txt", b"", DocumentKind.MEDICAL_RECORD), "empty.txt"),
        (
            DocumentUpload("x.doc", b"abc", DocumentKind.OTHER, media_type="application/msword"),
            "x.doc",
        ),
    ],
)
def test_an_unreadable_document_refuses_the_whole_submission_naming_the_file(
    uow: FakeUnitOfWork, clock: FixedClock, upload: DocumentUpload, message: str
) -> None:
    cmd = make_application()
    cmd = replace(cmd, documents=[*cmd.documents, upload])
    with pytest.raises(InvalidInput) as err:
        submit_application(cmd, uow, STAFF, clock)
    assert message in err.value.message
    assert err.value.details["field"] == "documents[3]"
    assert uow.db.cases == {} and uow.db.blobs == {} and uow.db.audit == []


def test_an_application_without_items_names_the_field(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    with pytest.raises(InvalidInput) as err:
        submit_application(make_application(items=[]), uow, STAFF, clock)
    assert err.value.details["field"] == "items"


def test_a_party_may_file_its_own_application_but_not_anothers(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    assert submit_application(make_application(), uow, WORKER, clock).created
    with pytest.raises(PermissionDenied):
        submit_application(make_application(claim_number="X"), uow, STRANGER, clock)


# -- eligibility -------------------------------------------------------------------------


def test_eligibility_moves_a_good_application_to_eligible(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    number = submit_application(make_application(), uow, STAFF, clock).case_number
    result = determine_eligibility(number, uow, STAFF, clock)
    assert result.eligible and result.state is CaseState.ELIGIBLE
    assert actions(uow, number)[-1] == "FoundEligible"


def test_a_second_application_for_the_same_dispute_is_found_duplicate(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    first = eligible_case(uow, clock)
    cmd = make_application(
        documents=[text_upload("ur2.txt", DocumentKind.UR_DECISION, "another copy")]
    )
    second = submit_application(cmd, uow, STAFF, clock)
    assert second.created
    result = determine_eligibility(second.case_number, uow, STAFF, clock)
    assert [f.code for f in result.findings] == ["duplicate"]
    assert first in result.findings[0].reason
    assert result.state is CaseState.INELIGIBLE


def test_late_unsigned_application_is_ineligible_with_cited_reasons(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    cmd = make_application(application_signed=False, application_received_on=date(2015, 7, 30))
    number = submit_application(cmd, uow, STAFF, clock).case_number
    result = determine_eligibility(number, uow, STAFF, clock)
    assert [f.code for f in result.findings] == ["untimely", "unsigned"]
    entry = [e for e in uow.db.audit if e.action == "FoundIneligible"][0]
    assert "9792.10.1(b)(1)" in entry.data


def test_only_staff_decide_eligibility(uow: FakeUnitOfWork, clock: FixedClock) -> None:
    number = submit_application(make_application(), uow, WORKER, clock).case_number
    with pytest.raises(PermissionDenied):
        determine_eligibility(number, uow, WORKER, clock)


# -- assignment --------------------------------------------------------------------------


def test_assignment_picks_the_qualified_conflict_free_reviewer_and_audits_exclusions(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    number = eligible_case(uow, clock)
    result = assign_reviewer(AssignReviewer(number, date(2015, 6, 4)), uow, STAFF, clock)
    assert result.reviewer_id == "R1" and result.state is CaseState.ASSIGNED
    assert set(result.excluded) == {"R2", "R3"}
    selection = [e for e in uow.db.audit if e.action == "ReviewerSelection"][0]
    assert "org:test-mutual" in selection.details["excluded"]["R2"][0]
    assert "R3" in selection.details["excluded"]


def test_staff_cannot_assign_an_excluded_reviewer(uow: FakeUnitOfWork, clock: FixedClock) -> None:
    number = eligible_case(uow, clock)
    with pytest.raises(InvalidInput, match="R2 may not review"):
        assign_reviewer(AssignReviewer(number, date(2015, 6, 4), "R2"), uow, STAFF, clock)
    assert uow.db.cases[number].state is CaseState.ELIGIBLE


def test_screening_lists_candidates_and_exclusions(uow: FakeUnitOfWork, clock: FixedClock) -> None:
    number = eligible_case(uow, clock)
    screening = screen_case(number, uow, STAFF, clock, as_of=date(2015, 6, 4))
    assert [c.reviewer_id for c in screening.candidates] == ["R1"]
    assert {e.reviewer_id for e in screening.excluded} == {"R2", "R3"}


def test_a_stale_expected_version_is_a_conflict(uow: FakeUnitOfWork, clock: FixedClock) -> None:
    number = eligible_case(uow, clock)
    stale = AssignReviewer(number, date(2015, 6, 4), expected_version=1)
    with pytest.raises(ConcurrentUpdate):
        assign_reviewer(stale, uow, STAFF, clock)


# -- records, review, issue, publish -----------------------------------------------------


def test_records_start_the_decision_clock(uow: FakeUnitOfWork, clock: FixedClock) -> None:
    number = assigned_case(uow, clock)
    result = receive_records(
        ReceiveRecords(
            number,
            date(2015, 6, 15),
            ServiceMethod.ELECTRONIC,
            [text_upload("notes.txt", DocumentKind.PROGRESS_REPORT, "progress")],
        ),
        uow,
        STAFF,
        clock,
    )
    assert result.state is CaseState.RECORDS_RECEIVED and result.documents_added == 1
    view = get_case(number, uow, STAFF, clock)
    assert view.clocks["decision"].due_on == date(2015, 7, 15)
    assert view.case.documents[-1].document_id == "D4"


def test_only_the_assigned_reviewer_records_the_review(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    number = assigned_case(uow, clock)
    receive_records(
        ReceiveRecords(number, date(2015, 6, 15), ServiceMethod.ELECTRONIC), uow, STAFF, clock
    )
    with pytest.raises(PermissionDenied):  # staff know the case: told they may not sign
        record_review(make_review(number), uow, STAFF, clock)
    with pytest.raises(NotFound):  # another reviewer is not told the case exists
        record_review(make_review(number), uow, Actor("u", Role.REVIEWER, reviewer_id="R3"), clock)
    result = record_review(
        make_review(number), uow, Actor("u", Role.REVIEWER, reviewer_id="R1"), clock
    )
    assert result.state is CaseState.REVIEWED
    det = uow.db.cases[number].determination
    assert det is not None and det.credentials.licensure == ("CA",)
    assert det.documents_reviewed == ("D1", "D2", "D3")


def test_issue_renders_the_letter_and_publish_redacts_it(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    number = reviewed_case(uow, clock)
    issued = issue_determination(IssueDetermination(number, date(2015, 7, 2)), uow, STAFF, clock)
    assert issued.state is CaseState.ISSUED
    assert "Hot/Cold unit for the lumbar spine: Upheld" in issued.letter_text
    assert "Dr. Una Testreviewer" not in issued.letter_text
    published = publish_determination(
        PublishDetermination(number, date(2015, 7, 9)), uow, STAFF, clock
    )
    assert published.state is CaseState.PUBLISHED
    assert "Pat Testworker" not in published.public_text
    assert actions(uow, number)[-2:] == ["DeterminationPublished", "RedactedLetterPublished"]


def test_issuing_twice_is_an_invalid_transition(uow: FakeUnitOfWork, clock: FixedClock) -> None:
    from openimr.domain.errors import InvalidTransition

    number = reviewed_case(uow, clock)
    issue_determination(IssueDetermination(number, date(2015, 7, 2)), uow, STAFF, clock)
    with pytest.raises(InvalidTransition):
        issue_determination(IssueDetermination(number, date(2015, 7, 3)), uow, STAFF, clock)


# -- who sees what -----------------------------------------------------------------------


def test_a_party_sees_its_own_case_without_the_reviewer(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    number = reviewed_case(uow, clock)
    view = get_case(number, uow, WORKER, clock)
    assert view.case.assigned_reviewer_id is None and not view.reviewer_visible
    assert view.case.determination is None  # signed, not yet issued: not the parties' yet
    issue_determination(IssueDetermination(number, date(2015, 7, 2)), uow, STAFF, clock)
    view = get_case(number, uow, WORKER, clock)
    assert view.case.determination is not None and view.case.determination.signed_by == ""
    with pytest.raises(NotFound):  # the answer an unknown number gets
        get_case(number, uow, STRANGER, clock)
    assert actions(uow, number)[-1] == "CaseRead"


def test_a_reviewer_sees_only_assigned_cases(uow: FakeUnitOfWork, clock: FixedClock) -> None:
    number = assigned_case(uow, clock)
    mine = Actor("u1", Role.REVIEWER, reviewer_id="R1")
    other = Actor("u3", Role.REVIEWER, reviewer_id="R3")
    assert get_case(number, uow, mine, clock).reviewer_visible
    with pytest.raises(NotFound):
        get_case(number, uow, other, clock)
    assert [c.case_number for c in list_cases(uow, mine, clock)] == [number]
    assert list_cases(uow, other, clock) == []
    assert [c.case_number for c in list_cases(uow, WORKER, clock)] == [number]


def test_letters_go_to_the_parties_and_the_public_version_to_anyone_once_published(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    from openimr.domain.errors import InvalidTransition

    number = reviewed_case(uow, clock)
    with pytest.raises(InvalidTransition):  # signed, not issued: no letter for a party yet
        get_letter(number, uow, WORKER, clock)
    issue_determination(IssueDetermination(number, date(2015, 7, 2)), uow, STAFF, clock)
    assert b"Upheld" in get_letter(number, uow, WORKER, clock).content
    with pytest.raises(NotFound):
        get_letter(number, uow, STRANGER, clock, public=True)
    publish_determination(PublishDetermination(number, date(2015, 7, 9)), uow, STAFF, clock)
    public = get_letter(number, uow, STRANGER, clock, public=True)
    assert b"Pat Testworker" not in public.content


def test_the_audit_trail_is_staff_only_and_records_every_step(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    number = reviewed_case(uow, clock)
    with pytest.raises(PermissionDenied):
        audit_trail(number, uow, WORKER, clock)
    trail = [e.action for e in audit_trail(number, uow, STAFF, clock)]
    assert trail[:3] == ["ApplicationReceived", "FoundEligible", "NoticeIssued"]
    assert "ReviewerAssigned" in trail
    assert "DeterminationSigned" in trail


def test_due_alerts_list_running_clocks_near_their_end(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    number = assigned_case(uow, clock)  # notice sent electronically 06-04: records due 06-16
    alerts = due_alerts(uow, date(2015, 6, 15), within_days=2)
    assert [(a.case_number, a.clock.name, a.days_left) for a in alerts] == [(number, "records", 1)]
    assert due_alerts(uow, date(2015, 6, 1), within_days=2) == []


def test_an_assigned_case_may_be_withdrawn_with_a_reason(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    from openimr.service.intake import WithdrawCase, withdraw_case

    number = assigned_case(uow, clock)
    with pytest.raises(InvalidInput):
        withdraw_case(WithdrawCase(number, " "), uow, STAFF, clock)
    result = withdraw_case(WithdrawCase(number, "treatment authorized"), uow, STAFF, clock)
    assert result.state is CaseState.WITHDRAWN
    assert actions(uow, number)[-1] == "CaseWithdrawn"


def test_applications_of_one_worker_physician_and_injury_are_consolidation_candidates(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    from openimr.service.intake import ItemInput
    from openimr.service.queries import consolidation_candidates

    first = eligible_case(uow, clock)
    second = submit_application(
        make_application(items=[ItemInput("MRI of the lumbar spine")]), uow, STAFF, clock
    ).case_number
    other_injury = submit_application(
        make_application(items=[ItemInput("Acupuncture")], date_of_injury=date(2014, 9, 9)),
        uow,
        STAFF,
        clock,
    ).case_number
    assert consolidation_candidates(first, uow, STAFF, clock) == [second]
    assert other_injury not in consolidation_candidates(second, uow, STAFF, clock)
    with pytest.raises(PermissionDenied):
        consolidation_candidates(first, uow, WORKER, clock)
