"""The final determination letter: every section, in the published layout (8 CCR 9792.10.6)."""

from __future__ import annotations

import io
import json
import re
from dataclasses import replace
from pathlib import Path

import pypdf
import pytest

from openimr.domain.case import DisputedItem
from openimr.domain.citation import Citation
from openimr.domain.errors import IdentityLeak, InvalidInput, RuleDataError
from openimr.domain.vocabulary import Decision, EvidenceSource
from openimr.letters.redact import assert_absent
from openimr.letters.render import (
    SECTION_HEADERS,
    WIDTH,
    citation_sentence,
    determination_fields,
    guideline_sentences,
    render_letter_html,
    render_letter_pdf,
    render_letter_text,
)
from openimr.letters.texts import letter_text, load_letter_text
from tests.unit.letters.render_cases import (
    REVIEWER_ID,
    REVIEWER_NAME,
    seed_case,
    seed_determination,
)


@pytest.fixture(scope="module")
def seed_text() -> str:
    return render_letter_text(seed_case(), seed_determination())


@pytest.fixture(scope="module")
def seed_pdf_text() -> str:
    pdf = render_letter_pdf(seed_case(), seed_determination())
    assert pdf.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_text_letter_has_every_section_in_the_published_order(seed_text: str) -> None:
    positions = [seed_text.index(f"\n{header}\n") for header in SECTION_HEADERS]
    assert positions == sorted(positions)


def test_header_block_follows_the_current_layout_with_us_dates(seed_text: str) -> None:
    head = seed_text.splitlines()[:7]
    assert head == [
        "",
        "Case Number: CM15-0101234",
        "Date Assigned: 05/27/2015 Date of Injury: 04/08/2011",
        "Decision Date: 06/25/2015 UR Denial Date: 05/15/2015",
        "Priority: Standard Application",
        "Received:",
        "05/22/2015",
    ]


def test_credentials_name_states_and_specialties_never_the_reviewer(seed_text: str) -> None:
    assert "State(s) of Licensure: Texas, New York, California" in seed_text
    assert "Certification(s)/Specialty: Preventive Medicine, Occupational Medicine" in seed_text
    assert REVIEWER_ID not in seed_text
    assert "more than five years" in seed_text and "24 hours a week" in seed_text


def test_seed_item_line_and_its_guideline_and_rationale_lines(seed_text: str) -> None:
    assert "\nHot/Cold unit for the lumbar spine: Upheld\n" in seed_text
    flat = " ".join(seed_text.split())
    assert (
        "Claims Administrator guideline: The Claims Administrator based their decision on" in flat
    )
    assert (
        "IMR guideline: Decision based on MTUS Low Back Complaints 2004, Section(s): Physical "
        "Methods, Page(s): 299." in flat
    )
    assert "Strength of Evidence: Not Recommended, Insufficient Evidence (I)." in flat
    assert "Decision rationale: The request is not medically necessary." in flat


def test_modified_request_states_original_authorized_and_remaining_portion() -> None:
    case = replace(
        seed_case(),
        items=[DisputedItem("1", "Norco 10/325mg #35", "Norco 10/325mg #60", "Norco 10/325mg #25")],
    )
    flat = " ".join(render_letter_text(case, seed_determination()).split())
    assert (
        "Norco 10/325mg #60 was the original request. Norco 10/325mg #25 was authorized by the "
        "Claims Administrator. The remaining IMR eligible portion of the original request, "
        "Norco 10/325mg #35 is: Upheld" in flat
    )


def test_no_evidence_and_outside_mtus_use_the_published_sentences() -> None:
    assert guideline_sentences([], who="Claims Administrator") == (
        "The Claims Administrator did not cite any medical evidence for its decision."
    )
    assert guideline_sentences([Citation(EvidenceSource.NONE)], who="Expert Reviewer") == (
        "The Expert Reviewer did not cite any medical evidence for its decision."
    )
    outside = guideline_sentences(
        [Citation(EvidenceSource.OUTSIDE_MTUS), Citation(EvidenceSource.NON_MTUS, "ODG", "2016")],
        who="Expert Reviewer",
    )
    assert outside == (
        "The Expert Reviewer based their decision on recommendation(s) outside of the MTUS "
        "Guidelines. Decision based on Non-MTUS Citation ODG 2016."
    )


def test_citation_carries_sections_pages_and_strength() -> None:
    citation = Citation(
        EvidenceSource.MTUS,
        "Chronic Pain Medical Treatment",
        "2016",
        sections=("Opioids", "Topical analgesics"),
        pages=("78", "111-113"),
        strength="Moderate (B)",
    )
    assert citation_sentence(citation) == (
        "Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s): Opioids, "
        "Topical analgesics, Page(s): 78, 111-113. Strength of Evidence: Moderate (B)."
    )
    unnamed = Citation(EvidenceSource.NON_MTUS, text="www.example.org/guideline.")
    assert (
        citation_sentence(unnamed)
        == "Decision based on Non-MTUS Citation www.example.org/guideline."
    )


