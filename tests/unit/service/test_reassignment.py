"""Decline, recusal, missed deadline and continuous assignment on the in-memory fakes."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest

from openimr.domain.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from openimr.domain.reviewer import Unavailability
from openimr.domain.vocabulary import CaseState, Priority, ReleaseKind, Role, ServiceMethod
from openimr.service.access import SYSTEM, Actor, as_seen_by
from openimr.service.continuous import assign_waiting
from openimr.service.intake import (
    ReceiveRecords,
    determine_eligibility,
    receive_records,
    submit_application,
)
from openimr.service.reassign import ReleaseReviewer, release_overdue, release_reviewer
from tests.factories import T0, make_application, make_reviewer
from tests.fakes import FakeUnitOfWork, FixedClock

STAFF = Actor("s1", Role.STAFF)
WORKER = Actor("p1", Role.PARTY, party_key="person:pat-testworker")


def as_reviewer(rid: str) -> Actor:
    return Actor(f"u-{rid}", Role.REVIEWER, reviewer_id=rid)


@pytest.fixture
def uow() -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    with uow:
        uow.reviewers.add(make_reviewer(capacity_per_week=5))
        uow.reviewers.add(make_reviewer(reviewer_id="R2", name="Dr. Two", capacity_per_week=5))
        uow.commit()
    return uow


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)  # Monday 1 June 2015


def waiting_case(uow: FakeUnitOfWork, clock: FixedClock, **application: object) -> str:
    number = submit_application(make_application(**application), uow, STAFF, clock).case_number
    determine_eligibility(number, uow, STAFF, clock)
    return number


def audit_of(uow: FakeUnitOfWork, number: str) -> list[tuple[str, dict[str, object]]]:
    return [(e.action, json.loads(e.data)) for e in uow.db.audit if e.case_number == number]


def test_a_waiting_case_is_assigned_with_its_reasons_audited(uow, clock):
    number = waiting_case(uow, clock)
    run = assign_waiting(uow, SYSTEM, clock)
    assert [o.case_number for o in run.assigned] == [number]
    case = uow.db.cases[number]
    assert case.state is CaseState.ASSIGNED and case.reviewer_assigned_on == T0.date()
    selection = [d for a, d in audit_of(uow, number) if a == "ReviewerSelection"][-1]
    assert selection["automatic"] is True
    assert any("rule case_licence" in r for r in selection["reasons"])  # names the licence rule


def test_a_declined_case_goes_back_and_the_next_pass_excludes_that_reviewer(uow, clock):
    number = waiting_case(uow, clock)
    assign_waiting(uow, SYSTEM, clock)
    first = uow.db.cases[number].assigned_reviewer_id
    assert first is not None
    result = release_reviewer(
        ReleaseReviewer(number, first, ReleaseKind.DECLINE, "away at a conference that week"),
        uow,
        as_reviewer(first),
        clock,
    )
    assert result.state is CaseState.ELIGIBLE and result.excluded_reviewers == (first,)
    released = [d for a, d in audit_of(uow, number) if a == "ReviewerReleased"]
    assert released == [
        {
            "state": "eligible",
            "reviewer_id": first,
            "kind": "decline",
            "reason": "away at a conference that week",
            "version": result.version,
        }
    ]
    run = assign_waiting(uow, SYSTEM, clock)
    second = uow.db.cases[number].assigned_reviewer_id
    assert run.assigned and second not in (None, first)
    assert uow.db.cases[number].assigned_on == T0.date()  # the NOARFI's clock stays
    events = [a for a, _ in audit_of(uow, number)]
    assert events.count("ReviewerAssigned") == 1 and "ReviewerReassigned" in events


def test_with_nobody_left_the_case_waits_and_says_why_once(uow, clock):
    number = waiting_case(uow, clock)
    for _ in range(2):
        assign_waiting(uow, SYSTEM, clock)
        rid = uow.db.cases[number].assigned_reviewer_id
        assert rid is not None
        release_reviewer(
            ReleaseReviewer(number, rid, ReleaseKind.RECUSAL, "treated the worker in 2014"),
            uow,
            STAFF,
            clock,
        )
    run = assign_waiting(uow, SYSTEM, clock)
    assign_waiting(uow, SYSTEM, clock)
    assert run.waiting and run.waiting[0].reviewer_id is None
    waits = [d for a, d in audit_of(uow, number) if a == "AssignmentWaiting"]
    assert len(waits) == 1  # audited again only when the reason changes
    assert "excluded by the case" in str(waits[0]["reason"])


def test_only_the_reviewer_itself_or_staff_may_take_it_off(uow, clock):
    number = waiting_case(uow, clock)
    assign_waiting(uow, SYSTEM, clock)
    rid = uow.db.cases[number].assigned_reviewer_id
    other = "R2" if rid == "R1" else "R1"
    cmd = ReleaseReviewer(number, rid, ReleaseKind.DECLINE, "busy")
    with pytest.raises(NotFound):  # not theirs: as if there were no such case
        release_reviewer(cmd, uow, as_reviewer(other), clock)
    with pytest.raises(PermissionDenied):  # the worker sees the case, may not do this
        release_reviewer(cmd, uow, WORKER, clock)
    missed = ReleaseReviewer(number, rid, ReleaseKind.MISSED_DEADLINE, "late")
    with pytest.raises(PermissionDenied):  # a reviewer cannot declare its own deadline missed
        release_reviewer(missed, uow, as_reviewer(rid), clock)
    stale = ReleaseReviewer(number, other, ReleaseKind.DECLINE, "not mine")
    with pytest.raises(InvalidTransition):  # not the reviewer at work on it
        release_reviewer(stale, uow, STAFF, clock)
    with pytest.raises(InvalidInput):
        release_reviewer(ReleaseReviewer(number, rid, ReleaseKind.DECLINE, "  "), uow, STAFF, clock)
    assert uow.db.cases[number].state is CaseState.ASSIGNED


def test_a_party_never_sees_who_was_taken_off(uow, clock):
    number = waiting_case(uow, clock)
    assign_waiting(uow, SYSTEM, clock)
    rid = uow.db.cases[number].assigned_reviewer_id
    release_reviewer(ReleaseReviewer(number, rid, ReleaseKind.RECUSAL, "x"), uow, STAFF, clock)
    seen = as_seen_by(WORKER, uow.db.cases[number])
    assert seen.released_reviewers == [] and seen.assigned_reviewer_id is None


def test_expedited_cases_come_first_when_the_week_is_full(uow, clock):
    with uow:
        for rid in ("R1", "R2"):
            r = uow.reviewers.get(rid)
            r.capacity_per_week = 1 if rid == "R1" else 0
            uow.reviewers.save(r)
        uow.commit()
    standard = waiting_case(uow, clock)
    expedited = waiting_case(uow, clock, priority=Priority.EXPEDITED, claim_number="CLM-2")
    run = assign_waiting(uow, SYSTEM, clock)
    assert [o.case_number for o in run.assigned] == [expedited]
    assert [o.case_number for o in run.waiting] == [standard]
    # The week's capacity is spent: a later pass the same week does not give R1 another.
    assert not assign_waiting(uow, SYSTEM, clock).assigned


def test_absences_take_their_share_of_the_week_and_away_reviewers_get_nothing(uow, clock):
    with uow:
        r1 = uow.reviewers.get("R1")
        r1.unavailable = [Unavailability(date(2015, 6, 1), date(2015, 6, 3))]  # Mon-Wed
        uow.reviewers.save(r1)
        uow.commit()
    numbers = [waiting_case(uow, clock, claim_number=f"CLM-{n}") for n in range(4)]
    assign_waiting(uow, SYSTEM, clock)
    holders = {uow.db.cases[n].assigned_reviewer_id for n in numbers}
    assert holders == {"R2"}  # R1 is away today
    later = FixedClock(T0 + timedelta(days=3))  # Thursday: R1 is back, 2 of 5 days -> 2 cases
    more = [waiting_case(uow, later, claim_number=f"CLM-x{n}") for n in range(4)]
    assign_waiting(uow, SYSTEM, later)
    given = [uow.db.cases[n].assigned_reviewer_id for n in more]
    assert given.count("R1") == 2


def test_a_reviewer_who_lets_the_internal_deadline_pass_is_taken_off(uow, clock):
    number = waiting_case(uow, clock)
    assign_waiting(uow, SYSTEM, clock)
    rid = uow.db.cases[number].assigned_reviewer_id
    receive_records(
        ReceiveRecords(number, date(2015, 6, 2), ServiceMethod.ELECTRONIC), uow, STAFF, clock
    )
    assert release_overdue(uow, SYSTEM, FixedClock(datetime(2015, 6, 20, tzinfo=T0.tzinfo))) == []
    late = FixedClock(datetime(2015, 6, 25, tzinfo=T0.tzinfo))
    assert release_overdue(uow, SYSTEM, late) == [number]
    case = uow.db.cases[number]
    assert case.state is CaseState.ELIGIBLE and rid in case.excluded_reviewer_ids
    release = case.released_reviewers[-1]
    assert release.kind is ReleaseKind.MISSED_DEADLINE
    assert "2015-06-23" in release.reason and "reviewer_turnaround" in release.reason
    assign_waiting(uow, SYSTEM, late)
    again = uow.db.cases[number]
    # The records are in: the new reviewer starts at once on a running decision clock.
    assert again.state is CaseState.RECORDS_RECEIVED and again.assigned_reviewer_id != rid


def test_a_case_waiting_for_a_new_reviewer_keeps_its_running_clock(uow, clock):
    from openimr.service.deadlines import running_clock

    number = waiting_case(uow, clock)
    assign_waiting(uow, SYSTEM, clock)
    rid = uow.db.cases[number].assigned_reviewer_id
    receive_records(
        ReceiveRecords(number, date(2015, 6, 2), ServiceMethod.ELECTRONIC), uow, STAFF, clock
    )
    before = running_clock(uow.db.cases[number])
    release_reviewer(ReleaseReviewer(number, rid, ReleaseKind.RECUSAL, "x"), uow, STAFF, clock)
    after = running_clock(uow.db.cases[number])
    assert before is not None and after is not None
    assert after.name == before.name == "decision" and after.due_on == before.due_on
