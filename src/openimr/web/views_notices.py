"""Pages for the written notices: read and download them, and the staff acts that serve them."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from openimr.domain.vocabulary import Role, ServiceMethod
from openimr.service.auth import actor_for
from openimr.service.notices import (
    ConvertToExpedited,
    RequestInformation,
    ResumeDeferred,
    SendAssignmentNotice,
    convert_to_expedited,
    get_notice,
    list_notices,
    request_information,
    resume_deferred,
    send_notice_of_assignment,
)
from openimr.web.render import render
from openimr.web.session import Csrf, PageUser, StaffPage

router = APIRouter(include_in_schema=False)


def _svc(request: Request) -> Any:
    return request.app.state.ctx.services


def _version(raw: str) -> int | None:
    return int(raw) if raw.strip().isdigit() else None


def _to_case(case_number: str, flash: str) -> Response:
    """Back to the case page with a notice named by its code (web/wording.py FLASH)."""
    return RedirectResponse(f"/cases/{case_number}?flash={flash}", status_code=303)


@router.get("/cases/{case_number}/notices/{notice_id}.{suffix}")
def notice_file(
    request: Request, case_number: str, notice_id: str, suffix: str, user: PageUser
) -> Response:
    fmt = {"txt": "text", "html": "html", "pdf": "pdf"}.get(suffix)
    if fmt is None:
        return Response("not found", status_code=404)
    svc = _svc(request)
    rendered = get_notice(case_number, notice_id, svc.uow(), actor_for(user), svc.clock, fmt)  # type: ignore[arg-type]
    disposition = "attachment" if fmt == "pdf" else "inline"
    return Response(
        rendered.content,
        media_type=rendered.media_type,
        headers={"Content-Disposition": f'{disposition}; filename="{rendered.filename}"'},
    )


@router.get("/cases/{case_number}/notices/{notice_id}")
def notice_page(request: Request, case_number: str, notice_id: str, user: PageUser) -> Response:
    svc = _svc(request)
    actor = actor_for(user)
    rendered = get_notice(case_number, notice_id, svc.uow(), actor, svc.clock, "text")
    titles = {n.notice_id: n.title for n in list_notices(case_number, svc.uow(), actor, svc.clock)}
    back = f"/my-cases/{case_number}" if user.role is Role.PARTY else f"/cases/{case_number}"
    return render(
        request,
        "notice.html",
        case_number=case_number,
        title=titles.get(notice_id, "Notice"),
        text=rendered.content.decode(),
        base=f"/cases/{case_number}/notices/{notice_id}",
        back=back,
    )


@router.post("/cases/{case_number}/notices/assignment")
def assignment_notice(
    request: Request,
    case_number: str,
    user: StaffPage,
    _csrf: Csrf,
    mailed_on: Annotated[date, Form()],
    served_by: Annotated[ServiceMethod, Form()],
    version: Annotated[str, Form()] = "",
) -> Response:
    svc = _svc(request)
    cmd = SendAssignmentNotice(case_number, mailed_on, served_by, _version(version))
    send_notice_of_assignment(cmd, svc.uow(), actor_for(user), svc.clock)
    return _to_case(case_number, "assignment_notice")


@router.post("/cases/{case_number}/information-request")
def information_request(
    request: Request,
    case_number: str,
    user: StaffPage,
    _csrf: Csrf,
    asked: Annotated[str, Form()],
    served_by: Annotated[ServiceMethod, Form()],
    version: Annotated[str, Form()] = "",
) -> Response:
    svc = _svc(request)
    lines = [line.strip() for line in asked.splitlines() if line.strip()]
    cmd = RequestInformation(
        case_number, svc.clock().date(), served_by, lines, expected_version=_version(version)
    )
    request_information(cmd, svc.uow(), actor_for(user), svc.clock)
    return _to_case(case_number, "information_requested")


@router.post("/cases/{case_number}/expedite")
def expedite(
    request: Request,
    case_number: str,
    user: StaffPage,
    _csrf: Csrf,
    served_by: Annotated[ServiceMethod, Form()],
    version: Annotated[str, Form()] = "",
) -> Response:
    svc = _svc(request)
    cmd = ConvertToExpedited(case_number, svc.clock().date(), served_by, _version(version))
    convert_to_expedited(cmd, svc.uow(), actor_for(user), svc.clock)
    return _to_case(case_number, "expedited")


@router.post("/cases/{case_number}/deferral/end")
def end_deferral(
    request: Request,
    case_number: str,
    user: StaffPage,
    _csrf: Csrf,
    on: Annotated[date, Form()],
    agreed: Annotated[str, Form()] = "no",
    version: Annotated[str, Form()] = "",
) -> Response:
    svc = _svc(request)
    cmd = ResumeDeferred(
        case_number, on, agreed=agreed == "yes", expected_version=_version(version)
    )
    resume_deferred(cmd, svc.uow(), actor_for(user), svc.clock)
    return _to_case(case_number, "resumed")
