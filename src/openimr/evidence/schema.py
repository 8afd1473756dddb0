"""The rule schema of the knowledge base: guideline documents, recommendations, criteria, limits.

Shape follows docs/guidelines.md §3.2: each recommendation carries its source and authority
tier (8 CCR 9792.21.1 search order), guideline/edition/section/page as the letters cite them,
era and effective dates, region and phase of care, direction and strength on the -3..+3
ordinal scale, certainty 0..4 (mapped from the native grade), the native label, criteria as a
small all/any/at_least tree of named case facts, quantity limits, and a one-line paraphrase in
our own words. ACOEM and ODG text is never stored, only citations and paraphrases.
All models forbid extra fields, so a typo in a data file fails on load.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Literal, get_args

from pydantic import Field, model_validator

from openimr.datafile import StrictModel

# The deciding reasons of ../shared/docs/reasons.md: why a reviewer finds an item necessary
# (criteria_met) or not. Each criterion of the knowledge base names the code that fails when
# the criterion is not met (`Criterion.reason`, else its fact's `fails_as` in facts.yaml).
ReasonCode = Literal[
    "criteria_met",
    "not_recommended",
    "indication_not_documented",
    "conservative_care_not_exhausted",
    "no_functional_improvement",
    "quantity_exceeds",
    "duration_exceeds",
    "monitoring_not_documented",
    "repeat_without_change",
    "request_unclear",
    "dependent_on_denied",
    "other",
]
REASON_CODES: tuple[ReasonCode, ...] = get_args(ReasonCode)


class Phase(StrEnum):
    """Phase of care (docs/guidelines.md §3.2 step 1)."""

    ACUTE = "acute"  # under about 4 weeks from injury
    SUBACUTE = "subacute"  # about 4 to 12 weeks
    CHRONIC = "chronic"  # 3 months or more (8 CCR 9792.20 "chronic pain")
    POST_OPERATIVE = "post-operative"


class SearchStep(StrEnum):
    """The step of the medical evidence search sequence, 8 CCR 9792.21.1(a)."""

    MTUS = "mtus"  # (a)(1)
    ACOEM_ODG = "acoem-odg"  # (a)(2)(A): most current ACOEM or ODG
    OTHER_GUIDELINE = "other-guideline"  # (a)(2)(B): other evidence-based national guidelines
    PEER_REVIEWED = "peer-reviewed"  # (a)(2)(C)
    REGULATION = "regulation"  # statute/regulation quantity rules (LC 4604.5, 9792.24.x)


TIER_OF_STEP: dict[SearchStep, int] = {
    SearchStep.MTUS: 1,
    SearchStep.REGULATION: 1,
    SearchStep.ACOEM_ODG: 2,
    SearchStep.OTHER_GUIDELINE: 2,
    SearchStep.PEER_REVIEWED: 3,
}


class Edition(StrictModel):
    """An edition of a guideline document and the date it took effect."""

    edition: str
    effective_from: date


class GuidelineDoc(StrictModel):
    """A guideline document as the letters cite it ("MTUS Low Back Complaints 2004")."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    source: Literal["MTUS", "non-MTUS"]
    step: SearchStep
    guideline: str  # the name the letters use
    publisher: str  # DWC, ACOEM, ODG (MCG), CDC, VA/DoD, California Labor Code
    editions: tuple[Edition, ...] = Field(min_length=1)
    effective_to: date | None = None  # last day in force (MTUS eras)
    regulation: str | None = None  # where the MTUS adopts it, e.g. "8 CCR 9792.24.2"
    grading: str | None = None  # native grading scheme
    verified: bool = False
    note: str | None = None

    @property
    def effective_from(self) -> date:
        return min(e.effective_from for e in self.editions)

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def edition_on(self, on: date) -> str:
        """The edition in force on `on` (the latest that had started); else the first."""
        started = [e for e in self.editions if e.effective_from <= on]
        chosen = max(started, key=lambda e: e.effective_from) if started else self.editions[0]
        return chosen.edition


