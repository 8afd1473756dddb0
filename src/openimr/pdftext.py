"""The text of a PDF, through PDFium: the one way openimr reads a PDF.

Letters (`letters.parse`), the intake check of uploaded documents (`service.intake`), the
text of stored case documents (`service.workbench`) and the summary drafter's records
(`assist.records`) all come here. PDFium (pypdfium2, Apache-2.0/BSD) extracts the text of
the published letters about ten times faster than pypdf and gives the same parse.

Two quirks of PDFium's text are undone so that callers see the text a reader sees: lines end
in "\\r\\n", and a hyphen that ends a line comes back as U+FFFE (PDFium's mark for a word
broken over two lines) with the line break dropped; it is written back as "-" and a newline.
The published DWC letters are encrypted with an empty password; that password is tried.

PDFium is not thread-safe, so every call holds one process-wide lock (the web server runs
sync routes in threads); parallel work uses processes (`letter parse --jobs`, corpus ingest).
"""

from __future__ import annotations

import io
import threading
from pathlib import Path

import pypdfium2 as pdfium

from openimr.domain.errors import UnreadablePdf

PAGE_BREAK = "\n\f"  # between page texts, as `letter parse` has always joined them
_LOCK = threading.Lock()
_LINE_BREAK_HYPHEN = "\ufffe"


def pdf_pages(source: bytes | Path | str, name: str | None = None) -> list[str]:
    """The text of every page, first page first; UnreadablePdf names the file otherwise."""
    label = name or str(source if not isinstance(source, bytes) else "PDF")
    with _LOCK:
        document = _open(source, label)
        try:
            pages = []
            for index in range(len(document)):
                page = document[index]
                text_page = page.get_textpage()
                pages.append(_clean(text_page.get_text_range()))
                text_page.close()
                page.close()
        finally:
            document.close()
    if not pages:
        raise UnreadablePdf(f"{label}: PDF has no pages", file=label)
    return pages


def pdf_text(source: bytes | Path | str, name: str | None = None) -> str:
    """The whole text of a PDF, pages separated by a form feed."""
    return PAGE_BREAK.join(pdf_pages(source, name))


def pdf_page_count(source: bytes | Path | str, name: str | None = None) -> int:
    """How many pages a PDF has (opening it checks it is readable; no text is extracted)."""
    label = name or str(source if not isinstance(source, bytes) else "PDF")
    with _LOCK:
        document = _open(source, label)
        try:
            return len(document)
        finally:
            document.close()


def _open(source: bytes | Path | str, label: str) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(source, password="")
    except pdfium.PdfiumError as err:
        if "password" in str(err).lower():
            raise UnreadablePdf(
                f"{label}: encrypted PDF that needs a password", file=label
            ) from err
        raise UnreadablePdf(f"{label}: unreadable PDF ({err})", file=label) from err
    except OSError as err:
        raise UnreadablePdf(
            f"{label}: cannot read file ({err.strerror or err})", file=label
        ) from err


def _clean(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace(_LINE_BREAK_HYPHEN, "-\n")


def pdf_page_alone(source: bytes, page_no: int, name: str | None = None) -> bytes:
    """Page `page_no` (from 1) as a PDF of its own (OCR reads a scan one page at a time)."""
    label = name or "PDF"
    with _LOCK:
        document = _open(source, label)
        try:
            if not 1 <= page_no <= len(document):
                raise UnreadablePdf(f"{label}: no page {page_no}", file=label)
            single = pdfium.PdfDocument.new()
            try:
                single.import_pages(document, [page_no - 1])
                out = io.BytesIO()
                single.save(out)
                return out.getvalue()
            finally:
                single.close()
        finally:
            document.close()


def pdf_page_png(source: bytes, page_no: int, width: int = 1000, name: str | None = None) -> bytes:
    """Page `page_no` (from 1) as a greyscale PNG `width` pixels wide (the page viewer)."""
    label = name or "PDF"
    with _LOCK:
        document = _open(source, label)
        try:
            if not 1 <= page_no <= len(document):
                raise UnreadablePdf(f"{label}: no page {page_no}", file=label)
            page = document[page_no - 1]
            image = page.render(scale=width / page.get_width(), grayscale=True).to_pil()
            page.close()
        finally:
            document.close()
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
