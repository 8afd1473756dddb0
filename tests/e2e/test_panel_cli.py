"""`openimr panel assign|import|recheck` through the command line (docs/product.md contract)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from openimr.cli import app
from tests.unit.panel.factories import case_doc, reviewer_doc

runner = CliRunner()

# The two documents of docs/product.md, verbatim in substance.
REVIEWERS = {
    "reviewers": [
        {
            "id": "R1",
            "profession": "MD",
            "specialties": ["Occupational Medicine"],
            "board_certifications": ["Occupational Medicine"],
            "licenses": [{"state": "CA", "expires": "2027-06-30"}],
            "years_active_practice": 12,
            "hours_per_week": 30,
            "capacity": 5,
            "affiliations": ["org:acme-insurance", "person:dr-lee"],
        }
    ]
}
CASES = {
    "as_of": "2026-12-01",
    "cases": [
        {
            "id": "C1",
            "priority": "standard",
            "due": "2026-12-31",
            "condition": "chronic low back pain",
            "items": [{"description": "Hot/cold unit, lumbar"}],
            "specialties": ["Occupational Medicine", "Physical Medicine & Rehabilitation"],
            "parties": ["org:employer-x", "org:acme-insurance", "person:dr-jones"],
            "excluded_reviewers": [],
        }
    ],
}


def write(tmp_path: Path, name: str, data: Any) -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def assign(tmp_path: Path, reviewers: Any, cases: Any, *extra: str):
    r = write(tmp_path, "R.json", reviewers)
    c = write(tmp_path, "C.json", cases)
    return runner.invoke(app, ["panel", "assign", "--reviewers", str(r), "--cases", str(c), *extra])


def test_the_product_example_conflicted_reviewer_is_not_assigned(tmp_path):
    result = assign(tmp_path, REVIEWERS, CASES)
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["assignments"][0]["reviewer_id"] is None
    assert out["assignments"][0]["reasons"][0].startswith("no qualified, conflict-free reviewer")
    assert out["summary"]["cases"] == 1 and out["summary"]["unassigned"] == 1


def test_assign_output_has_the_contract_fields(tmp_path):
    cases = {"as_of": "2026-12-01", "cases": [case_doc("C1", parties=["org:employer-x"])]}
    out = json.loads(assign(tmp_path, REVIEWERS, cases).stdout)
    a = out["assignments"][0]
    assert a["case_id"] == "C1" and a["reviewer_id"] == "R1"
    assert a["specialty"] == "Occupational Medicine" and 0 < a["fit"] <= 1 and a["reasons"]
    assert out["summary"] == out["summary"] | {"cases": 1, "assigned": 1, "unassigned": 0}


def test_explain_adds_every_exclusion_of_the_case(tmp_path):
    result = assign(tmp_path, REVIEWERS, CASES, "--explain", "C1")
    explain = json.loads(result.stdout)["explain"]
    assert explain["case_id"] == "C1"
    assert explain["excluded"][0]["reviewer_id"] == "R1"
    assert "org:acme-insurance" in explain["excluded"][0]["reasons"][0]


def test_explain_of_an_unknown_case_is_invalid_input(tmp_path):
    result = assign(tmp_path, REVIEWERS, CASES, "--explain", "NOPE")
    assert result.exit_code == 2 and "NOPE" in result.stderr


@pytest.mark.parametrize(
    ("reviewers", "cases", "words"),
    [
        (
            {"reviewers": [reviewer_doc(hours_per_week="lots")]},
            CASES,
            "reviewers[0] (id 'R1').hours_per_week",
        ),
        ({"reviewers": [reviewer_doc(), reviewer_doc()]}, CASES, "duplicate reviewer id 'R1'"),
        (
            REVIEWERS,
            {"as_of": "2026-12-01", "cases": [case_doc("C1"), case_doc("C1")]},
            "duplicate case id 'C1'",
        ),
        (
            REVIEWERS,
            {"as_of": "2026-12-01", "cases": [case_doc(priority="urgent")]},
            "cases[0] (id 'C1').priority",
        ),
        (
            REVIEWERS,
            {"as_of": "2026-12-01", "cases": [case_doc(due="soon")]},
            "cases[0] (id 'C1').due",
        ),
        (REVIEWERS, {"cases": []}, "as_of"),
        (REVIEWERS, "{not json", "not valid JSON"),
        ("[1, 2", CASES, "not valid JSON"),
    ],
)
def test_invalid_input_exits_2_naming_record_and_field(tmp_path, reviewers, cases, words):
    result = assign(tmp_path, reviewers, cases)
    assert result.exit_code == 2
    assert words in result.stderr
    assert "Traceback" not in result.output


def test_an_empty_panel_gives_every_case_unassigned_no_reviewers(tmp_path):
    cases = {"as_of": "2026-12-01", "cases": [case_doc("C1"), case_doc("C2")]}
    out = json.loads(assign(tmp_path, {"reviewers": []}, cases).stdout)
    assert [a["reviewer_id"] for a in out["assignments"]] == [None, None]
    assert all("unassigned: no reviewers" in a["reasons"][0] for a in out["assignments"])


def test_a_csv_registry_works_for_assign_and_round_trips(tmp_path):
    r = write(tmp_path, "R.json", {"reviewers": [reviewer_doc("R1"), reviewer_doc("R2")]})
    as_csv = runner.invoke(app, ["panel", "import", str(r), "--to", "csv"])
    assert as_csv.exit_code == 0, as_csv.output
    csv_path = write(tmp_path, "R.csv", as_csv.stdout)
    c = write(tmp_path, "C.json", {"as_of": "2026-12-01", "cases": [case_doc("C1", parties=[])]})
    result = runner.invoke(
        app, ["panel", "assign", "--reviewers", str(csv_path), "--cases", str(c)]
    )
    assert json.loads(result.stdout)["summary"]["assigned"] == 1
    back = runner.invoke(app, ["panel", "import", str(csv_path)])
    assert [x["id"] for x in json.loads(back.stdout)["reviewers"]] == ["R1", "R2"]


def test_recheck_lists_credentials_due(tmp_path):
    r = write(
        tmp_path,
        "R.json",
        {"reviewers": [reviewer_doc("R1", credentials_verified_on="2023-01-01")]},
    )
    result = runner.invoke(app, ["panel", "recheck", str(r), "--as-of", "2026-12-01"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["rechecks"]
    assert rows[0]["reviewer_id"] == "R1" and rows[0]["overdue"] is True


def test_schema_prints_the_record_schemas():
    result = runner.invoke(app, ["panel", "schema"])
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert "years_active_practice" in doc["reviewer"]["properties"]
    assert "excluded_reviewers" in doc["case"]["properties"]
