"""Outcome model: calibration never inverts, the artifact round-trips, rates stay sane."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from openimr.assist.model import (
    FEATURES,
    PRIOR_WEIGHTS,
    OutcomeModel,
    Thresholds,
    _fit_platt,
    choose_thresholds,
    fit_logistic,
    packaged_model_dir,
    prior_shift,
    training_hash,
)
from openimr.assist.rates import RateTable, published_rates
from openimr.domain.errors import InvalidInput


def _synthetic(n: int = 200, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, len(FEATURES)))
    support = FEATURES.index("guideline_support")
    y = (rng.random(n) < 1 / (1 + np.exp(-(2.0 * x[:, support] - 2.5)))).astype(int)
    return x, y, np.arange(n) // 2


def test_platt_slope_is_never_negative_even_when_scores_anticorrelate() -> None:
    score = np.linspace(-3, 3, 100)
    y = (score < 0).astype(int)  # higher score, fewer overturns
    a, _ = _fit_platt(score, y)
    assert a >= 0.0


def test_fitted_model_ranks_by_the_informative_feature() -> None:
    x, y, groups = _synthetic()
    coef, intercept, a, b, oof = fit_logistic(x, y, groups)
    model = OutcomeModel(FEATURES, coef, intercept, a, b, Thresholds(0.1, 0.5), float(y.mean()))
    support = FEATURES.index("guideline_support")
    low, high = np.zeros(len(FEATURES)), np.zeros(len(FEATURES))
    high[support] = 2.0
    assert model.predict(high)[0] > model.predict(low)[0]
    assert oof.shape == y.shape and ((oof > 0) & (oof < 1)).all()


def test_thresholds_propose_only_where_out_of_fold_precision_is_high() -> None:
    rng = np.random.default_rng(1)
    p = rng.random(400)
    y = (rng.random(400) < p**3).astype(int)  # overturns concentrate at high p
    t = choose_thresholds(p, y, target_rate=0.1)
    assert t.uphold < t.overturn
    assert t.uphold_precision is not None and t.uphold_precision >= 0.95
    assert t.overturn_precision is None or t.overturn_precision >= 0.5
    assert y[p <= t.uphold].mean() < y[p > t.uphold].mean()


def test_no_overturn_region_when_none_is_precise_enough() -> None:
    p = np.linspace(0, 1, 50)
    y = np.zeros(50, dtype=int)
    y[::10] = 1  # overturns spread evenly: no region reaches 50%
    assert choose_thresholds(p, y, target_rate=0.1).overturn > 1.0


def test_prior_shift_moves_a_calibrated_rate_to_the_published_one() -> None:
    shift = prior_shift(0.06, 0.089)
    logit = np.log(0.06 / 0.94) + shift
    assert abs(1 / (1 + np.exp(-logit)) - 0.089) < 1e-6


def test_prior_weights_cover_every_feature() -> None:
    assert set(PRIOR_WEIGHTS) == set(FEATURES)


def test_artifact_round_trips_without_retraining(tmp_path: Path) -> None:
    x, y, groups = _synthetic()
    coef, intercept, a, b, _ = fit_logistic(x, y, groups)
    rates = RateTable.from_items([("imaging/mri", "knee")] * 4, [1, 0, 0, 0])
    model = OutcomeModel(
        FEATURES,
        coef,
        intercept,
        a,
        b,
        Thresholds(0.1, 0.6, 0.95),
        0.1,
        rates,
        {"k": "v"},
        shift=0.3,
    )
    model.save(tmp_path)
    loaded = OutcomeModel.load(tmp_path)
    np.testing.assert_allclose(loaded.predict(x[:5]), model.predict(x[:5]))
    assert loaded.category_rate("imaging/mri", "knee") == model.category_rate("imaging/mri", "knee")
    assert loaded.meta == {"k": "v"}
    assert loaded.thresholds == model.thresholds and loaded.shift == 0.3


def test_artifact_with_other_features_is_refused(tmp_path: Path) -> None:
    data = json.loads((packaged_model_dir() / "model.json").read_text())
    data["features"] = ["something_else"]
    (tmp_path / "model.json").write_text(json.dumps(data))
    with pytest.raises(InvalidInput, match="retrain"):
        OutcomeModel.load(tmp_path)


def test_packaged_artifact_names_its_training_data() -> None:
    model = OutcomeModel.load(packaged_model_dir())
    assert len(model.meta["training_data_sha256"]) == 64
    assert model.meta["items"] > 0 and model.meta["overturned"] > 0
    assert (packaged_model_dir() / "precedents.json").is_file()


def test_training_hash_changes_with_a_decision() -> None:
    letter = {"case_number": "CM1", "items": [{"description": "MRI", "decision": "upheld"}]}
    flipped = {"case_number": "CM1", "items": [{"description": "MRI", "decision": "overturned"}]}
    assert training_hash([letter]) != training_hash([flipped])


def test_small_categories_stay_near_the_published_rate() -> None:
    table = RateTable.from_items([("evaluation/consultation", None)], [1])
    rate = table.rate("evaluation/consultation", None)
    assert published_rates()["evaluation"] < rate < 0.5


def test_unknown_category_falls_back_to_the_overall_published_rate() -> None:
    assert RateTable().rate(None, None) == pytest.approx(published_rates()["*"])
