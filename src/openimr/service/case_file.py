"""The case file as it arrives: staff add documents at any time (records received means
files received), an ineligible application comes back when what was missing arrives, and
scanned pages are queued for OCR (service/document_text.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from openimr.domain.vocabulary import CaseState
from openimr.service.access import Actor, ensure_staff
from openimr.service.concurrency import ensure_version
from openimr.service.document_text import queue_ocr
from openimr.service.events import audit, record_events
from openimr.service.intake import DocumentUpload, _add_documents, check_document
from openimr.service.notify import notify_reviewer
from openimr.service.ports import Clock, UnitOfWork


@dataclass(frozen=True)
class AddDocuments:
    case_number: str
    documents: list[DocumentUpload]
    expected_version: int | None = None


@dataclass(frozen=True)
class DocumentsAdded:
    case_number: str
    document_ids: list[str]
    ocr_queued: list[tuple[str, str]]  # (document id, content hash) to hand to the OCR job
    requests_answered: int
    version: int
    state: CaseState = CaseState.RECEIVED
    warnings: list[str] = field(default_factory=list)


def add_documents(cmd: AddDocuments, uow: UnitOfWork, actor: Actor, clock: Clock) -> DocumentsAdded:
    """File documents into a case at any time (staff only; not once withdrawn). Every file
    is checked before any is stored; open records requests of the reviewer are answered and
    the reviewer told."""
    from openimr.domain.errors import InvalidInput, InvalidTransition

    ensure_staff(actor, "add documents to a case")
    if not cmd.documents:
        raise InvalidInput("choose at least one file to add", field="documents")
    checked = [check_document(u, f"documents[{n}]") for n, u in enumerate(cmd.documents)]
    with uow:
        case = uow.cases.get(cmd.case_number)
        ensure_version(case, cmd.expected_version)
        if case.state is CaseState.WITHDRAWN:
            raise InvalidTransition(
                f"case {case.case_number} is withdrawn: no documents can be added",
                case_number=case.case_number,
                state=case.state.value,
                to=case.state.value,
            )
        added = _add_documents(uow, case, checked)
        case.documents = [*case.documents, *added]
        now = clock()
        answered = case.answer_records_requests(now)
        queued = [
            (doc.document_id, doc.content_hash)
            for doc, upload in zip(added, checked, strict=True)
            if queue_ocr(uow, doc, upload.upload.content, clock)
        ]
        uow.cases.save(case)
        record_events(uow, case, actor)
        audit(
            uow,
            "DocumentsAdded",
            actor,
            now,
            case.case_number,
            documents=[f"{d.document_id} {d.title}" for d in added],
            ocr=[d for d, _ in queued],
            requests_answered=answered,
        )
        if case.assigned_reviewer_id and case.state is not CaseState.REVIEWED:
            notify_reviewer(
                uow,
                case.assigned_reviewer_id,
                "documents",
                case.case_number,
                f"{len(added)} document(s) added to case {case.case_number}: "
                + "; ".join(d.title for d in added),
                now,
                key=",".join(d.document_id for d in added),
            )
        uow.commit()
        return DocumentsAdded(
            case.case_number,
            [d.document_id for d in added],
            queued,
            answered,
            case.version,
            case.state,
        )


def reopen_eligibility(
    case_number: str,
    reason: str,
    uow: UnitOfWork,
    actor: Actor,
    clock: Clock,
    expected_version: int | None = None,
) -> int:
    """An ineligible case comes back for a new eligibility decision (staff only)."""
    from openimr.domain.errors import InvalidInput

    ensure_staff(actor, "reopen eligibility")
    if not reason.strip():
        raise InvalidInput("say what changed (e.g. the signed form arrived)", field="reason")
    with uow:
        case = uow.cases.get(case_number)
        ensure_version(case, expected_version)
        case.reopen_eligibility(clock(), reason.strip()[:500])
        uow.cases.save(case)
        record_events(uow, case, actor)
        uow.commit()
        return case.version
