"""A case's final determination as a FHIR R4 Bundle (R4B models of `fhir.resources`).

The bundle (type `collection`) holds the `Patient` (the enrollee or claimant), the
`Coverage` with the plan as payor (an `Organization`), the `ClaimResponse` giving each
disputed item's outcome (the pack's word in `processNote`, the decision code in the item's
adjudication reason) and the letter as a `DocumentReference` with the PDF inline. Every
resource is validated by its model before the bundle is returned. The reviewer is never
named: the letter is the one parties receive.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from openimr.domain.case import Case
from openimr.domain.errors import StateConflict
from openimr.rules.pack import load_pack

DECISION_SYSTEM = "https://openimr.org/fhir/CodeSystem/imr-decision"
ADJUDICATION = "http://terminology.hl7.org/CodeSystem/adjudication"


def _validated(resource: dict[str, Any]) -> dict[str, Any]:
    from fhir.resources.R4B import get_fhir_model_class

    model = get_fhir_model_class(resource["resourceType"])
    return dict(model.model_validate(resource).model_dump(mode="json", exclude_none=True))


def determination_bundle(case: Case, letter_pdf: bytes, *, now: datetime) -> dict[str, Any]:
    """The determination of an issued case, with its letter, as a Bundle (JSON-ready)."""
    determination = case.determination
    if determination is None or case.decision_date is None:
        raise StateConflict(
            f"case {case.case_number} has no issued determination to export",
            case_number=case.case_number,
        )
    pack = load_pack(case.jurisdiction)
    words: dict[str, str] = {o.decision: o.word for o in pack.data.outcomes}
    patient_roles = set(pack.roles_of_kind("patient"))
    payer_roles = set(pack.roles_of_kind("payer"))
    patient = next((p for p in case.parties if p.role in patient_roles), None)
    payer = next((p for p in case.parties if p.role in payer_roles), None)
    ref = case.case_number
    patient_resource: dict[str, Any] = {"resourceType": "Patient", "id": f"{ref}-patient"}
    if patient is not None:
        patient_resource["name"] = [{"text": patient.name}]
    if case.applicant_sex in {"male", "female"}:
        patient_resource["gender"] = case.applicant_sex
    organization = {
        "resourceType": "Organization",
        "id": f"{ref}-payer",
        "name": payer.name if payer else pack.data.words["payer"],
    }
    coverage: dict[str, Any] = {
        "resourceType": "Coverage",
        "id": f"{ref}-coverage",
        "status": "active",
        "beneficiary": {"reference": f"Patient/{ref}-patient"},
        "payor": [{"reference": f"Organization/{ref}-payer"}],
    }
    if case.facts.get("member_id"):
        coverage["subscriberId"] = case.facts["member_id"]
    notes, items = [], []
    for n, decided in enumerate(determination.items, start=1):
        item = case.item(decided.item_id)
        word = words.get(decided.decision.value, decided.decision.value)
        notes.append({"number": n, "type": "display", "text": f"{item.description}: {word}"})
        items.append(
            {
                "itemSequence": int(decided.item_id) if decided.item_id.isdigit() else n,
                "noteNumber": [n],
                "adjudication": [
                    {
                        "category": {"coding": [{"system": ADJUDICATION, "code": "submitted"}]},
                        "reason": {
                            "coding": [
                                {
                                    "system": DECISION_SYSTEM,
                                    "code": decided.decision.value,
                                    "display": word,
                                }
                            ],
                            "text": decided.rationale[:1000],
                        },
                    }
                ],
            }
        )
    decisions = {d.decision.value for d in determination.items}
    overall = next(iter(decisions)) if len(decisions) == 1 else "modified"
    response: dict[str, Any] = {
        "resourceType": "ClaimResponse",
        "id": f"{ref}-determination",
        "status": "active",
        "type": {"text": pack.data.name},
        "use": "preauthorization",
        "patient": {"reference": f"Patient/{ref}-patient"},
        "created": case.decision_date.isoformat(),
        "insurer": {"reference": f"Organization/{ref}-payer"},
        "outcome": "complete",
        "disposition": words.get(overall, overall),
        "item": items,
        "processNote": notes,
    }
    letter: dict[str, Any] = {
        "resourceType": "DocumentReference",
        "id": f"{ref}-letter",
        "status": "current",
        "type": {"text": "Final determination letter"},
        "subject": {"reference": f"Patient/{ref}-patient"},
        "date": now.isoformat(),
        "description": f"{pack.data.name}: final determination, case {ref}",
        "content": [
            {
                "attachment": {
                    "contentType": "application/pdf",
                    "data": base64.b64encode(letter_pdf).decode("ascii"),
                    "title": f"Final determination {ref}.pdf",
                }
            }
        ],
    }
    resources = [patient_resource, organization, coverage, response, letter]
    bundle = {
        "resourceType": "Bundle",
        "id": f"{ref}-bundle",
        "type": "collection",
        "timestamp": now.isoformat(),
        "entry": [
            {"fullUrl": f"urn:openimr:{r['resourceType']}/{r['id']}", "resource": _validated(r)}
            for r in resources
        ],
    }
    return _validated(bundle)
