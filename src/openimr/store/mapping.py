"""Explicit row <-> domain mapping, so domain classes stay plain and frozen values frozen."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from openimr.domain.case import (
    Case,
    CaseDocument,
    DisputedItem,
    EligibilityFinding,
    Party,
    RecordsRequest,
    ReviewerRelease,
)
from openimr.domain.citation import Citation
from openimr.domain.determination import Determination, ItemDetermination
from openimr.domain.notice import Notice, NoticeRecipient
from openimr.domain.reviewer import (
    BoardCertification,
    ExpertReviewer,
    License,
    ReviewerCredentials,
    Unavailability,
)
from openimr.domain.vocabulary import (
    CaseState,
    Decision,
    NoticeKind,
    Priority,
    ReleaseKind,
    ServiceMethod,
)
from openimr.store.tables import (
    CaseDocumentRow,
    DisputedItemRow,
    PartyRow,
    ReviewerRow,
)

# -- notices (stored whole as JSON) ------------------------------------------------------


def notice_to_column(notice: Notice) -> dict[str, Any]:
    return {
        "notice_id": notice.notice_id,
        "kind": notice.kind.value,
        "mailed_on": notice.mailed_on.isoformat(),
        "served_by": notice.served_by.value,
        "recipients": [
            {"role": r.role, "name": r.name, "party_key": r.party_key, "address": r.address}
            for r in notice.recipients
        ],
        "server_name": notice.server_name,
        "details": notice.details,
        "content_sha256": notice.content_sha256,
    }


def notice_from_column(data: dict[str, Any]) -> Notice:
    return Notice(
        notice_id=data["notice_id"],
        kind=NoticeKind(data["kind"]),
        mailed_on=date.fromisoformat(data["mailed_on"]),
        served_by=ServiceMethod(data["served_by"]),
        recipients=tuple(
            NoticeRecipient(
                role=r["role"],
                name=r["name"],
                party_key=r["party_key"],
                address=r.get("address"),
            )
            for r in data["recipients"]
        ),
        server_name=data["server_name"],
        details=dict(data.get("details") or {}),
        content_sha256=data.get("content_sha256"),
    )


# -- determination (stored whole as JSON) ------------------------------------------------


def determination_to_column(det: Determination) -> dict[str, Any]:
    return {
        "clinical_case_summary": det.clinical_case_summary,
        "items": [
            {
                "item_id": i.item_id,
                "decision": i.decision.value,
                "claims_administrator_guideline": [
                    c.to_dict() for c in i.claims_administrator_guideline
                ],
                "imr_guideline": [c.to_dict() for c in i.imr_guideline],
                "rationale": i.rationale,
                "strength_of_evidence": i.strength_of_evidence,
            }
            for i in det.items
        ],
        "credentials": {
            "licensure": list(det.credentials.licensure),
            "specialties": list(det.credentials.specialties),
        },
        "signed_by": det.signed_by,
        "signed_at": det.signed_at.isoformat(),
        "documents_reviewed": list(det.documents_reviewed),
    }


def determination_from_column(data: dict[str, Any]) -> Determination:
    return Determination(
        clinical_case_summary=data["clinical_case_summary"],
        items=tuple(
            ItemDetermination(
                item_id=i["item_id"],
                decision=Decision(i["decision"]),
                claims_administrator_guideline=tuple(
                    Citation.from_dict(c) for c in i["claims_administrator_guideline"]
                ),
                imr_guideline=tuple(Citation.from_dict(c) for c in i["imr_guideline"]),
                rationale=i["rationale"],
                strength_of_evidence=i.get("strength_of_evidence"),
            )
            for i in data["items"]
        ),
        credentials=ReviewerCredentials(
            licensure=tuple(data["credentials"]["licensure"]),
            specialties=tuple(data["credentials"]["specialties"]),
        ),
        signed_by=data["signed_by"],
        signed_at=datetime.fromisoformat(data["signed_at"]),
        documents_reviewed=tuple(data.get("documents_reviewed") or ()),
    )


# -- case ----------------------------------------------------------------------------------


# A case's children keep their field names in their rows; only the enum field (`role`,
# `kind`) changes form and `position` is added. One list per child serves both directions.
_PARTY_FIELDS = ("name", "key", "organization", "address")
_DOCUMENT_FIELDS = (
    "document_id",
    "title",
    "content_hash",
    "media_type",
    "pages",
    "author",
    "document_date",
    "filename",
)
_ITEM_FIELDS = ("item_id", "description", "original_request", "authorized_portion")


def _same_named(source: Any, names: tuple[str, ...]) -> dict[str, Any]:
    """The `names` attributes of `source`, as keywords for the other side's constructor."""
    return {name: getattr(source, name) for name in names}


