"""The workbench's use cases on the in-memory fakes: signing refuses machine drafts, drafts
keep optimistic locking, a recusal excludes the reviewer, the queue finds every case, the
case file grows at any time, OCR reads scans page by page, notifications reach their readers.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from openimr.domain.document_text import PageText
from openimr.domain.drafting import machine_traces, mark_draft
from openimr.domain.errors import ConcurrentUpdate, InvalidInput, InvalidTransition
from openimr.domain.vocabulary import CaseState, DocumentKind, Role, ServiceMethod
from openimr.service.access import Actor
from openimr.service.assign import AssignReviewer, assign_reviewer, screen_case
from openimr.service.case_file import AddDocuments, add_documents, reopen_eligibility
from openimr.service.document_text import read_document_text, search_case_file
from openimr.service.intake import (
    DocumentUpload,
    ReceiveRecords,
    determine_eligibility,
    receive_records,
    submit_application,
)
from openimr.service.notify import my_notifications
from openimr.service.queue import CaseQuery, reviewer_workload, search_cases
from openimr.service.review import ItemDecision, record_review
from openimr.service.reviewer_actions import (
    ReleaseCase,
    get_draft,
    release_case,
    request_records,
    save_draft,
)
from openimr.service.workbench import evidence_sources
from tests.factories import T0, make_application, make_review, make_reviewer, pdf_bytes, text_upload
from tests.fakes import FakeUnitOfWork, FixedClock

STAFF = Actor("s1", Role.STAFF)
REVIEWER = Actor("r1", Role.REVIEWER, reviewer_id="R1")
OTHER_REVIEWER = Actor("r2", Role.REVIEWER, reviewer_id="R4")
WORKER = Actor("p1", Role.PARTY, party_key="person:pat-testworker")


@pytest.fixture
def uow() -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    with uow:
        uow.reviewers.add(make_reviewer())
        uow.reviewers.add(make_reviewer(reviewer_id="R4", name="Dr. Second Testreviewer"))
        uow.commit()
    return uow


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


def case_at_review(uow: FakeUnitOfWork, clock: FixedClock, **overrides: object) -> str:
    number = submit_application(make_application(**overrides), uow, STAFF, clock).case_number
    determine_eligibility(number, uow, STAFF, clock)
    assign_reviewer(AssignReviewer(number, date(2015, 6, 2), "R1"), uow, STAFF, clock)
    receive_records(
        ReceiveRecords(
            number, date(2015, 6, 5), ServiceMethod.ELECTRONIC, [text_upload("pr2.txt")]
        ),
        uow,
        STAFF,
        clock,
    )
    return number


# -- signing is deliberate ------------------------------------------------------------------


def test_machine_traces_name_each_sign_of_a_draft() -> None:
    assert machine_traces("My own words.") == []
    assert "markers" in machine_traces(mark_draft("Heat packs suffice."))[0]
    odds = "Upheld (estimated chance that a reviewer overturns the denial: 1%)."
    assert "estimated chance" in machine_traces(odds)[0]
    assert (
        "proposal wording" in machine_traces("Proposed conclusion, for the reviewer to accept")[0]
    )
    assert "CM16-0245466" in machine_traces("As in CM16-0245466, upheld.")[0]
    assert machine_traces("This case, CM15-0000001.", "CM15-0000001") == []


def test_signing_refuses_a_draft_and_names_the_field(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    number = case_at_review(uow, clock)
    review = make_review(number)
    drafted = replace(
        review,
        items=[replace(review.items[0], rationale=mark_draft("Simple packs suffice."))],
    )
    with pytest.raises(InvalidInput) as err:
        record_review(drafted, uow, REVIEWER, clock)
    assert err.value.details["field"] == "rationale-1"
    assert "[DRAFT]" in err.value.message
    with uow:
        assert uow.cases.get(number).state is CaseState.RECORDS_RECEIVED  # nothing signed
    assert record_review(review, uow, REVIEWER, clock).state is CaseState.REVIEWED


def test_a_draft_is_saved_with_optimistic_locking_and_dropped_at_signing(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    number = case_at_review(uow, clock)
    first = save_draft(number, {"rationale-1": "mine"}, None, uow, REVIEWER, clock)
    assert save_draft(number, {"rationale-1": "mine, more"}, first, uow, REVIEWER, clock) == 2
    with pytest.raises(ConcurrentUpdate):
        save_draft(number, {"rationale-1": "stale tab"}, first, uow, REVIEWER, clock)
    draft = get_draft(number, uow, REVIEWER, clock)
    assert draft is not None and draft.values == {"rationale-1": "mine, more"}
    record_review(make_review(number), uow, REVIEWER, clock)
    assert get_draft(number, uow, REVIEWER, clock) is None
    with pytest.raises(InvalidTransition):
        save_draft(number, {"rationale-1": "after"}, None, uow, REVIEWER, clock)


# -- decline, recuse, more records ----------------------------------------------------------


def test_a_recusal_puts_the_case_back_with_the_reviewer_excluded(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    number = case_at_review(uow, clock)
    result = release_case(
        ReleaseCase(number, "recuse", "I treated this worker"), uow, REVIEWER, clock
    )
    assert result.state is CaseState.ELIGIBLE and result.reviewer_id == "R1"
    screening = screen_case(number, uow, STAFF, clock)
    assert "R1" not in [c.reviewer_id for c in screening.candidates]
    assert "R1" in [e.reviewer_id for e in screening.excluded]
    with pytest.raises(InvalidInput):
        assign_reviewer(AssignReviewer(number, date(2015, 6, 8), "R1"), uow, STAFF, clock)
    with uow:
        actions = [e.action for e in uow.audit.for_case(number)]
    assert "ReviewerReleased" in actions
    inbox = my_notifications(uow, STAFF, clock)
    assert any("recused" in n.message for n in inbox.notifications)


def test_a_records_request_is_answered_when_staff_add_documents(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    number = case_at_review(uow, clock)
    assert request_records(number, "the 2015 MRI report", uow, REVIEWER, clock) == 1
    added = add_documents(
        AddDocuments(number, [text_upload("mri.txt", DocumentKind.IMAGING_REPORT, "MRI L4-5")]),
        uow,
        STAFF,
        clock,
    )
    assert added.requests_answered == 1 and len(added.document_ids) == 1
    with uow:
        assert not any(r.is_open for r in uow.cases.get(number).records_requests)
    assert any("added" in n.message for n in my_notifications(uow, REVIEWER, clock).notifications)


def test_only_the_assigned_reviewer_acts_on_the_case(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    from openimr.domain.errors import NotFound

    number = case_at_review(uow, clock)
    with pytest.raises(NotFound):  # not yours reads as no such case
        save_draft(number, {}, None, uow, OTHER_REVIEWER, clock)
    with pytest.raises(NotFound):
        release_case(ReleaseCase(number, "decline", "busy"), uow, OTHER_REVIEWER, clock)


# -- the queue -------------------------------------------------------------------------------


def test_search_finds_every_state_and_sorts_by_urgency(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    late = case_at_review(uow, clock)
    unsigned = submit_application(
        make_application(application_signed=False, claim_number="CLM-UNSIGNED"),
        uow,
        STAFF,
        clock,
    ).case_number
    assert not determine_eligibility(unsigned, uow, STAFF, clock).eligible
    everything = frozenset(CaseState)
    rows, total = search_cases(CaseQuery("unsigned", everything), uow, STAFF, clock)
    assert [r.case_number for r in rows] == [unsigned] and total == 1
    rows, _ = search_cases(CaseQuery("testworker", everything), uow, STAFF, clock)
    assert {r.case_number for r in rows} == {late, unsigned}
    assert rows[0].case_number == late  # a running clock is more urgent than none
    later = FixedClock(T0 + timedelta(days=60))
    rows, _ = search_cases(CaseQuery(due="overdue"), uow, STAFF, later)
    assert [(r.case_number, r.badge) for r in rows] == [(late, "overdue")]
    workload = {w.reviewer_id: w for w in reviewer_workload(uow, STAFF, later)}
    assert workload["R1"].open_cases == 1 and workload["R1"].overdue == 1


# -- the case file ----------------------------------------------------------------------------


def test_an_ineligible_case_is_reopened_and_decided_again(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    number = submit_application(
        make_application(application_signed=False), uow, STAFF, clock
    ).case_number
    determine_eligibility(number, uow, STAFF, clock)
    assert any(
        "not eligible" in n.message for n in my_notifications(uow, WORKER, clock).notifications
    )
    with pytest.raises(InvalidInput):
        reopen_eligibility(number, " ", uow, STAFF, clock)
    reopen_eligibility(number, "the signed form arrived", uow, STAFF, clock)
    with uow:
        assert uow.cases.get(number).state is CaseState.RECEIVED


class PageEngine:
    """A fake OCR engine on the OcrEngine port: the text of page n is 'scanned page'."""

    def __init__(self) -> None:
        self.calls = 0

    def page_text(self, one_page_pdf: bytes) -> str:
        self.calls += 1
        return f"scanned page {self.calls}: lumbar MRI shows a protrusion"


def test_ocr_reads_each_scanned_page_once_with_progress(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    number = case_at_review(uow, clock)
    scan = DocumentUpload("fax.pdf", pdf_bytes(3), DocumentKind.MEDICAL_RECORD)
    added = add_documents(AddDocuments(number, [scan]), uow, STAFF, clock)
    assert [d for d, _ in added.ocr_queued] == added.document_ids
    content_hash = added.ocr_queued[0][1]
    with uow:
        assert uow.texts.progress(content_hash).state == "queued"  # type: ignore[union-attr]
    engine = PageEngine()
    doc_id = added.document_ids[0]
    outcome = read_document_text(content_hash, lambda: uow, clock, engine, number, doc_id)
    assert (outcome.pages, outcome.ocr_pages, engine.calls) == (3, 3, 3)
    read_document_text(content_hash, lambda: uow, clock, engine, number, doc_id)
    assert engine.calls == 3  # idempotent: pages already read are not read again
    with uow:
        progress = uow.texts.progress(content_hash)
        assert progress is not None and (progress.state, progress.pages_done) == ("done", 3)
    hits = search_case_file(number, "protrusion", uow, REVIEWER, clock)
    assert [(h.document_id, h.page) for h in hits] == [(doc_id, 1), (doc_id, 2), (doc_id, 3)]


def test_evidence_is_traced_to_its_document_and_page() -> None:
    sentences = [("On April 6, 2015 the pain was 6/10.", [("D4", 1)])]
    pages = {
        "D5": [
            PageText(1, "x", "text"),
            PageText(2, "Straight leg raise positive on the left.", "ocr"),
        ]
    }
    quotes = {"the pain was 6/10", "straight leg raise positive", "never said"}
    assert evidence_sources(quotes, sentences, pages) == {
        "the pain was 6/10": ("D4", 1),
        "straight leg raise positive": ("D5", 2),
    }


def test_signing_with_decisions_in_the_fake_store_keeps_each_item(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    number = case_at_review(uow, clock)
    review = make_review(number)
    item: ItemDecision = review.items[0]
    assert record_review(replace(review, items=[item]), uow, REVIEWER, clock).decisions
