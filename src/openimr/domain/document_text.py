"""The text of a case document, page by page: its own text layer, or OCR of a scan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

TextMethod = Literal["text", "ocr"]
OcrState = Literal["queued", "running", "done", "failed"]

# A page with fewer letters than this in its text layer is treated as a scanned image.
MIN_TEXT_CHARS = 20


@dataclass(frozen=True)
class PageText:
    """One page's text (page numbers start at 1) and how it was obtained."""

    page: int
    text: str
    method: TextMethod


@dataclass(frozen=True)
class OcrProgress:
    """Where the OCR of one document's bytes stands (shown on the case page)."""

    content_hash: str
    state: OcrState
    pages_done: int
    pages_total: int
    updated_at: datetime
    error: str = ""

    @property
    def percent(self) -> int:
        return 100 if not self.pages_total else round(100 * self.pages_done / self.pages_total)
