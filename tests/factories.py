"""Valid objects by default; tests override only what they are about."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, date, datetime
from typing import Any

from openimr.domain.case import Case, CaseDocument, DisputedItem, Party
from openimr.domain.citation import Citation
from openimr.domain.determination import Determination, ItemDetermination
from openimr.domain.reviewer import (
    BoardCertification,
    ExpertReviewer,
    License,
    ReviewerCredentials,
)
from openimr.domain.vocabulary import (
    Decision,
    DocumentKind,
    EvidenceSource,
    PartyRole,
    Priority,
    ServiceMethod,
)
from openimr.service.intake import DocumentUpload, ItemInput, PartyInput, SubmitApplication
from openimr.service.review import ItemDecision, RecordReview

T0 = datetime(2015, 6, 1, 10, 0, tzinfo=UTC)


def make_parties() -> list[Party]:
    return [
        Party(PartyRole.INJURED_WORKER, "Pat Testworker", "person:pat-testworker"),
        Party(PartyRole.EMPLOYER, "Acme Test Freight", "org:acme-test-freight"),
        Party(PartyRole.CLAIMS_ADMINISTRATOR, "Test Mutual", "org:test-mutual"),
        Party(PartyRole.REQUESTING_PHYSICIAN, "Dr. Lee Testdoc", "person:dr-lee-testdoc"),
    ]


def document_bytes(n: int = 1) -> bytes:
    """The content of `make_document(n=n)`, for stores that check the hash exists."""
    return f"document {n}".encode()


def make_document(kind: DocumentKind = DocumentKind.UR_DECISION, n: int = 1) -> CaseDocument:
    return CaseDocument(
        document_id=f"D{n}",
        kind=kind,
        title=f"{kind.value} {n}",
        content_hash=hashlib.sha256(document_bytes(n)).hexdigest(),
        media_type="text/plain",
        pages=1,
        author="Dr. Lee Testdoc",
        document_date=date(2015, 5, 15),
        filename=f"doc{n}.txt",
    )


def make_case(**overrides: Any) -> Case:
    """An eligible standard case: injury 2014, UR decision mailed 2015-05-15, filed on time."""
    values: dict[str, Any] = {
        "case_number": "CM15-0000001",
        "jurisdiction": "ca_dwc",
        "priority": Priority.STANDARD,
        "date_of_injury": date(2014, 3, 3),
        "ur_decision_date": date(2015, 5, 15),
        "ur_decision_served_by": ServiceMethod.MAIL,
        "application_received_on": date(2015, 6, 1),
        "application_signed": True,
        "dispute_type": "medical_necessity",
        "claim_number": "CLM-1",
        "condition": "chronic low back pain",
        "parties": make_parties(),
        "documents": [make_document()],
        "items": [DisputedItem("1", "Hot/Cold unit for the lumbar spine")],
    }
    values.update(overrides)
    return Case(**values)


def make_reviewer(**overrides: Any) -> ExpertReviewer:
    """A qualified occupational medicine reviewer licensed in California."""
    values: dict[str, Any] = {
        "reviewer_id": "R1",
        "name": "Dr. Una Testreviewer",
        "profession": "MD",
        "specialties": ["Occupational Medicine"],
        "board_certifications": [BoardCertification("Occupational Medicine")],
        "licenses": [License("CA", date(2030, 12, 31), "CA-T-1")],
        "years_active_practice": 12,
        "hours_per_week": 30,
    }
    values.update(overrides)
    return ExpertReviewer(**values)


def make_determination(case: Case, reviewer: ExpertReviewer, **overrides: Any) -> Determination:
    values: dict[str, Any] = {
        "clinical_case_summary": "A worker with chronic low back pain.",
        "items": tuple(
            ItemDetermination(
                item_id=i.item_id,
                decision=Decision.UPHELD,
                claims_administrator_guideline=(Citation(EvidenceSource.NON_MTUS, "ODG", "2015"),),
                imr_guideline=(
                    Citation(EvidenceSource.MTUS, "Low Back Complaints", "2004", pages=("299",)),
                ),
                rationale="Not medically necessary: the guideline supports simple packs only.",
            )
            for i in case.items
        ),
        "credentials": ReviewerCredentials.of(reviewer),
        "signed_by": reviewer.reviewer_id,
        "signed_at": T0,
    }
    values.update(overrides)
    return Determination(**values)


def text_upload(
    name: str = "ur.txt", kind: DocumentKind = DocumentKind.UR_DECISION, body: str = "UR decision"
) -> DocumentUpload:
    return DocumentUpload(name, body.encode(), kind, title=name)


def pdf_bytes(pages: int = 1) -> bytes:
    """A real (blank-page) PDF that pypdf can read."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_application(**overrides: Any) -> SubmitApplication:
    values: dict[str, Any] = {
        "jurisdiction": "ca_dwc",
        "priority": Priority.STANDARD,
        "date_of_injury": date(2014, 3, 3),
        "ur_decision_date": date(2015, 5, 15),
        "ur_decision_served_by": ServiceMethod.MAIL,
        "application_received_on": date(2015, 6, 1),
        "application_signed": True,
        "claim_number": "CLM-1",
        "condition": "chronic low back pain",
        "items": [ItemInput("Hot/Cold unit for the lumbar spine")],
        "parties": [PartyInput(p.role, p.name, p.key) for p in make_parties()],
        "documents": [
            text_upload("application.txt", DocumentKind.APPLICATION, "DWC Form IMR, signed"),
            text_upload("ur-decision.txt", DocumentKind.UR_DECISION, "UR: non-certified"),
            DocumentUpload("rfa.pdf", pdf_bytes(2), DocumentKind.RFA, title="RFA"),
        ],
    }
    values.update(overrides)
    return SubmitApplication(**values)


def make_review(case_number: str, item_ids: tuple[str, ...] = ("1",)) -> RecordReview:
    return RecordReview(
        case_number=case_number,
        clinical_case_summary="A worker with chronic low back pain asks for a hot/cold unit.",
        items=[
            ItemDecision(
                item_id=item_id,
                decision=Decision.UPHELD,
                claims_administrator_guideline=[Citation(EvidenceSource.NON_MTUS, "ODG", "2015")],
                imr_guideline=[
                    Citation(EvidenceSource.MTUS, "Low Back Complaints", "2004", pages=("299",))
                ],
                rationale="Not medically necessary: simple hot and cold packs suffice.",
            )
            for item_id in item_ids
        ],
    )
