"""The IMR case: the aggregate that moves from application to published letter.

Every case carries its jurisdiction, whose pack (rules/data/<jurisdiction>/) says what its
words, parties, documents, clocks and grounds are; the aggregate itself knows no programme.
The life is the same everywhere: an application is checked for eligibility (deferred while
the payer disputes liability on another ground, 8 CCR 9792.10.3(d) in California), an
eligible case is assigned to one expert reviewer, the payer's records arrive and start the
decision clock, the reviewer signs a determination, the review organization issues the final
determination letter and later publishes a redacted copy. Every written notice (of
assignment, a request for information, ineligibility, the letter itself) is kept on the case
with its recipients and date of mailing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NoReturn

from openimr.domain.determination import Determination
from openimr.domain.errors import InvalidInput, InvalidTransition
from openimr.domain.notice import Notice
from openimr.domain.vocabulary import CaseState, NoticeKind, Priority, ReleaseKind, ServiceMethod


@dataclass(frozen=True)
class Party:
    """A person or organisation in the case. `key` is its id in the relation graph; `role`
    is one of the party roles of the case's jurisdiction pack."""

    role: str
    name: str
    key: str  # e.g. "org:acme-insurance", "person:dr-jones"
    organization: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class CaseDocument:
    """One document of the case file, identified by the hash of its content."""

    document_id: str
    kind: str  # a document kind of the case's jurisdiction pack
    title: str
    content_hash: str  # sha256 hex of the stored bytes
    media_type: str  # application/pdf or text/plain
    pages: int
    author: str | None = None
    document_date: date | None = None
    filename: str | None = None


@dataclass(frozen=True)
class DisputedItem:
    """A treatment or service that UR denied or modified.

    For a modified request `description` is the IMR-eligible remaining portion,
    `original_request` what was asked and `authorized_portion` what UR allowed.
    """

    item_id: str
    description: str
    original_request: str | None = None
    authorized_portion: str | None = None

    def __post_init__(self) -> None:
        if not self.description.strip():
            raise InvalidInput(
                "a disputed item needs a description", field=f"items[{self.item_id}]"
            )


@dataclass(frozen=True)
class EligibilityFinding:
    """One reason a case is not eligible (or must wait), with the rule that says so.

    `outcome` is "ineligible", or "deferred" for a ground that only postpones IMR (a
    liability dispute, 8 CCR 9792.10.3(d))."""

    code: str
    reason: str
    citation: str
    outcome: str = "ineligible"


@dataclass(frozen=True)
class CaseEvent:
    """Something that happened to the case; the service writes it to the audit log."""

    name: str  # past tense: ApplicationReceived, ReviewerAssigned ...
    on: datetime
    data: dict[str, object] = field(default_factory=dict)


# In which states each notice may be served (8 CCR 9792.10.3, 9792.10.4, 9792.10.6).
_OPEN_FOR_REVIEW = frozenset({CaseState.ELIGIBLE, CaseState.ASSIGNED, CaseState.RECORDS_RECEIVED})
_NOTICE_STATES: dict[NoticeKind, frozenset[CaseState]] = {
    NoticeKind.ASSIGNMENT: _OPEN_FOR_REVIEW,
    NoticeKind.INFORMATION_REQUEST: frozenset({CaseState.RECEIVED}),
    NoticeKind.INELIGIBILITY: frozenset({CaseState.INELIGIBLE}),
    NoticeKind.DEFERRAL: frozenset({CaseState.DEFERRED}),
    NoticeKind.EXPEDITED_CONVERSION: _OPEN_FOR_REVIEW | {CaseState.RECEIVED},
    NoticeKind.FINAL_DETERMINATION: frozenset({CaseState.ISSUED}),
}


@dataclass(frozen=True)
class RecordsRequest:
    """The expert reviewer's request for records missing from the case file; staff answer
    it by adding the documents (8 CCR 9792.10.5(b): the IMR organization may ask for them)."""

    what: str
    requested_at: datetime
    requested_by: str  # reviewer id
    answered_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.answered_at is None


