"""The text of the case file, page by page, with OCR for scanned pages and faxes.

A PDF page whose text layer has fewer than `MIN_TEXT_CHARS` letters is a scan: the
background job (`read_document_text`) runs OCR on it (ocrmypdf with tesseract, Debian's
packages) one page at a time, storing each page's text and the progress as it goes, so
the case page can show "OCR 3 of 12 pages" and a bad page does not lose the others. The
stored page texts then feed the summary draft, the decision support's evidence, the page
viewer and the case-file search.
"""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol

from openimr.domain.case import CaseDocument
from openimr.domain.document_text import MIN_TEXT_CHARS, OcrProgress, PageText
from openimr.domain.errors import UnreadablePdf
from openimr.pdftext import pdf_page_alone, pdf_page_png, pdf_pages
from openimr.service.access import SYSTEM, Actor, ensure_can_view
from openimr.service.events import audit
from openimr.service.ports import Clock, UnitOfWork

log = logging.getLogger("openimr.ocr")


class OcrEngine(Protocol):
    """Reads the text of a one-page PDF (openimr.ocr.OcrMyPdf; tests pass a fake)."""

    def page_text(self, one_page_pdf: bytes) -> str: ...


def text_layer(content: bytes, media_type: str) -> list[str]:
    """Each page's own text (the PDF text layer; a text file split at form feeds)."""
    if media_type != "application/pdf":
        return content.decode("utf-8", errors="replace").split("\f")
    try:
        return pdf_pages(content)
    except UnreadablePdf:
        return []  # checked at intake; an unreadable text layer just gives no text


def is_scanned(text: str) -> bool:
    return sum(c.isalpha() for c in text) < MIN_TEXT_CHARS


def one_page(content: bytes, page_no: int) -> bytes:
    """Page `page_no` (from 1) of a PDF as a PDF of its own."""
    return pdf_page_alone(content, page_no)


def needs_ocr(content: bytes, media_type: str) -> bool:
    return media_type == "application/pdf" and any(
        is_scanned(t) for t in text_layer(content, media_type)
    )


def queue_ocr(uow: UnitOfWork, doc: CaseDocument, content: bytes, clock: Clock) -> bool:
    """Record a queued OCR for `doc` when it has scanned pages and none is recorded yet;
    True when the caller should enqueue the job. Inside the caller's transaction."""
    if not needs_ocr(content, doc.media_type) or uow.texts.progress(doc.content_hash):
        return False
    uow.texts.set_progress(OcrProgress(doc.content_hash, "queued", 0, doc.pages, clock()))
    return True


@dataclass(frozen=True)
class OcrOutcome:
    content_hash: str
    pages: int
    ocr_pages: int
    state: str


def read_document_text(
    content_hash: str,
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
    engine: OcrEngine,
    case_number: str | None = None,
    document_id: str | None = None,
) -> OcrOutcome:
    """The OCR job: every page's text, OCR where the page is a scan, progress after each
    page (its own transaction). Idempotent: pages already read are not read again."""
    with uow_factory() as uow:
        content = uow.documents.get(content_hash)
        done = {p.page for p in uow.texts.pages(content_hash)}
    layer = text_layer(content, "application/pdf")
    total = len(layer)
    ocr_pages = 0
    for page_no, own in enumerate(layer, start=1):
        if page_no not in done:
            if is_scanned(own):
                try:
                    page = PageText(page_no, engine.page_text(one_page(content, page_no)), "ocr")
                except (subprocess.SubprocessError, OSError) as err:
                    log.warning("OCR of page %s of %s failed: %s", page_no, content_hash, err)
                    page = PageText(page_no, "", "ocr")
                ocr_pages += 1
            else:
                page = PageText(page_no, own, "text")
        with uow_factory() as uow:
            if page_no not in done:
                uow.texts.put_page(content_hash, page)
            uow.texts.set_progress(OcrProgress(content_hash, "running", page_no, total, clock()))
            uow.commit()
    with uow_factory() as uow:
        uow.texts.set_progress(OcrProgress(content_hash, "done", total, total, clock()))
        if case_number:
            audit(
                uow,
                "DocumentTextRead",
                SYSTEM,
                clock(),
                case_number,
                document_id=document_id,
                pages=total,
                ocr_pages=ocr_pages,
            )
        uow.commit()
    return OcrOutcome(content_hash, total, ocr_pages, "done")


