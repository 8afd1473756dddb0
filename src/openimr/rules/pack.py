"""A jurisdiction is a pack of data: one folder under `rules/data/<jurisdiction>/`.

`pack.yaml` describes the programme: its review types, party roles and document kinds, the
facts a case of it records (and which clock event each date is), the outcome words of its
letters, its evidence hierarchy, and which clock event each step of a case's life sets.
Beside it the pack keeps its clocks (`clocks.yaml`), calendars (`holidays.yaml`, or another
pack's), eligibility grounds (`eligibility.yaml`), reviewer policy (`reviewer_policy.yaml`)
and letter texts (`letter.yaml`). A new jurisdiction is a new folder and its tests, not code.

`load_pack` validates the files and their cross-references (every event, clock, document
kind and party role a file names exists); `validate_all_packs` runs at start-up, so a broken
pack stops the service and the CLI with a `RuleDataError` naming the file and the field.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Literal

from pydantic import Field, model_validator

from openimr.datafile import StrictModel, load_model
from openimr.domain.errors import InvalidInput, RuleDataError
from openimr.domain.vocabulary import EvidenceSource
from openimr.rules.cited import Cited, Source
from openimr.rules.clocks import ClockPack, load_clock_pack
from openimr.rules.grounds import GroundBook, check_references, load_grounds
from openimr.rules.loader import DATA_DIR, rule_path
from openimr.rules.reviewer_policy import load_reviewer_policy_book

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
DecisionWord = Literal["upheld", "overturned", "modified"]
# The citation sources of the letters (docs/product.md `letter parse`), which a rank covers.
CITATION_SOURCES = frozenset(s.value for s in EvidenceSource)


class Term(StrictModel):
    """One member of a closed vocabulary of the pack (a party role, a document kind...)."""

    id: str
    label: str

    @model_validator(mode="after")
    def _id_is_a_name(self) -> Term:
        if not _ID.match(self.id):
            raise ValueError(f"id {self.id!r} must be lower_snake_case")
        return self


class ReviewType(Term, Cited):
    """A kind of dispute the programme decides (medical necessity, experimental...)."""


class PartyRoleDef(Term):
    """A role a party plays; `kind` is what the service needs to know of it, whatever the
    programme calls it (the claims administrator of workers' comp is a payer, as a plan is)."""

    kind: Literal["patient", "representative", "payer", "provider", "employer", "reviewer", "other"]
    receives_letter: bool = True


class DocumentKindDef(Term):
    """A kind of document of the case file."""

    decision_under_review: bool = False  # the payer's written decision the case disputes
    clinical: bool = False  # read by the reviewer for the clinical picture (and the assist)


class CaseFact(Term):
    """A fact a case of this jurisdiction records; a date fact may be a clock event."""

    kind: Literal["date", "text", "bool"]
    required: bool = False
    event: str | None = None  # the clocks.yaml event this date is


class Outcome(Cited):
    """The word a letter of this jurisdiction uses for one decision."""

    decision: DecisionWord
    word: str
    meaning: str


class EvidenceTier(Term, Cited):
    """One rank of the evidence hierarchy; rank 1 governs. `covers` are the citation
    sources of the letters (MTUS, non-MTUS, outside-MTUS, none) this rank takes in."""

    rank: int = Field(ge=1)
    covers: list[str] = Field(default_factory=list)


class Lifecycle(StrictModel):
    """The clock event each step of a case's life sets (None: this programme has no such
    event). `decision_under_review` is the dated decision the case disputes."""

    decision_under_review: str
    decision_service: str | None = None  # the clocks.yaml service fact of that decision
    application_received: str
    eligibility_found: str | None = None
    information_requested: str | None = None  # the date a request for information was sent
    information_request_service: str | None = None
    assigned: str | None = None
    assignment_service: str | None = None
    # True: `assigned` is the date of mailing of the notice of assignment (a notice of the
    # case), not the day the reviewer was designated.
    assignment_by_notice: bool = False
    expedited_conversion: str | None = None
    records_received: str | None = None
    determination_served: str | None = None
    determination_service: str | None = None
    ineligibility_served: str | None = None
    ineligibility_service: str | None = None


class PackFile(StrictModel):
    jurisdiction: str
    name: str
    programme: str
    regulator: str
    citation: str
    verified: bool
    sources: list[Source] = Field(default_factory=list)
    note: str | None = None
    effective_from: date
    words: dict[str, str]  # the programme's terms: applicant, payer, decision_under_review...
    review_types: list[ReviewType] = Field(min_length=1)
    party_roles: list[PartyRoleDef] = Field(min_length=1)
    document_kinds: list[DocumentKindDef] = Field(min_length=1)
    case_facts: list[CaseFact] = Field(default_factory=list)
    outcomes: list[Outcome] = Field(min_length=2)
    evidence_hierarchy: list[EvidenceTier] = Field(min_length=1)
    lifecycle: Lifecycle
    # The reviewer's decision support: the guideline engine and outcome model of the
    # workers' comp assist, or the category rates learnt from DMHC decisions (assist/dmhc.py).
    decision_support: Literal["guideline_engine", "category_rates"]
    decision_support_note: str | None = None

    @model_validator(mode="after")
    def _closed_and_complete(self) -> PackFile:
        for name in ("review_types", "party_roles", "document_kinds", "case_facts"):
            ids = Counter(t.id for t in getattr(self, name))
            twice = [i for i, n in ids.items() if n > 1]
            if twice:
                raise ValueError(f"{name}: id {twice[0]!r} is listed twice")
        decisions = {o.decision for o in self.outcomes}
        if not {"upheld", "overturned"} <= decisions:
            raise ValueError("outcomes: needs a word for upheld and for overturned")
        for tier in self.evidence_hierarchy:
            unknown = set(tier.covers) - CITATION_SOURCES
            if unknown:
                raise ValueError(
                    f"evidence_hierarchy ({tier.id}): covers {sorted(unknown)}, not one of "
                    f"{sorted(CITATION_SOURCES)}"
                )
        ranks = sorted(t.rank for t in self.evidence_hierarchy)
        if ranks != list(range(1, len(ranks) + 1)):
            raise ValueError("evidence_hierarchy: ranks must be 1, 2, 3... without gaps")
        kinds = {r.kind for r in self.party_roles}
        if not {"patient", "payer"} <= kinds:
            raise ValueError("party_roles: needs a role of kind patient and one of kind payer")
        if not any(d.decision_under_review for d in self.document_kinds):
            raise ValueError("document_kinds: one kind must be the decision_under_review")
        for word in ("applicant", "payer", "decision_under_review", "reviewing_organization"):
            if word not in self.words:
                raise ValueError(f"words: needs {word!r}")
        return self


@dataclass(frozen=True)
class JurisdictionPack:
    """A validated pack: its description and its clocks (other files load on their own)."""

    data: PackFile
    clocks: ClockPack
    source: str

    @property
    def jurisdiction(self) -> str:
        return self.data.jurisdiction

    def outcome(self, decision: str) -> Outcome:
        for outcome in self.data.outcomes:
            if outcome.decision == decision:
                return outcome
        raise RuleDataError(
            f"{self.source}: no outcome word for {decision!r}", field="outcomes", file=self.source
        )

    def role(self, role_id: str) -> PartyRoleDef | None:
        return next((r for r in self.data.party_roles if r.id == role_id), None)

    def document_kind(self, kind_id: str) -> DocumentKindDef | None:
        return next((d for d in self.data.document_kinds if d.id == kind_id), None)

    def roles_of_kind(self, kind: str) -> list[str]:
        return [r.id for r in self.data.party_roles if r.kind == kind]

    def review_type(self, type_id: str) -> ReviewType | None:
        return next((t for t in self.data.review_types if t.id == type_id), None)

    def evidence_rank(self, source: str) -> int | None:
        """The rank of the hierarchy a citation's source belongs to (1 governs)."""
        return next((t.rank for t in self.data.evidence_hierarchy if source in t.covers), None)

    @property
    def clinical_kinds(self) -> frozenset[str]:
        return frozenset(d.id for d in self.data.document_kinds if d.clinical)

    @property
    def decision_document_kind(self) -> str:
        return next(d.id for d in self.data.document_kinds if d.decision_under_review)


def _check_events(data: PackFile, clocks: ClockPack, path: str) -> None:
    """Every clock event the pack names is declared in its clocks.yaml."""
    events = {e.id for e in clocks.data.events}
    services = {e.service for e in clocks.data.events if e.service}
    named = {f"case_facts.{f.id}.event": f.event for f in data.case_facts if f.event}
    lifecycle = data.lifecycle.model_dump()
    for step, event in lifecycle.items():
        if not isinstance(event, str):  # an absent step, or a switch such as assignment_by_notice
            continue
        if step.endswith("_service"):
            if event not in services:
                raise RuleDataError(
                    f"{path}: lifecycle.{step} names service fact {event!r}, which no event of "
                    f"{clocks.source} declares",
                    file=path,
                    field=f"lifecycle.{step}",
                )
            continue
        named[f"lifecycle.{step}"] = event
    for where, event in named.items():
        if event not in events:
            raise RuleDataError(
                f"{path}: {where} names event {event!r}, which {clocks.source} does not declare",
                file=path,
                field=where,
            )


def pack_named(jurisdiction: str) -> JurisdictionPack:
    """The pack a request names: InvalidInput (422) when no pack has that name, so a caller's
    typo is the caller's error and only a broken shipped pack is a RuleDataError."""
    if jurisdiction not in jurisdictions():
        known = ", ".join(jurisdictions())
        raise InvalidInput(
            f"unknown jurisdiction {jurisdiction!r} (known: {known})", field="jurisdiction"
        )
    return load_pack(jurisdiction)


def jurisdictions() -> list[str]:
    """Every pack shipped: the folders of rules/data that hold a pack.yaml."""
    return sorted(p.parent.name for p in DATA_DIR.glob("*/pack.yaml"))


@lru_cache(maxsize=16)
def load_pack(jurisdiction: str) -> JurisdictionPack:
    """Load and validate `rules/data/<jurisdiction>/pack.yaml` and its clocks (cached)."""
    if not _ID.match(jurisdiction) or not rule_path("pack.yaml", jurisdiction).exists():
        known = ", ".join(jurisdictions())
        raise RuleDataError(
            f"no jurisdiction pack {jurisdiction!r} (known: {known})", field="jurisdiction"
        )
    path = rule_path("pack.yaml", jurisdiction)
    data = load_model(path, PackFile)
    if data.jurisdiction != jurisdiction:
        raise RuleDataError(
            f"{path}: jurisdiction is {data.jurisdiction!r} but the folder is {jurisdiction!r}",
            file=str(path),
            field="jurisdiction",
        )
    clocks = load_clock_pack(jurisdiction)
    _check_events(data, clocks, str(path))
    return JurisdictionPack(data, clocks, str(path))


# Facts every case has, whatever its jurisdiction, for eligibility grounds to name: the review
# type, priority and signature of the application, the day it arrived, and whether the payer
# agreed the case is eligible or a liability dispute was resolved (which ends a deferral).
COMMON_FACTS = frozenset(
    {
        "review_type",
        "priority",
        "application_signed",
        "application_received_on",
        "liability_agreed",
        "liability_resolved_on",
    }
)
PRIORITIES = frozenset({"standard", "expedited"})


def grounds_of(pack: JurisdictionPack) -> GroundBook:
    """The pack's declarative eligibility grounds, checked against the pack: every clock,
    fact, document kind and priority a ground names exists."""
    book = load_grounds(pack.jurisdiction)
    if book.jurisdiction != pack.jurisdiction:
        raise RuleDataError(
            f"{book.source}: jurisdiction is {book.jurisdiction!r} but the pack is "
            f"{pack.jurisdiction!r}",
            file=book.source,
            field="jurisdiction",
        )
    check_references(
        book,
        clocks={c.id for c in pack.clocks.data.clocks},
        facts=set(COMMON_FACTS) | {f.id for f in pack.data.case_facts},
        document_kinds={d.id for d in pack.data.document_kinds},
        priorities=set(PRIORITIES),
    )
    return book


def validate_pack(jurisdiction: str) -> JurisdictionPack:
    """Every file of one pack, loaded and cross-checked; RuleDataError names what is wrong."""
    pack = load_pack(jurisdiction)
    grounds_of(pack)
    policy = rule_path("reviewer_policy.yaml", jurisdiction)
    if not policy.exists():
        raise RuleDataError(
            f"pack {jurisdiction} has no reviewer_policy.yaml", file=str(policy), field="pack"
        )
    load_reviewer_policy_book(policy)
    return pack


def validate_all_packs() -> list[str]:
    """Validate every shipped pack (run at start-up); the jurisdictions found."""
    found = jurisdictions()
    for jurisdiction in found:
        validate_pack(jurisdiction)
    return found
