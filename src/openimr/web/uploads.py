"""Files from a form, and the OCR jobs for the scans among them."""

from __future__ import annotations

from fastapi import Request, UploadFile

from openimr.domain.vocabulary import DocumentKind
from openimr.service.intake import DocumentUpload

MAX_FILES = 50


async def read_uploads(files: list[UploadFile] | None, kind: DocumentKind) -> list[DocumentUpload]:
    uploads = []
    for upload in (files or [])[:MAX_FILES]:
        if upload is not None and upload.filename:
            uploads.append(DocumentUpload(upload.filename, await upload.read(), kind))
    return uploads


def enqueue_ocr(request: Request, case_number: str, queued: list[tuple[str, str]]) -> None:
    """Hand each scanned document to the background OCR job."""
    jobs = request.app.state.ctx.jobs
    if jobs is None:
        return
    for document_id, content_hash in queued:
        jobs.enqueue(
            "ocr_document",
            {"content_hash": content_hash, "case_number": case_number, "document_id": document_id},
        )