def fail_document_text(
    content_hash: str, error: str, uow_factory: Callable[[], UnitOfWork], clock: Clock
) -> None:
    with uow_factory() as uow:
        old = uow.texts.progress(content_hash)
        done, total = (old.pages_done, old.pages_total) if old else (0, 0)
        uow.texts.set_progress(OcrProgress(content_hash, "failed", done, total, clock(), error))
        uow.commit()


def document_pages(uow: UnitOfWork, doc: CaseDocument) -> list[PageText]:
    """A document's page texts: those stored (OCR) when there are, else its own text."""
    stored = uow.texts.pages(doc.content_hash)
    if stored:
        return stored
    content = uow.documents.get(doc.content_hash)
    return [PageText(n, t, "text") for n, t in enumerate(text_layer(content, doc.media_type), 1)]


def as_text_document(
    uow: UnitOfWork, doc: CaseDocument, content: bytes
) -> tuple[CaseDocument, bytes]:
    """The document as the record readers should see it: a scan with OCR text becomes its
    pages of text (form feeds between), so page numbers still point into the original."""
    stored = uow.texts.pages(doc.content_hash)
    if not stored or all(p.method == "text" for p in stored):
        return doc, content
    text = "\f".join(p.text for p in stored)
    name = (doc.filename or doc.document_id) + ".ocr.txt"
    return replace(doc, media_type="text/plain", filename=name), text.encode()


def ocr_progress(
    case_number: str, uow: UnitOfWork, actor: Actor, clock: Clock
) -> dict[str, OcrProgress]:
    """The OCR progress of each document of the case (document id -> progress)."""
    with uow:
        case = uow.cases.get(case_number)
        ensure_can_view(actor, case)
        out = {}
        for doc in case.documents:
            progress = uow.texts.progress(doc.content_hash)
            if progress is not None:
                out[doc.document_id] = progress
        return out


@dataclass(frozen=True)
class PageHit:
    document_id: str
    title: str
    page: int
    snippet: str


def search_case_file(
    case_number: str, query: str, uow: UnitOfWork, actor: Actor, clock: Clock, limit: int = 50
) -> list[PageHit]:
    """Pages of the case file whose text (OCR text too) contains every word of `query`;
    anyone who may see the case; the search is audited."""
    words = [w.lower() for w in query.split() if w.strip()]
    hits: list[PageHit] = []
    with uow:
        case = uow.cases.get(case_number)
        ensure_can_view(actor, case)
        for doc in case.documents if words else []:
            for page in document_pages(uow, doc):
                low = page.text.lower()
                if all(w in low for w in words) and len(hits) < limit:
                    at = low.find(words[0])
                    snippet = " ".join(page.text[max(0, at - 80) : at + 160].split())
                    hits.append(PageHit(doc.document_id, doc.title, page.page, snippet))
        audit(uow, "CaseFileSearched", actor, clock(), case_number, hits=len(hits))
        uow.commit()
    return hits


@dataclass(frozen=True)
class DocumentPages:
    document: CaseDocument
    pages: list[PageText]
    progress: OcrProgress | None


def read_document_pages(
    case_number: str, document_id: str, uow: UnitOfWork, actor: Actor, clock: Clock
) -> DocumentPages:
    """One document's page texts for the page viewer (anyone who may see the case); audited
    as a read of the document."""
    from openimr.domain.errors import NotFound

    with uow:
        case = uow.cases.get(case_number)
        ensure_can_view(actor, case)
        found = [d for d in case.documents if d.document_id == document_id]
        if not found:
            raise NotFound(f"case {case_number} has no document {document_id}")
        pages = document_pages(uow, found[0])
        progress = uow.texts.progress(found[0].content_hash)
        audit(uow, "DocumentRead", actor, clock(), case_number, document_id=document_id)
        uow.commit()
    return DocumentPages(found[0], pages, progress)


def page_image(content: bytes, page_no: int, width: int = 1000) -> bytes:
    """Page `page_no` (from 1) of a PDF as a PNG `width` pixels wide."""
    from openimr.domain.errors import NotFound

    try:
        return pdf_page_png(content, page_no, width)
    except UnreadablePdf as err:
        raise NotFound(err.message) from err
