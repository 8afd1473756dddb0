"""`openimr kb lint | show | match`: the command-line contract of the knowledge base."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from openimr.cli import app

runner = CliRunner()


def test_kb_lint_passes_on_the_shipped_kb_and_reports_coverage() -> None:
    result = runner.invoke(app, ["kb", "lint", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["categories_without_entries"] == []
    assert report["guideline_rows_missing"] == []
    assert report["recommendations"] > 200


def test_kb_lint_fails_naming_file_entry_and_field(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(
        "version: 1\nwritten_on: 2026-01-01\nrecommendations:\n"
        "  - {id: r1, doc: nowhere, category: imaging/mri, direction: for, strength: 1,\n"
        "     certainty: 1,\n"
        "     paraphrase: Our own short paraphrase here.}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["kb", "lint", "--dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "bad.yaml" in result.stderr and "'r1'" in result.stderr and "'doc'" in result.stderr
    assert "Traceback" not in result.output


def test_kb_show_lists_the_category_entries() -> None:
    result = runner.invoke(app, ["kb", "show", "dme/hot-cold-unit", "--date", "2016-11-01"])
    assert result.exit_code == 0, result.output
    assert "Low Back Complaints 2004" in result.stdout and "p. 299" in result.stdout


def test_kb_show_unknown_category_is_a_clear_error() -> None:
    result = runner.invoke(app, ["kb", "show", "imaging/xyz"])
    assert result.exit_code == 2
    assert "unknown category 'imaging/xyz'" in result.stderr


def test_kb_match_prints_the_item_and_ranked_recommendations() -> None:
    result = runner.invoke(
        app, ["kb", "match", "Hot/Cold unit for the lumbar spine", "--date", "2016-11-03"]
    )
    assert result.exit_code == 0, result.output
    assert "category: dme/hot-cold-unit" in result.stdout
    assert "1. [MTUS] Low Back Complaints 2004" in result.stdout
    assert "proposal: not_certify" in result.stdout


def test_kb_match_json_with_facts_file(tmp_path: Path) -> None:
    facts = tmp_path / "facts.json"
    facts.write_text(
        json.dumps({"chronic_pain": True, "prior_visits_completed": 0}), encoding="utf-8"
    )
    result = runner.invoke(
        app,
        [
            "kb",
            "match",
            "Physical therapy 2x6 lumbar spine",
            "--date",
            "2016-12-01",
            "--facts",
            str(facts),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["item"]["visits"] == 12
    assert data["proposal"] == "modify"
    assert data["recommendations"][0]["guideline"] == "Chronic Pain Medical Treatment"


def test_kb_match_bad_date_and_bad_facts_are_clear_errors(tmp_path: Path) -> None:
    result = runner.invoke(app, ["kb", "match", "TENS unit", "--date", "12/01/2016"])
    assert result.exit_code == 2 and "--date" in result.stderr
    bad = tmp_path / "facts.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    result = runner.invoke(app, ["kb", "match", "TENS unit", "--facts", str(bad)])
    assert result.exit_code == 2 and "JSON object" in result.stderr


def test_kb_match_with_a_summary_file(tmp_path: Path) -> None:
    summary = tmp_path / "summary.txt"
    summary.write_text(
        "The applicant is a 50-year-old male with chronic low back pain since an industrial "
        "injury of January 5, 2014. He reported no functional improvement with prior "
        "physical therapy.",
        encoding="utf-8",
    )
    result = runner.invoke(
        app,
        [
            "kb",
            "match",
            "Physical therapy 2x6 lumbar spine",
            "--date",
            "2016-12-01",
            "--summary",
            str(summary),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "facts given: 0" not in result.stdout
