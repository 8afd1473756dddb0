"""The knowledge base: validated on load; a bad file names its file, entry and field."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from openimr.domain.errors import RuleDataError
from openimr.evidence.kb import lint, load_kb, mtus_era

DOCS = """
version: 1
written_on: 2026-01-01
docs:
  - {id: m, source: MTUS, step: mtus, guideline: Low Back Complaints, publisher: ACOEM,
     editions: [{edition: "2004", effective_from: 2007-06-15}], effective_to: 2017-11-30}
"""

GOOD_REC = """
version: 1
written_on: 2026-01-01
recommendations:
  - id: r1
    doc: m
    category: imaging/mri
    direction: for
    strength: 1
    certainty: 2
    paraphrase: A paraphrase written in our own words.
"""


def _kb_dir(tmp_path: Path, recs: str) -> Path:
    (tmp_path / "docs.yaml").write_text(DOCS, encoding="utf-8")
    (tmp_path / "recs.yaml").write_text(recs, encoding="utf-8")
    return tmp_path


def test_the_shipped_kb_loads_and_covers_every_category() -> None:
    report = lint(load_kb())
    assert report.recommendations > 200
    assert not report.categories_without_entries
    assert report.guideline_rows_missing == ()
    assert 0 < report.verified_share < 1  # most entries stay unverified until checked


def test_a_minimal_valid_kb_loads(tmp_path: Path) -> None:
    kb = load_kb(_kb_dir(tmp_path, GOOD_REC))
    assert [r.id for r in kb.for_category("imaging/mri")] == ["r1"]


def test_an_extra_field_names_file_entry_and_field(tmp_path: Path) -> None:
    bad = GOOD_REC.replace("certainty: 2", "certainty: 2\n    colour: blue")
    with pytest.raises(RuleDataError) as err:
        load_kb(_kb_dir(tmp_path, bad))
    assert err.value.details["file"].endswith("recs.yaml")
    assert err.value.details["entry"] == "#0 'r1'"
    assert err.value.details["field"] == "recommendations.0.colour"


def test_a_strength_out_of_range_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(RuleDataError, match="recommendations.0.strength"):
        load_kb(_kb_dir(tmp_path, GOOD_REC.replace("strength: 1", "strength: 5")))


def test_direction_and_strength_sign_must_agree(tmp_path: Path) -> None:
    with pytest.raises(RuleDataError, match="positive strength"):
        load_kb(_kb_dir(tmp_path, GOOD_REC.replace("strength: 1", "strength: -1")))


def test_unknown_document_category_and_fact_are_named(tmp_path: Path) -> None:
    with pytest.raises(RuleDataError, match="field 'doc': unknown guideline document 'nope'"):
        load_kb(_kb_dir(tmp_path, GOOD_REC.replace("doc: m", "doc: nope")))
    with pytest.raises(RuleDataError, match="unknown category 'imaging/xyz'"):
        load_kb(_kb_dir(tmp_path, GOOD_REC.replace("imaging/mri", "imaging/xyz")))
    with_fact = GOOD_REC + "    criteria: {label: x, fact: not_a_fact}\n"
    with pytest.raises(RuleDataError, match="unknown fact 'not_a_fact'"):
        load_kb(_kb_dir(tmp_path, with_fact))


def test_a_criterion_must_have_exactly_one_shape(tmp_path: Path) -> None:
    two = (
        GOOD_REC + "    criteria: {label: x, fact: red_flags, all: [{label: y, fact: red_flags}]}\n"
    )
    with pytest.raises(RuleDataError, match="exactly one of"):
        load_kb(_kb_dir(tmp_path, two))
    too_many = (
        GOOD_REC + "    criteria: {label: x, at_least: 2, of: [{label: y, fact: red_flags}]}\n"
    )
    with pytest.raises(RuleDataError, match="at_least"):
        load_kb(_kb_dir(tmp_path, too_many))


def test_invalid_yaml_names_the_file_and_line(tmp_path: Path) -> None:
    with pytest.raises(RuleDataError, match=r"recs.yaml line \d+: invalid YAML"):
        load_kb(_kb_dir(tmp_path, GOOD_REC + "  - id: [unclosed\n"))


def test_duplicate_recommendation_ids_are_rejected(tmp_path: Path) -> None:
    _kb_dir(tmp_path, GOOD_REC)
    (tmp_path / "more.yaml").write_text(GOOD_REC, encoding="utf-8")
    with pytest.raises(RuleDataError, match="duplicate recommendation id"):
        load_kb(tmp_path)


def test_an_empty_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RuleDataError, match="no knowledge-base files"):
        load_kb(tmp_path)


@pytest.mark.parametrize(
    ("day", "era"),
    [
        (date(2008, 1, 1), "A"),
        (date(2009, 7, 18), "B"),
        (date(2017, 11, 30), "B"),
        (date(2017, 12, 1), "C"),
        (date(2000, 1, 1), None),
    ],
)
def test_mtus_era_boundaries(day: date, era: str | None) -> None:
    assert mtus_era(day) == era


def test_cpmtg_edition_follows_the_date() -> None:
    doc = load_kb().docs["mtus-cpmtg"]
    assert doc.edition_on(date(2012, 5, 1)) == "2009"
    assert doc.edition_on(date(2016, 12, 1)) == "2016"
    assert not doc.in_force(date(2018, 1, 1))
