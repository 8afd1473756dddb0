"""/api/cases: intake, eligibility, assignment, records, review, issue, publish.

Every handler: request schema -> one service call -> response schema. Who may do
what is decided in the service layer (service/access.py), not here.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from pydantic import ValidationError

from openimr.api.deps import Ctx, CurrentUser, Svc
from openimr.api.schemas import (
    ApplicationCreate,
    AssignmentCreate,
    DocumentMeta,
    EligibilityCreate,
    IntakePublic,
    IssueCreate,
    RecordsReceivedCreate,
    RecordsUpload,
    ReleaseCreate,
    ReviewCreate,
    StatePublic,
    VersionedCommand,
)
from openimr.domain.errors import InvalidInput
from openimr.domain.vocabulary import CaseState
from openimr.inputs import InputLimits, limits_of, loads
from openimr.service.assign import AssignReviewer, assign_reviewer
from openimr.service.auth import actor_for
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
from openimr.service.publish import PublishDetermination, publish_determination
from openimr.service.reassign import ReleaseReviewer, release_reviewer
from openimr.service.review import ItemDecision, RecordReview, record_review

router = APIRouter(prefix="/api/cases", tags=["cases"])


def _form_json(raw: str, field: str, limits: InputLimits) -> object:
    """A JSON form field, within the limits (depth, size, text length): 422 naming it."""
    try:
        return loads(raw, field, limits)
    except InvalidInput as err:
        raise InvalidInput(err.message, field=f"{field}.{err.details.get('field', '')}") from err


def _application(raw: str, limits: InputLimits) -> ApplicationCreate:
    data = _form_json(raw, "application", limits)
    try:
        return ApplicationCreate.model_validate(data)
    except ValidationError as err:
        problems = err.errors()
        where = ".".join(str(p) for p in problems[0]["loc"]) if problems else "application"
        raise InvalidInput(
            f"application: {err}".splitlines()[0], field=f"application.{where}"
        ) from err


async def _uploads(
    described: list[DocumentMeta], files: list[UploadFile], limits: InputLimits
) -> list[DocumentUpload]:
    meta = {d.filename: d for d in described}
    uploads = []
    most = limits.max_file_bytes
    for n, upload in enumerate(files):
        name = upload.filename or f"file-{n}"
        content = await upload.read(most + 1)
        if len(content) > most:
            raise InvalidInput(
                f"{name}: larger than {most // (1024 * 1024)} MB (OPENIMR_MAX_UPLOAD_MB)",
                field=f"files[{n}]",
            )
        info = meta.get(name)
        if info is None:
            raise InvalidInput(
                f"{name}: no entry in documents describes this file",
                field=f"files[{n}]",
            )
        uploads.append(
            DocumentUpload(
                filename=name,
                content=content,
                kind=info.kind,
                title=info.title,
                author=info.author,
                document_date=info.document_date,
            )
        )
    missing = set(meta) - {u.filename for u in uploads}
    if missing:
        raise InvalidInput(f"described but not uploaded: {sorted(missing)}", field="files")
    return uploads


@router.post("", response_model=IntakePublic, status_code=201)
async def submit(
    svc: Svc,
    ctx: Ctx,
    user: CurrentUser,
    application: Annotated[str, Form(description="ApplicationCreate as JSON")],
    files: Annotated[list[UploadFile] | None, File(description="the documents")] = None,
) -> IntakePublic:
    """Receive an application for IMR with its documents (idempotent on resubmission)."""
    limits = limits_of(ctx.settings)
    app = _application(application, limits)
    cmd = SubmitApplication(
        jurisdiction=app.jurisdiction,
        priority=app.priority,
        date_of_injury=app.date_of_injury,
        ur_decision_date=app.ur_decision_date,
        ur_decision_served_by=app.ur_decision_served_by,
        application_received_on=app.application_received_on,
        application_signed=app.application_signed,
        items=[
            ItemInput(i.description, i.original_request, i.authorized_portion) for i in app.items
        ],
        parties=[PartyInput(p.role, p.name, p.key, p.organization, p.address) for p in app.parties],
        documents=await _uploads(app.documents, files or [], limits),
        dispute_type=app.dispute_type,
        formulary=app.formulary,
        claim_number=app.claim_number,
        applicant_age=app.applicant_age,
        applicant_sex=app.applicant_sex,
        condition=app.condition,
        facts=dict(app.facts),
    )
    result = await ctx.run_db(submit_application, cmd, svc.uow(), actor_for(user), svc.clock)
    return IntakePublic(
        case_number=result.case_number,
        state=result.state,
        created=result.created,
        version=result.version,
    )


@router.post("/{case_number}/eligibility", response_model=StatePublic)
def decide_eligibility(
    case_number: str, svc: Svc, ctx: Ctx, user: CurrentUser, body: EligibilityCreate | None = None
) -> StatePublic:
    """Decide eligibility (8 CCR 9792.10.3); each finding cites its rule (see GET the case).

    An ineligible or deferred case gets its written notice, served `served_by` today. An
    eligible case waits for a reviewer: the assignment pass is queued at once.
    """
    served_by = (body or EligibilityCreate()).served_by
    result = determine_eligibility(
        case_number, svc.uow(), actor_for(user), svc.clock, served_by=served_by
    )
    if ctx.jobs is not None and result.state is CaseState.ELIGIBLE:
        ctx.jobs.enqueue("assign_waiting")
    return StatePublic(case_number=result.case_number, state=result.state, version=result.version)


@router.post("/{case_number}/assignment", response_model=StatePublic)
def assign(case_number: str, body: AssignmentCreate, svc: Svc, user: CurrentUser) -> StatePublic:
    """Designate one qualified, conflict-free expert reviewer (8 CCR 9792.10.6(b)(1))."""
    cmd = AssignReviewer(
        case_number=case_number,
        assigned_on=svc.clock().date(),
        reviewer_id=body.reviewer_id,
        expected_version=body.expected_version,
        noarfi_served_by=body.noarfi_served_by,
    )
    result = assign_reviewer(cmd, svc.uow(), actor_for(user), svc.clock)
    return StatePublic(case_number=result.case_number, state=result.state, version=result.version)


@router.post("/{case_number}/release", response_model=StatePublic)
def release(
    case_number: str, body: ReleaseCreate, svc: Svc, ctx: Ctx, user: CurrentUser
) -> StatePublic:
    """Decline, recusal or missed deadline: the reviewer comes off the case, which goes back
    to waiting with that reviewer excluded for good; the next assignment pass is queued."""
    cmd = ReleaseReviewer(
        case_number, body.reviewer_id, body.kind, body.reason, body.expected_version
    )
    result = release_reviewer(cmd, svc.uow(), actor_for(user), svc.clock)
    if ctx.jobs is not None:
        ctx.jobs.enqueue("assign_waiting")
    return StatePublic(case_number=result.case_number, state=result.state, version=result.version)


@router.post("/{case_number}/records", response_model=StatePublic)
def records_received(
    case_number: str, body: RecordsReceivedCreate, svc: Svc, user: CurrentUser
) -> StatePublic:
    """The claims administrator's records arrived: the decision clock starts (LC 4610.6(d))."""
    cmd = ReceiveRecords(
        case_number=case_number,
        received_on=body.received_on,
        served_by=body.served_by,
        expected_version=body.expected_version,
    )
    result = receive_records(cmd, svc.uow(), actor_for(user), svc.clock)
    return StatePublic(case_number=result.case_number, state=result.state, version=result.version)


