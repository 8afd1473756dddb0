"""The seed case's data files, validated: seed_case.yaml and demo_panel.yaml.

Each file kind has a pydantic model that forbids unknown keys, read by the one data-file
loader (`openimr.datafile`): a bad file is a RuleDataError naming the file and the field.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from openimr.datafile import StrictModel, dotted_path, load_model
from openimr.domain.citation import Citation
from openimr.domain.errors import InvalidInput
from openimr.domain.reviewer import BoardCertification, ExpertReviewer, License
from openimr.domain.vocabulary import (
    Decision,
    EvidenceSource,
    Priority,
    ServiceMethod,
)
from openimr.service.intake import DocumentUpload

HERE = Path(__file__).parent
SEED_CASE = HERE / "seed_case.yaml"
DEMO_PANEL = HERE / "demo_panel.yaml"


class DocumentIn(StrictModel):
    filename: str
    kind: str  # a document kind of the case's jurisdiction pack
    title: str
    author: str | None = None
    document_date: date | None = None
    text: str

    def upload(self) -> DocumentUpload:
        return DocumentUpload(
            filename=self.filename,
            content=self.text.encode(),
            kind=self.kind,
            title=self.title,
            author=self.author,
            document_date=self.document_date,
            media_type="text/plain",
        )


class PartyIn(StrictModel):
    role: str  # a party role of the case's jurisdiction pack
    name: str
    key: str
    organization: str | None = None
    address: str | None = None


class ItemIn(StrictModel):
    description: str
    original_request: str | None = None
    authorized_portion: str | None = None


class CaseIn(StrictModel):
    jurisdiction: str
    priority: Priority
    date_of_injury: date | None = None
    ur_decision_date: date
    ur_decision_served_by: ServiceMethod
    application_received_on: date
    application_signed: bool
    dispute_type: str
    claim_number: str | None = None
    applicant_age: int | None = None
    applicant_sex: str | None = None
    condition: str = ""
    facts: dict[str, str] = {}
    items: list[ItemIn]
    parties: list[PartyIn]
    documents: list[DocumentIn]


class TimelineIn(StrictModel):
    # A pack whose assignment is a notice of its own (ca_dwc) dates and serves that notice;
    # the others say how the assignment itself was served.
    assignment_notice_on: date | None = None
    assignment_notice_served_by: ServiceMethod = ServiceMethod.ELECTRONIC
    noarfi_served_by: ServiceMethod | None = None
    assigned_on: date
    records_received_on: date
    records_served_by: ServiceMethod
    records: list[DocumentIn]
    signed_at: datetime
    issued_on: date
    determination_served_by: ServiceMethod = ServiceMethod.ELECTRONIC
    published_on: date


class CitationIn(StrictModel):
    source: EvidenceSource
    guideline: str | None = None
    edition: str | None = None
    sections: list[str] = []
    pages: list[str] = []
    strength: str | None = None
    text: str = ""

    def citation(self) -> Citation:
        return Citation(
            self.source,
            self.guideline,
            self.edition,
            tuple(self.sections),
            tuple(self.pages),
            self.strength,
            self.text,
        )


class ItemDecisionIn(StrictModel):
    item_id: str
    decision: Decision
    claims_administrator_guideline: list[CitationIn]
    imr_guideline: list[CitationIn]
    strength_of_evidence: str | None = None
    rationale: str


class ReviewIn(StrictModel):
    clinical_case_summary: str
    items: list[ItemDecisionIn]


class SeedCase(StrictModel):
    case: CaseIn
    timeline: TimelineIn
    review: ReviewIn


class BoardIn(StrictModel):
    board: str
    expires_on: date | None = None


class LicenseIn(StrictModel):
    state: str
    expires_on: date
    number: str | None = None


class ReviewerIn(StrictModel):
    id: str
    name: str
    profession: str
    specialties: list[str]
    board_certifications: list[BoardIn] = []
    licenses: list[LicenseIn]
    years_active_practice: float
    hours_per_week: float
    affiliations: list[str] = []
    financial_interests: list[str] = []
    capacity: int = 10

    def reviewer(self) -> ExpertReviewer:
        return ExpertReviewer(
            reviewer_id=self.id,
            name=self.name,
            profession=self.profession,
            specialties=list(self.specialties),
            board_certifications=[
                BoardCertification(b.board, b.expires_on) for b in self.board_certifications
            ],
            licenses=[License(x.state, x.expires_on, x.number) for x in self.licenses],
            years_active_practice=self.years_active_practice,
            hours_per_week=self.hours_per_week,
            affiliations=list(self.affiliations),
            financial_interests=list(self.financial_interests),
            capacity_per_week=self.capacity,
        )


class PanelIn(StrictModel):
    reviewers: list[ReviewerIn]


def seed_path(jurisdiction: str | None = None) -> Path:
    """The worked case of a jurisdiction: `seed_<jurisdiction>.yaml`, or the workers' comp
    seed case (`seed_case.yaml`) when none is named."""
    if jurisdiction is None:
        return SEED_CASE
    return HERE / f"seed_{jurisdiction}.yaml"


def seed_jurisdictions() -> list[str]:
    """The jurisdictions with a worked case of their own."""
    return sorted(p.stem.removeprefix("seed_") for p in HERE.glob("seed_*.yaml") if p != SEED_CASE)


@lru_cache(maxsize=8)
def seed_data(jurisdiction: str | None = None) -> SeedCase:
    """A worked case, validated (the workers' comp seed case by default)."""
    path = seed_path(jurisdiction)
    if not path.exists():
        known = ", ".join(seed_jurisdictions())
        raise InvalidInput(
            f"no worked case for jurisdiction {jurisdiction!r} (known: {known})",
            field="jurisdiction",
        )
    return load_model(path, SeedCase, what="seed case", locate=dotted_path)


@lru_cache(maxsize=1)
def demo_panel() -> list[ExpertReviewer]:
    """The demonstration panel, validated."""
    panel = load_model(DEMO_PANEL, PanelIn, what="demo panel", locate=dotted_path)
    return [r.reviewer() for r in panel.reviewers]
