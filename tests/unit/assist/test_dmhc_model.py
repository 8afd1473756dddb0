"""The DMHC category model: learns category rates, scores honestly, round-trips as JSON."""

from __future__ import annotations

import random
from pathlib import Path

from openimr.assist.dmhc import (
    DmhcCase,
    DmhcModel,
    auc,
    brier,
    evaluate,
    fit,
)
from openimr.corpus.dmhc import DmhcDecision


def _decisions(seed: int = 7) -> list[DmhcDecision]:
    """Synthetic decisions: speech therapy mostly overturned, spine surgery mostly upheld."""
    rng = random.Random(seed)
    rates = {"Speech Therapy": 0.8, "Spine Surgery": 0.15, "MRI": 0.45}
    out = []
    for n in range(3000):
        sub = rng.choice(list(rates))
        year = rng.randint(2001, 2016)
        out.append(
            DmhcDecision(
                reference_id=f"MN{year % 100:02d}-{n}", report_year=year,
                diagnosis_category="Mental" if sub == "Speech Therapy" else "Orthopedic",
                diagnosis_subcategory=None, treatment_category="T", treatment_subcategory=sub,
                decision="overturned" if rng.random() < rates[sub] else "upheld",
                review_type="medical_necessity", age_range=None, gender=None,
            )
        )  # fmt: skip
    return out


def test_the_model_learns_category_rates_and_round_trips(tmp_path: Path) -> None:
    model = fit(_decisions(), c=1.0, half_life=None)
    speech = model.p_overturn(DmhcCase("medical_necessity", "T", "Speech Therapy", "Mental"))
    spine = model.p_overturn(DmhcCase("medical_necessity", "T", "Spine Surgery", "Orthopedic"))
    assert speech > 0.7 > 0.25 > spine
    path = tmp_path / "m.json"
    model.save(path)
    again = DmhcModel.load(path)
    case = DmhcCase("medical_necessity", "T", "MRI", "Orthopedic")
    assert abs(again.p_overturn(case) - model.p_overturn(case)) < 1e-5
    # A category never seen in learning adds nothing: the odds of the rest decide.
    unseen = DmhcCase("medical_necessity", "Never seen", None, None)
    assert 0 < model.p_overturn(unseen) < 1


def test_evaluation_learns_before_and_measures_after_the_cut() -> None:
    result = evaluate(_decisions(), learn_to=2012)
    assert result.learn_years == (2001, 2012) and result.test_years == (2013, 2016)
    assert result.test.auc > 0.75  # the synthetic signal is strong
    assert result.test.brier < result.test.base_rate_brier
    assert sorted(result.by_year) == [2013, 2014, 2015, 2016]


def test_auc_and_brier_by_hand() -> None:
    assert auc([True, False, True, False], [0.9, 0.1, 0.8, 0.2]) == 1.0
    assert auc([True, False], [0.5, 0.5]) == 0.5
    assert brier([True, False], [1.0, 0.5]) == 0.125


def test_the_packaged_model_loads() -> None:
    model = DmhcModel.load()
    assert model.learnt_years[0] == 2001 and model.decisions > 19000
    p = model.p_overturn(
        DmhcCase(
            "medical_necessity",
            "Pharmacy/Prescription Drugs",
            "Anti-virals",
            "Infectious",
            "Hepatitis",
        )
    )
    assert p > model.base_rate


def test_a_health_plan_case_gets_category_rates_and_no_proposal() -> None:
    from openimr.assist.dmhc import category_proposals

    line = {
        "id": "c1",
        "review_type": "medical_necessity",
        "facts": {"treatment_category": "Pharmacy/Prescription Drugs",
                  "treatment_subcategory": "Anti-virals", "diagnosis_category": "Infectious",
                  "diagnosis_subcategory": "Hepatitis"},
        "items": [{"id": "1", "description": "Sofosbuvir 400 mg daily, 12 weeks"}],
    }  # fmt: skip
    (out,) = category_proposals(line)
    assert (out["case_id"], out["item_id"], out["proposal"]) == ("c1", "1", "undecided")
    assert out["p_overturn"] > 0.5  # hepatitis antivirals were mostly overturned
    assert "Anti-virals" in out["rationale"] or "antivir" in out["rationale"].lower()
