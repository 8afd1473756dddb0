"""The case file as it arrives: staff add documents at any time; everyone who may see the
case reads it page by page (scans through their OCR text) and searches it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from openimr.domain.errors import InvalidInput
from openimr.domain.vocabulary import DocumentKind
from openimr.service.auth import actor_for
from openimr.service.case_file import AddDocuments, add_documents
from openimr.service.document_text import page_image, read_document_pages, search_case_file
from openimr.service.queries import get_document
from openimr.web.render import render
from openimr.web.session import Csrf, PageUser, StaffPage
from openimr.web.uploads import enqueue_ocr, read_uploads

router = APIRouter(include_in_schema=False)


@router.post("/cases/{case_number}/documents")
async def add(
    request: Request,
    case_number: str,
    user: StaffPage,
    _csrf: Csrf,
    kind: Annotated[DocumentKind, Form()],
    version: Annotated[str, Form()] = "",
    files: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    svc = request.app.state.ctx.services
    uploads = await read_uploads(files, kind)
    if not uploads:
        raise InvalidInput("choose at least one file to add", field="files")
    cmd = AddDocuments(case_number, uploads, int(version) if version.isdigit() else None)
    result = await run_in_threadpool(add_documents, cmd, svc.uow(), actor_for(user), svc.clock)
    enqueue_ocr(request, case_number, result.ocr_queued)
    return RedirectResponse(f"/cases/{case_number}?flash=documents", status_code=303)


@router.get("/cases/{case_number}/documents/{document_id}/view")
def viewer(
    request: Request, case_number: str, document_id: str, user: PageUser, page: int = 1
) -> Response:
    """One page at a time: the page as an image beside its text, with page numbers."""
    svc = request.app.state.ctx.services
    found = read_document_pages(case_number, document_id, svc.uow(), actor_for(user), svc.clock)
    total = max(found.document.pages, len(found.pages), 1)
    page = min(max(page, 1), total)
    text = next((p for p in found.pages if p.page == page), None)
    back = f"/reviews/{case_number}" if user.role.value == "reviewer" else f"/cases/{case_number}"
    if user.role.value == "party":
        back = f"/my-cases/{case_number}"
    return render(
        request,
        "viewer.html",
        case_number=case_number,
        doc=found.document,
        page=page,
        total=total,
        text=text,
        progress=found.progress,
        back=back,
        is_pdf=found.document.media_type == "application/pdf",
    )


@router.get("/cases/{case_number}/documents/{document_id}/pages/{page}.png")
def page_png(
    request: Request, case_number: str, document_id: str, page: int, user: PageUser
) -> Response:
    svc = request.app.state.ctx.services
    doc, content = get_document(case_number, document_id, svc.uow(), actor_for(user), svc.clock)
    if doc.media_type != "application/pdf":
        raise InvalidInput("only a PDF has page images", field="document_id")
    return Response(page_image(content, page), media_type="image/png")


@router.get("/cases/{case_number}/search")
def search(request: Request, case_number: str, user: PageUser, q: str = "") -> Response:
    """Find words in the case file, OCR text included; each hit opens its page."""
    svc = request.app.state.ctx.services
    hits = search_case_file(case_number, q[:200], svc.uow(), actor_for(user), svc.clock)
    return render(request, "case_search.html", case_number=case_number, q=q, hits=hits)
