"""Draft clinical case summary (assist.summary) on records we wrote for the seed case.

The records under records/seed/ carry the seed letter's facts (54-year-old, injury of
April 8, 2011, chronic low back pain with sleep disturbance, anxiety and depression, UR of
May 15, 2015 denying a hot/cold unit requested on April 6, 2015) in our own words.
"""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from openimr.assist.records import RecordDocument, record_from_bytes, records_from_folder
from openimr.assist.summary import (
    CaseHeader,
    DraftSummary,
    draft_case_summary,
)
from openimr.domain.errors import InvalidInput

SEED_RECORDS = Path(__file__).parent / "records" / "seed"


@pytest.fixture(scope="module")
def records() -> list[RecordDocument]:
    return records_from_folder(SEED_RECORDS)


@pytest.fixture(scope="module")
def draft(records: list[RecordDocument]) -> DraftSummary:
    return draft_case_summary(records)


def _sentence(draft: DraftSummary, pattern: str) -> str:
    found = [s.text for s in draft.sentences() if re.search(pattern, s.text)]
    assert found, f"no sentence matches {pattern!r} in:\n{draft.text()}"
    return found[0]


def test_header_names_age_injury_date_and_every_diagnosis(draft: DraftSummary) -> None:
    header = draft.paragraphs[0][0].text
    assert "54-year-old" in header
    assert "represented" in header  # the application is signed by the employee's attorney
    assert "industrial injury of April 8, 2011" in header
    diagnoses = _sentence(draft, r"^The diagnoses")
    for diagnosis in ("chronic low back pain", "sleep disturbance", "anxiety", "depression"):
        assert diagnosis in diagnoses


def test_ur_decision_names_its_date_the_item_its_outcome_and_guideline(
    draft: DraftSummary,
) -> None:
    ur = _sentence(draft, r"Utilization Review determination")
    assert "May 15, 2015" in ur
    assert "non-certified hot/cold unit for the lumbar spine" in ur
    assert "powered hot and cold device" in _sentence(draft, r"^Rationale")
    assert "ODG-TWC 2015" in _sentence(draft, r"cited")
    assert "Nominal." not in [s.text for s in draft.sentences()][2]  # no signature as reason
    assert "attorney subsequently appealed" in draft.paragraphs[1][-1].text
    closing = draft.paragraphs[-1][0].text
    assert closing.startswith("The request under review, requested on April 6, 2015")
    assert "hot/cold unit for the lumbar spine (non-certified)" in closing


def test_course_of_care_is_in_date_order_with_each_visits_work_status(
    draft: DraftSummary,
) -> None:
    course = " ".join(s.text for p in draft.paragraphs[2:-1] for s in p)
    visits = ["On November 24, 2014", "On April 6, 2015, Dr. Casey", "On May 8, 2015"]
    positions = [course.index(v) for v in visits]
    assert positions == sorted(positions)
    # Each visit's stretch states the applicant was off work, temporarily totally disabled.
    for start, end in zip(positions, [*positions[1:], len(course)], strict=True):
        assert "temporarily totally disabled" in course[start:end]


def test_visit_sentences_carry_complaints_findings_and_treatments(draft: DraftSummary) -> None:
    assert "insomnia" in _sentence(draft, r"complains of insomnia")
    assert "Xanax, Prilosec, Flexeril, Ultracet and Naprosyn" in _sentence(draft, r"^Plan: med")
    assert "hot and cold unit" in _sentence(draft, r"requesting authorization")
    assert "rated 7/10" in _sentence(draft, r"^On April 6, 2015, Dr")
    assert "acupuncture" in _sentence(draft, r"acupuncture")


def test_every_sentence_traces_to_a_document_page_that_contains_its_quote(
    records: list[RecordDocument], draft: DraftSummary
) -> None:
    by_id = {r.document_id: r for r in records}
    for sentence in draft.sentences():
        assert sentence.sources, sentence.text
        for source in sentence.sources:
            assert source.page is not None
            page = by_id[source.document_id].pages[source.page - 1]
            assert source.quote and source.quote in page


def test_negated_findings_are_written_as_the_record_negates_them(draft: DraftSummary) -> None:
    text = draft.text(with_sources=False)
    # The notes say "No muscle spasm is noted", "Straight leg raise is negative",
    # "No focal neurological deficit" and "denies bowel or bladder changes".
    assert "no muscle spasm is noted" in text
    assert "positive straight leg" not in text and "straight leg raise is negative" in text
    assert "no focal neurological deficit" in text
    assert "denies bowel or bladder changes" in text
    assert "reported bowel" not in text


