"""Staff pages: queue, intake, case page, assignment, the lifecycle steps, analytics."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from openimr.domain.errors import InvalidInput
from openimr.domain.vocabulary import CaseState, DocumentKind, PartyRole, Priority, ServiceMethod
from openimr.runtime.context import published
from openimr.service.assign import AssignReviewer, assign_reviewer, screen_case
from openimr.service.auth import actor_for
from openimr.service.dashboard import case_statistics, clock_status
from openimr.service.intake import (
    DocumentUpload,
    ItemInput,
    PartyInput,
    ReceiveRecords,
    SubmitApplication,
    determine_eligibility,
    receive_records,
    submit_application,
)
from openimr.service.issue import IssueDetermination, issue_determination
from openimr.service.notices import list_notices
from openimr.service.publish import PublishDetermination, publish_determination
from openimr.service.queries import audit_trail, get_case, list_cases
from openimr.web.render import render
from openimr.web.session import Csrf, PageUser, StaffPage

router = APIRouter(include_in_schema=False)

OPEN_STATES = frozenset(
    {
        CaseState.RECEIVED,
        CaseState.DEFERRED,
        CaseState.ELIGIBLE,
        CaseState.ASSIGNED,
        CaseState.RECORDS_RECEIVED,
        CaseState.REVIEWED,
    }
)


def _svc(request: Request):  # type: ignore[no-untyped-def]
    return request.app.state.ctx.services


def _to_case(case_number: str, flash: str) -> Response:
    return RedirectResponse(f"/cases/{case_number}?flash={flash}", status_code=303)


def _version(raw: str) -> int | None:
    return int(raw) if raw.strip().isdigit() else None


@router.get("/queue")
def queue(
    request: Request,
    user: StaffPage,
    state: str = "",
    priority: str = "",
    due: str = "",
    q: str = "",
) -> Response:
    svc = _svc(request)
    states = (
        frozenset({CaseState(state)}) if state in CaseState.__members__.values() else OPEN_STATES
    )
    rows = list_cases(svc.uow(), actor_for(user), svc.clock, states=states, limit=500)
    if priority:
        rows = [r for r in rows if r.priority == priority]
    if q:
        rows = [r for r in rows if q.strip().lower() in r.case_number.lower()]
    if due:
        wanted = {"overdue": "overdue", "soon": "due soon"}.get(due)
        rows = [r for r in rows if clock_status(r.days_left, r.priority == "expedited") == wanted]
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
        alerts=alerts,
        states=[s.value for s in sorted(OPEN_STATES, key=list(CaseState).index)],
        filters={"state": state, "priority": priority, "due": due, "q": q},
        today=svc.clock().date(),
    )


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
    trail = audit_trail(case_number, svc.uow(), actor, svc.clock)
    return render(
        request,
        "case.html",
        case=view.case,
        clocks=view.clocks,
        notices=notices,
        audit=trail,
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
    flash = {"eligible": "Eligible", "deferred": "Deferred: liability is disputed"}
    return _to_case(case_number, flash.get(result.state.value, "Not eligible"))


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
    return _to_case(case_number, "Reviewer assigned")


@router.post("/cases/{case_number}/records")
def records(
    request: Request,
    case_number: str,
    user: StaffPage,
    _csrf: Csrf,
    received_on: Annotated[date, Form()],
    served_by: Annotated[ServiceMethod, Form()],
    version: Annotated[str, Form()] = "",
) -> Response:
    svc = _svc(request)
    cmd = ReceiveRecords(case_number, received_on, served_by, expected_version=_version(version))
    receive_records(cmd, svc.uow(), actor_for(user), svc.clock)
    return _to_case(case_number, "Records received: the decision clock is running")


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
    return _to_case(case_number, "Final determination issued")


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
    return _to_case(case_number, "Redacted version published")


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
            uploads.append(DocumentUpload(upload.filename, await upload.read(), kind))
    lines = [line.strip() for line in items.splitlines() if line.strip()]
    if not lines:
        raise InvalidInput("name at least one disputed item", field="items")
    cmd = SubmitApplication(
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
    return _to_case(
        result.case_number, "Application received" if result.created else "Already received"
    )


def _key(name: str, role: PartyRole) -> str:
    kind = "person" if role is PartyRole.REQUESTING_PHYSICIAN else "org"
    slug = "-".join("".join(c if c.isalnum() else " " for c in name.lower()).split())
    return f"{kind}:{slug}"


@router.get("/analytics")
def analytics(request: Request, user: StaffPage) -> Response:
    svc = _svc(request)
    stats = case_statistics(svc.uow(), actor_for(user), svc.clock)
    return render(
        request,
        "analytics.html",
        by_state=stats.by_state,
        by_decision=stats.by_decision,
        by_clock=stats.by_clock,
        corpus_rates=[
            (bar.label, bar.value) for bar in published(request.app.state.ctx).overturn_rates()
        ],
    )
