"""Guideline paragraphs split into structured citations (source, guideline, edition, ...)."""

from __future__ import annotations

from openimr.letters.parse_citations import parse_guideline_paragraph, split_list


def _brief(text: str) -> list[tuple[object, ...]]:
    return [
        (c.source, c.guideline, c.edition, c.sections, c.pages, c.strength)
        for c in parse_guideline_paragraph(text)
    ]


def test_several_mtus_chapters_in_one_sentence_are_separate_citations() -> None:
    text = (
        "Decision based on MTUS Low Back Complaints 2004, Section(s): Summary, and Chronic Pain"
        " Medical Treatment 2016, Section(s): Facet blocks. Decision based on Non-MTUS Citation"
        " ACOEM Occupational Medicine Practice Guidelines, 3rd ed., Low Back Disorders, pg. 607."
    )
    assert _brief(text) == [
        ("MTUS", "Low Back Complaints", "2004", ["Summary"], [], None),
        ("MTUS", "Chronic Pain Medical Treatment", "2016", ["Facet blocks"], [], None),
        ("non-MTUS", "ACOEM", "3rd", ["Low Back Disorders"], ["607"], None),
    ]


def test_a_chapter_name_with_its_own_comma_and_is_not_split() -> None:
    text = (
        "Decision based on MTUS Neck and Upper Back Complaints 2004, Section(s): Special Studies,"
        " and Forearm, Wrist, and Hand Complaints 2004, Section(s): Special Studies, Summary."
    )
    assert [c[1] for c in _brief(text)] == [
        "Neck and Upper Back Complaints",
        "Forearm, Wrist, and Hand Complaints",
    ]
    assert _brief(text)[1][3] == ["Special Studies", "Summary"]


def test_section_names_with_a_lower_case_continuation_stay_whole() -> None:
    assert split_list("TENS, chronic pain (transcutaneous, electrical), Office visits") == [
        "TENS, chronic pain (transcutaneous, electrical)",
        "Office visits",
    ]


def test_no_evidence_form_is_source_none() -> None:
    text = "The Expert Reviewer did not cite any medical evidence for its decision."
    assert _brief(text) == [("none", None, None, [], [], None)]


def test_outside_mtus_with_a_named_source_is_non_mtus() -> None:
    text = (
        "The Claims Administrator based their decision on recommendation(s) outside of the MTUS"
        " Guidelines. Decision based on Non-MTUS Citation Official Disability Guidelines (ODG),"
        " Low Back, Lumbar & Thoracic (Acute & Chronic)."
    )
    assert _brief(text) == [
        ("non-MTUS", "ODG", None, ["Low Back", "Lumbar & Thoracic (Acute & Chronic)"], [], None)
    ]


def test_outside_mtus_without_a_named_source_is_outside_mtus() -> None:
    text = (
        "The Expert Reviewer based their decision on recommendation(s) outside of the MTUS"
        " Guidelines."
    )
    assert _brief(text)[0][0] == "outside-MTUS"


def test_the_2015_form_gives_pages_recommendation_and_strength() -> None:
    text = (
        "Decision based on MTUS ACOEM Chapter 12 Low Back Complaints Page(s): 299. Decision based"
        " on Non-MTUS Citation ACOEM Occupational Medicine Practice Guidelines, 3rd ed, Low Back"
        " Disorders, pg 560 2. Recommendation: Routine use of a device is not recommended."
        " Strength of Evidence: Not Recommended, Insufficient Evidence (I)."
    )
    citations = parse_guideline_paragraph(text)
    assert _brief(text) == [
        ("MTUS", "Low Back Complaints", None, [], ["299"], None),
        (
            "non-MTUS",
            "ACOEM",
            "3rd",
            ["Low Back Disorders"],
            ["560"],
            "Not Recommended, Insufficient Evidence (I)",
        ),
    ]
    assert "Recommendation: Routine use" in citations[1].text


def test_odg_with_a_year_gives_the_edition() -> None:
    text = "Decision based on Non-MTUS Citation ODG-TWC 2015: low back: Cold/heat packs."
    assert _brief(text) == [("non-MTUS", "ODG", "2015", ["low back", "Cold/heat packs"], [], None)]


def test_labelled_non_mtus_citation_keeps_guideline_edition_sections_pages() -> None:
    text = (
        "Decision based on Non-MTUS Citation ODG 2016, Section(s): Knee & Leg, MRI,"
        " Page(s): 12, 14. Strength of Evidence: Moderate (B)."
    )
    assert _brief(text) == [
        ("non-MTUS", "ODG", "2016", ["Knee & Leg", "MRI"], ["12", "14"], "Moderate (B)")
    ]


def test_mtus_strength_of_evidence_attaches_to_its_citation() -> None:
    text = (
        "Decision based on MTUS Opioid Treatment 2016, Section(s): 4.1 Tapering Opioids,"
        " Page(s): 78-80. Strength of Evidence: Strongly Recommended (A)."
    )
    assert _brief(text) == [
        (
            "MTUS",
            "Opioid Treatment",
            "2016",
            ["4.1 Tapering Opioids"],
            ["78-80"],
            "Strongly Recommended (A)",
        )
    ]


def test_an_unnamed_source_keeps_its_words_as_the_guideline() -> None:
    text = (
        "Decision based on Non-MTUS Citation Official Disability Guidelines (ODG) Low Back"
        " Chapter and Other Medical Treatment Guidelines www.mdguidelines.com."
    )
    assert [c[:2] for c in _brief(text)] == [
        ("non-MTUS", "ODG"),
        ("non-MTUS", "www.mdguidelines.com"),
    ]


def test_empty_paragraph_has_no_citations() -> None:
    assert parse_guideline_paragraph("  ") == []


def test_a_comma_named_mtus_section_stays_whole_in_a_section_list() -> None:
    # The letters copy CPMTG section names verbatim, commas included.
    text = (
        "Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s): NSAIDs, GI"
        " symptoms & cardiovascular risk, Opioids, criteria for use, Proton Pump Inhibitors"
        " (PPIs)."
    )
    assert _brief(text)[0][3] == [
        "NSAIDs, GI symptoms & cardiovascular risk",
        "Opioids, criteria for use",
        "Proton Pump Inhibitors (PPIs)",
    ]


def test_separate_capitalised_sections_after_a_topic_name_are_not_joined() -> None:
    assert split_list("Opioids, Muscle relaxants (for pain), NSAIDs, MRI") == [
        "Opioids",
        "Muscle relaxants (for pain)",
        "NSAIDs",
        "MRI",
    ]
