"""The reviewer workbench's reads: the case file as text, and decision-support proposals.

The assist package proposes; the expert reviewer decides (LC 4610.6): proposals go
only to the assigned reviewer and to staff, never to parties, and each request is
audited like any other read of the case.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from openimr.domain.case import Case
from openimr.domain.errors import NotFound, PermissionDenied
from openimr.domain.vocabulary import DocumentKind, Role
from openimr.service.access import Actor
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


class AssistUnavailable(NotFound):
    """Decision support cannot run here (no model packaged, or no corpus)."""

    code = "assist_unavailable"


def _ensure_reviewer_or_staff(actor: Actor, case: Case) -> None:
    """Proposals are for the assigned expert reviewer and the IMR organization's staff."""
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
            reader = PdfReader(io.BytesIO(content))
            if reader.is_encrypted:
                reader.decrypt("")
            return "\n".join(page.extract_text() or "" for page in reader.pages)
        except (PyPdfError, ValueError, KeyError, TypeError, OSError):
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


def workbench_proposals(
    case_number: str,
    uow: UnitOfWork,
    actor: Actor,
    clock: Clock,
    propose: Callable[[dict[str, Any]], list[dict[str, Any]]],
    summary: str | None = None,
) -> tuple[str, list[dict[str, Any]]]:
    """(case-file text, one proposal per disputed item) for the workbench; audited.

    `propose` maps an `assist batch` input line to its output lines; `summary` is the
    reviewer's draft clinical case summary when there is one, else the case file's text.
    """
    with uow:
        case = uow.cases.get(case_number)
        _ensure_reviewer_or_staff(actor, case)
        text = case_file_text(case, uow)
        audit(uow, "AssistRequested", actor, clock(), case_number)
        uow.commit()
    return text, propose(case_input(case, summary or text))
