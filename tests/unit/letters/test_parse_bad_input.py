"""Bad input: a clear LetterParseError naming file and reason, or fields found plus warnings."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfWriter

from openimr.domain.errors import LetterParseError, OpenIMRError
from openimr.letters.parse import parse_letter_file, parse_letter_text
from tests.conftest import shared_path
from tests.unit.letters.parse_samples import HEADER, ITEM_PLAIN, letter


def _error(path: Path) -> str:
    with pytest.raises(LetterParseError) as caught:
        parse_letter_file(path)
    assert str(path) in caught.value.message
    return caught.value.message


def test_letter_parse_error_is_an_openimr_error() -> None:
    assert issubclass(LetterParseError, OpenIMRError)


def test_empty_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_text("  \n\n")
    assert "empty file" in _error(path)


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    assert "cannot read" in _error(tmp_path / "nowhere.pdf")


def test_non_letter_text_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "recipe.txt"
    path.write_text("Pancakes\n\nMix flour, eggs and milk. Fry.\n")
    assert "not an IMR determination letter" in _error(path)


def test_binary_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert "binary" in _error(path)


def test_file_named_pdf_without_pdf_content_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "letter.pdf"
    path.write_text("Case Number: CM16-0000001")
    assert "not a PDF" in _error(path)


def test_truncated_pdf_is_an_error(tmp_path: Path) -> None:
    real = sorted(shared_path("data", "dwc", "pdf").glob("*.pdf"))[0]
    path = tmp_path / "cut.pdf"
    path.write_bytes(real.read_bytes()[:1500])
    assert "PDF" in _error(path)


def test_pdf_with_a_real_password_is_an_error(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    writer.encrypt(user_password="secret", owner_password="owner")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    assert "password" in _error(path)


def test_pdf_without_text_is_an_error(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    path = tmp_path / "scan.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    assert "empty letter" in _error(path)


def test_letter_cut_after_the_header_is_a_truncated_error() -> None:
    with pytest.raises(LetterParseError, match="truncated or not a letter"):
        parse_letter_text("HOW THE IMR FINAL DETERMINATION WAS MADE\nMAXIMUS Federal Services sent")


def test_letter_cut_inside_an_item_keeps_the_fields_found_with_warnings() -> None:
    text = letter(
        ITEM_PLAIN, "Acupuncture 6 sessions: Overturned\n\nClaims Administrator guideline:"
    )
    parsed = parse_letter_text(text)
    assert parsed.case_number == "CM16-0000101"
    assert [i.decision for i in parsed.items] == ["upheld", "overturned"]
    assert any("item 2" in w and "no decision rationale" in w for w in parsed.warnings)


def test_letter_missing_its_summary_section_warns_and_keeps_the_rest() -> None:
    start = HEADER.index("CLINICAL CASE SUMMARY")
    end = HEADER.index("IMR ISSUES")
    parsed = parse_letter_text(HEADER[:start] + HEADER[end:] + ITEM_PLAIN)
    assert parsed.clinical_case_summary is None
    assert "no CLINICAL CASE SUMMARY section" in parsed.warnings
    assert parsed.reviewer.licensure == ["California", "North Carolina"]
    assert len(parsed.items) == 1


def test_letter_missing_its_decisions_section_warns() -> None:
    parsed = parse_letter_text(HEADER.split("IMR ISSUES")[0])
    assert parsed.items == []
    assert "no IMR ISSUES, DECISIONS AND RATIONALES section" in parsed.warnings
