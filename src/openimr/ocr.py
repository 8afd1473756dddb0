"""Text for scanned PDF pages, through Tesseract (Apache-2.0), when it is installed.

Two readers: `read_pages` (pdftoppm + tesseract, for the command-line drafter) and
`OcrMyPdf` (ocrmypdf, which deskews and cleans a scan first, for the service's background
OCR job, one page at a time: service/document_text.py).

A case file often holds a scanned report: a PDF page that is only an image. Its pages are
rendered with poppler's `pdftoppm` and read with `tesseract`; both are Debian packages
(`poppler-utils`, `tesseract-ocr`). Where either is missing, `page_reader()` returns None
and the caller names the page as unread instead of guessing at it. OCR text can be wrong:
callers say which pages were read by OCR.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from openimr.domain.errors import Unavailable

RESOLUTION = 200  # dpi: reads 10-12 pt print without error at about half the time of 300
TIMEOUT = 120  # seconds per page, so that a pathological page cannot hang a batch

PageReader = Callable[[bytes, list[int]], dict[int, str]]


def available() -> bool:
    """True when both pdftoppm and tesseract are on the PATH."""
    return bool(shutil.which("pdftoppm") and shutil.which("tesseract"))


def page_reader() -> PageReader | None:
    """`read_pages` when OCR is installed, else None."""
    return read_pages if available() else None


def read_pages(pdf: bytes, pages: list[int]) -> dict[int, str]:
    """{page: text} for the given 1-based pages of a PDF; a page OCR cannot read is left out."""
    out: dict[int, str] = {}
    # One thread: Tesseract's OpenMP threads cost more CPU than they save on one page.
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    with tempfile.TemporaryDirectory(prefix="openimr-ocr-") as folder:
        source = Path(folder) / "in.pdf"
        source.write_bytes(pdf)
        for page in pages:
            image = Path(folder) / f"page-{page}"
            try:
                subprocess.run(
                    ["pdftoppm", "-r", str(RESOLUTION), "-gray", "-png", "-singlefile",
                     "-f", str(page), "-l", str(page), str(source), str(image)],
                    check=True, capture_output=True, timeout=TIMEOUT,
                )  # fmt: skip
                result = subprocess.run(
                    ["tesseract", f"{image}.png", "stdout", "--psm", "4"],
                    check=True, capture_output=True, timeout=TIMEOUT, env=env,
                )  # fmt: skip
            except (subprocess.SubprocessError, OSError):
                continue
            out[page] = result.stdout.decode("utf-8", errors="replace")
    return out


class OcrMyPdf:
    """OCR of a one-page PDF with the `ocrmypdf` command (tesseract underneath)."""

    def __init__(self, language: str = "eng", timeout: float = 300) -> None:
        if shutil.which("ocrmypdf") is None or shutil.which("tesseract") is None:
            raise Unavailable("OCR needs ocrmypdf and tesseract (apt-get install ocrmypdf)")
        self.language = language
        self.timeout = timeout

    def page_text(self, one_page_pdf: bytes) -> str:
        with tempfile.TemporaryDirectory(prefix="openimr-ocr-") as tmp:
            source, sidecar = Path(tmp) / "page.pdf", Path(tmp) / "page.txt"
            source.write_bytes(one_page_pdf)
            subprocess.run(
                [
                    "ocrmypdf",
                    "--force-ocr",
                    "--quiet",
                    "--language",
                    self.language,
                    "--jobs",
                    "1",
                    "--output-type",
                    "none",
                    "--sidecar",
                    str(sidecar),
                    str(source),
                    "-",
                ],
                check=True,
                capture_output=True,
                timeout=self.timeout,
            )
            return sidecar.read_text(encoding="utf-8", errors="replace").replace("\f", "").strip()
