"""The reviewer policy is dated, cited data that may add to but never relax the contract."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from openimr.domain.errors import RuleDataError
from openimr.rules.reviewer_policy import DEFAULT_PATH, load_reviewer_policy_book, reviewer_policy


def _write(tmp_path: Path, mutate) -> Path:
    data = yaml.safe_load(DEFAULT_PATH.read_text())
    mutate(data["versions"][0]["rules"])
    path = tmp_path / "reviewer_policy.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_the_shipped_policy_holds_the_contract_thresholds_with_citations():
    policy = reviewer_policy(date(2026, 12, 1))
    rules = policy.rules
    assert rules.min_years_active_practice.value == 5
    assert rules.min_years_active_practice.comparison == "greater_than"
    assert (
        rules.min_hours_per_week.value == 24 and rules.min_hours_per_week.comparison == "at_least"
    )
    assert {"MD", "DO"} <= set(rules.board_certification.professions)
    assert "LC 139.5" in rules.valid_licence.citation


def test_no_version_in_force_before_the_policy_starts_is_an_error():
    with pytest.raises(RuleDataError, match="no reviewer policy version"):
        reviewer_policy(date(2010, 1, 1))


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda r: r["min_years_active_practice"].update(value=4), "min_years_active_practice"),
        (
            lambda r: r["min_years_active_practice"].update(comparison="at_least"),
            "min_years_active_practice",
        ),
        (lambda r: r["min_hours_per_week"].update(value=20), "min_hours_per_week"),
        (lambda r: r["valid_licence"].update(required=False), "valid_licence.required"),
        (
            lambda r: r["board_certification"].update(professions=["MD"]),
            "board_certification.professions",
        ),
    ],
)
def test_a_policy_that_relaxes_a_contract_minimum_is_refused(tmp_path, mutate, field):
    with pytest.raises(RuleDataError) as info:
        load_reviewer_policy_book(_write(tmp_path, mutate))
    assert info.value.details["field"] == field


def test_a_policy_may_be_stricter_than_the_contract(tmp_path):
    book = load_reviewer_policy_book(
        _write(tmp_path, lambda r: r["min_hours_per_week"].update(value=30))
    )
    assert book.for_date(date(2026, 12, 1)).rules.min_hours_per_week.value == 30


def test_an_unknown_key_names_the_file_and_field(tmp_path):
    path = _write(tmp_path, lambda r: r.update(min_shoe_size={"value": 9}))
    with pytest.raises(
        RuleDataError, match=r"reviewer_policy.yaml: versions.0.rules.min_shoe_size"
    ):
        load_reviewer_policy_book(path)