def test_documents_reviewed_lists_every_document_with_author_date_and_pages(seed_text: str) -> None:
    section = seed_text.split("\nDOCUMENTS REVIEWED\n")[1].split("\nAPPEAL RIGHTS\n")[0]
    flat = " ".join(section.split())
    for n, doc in enumerate(seed_case().documents, 1):
        pages = f"{doc.pages} page" + ("" if doc.pages == 1 else "s")
        date = doc.document_date.strftime("%m/%d/%Y") if doc.document_date else "undated"
        assert f"{n}. {doc.title} " in flat
        assert f"; {doc.author}; {date}; {pages}; {doc.document_id}" in flat


def test_documents_reviewed_can_be_limited_to_the_reviewers_list() -> None:
    determination = replace(seed_determination(), documents_reviewed=("doc-pr-0002",))
    text = render_letter_text(seed_case(), determination)
    assert "doc-pr-0002" in text and "doc-ur-0001" not in text


def test_appeal_rights_cite_the_statute_and_the_regulation(seed_text: str) -> None:
    appeal = " ".join(seed_text.split("\nAPPEAL RIGHTS\n")[1].split())
    assert "LC 4610.6(h)" in appeal and "8 CCR 9792.10.7(c)" in appeal
    assert "30 days" in appeal and "clear and convincing" in appeal
    # The five-working-day authorization duty is stated only when something was overturned.
    assert "five working days" not in appeal


def test_an_overturned_item_adds_the_duty_to_authorize() -> None:
    determination = seed_determination()
    overturned = replace(determination.items[0], decision=Decision.OVERTURNED)
    text = render_letter_text(seed_case(), replace(determination, items=(overturned,)))
    assert "Hot/Cold unit for the lumbar spine: Overturned" in text
    assert "five working days" in " ".join(text.split())


def test_text_lines_wrap_at_the_published_width(seed_text: str) -> None:
    long_lines = [ln for ln in seed_text.splitlines() if len(ln) > WIDTH and " " in ln.strip()]
    assert long_lines == []


def test_reviewer_name_planted_in_the_summary_is_withheld_from_every_format() -> None:
    determination = replace(
        seed_determination(),
        clinical_case_summary=f"Reviewed by {REVIEWER_NAME} ({REVIEWER_ID}) on request.",
    )
    for render in (render_letter_text, render_letter_html):
        out = render(seed_case(), determination, reviewer_identity=[REVIEWER_NAME])
        assert REVIEWER_NAME.lower() not in out.lower()
        assert REVIEWER_ID not in out


def test_assert_absent_names_the_identity_it_found() -> None:
    with pytest.raises(IdentityLeak) as caught:
        assert_absent("signed by Dr. Evangeline\nQuarterbridge", [REVIEWER_NAME])
    assert caught.value.details["identity"] == REVIEWER_NAME


def test_html_has_the_same_sections_and_escapes_free_text() -> None:
    determination = seed_determination()
    item = replace(determination.items[0], rationale="Not necessary <script>alert(1)</script>.")
    html = render_letter_html(seed_case(), replace(determination, items=(item,)))
    for header in SECTION_HEADERS:
        assert header in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "counter(pages)" in html  # page numbers in print


def test_pdf_renders_with_the_same_section_headers_and_page_numbers(seed_pdf_text: str) -> None:
    flat = " ".join(seed_pdf_text.split())
    for header in SECTION_HEADERS:
        assert header in flat
    assert "Hot/Cold unit for the lumbar spine: Upheld" in flat
    assert re.search(r"Page 1 of \d", flat)
    assert REVIEWER_ID not in flat


def test_determination_fields_follows_the_parse_contract_without_the_reviewer() -> None:
    data = determination_fields(seed_case(), seed_determination())
    text = json.dumps(data)
    assert REVIEWER_ID not in text
    assert data["decision_date"] == "2015-06-25" and data["priority"] == "standard"
    assert data["reviewer"] == {
        "licensure": ["Texas", "New York", "California"],
        "specialties": ["Preventive Medicine", "Occupational Medicine"],
    }
    (item,) = data["items"]  # type: ignore[misc]
    assert item["decision"] == "upheld"
    assert item["imr_guideline"][0]["pages"] == ["299"]
    assert len(data["documents_reviewed"]) == 3  # type: ignore[arg-type]


def test_letter_text_file_is_validated_and_names_the_bad_field(tmp_path: Path) -> None:
    assert letter_text("ca_dwc").state_name("ca") == "California"
    bad = tmp_path / "letter_text.yaml"
    bad.write_text("effective_from: 2026-01-01\nunexpected: 1\n", encoding="utf-8")
    with pytest.raises(RuleDataError) as caught:
        load_letter_text(bad)
    assert "letter_text.yaml" in caught.value.message and caught.value.details["field"]


def test_a_decision_on_an_item_the_case_does_not_have_is_a_clear_error() -> None:
    determination = seed_determination()
    stray = replace(determination.items[0], item_id="99")
    with pytest.raises(InvalidInput) as caught:
        render_letter_text(seed_case(), replace(determination, items=(stray,)))
    assert "99" in caught.value.message
