"""PDF text through PDFium (`openimr.pdftext`): the text a reader sees, and clear errors."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pypdf import PdfWriter

from openimr.domain.errors import InvalidInput, UnreadablePdf
from openimr.pdftext import pdf_page_count, pdf_pages, pdf_text
from tests.factories import pdf_bytes


def _written(encrypt: str | None = None) -> bytes:
    writer = PdfWriter()  # pypdf writes the fixtures: a second library, independent of PDFium
    writer.add_blank_page(width=612, height=792)
    if encrypt is not None:
        writer.encrypt(user_password=encrypt, owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_rendered_letter_reads_back_with_plain_line_ends() -> None:
    from openimr.letters.render import render_letter_pdf
    from tests.unit.letters.render_cases import seed_case, seed_determination

    pdf = render_letter_pdf(seed_case(), seed_determination())
    text = pdf_text(pdf, "letter.pdf")
    assert "\r" not in text and "\ufffe" not in text
    assert seed_case().case_number in text
    assert pdf_page_count(pdf) == len(pdf_pages(pdf)) == text.count("\f") + 1


def test_a_hyphen_that_ends_a_line_is_kept_with_its_line_break(dwc_pdf_dir: Path) -> None:
    # PDFium returns U+FFFE for "electro-" at a line end and drops the break; the letters'
    # text (and their parse) has "electro-" and a new line, as the page shows.
    text = pdf_text(dwc_pdf_dir / "CM16-0230651.pdf")
    assert "electro-\nmyography" in text
    assert "\ufffe" not in text


def test_the_published_letters_open_with_the_empty_password(dwc_pdf_dir: Path) -> None:
    text = pdf_text(dwc_pdf_dir / "CM16-0219557.pdf")
    assert text.startswith("Case Number: CM16-0219557")


def test_a_pdf_with_a_real_password_is_refused_by_name() -> None:
    with pytest.raises(UnreadablePdf, match="locked.pdf: encrypted PDF that needs a password"):
        pdf_pages(_written(encrypt="secret"), "locked.pdf")


def test_bytes_that_are_no_pdf_are_refused_by_name() -> None:
    with pytest.raises(UnreadablePdf, match=r"cut\.pdf: unreadable PDF") as caught:
        pdf_pages(b"%PDF-1.7\n" + b"\x00" * 200, "cut.pdf")
    assert isinstance(caught.value, InvalidInput)  # answered 422, as bad input


def test_a_missing_file_is_named() -> None:
    with pytest.raises(UnreadablePdf, match="nowhere.pdf"):
        pdf_pages(Path("/nonexistent/nowhere.pdf"))


def test_a_blank_page_has_no_text_but_counts() -> None:
    assert pdf_pages(_written(), "blank.pdf") == [""]
    assert pdf_page_count(pdf_bytes(pages=3)) == 3


def test_threads_may_read_pdfs_at_once() -> None:
    # PDFium is not thread-safe; the module's lock makes concurrent callers take turns.
    pdf = pdf_bytes(pages=2)
    with ThreadPoolExecutor(max_workers=4) as pool:
        counts = list(pool.map(lambda _: len(pdf_pages(pdf)), range(16)))
    assert counts == [2] * 16
