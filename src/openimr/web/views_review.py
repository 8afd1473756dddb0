"""Reviewer pages: the cases assigned to me, and the workbench where I decide and sign.

The workbench form's values come, in this order, from the signed determination (shown read
only), the form just posted (when signing was refused), the reviewer's saved draft, or the
machine drafts of decision support, which arrive marked as drafts (domain/drafting.py).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse, Response

from openimr.domain.citation import Citation
from openimr.domain.drafting import mark_draft
from openimr.domain.errors import AssistUnavailable, InvalidInput, OpenIMRError
from openimr.domain.vocabulary import CaseState, Decision, EvidenceSource
from openimr.runtime.context import proposer
from openimr.service.auth import actor_for
from openimr.service.queries import get_case, list_cases
from openimr.service.review import ItemDecision, RecordReview, record_review
from openimr.service.reviewer_actions import (
    ReleaseCase,
    get_draft,
    release_case,
    request_records,
    save_draft,
)
from openimr.service.workbench import workbench_proposals
from openimr.web.render import render
from openimr.web.session import Csrf, ReviewerPage, optional_user, session_secret
from openimr.web.workbench_form import (
    CITATION_PARTS,
    citation_values,
    form_values,
    parse_citation,
)

router = APIRouter(include_in_schema=False)

# The cases a reviewer still has work on; signed ones leave "My reviews".
TO_REVIEW = frozenset({CaseState.ASSIGNED, CaseState.RECORDS_RECEIVED})


@router.get("/reviews")
def my_reviews(request: Request, user: ReviewerPage) -> Response:
    svc = request.app.state.ctx.services
    rows = list_cases(svc.uow(), actor_for(user), svc.clock, states=TO_REVIEW, limit=500)
    rows.sort(key=lambda r: (r.days_left is None, r.days_left or 0, r.case_number))
    return render(request, "reviews.html", rows=rows, today=svc.clock().date())


def _machine_values(request: Request, case: Any, user: Any) -> tuple[dict[str, str], Any, str]:
    """The marked machine drafts, the proposals, and why decision support is absent."""
    ctx = request.app.state.ctx
    svc = ctx.services
    try:
        bench = workbench_proposals(
            case.case_number, svc.uow(), actor_for(user), svc.clock, proposer(ctx)
        )
    except AssistUnavailable as err:
        return {}, {}, err.message
    values = {"clinical_case_summary": mark_draft(bench.draft_summary)}
    proposals = {p["item_id"]: p for p in bench.proposals}
    for item_id, p in proposals.items():
        if p.get("citations"):
            values.update(citation_values(f"guideline-{item_id}", p["citations"][0]))
    return values, (proposals, bench.draft_summary_with_sources, bench.evidence_pages), ""


def _signed_values(case: Any) -> dict[str, str]:
    det = case.determination
    values = {"clinical_case_summary": det.clinical_case_summary}
    for item in det.items:
        key = item.item_id
        values[f"decision-{key}"] = item.decision.value
        values[f"rationale-{key}"] = item.rationale
        if item.imr_guideline:
            values.update(citation_values(f"guideline-{key}", item.imr_guideline[0].to_dict()))
        if item.claims_administrator_guideline:
            first = item.claims_administrator_guideline[0].to_dict()
            values.update(citation_values(f"ca-guideline-{key}", first))
    return values


def _workbench(
    request: Request,
    case_number: str,
    user: Any,
    posted: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    svc = request.app.state.ctx.services
    view = get_case(case_number, svc.uow(), actor_for(user), svc.clock)
    case = view.case
    signed = case.determination is not None
    proposals: dict[str, Any] = {}
    sources, assist_message = "", ""
    draft = None
    evidence_pages: dict[str, dict[str, str]] = {}
    if signed:
        values = _signed_values(case)
    else:
        values, found, assist_message = _machine_values(request, case, user)
        if found:
            proposals, sources, located = found
            evidence_pages = {
                quote: {
                    "href": f"/cases/{case_number}/documents/{doc}/view?page={page}",
                    "label": f"{doc}, page {page}",
                }
                for quote, (doc, page) in located.items()
            }
        draft = get_draft(case_number, svc.uow(), actor_for(user), svc.clock)
        if draft is not None:  # what the reviewer typed wins over the machine drafts
            values = {**values, **draft.values}
        if posted is not None:
            values = {**values, **posted}
    return render(
        request,
        "workbench.html",
        status_code=status_code,
        case=case,
        proposals=proposals,
        assist_message=assist_message,
        summary_sources=sources,
        values=values,
        errors=errors or {},
        signed=signed,
        signable=case.state is CaseState.RECORDS_RECEIVED and not signed,
        sources=[s.value for s in EvidenceSource],
        citation_parts=CITATION_PARTS,
        draft=draft,
        evidence_pages=evidence_pages,
        request_records_url=f"/reviews/{case_number}#more-records",
    )


@router.get("/reviews/{case_number}")
def workbench(request: Request, case_number: str, user: ReviewerPage) -> Response:
    return _workbench(request, case_number, user)


CITATION_LEGENDS = {
    "guideline": "IMR guideline relied on",
    "ca-guideline": "claims administrator's guideline",
}


def _citation(
    text: Any, prefix: str, item: str, errors: dict[str, str], *, required: bool
) -> Citation | None:
    """The citation of the fields `prefix-*`; a bad entry is an error on the field it is in,
    saying which item and which guideline it belongs to."""
    try:
        return parse_citation(text, prefix, required=required)
    except InvalidInput as err:
        legend = CITATION_LEGENDS[prefix.rsplit("-", 1)[0]]
        errors[str(err.details.get("field"))] = f"{item}, {legend}: {err.message}"
        return None


def _decisions(case: Any, text: Any, errors: dict[str, str]) -> list[ItemDecision]:
    decisions = []
    for item in case.items:
        key = item.item_id
        raw = text(f"decision-{key}")
        if raw not in {d.value for d in Decision}:
            errors[f"decision-{key}"] = f"choose a decision for {item.description}"
        imr = _citation(text, f"guideline-{key}", item.description, errors, required=True)
        ca = _citation(text, f"ca-guideline-{key}", item.description, errors, required=False)
        if not text(f"rationale-{key}"):
            errors[f"rationale-{key}"] = f"write the rationale for {item.description}"
        if errors:
            continue
        decisions.append(
            ItemDecision(
                item_id=key,
                decision=Decision(raw),
                claims_administrator_guideline=[ca] if isinstance(ca, Citation) else [],
                imr_guideline=[imr] if isinstance(imr, Citation) else [],
                rationale=text(f"rationale-{key}"),
            )
        )
    return decisions


@router.post("/reviews/{case_number}")
async def sign(request: Request, case_number: str, user: ReviewerPage, _csrf: Csrf) -> Response:
    """Sign the determination; a refusal shows the workbench again with what was typed."""
    svc = request.app.state.ctx.services
    posted = form_values(await request.form())

    def text(name: str) -> str:
        return posted.get(name, "").strip()

    view = await run_in_threadpool(get_case, case_number, svc.uow(), actor_for(user), svc.clock)
    errors: dict[str, str] = {}
    decisions = _decisions(view.case, text, errors)
    if not text("clinical_case_summary"):
        errors["clinical_case_summary"] = "write the clinical case summary"
    if text("attest") != "yes":
        errors["attest"] = "confirm the attestation to sign"
    if not errors:
        version = text("version")
        cmd = RecordReview(
            case_number=case_number,
            clinical_case_summary=text("clinical_case_summary"),
            items=decisions,
            expected_version=int(version) if version.isdigit() else None,
        )
        try:
            await run_in_threadpool(record_review, cmd, svc.uow(), actor_for(user), svc.clock)
        except InvalidInput as err:
            problems = err.details.get("problems")
            if isinstance(problems, dict):
                errors.update({str(k): str(v) for k, v in problems.items()})
            else:
                errors[str(err.details.get("field") or "form")] = err.message
        except OpenIMRError as err:
            errors["form"] = err.message
    if errors:
        return _workbench(request, case_number, user, posted, errors, status_code=422)
    return RedirectResponse(f"/reviews/{case_number}?flash=signed", status_code=303)


DRAFT_FIELDS = ("clinical_case_summary", "decision-", "rationale-", "guideline-", "ca-guideline-")


@router.post("/reviews/{case_number}/draft")
async def autosave(request: Request, case_number: str) -> Response:
    """Save the unsigned form as the reviewer types (JSON in and out, for app.js). An
    expired session answers 401 so the page can ask for the password in place."""
    user = optional_user(request)
    if user is None:
        return JSONResponse({"error": "session_expired"}, status_code=401)
    ctx = request.app.state.ctx
    token = request.headers.get("x-csrf-token")
    if not ctx.signer.csrf_ok(session_secret(request), token):
        return JSONResponse({"error": "csrf_failed"}, status_code=403)
    body = await request.json()
    raw = body.get("values") if isinstance(body, dict) else None
    if not isinstance(raw, dict):
        raise InvalidInput("send the form values", field="values")
    values = {
        str(k): str(v)[:20_000]
        for k, v in raw.items()
        if isinstance(k, str) and k.startswith(DRAFT_FIELDS)
    }
    version = body.get("version")
    expected = version if isinstance(version, int) else None
    svc = ctx.services
    saved = await run_in_threadpool(
        save_draft, case_number, values, expected, svc.uow(), actor_for(user), svc.clock
    )
    return JSONResponse({"version": saved, "saved_at": svc.clock().isoformat()})


@router.post("/reviews/{case_number}/release")
def release(
    request: Request,
    case_number: str,
    user: ReviewerPage,
    _csrf: Csrf,
    kind: Annotated[str, Form()],
    reason: Annotated[str, Form()] = "",
    version: Annotated[str, Form()] = "",
) -> Response:
    """Decline or recuse, with the reason (audited); the case goes back to staff."""
    svc = request.app.state.ctx.services
    if kind not in ("decline", "recuse"):
        raise InvalidInput("choose decline or recuse", field="kind")
    cmd = ReleaseCase(
        case_number,
        "recuse" if kind == "recuse" else "decline",
        reason,
        int(version) if version.isdigit() else None,
    )
    release_case(cmd, svc.uow(), actor_for(user), svc.clock)
    return RedirectResponse("/reviews?flash=released", status_code=303)


@router.post("/reviews/{case_number}/records-request")
def more_records(
    request: Request,
    case_number: str,
    user: ReviewerPage,
    _csrf: Csrf,
    what: Annotated[str, Form()] = "",
) -> Response:
    """Ask staff for records missing from the case file."""
    svc = request.app.state.ctx.services
    request_records(case_number, what, svc.uow(), actor_for(user), svc.clock)
    return RedirectResponse(f"/reviews/{case_number}?flash=requested", status_code=303)
