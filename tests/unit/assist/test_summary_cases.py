"""The drafter on the fictional case files of tests/data/summary_cases, read as a reviewer would.

The dev cases are read here as text (fast); benchmarks/bench_summary.py reads them as PDFs
(with a scanned MRI) and also reports the held-out cases. The reading parts are tested on
their own: document types and sections, abbreviations, risks discussed, who wrote a record,
and what the record does not settle.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from openimr.assist.encounters import provider_of, read_encounter
from openimr.assist.lexicon import expand_abbreviations
from openimr.assist.records import RecordDocument, RecordText, passages, record_from_bytes
from openimr.assist.sections import document_type, section_category
from openimr.assist.summary import DraftSummary, draft_case_summary
from tests.summary_cases import CASES, case_dirs, fragment, load_facts, score


def text_records(case: Path) -> list[RecordDocument]:
    return [
        record_from_bytes(f"D{n}", path.read_bytes(), filename=path.name)
        for n, path in enumerate(sorted(case.glob("*.txt")), start=1)
    ]


@pytest.fixture(scope="module")
def shoulder() -> tuple[list[RecordDocument], DraftSummary]:
    records = text_records(CASES / "dev" / "shoulder")
    return records, draft_case_summary(records)


@pytest.mark.parametrize("case", case_dirs("dev"), ids=lambda p: p.name)
def test_dev_case_file_meets_the_reviewer_goals(case: Path) -> None:
    records = text_records(case)
    draft = draft_case_summary(records)
    result = score(draft, records, load_facts(case))
    assert result.recall >= 0.9, result.missed
    assert result.false == []
    assert result.unsupported == []
    assert result.fragments == []
    by_id = {r.document_id: r for r in records}
    for sentence in draft.sentences():
        for source in sentence.sources:
            if source.page is not None:
                assert source.quote in by_id[source.document_id].pages[source.page - 1]


def test_document_types_come_from_the_heading() -> None:
    expected = {
        "01-first-report-2022-11-14.txt": "first_report",
        "02-progress-2023-01-10.txt": "progress_note",
        "03-mri-2023-02-03.scan.txt": "imaging_report",
        "04-ortho-consult-2023-03-02.txt": "consult",
        "06-pt-reeval-2023-07-17.txt": "therapy_note",
        "08-rfa-2023-07-18.txt": "rfa",
        "09-ur-decision-2023-07-25.txt": "ur_decision",
    }
    for name, kind in expected.items():
        text = (CASES / "dev" / "shoulder" / name).read_text()
        assert document_type(text, name) == kind, name
    assert document_type("Some words\nnothing else", "x.txt") == "medical_record"


def test_headings_map_to_sections_by_document_type() -> None:
    assert section_category("S") == "complaints"
    assert section_category("Objective findings") == "findings"
    assert section_category("A") == "diagnoses"
    assert section_category("Work") == "work"
    assert section_category("Clinical history", "imaging_report") == "clinical_history"
    assert section_category("Findings", "imaging_report") == "imaging_findings"
    assert section_category("Findings", "progress_note") == "findings"
    assert section_category("ADDENDUM 07/20/2023") == "addendum"
    assert section_category("Family history") == "family_history"
    assert section_category("Physician") == "provider"
    assert section_category("Something else entirely") == "other"


def test_abbreviations_are_written_out_once() -> None:
    note = (
        "Pt f/u R shldr. s/p PT x6. c/o pain 5/10 w/ overhead reaching, + night pain. Denies N/T."
    )
    assert expand_abbreviations(note) == (
        "patient follow-up right shoulder. status post physical therapy, 6 visits. complains of "
        "pain 5/10 with overhead reaching, positive night pain. Denies numbness or tingling."
    )
    assert expand_abbreviations("Rec arthroscopy w/ SAD/acromioplasty + debridement.") == (
        "recommends arthroscopy with subacromial decompression/acromioplasty and debridement."
    )
    # An abbreviation already spelled out before it is left as written.
    assert expand_abbreviations("Temporarily totally disabled (TTD)") == (
        "Temporarily totally disabled (TTD)"
    )
    assert expand_abbreviations("CSI helped 80% x6 wks") == (
        "corticosteroid injection helped 80% for 6 weeks"
    )


def test_risks_discussed_and_the_reason_for_a_study_are_not_the_workers_complaints(
    shoulder: tuple[list[RecordDocument], DraftSummary],
) -> None:
    text = shoulder[1].text(with_sources=False)
    assert "stiffness" not in text  # only in "R/B/A discussed incl infection, stiffness"
    assert "weakness after lifting injury" not in text  # the MRI's clinical history
    assert "No muscle atrophy" not in text or "no atrophy and effusion" not in text
    assert "small joint effusion" in text  # the MRI's impression, as written


def test_the_author_and_specialty_come_from_the_header(
    shoulder: tuple[list[RecordDocument], DraftSummary],
) -> None:
    records = {r.filename: RecordText(r, passages(r)) for r in shoulder[0]}
    bell = provider_of(records["07-ortho-followup-2023-07-17.txt"])
    assert bell is not None and bell.describe() == "Marcus Bell, M.D. (orthopaedic surgery)"
    park = provider_of(records["05-progress-2023-06-02.txt"])
    assert park is not None and park.describe() == "Jenna Park, PA-C (orthopaedic surgery)"
    reviewer = provider_of(records["09-ur-decision-2023-07-25.txt"])
    assert reviewer is not None and reviewer.name == "Alan Ferris"  # not the requester


def test_what_the_record_does_not_settle_is_said_with_both_sources(
    shoulder: tuple[list[RecordDocument], DraftSummary],
) -> None:
    records, draft = shoulder
    by_name = {r.filename: r.document_id for r in records}
    index = draft.titles.index("What the record does not settle")
    notes = draft.paragraphs[index]
    pain = next(s for s in notes if "different pain scores" in s.text)
    assert "4/10" in pain.text and "7/10" in pain.text and "July 17, 2023" in pain.text
    cited = {s.document_id for s in pain.sources}
    assert cited >= {
        by_name["06-pt-reeval-2023-07-17.txt"],
        by_name["07-ortho-followup-2023-07-17.txt"],
    }
    copied = next(s for s in notes if "copied forward" in s.text)
    assert "March 2, 2023" in copied.text and "July 17, 2023" in copied.text
    assert {s.document_id for s in copied.sources} >= {
        by_name["04-ortho-consult-2023-03-02.txt"],
        by_name["07-ortho-followup-2023-07-17.txt"],
    }
    addendum = next(s for s in notes if s.text.startswith("An addendum"))
    assert "changes the note" in addendum.text and "not April 2, 2023" in addendum.text
    # The examination itself is still shown, marked as worded like the earlier one.
    assert any(
        s.text.startswith("Examination (worded as on March 2, 2023)") for s in draft.sentences()
    )
    # The draft ends with the request under review: the arthroscopy, as the RFA asked.
    assert draft.titles[-1] == "The request under review"
    assert "right shoulder arthroscopy" in draft.paragraphs[-1][0].text


def test_different_dates_of_injury_are_named() -> None:
    one = record_from_bytes(
        "D1", b"PROGRESS NOTE\nDate of injury: 01/05/2020\nS: Neck pain 5/10.\n"
    )
    two = record_from_bytes(
        "D2", b"PROGRESS NOTE\nDate of injury: 01/15/2020\nS: Neck pain 6/10.\n"
    )
    draft = draft_case_summary([one, two])
    assert any(
        "different dates of injury: January 5, 2020 (D1) and January 15, 2020 (D2)" in s.text
        for s in draft.sentences()
    )


def test_a_form_header_is_not_a_sentence_of_the_draft(
    shoulder: tuple[list[RecordDocument], DraftSummary],
) -> None:
    """The Doctor's First Report's header line ("DOCTOR'S FIRST REPORT OF OCCUPATIONAL
    INJURY OR ILLNESS (Form 5021)") names the form; it was once drafted as a sentence."""
    _, draft = shoulder
    texts = [s.text for s in draft.sentences()]
    assert not [t for t in texts if "OCCUPATIONAL INJURY OR ILLNESS" in t]
    assert not [t for t in texts if not t[:1].isalnum()]


def test_a_title_line_with_a_form_number_is_no_clinical_sentence() -> None:
    text = (
        "STATE OF CALIFORNIA\n"
        "REQUEST FOR AUTHORIZATION OF MEDICAL TREATMENT (DWC Form RFA)\n"
        "Harborline Occupational Health\n\n"
        "Physician: Priya Natarajan, M.D., Occupational Medicine\n"
        "Date of exam: 11/14/2022\n\n"
        "The worker lifted a heavy case and felt pain in the right shoulder.\n"
    )
    record = RecordText(record_from_bytes("D1", text.encode(), filename="01-note.txt"), [])
    record.units = passages(record.doc)
    lines = [ln.text for ln in read_encounter(record).lines]
    assert lines == ["The worker lifted a heavy case and felt pain in the right shoulder."]


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (": DOCTOR'S FIRST REPORT OF OCCUPATIONAL INJURY OR ILLNESS (Form 5021).", "punctuation"),
        ("DOCTOR'S FIRST REPORT OF OCCUPATIONAL INJURY OR ILLNESS (Form 5021).", "capitals"),
        ("Progress Report.", "title"),
        ("History: right shoulder pain 6/10.", None),
    ],
)
def test_the_scorer_counts_a_header_or_a_fragment_as_a_defect(text: str, why: str | None) -> None:
    found = fragment(text, {"progress report"})
    assert (found is None) if why is None else (found is not None and why in found)
