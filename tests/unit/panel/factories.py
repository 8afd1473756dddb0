"""Small builders for panel tests: contract-shaped documents and domain objects."""

from __future__ import annotations

from datetime import date
from typing import Any

from openimr.domain.case import Case, DisputedItem, Party
from openimr.domain.reviewer import BoardCertification, License
from openimr.domain.vocabulary import PartyRole, Priority, ServiceMethod
from openimr.panel.model import PanelReviewer

AS_OF = date(2026, 12, 1)


def reviewer_doc(rid: str = "R1", **overrides: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": rid,
        "profession": "MD",
        "specialties": ["Occupational Medicine"],
        "board_certifications": ["Occupational Medicine"],
        "licenses": [{"state": "CA", "expires": "2027-06-30"}],
        "years_active_practice": 12,
        "hours_per_week": 30,
        "capacity": 5,
        "affiliations": [],
    }
    doc.update(overrides)
    return doc


def case_doc(cid: str = "C1", **overrides: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": cid,
        "priority": "standard",
        "due": "2026-12-31",
        "condition": "chronic low back pain",
        "items": [{"description": "Hot/cold unit, lumbar"}],
        "parties": ["org:employer-x", "org:acme-insurance", "person:dr-jones"],
        "excluded_reviewers": [],
    }
    doc.update(overrides)
    return doc


def reviewer(rid: str = "R1", **overrides: Any) -> PanelReviewer:
    fields: dict[str, Any] = {
        "reviewer_id": rid,
        "name": f"Dr {rid}",
        "profession": "MD",
        "specialties": ["Occupational Medicine"],
        "board_certifications": [BoardCertification("Occupational Medicine")],
        "licenses": [License("CA", date(2027, 6, 30))],
        "years_active_practice": 12,
        "hours_per_week": 30,
    }
    fields.update(overrides)
    return PanelReviewer(**fields)


def case(
    items: tuple[str, ...] = ("Hot/cold unit, lumbar",),
    condition: str = "chronic low back pain",
    parties: tuple[tuple[PartyRole, str], ...] = (
        (PartyRole.EMPLOYER, "org:employer-x"),
        (PartyRole.CLAIMS_ADMINISTRATOR, "org:acme-insurance"),
        (PartyRole.REQUESTING_PHYSICIAN, "person:dr-jones"),
        (PartyRole.INJURED_WORKER, "person:worker-1"),
    ),
    number: str = "CM26-0001",
) -> Case:
    return Case(
        case_number=number,
        jurisdiction="ca_dwc",
        priority=Priority.STANDARD,
        date_of_injury=date(2025, 3, 1),
        ur_decision_date=date(2026, 11, 1),
        ur_decision_served_by=ServiceMethod.MAIL,
        application_received_on=date(2026, 11, 10),
        application_signed=True,
        dispute_type="medical_necessity",
        condition=condition,
        parties=[Party(role, key, key) for role, key in parties],
        items=[DisputedItem(str(n), text) for n, text in enumerate(items, start=1)],
    )
