"""Text clean-up: page furniture, hyphenation, wrapping, section headers."""

from __future__ import annotations

import time

from openimr.letters.parse_text import (
    document_vocabulary,
    is_section_header,
    join_lines,
    looks_like_content,
    normalise,
    paragraphs,
    remove_furniture,
)


def test_page_number_lines_are_removed_anywhere() -> None:
    lines = ["First line.", "Page 1 of 3", "Second line.", "- 2 -"]
    assert remove_furniture(lines) == ["First line.", "Second line."]


def test_bare_numbers_are_furniture_only_at_a_page_edge() -> None:
    text = "Summary text\n12\n\fContinued\nfor a total of\n12\nsessions.\nmore text\nend"
    lines = remove_furniture(text.split("\n"))
    assert lines[0] == "Summary text"
    assert "Continued" in lines
    assert lines.count("12") == 1  # the mid-page number stays: it is content


def test_running_header_repeated_on_three_pages_is_removed() -> None:
    pages = [
        "ACME REVIEW SERVICES\nbody one.\nPage 1 of 3",
        "ACME REVIEW SERVICES\nbody two.\nPage 2 of 3",
        "ACME REVIEW SERVICES\nbody three.\nPage 3 of 3",
    ]
    lines = remove_furniture("\n\f".join(pages).split("\n"))
    assert lines == ["body one.", "body two.", "body three."]


def test_the_same_label_opening_two_pages_is_not_taken_for_a_header() -> None:
    label = "Claims Administrator guideline: Decision based on MTUS Low Back Complaints 2004."
    pages = [f"{label}\nfirst.", f"{label}\nsecond."]
    lines = remove_furniture("\n\f".join(pages).split("\n"))
    assert lines.count(label) == 2


def test_a_later_page_line_repeating_the_case_number_is_a_running_header() -> None:
    text = "Case Number: CM13-0000001\nbody\f\nIMR Case Number CM13-0000001\n\nmore body"
    lines = remove_furniture(text.split("\n"), case_number="CM13-0000001")
    assert lines == ["Case Number: CM13-0000001", "body", "more body"]


def test_line_end_hyphen_keeps_the_hyphen_of_a_compound_word() -> None:
    assert join_lines(["a follow-", "up visit"]) == "a follow-up visit"
    assert join_lines(["Non-", "MTUS Citation"]) == "Non-MTUS Citation"


def test_line_end_hyphen_is_dropped_when_the_document_spells_the_word_whole() -> None:
    vocabulary = document_vocabulary("the guidelines say; the guide-\nlines")
    assert join_lines(["per the guide-", "lines"], vocabulary) == "per the guidelines"


def test_a_free_standing_dash_at_line_end_keeps_its_space() -> None:
    assert join_lines(["Low Back -", "Lumbar"]) == "Low Back - Lumbar"


def test_blank_line_mid_sentence_is_a_page_break_not_a_paragraph() -> None:
    lines = ["The applicant was placed off", "", "work. A new sentence.", "", "Second paragraph."]
    assert paragraphs(lines) == [
        "The applicant was placed off work. A new sentence.",
        "Second paragraph.",
    ]


def test_section_header_is_an_all_caps_line_of_two_words() -> None:
    assert is_section_header("CLINICAL CASE SUMMARY ")
    assert is_section_header("IMR DECISION(S) AND RATIONALE(S)")
    assert not is_section_header("MRI")
    assert not is_section_header("Decision rationale: NO")


def test_normalise_unifies_newlines_and_strips_line_ends() -> None:
    assert normalise("a \r\nb\u00a0c  \rd") == "a\nb c\nd"


def test_a_two_page_running_title_and_case_footer_are_removed() -> None:
    pages = [
        "Final Determination\nCase Number: CM15-0000009\nfirst page text ends mid\n"
        "IMR case CM15-0000009\nPage 1 of 2",
        "Final Determination\nsentence on the second page.\nIMR case CM15-0000009\nPage 2 of 2",
    ]
    lines = remove_furniture("\n\f".join(pages).split("\n"), case_number="CM15-0000009")
    assert lines == [
        "Case Number: CM15-0000009",
        "first page text ends mid",
        "sentence on the second page.",
    ]


def test_a_guideline_line_opening_every_page_is_content_not_a_running_header() -> None:
    label = "Claims Administrator guideline: The Claims Administrator did not cite any medical"
    pages = [f"{label}\nevidence for its decision.\nbody {n}." for n in range(3)]
    lines = remove_furniture("\n\f".join(pages).split("\n"))
    assert lines.count(label) == 3


def test_a_stock_sentence_ending_most_pages_is_content_not_a_running_footer() -> None:
    closing = "Therefore, the request was not medically necessary per the guidelines."
    pages = [f"Rationale {n} begins here.\n{closing}" for n in range(3)] + ["last page."]
    lines = remove_furniture("\n\f".join(pages).split("\n"))
    assert lines.count(closing) == 3


def test_section_titles_and_item_lines_are_never_furniture() -> None:
    assert looks_like_content("IMR ISSUES, DECISIONS AND RATIONALES")
    assert looks_like_content("(purchase) home visit: Upheld")
    assert looks_like_content("Decision rationale: The request is not necessary.")
    assert not looks_like_content("ACME REVIEW SERVICES")


def test_a_case_number_and_page_footer_is_removed_but_prose_about_pages_stays() -> None:
    text = (
        "Case Number: CM16-0000101\nfirst page ends\nCM16-0000101    Page 1 of 2\n\f"
        "as noted on page 3 of 5 of the report.\nIMR Case CM16-0000101 Page 2 of 2"
    )
    lines = remove_furniture(text.split("\n"), case_number="CM16-0000101")
    assert lines == [
        "Case Number: CM16-0000101",
        "first page ends",
        "as noted on page 3 of 5 of the report.",
    ]


def test_a_page_break_made_of_blank_lines_loses_its_footer_lines() -> None:
    text = "Case Number: CM16-0000101\nthe applicant was\n\n \nCM16-0000101\nPage 1 of 2\n\nseen."
    lines = remove_furniture(text.split("\n"), case_number="CM16-0000101")
    assert [ln for ln in lines if ln.strip()] == [
        "Case Number: CM16-0000101",
        "the applicant was",
        "seen.",
    ]


def test_a_running_title_on_the_second_of_two_pages_is_removed() -> None:
    text = "first page text\n\fIndependent Medical Review Final Determination Letter\nmore text"
    assert remove_furniture(text.split("\n")) == ["first page text", "more text"]


def test_normalise_turns_runs_of_spaces_and_tabs_into_one_space() -> None:
    assert normalise("Date  Assigned:\t 11/18/2016   ") == "Date Assigned: 11/18/2016"


def test_a_long_title_case_line_at_a_page_edge_is_checked_in_linear_time() -> None:
    # A nested-quantifier pattern for running titles once took seconds on such lines.
    line = "MAXIMUS FEDERAL SERVICES INCORPORATED CALIFORNIA DIVISION x"
    start = time.perf_counter()
    remove_furniture(f"{line}\nbody.\n\f{line}\nbody two.".split("\n"))
    assert time.perf_counter() - start < 0.5
