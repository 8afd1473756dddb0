"""The reviewer workbench's reads: the case file as text, and decision-support proposals.

The assist package proposes; the expert reviewer decides (LC 4610.6): proposals go
only to the assigned reviewer and to staff, never to parties, and each request is
audited like any other read of the case.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from openimr.assist.records import records_from_case_documents
from openimr.assist.summary import CaseHeader, draft_case_summary
from openimr.domain.case import Case, CaseDocument
from openimr.domain.document_text import PageText
from openimr.domain.errors import OpenIMRError, PermissionDenied
from openimr.domain.vocabulary import Role
from openimr.rules.pack import load_pack
from openimr.service.access import Actor, ensure_can_view
from openimr.service.document_text import as_text_document, document_pages
from openimr.service.events import audit
from openimr.service.ports import Clock, UnitOfWork

MAX_CHARS = 200_000


def _ensure_reviewer_or_staff(actor: Actor, case: Case) -> None:
    """Proposals are for the assigned expert reviewer and the IMR organization's staff."""
    ensure_can_view(actor, case)  # NotFound for a case the actor may not know of
    if actor.is_staff:
        return
    if actor.role is Role.REVIEWER and actor.reviewer_id == case.assigned_reviewer_id:
        return
    raise PermissionDenied(
        f"{actor.label} may not see decision support for case {case.case_number}",
        case_number=case.case_number,
    )


def case_file_text(case: Case, uow: UnitOfWork) -> str:
    """The clinical documents of the case file as one text, in filing order."""
    parts: list[str] = []
    size = 0
    clinical = load_pack(case.jurisdiction).clinical_kinds
    for doc in case.documents:
        if doc.kind not in clinical:
            continue
        text = "\n".join(p.text for p in document_pages(uow, doc)).strip()
        if text:
            parts.append(text)
            size += len(text)
        if size > MAX_CHARS:
            break
    return "\n\n".join(parts)[:MAX_CHARS]


def case_input(case: Case, summary: str) -> dict[str, Any]:
    """The `assist batch` input line for a case (docs/product.md)."""
    return {
        "id": case.case_number,
        "case_number": case.case_number,
        "date_of_injury": case.date_of_injury.isoformat() if case.date_of_injury else None,
        "ur_denial_date": case.ur_decision_date.isoformat(),
        "priority": case.priority.value,
        "jurisdiction": case.jurisdiction,
        "review_type": case.dispute_type,
        "facts": dict(case.facts),
        "clinical_case_summary": summary,
        "items": [{"id": i.item_id, "description": i.description} for i in case.items],
    }


@dataclass(frozen=True)
class Workbench:
    """What the reviewer's workbench shows beside the case file."""

    case_file_text: str
    draft_summary: str  # the assist package's traced draft, sources removed ("" when none)
    draft_summary_with_sources: str  # the same, each sentence ending with e.g. "[D4 p1]"
    proposals: list[dict[str, Any]]
    # Each criterion's evidence quote -> the document and page it came from.
    evidence_pages: dict[str, tuple[str, int]] = field(default_factory=dict)


def workbench_proposals(
    case_number: str,
    uow: UnitOfWork,
    actor: Actor,
    clock: Clock,
    propose: Callable[[dict[str, Any]], list[dict[str, Any]]],
) -> Workbench:
    """The draft clinical case summary and one proposal per disputed item; audited.

    The draft is drawn from the records themselves, each sentence traced to its document
    and page (8 CCR 9792.10.6(b)(2); LC 4610.6(e)); the proposals read that draft, or the
    case file's text when no draft could be made. The reviewer edits, decides and signs.
    """
    with uow:
        case = uow.cases.get(case_number)
        _ensure_reviewer_or_staff(actor, case)
        # A scan's OCR text stands in for its empty text layer (service/document_text.py).
        stored = [
            as_text_document(uow, doc, uow.documents.get(doc.content_hash))
            for doc in case.documents
        ]
        text = case_file_text(case, uow)
        pages = {doc.document_id: document_pages(uow, doc) for doc in case.documents}
        audit(uow, "AssistRequested", actor, clock(), case_number)
        uow.commit()
    plain, traced, sentences = _draft_summary(case, stored)
    proposals = propose(case_input(case, plain or text))
    quotes = {
        c["evidence"]
        for p in proposals
        for c in p.get("criteria") or []
        if isinstance(c.get("evidence"), str) and c["evidence"]
    }
    where = evidence_sources(quotes, sentences, pages)
    return Workbench(text, plain, traced, proposals, where)


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def evidence_sources(
    quotes: set[str],
    sentences: list[tuple[str, list[tuple[str, int]]]],
    pages: dict[str, list[PageText]],
) -> dict[str, tuple[str, int]]:
    """Where each evidence quote came from: the traced summary sentence that holds it (its
    source document and page), else the case-file page whose text holds it."""
    found: dict[str, tuple[str, int]] = {}
    for quote in quotes:
        probe = _norm(quote)[:80]
        if len(probe) < 8:
            continue
        for text, sources in sentences:
            if probe in _norm(text) and sources:
                found[quote] = sources[0]
                break
        else:
            for document_id, texts in pages.items():
                hit = next((p.page for p in texts if probe in _norm(p.text)), None)
                if hit is not None:
                    found[quote] = (document_id, hit)
                    break
    return found


def _draft_summary(
    case: Case, stored: list[tuple[CaseDocument, bytes]]
) -> tuple[str, str, list[tuple[str, list[tuple[str, int]]]]]:
    errors: list[str] = []
    records = records_from_case_documents(stored, errors)
    pack = load_pack(case.jurisdiction)
    header = CaseHeader(
        applicant_age=case.applicant_age,
        applicant_sex=case.applicant_sex,
        date_of_injury=case.date_of_injury,
        represented=any(p.role in pack.roles_of_kind("representative") for p in case.parties),
    )
    try:
        draft = draft_case_summary(records, case=header)
    except OpenIMRError:  # no readable record: the reviewer writes the summary unaided
        return "", "", []
    sentences = [
        (s.text, [(src.document_id, src.page) for src in s.sources if src.page is not None])
        for s in draft.sentences()
    ]
    return draft.text(with_sources=False), draft.text(with_sources=True), sentences
