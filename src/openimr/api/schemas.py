"""Request and response schemas of the case API (separate from domain classes and tables)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from openimr.domain.case import Case
from openimr.domain.citation import Citation
from openimr.domain.clocks import Clocks
from openimr.domain.vocabulary import (
    CaseState,
    Decision,
    EvidenceSource,
    Priority,
    ReleaseKind,
    ServiceMethod,
)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- intake ---------------------------------------------------------------------------


class PartyCreate(Strict):
    role: str = Field(
        min_length=1, max_length=60, description="a party role of the case's jurisdiction pack"
    )
    name: str = Field(min_length=1, max_length=300)
    key: str = Field(min_length=1, max_length=300, description='e.g. "org:acme-insurance"')
    organization: str | None = Field(default=None, max_length=300)
    address: str | None = Field(default=None, max_length=1000)


class ItemCreate(Strict):
    description: str = Field(min_length=1, max_length=2000)
    original_request: str | None = Field(default=None, max_length=2000)
    authorized_portion: str | None = Field(default=None, max_length=2000)


class DocumentMeta(Strict):
    """Describes one uploaded file, matched by `filename` to a part of `files`."""

    filename: str = Field(min_length=1, max_length=500)
    kind: str = Field(
        min_length=1, max_length=60, description="a document kind of the case's jurisdiction pack"
    )
    title: str | None = Field(default=None, max_length=500)
    author: str | None = Field(default=None, max_length=300)
    document_date: date | None = None


class ApplicationCreate(Strict):
    """The application with the facts of the decision it disputes; documents travel as
    multipart files. `jurisdiction` names the pack whose law governs the case (GET
    /api/jurisdictions lists them); `facts` are that pack's case facts."""

    jurisdiction: str = Field(default="ca_dwc", max_length=40)
    priority: Priority
    date_of_injury: date | None = None
    ur_decision_date: date = Field(
        description="the payer's decision under review (UR decision, plan's grievance decision...)"
    )
    ur_decision_served_by: ServiceMethod
    application_received_on: date
    application_signed: bool
    items: list[ItemCreate] = Field(min_length=1, max_length=50)
    parties: list[PartyCreate] = Field(min_length=1, max_length=50)
    documents: list[DocumentMeta] = Field(default_factory=list, max_length=100)
    dispute_type: str = Field(default="medical_necessity", max_length=60)
    formulary: bool = False
    claim_number: str | None = Field(default=None, max_length=80)
    applicant_age: int | None = Field(default=None, ge=0, le=130)
    applicant_sex: str | None = Field(default=None, max_length=20)
    condition: str = Field(default="", max_length=2000)
    facts: dict[str, str] = Field(default_factory=dict, max_length=50)
    # No case_number: the IMR organization numbers every case (a client-chosen number was
    # a way to block intake by taking the next ones); sending one is an error.


class IntakePublic(BaseModel):
    case_number: str
    state: CaseState
    created: bool
    version: int


# -- commands on a case ---------------------------------------------------------------


class VersionedCommand(Strict):
    """`expected_version`: the case version the client saw; a stale one answers 409."""

    expected_version: int | None = Field(default=None, ge=0)


class AssignmentCreate(VersionedCommand):
    reviewer_id: str | None = Field(
        default=None, max_length=80, description="omit to take the best-fitting candidate"
    )
    noarfi_served_by: ServiceMethod | None = Field(
        default=None,
        description="how the assignment was served, where the pack's assignment is not a "
        "notice of its own (ca_dwc serves a notice of assignment: POST .../notices/assignment)",
    )


class IssueCreate(VersionedCommand):
    """Issue the final determination; it is served today by `served_by`."""

    served_by: ServiceMethod = ServiceMethod.MAIL


class EligibilityCreate(Strict):
    """How an ineligibility or deferral notice is served (8 CCR 9792.10.3(c), (d))."""

    served_by: ServiceMethod = ServiceMethod.MAIL


class AssignmentNoticeCreate(VersionedCommand):
    """The notice of assignment (8 CCR 9792.10.4(b)); dated today unless `mailed_on` says."""

    served_by: ServiceMethod
    mailed_on: date | None = None


class InformationRequestCreate(VersionedCommand):
    """A request for information (8 CCR 9792.10.3(b)); every party the rule names unless
    `roles` narrows it."""

    asked: list[str] = Field(min_length=1, max_length=20)
    served_by: ServiceMethod = ServiceMethod.ELECTRONIC
    roles: list[Annotated[str, Field(min_length=1, max_length=60)]] | None = None


class ExpediteCreate(VersionedCommand):
    """Convert a regular review to expedited (8 CCR 9792.10.4(c)); the parties are told
    today by `served_by`."""

    served_by: ServiceMethod = ServiceMethod.ELECTRONIC


