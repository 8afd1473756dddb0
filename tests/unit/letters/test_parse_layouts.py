"""Each layout parses: the two older layouts through letters our writers lay out, the seed."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openimr.letters.layouts_legacy import write_maximus_2014, write_mpr_2013
from openimr.letters.model import (
    ParsedApplicant,
    ParsedCitation,
    ParsedItem,
    ParsedLetter,
    ParsedReviewer,
)
from openimr.letters.parse import detect_layout, parse_letter_file, parse_letter_text

WRITERS = {"maximus-2014": write_maximus_2014, "mpr-2013": write_mpr_2013}


def _sample_letter(n_items: int = 3) -> ParsedLetter:
    items = [
        ParsedItem(
            description="MRI of the right shoulder without contrast",
            decision="upheld",
            claims_administrator_guideline=[
                ParsedCitation(source="MTUS", guideline="Shoulder Complaints", edition="2004")
            ],
            imr_guideline=[
                ParsedCitation(
                    source="MTUS",
                    guideline="Shoulder Complaints",
                    edition="2004",
                    sections=["Special Studies"],
                    pages=["207", "208"],
                ),
                ParsedCitation(
                    source="non-MTUS",
                    guideline="ODG",
                    edition="2015",
                    sections=["Shoulder", "MRI"],
                    strength="Moderate (B)",
                ),
            ],
            strength_of_evidence="Moderate (B)",
            rationale="No red flags were documented at the follow-up visit. The request is not"
            " medically necessary.",
        ),
        ParsedItem(
            description="Acupuncture 6 sessions",
            original_request="Acupuncture 12 sessions",
            authorized_portion="Acupuncture 6 sessions",
            decision="overturned",
            claims_administrator_guideline=[ParsedCitation(source="none")],
            imr_guideline=[ParsedCitation(source="outside-MTUS")],
            rationale="Six more sessions are reasonable given the documented gains.",
        ),
        ParsedItem(
            description="Home exercise kit for the low back and right shoulder, purchase",
            decision="upheld",
            claims_administrator_guideline=[ParsedCitation(source="none")],
            imr_guideline=[ParsedCitation(source="none")],
            rationale="No evidence was cited and none supports the kit.",
        ),
    ]
    return ParsedLetter(
        case_number="CM14-0012345",
        date_assigned="2014-03-03",
        date_of_injury="2012-05-01",
        decision_date="2014-04-01",
        ur_denial_date="2014-02-10",
        application_received="2014-02-20",
        priority="standard",
        reviewer=ParsedReviewer(
            licensure=["California", "Texas"], specialties=["Orthopedic Surgery", "Sports Medicine"]
        ),
        applicant=ParsedApplicant(age=52, sex="female"),
        clinical_case_summary=(
            "The applicant is a 52-year-old female warehouse worker with right shoulder pain after"
            " a fall.\n\nShe had six sessions of well-tolerated acupuncture with self-reported"
            " gains, and a follow-up visit noted painful overhead reach."
        ),
        items=(items * 8)[:n_items],
    )


def _comparable(letter: ParsedLetter) -> dict[str, object]:
    data = letter.model_dump(exclude={"path", "layout", "warnings"})
    for item in data["items"]:
        for key in ("claims_administrator_guideline", "imr_guideline"):
            for citation in item[key]:
                citation.pop("text")
    return data


@pytest.mark.parametrize("layout", sorted(WRITERS))
def test_legacy_layout_letter_parses_back_to_the_same_fields(layout: str) -> None:
    source = _sample_letter()
    text = WRITERS[layout](source, documents=["UR determination 02/10/2014", "PR-2 01/15/2014"])
    parsed = parse_letter_text(text)
    assert parsed.layout == layout
    assert parsed.warnings == []
    assert _comparable(parsed) == _comparable(source)


@pytest.mark.parametrize("layout", sorted(WRITERS))
def test_legacy_layout_over_several_pages_drops_headers_and_page_numbers(layout: str) -> None:
    source = _sample_letter(n_items=22)
    text = WRITERS[layout](source)
    assert text.count("\f") >= 2
    parsed = parse_letter_text(text)
    assert len(parsed.items) == 22
    assert all("Page " not in (item.rationale or "") for item in parsed.items)
    assert _comparable(parsed) == _comparable(source)


_words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=9)
_phrase = st.lists(_words, min_size=1, max_size=12).map(lambda ws: " ".join(ws).capitalize())


@st.composite
def _items(draw: st.DrawFn) -> ParsedItem:
    modified = draw(st.booleans())
    citation = st.builds(
        ParsedCitation,
        source=st.sampled_from(["MTUS", "non-MTUS"]),
        guideline=st.sampled_from(["Chronic Pain Medical Treatment", "Low Back Complaints", "ODG"]),
        edition=st.sampled_from(["2004", "2016"]),
        sections=st.lists(_phrase, max_size=3),
        pages=st.lists(st.integers(1, 900).map(str), max_size=2),
    )
    return ParsedItem(
        description=draw(_phrase),
        original_request=draw(_phrase) if modified else None,
        authorized_portion=draw(_phrase) if modified else None,
        decision=draw(st.sampled_from(["upheld", "overturned"])),
        claims_administrator_guideline=draw(st.lists(citation, min_size=1, max_size=2)),
        imr_guideline=draw(st.lists(citation, min_size=1, max_size=3)),
        rationale=draw(
            st.lists(_phrase, min_size=1, max_size=6).map(lambda ps: ". ".join(ps) + ".")
        ),
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=st.lists(_items(), min_size=1, max_size=6), layout=st.sampled_from(sorted(WRITERS)))
def test_generated_letters_round_trip_through_legacy_layouts(
    items: list[ParsedItem], layout: str
) -> None:
    source = _sample_letter()
    source.items = items
    parsed = parse_letter_text(WRITERS[layout](source))
    assert _comparable(parsed)["items"] == _comparable(source)["items"]


def test_layout_detection_by_opening_lines() -> None:
    assert (
        detect_layout("MAXIMUS FEDERAL SERVICES, INC.\nIndependent Medical Review")
        == "maximus-2014"
    )
    assert detect_layout("\nMEDICAL PROFESSIONAL REVIEW\n") == "mpr-2013"
    assert detect_layout(" \nCase Number: CM16-0000001\n") == "dwc-2016"
    assert detect_layout("Dear Sir, thank you for your order.") is None


def test_seed_letter_is_the_2015_variant_with_strength_of_evidence(seed_letter: Path) -> None:
    parsed = parse_letter_file(seed_letter)
    assert parsed.layout == "dwc-2015"
    assert parsed.reviewer.licensure == ["Texas", "New York", "California"]
    assert parsed.reviewer.specialties == ["Preventive Medicine", "Occupational Medicine"]
    assert parsed.applicant.age == 54
    assert parsed.clinical_case_summary is not None
    assert parsed.clinical_case_summary.startswith("The applicant is a represented 54-year-old")
    (item,) = parsed.items
    assert (item.description, item.decision) == ("Hot/Cold unit for the lumbar spine", "upheld")
    assert item.strength_of_evidence == "Not Recommended, Insufficient Evidence (I)"
    assert [(c.source, c.guideline, c.edition) for c in item.imr_guideline] == [
        ("MTUS", "Low Back Complaints", None),
        ("non-MTUS", "ACOEM", "3rd"),
    ]
    assert item.imr_guideline[0].pages == ["299"]
    assert [(c.source, c.guideline, c.edition) for c in item.claims_administrator_guideline] == [
        ("non-MTUS", "ODG", "2015")
    ]
    assert item.rationale is not None and item.rationale.endswith("not medically necessary.")
    # The seed's public copy has no header block: the parse says so instead of guessing.
    assert parsed.case_number is None
    assert "no case number found" in parsed.warnings
