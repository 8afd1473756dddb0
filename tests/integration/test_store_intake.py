"""Intake on a real database: a refused submission stores nothing; a repeat stores nothing new."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select

from openimr.domain.errors import InvalidInput
from openimr.domain.vocabulary import CaseState, DocumentKind, Role, ServiceMethod
from openimr.service.access import Actor
from openimr.service.assign import AssignReviewer, assign_reviewer
from openimr.service.bootstrap import Services, bootstrap, register_reviewers, verify_audit_log
from openimr.service.intake import (
    DocumentUpload,
    ReceiveRecords,
    determine_eligibility,
    receive_records,
    submit_application,
)
from openimr.store.tables import AuditEntryRow, CaseRow, DocumentBlobRow
from tests.factories import T0, make_application, make_reviewer
from tests.fakes import FixedClock

STAFF = Actor("s1", Role.STAFF)


@pytest.fixture
def services(database_url: str) -> Services:
    services = bootstrap(database_url, clock=FixedClock(T0))
    yield services  # type: ignore[misc]
    services.close()


def count(services: Services, table: type) -> int:
    with services.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_a_bad_pdf_stores_nothing_of_the_case(services: Services) -> None:
    cmd = make_application()
    bad = DocumentUpload("records.pdf", b"%PDF-1.7 not really", DocumentKind.MEDICAL_RECORD)
    with pytest.raises(InvalidInput, match="records.pdf"):
        submit_application(
            replace(cmd, documents=[*cmd.documents, bad]), services.uow(), STAFF, services.clock
        )
    assert count(services, CaseRow) == 0
    assert count(services, DocumentBlobRow) == 0
    assert count(services, AuditEntryRow) == 0


def test_resubmission_is_idempotent_on_the_database(services: Services) -> None:
    first = submit_application(make_application(), services.uow(), STAFF, services.clock)
    again = submit_application(make_application(), services.uow(), STAFF, services.clock)
    assert (again.case_number, again.created) == (first.case_number, False)
    assert count(services, CaseRow) == 1
    assert count(services, DocumentBlobRow) == 3


def test_concurrent_identical_submissions_make_one_case(services: Services) -> None:
    results = []
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            results.append(
                submit_application(make_application(), services.uow(), STAFF, services.clock)
            )
        except BaseException as err:  # noqa: BLE001 - reported by the assertion below
            errors.append(err)

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len({r.case_number for r in results}) == 1
    assert sum(r.created for r in results) == 1
    assert count(services, CaseRow) == 1
    assert verify_audit_log(services).ok


def test_records_and_assignment_are_audited_in_a_valid_chain(services: Services) -> None:
    register_reviewers([make_reviewer()], services.uow(), services.clock)
    number = submit_application(make_application(), services.uow(), STAFF, services.clock)
    determine_eligibility(number.case_number, services.uow(), STAFF, services.clock)
    assign_reviewer(
        AssignReviewer(number.case_number, date(2015, 6, 4)), services.uow(), STAFF, services.clock
    )
    result = receive_records(
        ReceiveRecords(number.case_number, date(2015, 6, 15), ServiceMethod.MAIL),
        services.uow(),
        STAFF,
        services.clock,
    )
    assert result.state is CaseState.RECORDS_RECEIVED
    report = verify_audit_log(services)
    assert report.ok and report.entries >= 6


def test_case_numbers_come_from_the_server_in_the_jurisdictions_format(
    services: Services,
) -> None:
    first = submit_application(make_application(), services.uow(), STAFF, services.clock)
    other = make_application(claim_number="OTHER")
    second = submit_application(other, services.uow(), STAFF, services.clock)
    assert (first.case_number, second.case_number) == ("CM15-0000001", "CM15-0000002")
    assert count(services, CaseRow) == 2


@pytest.mark.parametrize("number", ["CM15-1", "../CM15-0000001", 'Z"><svg onload=alert(9)>', ""])
def test_a_malformed_case_number_is_refused_before_any_query(
    services: Services, number: str
) -> None:
    with pytest.raises(InvalidInput) as err, services.uow() as uow:
        uow.cases.get(number)
    assert err.value.details["field"] == "case_number"