class DeferralEndCreate(VersionedCommand):
    """End a deferral: liability resolved on `on` (default today), or the claims
    administrator agrees the case is eligible (`agreed`)."""

    agreed: bool = False
    on: date | None = None


class NoticePublic(BaseModel):
    notice_id: str
    kind: str
    title: str
    mailed_on: date
    served_by: ServiceMethod
    recipients: list[str]


class NoticeListPublic(BaseModel):
    notices: list[NoticePublic]


class NoticeServedPublic(BaseModel):
    case_number: str
    notice_id: str
    kind: str
    mailed_on: date
    version: int
    details: dict[str, Any]


class ReleaseCreate(VersionedCommand):
    """Take the assigned reviewer off: the case goes back with that reviewer excluded."""

    reviewer_id: str = Field(min_length=1, max_length=80, description="the reviewer at work on it")
    kind: ReleaseKind
    reason: str = Field(min_length=1, max_length=2000, description="why, in words (audited)")


class RecordsReceivedCreate(VersionedCommand):
    received_on: date
    served_by: ServiceMethod


class RecordsUpload(RecordsReceivedCreate):
    """The records' arrival with the documents sent as multipart files."""

    documents: list[DocumentMeta] = Field(default_factory=list, max_length=200)


class CitationIn(Strict):
    source: EvidenceSource
    guideline: str | None = Field(default=None, max_length=300)
    edition: str | None = Field(default=None, max_length=40)
    sections: list[str] = Field(default_factory=list, max_length=20)
    pages: list[str] = Field(default_factory=list, max_length=20)
    strength: str | None = Field(default=None, max_length=100)
    text: str = Field(default="", max_length=5000)

    def to_domain(self) -> Citation:
        return Citation(
            source=self.source,
            guideline=self.guideline,
            edition=self.edition,
            sections=tuple(self.sections),
            pages=tuple(self.pages),
            strength=self.strength,
            text=self.text,
        )


class ItemDecisionIn(Strict):
    item_id: str = Field(min_length=1, max_length=40)
    decision: Decision
    claims_administrator_guideline: list[CitationIn] = Field(default_factory=list, max_length=20)
    imr_guideline: list[CitationIn] = Field(min_length=1, max_length=20)
    rationale: str = Field(min_length=1, max_length=20_000)
    strength_of_evidence: str | None = Field(default=None, max_length=200)


class ReviewCreate(VersionedCommand):
    clinical_case_summary: str = Field(min_length=1, max_length=50_000)
    items: list[ItemDecisionIn] = Field(min_length=1, max_length=50)


class StatePublic(BaseModel):
    case_number: str
    state: CaseState
    version: int


# -- reading a case -------------------------------------------------------------------


class PartyPublic(BaseModel):
    role: str
    name: str
    key: str
    organization: str | None


class DocumentPublic(BaseModel):
    document_id: str
    kind: str
    title: str
    media_type: str
    pages: int
    author: str | None
    document_date: date | None
    content_hash: str


class ItemPublic(BaseModel):
    item_id: str
    description: str
    original_request: str | None
    authorized_portion: str | None


class FindingPublic(BaseModel):
    code: str
    reason: str
    citation: str
    outcome: str = "ineligible"  # or "deferred" (8 CCR 9792.10.3(d))


class ClockPublic(BaseModel):
    """One clock of the case (rules/data/<jurisdiction>/clocks.yaml)."""

    name: str
    label: str
    due_on: date | None
    started_on: date | None
    citation: str
    basis: str
    days_left: int | None
    status: str = "running"  # running | not_started | no_rule
    due: str | None = None  # ISO date, or timestamp for a limit in hours
    unit: str | None = None
    rolled_from: date | None = None
    rule_id: str = ""
    verified: bool = False
    met_on: date | None = None


class ItemDeterminationPublic(BaseModel):
    item_id: str
    decision: Decision
    claims_administrator_guideline: list[dict[str, Any]]
    imr_guideline: list[dict[str, Any]]
    rationale: str
    strength_of_evidence: str | None


class DeterminationPublic(BaseModel):
    clinical_case_summary: str
    items: list[ItemDeterminationPublic]
    reviewer_licensure: list[str]
    reviewer_specialties: list[str]
    signed_at: datetime
    signed_by: str | None = Field(description="null unless the caller may know the reviewer")


