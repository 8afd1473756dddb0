"""Eligibility of an application for IMR, from rule data (eligibility.yaml).

8 CCR 9792.10.3: the Administrative Director considers timeliness and completeness,
earlier applications for the same treatment, any assertion that liability is barred, and
any other ground. Each ground is a rule with its citation, provenance and outcome: an
"ineligible" finding ends the application, a "deferred" one (a liability dispute,
9792.10.3(d)) only holds it. No finding means the case is eligible.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Literal

from pydantic import Field

from openimr.datafile import StrictModel, load_model
from openimr.domain.case import Case, EligibilityFinding
from openimr.domain.errors import RuleDataError
from openimr.domain.vocabulary import DocumentKind, PartyRole
from openimr.rules.case_clocks import case_clocks
from openimr.rules.cited import CitedRule, Source
from openimr.rules.clocks import ClockPack, load_clock_pack
from openimr.rules.loader import DEFAULT_JURISDICTION, check_no_overlap, rule_path
from openimr.rules.pack import load_pack

RuleId = Literal[
    "out_of_scope",
    "untimely",
    "unsigned",
    "ur_decision_missing",
    "not_medical_necessity",
    "conditional_non_certification",
    "liability_disputed",
    "duplicate",
]

_DISPUTE_LABELS = {
    "medical_necessity": "medical necessity",
    "conditional_non_certification": "conditional non-certification",
    "liability_disputed": "liability disputed",
}


class EligibilityRule(CitedRule):
    """One ground of ineligibility (or deferral); parameters the ground needs sit beside it."""

    id: RuleId
    reason: str
    outcome: Literal["ineligible", "deferred"]
    dates_verified: bool = False
    injury_on_or_after: date | None = None
    ur_decision_on_or_after: date | None = None
    accepted_dispute_types: list[str] | None = None
    dispute_types: list[str] | None = None


class EligibilityFile(StrictModel):
    jurisdiction: str
    sources: dict[str, Source] = Field(default_factory=dict)  # anchors for the rules
    rules: list[EligibilityRule]


@dataclass(frozen=True)
class EligibilityRules:
    rules: tuple[EligibilityRule, ...]
    clocks: ClockPack
    source: str

    def in_force(self, on: date) -> list[EligibilityRule]:
        return [r for r in self.rules if r.is_effective_on(on)]


@lru_cache(maxsize=4)
def load_eligibility_rules(jurisdiction: str = DEFAULT_JURISDICTION) -> EligibilityRules:
    """Load and validate `rules/data/<jurisdiction>/eligibility.yaml` (cached)."""
    path = rule_path("eligibility.yaml", jurisdiction)
    data = load_model(path, EligibilityFile)
    check_no_overlap(list(data.rules), path)
    for rule in data.rules:
        if rule.id == "out_of_scope" and not (
            rule.injury_on_or_after and rule.ur_decision_on_or_after
        ):
            raise RuleDataError(
                f"{path}: rules (id=out_of_scope): needs injury_on_or_after and "
                "ur_decision_on_or_after",
                file=str(path),
                field="out_of_scope",
            )
    return EligibilityRules(tuple(data.rules), load_clock_pack(jurisdiction), str(path))


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


def check_eligibility(
    case: Case,
    existing_case_keys: Mapping[str, str] | set[str] | frozenset[str],
    rules: EligibilityRules | None = None,
) -> list[EligibilityFinding]:
    """Every ground on which `case` is ineligible for IMR (8 CCR 9792.10.3); empty = eligible.

    `existing_case_keys` are the `dispute_key`s of applications already accepted; a
    mapping may give, for each key, the case number to name in the finding.
    Rules are those in force on the day the application was received.
    """
    rules = rules or load_eligibility_rules()
    findings: list[EligibilityFinding] = []
    in_force = rules.in_force(case.application_received_on)
    # Dispute types that a rule of their own reports are not also "not medical necessity".
    specific = {t for r in in_force for t in (r.dispute_types or [])}
    for rule in in_force:
        values = _failed(rule, case, existing_case_keys, rules.clocks, specific)
        if values is not None:
            reason = " ".join(rule.reason.format(**values).split())
            findings.append(EligibilityFinding(rule.id, reason, rule.citation, rule.outcome))
    return findings


def _failed(
    rule: EligibilityRule,
    case: Case,
    existing: Mapping[str, str] | set[str] | frozenset[str],
    clocks: ClockPack,
    specific: set[str],
) -> dict[str, str] | None:
    """The values for the reason text when `case` fails `rule`, else None."""
    facts = {
        "date_of_injury": case.date_of_injury.isoformat() if case.date_of_injury else "",
        "ur_decision_date": case.ur_decision_date.isoformat(),
        "application_received_on": case.application_received_on.isoformat(),
        "dispute_label": _DISPUTE_LABELS.get(case.dispute_type, case.dispute_type),
    }
    if rule.id == "out_of_scope":
        assert rule.injury_on_or_after and rule.ur_decision_on_or_after
        if (
            case.date_of_injury is not None
            and case.date_of_injury < rule.injury_on_or_after
            and case.ur_decision_date < rule.ur_decision_on_or_after
        ):
            return {
                **facts,
                "injury_on_or_after": rule.injury_on_or_after.isoformat(),
                "ur_decision_on_or_after": rule.ur_decision_on_or_after.isoformat(),
            }
        return None
    if rule.id == "untimely":
        clock = case_clocks(case, clocks)["application"]
        if clock.due_on is not None and case.application_received_on > clock.due_on:
            return {**facts, "filing_due_on": clock.due_on.isoformat(), "filing_basis": clock.basis}
        return None
    if rule.id == "unsigned":
        return None if case.application_signed else facts
    if rule.id == "ur_decision_missing":
        return None if case.has_document(DocumentKind.UR_DECISION) else facts
    if rule.id == "not_medical_necessity":
        accepted = set(rule.accepted_dispute_types or [])
        if case.dispute_type in accepted or case.dispute_type in specific:
            return None
        return facts
    if rule.id == "conditional_non_certification":
        return facts if case.dispute_type in (rule.dispute_types or []) else None
    if rule.id == "liability_disputed":
        disputed = case.dispute_type in (rule.dispute_types or [])
        settled = case.liability_agreed or case.liability_resolved_on is not None
        return facts if disputed and not settled else None
    if rule.id == "duplicate":
        key = dispute_key(case)
        if key in existing:
            other = existing[key] if isinstance(existing, Mapping) else "on file"
            return {**facts, "duplicate_of": other}
        return None
    raise RuleDataError(f"no check is written for eligibility rule {rule.id!r}", field=rule.id)


def consolidation_key(case: Case) -> str | None:
    """Applications the IMRO may combine into one determination (8 CCR 9792.10.4(a)):
    the same employee, the same requesting physician and the same date of injury.
    None when the case names no injured worker or no requesting physician."""
    workers = case.parties_with_role(PartyRole.INJURED_WORKER)
    physicians = case.parties_with_role(PartyRole.REQUESTING_PHYSICIAN)
    if not workers or not physicians or case.date_of_injury is None:
        return None
    return f"{workers[0].key}#{physicians[0].key}#{case.date_of_injury.isoformat()}"