@router.post("/{case_number}/records/upload", response_model=StatePublic)
async def records_received_with_files(
    case_number: str,
    svc: Svc,
    ctx: Ctx,
    user: CurrentUser,
    records: Annotated[str, Form(description="RecordsUpload as JSON")],
    files: Annotated[list[UploadFile] | None, File(description="the records")] = None,
) -> StatePublic:
    """The records arrive with their documents (PDF or text), all stored or none."""
    limits = limits_of(ctx.settings)
    data = _form_json(records, "records", limits)
    try:
        body = RecordsUpload.model_validate(data)
    except ValidationError as err:
        raise InvalidInput(f"records: {err}".splitlines()[0], field="records") from err
    cmd = ReceiveRecords(
        case_number=case_number,
        received_on=body.received_on,
        served_by=body.served_by,
        documents=await _uploads(body.documents, files or [], limits),
        expected_version=body.expected_version,
    )
    result = await ctx.run_db(receive_records, cmd, svc.uow(), actor_for(user), svc.clock)
    return StatePublic(case_number=result.case_number, state=result.state, version=result.version)


@router.post("/{case_number}/review", response_model=StatePublic)
def review(case_number: str, body: ReviewCreate, svc: Svc, user: CurrentUser) -> StatePublic:
    """The assigned reviewer signs the determination, one decision per disputed item."""
    cmd = RecordReview(
        case_number=case_number,
        clinical_case_summary=body.clinical_case_summary,
        items=[
            ItemDecision(
                item_id=i.item_id,
                decision=i.decision,
                claims_administrator_guideline=[
                    c.to_domain() for c in i.claims_administrator_guideline
                ],
                imr_guideline=[c.to_domain() for c in i.imr_guideline],
                rationale=i.rationale,
                strength_of_evidence=i.strength_of_evidence,
            )
            for i in body.items
        ],
        expected_version=body.expected_version,
    )
    result = record_review(cmd, svc.uow(), actor_for(user), svc.clock)
    return StatePublic(case_number=result.case_number, state=result.state, version=result.version)


@router.post("/{case_number}/issue", response_model=StatePublic)
def issue(
    case_number: str, body: IssueCreate, svc: Svc, ctx: Ctx, user: CurrentUser
) -> StatePublic:
    """Issue the final determination letter to the parties (8 CCR 9792.10.6), served today
    by `served_by`; the letter ends with its recipients and proof of service."""
    cmd = IssueDetermination(
        case_number, svc.clock().date(), body.expected_version, served_by=body.served_by
    )
    result = issue_determination(cmd, svc.uow(), actor_for(user), svc.clock)
    if ctx.jobs is not None:  # the PDF is rendered in the background and kept on disk
        ctx.jobs.enqueue("render_pdf", {"case_number": case_number})
    return StatePublic(case_number=result.case_number, state=result.state, version=result.version)


@router.post("/{case_number}/publish", response_model=StatePublic)
def publish(case_number: str, body: VersionedCommand, svc: Svc, user: CurrentUser) -> StatePublic:
    """Publish the redacted letter (LC 4610.6, publication)."""
    cmd = PublishDetermination(case_number, svc.clock().date(), body.expected_version)
    result = publish_determination(cmd, svc.uow(), actor_for(user), svc.clock)
    return StatePublic(case_number=result.case_number, state=result.state, version=result.version)
