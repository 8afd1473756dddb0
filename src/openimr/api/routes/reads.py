"""/api reads: cases, documents, audit trail, letters, screening, assist, search, alerts, jobs."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from openimr.api.deps import Ctx, CurrentUser, StaffUser, Svc
from openimr.api.schemas import (
    AlertPublic,
    AssignmentOptionsPublic,
    AuditEntryPublic,
    CandidatePublic,
    CaseListPublic,
    CasePublic,
    CaseSummaryPublic,
    ClockPublic,
    ExclusionPublic,
    JobPublic,
    SearchHitPublic,
    SearchResultsPublic,
)
from openimr.domain.errors import InvalidInput, NotFound
from openimr.domain.vocabulary import CaseState
from openimr.runtime.context import proposer, published
from openimr.service.assign import screen_case
from openimr.service.auth import actor_for
from openimr.service.queries import audit_trail, get_case, get_document, get_letter, list_cases
from openimr.service.workbench import workbench_proposals

router = APIRouter(prefix="/api", tags=["reads"])

LetterFormat = Literal["text", "html", "pdf", "json"]


@router.get("/cases", response_model=CaseListPublic, tags=["cases"])
def read_cases(
    svc: Svc,
    user: CurrentUser,
    state: Annotated[list[CaseState] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> CaseListPublic:
    """The cases the caller may see: staff all, a reviewer those assigned, a party its own."""
    states = frozenset(state) if state else None
    rows = list_cases(
        svc.uow(), actor_for(user), svc.clock, states=states, limit=limit, offset=offset
    )
    cases = [
        CaseSummaryPublic(
            case_number=r.case_number,
            state=r.state,
            priority=r.priority,  # type: ignore[arg-type]
            application_received_on=r.application_received_on,
            items=list(r.items),
            clocks=[]
            if r.running_clock is None
            else [
                ClockPublic(
                    name=r.running_clock,
                    label=r.running_clock,
                    due_on=r.due_on,
                    started_on=None,
                    citation="",
                    basis="",
                    days_left=r.days_left,
                )
            ],
        )
        for r in rows
    ]
    return CaseListPublic(cases=cases, count=len(cases))


@router.get("/cases/{case_number}", response_model=CasePublic, tags=["cases"])
async def read_case(case_number: str, svc: Svc, ctx: Ctx, user: CurrentUser) -> CasePublic:
    """One case with its clocks; a party never sees the reviewer's identity."""
    view = await ctx.run_db(get_case, case_number, svc.uow(), actor_for(user), svc.clock)
    return CasePublic.of(view.case, view.clocks, svc.clock().date())


@router.get("/cases/{case_number}/audit", response_model=list[AuditEntryPublic], tags=["cases"])
def read_audit_trail(case_number: str, svc: Svc, user: CurrentUser) -> list[AuditEntryPublic]:
    """Every audit entry of the case, oldest first (staff only)."""
    entries = audit_trail(case_number, svc.uow(), actor_for(user), svc.clock)
    return [
        AuditEntryPublic(
            seq=e.seq,
            at=e.at,
            actor=e.actor,
            action=e.action,
            details=e.details,
            entry_hash=e.entry_hash,
        )
        for e in entries
    ]


@router.get(
    "/cases/{case_number}/documents/{document_id}",
    tags=["cases"],
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}, "text/plain": {}}}},
)
def read_document(case_number: str, document_id: str, svc: Svc, user: CurrentUser) -> Response:
    """The bytes of one document of the case file."""
    doc, content = get_document(case_number, document_id, svc.uow(), actor_for(user), svc.clock)
    return Response(
        content,
        media_type=doc.media_type,
        headers={"Content-Disposition": f'inline; filename="{doc.document_id}"'},
    )


