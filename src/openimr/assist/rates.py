"""Overturn base rates by service category and body region, shrunk toward published rates.

A category with a handful of training items says little on its own; the estimate is built
up a hierarchy — published family rate (data/base_rates.yaml, docs/landscape.md §3.2), then
the training letters' family, category, and category-with-region counts — each level shrunk
toward the one above by `WEIGHT` pseudo-items (empirical-Bayes style smoothing).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from pydantic import Field

from openimr.datafile import StrictModel, load_model

WEIGHT = 8.0


class _PublishedRate(StrictModel):
    rate: float = Field(ge=0, le=1)
    source: str


class _BaseRatesFile(StrictModel):
    version: int
    written_on: date  # when the file was last revised, not a legal date
    overall: _PublishedRate
    families: dict[str, _PublishedRate] = Field(default_factory=dict)


@cache
def published_rates() -> dict[str, float]:
    """Family -> published overturn rate, plus "*" for the overall rate."""
    source = resources.files("openimr.assist") / "data" / "base_rates.yaml"
    with resources.as_file(source) as path:
        data = load_model(path, _BaseRatesFile, what="base rates")
    return {"*": data.overall.rate} | {family: e.rate for family, e in data.families.items()}


def family_of(category: str | None) -> str:
    return (category or "unknown").split("/")[0]


def _keys(category: str | None, region: str | None) -> tuple[str, str, str]:
    cat = category or "unknown"
    return f"family:{family_of(cat)}", cat, f"{cat}|{region or '-'}"


@dataclass
class RateTable:
    """Counts of (overturned, items) per family, category and category|region."""

    counts: dict[str, list[int]] = field(default_factory=dict)
    priors: dict[str, float] = field(default_factory=published_rates)

    @classmethod
    def from_items(
        cls, items: list[tuple[str | None, str | None]], overturned: list[int]
    ) -> RateTable:
        table = cls()
        for (category, region), label in zip(items, overturned, strict=True):
            for key in _keys(category, region):
                pos_n = table.counts.setdefault(key, [0, 0])
                pos_n[0] += int(label)
                pos_n[1] += 1
        return table

    def rate(self, category: str | None, region: str | None) -> float:
        """The smoothed overturn rate for an item of this category and region."""
        family = family_of(category)
        estimate = self.priors.get(family, self.priors["*"])
        for key in _keys(category, region):
            pos, n = self.counts.get(key, (0, 0))
            estimate = (pos + WEIGHT * estimate) / (n + WEIGHT)
        return estimate

    def to_json(self) -> dict[str, Any]:
        return {"weight": WEIGHT, "priors": self.priors, "counts": self.counts}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RateTable:
        return cls(
            counts={k: [int(v[0]), int(v[1])] for k, v in data["counts"].items()},
            priors={k: float(v) for k, v in data["priors"].items()},
        )