def _opt_method(value: str | None) -> ServiceMethod | None:
    return None if value is None else ServiceMethod(value)


def case_from_row(
    row: Any,
    parties: Sequence[Any] | None = None,
    documents: Sequence[Any] | None = None,
    items: Sequence[Any] | None = None,
) -> Case:
    """A Case from a `cases` row and its child rows: ORM objects, or Core rows (which
    have the same attribute names) passed with their children by the fast read path."""
    parties = row.parties if parties is None else parties
    documents = row.documents if documents is None else documents
    items = row.items if items is None else items
    return Case(
        case_number=row.case_number,
        jurisdiction=row.jurisdiction,
        priority=Priority(row.priority),
        date_of_injury=row.date_of_injury,
        ur_decision_date=row.ur_decision_date,
        ur_decision_served_by=ServiceMethod(row.ur_decision_served_by),
        application_received_on=row.application_received_on,
        application_signed=row.application_signed,
        dispute_type=row.dispute_type,
        claim_number=row.claim_number,
        applicant_age=row.applicant_age,
        applicant_sex=row.applicant_sex,
        condition=row.condition,
        facts=dict(row.facts or {}),
        filed_by=row.filed_by,
        parties=[Party(role=p.role, **_same_named(p, _PARTY_FIELDS)) for p in parties],
        documents=[
            CaseDocument(kind=d.kind, **_same_named(d, _DOCUMENT_FIELDS)) for d in documents
        ],
        items=[DisputedItem(**_same_named(i, _ITEM_FIELDS)) for i in items],
        state=CaseState(row.state),
        assigned_reviewer_id=row.assigned_reviewer_id,
        assigned_on=row.assigned_on,
        noarfi_served_by=_opt_method(row.noarfi_served_by),
        reviewer_assigned_on=row.reviewer_assigned_on,
        released_reviewers=[
            ReviewerRelease(
                r["reviewer_id"], ReleaseKind(r["kind"]), r["reason"], date.fromisoformat(r["on"])
            )
            for r in row.released_reviewers or []
        ],
        records_received_on=row.records_received_on,
        records_served_by=_opt_method(row.records_served_by),
        decision_date=row.decision_date,
        published_on=row.published_on,
        eligibility_findings=[
            EligibilityFinding(
                code=f["code"],
                reason=f["reason"],
                citation=f["citation"],
                outcome=f.get("outcome", "ineligible"),
            )
            for f in row.eligibility_findings or []
        ],
        eligibility_decided_on=row.eligibility_decided_on,
        formulary=bool(row.formulary),
        liability_agreed=bool(row.liability_agreed),
        liability_resolved_on=row.liability_resolved_on,
        expedited_converted_on=row.expedited_converted_on,
        notices=[notice_from_column(n) for n in row.notices or []],
        determination=(
            determination_from_column(row.determination) if row.determination is not None else None
        ),
        excluded_reviewer_ids=list(row.excluded_reviewers or []),
        records_requests=[_request_from_column(r) for r in row.records_requests or []],
        version=row.version,
    )


def _request_from_column(data: dict[str, Any]) -> RecordsRequest:
    answered = data.get("answered_at")
    return RecordsRequest(
        what=data["what"],
        requested_at=datetime.fromisoformat(data["requested_at"]),
        requested_by=data["requested_by"],
        answered_at=datetime.fromisoformat(answered) if answered else None,
    )


def _request_to_column(request: RecordsRequest) -> dict[str, Any]:
    return {
        "what": request.what,
        "requested_at": request.requested_at.isoformat(),
        "requested_by": request.requested_by,
        "answered_at": request.answered_at.isoformat() if request.answered_at else None,
    }


