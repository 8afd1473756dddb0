"""/api/cases/{case_number}/notices: the written notices of a case, and the acts that serve them.

Notice of assignment (8 CCR 9792.10.4(b)), request for information (9792.10.3(b)),
conversion to expedited review (9792.10.4(c)), the end of a deferral (9792.10.3(d)); the
ineligibility and deferral notices are served by the eligibility decision and the final
determination by issue. Every handler: request schema -> one service call -> response schema.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from openimr.api.deps import CurrentUser, Svc
from openimr.api.schemas import (
    AssignmentNoticeCreate,
    DeferralEndCreate,
    ExpediteCreate,
    InformationRequestCreate,
    NoticeListPublic,
    NoticePublic,
    NoticeServedPublic,
    StatePublic,
)
from openimr.domain.vocabulary import CaseState
from openimr.service.auth import actor_for
from openimr.service.notices import (
    ConvertToExpedited,
    NoticeResult,
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

router = APIRouter(prefix="/api/cases", tags=["notices"])


def _served(result: NoticeResult) -> NoticeServedPublic:
    return NoticeServedPublic(
        case_number=result.case_number,
        notice_id=result.notice_id,
        kind=result.kind.value,
        mailed_on=result.mailed_on,
        version=result.version,
        details=result.details,
    )


@router.get("/{case_number}/notices", response_model=NoticeListPublic)
def notices(case_number: str, svc: Svc, user: CurrentUser) -> NoticeListPublic:
    """The notices of the case the caller may read: staff all, a party those sent to it."""
    found = list_notices(case_number, svc.uow(), actor_for(user), svc.clock)
    return NoticeListPublic(
        notices=[
            NoticePublic(
                notice_id=n.notice_id,
                kind=n.kind.value,
                title=n.title,
                mailed_on=n.mailed_on,
                served_by=n.served_by,
                recipients=list(n.recipients),
            )
            for n in found
        ]
    )


@router.get("/{case_number}/notices/{notice_id}", response_class=Response)
def notice(
    case_number: str,
    notice_id: str,
    svc: Svc,
    user: CurrentUser,
    format: Literal["text", "html", "pdf"] = Query("text"),
) -> Response:
    """One notice as text, HTML or PDF (the final determination is the letter)."""
    rendered = get_notice(case_number, notice_id, svc.uow(), actor_for(user), svc.clock, format)
    disposition = "attachment" if format == "pdf" else "inline"
    return Response(
        rendered.content,
        media_type=rendered.media_type,
        headers={"Content-Disposition": f'{disposition}; filename="{rendered.filename}"'},
    )


@router.post("/{case_number}/notices/assignment", response_model=NoticeServedPublic)
def assignment_notice(
    case_number: str, body: AssignmentNoticeCreate, svc: Svc, user: CurrentUser
) -> NoticeServedPublic:
    """Serve the notice of assignment; its date of mailing starts the records clock."""
    cmd = SendAssignmentNotice(
        case_number,
        body.mailed_on or svc.clock().date(),
        body.served_by,
        expected_version=body.expected_version,
    )
    return _served(send_notice_of_assignment(cmd, svc.uow(), actor_for(user), svc.clock))


@router.post("/{case_number}/information-requests", response_model=NoticeServedPublic)
def information_request(
    case_number: str, body: InformationRequestCreate, svc: Svc, user: CurrentUser
) -> NoticeServedPublic:
    """Ask the parties for information; they answer within 5 business days (9792.10.3(c))."""
    cmd = RequestInformation(
        case_number,
        svc.clock().date(),
        body.served_by,
        body.asked,
        roles=body.roles,
        expected_version=body.expected_version,
    )
    return _served(request_information(cmd, svc.uow(), actor_for(user), svc.clock))


@router.post("/{case_number}/expedite", response_model=NoticeServedPublic)
def expedite(
    case_number: str, body: ExpediteCreate, svc: Svc, user: CurrentUser
) -> NoticeServedPublic:
    """Convert a regular review to expedited and notify the parties (9792.10.4(c))."""
    cmd = ConvertToExpedited(
        case_number, svc.clock().date(), body.served_by, expected_version=body.expected_version
    )
    return _served(convert_to_expedited(cmd, svc.uow(), actor_for(user), svc.clock))


@router.post("/{case_number}/deferral/end", response_model=StatePublic)
def end_deferral(
    case_number: str, body: DeferralEndCreate, svc: Svc, user: CurrentUser
) -> StatePublic:
    """Liability resolved (or agreed): the application goes back to eligibility review."""
    cmd = ResumeDeferred(
        case_number,
        body.on or svc.clock().date(),
        agreed=body.agreed,
        expected_version=body.expected_version,
    )
    version = resume_deferred(cmd, svc.uow(), actor_for(user), svc.clock)
    return StatePublic(case_number=case_number, state=CaseState.RECEIVED, version=version)
