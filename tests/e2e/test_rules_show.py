"""`openimr rules show`: every rule in force with its citation and verification; the committed
pages docs/rules-<jurisdiction>.md are what the command prints today (regenerate them, never
edit them)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from openimr.cli import app
from openimr.rules.pack import jurisdictions
from tests.conftest import REPO

runner = CliRunner()


@pytest.mark.parametrize("jurisdiction", jurisdictions())
def test_the_committed_rules_page_is_current(jurisdiction: str) -> None:
    doc = REPO / "docs" / f"rules-{jurisdiction}.md"
    command = ["rules", "show", "--jurisdiction", jurisdiction, "--as-of", "2026-01-01"]
    result = runner.invoke(app, [*command, "--format", "md"])
    assert result.exit_code == 0, result.output
    assert doc.exists() and result.stdout == doc.read_text(encoding="utf-8"), (
        f"docs/rules-{jurisdiction}.md is out of date: run `scripts/rules-docs`"
    )


def book(*args: str) -> dict[str, object]:
    result = runner.invoke(app, ["rules", "show", "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_the_json_book_has_every_part_and_each_rule_its_citation_and_verification() -> None:
    data = book("--as-of", "2024-07-01")
    for part in ("clocks", "eligibility", "notices"):
        assert data[part], part
        for rule in data[part]:  # type: ignore[attr-defined]
            assert rule["citation"] and isinstance(rule["verified"], bool)
            assert rule["verified"] is False or rule["sources"]
    assert data["summary"]["verified"] < data["summary"]["rules"]  # type: ignore[index]


def rule_ids(data: dict[str, object]) -> set[str]:
    return {c["rule"] for c in data["clocks"]}  # type: ignore[attr-defined]


def test_rules_are_those_in_force_on_the_day_asked() -> None:
    old = book("--as-of", "2019-06-01")
    new = book("--as-of", "2024-06-01")
    assert "appeal/before-2020" in rule_ids(old) and "appeal" not in rule_ids(old)
    assert "appeal" in rule_ids(new) and "decision/formulary" in rule_ids(new)
    assert "decision/formulary" not in rule_ids(book("--as-of", "2017-06-01"))


def holiday_days(year: int) -> dict[str, str]:
    data = book("--year", str(year))
    return {d["date"]: d["name"] for d in data["holidays"]["days"]}  # type: ignore[index]


def test_the_holidays_of_a_year_follow_each_holidays_first_and_last_year() -> None:
    assert "2021-10-11" in holiday_days(2021) and "2021-09-24" not in holiday_days(2021)
    assert "2022-10-10" not in holiday_days(2022) and "2022-09-23" in holiday_days(2022)
    assert "2022-06-20" not in holiday_days(2022) and "2023-06-19" in holiday_days(2023)


def test_bad_arguments_are_named() -> None:
    result = runner.invoke(app, ["rules", "show", "--jurisdiction", "xx_nowhere"])
    assert result.exit_code == 2 and "unknown jurisdiction" in result.output
    result = runner.invoke(app, ["rules", "show", "--as-of", "2024-13-01"])
    assert result.exit_code == 2 and "--as-of" in result.output
    result = runner.invoke(app, ["rules", "show", "--format", "pdf"])
    assert result.exit_code == 2 and "md or json" in result.output