def case_columns(case: Case) -> dict[str, Any]:
    """The scalar columns of a case row (children are written separately)."""
    return {
        "case_number": case.case_number,
        "jurisdiction": case.jurisdiction,
        "state": case.state.value,
        "priority": case.priority.value,
        "date_of_injury": case.date_of_injury,
        "ur_decision_date": case.ur_decision_date,
        "ur_decision_served_by": case.ur_decision_served_by.value,
        "application_received_on": case.application_received_on,
        "application_signed": case.application_signed,
        "dispute_type": case.dispute_type,
        "claim_number": case.claim_number,
        "applicant_age": case.applicant_age,
        "applicant_sex": case.applicant_sex,
        "condition": case.condition,
        "facts": dict(case.facts),
        "filed_by": case.filed_by,
        "assigned_reviewer_id": case.assigned_reviewer_id,
        "assigned_on": case.assigned_on,
        "reviewer_assigned_on": case.reviewer_assigned_on,
        "released_reviewers": [
            {
                "reviewer_id": r.reviewer_id,
                "kind": r.kind.value,
                "reason": r.reason,
                "on": r.on.isoformat(),
            }
            for r in case.released_reviewers
        ],
        "noarfi_served_by": case.noarfi_served_by.value if case.noarfi_served_by else None,
        "records_received_on": case.records_received_on,
        "records_served_by": case.records_served_by.value if case.records_served_by else None,
        "decision_date": case.decision_date,
        "published_on": case.published_on,
        "eligibility_findings": [
            {"code": f.code, "reason": f.reason, "citation": f.citation, "outcome": f.outcome}
            for f in case.eligibility_findings
        ],
        "eligibility_decided_on": case.eligibility_decided_on,
        "formulary": case.formulary,
        "liability_agreed": case.liability_agreed,
        "liability_resolved_on": case.liability_resolved_on,
        "expedited_converted_on": case.expedited_converted_on,
        "notices": [notice_to_column(n) for n in case.notices],
        "determination": (
            determination_to_column(case.determination) if case.determination is not None else None
        ),
        "excluded_reviewers": list(case.excluded_reviewer_ids),
        "records_requests": [_request_to_column(r) for r in case.records_requests],
    }


def party_rows(case: Case) -> list[PartyRow]:
    return [
        PartyRow(position=n, role=p.role, **_same_named(p, _PARTY_FIELDS))
        for n, p in enumerate(case.parties)
    ]


def document_rows(case: Case) -> list[CaseDocumentRow]:
    return [
        CaseDocumentRow(position=n, kind=d.kind, **_same_named(d, _DOCUMENT_FIELDS))
        for n, d in enumerate(case.documents)
    ]


def item_rows(case: Case) -> list[DisputedItemRow]:
    return [
        DisputedItemRow(position=n, **_same_named(i, _ITEM_FIELDS))
        for n, i in enumerate(case.items)
    ]


# -- reviewer ------------------------------------------------------------------------------


def reviewer_columns(reviewer: ExpertReviewer) -> dict[str, Any]:
    return {
        "reviewer_id": reviewer.reviewer_id,
        "name": reviewer.name,
        "profession": reviewer.profession,
        "specialties": list(reviewer.specialties),
        "board_certifications": [
            {"board": b.board, "expires_on": _iso(b.expires_on)}
            for b in reviewer.board_certifications
        ],
        "licenses": [
            {"state": lic.state, "expires_on": lic.expires_on.isoformat(), "number": lic.number}
            for lic in reviewer.licenses
        ],
        "years_active_practice": reviewer.years_active_practice,
        "hours_per_week": reviewer.hours_per_week,
        "affiliations": list(reviewer.affiliations),
        "financial_interests": list(reviewer.financial_interests),
        "capacity_per_week": reviewer.capacity_per_week,
        "active": reviewer.active,
        "unavailable": [
            {"from": p.start.isoformat(), "to": p.end.isoformat()} for p in reviewer.unavailable
        ],
    }


def reviewer_from_row(row: ReviewerRow) -> ExpertReviewer:
    return ExpertReviewer(
        reviewer_id=row.reviewer_id,
        name=row.name,
        profession=row.profession,
        specialties=list(row.specialties),
        board_certifications=[
            BoardCertification(board=b["board"], expires_on=_date(b.get("expires_on")))
            for b in row.board_certifications
        ],
        licenses=[
            License(
                state=lic["state"],
                expires_on=date.fromisoformat(lic["expires_on"]),
                number=lic.get("number"),
            )
            for lic in row.licenses
        ],
        years_active_practice=row.years_active_practice,
        hours_per_week=row.hours_per_week,
        affiliations=list(row.affiliations),
        financial_interests=list(row.financial_interests),
        capacity_per_week=row.capacity_per_week,
        active=row.active,
        unavailable=[
            Unavailability(date.fromisoformat(p["from"]), date.fromisoformat(p["to"]))
            for p in row.unavailable or []
        ],
    )


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)
