"""`openimr corpus ingest|stats|report|search` through the command line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from openimr.cli import app

runner = CliRunner()


@pytest.fixture
def letters(dwc_text_dir: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for path in sorted(dwc_text_dir.glob("*.txt"))[:3]:
        shutil.copy(path, folder / path.name)
    return folder


def test_ingest_then_stats_report_and_search(letters: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    result = runner.invoke(app, ["corpus", "ingest", str(letters), "--store", str(store), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["stored"], summary["failed"]) == (3, 0)

    result = runner.invoke(app, ["corpus", "stats", "--store", str(store), "--json"])
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)
    assert stats["letters"] == 3
    assert stats["items"] == stats["overall"]["upheld"] + stats["overall"]["overturned"]

    text = runner.invoke(app, ["corpus", "stats", "--store", str(store)])
    assert "service category" in text.stdout and "reviewer specialty" in text.stdout

    out = tmp_path / "report.html"
    result = runner.invoke(app, ["corpus", "report", "--store", str(store), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "<img" in out.read_text()

    result = runner.invoke(
        app, ["corpus", "search", "--store", str(store), "facet joint injections", "--k", "2"]
    )
    assert result.exit_code == 0, result.output
    hits = [json.loads(line) for line in result.stdout.splitlines()]
    assert hits[0]["case_number"] == "CM16-0219557"
    assert hits[0]["decision"] == "upheld"
    assert {"similarity", "citations", "decision_date", "description"} <= set(hits[0])

    excluded = runner.invoke(
        app,
        [
            "corpus",
            "search",
            "--store",
            str(store),
            "facet joint injections",
            "--exclude-case",
            "CM16-0219557",
        ],
    )
    assert "CM16-0219557" not in excluded.stdout


def test_ingest_names_each_bad_file_and_exits_1(letters: Path, tmp_path: Path) -> None:
    (letters / "empty.txt").write_text("")
    result = runner.invoke(
        app, ["corpus", "ingest", str(letters), "--store", str(tmp_path / "s"), "--no-progress"]
    )
    assert result.exit_code == 1
    assert "error: " in result.stderr and "empty.txt" in result.stderr
    assert "3 stored" in result.stdout


def test_stats_on_a_missing_store_is_a_clear_error_not_a_traceback(tmp_path: Path) -> None:
    result = runner.invoke(app, ["corpus", "stats", "--store", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "no corpus store at" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("number", ["../CM16-0219557", "CM16-02", "<b>x</b>"])
def test_search_refuses_a_malformed_case_number_before_opening_the_store(
    tmp_path: Path, number: str
) -> None:
    result = runner.invoke(
        app, ["corpus", "search", "x", "--store", str(tmp_path / "none"), "--exclude-case", number]
    )
    assert result.exit_code == 2
    assert "--exclude-case" in result.stderr and "is not a case number" in result.stderr