# Which state may follow which: anything else is an InvalidTransition.
ALLOWED_TRANSITIONS: dict[CaseState, frozenset[CaseState]] = {
    CaseState.RECEIVED: frozenset(
        {CaseState.ELIGIBLE, CaseState.INELIGIBLE, CaseState.DEFERRED, CaseState.WITHDRAWN}
    ),
    # A liability dispute holds the case; it comes back when that is settled (9792.10.3(d)).
    CaseState.DEFERRED: frozenset({CaseState.RECEIVED, CaseState.WITHDRAWN}),
    # Not a dead end: a missing document may arrive and the decision be taken again.
    CaseState.INELIGIBLE: frozenset({CaseState.RECEIVED, CaseState.WITHDRAWN}),
    CaseState.ELIGIBLE: frozenset({CaseState.ASSIGNED, CaseState.WITHDRAWN}),
    # A reviewer who declines or recuses puts the case back for another (ELIGIBLE).
    CaseState.ASSIGNED: frozenset(
        {CaseState.RECORDS_RECEIVED, CaseState.ELIGIBLE, CaseState.WITHDRAWN}
    ),
    CaseState.RECORDS_RECEIVED: frozenset(
        {CaseState.REVIEWED, CaseState.ELIGIBLE, CaseState.WITHDRAWN}
    ),
    CaseState.REVIEWED: frozenset({CaseState.ISSUED}),
    CaseState.ISSUED: frozenset({CaseState.PUBLISHED}),
    CaseState.PUBLISHED: frozenset(),
    CaseState.WITHDRAWN: frozenset(),
}
# A reviewer taken off the case (`release_reviewer`) sends it back to ELIGIBLE from these;
# reassigned with the records already in, it returns straight to RECORDS_RECEIVED.
RELEASE_FROM = frozenset({CaseState.ASSIGNED, CaseState.RECORDS_RECEIVED})


@dataclass(frozen=True)
class ReviewerRelease:
    """A reviewer taken off the case: who, why (kind and words), when. Never assigned again."""

    reviewer_id: str
    kind: ReleaseKind
    reason: str
    on: date


