"""Flattening a parsed letter into corpus rows."""

from __future__ import annotations

from datetime import date

from openimr.corpus.schema import cites_evidence, iso_date, letter_rows
from tests.unit.corpus.letters import KNOWN_SET, NO_EVIDENCE, ODG, categorise


def test_letter_becomes_one_letter_row_and_one_row_per_item() -> None:
    letter_row, item_rows = letter_rows(
        KNOWN_SET[0], part_id="p1", content_hash="h1", categorise=categorise
    )
    assert letter_row["case_number"] == "CM-1"
    assert letter_row["decision_date"] == date(2016, 12, 9)
    assert letter_row["item_count"] == 2
    assert letter_row["specialties"] == ["Family Practice"]
    assert [r["item_no"] for r in item_rows] == [1, 2]
    assert [r["category"] for r in item_rows] == ["imaging/mri", "medication/opioid"]
    assert item_rows[1]["imr_guideline"][1]["source"] == "non-MTUS"
    assert all(r["part_id"] == "p1" for r in item_rows)


def test_an_item_cites_evidence_unless_every_citation_is_none() -> None:
    assert cites_evidence([ODG])
    assert cites_evidence([NO_EVIDENCE, ODG])
    assert not cites_evidence([NO_EVIDENCE])
    assert not cites_evidence([])


def test_iso_dates_parse_and_bad_ones_become_null() -> None:
    assert iso_date("2016-11-03") == date(2016, 11, 3)
    assert iso_date(None) is None
    assert iso_date("11/03/2016") is None