def test_the_draft_says_it_is_a_draft_and_shows_its_sources(draft: DraftSummary) -> None:
    shown = draft.text()
    assert shown.startswith("DRAFT clinical case summary")
    assert "[D5 p1]" in shown
    assert draft.to_dict()["status"] == "draft"
    assert not draft.text(with_sources=False).startswith("DRAFT")


def test_record_date_comes_from_its_own_text_unless_given(records: list[RecordDocument]) -> None:
    note = next(r for r in records if r.filename == "04-progress-2015-05-08.txt")
    assert note.date is None  # read from the folder: nothing given
    draft = draft_case_summary([note])
    assert draft.paragraphs[-1][0].text.startswith("On May 8, 2015,")
    dated = RecordDocument(
        "X1", note.title, note.kind, None, date(2015, 5, 9), note.pages, note.filename
    )
    # A date the service recorded for the document is taken as given.
    assert draft_case_summary([dated]).paragraphs[-1][0].text.startswith("On May 9, 2015,")


def test_case_header_fills_only_what_the_records_do_not_say() -> None:
    note = record_from_bytes(
        "D1", b"Progress note 03/02/2016.\nSubjective: Neck pain persists.\n", filename="n.txt"
    )
    header = CaseHeader(applicant_age=47, date_of_injury=date(2015, 1, 5))
    first = draft_case_summary([note], case=header).paragraphs[0][0]
    assert "47-year-old" in first.text and "January 5, 2015" in first.text
    assert {s.document_id for s in first.sources} == {"case"}


def test_records_out_of_name_order_are_still_summarised_by_date(tmp_path: Path) -> None:
    for number, file in enumerate(sorted(SEED_RECORDS.glob("*.txt"), reverse=True)):
        shutil.copy(file, tmp_path / f"{number:02d}-{file.name}")
    draft = draft_case_summary(records_from_folder(tmp_path))
    course = " ".join(s.text for p in draft.paragraphs[2:] for s in p)
    assert (
        course.index("November 24, 2014")
        < course.index("April 6, 2015")
        < course.index("May 8, 2015")
    )


def _two_page_pdf(path: Path) -> None:
    from weasyprint import HTML

    html = (
        "<html><body>"
        "<p>PRIMARY TREATING PHYSICIAN'S PROGRESS REPORT</p>"
        "<p>Date of service: 06/22/2015</p>"
        "<p>Subjective: The patient reports ongoing low back pain and anxiety.</p>"
        "<p style='page-break-before: always'>Objective: No muscle spasm is noted.</p>"
        "<p>Plan: Naprosyn is continued.</p>"
        "<p>Work status: Remains off work.</p>"
        "</body></html>"
    )
    HTML(string=html).write_pdf(str(path))


def test_pdf_record_is_read_page_by_page_and_traced(tmp_path: Path) -> None:
    pdf = tmp_path / "07-progress-2015-06-22.pdf"
    _two_page_pdf(pdf)
    records = records_from_folder(tmp_path)
    assert len(records[0].pages) == 2
    draft = draft_case_summary(records)
    continued = next(s for s in draft.sentences() if "continued" in s.text)
    assert continued.text == "Plan: Naprosyn is continued."
    assert [s.page for s in continued.sources] == [2]
    assert "Naprosyn" in records[0].pages[1]
    assert _sentence(draft, r"^History").endswith("low back pain and anxiety.")


