"""The vocabularies of the evidence engine: service categories, body regions, case facts, drugs.

Each is a validated YAML file under `evidence/data/` (pydantic, extra fields forbidden).
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from openimr.datafile import StrictModel, dotted_path, read_yaml, validate
from openimr.domain.errors import RuleDataError
from openimr.evidence.schema import ReasonCode

DATA_DIR = Path(__file__).parent / "data"


class BodyRegion(StrictModel):
    id: str = Field(pattern=r"^[a-z][a-z-]*$")
    label: str


class Category(StrictModel):
    """One service category (docs/guidelines.md §4)."""

    id: str = Field(pattern=r"^[a-z]+/[a-z0-9-]+$")
    label: str
    region: Literal["required", "optional", "none"]
    specialties: tuple[str, ...]
    guidelines_rows: tuple[int, ...] = ()

    @property
    def group(self) -> str:
        return self.id.split("/", 1)[0]


class CategoryFile(StrictModel):
    version: int
    written_on: date  # when the file was last revised, not a legal date
    body_regions: tuple[BodyRegion, ...]
    categories: tuple[Category, ...]

    @model_validator(mode="after")
    def _unique(self) -> CategoryFile:
        for kind, ids in (
            ("category", [c.id for c in self.categories]),
            ("region", [r.id for r in self.body_regions]),
        ):
            dupes = {i for i in ids if ids.count(i) > 1}
            if dupes:
                raise ValueError(f"duplicate {kind} ids: {sorted(dupes)}")
        return self


class Fact(StrictModel):
    """A case fact that guideline criteria ask about; the assist engine extracts these."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    type: Literal["bool", "number", "enum"]
    meaning: str
    unit: str | None = None
    values: tuple[str, ...] = ()
    defined_in: str | None = None
    # Why the assist cannot read this fact from a clinical case summary (it comes from the
    # item, the case file or the engine instead); None = the fact extractor produces it.
    not_extractable_from_summary: str | None = None
    # The deciding reason a criterion on this fact gives when it is not met (reasons.md).
    fails_as: ReasonCode

    @model_validator(mode="after")
    def _enum_values(self) -> Fact:
        if self.type == "enum" and not self.values:
            raise ValueError("an enum fact needs `values`")
        return self


class FactFile(StrictModel):
    version: int
    written_on: date  # when the file was last revised, not a legal date
    facts: tuple[Fact, ...]


class DrugEntry(StrictModel):
    """A drug of the normaliser lexicon; opioids carry their CDC 2022 MME factor."""

    ingredient: str
    category: str = Field(pattern=r"^medication/[a-z0-9-]+$")
    names: tuple[str, ...]
    long_acting_names: tuple[str, ...] = ()
    mme_factor: float | None = Field(default=None, gt=0)
    mme_unit: Literal["mg", "mcg/hr"] = "mg"


class DrugFile(StrictModel):
    version: int
    written_on: date  # when the file was last revised, not a legal date
    mme_source: str
    drugs: tuple[DrugEntry, ...]


class RegionPattern(StrictModel):
    id: str
    pattern: str

    @model_validator(mode="after")
    def _compiles(self) -> RegionPattern:
        _check_regex(self.pattern)
        return self


class CategoryRule(StrictModel):
    """One normaliser rule: a pattern that places an item in a category."""

    category: str = Field(pattern=r"^[a-z]+/[a-z0-9-]+$")
    intervention: str
    pattern: str
    before_drugs: bool = False

    @model_validator(mode="after")
    def _compiles(self) -> CategoryRule:
        _check_regex(self.pattern)
        return self


class NormaliserFile(StrictModel):
    version: int
    written_on: date  # when the file was last revised, not a legal date
    regions: tuple[RegionPattern, ...]
    rules: tuple[CategoryRule, ...]


def _check_regex(pattern: str) -> None:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"invalid regular expression: {exc}") from exc


@cache
def load_categories() -> CategoryFile:
    path = DATA_DIR / "categories.yaml"
    return validate(CategoryFile, read_yaml(path), path, locate=dotted_path)


@cache
def load_facts() -> FactFile:
    path = DATA_DIR / "facts.yaml"
    return validate(FactFile, read_yaml(path), path, locate=dotted_path)


@cache
def load_normaliser_rules() -> NormaliserFile:
    """The normaliser's patterns; their categories and regions must be in the vocabulary."""
    path = DATA_DIR / "normalise.yaml"
    rules = validate(NormaliserFile, read_yaml(path), path, locate=dotted_path)
    cats, regions = category_ids(), region_ids()
    for i, rule in enumerate(rules.rules):
        if rule.category not in cats:
            raise RuleDataError(
                f"{path.name}: entry #{i}: field 'category': unknown category '{rule.category}'",
                file=str(path),
                entry=f"#{i}",
                field="category",
            )
    for i, region in enumerate(rules.regions):
        if region.id not in regions:
            raise RuleDataError(
                f"{path.name}: entry #{i}: field 'id': unknown body region '{region.id}'",
                file=str(path),
                entry=f"#{i}",
                field="id",
            )
    return rules


@cache
def load_drugs() -> tuple[DrugEntry, ...]:
    path = DATA_DIR / "drugs.yaml"
    return validate(DrugFile, read_yaml(path), path, locate=dotted_path).drugs


def category_ids() -> frozenset[str]:
    return frozenset(c.id for c in load_categories().categories)


def region_ids() -> frozenset[str]:
    return frozenset(r.id for r in load_categories().body_regions)


def fact_index() -> dict[str, Fact]:
    return {f.id: f for f in load_facts().facts}
