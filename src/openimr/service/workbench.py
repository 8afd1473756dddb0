"""The reviewer workbench's reads: the case file as text, and decision-support proposals.

The assist package proposes; the expert reviewer decides (LC 4610.6): proposals go
only to the assigned reviewer and to staff, never to parties, and each request is
audited like any other read of the case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from openimr.assist.records import records_from_case_documents
from openimr.assist.summary import CaseHeader, draft_case_summary
from openimr.domain.case import Case, CaseDocument
from openimr.domain.errors import OpenIMRError, PermissionDenied, UnreadablePdf
from openimr.domain.vocabulary import DocumentKind, PartyRole, Role
from openimr.pdftext import pdf_pages
from openimr.service.access import Actor, ensure_can_view
from openimr.service.events import audit
from openimr.service.ports import Clock, UnitOfWork

# The documents a reviewer reads for the clinical picture (the application form is not one).
CLINICAL_KINDS = frozenset(
    {
        DocumentKind.MEDICAL_RECORD,
        DocumentKind.PROGRESS_REPORT,
        DocumentKind.IMAGING_REPORT,
        DocumentKind.UR_DECISION,
        DocumentKind.RFA,
    }
)
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


def document_text(content: bytes, media_type: str) -> str:
    """Plain text of a stored document (PDF text layer, or UTF-8 text)."""
    if media_type == "application/pdf":
        try:
            return "\n".join(pdf_pages(content))
        except UnreadablePdf:
            return ""  # checked at intake; an unreadable text layer just gives no text
    return content.decode("utf-8", errors="replace")


def case_file_text(case: Case, uow: UnitOfWork) -> str:
    """The clinical documents of the case file as one text, in filing order."""
    parts: list[str] = []
    size = 0
    for doc in case.documents:
        if doc.kind not in CLINICAL_KINDS:
            continue
        text = document_text(uow.documents.get(doc.content_hash), doc.media_type).strip()
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
        "date_of_injury": case.date_of_injury.isoformat(),
        "ur_denial_date": case.ur_decision_date.isoformat(),
        "priority": case.priority.value,
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
        stored = [(doc, uow.documents.get(doc.content_hash)) for doc in case.documents]
        text = case_file_text(case, uow)
        audit(uow, "AssistRequested", actor, clock(), case_number)
        uow.commit()
    plain, traced = _draft_summary(case, stored)
    return Workbench(text, plain, traced, propose(case_input(case, plain or text)))


def _draft_summary(case: Case, stored: list[tuple[CaseDocument, bytes]]) -> tuple[str, str]:
    errors: list[str] = []
    records = records_from_case_documents(stored, errors)
    header = CaseHeader(
        applicant_age=case.applicant_age,
        applicant_sex=case.applicant_sex,
        date_of_injury=case.date_of_injury,
        represented=any(p.role is PartyRole.REPRESENTATIVE for p in case.parties),
    )
    try:
        draft = draft_case_summary(records, case=header)
    except OpenIMRError:  # no readable record: the reviewer writes the summary unaided
        return "", ""
    return draft.text(with_sources=False), draft.text(with_sources=True)