@dataclass
class Case:
    """An IMR case (aggregate root). Dates are passed in: the domain never asks the clock."""

    case_number: str
    jurisdiction: str  # the pack of rules/data/ whose law governs the case
    priority: Priority
    date_of_injury: date | None  # workers' comp cases; None for a health plan's
    # The payer's decision the case disputes (a UR decision, a plan's grievance decision, a
    # final internal adverse benefit determination), and how it was served.
    ur_decision_date: date
    ur_decision_served_by: ServiceMethod
    application_received_on: date
    application_signed: bool
    dispute_type: str  # the review type (medical_necessity...) or what else the dispute is
    claim_number: str | None = None
    applicant_age: int | None = None
    applicant_sex: str | None = None
    condition: str = ""
    # The pack's other case facts (member id, plan, categories...), as text (ISO dates).
    facts: dict[str, str] = field(default_factory=dict)
    # The party key of the party account that filed the application; None when the IMR
    # organization's staff entered it. Other parties see a party-filed case only once staff
    # have decided its eligibility (service/access.py).
    filed_by: str | None = None
    parties: list[Party] = field(default_factory=list)
    documents: list[CaseDocument] = field(default_factory=list)
    items: list[DisputedItem] = field(default_factory=list)
    state: CaseState = CaseState.RECEIVED
    assigned_reviewer_id: str | None = None
    # The first assignment's date: the NOARFI went out then and the records clock runs from
    # it; a reassignment does not move it (`reviewer_assigned_on` is the current reviewer's).
    assigned_on: date | None = None
    reviewer_assigned_on: date | None = None
    released_reviewers: list[ReviewerRelease] = field(default_factory=list)
    records_received_on: date | None = None
    records_served_by: ServiceMethod | None = None
    # How the notice of assignment went to the payer: some packs' records clocks depend on it.
    noarfi_served_by: ServiceMethod | None = None
    decision_date: date | None = None
    published_on: date | None = None
    eligibility_findings: list[EligibilityFinding] = field(default_factory=list)
    eligibility_decided_on: date | None = None
    # A dispute over medication under the drug formulary: 5 working days (LC 4610.6(d)(1)(A)).
    formulary: bool = False
    # A payer's dispute of liability on another ground may defer the review (8 CCR
    # 9792.10.3(d) in California) unless the payer agrees the case is eligible; it goes on once
    # liability is resolved.
    liability_agreed: bool = False
    liability_resolved_on: date | None = None
    expedited_converted_on: date | None = None  # 8 CCR 9792.10.4(c)
    notices: list[Notice] = field(default_factory=list)
    determination: Determination | None = None
    # Reviewers who declined or recused: never assigned to this case again.
    excluded_reviewer_ids: list[str] = field(default_factory=list)
    records_requests: list[RecordsRequest] = field(default_factory=list)
    version: int = 0  # optimistic-locking counter, bumped by the store on every save
    events: list[CaseEvent] = field(default_factory=list, compare=False, repr=False)

    # -- queries -------------------------------------------------------
    def parties_with_role(self, role: str) -> list[Party]:
        return [p for p in self.parties if p.role == role]

    def party_keys(self) -> set[str]:
        return {p.key for p in self.parties}

    def has_document(self, kind: str) -> bool:
        return any(d.kind == kind for d in self.documents)

    def item(self, item_id: str) -> DisputedItem:
        for item in self.items:
            if item.item_id == item_id:
                return item
        raise InvalidInput(
            f"case {self.case_number} has no disputed item {item_id!r}", field="item_id"
        )

    def notices_of(self, kind: NoticeKind) -> list[Notice]:
        return [n for n in self.notices if n.kind is kind]

    def latest_notice(self, kind: NoticeKind) -> Notice | None:
        found = self.notices_of(kind)
        return found[-1] if found else None

    def notice(self, notice_id: str) -> Notice:
        for notice in self.notices:
            if notice.notice_id == notice_id:
                return notice
        raise InvalidInput(
            f"case {self.case_number} has no notice {notice_id!r}", field="notice_id"
        )

    def next_notice_id(self) -> str:
        return f"N{len(self.notices) + 1}"

    @property
    def is_open(self) -> bool:
        return self.state not in {
            CaseState.INELIGIBLE,
            CaseState.ISSUED,
            CaseState.PUBLISHED,
            CaseState.WITHDRAWN,
        }

    # -- transitions ---------------------------------------------------
    def _move(self, to: CaseState, event: str, at: datetime, **data: object) -> None:
        if to not in ALLOWED_TRANSITIONS[self.state]:
            self._refuse(to)
        self._record(to, event, at, **data)

    def _refuse(self, to: CaseState) -> NoReturn:
        raise InvalidTransition(
            f"case {self.case_number} is {self.state.value}; it cannot become {to.value}",
            case_number=self.case_number,
            state=self.state.value,
            to=to.value,
        )

    def _record(self, to: CaseState, event: str, at: datetime, **data: object) -> None:
        self.state = to
        self.events.append(CaseEvent(event, at, {"state": to.value, **data}))

    def record_eligibility(
        self, findings: list[EligibilityFinding], at: datetime, on: date | None = None
    ) -> None:
        """The programme's eligibility decision: no finding means eligible; any ineligible
        finding makes the case ineligible; deferring findings alone hold it (a liability
        dispute, 8 CCR 9792.10.3(d))."""
        deferring = bool(findings) and all(f.outcome == "deferred" for f in findings)
        if self.state is not CaseState.RECEIVED:
            to = (
                CaseState.DEFERRED
                if deferring
                else (CaseState.INELIGIBLE if findings else CaseState.ELIGIBLE)
            )
            raise InvalidTransition(
                f"case {self.case_number} is {self.state.value}; it cannot become {to.value}",
                case_number=self.case_number,
                state=self.state.value,
                to=to.value,
            )
        self.eligibility_findings = list(findings)
        self.eligibility_decided_on = on or at.date()
        reasons = [f"{f.reason} ({f.citation})" for f in findings]
        if deferring:
            self._move(CaseState.DEFERRED, "ReviewDeferred", at, reasons=reasons)
        elif findings:
            self._move(CaseState.INELIGIBLE, "FoundIneligible", at, reasons=reasons)
        else:
            self._move(CaseState.ELIGIBLE, "FoundEligible", at)

    def resume_after_deferral(self, on: date, at: datetime, *, agreed: bool = False) -> None:
        """The liability dispute was resolved (or the payer agreed the case is eligible): the
        application goes back to eligibility review (9792.10.3(d))."""
        reason = "payer agrees the case is eligible" if agreed else "liability resolved"
        self._move(CaseState.RECEIVED, "DeferralEnded", at, reason=reason, on=on.isoformat())
        if agreed:
            self.liability_agreed = True
        else:
            self.liability_resolved_on = on

    def convert_to_expedited(self, on: date, at: datetime) -> None:
        """8 CCR 9792.10.4(c): a regular review becomes expedited on the treating physician's
        written certification of an imminent and serious threat to the employee's health."""
        if self.priority is Priority.EXPEDITED:
            raise InvalidInput(f"case {self.case_number} is already expedited", field="priority")
        if not self.is_open or self.state in {CaseState.REVIEWED, CaseState.DEFERRED}:
            raise InvalidTransition(
                f"case {self.case_number} is {self.state.value}; it cannot be converted",
                case_number=self.case_number,
                state=self.state.value,
            )
        self.priority = Priority.EXPEDITED
        self.expedited_converted_on = on
        self.events.append(CaseEvent("ConvertedToExpedited", at, {"on": on.isoformat()}))

    def add_notice(self, notice: Notice, at: datetime) -> None:
        """Keep a notice served on the parties; each kind only where the regulation puts it."""
        allowed = _NOTICE_STATES[notice.kind]
        if self.state not in allowed:
            raise InvalidTransition(
                f"case {self.case_number} is {self.state.value}: no {notice.kind.value} notice "
                "can be sent now",
                case_number=self.case_number,
                state=self.state.value,
            )
        # An ineligible application may be reopened and decided again (a new notice then).
        once = {NoticeKind.ASSIGNMENT, NoticeKind.FINAL_DETERMINATION}
        if notice.kind in once and self.notices_of(notice.kind):
            raise InvalidTransition(
                f"case {self.case_number} already has a {notice.kind.value} notice",
                case_number=self.case_number,
                state=self.state.value,
            )
        if notice.kind is NoticeKind.EXPEDITED_CONVERSION and self.expedited_converted_on is None:
            raise InvalidTransition("the review has not been converted to expedited")
        if any(n.notice_id == notice.notice_id for n in self.notices):
            raise InvalidInput(f"notice id {notice.notice_id} is taken", field="notice_id")
        self.notices.append(notice)
        self.events.append(
            CaseEvent(
                "NoticeServed",
                at,
                {
                    "notice_id": notice.notice_id,
                    "kind": notice.kind.value,
                    "mailed_on": notice.mailed_on.isoformat(),
                    "served_by": notice.served_by.value,
                    "recipients": [r.party_key for r in notice.recipients],
                },
            )
        )

    def reopen_eligibility(self, at: datetime, reason: str) -> None:
        """An ineligible application comes back for a new eligibility decision, e.g. once
        the missing signature or document has arrived (8 CCR 9792.10.3)."""
        self._move(CaseState.RECEIVED, "EligibilityReopened", at, reason=reason)
        self.eligibility_findings = []

    def assign(
        self,
        reviewer_id: str,
        on: date,
        at: datetime,
        noarfi_served_by: ServiceMethod | None = None,
    ) -> None:
        """The review organization designates one expert reviewer.

        A reassignment (after a release) keeps the first NOARFI and its records clock; with
        the records already in, the case goes straight back to RECORDS_RECEIVED.
        """
        if reviewer_id in self.excluded_reviewer_ids:
            raise InvalidInput(
                f"reviewer {reviewer_id} was taken off case {self.case_number} and may not "
                "be assigned to it again",
                field="reviewer_id",
            )
        first = self.assigned_on is None
        if first or self.records_received_on is None:
            event = "ReviewerAssigned" if first else "ReviewerReassigned"
            self._move(CaseState.ASSIGNED, event, at, reviewer_id=reviewer_id)
        else:
            if self.state is not CaseState.ELIGIBLE:
                self._refuse(CaseState.RECORDS_RECEIVED)
            self._record(
                CaseState.RECORDS_RECEIVED, "ReviewerReassigned", at, reviewer_id=reviewer_id
            )
        self.assigned_reviewer_id = reviewer_id
        self.reviewer_assigned_on = on
        if first:
            self.assigned_on = on
            self.noarfi_served_by = noarfi_served_by

    def release_reviewer(
        self, kind: ReleaseKind | str, reason: str, at: datetime, on: date | None = None
    ) -> str:
        """Take the assigned reviewer off: it declines, recuses (a conflict found late, LC 139.5)
        or let its internal deadline pass. The case goes back for another reviewer and this
        one is excluded from it for good. Returns the reviewer's id."""
        try:
            release = ReleaseKind.RECUSAL if kind == "recuse" else ReleaseKind(kind)
        except ValueError:
            known = ", ".join(k.value for k in ReleaseKind)
            raise InvalidInput(f"kind must be one of {known}, not {kind!r}", field="kind") from None
        if not reason.strip():
            raise InvalidInput("say why the reviewer comes off the case", field="reason")
        reviewer_id = self.assigned_reviewer_id
        if reviewer_id is None or self.state not in RELEASE_FROM:
            self._refuse(CaseState.ELIGIBLE)
        self._move(
            CaseState.ELIGIBLE,
            "ReviewerReleased",
            at,
            reviewer_id=reviewer_id,
            kind=release.value,
            reason=reason.strip(),
        )
        self.released_reviewers.append(
            ReviewerRelease(reviewer_id, release, reason.strip(), on or at.date())
        )
        if reviewer_id not in self.excluded_reviewer_ids:
            self.excluded_reviewer_ids = [*self.excluded_reviewer_ids, reviewer_id]
        self.assigned_reviewer_id = None
        self.reviewer_assigned_on = None
        return reviewer_id

    def receive_records(self, on: date, served_by: ServiceMethod, at: datetime) -> None:
        """The payer's records arrive: in every pack read, that starts the decision clock."""
        self._move(CaseState.RECORDS_RECEIVED, "RecordsReceived", at, served_by=served_by.value)
        self.records_received_on = on
        self.records_served_by = served_by

    def record_determination(self, determination: Determination, at: datetime) -> None:
        """The assigned reviewer's signed determination, one decision per disputed item."""
        if determination.signed_by != self.assigned_reviewer_id:
            raise InvalidInput(
                "only the assigned expert reviewer may sign the determination",
                field="signed_by",
            )
        decided = [d.item_id for d in determination.items]
        expected = [i.item_id for i in self.items]
        if sorted(decided) != sorted(expected):
            raise InvalidInput(
                f"the determination must decide every disputed item exactly once: "
                f"expected {expected}, got {decided}",
                field="items",
            )
        self._move(CaseState.REVIEWED, "DeterminationSigned", at)
        self.determination = determination

    def issue(self, on: date, at: datetime) -> None:
        """The final determination letter goes to the parties."""
        self._move(CaseState.ISSUED, "DeterminationIssued", at)
        self.decision_date = on

    def publish(self, on: date, at: datetime) -> None:
        """Publication of the redacted letter."""
        self._move(CaseState.PUBLISHED, "DeterminationPublished", at)
        self.published_on = on

    def request_records(self, what: str, by: str, at: datetime) -> RecordsRequest:
        """The reviewer asks for records missing from the file; the case stays with them."""
        if self.state not in (CaseState.ASSIGNED, CaseState.RECORDS_RECEIVED):
            raise InvalidTransition(
                f"case {self.case_number} is {self.state.value}: records are requested "
                "during the review",
                case_number=self.case_number,
                state=self.state.value,
                to=self.state.value,
            )
        if not what.strip():
            raise InvalidInput("say which records are missing", field="what")
        request = RecordsRequest(what.strip()[:2000], at, by)
        self.records_requests = [*self.records_requests, request]
        self.events.append(CaseEvent("RecordsRequested", at, {"what": request.what}))
        return request

    def answer_records_requests(self, at: datetime) -> int:
        """Documents arrived: every open request is answered; returns how many."""
        open_ones = [r for r in self.records_requests if r.is_open]
        self.records_requests = [
            RecordsRequest(r.what, r.requested_at, r.requested_by, at) if r.is_open else r
            for r in self.records_requests
        ]
        return len(open_ones)

    def withdraw(self, at: datetime, reason: str) -> None:
        self._move(CaseState.WITHDRAWN, "CaseWithdrawn", at, reason=reason)
