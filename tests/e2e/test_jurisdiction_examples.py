"""A case of each health-plan jurisdiction lives its whole life through the service and the
CLI: `openimr example seed --jurisdiction ca_dmhc|us_federal --out DIR`."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from openimr.cli import app

EXPECTED = {
    "ca_dmhc": {
        "title": "INDEPENDENT MEDICAL REVIEW DETERMINATION (DEPARTMENT OF MANAGED HEALTH CARE)",
        "outcome": "Final determination: Overturned Decision of Health Plan",
        "rows": ["Health Plan: Golden Example Health Plan (fictional)",
                 "Plan's Grievance Decision: 01/09/2026", "Review Type: Medical necessity"],
        "payer": "Health Plan guideline:",
        "appeal": "H&S Code 1374.34",
        "party": "Robin T. Imaginary",
    },
    "us_federal": {
        "title": "NOTICE OF FINAL EXTERNAL REVIEW DECISION",
        "outcome": "Final determination: Reversed",
        "rows": ["Plan or Issuer: Sample Manufacturing Group Health Plan (fictional)",
                 "Final Internal Adverse Benefit Determination Received: 01/12/2026"],
        "payer": "Plan guideline:",
        "appeal": "45 CFR 147.136(d)(2)(iv)",
        "party": "Lee M. Notreal",
    },
}  # fmt: skip


@pytest.fixture(scope="module", params=sorted(EXPECTED))
def run(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Path]:
    jurisdiction = str(request.param)
    out = tmp_path_factory.mktemp(jurisdiction)
    result = CliRunner().invoke(
        app, ["example", "seed", "--jurisdiction", jurisdiction, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "letter issued, published" in result.output
    assert "excluded R-OM-003: 4 years of active practice" in result.output
    return jurisdiction, out


def test_the_letter_speaks_the_jurisdictions_words(run: tuple[str, Path]) -> None:
    jurisdiction, out = run
    want = EXPECTED[jurisdiction]
    text = (out / "letter.txt").read_text()
    assert want["title"] in text and want["outcome"] in text
    for row in want["rows"]:
        assert row in text
    flat = " ".join(text.split())
    assert want["payer"] in flat and want["appeal"] in flat
    assert "Date of Injury" not in text and "MTUS" not in text
    assert want["party"] not in (out / "letter-public.txt").read_text()


def test_the_letter_ends_with_its_service_in_the_packs_terms(run: tuple[str, Path]) -> None:
    """Date of mailing, the pack's roles as recipients, and a proof of service that names no
    California law outside the DWC pack (none was read for these packs)."""
    jurisdiction, out = run
    flat = " ".join((out / "letter.txt").read_text().split())
    assert "Date of mailing: " in flat and "SENT TO" in flat and "PROOF OF SERVICE" in flat
    assert f"{EXPECTED[jurisdiction]['party']}, " in flat
    assert "laws of the State of California" not in flat and "certify that on" in flat
    public = (out / "letter-public.txt").read_text()
    assert "SENT TO" not in public and "PROOF OF SERVICE" not in public


def test_the_pdf_and_the_determination_carry_the_same_decision(run: tuple[str, Path]) -> None:
    jurisdiction, out = run
    pdf = PdfReader(io.BytesIO((out / "letter.pdf").read_bytes()))
    pdf_text = " ".join(" ".join((p.extract_text() or "").split()) for p in pdf.pages)
    assert EXPECTED[jurisdiction]["outcome"] in pdf_text
    data = json.loads((out / "determination.json").read_text())
    assert [i["decision"] for i in data["items"]] == ["overturned"]
    assert data["date_of_injury"] is None


def test_an_unknown_jurisdiction_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["example", "seed", "--jurisdiction", "xx_none", "--out", str(tmp_path)]
    )
    assert result.exit_code == 1
    assert "no worked case for jurisdiction 'xx_none'" in result.output
