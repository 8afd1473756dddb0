"""Search over published items (bm25s): ranking, exclusion of the case itself, similarity."""

from __future__ import annotations

from openimr.corpus.search import ItemIndex
from tests.unit.corpus.letters import KNOWN_SET, item, letter


def test_search_puts_the_item_that_matches_the_query_first() -> None:
    index = ItemIndex.from_letters(KNOWN_SET)
    hits = index.search("shoulder MRI", k=3)
    assert hits[0].case_number == "CM-1"
    assert hits[0].description == "MRI of the right shoulder without contrast"
    assert hits[0].decision == "upheld"
    assert hits[0].decision_date == "2016-12-09"
    assert hits[0].citations[0]["guideline"] == "Shoulder Complaints"


def test_search_never_returns_items_of_the_excluded_case() -> None:
    letters = [*KNOWN_SET, letter("CM-9", [item("MRI lumbar spine", "overturned", "red flags")])]
    index = ItemIndex.from_letters(letters)
    hits = index.search("MRI", k=10, exclude_case_number="CM-1")
    assert hits, "the other MRI item must still be found"
    assert all(hit.case_number != "CM-1" for hit in hits)
    assert hits[0].case_number == "CM-9"


def test_exclusion_still_fills_k_from_other_cases() -> None:
    letters = [
        letter("CM-A", [item("Norco tablets", "upheld", "opioid") for _ in range(5)]),
        letter("CM-B", [item("Norco refill", "overturned", "opioid")]),
        letter("CM-C", [item("Norco 5 mg", "upheld", "opioid")]),
    ]
    hits = ItemIndex.from_letters(letters).search("Norco", k=2, exclude_case_number="CM-A")
    assert {h.case_number for h in hits} == {"CM-B", "CM-C"}


def test_similarity_lies_between_zero_and_one_and_falls_with_rank() -> None:
    hits = ItemIndex.from_letters(KNOWN_SET).search("opioid Norco therapy", k=5)
    sims = [h.similarity for h in hits]
    assert all(0.0 < s <= 1.0 for s in sims)
    assert sims == sorted(sims, reverse=True)


def test_query_with_no_known_word_finds_nothing() -> None:
    assert ItemIndex.from_letters(KNOWN_SET).search("xylophone zebra") == []


def test_empty_index_answers_with_no_hits() -> None:
    index = ItemIndex.from_letters([])
    assert len(index) == 0
    assert index.search("MRI") == []


def test_letters_without_case_number_are_not_indexed() -> None:
    index = ItemIndex.from_letters([letter(None, [item("MRI knee", "upheld")])])
    assert len(index) == 0