@router.get(
    "/cases/{case_number}/letter",
    tags=["letters"],
    response_class=Response,
    responses={200: {"content": {"text/plain": {}, "text/html": {}, "application/pdf": {}}}},
)
def read_letter(
    case_number: str,
    svc: Svc,
    user: CurrentUser,
    format: LetterFormat = "text",
    public: bool = False,
) -> Response:
    """The final determination letter (text, HTML, PDF or JSON); `public=true` for the
    redacted version. The letter never names the reviewer (LC 4610.6(f))."""
    letter = get_letter(case_number, svc.uow(), actor_for(user), svc.clock, format, public)
    return Response(
        letter.content,
        media_type=letter.media_type,
        headers={"Content-Disposition": f'inline; filename="{letter.filename}"'},
    )


@router.get(
    "/cases/{case_number}/assignment/candidates",
    response_model=AssignmentOptionsPublic,
    tags=["cases"],
)
def read_candidates(case_number: str, svc: Svc, user: CurrentUser) -> AssignmentOptionsPublic:
    """Qualified, conflict-free candidates with their fit, and every excluded reviewer with
    the reason (LC 139.5; 8 CCR 9792.10.4)."""
    screening = screen_case(case_number, svc.uow(), actor_for(user), svc.clock)
    return AssignmentOptionsPublic(
        case_number=case_number,
        candidates=[
            CandidatePublic(
                reviewer_id=c.reviewer_id, specialty=c.specialty, fit=c.fit, reasons=list(c.reasons)
            )
            for c in screening.candidates
        ],
        excluded=[
            ExclusionPublic(reviewer_id=e.reviewer_id, reasons=list(e.reasons))
            for e in screening.excluded
        ],
    )


@router.get("/cases/{case_number}/assist", tags=["assist"])
def read_proposals(case_number: str, svc: Svc, ctx: Ctx, user: CurrentUser) -> dict[str, Any]:
    """Decision-support proposals per disputed item (for the assigned reviewer and staff):
    governing citations, criteria with the record's words, precedents, draft rationale."""
    bench = workbench_proposals(case_number, svc.uow(), actor_for(user), svc.clock, proposer(ctx))
    return {
        "case_number": case_number,
        "draft_case_summary": bench.draft_summary_with_sources,
        "proposals": bench.proposals,
    }


@router.get("/decisions", response_model=SearchResultsPublic, tags=["corpus"])
def search_decisions(
    ctx: Ctx,
    q: Annotated[str, Query(min_length=1, max_length=500)],
    k: Annotated[int, Query(ge=1, le=100)] = 20,
) -> SearchResultsPublic:
    """Search published decisions (disputed items and rationales); public, no login needed."""
    if not q.strip():
        raise InvalidInput("the query is empty", field="q")
    hits = published(ctx).search(q, k=k)
    if hits is None:
        raise NotFound("no published-decision corpus is configured (OPENIMR_CORPUS_DIR)")
    return SearchResultsPublic(query=q, hits=[SearchHitPublic(**h) for h in hits])


@router.get("/alerts", response_model=list[AlertPublic], tags=["jobs"])
def read_alerts(ctx: Ctx, _staff: StaffUser, case_number: str | None = None) -> list[AlertPublic]:
    """Deadline alerts and reminders raised by the background scan (staff only)."""
    if ctx.jobs is None:
        return []
    return [AlertPublic(**vars(a)) for a in ctx.jobs.alerts(case_number)]


@router.post("/jobs/deadline-scan", response_model=JobPublic, status_code=202, tags=["jobs"])
def start_deadline_scan(ctx: Ctx, _staff: StaffUser) -> JobPublic:
    """Queue a deadline scan now (it also runs every minute in the worker)."""
    return _job(ctx, _queue(ctx).enqueue("deadline_scan"))


@router.get("/jobs/{job_id}", response_model=JobPublic, tags=["jobs"])
def read_job(job_id: str, ctx: Ctx, _staff: StaffUser) -> JobPublic:
    """A background job's state from the durable ledger."""
    return _job(ctx, job_id)


def _queue(ctx: Any) -> Any:
    if ctx.jobs is None:
        raise NotFound("the background queue is not enabled in this process")
    return ctx.jobs


def _job(ctx: Any, job_id: str) -> JobPublic:
    job = _queue(ctx).job(job_id)
    if job is None:
        raise NotFound(f"no job {job_id}")
    return JobPublic(job_id=job.id, kind=job.kind, status=job.status, attempts=job.attempts)
