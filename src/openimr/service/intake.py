"""Intake: the application with its documents, eligibility, and the records.

The case's jurisdiction pack says which party roles, document kinds and case facts an
application may carry and which grounds decide its eligibility (rules/pack.py); nothing here
names a programme. Documents arrive as bytes: a PDF
must open with PDFium (`openimr.pdftext`) and a text must decode as UTF-8, otherwise the whole
submission is refused naming the file, before anything of the case is stored. Submitting the same
application twice returns the first case (idempotent intake).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from openimr.domain.case import Case, CaseDocument, DisputedItem, EligibilityFinding, Party
from openimr.domain.errors import ConcurrentUpdate, InvalidInput, UnreadablePdf
from openimr.domain.vocabulary import CaseState, Priority, ServiceMethod
from openimr.pdftext import pdf_page_count
from openimr.rules.eligibility import check_eligibility, dispute_key
from openimr.rules.grounds import GroundBook
from openimr.rules.pack import JurisdictionPack, pack_named
from openimr.service.access import Actor, ensure_can_submit, ensure_staff
from openimr.service.concurrency import ensure_version
from openimr.service.events import audit, plain, record_events
from openimr.service.notices import eligibility_notice, serve, server_name
from openimr.service.notify import notify_parties
from openimr.service.ports import Clock, UnitOfWork

PDF = "application/pdf"
TEXT = "text/plain"


@dataclass(frozen=True)
class DocumentUpload:
    """One file of the case file, as received."""

    filename: str
    content: bytes
    kind: str  # a document kind of the case's jurisdiction pack
    title: str | None = None
    author: str | None = None
    document_date: date | None = None
    media_type: str | None = None  # guessed from the bytes and name when absent


@dataclass(frozen=True)
class PartyInput:
    role: str  # a party role of the case's jurisdiction pack
    name: str
    key: str
    organization: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class ItemInput:
    description: str
    original_request: str | None = None
    authorized_portion: str | None = None


@dataclass(frozen=True)
class SubmitApplication:
    """The application, the payer's decision it disputes and any records sent with them.

    `ur_decision_date` is the date of the decision under review, whatever the pack calls it
    (a UR decision, a plan's grievance decision, a final internal determination)."""

    jurisdiction: str
    priority: Priority
    date_of_injury: date | None
    ur_decision_date: date
    ur_decision_served_by: ServiceMethod
    application_received_on: date
    application_signed: bool
    items: list[ItemInput]
    parties: list[PartyInput]
    documents: list[DocumentUpload]
    dispute_type: str = "medical_necessity"
    formulary: bool = False  # a dispute over a drug under the MTUS formulary
    claim_number: str | None = None
    applicant_age: int | None = None
    applicant_sex: str | None = None
    condition: str = ""
    facts: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class IntakeResult:
    case_number: str
    state: CaseState
    created: bool  # False when the same application had already been received
    version: int
    ocr_queued: list[tuple[str, str]] = field(default_factory=list)  # (document id, hash)


@dataclass(frozen=True)
class EligibilityResult:
    case_number: str
    eligible: bool
    findings: list[EligibilityFinding]
    state: CaseState
    version: int


@dataclass(frozen=True)
class ReceiveRecords:
    """The payer's records for the review organization: they start the decision clock."""

    case_number: str
    received_on: date
    served_by: ServiceMethod
    documents: list[DocumentUpload] = field(default_factory=list)
    expected_version: int | None = None


@dataclass(frozen=True)
class RecordsResult:
    case_number: str
    state: CaseState
    documents_added: int
    version: int
    ocr_queued: list[tuple[str, str]] = field(default_factory=list)  # (document id, hash)


@dataclass(frozen=True)
class CheckedDocument:
    upload: DocumentUpload
    media_type: str
    pages: int
    content_hash: str


def check_document(upload: DocumentUpload, where: str) -> CheckedDocument:
    """A readable PDF or UTF-8 text, or InvalidInput naming the file."""
    name = upload.filename or "(unnamed)"
    content = upload.content
    media_type = upload.media_type or (
        PDF if content.startswith(b"%PDF") or name.lower().endswith(".pdf") else TEXT
    )
    if not content:
        raise InvalidInput(f"{name}: the file is empty", field=where, filename=name)
    if media_type == PDF:
        try:
            pages = pdf_page_count(content, name)
        except UnreadablePdf as err:
            raise InvalidInput(
                f"{name}: not a readable PDF ({err.message})", field=where, filename=name
            ) from err
        if pages == 0:
            raise InvalidInput(f"{name}: the PDF has no pages", field=where, filename=name)
    elif media_type.startswith("text/"):
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError as err:
            raise InvalidInput(
                f"{name}: not UTF-8 text (byte {err.start})", field=where, filename=name
            ) from err
        if "\x00" in text:
            raise InvalidInput(f"{name}: binary data, not text", field=where, filename=name)
        pages = text.count("\f") + 1
    else:
        raise InvalidInput(
            f"{name}: {media_type} is not accepted; send PDF or plain text",
            field=where,
            filename=name,
        )
    return CheckedDocument(upload, media_type, pages, hashlib.sha256(content).hexdigest())


def _intake_key(cmd: SubmitApplication, checked: list[CheckedDocument]) -> str:
    """The application's identity: its facts and the hashes of its documents."""
    facts = plain(
        {
            "jurisdiction": cmd.jurisdiction,
            "facts": sorted(cmd.facts.items()),
            "priority": cmd.priority,
            "date_of_injury": cmd.date_of_injury,
            "ur_decision_date": cmd.ur_decision_date,
            "ur_decision_served_by": cmd.ur_decision_served_by,
            "application_received_on": cmd.application_received_on,
            "application_signed": cmd.application_signed,
            "dispute_type": cmd.dispute_type,
            "formulary": cmd.formulary,
            "claim_number": cmd.claim_number,
            "items": [vars(i) for i in cmd.items],
            "parties": [vars(p) for p in cmd.parties],
            "documents": [(c.upload.filename, c.upload.kind, c.content_hash) for c in checked],
        }
    )
    return hashlib.sha256(repr(facts).encode()).hexdigest()


def _add_documents(
    uow: UnitOfWork, case: Case, checked: list[CheckedDocument]
) -> list[CaseDocument]:
    added: list[CaseDocument] = []
    for doc in checked:
        uow.documents.put(doc.upload.content, doc.media_type)
        added.append(
            CaseDocument(
                document_id=f"D{len(case.documents) + len(added) + 1}",
                kind=doc.upload.kind,
                title=doc.upload.title or doc.upload.filename,
                content_hash=doc.content_hash,
                media_type=doc.media_type,
                pages=doc.pages,
                author=doc.upload.author,
                document_date=doc.upload.document_date,
                filename=doc.upload.filename,
            )
        )
    return added


def _pack(jurisdiction: str) -> JurisdictionPack:
    return pack_named(jurisdiction)


def _validate(cmd: SubmitApplication) -> None:
    """The application against its jurisdiction pack: known roles, kinds and facts, the
    required facts given, dates in order."""
    pack = _pack(cmd.jurisdiction)
    words = pack.data.words
    if not cmd.items:
        raise InvalidInput("the application names no disputed item", field="items")
    for n, party in enumerate(cmd.parties):
        if pack.role(party.role) is None:
            known = ", ".join(r.id for r in pack.data.party_roles)
            raise InvalidInput(
                f"party role {party.role!r} is not one of {cmd.jurisdiction} ({known})",
                field=f"parties[{n}].role",
            )
    for n, upload in enumerate(cmd.documents):
        if pack.document_kind(upload.kind) is None:
            known = ", ".join(d.id for d in pack.data.document_kinds)
            raise InvalidInput(
                f"{upload.filename}: document kind {upload.kind!r} is not one of "
                f"{cmd.jurisdiction} ({known})",
                field=f"documents[{n}].kind",
            )
    declared = {f.id: f for f in pack.data.case_facts}
    for name, value in cmd.facts.items():
        fact = declared.get(name)
        if fact is None:
            raise InvalidInput(
                f"fact {name!r} is not a case fact of {cmd.jurisdiction} "
                f"({', '.join(declared) or 'none'})",
                field=f"facts.{name}",
            )
        _check_fact_value(fact.kind, name, value)
    injury = declared.get("date_of_injury")
    if injury is not None and injury.required and cmd.date_of_injury is None:
        raise InvalidInput("the application gives no date of injury", field="date_of_injury")
    if cmd.date_of_injury is not None and cmd.ur_decision_date < cmd.date_of_injury:
        raise InvalidInput(
            f"the {words['decision_under_review']} is dated before the injury",
            field="ur_decision_date",
        )
    if cmd.application_received_on < cmd.ur_decision_date:
        raise InvalidInput(
            f"the application is dated before the {words['decision_under_review']} it disputes",
            field="application_received_on",
        )
    patients = pack.roles_of_kind("patient")
    if not any(p.role in patients for p in cmd.parties):
        raise InvalidInput(
            f"the application names no {words['applicant']} ({' or '.join(patients)})",
            field="parties",
        )
    for n, item in enumerate(cmd.items):
        if not item.description.strip():
            raise InvalidInput("a disputed item needs a description", field=f"items[{n}]")


def _check_fact_value(kind: str, name: str, value: str) -> None:
    if kind == "date":
        try:
            date.fromisoformat(value)
        except ValueError as err:
            raise InvalidInput(
                f"fact {name}: {value!r} is not a date (YYYY-MM-DD)", field=f"facts.{name}"
            ) from err
    elif kind == "bool" and value not in ("true", "false"):
        raise InvalidInput(f"fact {name}: expected true or false", field=f"facts.{name}")


def submit_application(
    cmd: SubmitApplication, uow: UnitOfWork, actor: Actor, clock: Clock
) -> IntakeResult:
    """Receive an application (the pack's `words.application`). One transaction.

    Every document is checked first; a bad one refuses the whole submission. The same
    application submitted again returns the case it created the first time.
    """
    _validate(cmd)
    pack = _pack(cmd.jurisdiction)
    filers = frozenset(pack.roles_of_kind("patient") + pack.roles_of_kind("representative"))
    who = f"the {pack.data.words['applicant']} or the representative"
    ensure_can_submit(actor, [(p.role, p.key) for p in cmd.parties], filers, who)
    checked = [check_document(upload, f"documents[{n}]") for n, upload in enumerate(cmd.documents)]
    key = _intake_key(cmd, checked)
    try:
        return _submit(cmd, checked, key, uow, actor, clock)
    except ConcurrentUpdate:
        # Another request stored the same application between our read and our write.
        return _submit(cmd, checked, key, uow, actor, clock)


def _submit(
    cmd: SubmitApplication,
    checked: list[CheckedDocument],
    key: str,
    uow: UnitOfWork,
    actor: Actor,
    clock: Clock,
) -> IntakeResult:
    now = clock()
    with uow:
        existing = uow.cases.find_by_intake_key(key)
        if existing is not None:
            audit(uow, "ApplicationResubmitted", actor, now, existing.case_number)
            uow.commit()
            return IntakeResult(existing.case_number, existing.state, False, existing.version)
        # The IMR organization numbers every case; an applicant never chooses its number.
        case = Case(
            case_number=uow.cases.next_case_number(cmd.application_received_on),
            jurisdiction=cmd.jurisdiction,
            priority=cmd.priority,
            date_of_injury=cmd.date_of_injury,
            ur_decision_date=cmd.ur_decision_date,
            ur_decision_served_by=cmd.ur_decision_served_by,
            application_received_on=cmd.application_received_on,
            application_signed=cmd.application_signed,
            dispute_type=cmd.dispute_type,
            formulary=cmd.formulary,
            claim_number=cmd.claim_number,
            applicant_age=cmd.applicant_age,
            applicant_sex=cmd.applicant_sex,
            condition=cmd.condition,
            facts=dict(cmd.facts),
            filed_by=None if actor.is_staff else actor.party_key,
            parties=[Party(p.role, p.name, p.key, p.organization, p.address) for p in cmd.parties],
            items=[
                DisputedItem(str(n), i.description, i.original_request, i.authorized_portion)
                for n, i in enumerate(cmd.items, start=1)
            ],
        )
        case.documents = _add_documents(uow, case, checked)
        uow.cases.add(case, intake_key=key, dispute_key=dispute_key(case))
        queued = _queue_ocr(uow, case.documents, checked, clock)
        audit(
            uow,
            "ApplicationReceived",
            actor,
            now,
            case.case_number,
            state=case.state,
            documents=[d.filename for d in case.documents],
            items=[i.description for i in case.items],
            version=case.version,
        )
        uow.commit()
        return IntakeResult(case.case_number, case.state, True, case.version, queued)


def _queue_ocr(
    uow: UnitOfWork, added: list[CaseDocument], checked: list[CheckedDocument], clock: Clock
) -> list[tuple[str, str]]:
    """Scanned PDFs among the documents just filed, for the OCR job."""
    from openimr.service.document_text import queue_ocr

    return [
        (doc.document_id, doc.content_hash)
        for doc, upload in zip(added, checked, strict=True)
        if queue_ocr(uow, doc, upload.upload.content, clock)
    ]


def determine_eligibility(
    case_number: str,
    uow: UnitOfWork,
    actor: Actor,
    clock: Clock,
    rules: GroundBook | None = None,
    served_by: ServiceMethod = ServiceMethod.MAIL,
) -> EligibilityResult:
    """The AD's eligibility review (8 CCR 9792.10.3); every finding cites its rule. An
    ineligible or deferred case gets its written notice to the parties, served `served_by`
    today, in the same transaction (9792.10.3(c), (d))."""
    ensure_staff(actor, "decide eligibility")
    with uow:
        case = uow.cases.get(case_number)
        key = dispute_key(case)
        # The oldest application still standing for this dispute is the original; any
        # later one is the duplicate (8 CCR 9792.10.3(a)(2)).
        standing = uow.cases.case_numbers_with_dispute_key(key)
        original = standing[0] if standing else case_number
        existing = {key: original} if original != case_number else {}
        findings = check_eligibility(case, existing, rules)
        case.record_eligibility(findings, clock())
        notice = eligibility_notice(case, clock().date(), served_by, server_name(actor))
        if notice is not None:
            serve(uow, case, notice, actor, clock)
        uow.cases.save(case)
        record_events(uow, case, actor)
        if findings:  # the parties hear why at once; the written notice is on the case
            deferred = case.state is CaseState.DEFERRED
            notify_parties(
                uow,
                [p.key for p in case.parties],
                "deferred" if deferred else "ineligible",
                case.case_number,
                f"The application for IMR {case.case_number} was "
                + ("deferred: " if deferred else "found not eligible: ")
                + "; ".join(f"{f.reason} ({f.citation})" for f in findings),
                clock(),
                key=str(case.version),
            )
        uow.commit()
        return EligibilityResult(case.case_number, not findings, findings, case.state, case.version)


def receive_records(
    cmd: ReceiveRecords, uow: UnitOfWork, actor: Actor, clock: Clock
) -> RecordsResult:
    """The payer's records arrive: the decision clock starts."""
    ensure_staff(actor, "record the receipt of records")
    checked = [check_document(upload, f"documents[{n}]") for n, upload in enumerate(cmd.documents)]
    with uow:
        case = uow.cases.get(cmd.case_number)
        ensure_version(case, cmd.expected_version)
        added = _add_documents(uow, case, checked)
        case.receive_records(cmd.received_on, cmd.served_by, clock())
        case.documents = [*case.documents, *added]
        case.answer_records_requests(clock())
        queued = _queue_ocr(uow, added, checked, clock)
        uow.cases.save(case)
        record_events(uow, case, actor)
        audit(
            uow,
            "RecordsFiled",
            actor,
            clock(),
            case.case_number,
            documents=[d.filename for d in added],
        )
        uow.commit()
        return RecordsResult(case.case_number, case.state, len(added), case.version, queued)


@dataclass(frozen=True)
class WithdrawCase:
    """The claims administrator authorized the treatment, or the applicant withdrew."""

    case_number: str
    reason: str
    expected_version: int | None = None


@dataclass(frozen=True)
class WithdrawResult:
    case_number: str
    state: CaseState
    version: int


def withdraw_case(cmd: WithdrawCase, uow: UnitOfWork, actor: Actor, clock: Clock) -> WithdrawResult:
    """End the review before a determination: the claims administrator may end IMR by
    authorizing the disputed treatment (8 CCR 9792.10.6(a)), or the employee withdraws."""
    ensure_staff(actor, "withdraw a case")
    if not cmd.reason.strip():
        raise InvalidInput("a withdrawal needs a reason", field="reason")
    with uow:
        case = uow.cases.get(cmd.case_number)
        ensure_version(case, cmd.expected_version)
        case.withdraw(clock(), cmd.reason.strip())
        uow.cases.save(case)
        record_events(uow, case, actor)
        uow.commit()
        return WithdrawResult(case.case_number, case.state, case.version)
