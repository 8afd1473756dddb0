"""Every item form of the "Case Number:" layout, and the letter fields around them."""

from __future__ import annotations

from openimr.letters.parse import parse_letter_text
from tests.unit.letters.parse_samples import (
    HEADER_FIELDS,
    ITEM_MODIFIED,
    ITEM_MODIFIED_WHOLE,
    ITEM_PLAIN,
    ITEM_WRAPPED,
    header_fields,
    letter,
)


def test_header_fields_are_iso_dates_and_priority() -> None:
    parsed = parse_letter_text(letter(ITEM_PLAIN))
    assert parsed.layout == "dwc-2016"
    assert header_fields(parsed) == HEADER_FIELDS


def test_licensure_and_wrapped_specialties_are_lists() -> None:
    reviewer = parse_letter_text(letter(ITEM_PLAIN)).reviewer
    assert reviewer.licensure == ["California", "North Carolina"]
    assert reviewer.specialties == [
        "Preventive Medicine",
        "Occupational Medicine",
        "Public Health & General Preventive Medicine",
    ]


def test_summary_is_clean_paragraphs_without_the_stock_opening() -> None:
    summary = parse_letter_text(letter(ITEM_PLAIN)).clinical_case_summary
    assert summary == (
        "The injured worker is a 48 year old man who hurt his right shoulder lifting boxes. A"
        " follow-up visit noted pain with overhead reach and a positive impingement sign.\n\n"
        "He was given a sling and anti-inflammatory medication."
    )


def test_applicant_age_and_sex_come_from_the_summary() -> None:
    applicant = parse_letter_text(letter(ITEM_PLAIN)).applicant
    assert (applicant.age, applicant.sex) == (48, "male")


def test_plain_item_has_decision_citations_and_rationale() -> None:
    (item,) = parse_letter_text(letter(ITEM_PLAIN)).items
    assert item.description == "MRI of the right shoulder without contrast"
    assert item.decision == "upheld"
    assert item.original_request is None and item.authorized_portion is None
    assert [c.guideline for c in item.claims_administrator_guideline] == ["Shoulder Complaints"]
    assert item.imr_guideline[0].sections == ["Special Studies"]
    assert item.rationale == (
        "Imaging is reserved for red flags or a failure to progress. Neither was documented."
        " Therefore, the request was not medically necessary."
    )


def test_item_name_wrapping_over_two_lines_is_joined() -> None:
    items = parse_letter_text(letter(ITEM_PLAIN, ITEM_WRAPPED)).items
    assert items[1].description == (
        "Physical therapy two times a week for six weeks for the right shoulder and the"
        " cervical spine"
    )
    assert items[1].decision == "overturned"
    assert [c.source for c in items[1].claims_administrator_guideline] == ["none"]
    assert [(c.source, c.guideline) for c in items[1].imr_guideline] == [("non-MTUS", "ODG")]


def test_modified_request_gives_remaining_original_and_authorized_parts() -> None:
    (item,) = parse_letter_text(letter(ITEM_MODIFIED)).items
    assert (item.description, item.original_request, item.authorized_portion) == (
        "Acupuncture 6 sessions",
        "Acupuncture 12 sessions",
        "Acupuncture 6 sessions",
    )
    assert item.decision == "upheld"
    assert [c.source for c in item.imr_guideline] == ["none"]


def test_whole_request_left_eligible_is_the_description() -> None:
    (item,) = parse_letter_text(letter(ITEM_PLAIN, ITEM_MODIFIED_WHOLE)).items[1:]
    assert (item.description, item.original_request, item.authorized_portion) == (
        "Inpatient rehabilitation 7 days",
        "Inpatient rehabilitation 7 days",
        "Skilled nursing facility for 7 days",
    )
    assert item.decision == "overturned"


def test_more_than_twenty_items_are_all_found_in_order() -> None:
    blocks = [
        ITEM_PLAIN.replace("MRI of the right shoulder", f"Request number {n}") for n in range(23)
    ]
    items = parse_letter_text(letter(*blocks)).items
    assert [i.description for i in items] == [
        f"Request number {n} without contrast" for n in range(23)
    ]


def test_letter_without_blank_lines_still_splits_items() -> None:
    text = letter(ITEM_PLAIN, ITEM_MODIFIED, ITEM_WRAPPED)
    squeezed = "\n".join(line for line in text.split("\n") if line.strip())
    items = parse_letter_text(squeezed).items
    assert [i.description for i in items] == [
        "MRI of the right shoulder without contrast",
        "Acupuncture 6 sessions",
        "Physical therapy two times a week for six weeks for the right shoulder and the"
        " cervical spine",
    ]
    assert items[0].rationale is not None and items[0].rationale.endswith(
        "not medically necessary."
    )


def test_decision_rationale_on_the_guideline_line_is_split_off() -> None:
    block = ITEM_PLAIN.replace(
        "MAXIMUS guideline: Decision based on MTUS Shoulder Complaints 2004, Section(s):"
        " Special\nStudies.\n\nDecision rationale:",
        "MAXIMUS guideline: The Expert Reviewer did not cite any medical evidence for its"
        " decision. Decision rationale:",
    )
    (item,) = parse_letter_text(letter(block)).items
    assert [c.source for c in item.imr_guideline] == ["none"]
    assert item.rationale is not None and item.rationale.startswith("Imaging is reserved")


def test_sections_after_the_decisions_do_not_join_the_last_rationale() -> None:
    tail = (
        "DOCUMENTS REVIEWED\n1. Utilization review determination, 11/03/2016, 3 pages\n\n"
        "APPEAL RIGHTS\nA party may appeal to the WCAB within 30 days (LC 4610.6(h)).\n"
    )
    (item,) = parse_letter_text(letter(ITEM_PLAIN, tail=tail)).items
    assert item.rationale is not None and item.rationale.endswith("not medically necessary.")
    assert "DOCUMENTS" not in item.rationale


def test_page_break_inside_an_item_line_is_bridged() -> None:
    block = ITEM_MODIFIED.replace("was authorized\nby the", "was authorized\n\fby the")
    (item,) = parse_letter_text(letter(block)).items
    assert item.original_request == "Acupuncture 12 sessions"


def test_an_all_caps_line_inside_the_summary_stays_in_the_summary() -> None:
    text = letter(ITEM_PLAIN).replace(
        "He was given a sling", "MRI OF THE RIGHT SHOULDER\nwas not done. He was given a sling"
    )
    parsed = parse_letter_text(text)
    assert parsed.clinical_case_summary is not None
    assert "MRI OF THE RIGHT SHOULDER was not done. He was given a sling" in (
        parsed.clinical_case_summary
    )
    assert len(parsed.items) == 1