def test_unreadable_file_is_named_and_the_others_are_summarised(tmp_path: Path) -> None:
    for file in SEED_RECORDS.glob("*.txt"):
        shutil.copy(file, tmp_path / file.name)
    (tmp_path / "05a-scan.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (tmp_path / "00-empty.txt").write_bytes(b"")
    errors: list[str] = []
    records = records_from_folder(tmp_path, errors)
    assert len(records) == 6
    assert len(errors) == 2
    assert any("05a-scan.pdf" in e and "unreadable PDF" in e for e in errors)
    assert any("00-empty.txt" in e and "empty" in e for e in errors)
    assert "April 8, 2011" in draft_case_summary(records).paragraphs[0][0].text


def test_missing_folder_or_no_records_is_invalid_input(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="not a folder"):
        records_from_folder(tmp_path / "absent")
    with pytest.raises(InvalidInput, match="no .txt or .pdf"):
        records_from_folder(tmp_path)
    with pytest.raises(InvalidInput, match="no records"):
        draft_case_summary([])


def test_service_documents_with_stored_metadata_are_summarised() -> None:
    """The service hook: (CaseDocument, bytes) pairs of the seed example's case file."""
    from openimr.assist.records import records_from_case_documents
    from openimr.assist.summary import case_header
    from openimr.domain.case import Case, CaseDocument, Party
    from openimr.domain.vocabulary import PartyRole, Priority, ServiceMethod
    from openimr.examples.seed_data import seed_data

    seed = seed_data()
    stored = [
        (
            CaseDocument(
                document_id=f"doc-{n}",
                kind=d.kind,
                title=d.title,
                content_hash="0" * 64,
                media_type="text/plain",
                pages=1,
                author=d.author,
                document_date=d.document_date,
                filename=d.filename,
            ),
            d.text.encode(),
        )
        for n, d in enumerate([*seed.case.documents, *seed.timeline.records], start=1)
    ]
    stored.append((stored[0][0], b""))  # an empty upload: reported, not fatal
    errors: list[str] = []
    records = records_from_case_documents(stored, errors)
    assert len(records) == len(stored) - 1 and "doc-1" in errors[0]
    case = Case(
        case_number="CM15-0000001",
        jurisdiction="ca_dwc",
        priority=Priority.STANDARD,
        date_of_injury=seed.case.date_of_injury,
        ur_decision_date=seed.case.ur_decision_date,
        ur_decision_served_by=ServiceMethod.MAIL,
        application_received_on=seed.case.application_received_on,
        application_signed=True,
        dispute_type="medical_necessity",
        applicant_age=seed.case.applicant_age,
        parties=[Party(PartyRole.REPRESENTATIVE, "Avery Placeholder", "person:avery")],
    )
    header = case_header(case)
    assert header == CaseHeader(54, None, date(2011, 4, 8), True)
    draft = draft_case_summary(records, case=header)
    first = draft.paragraphs[0][0]
    assert first.text.startswith("The applicant is a represented 54-year-old")
    assert "chronic low back pain" in _sentence(draft, r"^The diagnoses")
    course = " ".join(s.text for p in draft.paragraphs[2:] for s in p)
    # Same day: the April 6 visit note comes before its RFA.
    assert course.index("On April 6, 2015, a primary") < course.index("Request for Authorization")


NARRATIVE_NOTE = b"""ORTHOPEDIC PROGRESS NOTE
Mr. Sample was seen on 03/02/2016 for his right shoulder. He was injured on 10/13/2015 when
he fell from a ladder. He is a 48-year-old male. He complains of right shoulder pain and
numbness in the hand, rated 6/10. He denies neck pain.
He has tried physical therapy and Norco in the past without relief.
On examination there is tenderness over the acromioclavicular joint. Impingement sign is
positive. There is no atrophy. Rule out rotator cuff tear.
Diagnoses: Right shoulder impingement syndrome; rule out rotator cuff tear.
I am requesting an MRI of the right shoulder. Continue Norco 10/325 mg. He may return to
modified duty with no lifting over 10 pounds.
"""


def test_unlabelled_narrative_note_is_read_sentence_by_sentence() -> None:
    note = record_from_bytes("D1", NARRATIVE_NOTE, filename="ortho.txt")
    assert note.kind == "progress_report"
    draft = draft_case_summary([note])
    header = draft.paragraphs[0][0].text
    assert "48-year-old male" in header and "October 13, 2015" in header
    assert "fell from a ladder" in _sentence(draft, r"^Mechanism")
    # An uncertain diagnosis is not a diagnosis of the claim.
    diagnoses = _sentence(draft, r"^The diagnoses")
    assert "impingement syndrome" in diagnoses and "rotator cuff" not in diagnoses
    text = draft.text(with_sources=False)
    assert "rated 6/10" in text and "He denies neck pain." in text
    assert "There is no atrophy." in text
    assert "without relief" in _sentence(draft, r"tried physical therapy and Norco")


def test_injury_date_of_an_occupational_claim_wins_over_a_later_date() -> None:
    note = record_from_bytes(
        "D1",
        b"This case involves a 36-year-old female with a history of an occupational claim "
        b"from 10/13/2016. The mechanism of injury is a slip and fall. She was seen on "
        b"10/28/2016 for low back pain.\n",
        filename="summary.txt",
    )
    assert "injury of October 13, 2016" in draft_case_summary([note]).paragraphs[0][0].text
