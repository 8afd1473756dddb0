"""The reviewer registry: JSON and CSV, validated per record; credential re-verification."""

from __future__ import annotations

import json
from datetime import date

import pytest

from openimr.domain.errors import InvalidInput
from openimr.panel.registry import (
    load_registry,
    parse_registry,
    registry_to_csv,
    registry_to_json,
    reverification_schedule,
)
from openimr.rules.reviewer_policy import reviewer_policy
from tests.unit.panel.factories import AS_OF, reviewer_doc

FULL = reviewer_doc(
    "R9",
    name="Dr Nine",
    board_certifications=[{"board": "Occupational Medicine", "expires": "2030-01-01"}],
    licenses=[{"state": "CA", "expires": "2027-06-30", "number": "A123"}],
    financial_interests=["org:pharma"],
    credentials_verified_on="2025-01-15",
    disciplinary_actions=[],
    unavailable=[{"from": "2026-12-20", "to": "2026-12-31"}],
    languages=["en", "es"],
    dea={"number": "FD1234567", "expires": "2027-03-31"},
    open_cases=2,
    affiliations=["org:group-a"],
)


def test_the_contract_record_loads_and_extra_fields_are_ignored():
    reg = parse_registry({"reviewers": [reviewer_doc(favourite_colour="blue")]})
    r = reg.reviewers[0]
    assert r.reviewer_id == "R1" and r.capacity_per_week == 5
    assert r.board_certifications[0].board == "Occupational Medicine"


def test_json_export_then_import_gives_the_same_registry():
    doc = {
        "reviewers": [FULL],
        "relations": [{"source": "org:group-a", "kind": "owned_by", "target": "org:h"}],
    }
    reg = parse_registry(doc)
    again = parse_registry(json.loads(registry_to_json(reg)))
    assert again.reviewers == reg.reviewers
    assert again.relations.relations == reg.relations.relations


def test_csv_export_then_import_gives_the_same_reviewers(tmp_path):
    reg = parse_registry({"reviewers": [FULL, reviewer_doc("R2")]})
    path = tmp_path / "panel.csv"
    path.write_text(registry_to_csv(reg))
    assert load_registry(path).reviewers == reg.reviewers


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"years_active_practice": "many"}, "reviewers[0] (id 'R1').years_active_practice"),
        (
            {"licenses": [{"state": "CA", "expires": "someday"}]},
            "reviewers[0] (id 'R1').licenses.0.expires",
        ),
        ({"capacity": -1}, "reviewers[0] (id 'R1').capacity"),
        ({"specialties": []}, "reviewers[0] (id 'R1').specialties"),
        ({"hours_per_week": 200}, "reviewers[0] (id 'R1').hours_per_week"),
    ],
)
def test_a_bad_record_is_rejected_naming_record_and_field(bad, field):
    with pytest.raises(InvalidInput) as info:
        parse_registry({"reviewers": [reviewer_doc(**bad)]})
    assert info.value.details["field"] == field
    assert field in info.value.message


def test_a_record_without_an_id_is_named_by_its_index():
    doc = reviewer_doc()
    del doc["id"]
    with pytest.raises(InvalidInput, match=r"reviewers\[0\]\.id"):
        parse_registry({"reviewers": [doc]})


def test_duplicate_reviewer_ids_are_an_error():
    with pytest.raises(
        InvalidInput, match=r"reviewers\[1\] \(id 'R1'\)\.id: duplicate reviewer id"
    ):
        parse_registry({"reviewers": [reviewer_doc("R1"), reviewer_doc("R1")]})


def test_a_bad_csv_cell_names_the_row_and_field(tmp_path):
    path = tmp_path / "panel.csv"
    reg = parse_registry({"reviewers": [reviewer_doc("R1")]})
    path.write_text(registry_to_csv(reg).replace("CA:2027-06-30", "CA:never"))
    with pytest.raises(InvalidInput, match=r"licenses\.0\.expires"):
        load_registry(path)


def test_a_specialty_outside_the_vocabulary_is_kept_with_a_warning():
    reg = parse_registry({"reviewers": [reviewer_doc(specialties=["Hyperbaric Medicine"])]})
    assert reg.reviewers[0].specialties == ["Hyperbaric Medicine"]
    assert "not in the NUCC vocabulary" in reg.warnings[0]


def test_a_bad_relation_is_named():
    with pytest.raises(InvalidInput, match=r"relations\[0\]\.kind"):
        parse_registry({"reviewers": [], "relations": [{"source": "a", "target": "b"}]})


def test_the_recheck_schedule_lists_overdue_and_soon_expiring_credentials():
    reg = parse_registry(
        {
            "reviewers": [
                reviewer_doc("OLD", credentials_verified_on="2023-06-01"),
                reviewer_doc(
                    "SOON",
                    credentials_verified_on="2025-06-01",
                    licenses=[{"state": "CA", "expires": "2027-01-15"}],
                ),
                reviewer_doc("FINE", credentials_verified_on="2026-06-01"),
            ]
        }
    )
    rows = reverification_schedule(reg.reviewers, AS_OF, reviewer_policy(AS_OF), horizon_days=60)
    assert [(r.reviewer_id, r.overdue) for r in rows] == [("OLD", True), ("SOON", False)]
    assert rows[0].due == date(2026, 6, 1)


def test_a_specialty_practised_by_another_profession_is_flagged():
    reg = parse_registry({"reviewers": [reviewer_doc(specialties=["Chiropractic"])]})
    assert "practised by DC, not MD" in reg.warnings[0]
