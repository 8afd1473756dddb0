"""DMHC health-plan decisions as the corpus's second source: ingest, replace, stats, compact."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from openimr.cli import app
from openimr.corpus.dmhc import read_dmhc
from openimr.corpus.stats import compute_stats, wilson_interval
from openimr.corpus.store import CorpusStore

runner = CliRunner()

HEADER = (
    "Reference ID,Report Year,Diagnosis Category,Diagnosis Sub Category,Treatment Category,"
    "Treatment Sub Category,Determination,Type,Age Range,Patient Gender"
)
OVER = "Overturned Decision of Health Plan"
UP = "Upheld Decision of Health Plan"
MN = "Medical Necessity"
EI = "Experimental/Investigational"


def _csv(path: Path, rows: list[str]) -> Path:
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _rows() -> list[str]:
    return [
        f"MN15-1,2015,Mental,Depression,Mental Health Treatment,Other,{OVER},{MN},21-30,Female",
        f"MN15-2,2015,Mental,,Mental Health Treatment,Other,{UP},{MN},11_20,Male",
        f"EI16-3,2016,Cancer,Breast Cancer,Cancer Treatment,Chemotherapy,{UP},{EI},51-64,Female",
        f"UR16-4,2016,Cardiac/Circulatory,,General Surgery,,{OVER},Urgent Care,,",
    ]  # fmt: skip


def test_a_bad_row_names_its_line_and_column_and_the_rest_are_read(tmp_path: Path) -> None:
    rows = _rows() + [
        "MN16-5,2016,Mental,,Mental Health Treatment,,Partly Overturned,Medical Necessity,,",
        f"MN14-6,2016,Mental,,Mental Health Treatment,,{UP},{MN},,",
        f"MN15-1,2015,Mental,,Mental Health Treatment,,{UP},{MN},,",
        "too,few,columns",
    ]
    read = read_dmhc(_csv(tmp_path / "d.csv", rows))
    assert [d.reference_id for _, d in read.decisions] == ["MN15-1", "MN15-2", "EI16-3", "UR16-4"]
    messages = {e.line: e.message for e in read.errors}
    assert "column Determination" in messages[6]
    assert "column Report Year" in messages[7]
    assert "repeats line 2" in messages[8]
    assert "3 columns" in messages[9]
    second = read.decisions[1][1]
    assert (second.age_range, second.diagnosis_subcategory, second.decision) == (
        "11-20", None, "upheld")  # fmt: skip


def test_ingest_stats_replace_and_compact(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    data = _csv(tmp_path / "dmhc.csv", _rows() + ["MN16-9,2016,,,,,Maybe,Medical Necessity,,"])
    result = runner.invoke(
        app, ["corpus", "ingest", str(data), "--store", str(store_dir), "--json"]
    )
    assert result.exit_code == 1  # one bad row: reported, the rest stored
    assert f"{data}:6" in result.stderr and "Determination" in result.stderr
    summary = json.loads(result.stdout)["dmhc"]
    assert (summary["stored"], summary["failed"], summary["decisions_in_store"]) == (4, 1, 4)

    again = runner.invoke(app, ["corpus", "ingest", str(data), "--store", str(store_dir), "--json"])
    assert json.loads(again.stdout)["dmhc"]["unchanged"] == 1

    stats = compute_stats(CorpusStore.open(store_dir)).dmhc
    assert stats is not None
    assert (stats.decisions, stats.bad_rows, stats.overall.overturned) == (4, 1, 2)
    mental = next(r for r in stats.by_treatment_category if r.key == "Mental Health Treatment")
    assert (mental.items, mental.overturned) == (2, 1)
    assert [r.key for r in stats.by_year] == ["2015", "2016"]

    # A corrected file replaces the rows of the same reference ids; its bad rows are gone.
    fixed = _rows()
    fixed[1] = fixed[1].replace(UP, OVER)
    _csv(data, fixed)
    runner.invoke(app, ["corpus", "ingest", str(data), "--store", str(store_dir)])
    store = CorpusStore.open(store_dir)
    stats = compute_stats(store).dmhc
    assert stats is not None
    assert (stats.decisions, stats.bad_rows, stats.overall.overturned) == (4, 0, 3)

    store.compact()
    after = compute_stats(CorpusStore.open(store_dir)).dmhc
    assert after is not None and after.to_dict() == stats.to_dict()
    assert len(list(store.part_dir("dmhc").glob("dmhc-*.parquet"))) == 0

    text = runner.invoke(app, ["corpus", "stats", "--store", str(store_dir)]).stdout
    assert "DMHC health-plan IMR decisions: 4" in text and "95% interval" in text
    out = tmp_path / "r.html"
    assert (
        runner.invoke(
            app, ["corpus", "report", "--store", str(store_dir), "--out", str(out)]
        ).exit_code
        == 0
    )
    assert "DMHC by treatment category" in out.read_text()


def test_a_csv_that_is_not_dmhc_is_one_error_and_the_batch_goes_on(tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n")
    good = _csv(tmp_path / "good.csv", _rows())
    result = runner.invoke(
        app, ["corpus", "ingest", str(other), str(good), "--store", str(tmp_path / "s"), "--json"]
    )
    assert result.exit_code == 1
    assert "not a DMHC IMR file" in result.stderr
    assert json.loads(result.stdout)["dmhc"]["decisions_in_store"] == 4


def test_wilson_interval_is_inside_zero_one_and_narrows_with_n() -> None:
    assert wilson_interval(0, 0) is None
    low, high = wilson_interval(0, 5) or (1, 1)
    assert low == 0.0 and 0 < high < 0.5
    small = wilson_interval(40, 100)
    large = wilson_interval(400, 1000)
    assert small and large and (small[1] - small[0]) > (large[1] - large[0])
    assert large[0] < 0.4 < large[1]


@pytest.mark.shared
def test_the_real_dmhc_file_ingests_whole(tmp_path: Path) -> None:
    from tests.conftest import shared_path

    data = shared_path("data", "dmhc", "imr-determinations-2001-2016.csv")
    result = runner.invoke(
        app, ["corpus", "ingest", str(data), "--store", str(tmp_path / "s"), "--json"]
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["dmhc"]["decisions_in_store"] == 19245
    stats = compute_stats(CorpusStore.open(tmp_path / "s")).dmhc
    assert stats is not None and (stats.overall.overturned, stats.overall.upheld) == (8457, 10788)