class CasePublic(BaseModel):
    case_number: str
    jurisdiction: str
    state: CaseState
    priority: Priority
    version: int
    date_of_injury: date | None
    ur_decision_date: date
    ur_decision_served_by: ServiceMethod
    application_received_on: date
    application_signed: bool
    dispute_type: str
    claim_number: str | None
    condition: str
    facts: dict[str, str]
    assigned_reviewer_id: str | None
    assigned_on: date | None
    records_received_on: date | None
    decision_date: date | None
    published_on: date | None
    parties: list[PartyPublic]
    documents: list[DocumentPublic]
    items: list[ItemPublic]
    eligibility_findings: list[FindingPublic]
    clocks: list[ClockPublic]
    determination: DeterminationPublic | None

    @classmethod
    def of(cls, case: Case, clocks: Clocks | None, today: date) -> CasePublic:
        det = case.determination
        return cls(
            case_number=case.case_number,
            jurisdiction=case.jurisdiction,
            state=case.state,
            priority=case.priority,
            version=case.version,
            date_of_injury=case.date_of_injury,
            ur_decision_date=case.ur_decision_date,
            ur_decision_served_by=case.ur_decision_served_by,
            application_received_on=case.application_received_on,
            application_signed=case.application_signed,
            dispute_type=case.dispute_type,
            claim_number=case.claim_number,
            condition=case.condition,
            facts=dict(case.facts),
            assigned_reviewer_id=case.assigned_reviewer_id,
            assigned_on=case.assigned_on,
            records_received_on=case.records_received_on,
            decision_date=case.decision_date,
            published_on=case.published_on,
            parties=[
                PartyPublic(role=p.role, name=p.name, key=p.key, organization=p.organization)
                for p in case.parties
            ],
            documents=[
                DocumentPublic(
                    document_id=d.document_id,
                    kind=d.kind,
                    title=d.title,
                    media_type=d.media_type,
                    pages=d.pages,
                    author=d.author,
                    document_date=d.document_date,
                    content_hash=d.content_hash,
                )
                for d in case.documents
            ],
            items=[
                ItemPublic(
                    item_id=i.item_id,
                    description=i.description,
                    original_request=i.original_request,
                    authorized_portion=i.authorized_portion,
                )
                for i in case.items
            ],
            eligibility_findings=[
                FindingPublic(code=f.code, reason=f.reason, citation=f.citation, outcome=f.outcome)
                for f in case.eligibility_findings
            ],
            clocks=[
                ClockPublic(
                    name=c.name,
                    label=c.label,
                    status=c.status,
                    due_on=c.due_on,
                    due=c.due.isoformat() if c.due else None,
                    unit=c.unit,
                    started_on=c.started_on,
                    rolled_from=c.rolled_from,
                    rule_id=c.rule_id,
                    citation=c.citation,
                    verified=c.verified,
                    basis=c.basis,
                    days_left=c.days_left(today),
                    met_on=c.met_on,
                )
                for c in (clocks.all() if clocks else ())
            ],
            determination=None
            if det is None
            else DeterminationPublic(
                clinical_case_summary=det.clinical_case_summary,
                items=[
                    ItemDeterminationPublic(
                        item_id=i.item_id,
                        decision=i.decision,
                        claims_administrator_guideline=[
                            c.to_dict() for c in i.claims_administrator_guideline
                        ],
                        imr_guideline=[c.to_dict() for c in i.imr_guideline],
                        rationale=i.rationale,
                        strength_of_evidence=i.strength_of_evidence,
                    )
                    for i in det.items
                ],
                reviewer_licensure=list(det.credentials.licensure),
                reviewer_specialties=list(det.credentials.specialties),
                signed_at=det.signed_at,
                signed_by=det.signed_by or None,
            ),
        )


class CaseSummaryPublic(BaseModel):
    case_number: str
    state: CaseState
    priority: Priority
    application_received_on: date
    items: list[str]
    clocks: list[ClockPublic]


class CaseListPublic(BaseModel):
    cases: list[CaseSummaryPublic]
    count: int


class AuditEntryPublic(BaseModel):
    seq: int
    at: datetime
    actor: str
    action: str
    details: dict[str, Any]
    entry_hash: str


class CandidatePublic(BaseModel):
    reviewer_id: str
    specialty: str | None = None
    fit: float | None = None
    reasons: list[str] = Field(default_factory=list)


class ExclusionPublic(BaseModel):
    reviewer_id: str
    reasons: list[str]


class AssignmentOptionsPublic(BaseModel):
    case_number: str
    candidates: list[CandidatePublic]
    excluded: list[ExclusionPublic]


class SearchHitPublic(BaseModel):
    case_number: str
    description: str
    decision: str
    similarity: float | None = None
    decision_date: str | None = None
    citations: list[dict[str, Any]] = Field(default_factory=list)


class SearchResultsPublic(BaseModel):
    query: str
    hits: list[SearchHitPublic]


class AlertPublic(BaseModel):
    case_number: str
    clock: str
    threshold: str
    kind: str
    due_on: str
    message: str
    created_at: datetime


class JobPublic(BaseModel):
    job_id: str
    kind: str
    status: str
    attempts: int
