"""`openimr example seed --out DIR`: the seed case's whole life, five files, parse round trip."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from openimr.cli import app
from openimr.examples.seed_data import demo_panel, seed_data

SECTIONS = (
    "Case Number:",
    "Date of Injury:",
    "HOW THE IMR FINAL DETERMINATION WAS MADE",
    "State(s) of Licensure: Texas, New York, California",
    "Certification(s)/Specialty: Preventive Medicine, Occupational Medicine",
    "CLINICAL CASE SUMMARY",
    "IMR ISSUES, DECISIONS AND RATIONALES",
    "Claims Administrator guideline:",
    "IMR guideline:",
    "Decision rationale:",
    "DOCUMENTS REVIEWED",
    "APPEAL RIGHTS",
)
FILES = ("letter.txt", "letter.html", "letter.pdf", "letter-public.txt", "determination.json")


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("seed")
    result = CliRunner().invoke(app, ["example", "seed", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "excluded R-OM-002" in result.output  # the conflict is explained
    return out


def test_the_seed_example_writes_all_five_files(out: Path) -> None:
    for name in FILES:
        assert (out / name).stat().st_size > 0, name


def test_the_text_letter_has_every_section_and_the_seed_decision(out: Path) -> None:
    text = (out / "letter.txt").read_text()
    for section in SECTIONS:
        assert section in text, section
    assert "Hot/Cold unit for the lumbar spine: Upheld" in text
    flat = " ".join(text.split())  # the letter wraps at about 95 columns
    assert "Page(s): 299" in flat and "Page(s): 560" in flat
    assert "Strength of Evidence: Not Recommended, Insufficient Evidence (I)" in flat


def test_the_pdf_renders_the_same_sections(out: Path) -> None:
    reader = PdfReader(io.BytesIO((out / "letter.pdf").read_bytes()))
    pdf_text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    for section in (
        "HOW THE IMR FINAL DETERMINATION WAS MADE",
        "CLINICAL CASE SUMMARY",
        "IMR ISSUES, DECISIONS AND RATIONALES",
        "APPEAL RIGHTS",
    ):
        assert section in pdf_text, section
    assert "Hot/Cold unit for the lumbar spine: Upheld" in pdf_text


def test_no_letter_names_the_reviewer(out: Path) -> None:
    chosen = next(r for r in demo_panel() if r.reviewer_id == "R-PM-001")
    for name in ("letter.txt", "letter.html", "letter-public.txt", "determination.json"):
        text = (out / name).read_text()
        assert chosen.name not in text and "R-PM-001" not in text, name


def test_the_public_letter_redacts_names_and_identifiers(out: Path) -> None:
    public = (out / "letter-public.txt").read_text()
    seed = seed_data()
    for party in seed.case.parties:
        assert party.name not in public, party.name
    assert seed.case.claim_number not in public
    assert "Upheld" in public


def test_determination_json_holds_the_seed_decision(out: Path) -> None:
    data = json.loads((out / "determination.json").read_text())
    assert data["case_number"] == "CM15-0000001"  # numbered by the server, not the seed
    assert data["date_of_injury"] == "2011-04-08"
    assert [(i["description"], i["decision"]) for i in data["items"]] == [
        ("Hot/Cold unit for the lumbar spine", "upheld")
    ]
    assert data["reviewer"]["licensure"] == ["Texas", "New York", "California"]


def test_letter_parse_gives_back_the_items_decisions_and_citation_sources(out: Path) -> None:
    result = CliRunner().invoke(app, ["letter", "parse", str(out / "letter.txt")])
    assert result.exit_code == 0, result.output
    parsed = json.loads(result.stdout.splitlines()[0])
    written = json.loads((out / "determination.json").read_text())
    assert parsed["case_number"] == written["case_number"]
    assert [(i["description"], i["decision"]) for i in parsed["items"]] == [
        (i["description"], i["decision"]) for i in written["items"]
    ]
    for got, want in zip(parsed["items"], written["items"], strict=True):
        assert [(c["source"], c["pages"]) for c in got["imr_guideline"]] == [
            (c["source"], c["pages"]) for c in want["imr_guideline"]
        ]
        assert [c["source"] for c in got["claims_administrator_guideline"]] == [
            c["source"] for c in want["claims_administrator_guideline"]
        ]


def test_load_seed_case_stops_where_asked_and_resumes_idempotently(tmp_path: Path) -> None:
    from openimr.domain.vocabulary import CaseState
    from openimr.examples import load_seed_case
    from openimr.service.bootstrap import bootstrap, verify_audit_log

    services = bootstrap(f"sqlite:///{tmp_path / 'serve.db'}")
    try:
        first = load_seed_case(services, until="assigned")
        again = load_seed_case(services, until="assigned")
        assert first.case_number == again.case_number == "CM15-0000001"
        with services.uow() as uow:
            case = uow.cases.get(first.case_number)
            assert case.state is CaseState.ASSIGNED
            assert case.assigned_reviewer_id == "R-PM-001"
            assert len(uow.cases.list()) == 1
        load_seed_case(services, until="issued")
        with services.uow() as uow:
            assert uow.cases.get(first.case_number).state is CaseState.ISSUED
        assert verify_audit_log(services).ok
    finally:
        services.close()


def test_pdftotext_finds_the_same_sections_as_the_text_letter(out: Path) -> None:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext (poppler-utils) is not installed; .ci/run installs it")
    extracted = subprocess.run(
        [pdftotext, "-layout", str(out / "letter.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    flat = " ".join(extracted.split())
    for section in (
        "HOW THE IMR FINAL DETERMINATION WAS MADE",
        "CLINICAL CASE SUMMARY",
        "IMR ISSUES, DECISIONS AND RATIONALES",
        "DOCUMENTS REVIEWED",
        "APPEAL RIGHTS",
        "Hot/Cold unit for the lumbar spine: Upheld",
    ):
        assert section in flat, section
