"""Staff pages: queue, intake, case page, assignment, the lifecycle steps, analytics."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from openimr.domain.errors import InvalidInput
from openimr.domain.vocabulary import CaseState, DocumentKind, PartyRole, Priority, ServiceMethod
from openimr.service.assign import AssignReviewer, assign_reviewer, screen_case
from openimr.service.auth import actor_for
from openimr.service.case_file import reopen_eligibility
from openimr.service.document_text import ocr_progress
from openimr.service.intake import (
    ItemInput,
    PartyInput,
    ReceiveRecords,
    SubmitApplication,
    determine_eligibility,
    receive_records,
    submit_application,
)
from openimr.service.issue import IssueDetermination, issue_determination
from openimr.service.notices import list_notices, notice_kinds
from openimr.service.publish import PublishDetermination, publish_determination
from openimr.service.queries import get_case
from openimr.service.queue import CaseQuery, reviewer_workload, search_cases
from openimr.service.timeline import case_timeline
from openimr.web.render import render
from openimr.web.session import Csrf, PageUser, StaffPage
from openimr.web.uploads import enqueue_ocr, read_upload, read_uploads

router = APIRouter(include_in_schema=False)


def _svc(request: Request):  # type: ignore[no-untyped-def]
    return request.app.state.ctx.services


def _to_case(case_number: str, flash: str) -> Response:
    """Back to the case page with a notice named by its code (web/wording.py FLASH)."""
    return RedirectResponse(f"/cases/{case_number}?flash={flash}", status_code=303)


def _version(raw: str) -> int | None:
    return int(raw) if raw.strip().isdigit() else None


SORTS = {
    "urgency": "most urgent first",
    "due": "due date",
    "received": "newest application",
    "case": "case number",
}


@router.get("/queue")
def queue(
    request: Request,
    user: StaffPage,
    state: str = "",
    priority: str = "",
    due: str = "",
    q: str = "",
    sort: str = "urgency",
) -> Response:
    """Every case, findable: by case number, worker, claim number or state; most urgent first."""
    svc = _svc(request)
    if state == "all" or (q.strip() and not state):  # a search looks at every case
        states: frozenset[CaseState] | None = frozenset(CaseState)
    elif state in CaseState.__members__.values():
        states = frozenset({CaseState(state)})
    else:
        states = None  # the open cases
    query = CaseQuery(
        text=q.strip()[:100],
        states=states,
        priority=priority if priority in ("standard", "expedited") else "",
        due=due,
        sort=sort if sort in SORTS else "urgency",  # type: ignore[arg-type]
    )
    rows, total = search_cases(query, svc.uow(), actor_for(user), svc.clock)
    alerts: dict[str, list[object]] = {}
    jobs = request.app.state.ctx.jobs
    if jobs is not None:
        for alert in jobs.alerts():
            alerts.setdefault(alert.case_number, []).append(alert)
    # A fragment request (the page's refresh script sends HX-Request) gets only the table.
    template = "partials/queue_rows.html" if request.headers.get("hx-request") else "queue.html"
    return render(
        request,
        template,
        rows=rows,
        total=total,
        alerts=alerts,
        states=[s.value for s in CaseState],
        sorts=SORTS,
        filters={"state": state, "priority": priority, "due": due, "q": q, "sort": query.sort},
        today=svc.clock().date(),
    )


@router.get("/workload")
def workload(request: Request, user: StaffPage) -> Response:
    svc = _svc(request)
    rows = reviewer_workload(svc.uow(), actor_for(user), svc.clock)
    return render(request, "workload.html", rows=rows)


@router.get("/cases/{case_number}")
def case_page(request: Request, case_number: str, user: PageUser) -> Response:
    svc = _svc(request)
    actor = actor_for(user)
    if not actor.is_staff:  # parties and reviewers have their own pages
        target = (
            f"/my-cases/{case_number}" if user.role.value == "party" else f"/reviews/{case_number}"
        )
        return RedirectResponse(target, status_code=303)
    view = get_case(case_number, svc.uow(), actor, svc.clock)
    notices = list_notices(case_number, svc.uow(), actor, svc.clock)
    kinds_served = notice_kinds(view.case, svc.clock().date())
    return render(
        request,
        "case.html",
        case=view.case,
        clocks=view.clocks,
        notices=notices,
        notice_kinds=kinds_served,
        timeline=case_timeline(case_number, svc.uow(), actor, svc.clock),
        ocr=ocr_progress(case_number, svc.uow(), actor, svc.clock),
        kinds=[k.value for k in DocumentKind],
        today=svc.clock().date(),
    )


@router.post("/cases/{case_number}/eligibility")
def eligibility(
    request: Request,
    case_number: str,
    user: StaffPage,
    _csrf: Csrf,
    served_by: Annotated[ServiceMethod, Form()] = ServiceMethod.MAIL,
) -> Response:
    svc = _svc(request)
    result = determine_eligibility(
        case_number, svc.uow(), actor_for(user), svc.clock, served_by=served_by
    )
    return _to_case(case_number, _eligibility_flash(result.state))


def _eligibility_flash(state: CaseState) -> str:
    return {"eligible": "eligible", "deferred": "deferred"}.get(state.value, "ineligible")


@router.post("/cases/{case_number}/eligibility/reopen")
def eligibility_reopen(
    request: Request,
    case_number: str,
    user: StaffPage,
    _csrf: Csrf,
    reason: Annotated[str, Form()] = "",
    version: Annotated[str, Form()] = "",
) -> Response:
    svc = _svc(request)
    reopen_eligibility(
        case_number, reason, svc.uow(), actor_for(user), svc.clock, _version(version)
    )
    result = determine_eligibility(case_number, svc.uow(), actor_for(user), svc.clock)
    return _to_case(case_number, _eligibility_flash(result.state))


@router.get("/cases/{case_number}/assignment")
def assignment_page(request: Request, case_number: str, user: StaffPage) -> Response:
    svc = _svc(request)
    actor = actor_for(user)
    view = get_case(case_number, svc.uow(), actor, svc.clock)
    screening = screen_case(case_number, svc.uow(), actor, svc.clock)
    return render(
        request,
        "assignment.html",
        case=view.case,
        candidates=screening.candidates,
        excluded=screening.excluded,
        need=screening.need,
    )


@router.post("/cases/{case_number}/assignment")
def assign(
    request: Request,
    case_number: str,
    user: StaffPage,
    _csrf: Csrf,
    reviewer_id: Annotated[str, Form()],
    version: Annotated[str, Form()] = "",
) -> Response:
    svc = _svc(request)
    cmd = AssignReviewer(
        case_number, svc.clock().date(), reviewer_id, expected_version=_version(version)
    )
    assign_reviewer(cmd, svc.uow(), actor_for(user), svc.clock)
    _deliver(request)
    return _to_case(case_number, "assigned")


def _deliver(request: Request) -> None:
    """E-mail the notifications an action raised, now rather than at the next sweep."""
    jobs = request.app.state.ctx.jobs
    if jobs is not None and request.app.state.ctx.settings.smtp_url:
        jobs.enqueue("deliver_notifications")


@router.post("/cases/{case_number}/records")
async def records(
    request: Request,
    case_number: str,
    user: StaffPage,
    _csrf: Csrf,
    received_on: Annotated[date, Form()],
    served_by: Annotated[ServiceMethod, Form()],
    version: Annotated[str, Form()] = "",
    kind: Annotated[DocumentKind, Form()] = DocumentKind.MEDICAL_RECORD,
    files: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    """Records received means files received: the claims administrator's records are
    filed with the date they arrived, which starts the decision clock."""
    svc = _svc(request)
    uploads = await read_uploads(files, kind)
    if not uploads:
        raise InvalidInput("attach the records that were received", field="files")
    cmd = ReceiveRecords(
        case_number, received_on, served_by, uploads, expected_version=_version(version)
    )
    result = await run_in_threadpool(receive_records, cmd, svc.uow(), actor_for(user), svc.clock)
    enqueue_ocr(request, case_number, result.ocr_queued)
    return _to_case(case_number, "records")


@router.post("/cases/{case_number}/issue")
def issue(
    request: Request,
    case_number: str,
    user: StaffPage,
    _csrf: Csrf,
    version: Annotated[str, Form()] = "",
    served_by: Annotated[ServiceMethod, Form()] = ServiceMethod.MAIL,
) -> Response:
    svc = _svc(request)
    cmd = IssueDetermination(
        case_number, svc.clock().date(), _version(version), served_by=served_by
    )
    issue_determination(cmd, svc.uow(), actor_for(user), svc.clock)
    jobs = request.app.state.ctx.jobs
    if jobs is not None:
        jobs.enqueue("render_pdf", {"case_number": case_number})
    _deliver(request)
    return _to_case(case_number, "issued")


@router.post("/cases/{case_number}/publish")
def publish(
    request: Request,
    case_number: str,
    user: StaffPage,
    _csrf: Csrf,
    version: Annotated[str, Form()] = "",
) -> Response:
    svc = _svc(request)
    cmd = PublishDetermination(case_number, svc.clock().date(), _version(version))
    publish_determination(cmd, svc.uow(), actor_for(user), svc.clock)
    return _to_case(case_number, "published")


@router.get("/intake")
def intake_page(request: Request, user: StaffPage) -> Response:
    return render(
        request, "intake.html", today=_svc(request).clock().date(), kinds=list(DocumentKind)
    )


@router.post("/intake")
async def intake(
    request: Request,
    user: StaffPage,
    _csrf: Csrf,
    priority: Annotated[Priority, Form()],
    date_of_injury: Annotated[date, Form()],
    ur_decision_date: Annotated[date, Form()],
    ur_decision_served_by: Annotated[ServiceMethod, Form()],
    application_received_on: Annotated[date, Form()],
    items: Annotated[str, Form()],
    worker_name: Annotated[str, Form()],
    worker_key: Annotated[str, Form()],
    claims_administrator: Annotated[str, Form()] = "",
    employer: Annotated[str, Form()] = "",
    physician: Annotated[str, Form()] = "",
    claim_number: Annotated[str, Form()] = "",
    condition: Annotated[str, Form()] = "",
    application_signed: Annotated[str, Form()] = "",
    application_file: Annotated[UploadFile | None, File()] = None,
    ur_file: Annotated[UploadFile | None, File()] = None,
    record_files: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    parties = [PartyInput(PartyRole.INJURED_WORKER, worker_name.strip(), worker_key.strip())]
    for role, name in (
        (PartyRole.CLAIMS_ADMINISTRATOR, claims_administrator),
        (PartyRole.EMPLOYER, employer),
        (PartyRole.REQUESTING_PHYSICIAN, physician),
    ):
        if name.strip():
            parties.append(PartyInput(role, name.strip(), _key(name, role)))
    uploads = []
    for kind, upload in [
        (DocumentKind.APPLICATION, application_file),
        (DocumentKind.UR_DECISION, ur_file),
        *[(DocumentKind.MEDICAL_RECORD, f) for f in (record_files or [])],
    ]:
        if upload is not None and upload.filename:
            uploads.append(await read_upload(upload, kind, _max_upload(request)))
    lines = [line.strip() for line in items.splitlines() if line.strip()]
    if not lines:
        raise InvalidInput("name at least one disputed item", field="items")
    cmd = SubmitApplication(
        jurisdiction="ca_dwc",  # the staff intake form is the workers' comp application
        priority=priority,
        date_of_injury=date_of_injury,
        ur_decision_date=ur_decision_date,
        ur_decision_served_by=ur_decision_served_by,
        application_received_on=application_received_on,
        application_signed=application_signed == "yes",
        items=[ItemInput(line) for line in lines],
        parties=parties,
        documents=uploads,
        claim_number=claim_number.strip() or None,
        condition=condition.strip(),
    )
    svc = _svc(request)
    result = await run_in_threadpool(submit_application, cmd, svc.uow(), actor_for(user), svc.clock)
    enqueue_ocr(request, result.case_number, result.ocr_queued)
    return _to_case(result.case_number, "received" if result.created else "resubmitted")


def _max_upload(request: Request) -> int:
    return int(request.app.state.ctx.settings.max_upload_mb) * 1024 * 1024


def _key(name: str, role: PartyRole) -> str:
    kind = "person" if role == PartyRole.REQUESTING_PHYSICIAN else "org"
    slug = "-".join("".join(c if c.isalnum() else " " for c in name.lower()).split())
    return f"{kind}:{slug}"
