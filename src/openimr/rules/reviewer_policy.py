"""The expert reviewer policy: qualification thresholds and conflict reach as dated data.

The numbers live in `rules/data/ca_dwc/reviewer_policy.yaml`, one entry per version with its
effective dates and citation (LC 139.5; the FDL template of docs/regulations.md §4.2). The
loader validates the file with pydantic (extra keys forbidden) and refuses any version that
relaxes the contract minimums of docs/product.md: policy data may add rules, never loosen them.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field

from openimr.datafile import StrictModel, dotted_path, load_model
from openimr.domain.errors import RuleDataError
from openimr.rules.cited import Cited
from openimr.rules.loader import DEFAULT_JURISDICTION, rule_path

DEFAULT_PATH = Path(__file__).parent / "data" / "ca_dwc" / "reviewer_policy.yaml"

# docs/product.md "panel assign": the floor no policy version may go below.
CONTRACT_MIN_YEARS = 5.0  # years of active practice must be > 5
CONTRACT_MIN_HOURS = 24.0  # hours a week must be >= 24
CONTRACT_BOARD_PROFESSIONS = frozenset({"MD", "DO"})


class Threshold(Cited):
    value: float
    comparison: Literal["greater_than", "at_least"]

    def passes(self, measured: float) -> bool:
        return (
            measured > self.value if self.comparison == "greater_than" else measured >= self.value
        )

    def describe(self) -> str:
        return f"> {self.value:g}" if self.comparison == "greater_than" else f"≥ {self.value:g}"


class LicenceRule(Cited):
    required: bool
    required_states: list[str] = Field(default_factory=list)


class BoardRule(Cited):
    professions: list[str]


class ProfessionRule(Cited):
    allowed: list[str]


class RequiredRule(Cited):
    required: bool


class ReverificationRule(Cited):
    every_years: int = Field(gt=0)
    require_record: bool


class CitedRule(Cited):
    """A policy rule that is only a citation (and its provenance)."""


class ConflictRule(Cited):
    max_hops: int = Field(ge=1, le=6)
    relation_kinds: list[str]


class PolicyRules(StrictModel):
    min_years_active_practice: Threshold
    min_hours_per_week: Threshold
    valid_licence: LicenceRule
    board_certification: BoardRule
    physician_professions: ProfessionRule
    no_disciplinary_history: RequiredRule
    credential_reverification: ReverificationRule
    availability: CitedRule
    conflicts: ConflictRule
    prior_involvement: CitedRule
    specialty_match: CitedRule
    case_exclusion: CitedRule


class ReviewerPolicy(StrictModel):
    """One dated version of the policy; `rules` are the thresholds in force."""

    effective_from: date
    effective_to: date | None = None
    citation: str
    rules: PolicyRules

    def in_force_on(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


class ReviewerPolicyBook(StrictModel):
    """Every version of a jurisdiction's reviewer policy."""

    jurisdiction: str
    versions: list[ReviewerPolicy] = Field(min_length=1)

    def for_date(self, on: date) -> ReviewerPolicy:
        """The version in force on `on` (LC 139.5 as the policy data records it)."""
        for version in self.versions:
            if version.in_force_on(on):
                return version
        raise RuleDataError(
            f"no reviewer policy version is in force on {on.isoformat()}",
            jurisdiction=self.jurisdiction,
            on=on.isoformat(),
        )


def _check_floor(path: Path, index: int, policy: ReviewerPolicy) -> None:
    """Refuse a version that relaxes a contract minimum (docs/product.md)."""
    rules = policy.rules
    where = f"{path.name}: versions[{index}].rules"
    years = rules.min_years_active_practice
    if years.value < CONTRACT_MIN_YEARS or (
        years.value == CONTRACT_MIN_YEARS and years.comparison != "greater_than"
    ):
        raise RuleDataError(
            f"{where}.min_years_active_practice relaxes the contract minimum (> 5 years)",
            file=str(path),
            field="min_years_active_practice",
        )
    if rules.min_hours_per_week.value < CONTRACT_MIN_HOURS:
        raise RuleDataError(
            f"{where}.min_hours_per_week relaxes the contract minimum (≥ 24 hours a week)",
            file=str(path),
            field="min_hours_per_week",
        )
    if not rules.valid_licence.required:
        raise RuleDataError(
            f"{where}.valid_licence.required must be true (contract minimum)",
            file=str(path),
            field="valid_licence.required",
        )
    if not set(rules.board_certification.professions) >= CONTRACT_BOARD_PROFESSIONS:
        raise RuleDataError(
            f"{where}.board_certification.professions must include MD and DO (contract minimum)",
            file=str(path),
            field="board_certification.professions",
        )


def load_reviewer_policy_book(path: Path | str = DEFAULT_PATH) -> ReviewerPolicyBook:
    """Load and validate a reviewer policy file; RuleDataError names file, entry and field."""
    path = Path(path)
    book = load_model(path, ReviewerPolicyBook, what="reviewer policy", locate=dotted_path)
    for index, version in enumerate(book.versions):
        _check_floor(path, index, version)
    return book


@lru_cache(maxsize=16)
def _pack_book(jurisdiction: str) -> ReviewerPolicyBook:
    return load_reviewer_policy_book(rule_path("reviewer_policy.yaml", jurisdiction))


def reviewer_policy(on: date, jurisdiction: str = DEFAULT_JURISDICTION) -> ReviewerPolicy:
    """The reviewer policy of a jurisdiction's pack in force on `on`."""
    return _pack_book(jurisdiction).for_date(on)
