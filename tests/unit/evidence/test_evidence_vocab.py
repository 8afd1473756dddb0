"""The vocabularies: categories (docs/guidelines.md §4), body regions, case facts, drugs."""

from __future__ import annotations

from pathlib import Path

import pytest

from openimr.datafile import validate
from openimr.domain.errors import RuleDataError
from openimr.evidence.kb import validate_all
from openimr.evidence.vocab import (
    FactFile,
    category_ids,
    load_categories,
    load_drugs,
    load_facts,
    region_ids,
)


def test_every_one_of_the_48_guideline_rows_has_a_category() -> None:
    rows = {row for c in load_categories().categories for row in c.guidelines_rows}
    assert set(range(1, 49)) <= rows


def test_category_ids_use_the_group_slash_name_style_of_the_contract() -> None:
    ids = category_ids()
    assert len(ids) >= 48
    assert {"imaging/mri", "medication/opioid", "therapy/physical", "dme/hot-cold-unit"} <= ids
    assert all(c.specialties for c in load_categories().categories)


def test_enum_facts_list_their_values_and_postsurgical_keys_exist() -> None:
    facts = {f.id: f for f in load_facts().facts}
    assert facts["surgery_type"].type == "enum"
    assert "carpal-tunnel-release" in facts["surgery_type"].values
    assert facts["functional_improvement_documented"].defined_in == "8 CCR 9792.20"


def test_every_drug_maps_to_a_known_medication_category() -> None:
    ids = category_ids()
    for drug in load_drugs():
        assert drug.category in ids, drug.ingredient


def test_body_regions_include_the_spine_and_the_extremities() -> None:
    assert {
        "lumbar-spine",
        "cervical-spine",
        "shoulder",
        "knee",
        "forearm-wrist-hand",
    } <= region_ids()


def test_a_bad_vocabulary_entry_names_the_entry_and_field() -> None:
    data = {
        "version": 1,
        "written_on": "2026-01-01",
        "facts": [
            {
                "id": "red_flags",
                "type": "bool",
                "meaning": "x",
                "fails_as": "indication_not_documented",
            },
            {
                "id": "stage",
                "type": "enum",
                "meaning": "y",
                "fails_as": "indication_not_documented",
            },
        ],
    }
    with pytest.raises(RuleDataError) as err:
        validate(FactFile, data, Path("facts.yaml"))
    assert err.value.details["entry"] == "#1 'stage'"
    assert "needs `values`" in err.value.message


def test_validate_all_loads_every_shipped_data_file() -> None:
    assert validate_all().recommendations > 200
