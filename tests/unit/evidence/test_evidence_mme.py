"""MME per day: our encoded CDC 2022 clinical factors, cross-checked against the CDC data."""

from __future__ import annotations

import csv

import pytest

from openimr.domain.errors import InvalidInput
from openimr.evidence.mme import mme_factor, mme_per_day
from tests.conftest import shared_path


def test_mme_per_day_multiplies_the_daily_dose_by_the_factor() -> None:
    assert mme_per_day("hydrocodone", 40) == 40.0
    assert mme_per_day("Percocet", 20) == 30.0
    assert mme_per_day("methadone", 10) == 47.0


def test_a_non_opioid_has_no_factor_and_is_refused() -> None:
    assert mme_factor("naproxen") is None
    with pytest.raises(InvalidInput):
        mme_per_day("naproxen", 500)
    with pytest.raises(InvalidInput):
        mme_per_day("morphine", -1)


def test_our_factors_equal_the_cdc_2022_clinical_conversion_factors() -> None:
    path = shared_path("data", "cdc", "cdc_mme", "mme_conversion_factors_flat.csv")
    with path.open(newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["factor_set"] == "clinical_2022"]
    simple = {
        r["ingredient"].lower(): float(r["factor"])
        for r in rows
        if r["property"] == "conversion-factor"
    }
    simple.pop("fentanyl")  # per mcg for non-patch forms; we only encode the patch factor
    assert simple, "no clinical factors found"
    for ingredient, factor in simple.items():
        assert mme_factor(ingredient) == pytest.approx(factor), ingredient
    patch = next(
        r
        for r in rows
        if r["ingredient"] == "Fentanyl" and r["property"] == "dose-form-conversion-factor"
    )
    value, _, scale = patch["factor"].partition("@")
    # 7200 per mg/hr x 1/3 (3-day patch) = 2.4 per mcg/hr
    assert mme_factor("fentanyl") == pytest.approx(float(value) * float(scale) / 1000)
