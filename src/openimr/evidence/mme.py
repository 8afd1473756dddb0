"""Morphine milligram equivalents (MME) per day from the CDC 2022 clinical conversion factors.

The factors live in data/drugs.yaml (numbers from the CDC Clinical Practice Guideline for
Prescribing Opioids for Pain, 2022). MME/day = daily dose x factor; for fentanyl patches the
dose is the patch rate in mcg/hr.
"""

from __future__ import annotations

from openimr.domain.errors import InvalidInput
from openimr.evidence.vocab import load_drugs


def mme_factor(ingredient: str) -> float | None:
    """The conversion factor of an opioid ingredient, None for a non-opioid."""
    key = ingredient.strip().lower()
    for drug in load_drugs():
        if drug.ingredient == key or key in drug.names:
            return drug.mme_factor
    return None


def mme_per_day(ingredient: str, mg_per_day: float) -> float:
    """MME per day for `mg_per_day` of `ingredient` (mcg/hr for fentanyl patches)."""
    if mg_per_day < 0:
        raise InvalidInput(f"negative daily dose {mg_per_day}", field="mg_per_day")
    factor = mme_factor(ingredient)
    if factor is None:
        raise InvalidInput(f"'{ingredient}' has no MME conversion factor", field="ingredient")
    return round(mg_per_day * factor, 2)
