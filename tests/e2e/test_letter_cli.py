"""`openimr letter parse`: one JSON line per letter, error lines, exit codes (product.md)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from openimr.cli import app
from tests.unit.letters.parse_samples import ITEM_MODIFIED, ITEM_PLAIN, letter

runner = CliRunner()
CONTRACT_FIELDS = {
    "path",
    "layout",
    "case_number",
    "date_assigned",
    "date_of_injury",
    "decision_date",
    "ur_denial_date",
    "application_received",
    "priority",
    "reviewer",
    "applicant",
    "clinical_case_summary",
    "items",
}
ITEM_FIELDS = {
    "description",
    "original_request",
    "authorized_portion",
    "decision",
    "claims_administrator_guideline",
    "imr_guideline",
    "strength_of_evidence",
    "rationale",
}


def _lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_parse_writes_the_contract_fields_and_exits_zero(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(letter(ITEM_PLAIN, ITEM_MODIFIED))
    result = runner.invoke(app, ["letter", "parse", str(path)])
    assert result.exit_code == 0, result.output
    (row,) = _lines(result.output)
    assert set(row) >= CONTRACT_FIELDS
    assert row["path"] == str(path)
    assert set(row["reviewer"]) == {"licensure", "specialties"}
    assert set(row["applicant"]) == {"age", "sex"}
    assert all(set(item) >= ITEM_FIELDS for item in row["items"])
    assert [i["decision"] for i in row["items"]] == ["upheld", "upheld"]
    assert row["items"][1]["original_request"] == "Acupuncture 12 sessions"


def test_a_bad_file_gives_an_error_line_and_the_batch_goes_on(tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(letter(ITEM_PLAIN))
    (folder / "b.txt").write_text("")
    (folder / "sub" / "c.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Cat")
    (folder / "sub" / "d.txt").write_text(letter(ITEM_MODIFIED))
    (folder / "notes.md").write_text("ignored: not a letter file type")
    result = runner.invoke(app, ["letter", "parse", str(folder)])
    assert result.exit_code == 1
    rows = _lines(result.stdout)
    assert [Path(r["path"]).name for r in rows] == ["a.txt", "b.txt", "c.pdf", "d.txt"]
    assert f"skipped {folder / 'notes.md'}: not a letter file" in result.stderr
    errors = {Path(r["path"]).name: r["error"] for r in rows if "error" in r}
    assert set(errors) == {"b.txt", "c.pdf"}
    assert "empty file" in errors["b.txt"]
    assert "PDF" in errors["c.pdf"]
    assert rows[3]["items"][0]["description"] == "Acupuncture 6 sessions"


def test_jobs_option_gives_the_same_lines_in_the_same_order(tmp_path: Path) -> None:
    for n in range(4):
        (tmp_path / f"l{n}.txt").write_text(letter(ITEM_PLAIN).replace("0000101", f"000010{n}"))
    single = runner.invoke(app, ["letter", "parse", str(tmp_path)])
    pooled = runner.invoke(app, ["letter", "parse", "--jobs", "2", str(tmp_path)])
    assert pooled.exit_code == single.exit_code == 0
    assert pooled.output == single.output
    assert [r["case_number"] for r in _lines(pooled.output)] == [
        f"CM16-000010{n}" for n in range(4)
    ]


def test_real_pdf_and_seed_letter_parse(dwc_pdf_dir: Path, seed_letter: Path) -> None:
    pdf = sorted(dwc_pdf_dir.glob("*.pdf"))[0]
    result = runner.invoke(app, ["letter", "parse", str(pdf), str(seed_letter)])
    assert result.exit_code == 0, result.output
    pdf_row, seed_row = _lines(result.output)
    assert pdf_row["case_number"] == pdf.stem and pdf_row["layout"] == "dwc-2016"
    assert seed_row["layout"] == "dwc-2015"
    assert seed_row["items"][0]["strength_of_evidence"].startswith("Not Recommended")
