"""Files from a form, and the OCR jobs for the scans among them."""

from __future__ import annotations

from fastapi import Request, UploadFile

from openimr.domain.errors import InvalidInput
from openimr.domain.vocabulary import DocumentKind
from openimr.inputs import DEFAULT_LIMITS
from openimr.service.intake import DocumentUpload

MAX_FILES = 50


async def read_upload(
    upload: UploadFile, kind: DocumentKind, max_bytes: int = DEFAULT_LIMITS.max_file_bytes
) -> DocumentUpload:
    """One uploaded file, refused (422 naming it) past `max_bytes` without reading on."""
    name = upload.filename or "(unnamed)"
    content = await upload.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise InvalidInput(
            f"{name}: larger than {max_bytes // (1024 * 1024)} MB (OPENIMR_MAX_UPLOAD_MB)",
            field="files",
            filename=name,
        )
    return DocumentUpload(name, content, kind)


async def read_uploads(
    files: list[UploadFile] | None,
    kind: DocumentKind,
    max_bytes: int = DEFAULT_LIMITS.max_file_bytes,
) -> list[DocumentUpload]:
    uploads = []
    for upload in (files or [])[:MAX_FILES]:
        if upload is not None and upload.filename:
            uploads.append(await read_upload(upload, kind, max_bytes))
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
