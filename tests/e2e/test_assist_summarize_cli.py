"""`openimr assist summarize RECORDS_DIR [--json]`: the draft case summary with its sources."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from openimr.cli import app
from openimr.ocr import available as ocr_available
from tests.summary_cases import CASES, build_pdfs

SEED_RECORDS = Path(__file__).resolve().parents[1] / "unit" / "assist" / "records" / "seed"


def test_summarize_prints_each_sentence_with_its_document_and_page() -> None:
    result = CliRunner().invoke(app, ["assist", "summarize", str(SEED_RECORDS)])
    assert result.exit_code == 0, result.output
    draft = result.output.split("\n\nD1: ")[0]
    sentences = re.findall(r"[^\]]+?\[(D\d+ p\d+(?:; D\d+ p\d+)*)\]", draft)
    assert len(sentences) >= 10
    assert "industrial injury of April 8, 2011. [D" in draft
    assert "D5: 05-ur-decision-2015-05-15.txt" in result.output


def test_summarize_json_gives_sentences_with_quoted_sources() -> None:
    result = CliRunner().invoke(app, ["assist", "summarize", str(SEED_RECORDS), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    files = {d["document_id"]: d["filename"] for d in payload["documents"]}
    assert payload["errors"] == []
    for paragraph in payload["paragraphs"]:
        for sentence in paragraph:
            assert sentence["text"] and sentence["sources"]
            for source in sentence["sources"]:
                text = (SEED_RECORDS / files[source["document_id"]]).read_text()
                assert source["page"] == 1 and source["quote"] in text


def test_bad_file_is_listed_and_the_others_are_still_summarised(tmp_path: Path) -> None:
    for file in SEED_RECORDS.glob("*.txt"):
        shutil.copy(file, tmp_path / file.name)
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7 truncated")
    result = CliRunner().invoke(app, ["assist", "summarize", str(tmp_path)])
    assert result.exit_code == 1
    assert "skipped:" in result.stderr and "broken.pdf" in result.stderr
    assert "Traceback" not in result.output
    assert "May 15, 2015" in result.stdout


def test_missing_folder_is_a_clear_error_not_a_traceback(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["assist", "summarize", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "not a folder of records" in result.stderr


# -- a case file as PDFs, with a scanned MRI -------------------------------------------------

SHOULDER = CASES / "dev" / "shoulder"


@pytest.fixture(scope="module")
def shoulder_pdfs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_pdfs(SHOULDER, tmp_path_factory.mktemp("shoulder"))


def test_scanned_page_without_ocr_is_named_in_the_draft_and_on_stderr(
    shoulder_pdfs: Path,
) -> None:
    result = CliRunner().invoke(app, ["assist", "summarize", str(shoulder_pdfs), "--no-ocr"])
    assert result.exit_code == 1
    assert "unread: D3 03-mri-2023-02-03.pdf: page 1 has no text layer" in result.stderr
    assert "Document D3 (03-mri-2023-02-03.pdf) was not read" in result.stdout
    assert "D3: 03-mri-2023-02-03.pdf" in result.stdout and "NOT READ" in result.stdout
    assert result.stdout.startswith("DRAFT clinical case summary")
    # The rest of the file is summarised: the disputed surgery, as the 07/17 note recommends.
    assert "recommends right shoulder arthroscopy with subacromial decompression" in result.stdout


@pytest.mark.skipif(not ocr_available(), reason="tesseract or pdftoppm not installed")
def test_scanned_page_is_read_by_ocr_when_tesseract_is_installed(shoulder_pdfs: Path) -> None:
    result = CliRunner().invoke(app, ["assist", "summarize", str(shoulder_pdfs), "--json"])
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["status"] == "draft" and payload["errors"] == []
    mri = next(d for d in payload["documents"] if d["document_id"] == "D3")
    assert mri["ocr_pages"] == [1] and mri["unread_pages"] == []
    sentences = [s["text"] for p in payload["paragraphs"] for s in p]
    impression = next(t for t in sentences if t.startswith("Impression: Partial-thickness"))
    assert "30%" in impression and "type ii acromion" in impression.lower()
    assert any("was read by OCR" in t for t in sentences)
