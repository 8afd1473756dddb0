"""A health-plan case file as a FHIR R4 Bundle, read into an application for review.

The bundle is validated with the R4B models of `fhir.resources` (FHIR 4.3.0, which keeps the
R4 shape of every resource read here). It must hold:

- one `Patient`: the enrollee or claimant (name, sex, birth date -> age on the application day);
- one `Coverage`: the plan (`payor`, an Organization in the bundle or a display), the member
  id (`subscriberId`) and the plan's name (`class` of type plan, else the payor's name);
- one `Claim`: the request, one disputed item per `item` (`productOrService` text or coding
  display, with its quantity), the condition (`diagnosis`), the priority (`stat` is
  expedited) and the requesting provider;
- one `ClaimResponse`: the plan's adverse determination (`created` is the decision under
  review; `disposition` its words); when it lists `item`s, only those item sequences are
  disputed;
- any number of `DocumentReference`s with their content inline (`attachment.data`) or in a
  `Binary` of the bundle (`attachment.url` "Binary/<id>"): PDF or plain text records.

A bundle that does not validate is refused with an error naming the entry, the resource and
the path of the bad element; nothing is stored.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError

from openimr.domain.errors import InvalidInput
from openimr.domain.vocabulary import Priority, ServiceMethod
from openimr.inputs import DEFAULT_LIMITS, loads, whole_file
from openimr.rules.pack import JurisdictionPack, pack_named
from openimr.service.intake import DocumentUpload, ItemInput, PartyInput, SubmitApplication

MEDIA = {"application/pdf": "application/pdf", "text/plain": "text/plain"}


def _where(entry: int, resource: dict[str, Any]) -> str:
    kind = resource.get("resourceType", "resource")
    rid = resource.get("id")
    return f"entry[{entry}] {kind}{'/' + str(rid) if rid else ''}"


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def parse_bundle(raw: bytes | str) -> Any:
    """The validated R4B Bundle; InvalidInput names the entry, resource and element."""
    from fhir.resources.R4B.bundle import Bundle

    try:  # within the input limits: a bundle nested 5,000 deep is an error, not a crash
        data = loads(raw, "bundle", whole_file(DEFAULT_LIMITS))
    except InvalidInput as err:
        raise InvalidInput(f"the bundle is not usable JSON: {err.message}", field="bundle") from err
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        raise InvalidInput("the JSON is not a FHIR Bundle (resourceType)", field="resourceType")
    entries = data.get("entry") or []
    if not isinstance(entries, list):
        raise InvalidInput("Bundle.entry must be a list", field="entry")
    for n, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            raise InvalidInput(f"entry[{n}] has no resource", field=f"entry[{n}].resource")
        _check_resource(n, resource)
    try:
        return Bundle.model_validate(data)
    except ValidationError as err:
        raise InvalidInput(_first_error(err, entries), field="bundle") from err


def _check_resource(n: int, resource: dict[str, Any]) -> None:
    """Validate one entry on its own, so the error names its resource."""
    from fhir.resources.R4B import get_fhir_model_class

    kind = resource.get("resourceType")
    try:
        model = get_fhir_model_class(str(kind))
    except (KeyError, ValueError) as err:
        raise InvalidInput(
            f"entry[{n}]: {kind!r} is not a FHIR R4 resource type", field=f"entry[{n}].resource"
        ) from err
    try:
        model.model_validate(resource)
    except ValidationError as err:
        first = err.errors()[0]
        path = _path(tuple(first["loc"])) or "(resource)"
        raise InvalidInput(
            f"{_where(n, resource)}: {path}: {first['msg']}",
            field=f"entry[{n}].resource.{path}",
        ) from err


def _first_error(err: ValidationError, entries: list[Any]) -> str:
    first = err.errors()[0]
    loc = tuple(first["loc"])
    if len(loc) >= 3 and loc[0] == "entry" and isinstance(loc[1], int):
        resource = entries[loc[1]].get("resource", {})
        return f"{_where(loc[1], resource)}: {_path(loc[3:]) or '(resource)'}: {first['msg']}"
    return f"Bundle.{_path(loc)}: {first['msg']}"


@dataclass(frozen=True)
class FhirCaseFile:
    """What a bundle says, as an application of `jurisdiction`."""

    application: SubmitApplication
    patient_id: str
    claim_id: str


def _one(bundle: Any, kind: str) -> tuple[int, Any]:
    found = [
        (n, e.resource)
        for n, e in enumerate(bundle.entry or [])
        if e.resource is not None and e.resource.get_resource_type() == kind
    ]
    if len(found) != 1:
        raise InvalidInput(
            f"the bundle must hold exactly one {kind}, it holds {len(found)}", field=kind
        )
    return found[0]


def _by_reference(bundle: Any) -> dict[str, Any]:
    """Resources of the bundle by "Type/id" and by fullUrl."""
    out: dict[str, Any] = {}
    for entry in bundle.entry or []:
        resource = entry.resource
        if resource is None:
            continue
        if resource.id:
            out[f"{resource.get_resource_type()}/{resource.id}"] = resource
        if entry.fullUrl:
            out[str(entry.fullUrl)] = resource
    return out


def _name(resource: Any) -> str:
    names = getattr(resource, "name", None)
    if isinstance(names, str):
        return names
    for name in names or []:
        if name.text:
            return str(name.text)
        parts = [*(name.given or []), name.family or ""]
        if any(parts):
            return " ".join(p for p in parts if p)
    return ""


def _concept_text(concept: Any) -> str:
    if concept is None:
        return ""
    if concept.text:
        return str(concept.text)
    for coding in concept.coding or []:
        if coding.display:
            return str(coding.display)
        if coding.code:
            return str(coding.code)
    return ""


def _age(birth: date | None, on: date) -> int | None:
    if birth is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _as_date(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value
    text = str(value)
    return date.fromisoformat(text[:10]) if len(text) >= 10 else None


def _party_for(reference: Any, refs: dict[str, Any], role: str, prefix: str) -> PartyInput | None:
    if reference is None:
        return None
    target = refs.get(str(reference.reference)) if reference.reference else None
    name = _name(target) if target is not None else ""
    name = name or str(reference.display or "")
    if not name:
        return None
    ident = target.id if target is not None and target.id else name.lower().replace(" ", "-")
    return PartyInput(role, name, f"{prefix}:fhir-{ident}")


def _documents(bundle: Any, refs: dict[str, Any], pack: JurisdictionPack) -> list[DocumentUpload]:
    kinds = {d.id for d in pack.data.document_kinds}
    default = "medical_record" if "medical_record" in kinds else "other"
    uploads: list[DocumentUpload] = []
    for n, entry in enumerate(bundle.entry or []):
        doc = entry.resource
        if doc is None or doc.get_resource_type() != "DocumentReference":
            continue
        codes = [c.code for c in (doc.type.coding if doc.type else []) or [] if c.code]
        kind = next((c for c in codes if c in kinds), default)
        for m, content in enumerate(doc.content or []):
            attachment = content.attachment
            where = f"entry[{n}] DocumentReference/{doc.id}: content[{m}].attachment"
            data, media = attachment.data, attachment.contentType
            if data is None and attachment.url:
                binary = refs.get(str(attachment.url))
                if binary is None or binary.get_resource_type() != "Binary":
                    raise InvalidInput(
                        f"{where}.url: {attachment.url} is no Binary of the bundle",
                        field=f"entry[{n}].resource.content[{m}].attachment.url",
                    )
                data, media = binary.data, media or binary.contentType
            if data is None:
                raise InvalidInput(
                    f"{where}: no data and no Binary", field=f"entry[{n}].resource.content[{m}]"
                )
            # The R4B model decodes base64Binary already; a str would be the raw text.
            content_bytes = data if isinstance(data, bytes) else _b64(str(data), where)
            if media not in MEDIA:
                raise InvalidInput(
                    f"{where}.contentType: {media!r} is not accepted; send application/pdf or "
                    "text/plain",
                    field=f"entry[{n}].resource.content[{m}].attachment.contentType",
                )
            title = str(attachment.title or doc.description or f"document {doc.id}")
            suffix = ".pdf" if media == "application/pdf" else ".txt"
            uploads.append(
                DocumentUpload(
                    filename=f"fhir-{doc.id or n}-{m}{suffix}",
                    content=content_bytes,
                    kind=kind,
                    title=title,
                    document_date=_as_date(doc.date),
                    media_type=MEDIA[media],
                )
            )
    return uploads


def _b64(text: str, where: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as err:
        raise InvalidInput(f"{where}.data: not base64", field=where) from err


def case_file_from_bundle(
    raw: bytes | str,
    *,
    jurisdiction: str,
    received_on: date,
    review_type: str = "medical_necessity",
) -> FhirCaseFile:
    """The application a FHIR R4 Bundle makes, for a pack of `jurisdiction`."""
    pack = pack_named(jurisdiction)
    if pack.review_type(review_type) is None:
        known = ", ".join(t.id for t in pack.data.review_types)
        raise InvalidInput(
            f"review type {review_type!r} is not one of {jurisdiction} ({known})",
            field="review_type",
        )
    bundle = parse_bundle(raw)
    refs = _by_reference(bundle)
    _, patient = _one(bundle, "Patient")
    _, coverage = _one(bundle, "Coverage")
    n_claim, claim = _one(bundle, "Claim")
    n_response, response = _one(bundle, "ClaimResponse")
    decided_on = _as_date(response.created)
    if decided_on is None:
        raise InvalidInput(
            f"entry[{n_response}] ClaimResponse/{response.id}: created: the date of the plan's "
            "determination is needed",
            field=f"entry[{n_response}].resource.created",
        )
    patient_role = pack.roles_of_kind("patient")[0]
    payer_role = pack.roles_of_kind("payer")[0]
    provider_roles = pack.roles_of_kind("provider")
    name = _name(patient) or f"patient {patient.id}"
    parties = [PartyInput(patient_role, name, f"person:fhir-{patient.id or 'patient'}")]
    payers = [_party_for(p, refs, payer_role, "org") for p in coverage.payor or []]
    parties += [p for p in payers if p is not None]
    if provider_roles:
        provider = _party_for(claim.provider, refs, provider_roles[0], "person")
        if provider is not None and provider.key not in {p.key for p in parties}:
            parties.append(provider)
    wanted = {i.itemSequence for i in response.item or []}
    items = []
    for item in claim.item or []:
        if wanted and item.sequence not in wanted:
            continue
        text = _concept_text(item.productOrService)
        quantity = item.quantity.value if item.quantity and item.quantity.value else None
        if quantity is not None and quantity != 1:
            text = f"{text} x {quantity:g}"
        items.append(ItemInput(text))
    if not items:
        raise InvalidInput(
            f"entry[{n_claim}] Claim/{claim.id}: no item of the claim is disputed",
            field=f"entry[{n_claim}].resource.item",
        )
    facts = _facts(pack, coverage, parties, decided_on)
    diagnosis = next((_concept_text(d.diagnosisCodeableConcept) for d in claim.diagnosis or []), "")
    priority = _concept_text(claim.priority).lower()
    documents = _documents(bundle, refs, pack)
    decision_text = response.disposition or f"The plan's determination of {decided_on}."
    documents.insert(
        0,
        DocumentUpload(
            filename=f"fhir-claimresponse-{response.id or n_response}.txt",
            content=f"{decision_text}\n(outcome: {response.outcome})\n".encode(),
            kind=pack.decision_document_kind,
            title=f"{pack.data.words['decision_under_review'].capitalize()} (ClaimResponse)",
            document_date=decided_on,
            media_type="text/plain",
        ),
    )
    application = SubmitApplication(
        jurisdiction=jurisdiction,
        priority=Priority.EXPEDITED if priority in {"stat", "urgent"} else Priority.STANDARD,
        date_of_injury=None,
        ur_decision_date=decided_on,
        ur_decision_served_by=ServiceMethod.ELECTRONIC,
        application_received_on=received_on,
        application_signed=True,
        items=items,
        parties=parties,
        documents=documents,
        dispute_type=review_type,
        applicant_age=_age(_as_date(patient.birthDate), received_on),
        applicant_sex=patient.gender if patient.gender in {"male", "female"} else None,
        condition=diagnosis,
        facts=facts,
    )
    return FhirCaseFile(application, str(patient.id), str(claim.id))


def _facts(
    pack: JurisdictionPack, coverage: Any, parties: list[PartyInput], decided_on: date
) -> dict[str, str]:
    """The pack's case facts a bundle gives: the decision date under the fact that is the
    decision's clock event, the member id and the plan's name when the pack records them."""
    declared = {f.id: f for f in pack.data.case_facts}
    facts: dict[str, str] = {}
    for fact in declared.values():
        if fact.event == pack.data.lifecycle.decision_under_review:
            facts[fact.id] = decided_on.isoformat()
    if "member_id" in declared and coverage.subscriberId:
        facts["member_id"] = str(coverage.subscriberId)
    plan = next(
        (
            str(c.name or c.value)
            for c in coverage.class_fhir or []
            if _concept_text(c.type).lower() == "plan"
        ),
        "",
    )
    payers = set(pack.roles_of_kind("payer"))
    plan = plan or next((p.name for p in parties if p.role in payers), "")
    if "plan_name" in declared and plan:
        facts["plan_name"] = plan
    return facts
