"""Eligibility of an application for review: a case read by its pack's declarative grounds.

Every jurisdiction's grounds are data (`rules/data/<jurisdiction>/eligibility.yaml`, evaluated
by `rules.grounds`); this module only turns a case into what the grounds read
(`eligibility_view`), runs them (`check_eligibility`), and says which applications are the
same dispute (`dispute_key`) or may be decided together (`consolidation_key`). No finding means
the case is eligible; an "ineligible" finding ends the application, a "deferred" one only
holds it (as a liability dispute does in California workers' comp, 8 CCR 9792.10.3(d)).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import fields
from datetime import date

from openimr.domain.case import Case, EligibilityFinding
from openimr.domain.vocabulary import PartyRole
from openimr.rules.case_clocks import case_clocks
from openimr.rules.grounds import CaseForEligibility, FactValue, GroundBook, evaluate
from openimr.rules.loader import DEFAULT_JURISDICTION
from openimr.rules.pack import JurisdictionPack, grounds_of, load_pack

# The case's own fields, which a pack fact of the same name is read from (date_of_injury,
# claim_number, ur_decision_date...) when the case does not keep it among its facts.
_CASE_FIELDS = frozenset(f.name for f in fields(Case))


def load_eligibility_rules(jurisdiction: str = DEFAULT_JURISDICTION) -> GroundBook:
    """The eligibility grounds of `jurisdiction`, loaded and checked against its pack."""
    return grounds_of(load_pack(jurisdiction))


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def dispute_key(case: Case) -> str:
    """What makes two applications the same dispute (8 CCR 9792.10.3(a)(2)).

    The same worker (claim number, else the injured worker's party key), the same
    injury and UR decision dates, and the same disputed items.
    """
    patients = load_pack(case.jurisdiction).roles_of_kind("patient")
    workers = [p for p in case.parties if p.role in patients]
    who = case.claim_number or (workers[0].key if workers else case.case_number)
    items = "|".join(sorted(_norm(i.description) for i in case.items))
    injury = case.date_of_injury.isoformat() if case.date_of_injury else ""
    dates = f"{injury}#{case.ur_decision_date.isoformat()}"
    return f"{_norm(who)}#{dates}#{items}"


def eligibility_view(
    case: Case, pack: JurisdictionPack | None = None, duplicate_of: str | None = None
) -> CaseForEligibility:
    """What the grounds read of `case`: its pack facts (dates and flags parsed; a fact the
    case keeps in a field of its own is read from there), the common facts, its documents and
    its clocks. `duplicate_of` names the application already standing for the same dispute."""
    pack = pack or load_pack(case.jurisdiction)
    facts: dict[str, FactValue] = {}
    for fact in pack.data.case_facts:
        text = case.facts.get(fact.id)
        if text is None:
            if fact.id in _CASE_FIELDS:
                value = getattr(case, fact.id)
                if value is None or isinstance(value, date | str | bool):
                    facts[fact.id] = value
            continue
        if fact.kind == "date":
            facts[fact.id] = date.fromisoformat(text)
        elif fact.kind == "bool":
            facts[fact.id] = text == "true"
        else:
            facts[fact.id] = text
    for name, text in case.facts.items():  # facts a pack no longer declares, as text
        facts.setdefault(name, text)
    facts.update(
        review_type=case.dispute_type,
        priority=case.priority.value,
        application_signed=case.application_signed,
        application_received_on=case.application_received_on,
        liability_agreed=case.liability_agreed,
        liability_resolved_on=case.liability_resolved_on,
    )
    return CaseForEligibility(
        facts=facts,
        documents=frozenset(d.kind for d in case.documents),
        clocks=case_clocks(case),
        application_received_on=case.application_received_on,
        priority=case.priority.value,
        duplicate_of=duplicate_of,
    )


def check_eligibility(
    case: Case,
    existing_case_keys: Mapping[str, str] | set[str] | frozenset[str],
    grounds: GroundBook | None = None,
) -> list[EligibilityFinding]:
    """Every ground of its jurisdiction on which `case` is ineligible (or deferred); empty =
    eligible. Grounds are those in force on the day the application was received.

    `existing_case_keys` are the `dispute_key`s of applications already standing; a mapping
    may give, for each key, the case number to name in the finding.
    """
    pack = load_pack(case.jurisdiction)
    book = grounds or grounds_of(pack)
    key = dispute_key(case)
    duplicate_of: str | None = None
    if key in existing_case_keys:
        duplicate_of = (
            existing_case_keys[key] if isinstance(existing_case_keys, Mapping) else "on file"
        )
    found = evaluate(list(book.grounds), eligibility_view(case, pack, duplicate_of))
    return [EligibilityFinding(f.code, f.reason, f.citation, f.outcome) for f in found]


def consolidation_key(case: Case) -> str | None:
    """Applications the IMRO may combine into one determination (8 CCR 9792.10.4(a)):
    the same employee, the same requesting physician and the same date of injury.
    None when the case names no injured worker or no requesting physician."""
    workers = case.parties_with_role(PartyRole.INJURED_WORKER)
    physicians = case.parties_with_role(PartyRole.REQUESTING_PHYSICIAN)
    if not workers or not physicians or case.date_of_injury is None:
        return None
    return f"{workers[0].key}#{physicians[0].key}#{case.date_of_injury.isoformat()}"
