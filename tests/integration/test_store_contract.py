"""One contract suite for the ports, run on the SQL store (SQLite, PostgreSQL) and the fakes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest

from openimr.domain.case import ReviewerRelease
from openimr.domain.errors import ConcurrentUpdate, NotFound
from openimr.domain.notice import Notice, NoticeRecipient
from openimr.domain.vocabulary import (
    CaseState,
    NoticeKind,
    PartyRole,
    Priority,
    ReleaseKind,
    ServiceMethod,
)
from openimr.service.bootstrap import bootstrap
from openimr.service.ports import UnitOfWork
from openimr.store.mapping import determination_from_column, determination_to_column
from tests.factories import T0, document_bytes, make_case, make_determination, make_reviewer
from tests.fakes import FakeUnitOfWork

UowFactory = Callable[[], UnitOfWork]


@pytest.fixture(params=["sql", "fake"])
def new_uow(request: pytest.FixtureRequest, database_url: str) -> Iterator[UowFactory]:
    if request.param == "fake":
        if not database_url.startswith("sqlite"):
            pytest.skip("the fakes run once, beside the SQLite store")
        fake = FakeUnitOfWork()
        yield lambda: fake
        return
    services = bootstrap(database_url)
    yield services.uow
    services.close()


def seed(new_uow: UowFactory) -> str:
    with new_uow() as uow:
        uow.reviewers.add(make_reviewer())
        case = make_case()
        uow.documents.put(document_bytes(1), "text/plain")
        uow.cases.add(case, intake_key="k1", dispute_key="d1")
        uow.commit()
    return case.case_number


NOTICE = Notice(
    "N1",
    NoticeKind.ASSIGNMENT,
    date(2015, 6, 4),
    ServiceMethod.MAIL,
    (
        NoticeRecipient(PartyRole.INJURED_WORKER, "Pat Testworker", "person:pat-testworker"),
        NoticeRecipient(PartyRole.CLAIMS_ADMINISTRATOR, "Test Mutual", "org:test-mutual", "PO 1"),
    ),
    "clerk one",
    {"records_due": "2015-06-19", "asked": ["a", "b"]},
    "ab" * 32,
)


def test_a_case_round_trips_with_every_field(new_uow: UowFactory) -> None:
    number = seed(new_uow)
    with new_uow() as uow:
        case = uow.cases.get(number)
        case.record_eligibility([], T0, on=date(2015, 6, 3))
        case.add_notice(NOTICE, T0)
        case.convert_to_expedited(date(2015, 6, 5), T0)
        case.assign("R1", date(2015, 6, 4), T0, ServiceMethod.MAIL)
        case.receive_records(date(2015, 6, 15), ServiceMethod.ELECTRONIC, T0)
        case.record_determination(make_determination(case, make_reviewer()), T0)
        uow.cases.save(case)
        uow.commit()
    with new_uow() as uow:
        loaded = uow.cases.get(number)
    expected = make_case(
        state=CaseState.REVIEWED,
        assigned_reviewer_id="R1",
        assigned_on=date(2015, 6, 4),
        priority=Priority.EXPEDITED,
        expedited_converted_on=date(2015, 6, 5),
        eligibility_decided_on=date(2015, 6, 3),
        notices=[NOTICE],
        reviewer_assigned_on=date(2015, 6, 4),
        noarfi_served_by=ServiceMethod.MAIL,
        records_received_on=date(2015, 6, 15),
        records_served_by=ServiceMethod.ELECTRONIC,
        determination=make_determination(make_case(), make_reviewer()),
        version=loaded.version,
    )
    assert loaded == expected


def test_a_release_round_trips_and_the_week_counts_the_current_reviewer(
    new_uow: UowFactory,
) -> None:
    number = seed(new_uow)
    with new_uow() as uow:
        case = uow.cases.get(number)
        case.record_eligibility([], T0)
        case.assign("R1", date(2015, 6, 4), T0, ServiceMethod.MAIL)
        case.release_reviewer(
            ReleaseKind.RECUSAL, "treated the worker in 2014", T0, date(2015, 6, 5)
        )
        uow.cases.save(case)
        uow.commit()
    with new_uow() as uow:
        loaded = uow.cases.get(number)
        assert uow.cases.assigned_counts_since(date(2015, 6, 1)) == {}
    assert loaded.state is CaseState.ELIGIBLE and loaded.assigned_reviewer_id is None
    assert loaded.released_reviewers == [
        ReviewerRelease("R1", ReleaseKind.RECUSAL, "treated the worker in 2014", date(2015, 6, 5))
    ]
    assert loaded.assigned_on == date(2015, 6, 4)  # the NOARFI's date stays
    with new_uow() as uow:
        uow.reviewers.add(make_reviewer(reviewer_id="R2"))
        case = uow.cases.get(number)
        case.assign("R2", date(2015, 6, 8), T0)
        uow.cases.save(case)
        uow.commit()
    with new_uow() as uow:
        assert uow.cases.assigned_counts_since(date(2015, 6, 8)) == {"R2": 1}
        assert uow.cases.assigned_counts_since(date(2015, 6, 9)) == {}
    assert loaded.version == 2


def test_a_stale_save_raises_concurrent_update(new_uow: UowFactory) -> None:
    number = seed(new_uow)
    with new_uow() as uow:
        stale = uow.cases.get(number)
    with new_uow() as uow:
        fresh = uow.cases.get(number)
        fresh.record_eligibility([], T0)
        uow.cases.save(fresh)
        uow.commit()
    stale.withdraw(T0, "authorized")
    with new_uow() as uow, pytest.raises(ConcurrentUpdate):
        uow.cases.save(stale)
    with new_uow() as uow:
        assert uow.cases.get(number).state is CaseState.ELIGIBLE


def test_leaving_without_commit_rolls_back(new_uow: UowFactory) -> None:
    number = seed(new_uow)
    with new_uow() as uow:
        case = uow.cases.get(number)
        case.record_eligibility([], T0)
        uow.cases.save(case)
        uow.audit.append("X", actor="a", at=T0, case_number=number, data={})
    with new_uow() as uow:
        assert uow.cases.get(number).state is CaseState.RECEIVED
        assert uow.audit.for_case(number) == []


def test_lookups_by_intake_key_dispute_key_and_filters(new_uow: UowFactory) -> None:
    number = seed(new_uow)
    with new_uow() as uow:
        assert uow.cases.find_by_intake_key("k1") is not None
        assert uow.cases.find_by_intake_key("nope") is None
        assert uow.cases.case_numbers_with_dispute_key("d1") == [number]
        assert [c.case_number for c in uow.cases.list(party_key="org:test-mutual")] == [number]
        assert uow.cases.list(party_key="org:other") == []
        assert uow.cases.list(states=frozenset({CaseState.ISSUED})) == []
        first = uow.cases.next_case_number(date(2015, 6, 1))
        second = uow.cases.next_case_number(date(2015, 6, 1))
        assert first.startswith("CM15-") and first != second


def test_a_document_must_be_stored_before_a_case_refers_to_it(new_uow: UowFactory) -> None:
    with new_uow() as uow, pytest.raises(Exception, match="(?i)foreign key|not stored"):
        uow.cases.add(make_case())


def test_missing_things_are_not_found(new_uow: UowFactory) -> None:
    with new_uow() as uow:
        with pytest.raises(NotFound):
            uow.cases.get("CM00-0000000")
        with pytest.raises(NotFound):
            uow.reviewers.get("nobody")
        with pytest.raises(NotFound):
            uow.documents.get("0" * 64)


def test_documents_are_content_addressed(new_uow: UowFactory) -> None:
    with new_uow() as uow:
        a = uow.documents.put(b"same bytes", "text/plain")
        b = uow.documents.put(b"same bytes", "text/plain")
        uow.commit()
    with new_uow() as uow:
        assert a == b and uow.documents.get(a) == b"same bytes"


def test_reviewers_round_trip(new_uow: UowFactory) -> None:
    seed(new_uow)
    with new_uow() as uow:
        reviewer = uow.reviewers.get("R1")
        assert reviewer == make_reviewer()
        reviewer.hours_per_week = 20
        uow.reviewers.save(reviewer)
        uow.commit()
    with new_uow() as uow:
        assert uow.reviewers.get("R1").hours_per_week == 20
        assert [r.reviewer_id for r in uow.reviewers.list()] == ["R1"]


def test_audit_entries_chain_in_order(new_uow: UowFactory) -> None:
    number = seed(new_uow)
    for n in range(3):
        with new_uow() as uow:
            uow.audit.append("CaseRead", actor="staff:1", at=T0, case_number=number, data={"n": n})
            uow.commit()
    with new_uow() as uow:
        entries = uow.audit.for_case(number)
    assert [e.details["n"] for e in entries] == [0, 1, 2]
    assert entries[1].prev_hash == entries[0].entry_hash


def test_determination_json_round_trip() -> None:
    det = make_determination(make_case(), make_reviewer())
    assert determination_from_column(determination_to_column(det)) == det
