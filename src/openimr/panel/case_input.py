"""The case file of `openimr panel assign` (docs/product.md), validated record by record.

    {"as_of": "2026-12-01",
     "cases": [{"id": "C1", "priority": "standard" | "expedited", "due": "2026-12-31",
                "condition": "chronic low back pain",
                "items": [{"description": "Hot/cold unit, lumbar"}]   (or plain strings),
                "specialties": ["Occupational Medicine"]               (optional: acceptable ones),
                "parties": ["org:acme-insurance", {"key": "person:dr-jones",
                                                    "role": "requesting_physician"}],
                "excluded_reviewers": ["R7"], "prior_reviewers": ["R2"],
                "jurisdiction": "ca_dwc"}]}

Extra fields are allowed and ignored. A party's `role` (optional) is one of the LC 139.5
categories of panel/conflicts.py (employer, insurer, claims_administrator, ur_organization,
requesting_physician, provider, ur_physician, facility, manufacturer, injured_worker,
representative); it only sharpens the conflict reason. Duplicate case ids are an error.
`jurisdiction` (default "ca_dwc") picks the rules the case is reviewed under: its
rules/data/<jurisdiction>/assignment.yaml says where the reviewer must be licensed (any U.S.
state, or listed states), and every reason that turns on the licence names that rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from pydantic import Field, ValidationError, field_validator

from openimr.domain.errors import InvalidInput, RuleDataError
from openimr.domain.vocabulary import Priority
from openimr.panel.conflicts import CATEGORY_BY_ROLE
from openimr.panel.licensure import LicenceNeed
from openimr.panel.records import IdentifiedIn, InputModel, IsoDate, invalid, validate_records
from openimr.panel.screening import CaseProfile
from openimr.rules.assignment_policy import AssignmentPolicy, policy_of
from openimr.rules.loader import DEFAULT_JURISDICTION


class ItemIn(InputModel):
    description: str = Field(min_length=1)


class PartyIn(InputModel):
    key: str = Field(min_length=1)
    role: str | None = None

    @field_validator("role")
    @classmethod
    def _known_role(cls, value: str | None) -> str | None:
        if value is not None and value not in CATEGORY_BY_ROLE:
            raise ValueError(
                f"unknown role {value!r}; known: {', '.join(sorted(CATEGORY_BY_ROLE))}"
            )
        return value


class CaseIn(IdentifiedIn):
    priority: Priority = Priority.STANDARD
    due: IsoDate | None = None
    condition: str = ""
    items: list[ItemIn] = Field(default_factory=list)
    specialties: list[str] | None = None
    parties: list[PartyIn] = Field(default_factory=list)
    excluded_reviewers: list[str] = Field(default_factory=list)
    prior_reviewers: list[str] = Field(default_factory=list)
    jurisdiction: str = Field(default=DEFAULT_JURISDICTION, pattern=r"^[a-z][a-z0-9_]{1,39}$")

    @field_validator("items", mode="before")
    @classmethod
    def _items(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"description": v} if isinstance(v, str) else v for v in value]
        return value

    @field_validator("parties", mode="before")
    @classmethod
    def _parties(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"key": v} if isinstance(v, str) else v for v in value]
        return value

    def to_profile(self, licence: LicenceNeed | None = None) -> CaseProfile:
        return CaseProfile(
            case_id=self.id,
            priority=self.priority,
            due=self.due,
            condition=self.condition,
            items=tuple(i.description for i in self.items),
            specialties=tuple(self.specialties) if self.specialties else None,
            parties={p.key: p.role for p in self.parties},
            excluded_reviewers=frozenset(self.excluded_reviewers),
            prior_reviewer_ids=frozenset(self.prior_reviewers),
            licence=licence,
        )


class CaseFileHead(InputModel):
    as_of: IsoDate


def parse_cases(
    data: Any, *, policies: Mapping[str, AssignmentPolicy] | None = None
) -> tuple[date, list[CaseProfile]]:
    """Validate a case file: (as_of, profiles in file order).

    `policies` stand in for shipped jurisdictions' assignment rules (tests, other packs).
    """
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise InvalidInput('the case file must be {"as_of": ..., "cases": [...]}', field="cases")
    try:
        head = CaseFileHead.model_validate(data)
    except ValidationError as exc:
        raise invalid("case file", exc) from exc
    needs: dict[str, LicenceNeed | None] = {}
    profiles: list[CaseProfile] = []
    for where, record in validate_records(data["cases"], CaseIn, collection="cases", noun="case"):
        code = record.jurisdiction
        if code not in needs:
            needs[code] = licence_need(code, head.as_of, policies, where=where)
        profiles.append(record.to_profile(needs[code]))
    return head.as_of, profiles


def licence_need(
    jurisdiction: str,
    on: date,
    policies: Mapping[str, AssignmentPolicy] | None = None,
    *,
    where: str = "case",
) -> LicenceNeed | None:
    """Where a case of `jurisdiction` needs its reviewer licensed on `on`, by that rule data.

    None when the jurisdiction's pack says nothing of it (a valid licence anywhere will do,
    as the qualification rules already ask); an unknown jurisdiction is an InvalidInput.
    """
    policy = (policies or {}).get(jurisdiction)
    try:
        if policy is None:
            policy = policy_of(jurisdiction)
        if policy is None:
            return None
        rule = policy.licence_on(on)
    except RuleDataError as exc:
        field = f"{where}.jurisdiction"
        raise InvalidInput(f"{field}: {exc.message}", field=field) from exc
    return LicenceNeed(rule.required_states, rule.describe())
