"""Pages for every role: documents, letters, the party's cases, published-decision search."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from openimr.domain.errors import NotFound
from openimr.domain.vocabulary import CaseState, Role
from openimr.runtime.context import published
from openimr.service.access import Actor
from openimr.service.auth import actor_for
from openimr.service.dashboard import public_statistics
from openimr.service.decisions import corpus_letter
from openimr.service.notices import list_notices
from openimr.service.queries import (
    get_case,
    get_document,
    get_letter,
    list_cases,
    search_published_here,
)
from openimr.web.render import render
from openimr.web.session import PageUser, optional_user
from openimr.web.wording import words

router = APIRouter(include_in_schema=False)

LETTER_STATES = frozenset({CaseState.ISSUED, CaseState.PUBLISHED})


def _party_view(case: Any) -> dict[str, Any]:
    """What a party sees of its case: status, items and decisions; never the reviewer."""
    det = case.determination
    return {
        "case_number": case.case_number,
        "state": case.state.value,
        "priority": case.priority.value,
        "application_received_on": case.application_received_on,
        "letter_available": case.state in LETTER_STATES,
        "items": [
            {
                "description": i.description,
                "decision": det.decision_for(i.item_id).decision.value
                if det is not None and case.state in LETTER_STATES
                else None,
            }
            for i in case.items
        ],
    }


@router.get("/my-cases")
def my_cases(request: Request, user: PageUser) -> Response:
    svc = request.app.state.ctx.services
    rows = list_cases(svc.uow(), actor_for(user), svc.clock, limit=500)
    cases = [
        {
            "case_number": r.case_number,
            "state": r.state.value,
            "items": [{"description": d} for d in r.items],
            "letter_available": r.state in LETTER_STATES,
        }
        for r in rows
    ]
    return render(request, "my_cases.html", cases=cases)


@router.get("/my-cases/{case_number}")
def my_case(request: Request, case_number: str, user: PageUser) -> Response:
    svc = request.app.state.ctx.services
    actor = actor_for(user)
    view = get_case(case_number, svc.uow(), actor, svc.clock)
    notices = list_notices(case_number, svc.uow(), actor, svc.clock)
    return render(request, "party_case.html", case=_party_view(view.case), notices=notices)


@router.get("/cases/{case_number}/documents/{document_id}")
def document(request: Request, case_number: str, document_id: str, user: PageUser) -> Response:
    svc = request.app.state.ctx.services
    doc, content = get_document(case_number, document_id, svc.uow(), actor_for(user), svc.clock)
    media = "text/plain; charset=utf-8" if doc.media_type.startswith("text/") else doc.media_type
    return Response(content, media_type=media, headers={"Content-Disposition": "inline"})


def _letter_file(request: Request, case_number: str, user: Any, fmt: str, public: bool) -> Response:
    svc = request.app.state.ctx.services
    letter = get_letter(case_number, svc.uow(), actor_for(user), svc.clock, fmt, public)  # type: ignore[arg-type]
    disposition = "attachment" if fmt == "pdf" else "inline"
    return Response(
        letter.content,
        media_type=letter.media_type,
        headers={"Content-Disposition": f'{disposition}; filename="{letter.filename}"'},
    )


@router.get("/cases/{case_number}/letter")
def letter_page(request: Request, case_number: str, user: PageUser) -> Response:
    svc = request.app.state.ctx.services
    letter = get_letter(case_number, svc.uow(), actor_for(user), svc.clock, "text", False)
    return render(
        request,
        "letter.html",
        case_number=case_number,
        case_label=case_number,
        text=letter.content.decode(),
        public=False,
        base=f"/cases/{case_number}/letter",
        can_see_public=user.role in (Role.STAFF, Role.ADMIN),
    )


@router.get("/cases/{case_number}/letter.txt")
def letter_text(request: Request, case_number: str, user: PageUser) -> Response:
    return _letter_file(request, case_number, user, "text", False)


@router.get("/cases/{case_number}/letter.html")
def letter_html(request: Request, case_number: str, user: PageUser) -> Response:
    return _letter_file(request, case_number, user, "html", False)


@router.get("/cases/{case_number}/letter.pdf")
def letter_pdf(request: Request, case_number: str, user: PageUser) -> Response:
    return _letter_file(request, case_number, user, "pdf", False)


@router.get("/cases/{case_number}/letter/public")
def public_letter_page(request: Request, case_number: str) -> Response:
    """The redacted letter: anyone once published, staff before (preview)."""
    svc = request.app.state.ctx.services
    user = optional_user(request)
    actor = actor_for(user) if user else _anonymous()
    letter = get_letter(case_number, svc.uow(), actor, svc.clock, "text", True)
    return render(
        request,
        "letter.html",
        case_number=case_number,
        case_label="redacted",
        text=letter.content.decode(),
        public=True,
        base=f"/cases/{case_number}/letter",
        can_see_public=True,
    )


@router.get("/cases/{case_number}/letter/public.txt")
def public_letter_text(request: Request, case_number: str) -> Response:
    user = optional_user(request)
    svc = request.app.state.ctx.services
    actor = actor_for(user) if user else _anonymous()
    letter = get_letter(case_number, svc.uow(), actor, svc.clock, "text", True)
    return Response(letter.content, media_type=letter.media_type)


def _anonymous() -> Actor:
    return Actor("anonymous", Role.PARTY)


@router.get("/decisions")
def decisions(request: Request, q: str = "", decision: str = "") -> Response:
    """Public search: the decisions published here and the imported corpus; no login."""
    ctx = request.app.state.ctx
    source = published(ctx)
    query = q.strip()[:500]
    here = search_published_here(ctx.services.uow(), query) if query else []
    hits: list[dict[str, Any]] = [
        {
            "case_number": h.case_number,
            "description": h.description,
            "decision": h.decision,
            "decision_date": h.decision_date,
            "similarity": None,
            "href": f"/cases/{h.case_number}/letter/public",
            "where": "published here",
        }
        for h in here
    ]
    for hit in (source.search(query, k=50) or []) if query else []:
        hits.append(
            {
                **hit,
                "href": f"/decisions/{hit['case_number']}",
                "where": "published corpus",
            }
        )
    if decision in ("upheld", "overturned"):
        hits = [h for h in hits if h["decision"] == decision]
    available = source.index() is not None
    return render(request, "decisions.html", q=q, decision=decision, hits=hits, available=available)


@router.get("/decisions/{case_number}")
def corpus_decision(request: Request, case_number: str) -> Response:
    """One letter of the imported corpus, as it was published (already redacted)."""
    letter = corpus_letter(published(request.app.state.ctx), case_number)
    if letter is None:
        raise NotFound(f"no published decision {case_number}")
    return render(request, "corpus_letter.html", letter=letter)


@router.get("/analytics")
def analytics(request: Request) -> Response:
    """Counts only (no case, no person): open to anyone, as the README says."""
    ctx = request.app.state.ctx
    svc = ctx.services
    stats = public_statistics(svc.uow(), svc.clock)
    return render(
        request,
        "analytics.html",
        by_state=[(words(k), v) for k, v in stats.by_state],
        by_decision=[(words(k), v) for k, v in stats.by_decision],
        by_clock=stats.by_clock,
        corpus_rates=[(bar.label, bar.value) for bar in published(ctx).overturn_rates()],
    )
