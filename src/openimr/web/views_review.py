"""Reviewer pages: the cases assigned to me, and the workbench where I decide and sign."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from openimr.domain.citation import Citation
from openimr.domain.errors import AssistUnavailable, InvalidInput
from openimr.domain.vocabulary import CaseState, Decision, EvidenceSource
from openimr.runtime.context import proposer
from openimr.service.auth import actor_for
from openimr.service.queries import get_case, list_cases
from openimr.service.review import ItemDecision, RecordReview, record_review
from openimr.service.workbench import workbench_proposals
from openimr.web.render import render
from openimr.web.session import Csrf, ReviewerPage

router = APIRouter(include_in_schema=False)


def citation_line(c: dict[str, Any]) -> str:
    """A citation as one form line: source | guideline | edition | sections | pages | strength."""
    return " | ".join(
        [
            str(c.get("source") or ""),
            str(c.get("guideline") or ""),
            str(c.get("edition") or ""),
            "; ".join(c.get("sections") or []),
            "; ".join(str(p) for p in c.get("pages") or []),
            str(c.get("strength") or ""),
        ]
    )


def parse_citation(line: str, field: str) -> Citation:
    """The inverse of `citation_line`; the source must be one of the contract strings."""
    parts = [p.strip() for p in line.split("|")] + [""] * 6
    try:
        source = EvidenceSource(parts[0])
    except ValueError as err:
        allowed = ", ".join(s.value for s in EvidenceSource)
        raise InvalidInput(f"{field}: the source must be one of {allowed}", field=field) from err
    return Citation(
        source=source,
        guideline=parts[1] or None,
        edition=parts[2] or None,
        sections=tuple(s.strip() for s in parts[3].split(";") if s.strip()),
        pages=tuple(p.strip() for p in parts[4].split(";") if p.strip()),
        strength=parts[5] or None,
    )


@router.get("/reviews")
def my_reviews(request: Request, user: ReviewerPage) -> Response:
    svc = request.app.state.ctx.services
    rows = list_cases(svc.uow(), actor_for(user), svc.clock, limit=500)
    return render(request, "reviews.html", rows=rows, today=svc.clock().date())


@router.get("/reviews/{case_number}")
def workbench(request: Request, case_number: str, user: ReviewerPage) -> Response:
    ctx = request.app.state.ctx
    svc = ctx.services
    actor = actor_for(user)
    view = get_case(case_number, svc.uow(), actor, svc.clock)
    proposals: dict[str, Any] = {}
    assist_message = ""
    summary, traced = "", ""
    try:
        bench = workbench_proposals(case_number, svc.uow(), actor, svc.clock, proposer(ctx))
        proposals = {p["item_id"]: p for p in bench.proposals}
        summary, traced = bench.draft_summary, bench.draft_summary_with_sources
    except AssistUnavailable as err:
        assist_message = err.message
    defaults = {
        item_id: citation_line(p["citations"][0])
        for item_id, p in proposals.items()
        if p.get("citations")
    }
    return render(
        request,
        "workbench.html",
        case=view.case,
        proposals=proposals,
        assist_message=assist_message,
        default_guideline=defaults,
        ca_guideline={},
        summary=summary,
        summary_sources=traced,
        signable=view.case.state is CaseState.RECORDS_RECEIVED,
    )


@router.post("/reviews/{case_number}")
async def sign(request: Request, case_number: str, user: ReviewerPage, _csrf: Csrf) -> Response:
    svc = request.app.state.ctx.services
    form = await request.form()

    def text(name: str) -> str:
        value = form.get(name)
        return value.strip() if isinstance(value, str) else ""

    if text("attest") != "yes":
        raise InvalidInput("confirm the attestation to sign", field="attest")
    view = await run_in_threadpool(get_case, case_number, svc.uow(), actor_for(user), svc.clock)
    decisions = []
    for item in view.case.items:
        key = item.item_id
        raw = text(f"decision-{key}")
        if raw not in {d.value for d in Decision}:
            raise InvalidInput(f"choose a decision for {item.description}", field=f"decision-{key}")
        ca_line = text(f"ca-guideline-{key}")
        decisions.append(
            ItemDecision(
                item_id=key,
                decision=Decision(raw),
                claims_administrator_guideline=[parse_citation(ca_line, f"ca-guideline-{key}")]
                if ca_line
                else [],
                imr_guideline=[parse_citation(text(f"guideline-{key}"), f"guideline-{key}")],
                rationale=text(f"rationale-{key}"),
            )
        )
    version = text("version")
    cmd = RecordReview(
        case_number=case_number,
        clinical_case_summary=text("clinical_case_summary"),
        items=decisions,
        expected_version=int(version) if version.isdigit() else None,
    )
    await run_in_threadpool(record_review, cmd, svc.uow(), actor_for(user), svc.clock)
    return RedirectResponse("/reviews?flash=Determination+signed", status_code=303)