class Criterion(StrictModel):
    """A node of a criteria tree: a fact test (leaf) or all / any / at_least N of children.

    Leaf: `fact` with `op` and `value` ("is" True by default). Composite: exactly one of
    `all`, `any`, or `at_least` + `of`. `label` says in words what the node asks.
    """

    label: str
    fact: str | None = None
    # The deciding reason when this node is not met; default: its fact's `fails_as`
    # (facts.yaml), or for a composite node the reason of the child that decided it.
    reason: ReasonCode | None = None
    op: Literal["is", "ge", "le", "gt", "lt", "in"] = "is"
    value: bool | float | str | tuple[str, ...] = True
    all: tuple[Criterion, ...] | None = None
    any: tuple[Criterion, ...] | None = None
    at_least: int | None = Field(default=None, ge=1)
    of: tuple[Criterion, ...] | None = None

    @model_validator(mode="after")
    def _one_shape(self) -> Criterion:
        shapes = [
            self.fact is not None,
            self.all is not None,
            self.any is not None,
            self.at_least is not None,
        ]
        if sum(shapes) != 1:
            raise ValueError("a criterion is exactly one of: fact, all, any, at_least")
        if self.at_least is not None and (not self.of or self.at_least > len(self.of)):
            raise ValueError("at_least needs `of` with at least that many children")
        if self.of is not None and self.at_least is None:
            raise ValueError("`of` only goes with at_least")
        return self

    def facts(self) -> set[str]:
        """Every fact id the tree mentions (for lint against facts.yaml)."""
        if self.fact is not None:
            return {self.fact}
        out: set[str] = set()
        for child in self.all or self.any or self.of or ():
            out |= child.facts()
        return out


class QuantityLimit(StrictModel):
    """A numeric limit: visits, weeks, days' supply, units, MME per day, rental days.

    `applies_if` narrows the limit (e.g. the initial trial applies when functional
    improvement is not yet documented).
    """

    kind: Literal[
        "visits", "weeks", "days_supply", "units", "mme_per_day", "rental_days", "visits_per_week"
    ]
    max: float = Field(gt=0)
    label: str
    applies_if: Criterion | None = None
    citation: str | None = None  # when the limit comes from a regulation (e.g. "LC 4604.5(c)(1)")


class Recommendation(StrictModel):
    """One guideline recommendation for one service category (docs/guidelines.md §3.2)."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*$")
    doc: str  # GuidelineDoc id
    category: str
    interventions: tuple[
        str, ...
    ] = ()  # finer match (drug ingredients, procedure words); empty = all
    sections: tuple[str, ...] = ()
    pages: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()  # empty = any region
    phases: tuple[Phase, ...] = ()  # empty = any phase
    direction: Literal["for", "against", "neutral"]
    strength: int = Field(ge=-3, le=3)
    certainty: int = Field(ge=0, le=4)
    native_label: str | None = None
    applies_if: Criterion | None = None  # when this recommendation is about the worker at all
    criteria: Criterion | None = None  # what must hold for the guideline to support the request
    quantity: tuple[QuantityLimit, ...] = ()
    priority: int = 0  # editorial order among equally specific entries (higher first)
    paraphrase: str = Field(min_length=10, max_length=300)
    verified: bool = False

    @model_validator(mode="after")
    def _sign(self) -> Recommendation:
        if self.direction == "for" and self.strength <= 0:
            raise ValueError("direction 'for' needs a positive strength")
        if self.direction == "against" and self.strength >= 0:
            raise ValueError("direction 'against' needs a negative strength")
        if self.direction == "neutral" and self.strength != 0:
            raise ValueError("direction 'neutral' needs strength 0")
        return self


class PostsurgicalRow(StrictModel):
    """A row of the 8 CCR 9792.24.3 postsurgical table."""

    surgery: str  # surgery_type fact value
    label: str
    visits_max: int = Field(gt=0)
    visits_min: int | None = None
    weeks: int = Field(gt=0)
    period_months: int = Field(gt=0)


class FormularyConcept(StrictModel):
    id: str
    label: str
    rule: str  # our paraphrase
    citation: str
    window_days: int | None = None  # the time window of the rule (days from injury or surgery)


class KnowledgeBaseFile(StrictModel):
    """One YAML file of the knowledge base (any of the keys may be present)."""

    version: int
    written_on: date  # when the file was last revised, not a legal date
    docs: tuple[GuidelineDoc, ...] = ()
    recommendations: tuple[Recommendation, ...] = ()
    postsurgical: tuple[PostsurgicalRow, ...] = ()
    formulary: tuple[FormularyConcept, ...] = ()
    statutory_visit_cap: dict[str, int] = Field(default_factory=dict)
