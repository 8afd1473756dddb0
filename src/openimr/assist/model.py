"""The outcome model: a calibrated probability that the IMR reviewer overturns the UR denial.

Why so small: the dev letters hold about 290 items of which about 19 were overturned. Word
statistics over so few positives do not carry to unseen letters (TF-IDF + LR: 0.77 AUC in
cross-validation, 0.53 on new letters). The features are therefore few and domain-driven, each
one a question the MTUS asks (8 CCR 9792.20 ff.): what the governing recommendation says and how
strongly, whether its criteria are met in the record, the phase of care, documented functional
improvement, work status, and how similar items were decided (precedents, never the case itself).

The model is a logistic regression whose weights start from a domain prior (PRIOR_WEIGHTS, our
reading of the MTUS) and move only as far as the letters give evidence (an L2 penalty toward
the prior, not toward zero); its scores are calibrated by Platt scaling fitted on out-of-fold
scores grouped by letter, slope never negative, so `p_overturn` can be read as a probability.
The artifact is a directory with `model.json` (feature list, weights, calibration, training data
hash, category base rates) and `precedents.json` (the decided items the precedent index is
built from at load, in milliseconds). Plain JSON, no pickles: loading never executes code,
never retrains, and does not depend on the scikit-learn version.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from openimr.assist.rates import RateTable
from openimr.domain.errors import InvalidInput

FORMAT_VERSION = 2
MODEL_FILE = "model.json"
PRECEDENTS_FILE = "precedents.json"

# Order matters: it is the column order of the weight vector saved in the artifact.
FEATURES: tuple[str, ...] = (
    "guideline_support",  # engine: governing recommendation +1 supports the request, -1 not
    "guideline_strength",  # its ordinal strength -3..+3 (docs/guidelines.md §3.2)
    "criteria_unknown_share",  # share of its criteria the record cannot answer
    "criteria_met_documented",  # supported requests: criteria the record affirms (0-3)
    "quantity_exceeds_limit",  # requested quantity above the guideline or statutory limit
    "category_rate",  # log-odds of overturn for the category and region (see train.py)
    "precedent_rate",  # log-odds of overturn among the most similar published items
    "weeks_since_injury_log",  # log(1 + weeks): phase of care
    "functional_improvement",  # +1 documented, -1 documented as absent, 0 unknown
    "pain_relief",  # +1 / -1 / 0 as above
    "working",  # +1 working or modified duty, -1 off work, 0 unknown
    "continuation",  # renewal / additional course (needs functional improvement) vs initial
    "retrospective",  # the service was already delivered
    "documentation_gaps",  # count of documentation facts the record shows missing
)

# Where the weights start before any letter is seen, in raw feature units (log-odds per
# unit). Our reading of the MTUS, not fitted: a recommendation that supports the request
# and whose criteria are met raises the odds; a request beyond the limits lowers them; the
# category's overturn rate enters as log-odds with weight 1. Training moves the weights
# away from these only as far as the letters give evidence (see `fit_logistic`).
# guideline_support: the MTUS is presumed correct (LC 4604.5(a)), so the engine's verdict on
# the record is the main determinant: 2.0 log-odds per unit (supports vs not: about e^4).
# Chosen among 0.7, 1.5, 2.0 and 2.5 by grouped CV on the even-numbered dev letters only
# (0.7 let the category rate swamp the guideline verdict); the odd letters were held out.
# criteria_met_documented: 0.4 per criterion the record affirms (at most 3), set once from
# the reading that a file showing the criteria is what reviewers overturn on; not searched.
PRIOR_WEIGHTS: dict[str, float] = {
    "guideline_support": 2.0,
    "guideline_strength": 0.1,
    "criteria_unknown_share": 0.0,
    "criteria_met_documented": 0.4,
    "quantity_exceeds_limit": -0.7,
    "category_rate": 1.0,
    "precedent_rate": 0.3,
    "weeks_since_injury_log": 0.0,
    "functional_improvement": 0.3,
    "pain_relief": 0.2,
    "working": 0.2,
    "continuation": -0.2,
    "retrospective": 0.0,
    "documentation_gaps": -0.2,
}
# Penalty on the standardised distance from PRIOR_WEIGHTS. Chosen among 10, 100 and 1e6 by
# grouped cross-validation on the dev letters: 10 fitted noise and ranked worse, 100 and 1e6
# ranked alike. The one tuned knob besides PLATT_PRIOR_STRENGTH; both are said in the report.
PRIOR_STRENGTH = 100.0


# A proposal is made only where it is right often enough, measured on out-of-fold predictions
# at the published overturn rate (see `choose_thresholds`): `uphold` where at least this share
# of such items were upheld, `overturn` where at least this share were overturned. Set before
# measuring, with a margin over the goals (uphold right >= 92%, overturn right >= 50%) for
# letters unlike the training ones.
UPHOLD_PRECISION = 0.95
OVERTURN_PRECISION = 0.5
# An overturn region must hold at least this many out-of-fold proposals, two of them real
# overturns: one overturn among a handful of items is chance, not precision.
MIN_PROPOSALS = 3
MIN_OVERTURNS = 2


@dataclass(frozen=True)
class Thresholds:
    """`uphold` when p_overturn <= uphold, `overturn` when >= overturn, else undecided."""

    uphold: float
    overturn: float
    # what the out-of-fold predictions showed at these thresholds (for the report)
    uphold_precision: float | None = None
    uphold_coverage: float | None = None
    overturn_precision: float | None = None
    overturn_coverage: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Thresholds:
        return cls(**{k: (None if v is None else float(v)) for k, v in data.items()})  # type: ignore[arg-type]


def prior_shift(train_rate: float, target_rate: float) -> float:
    """Log-odds to add so that probabilities calibrated on letters with `train_rate`
    overturned answer for a population with `target_rate` (prior-probability correction,
    Saerens, Latinne & Decaestecker, Neural Computation 2002)."""
    return _logit(target_rate) - _logit(train_rate)


def _weighted_precision(hit: np.ndarray, miss: np.ndarray, w_hit: float, w_miss: float) -> float:
    total = w_hit * hit.sum() + w_miss * miss.sum()
    return float(w_hit * hit.sum() / total) if total else float("nan")


def choose_thresholds(p: np.ndarray, y: np.ndarray, target_rate: float) -> Thresholds:
    """The widest uphold and overturn regions whose out-of-fold precision reaches
    UPHOLD_PRECISION / OVERTURN_PRECISION, counting overturned items with the weight that
    makes their share `target_rate` (the training letters overturn less often than real IMR)."""
    n1 = max(int(y.sum()), 1)
    n0 = max(len(y) - n1, 1)
    w1 = target_rate / n1  # weights: overturned share = target_rate, upheld 1 - target_rate
    w0 = (1 - target_rate) / n0
    candidates = np.unique(np.round(p, 4))
    uphold, u_prec, u_cov = -1.0, None, 0.0
    for t in candidates:
        inside = p <= t
        precision = _weighted_precision(inside & (y == 0), inside & (y == 1), w0, w1)
        if precision >= UPHOLD_PRECISION:
            uphold, u_prec, u_cov = float(t), precision, float(inside.mean())
    overturn, o_prec, o_cov = 1.01, None, 0.0
    for t in candidates[::-1]:
        inside = p >= t
        if inside.sum() < MIN_PROPOSALS or (inside & (y == 1)).sum() < MIN_OVERTURNS:
            continue
        precision = _weighted_precision(inside & (y == 1), inside & (y == 0), w1, w0)
        if precision >= OVERTURN_PRECISION and t > uphold:
            overturn, o_prec, o_cov = float(t), precision, float(inside.mean())
    return Thresholds(uphold, overturn, u_prec, u_cov, o_prec, o_cov)


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


@dataclass
class OutcomeModel:
    """Weights and calibration of the outcome model, plus what it was trained on."""

    features: tuple[str, ...]
    coef: np.ndarray
    intercept: float
    platt_a: float
    platt_b: float
    thresholds: Thresholds
    base_rate: float
    rates: RateTable = field(default_factory=RateTable)
    meta: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None
    # log-odds added after Platt scaling so that p_overturn answers for the published
    # overturn rate, not the training letters' (see `prior_shift`)
    shift: float = 0.0
    reasons: dict[str, Any] = field(default_factory=dict)  # the reason ranker (assist.reasons)

    # -- prediction -----------------------------------------------------------------------

    def score(self, x: np.ndarray) -> np.ndarray:
        """Uncalibrated log-odds for rows of features in `self.features` order."""
        scores: np.ndarray = np.atleast_2d(x) @ self.coef + self.intercept
        return scores

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Calibrated p(overturned) for each row (Platt scaling of the score, shifted to the
        published overturn rate)."""
        s = self.score(x)
        return 1.0 / (1.0 + np.exp(-(self.platt_a * s + self.platt_b + self.shift)))

    def category_rate(self, category: str | None, region: str | None = None) -> float:
        """Smoothed overturn rate of the category and region (see rates.py)."""
        return self.rates.rate(category, region)

    def weights(self) -> dict[str, float]:
        """Coefficient per feature in raw units (for the report: what drives the score)."""
        return {f: round(float(w), 3) for f, w in zip(self.features, self.coef, strict=True)}

    # -- persistence ----------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "format_version": FORMAT_VERSION,
            "kind": "openimr.assist.outcome-model",
            "features": list(self.features),
            "logistic": {"coef": self.coef.tolist(), "intercept": self.intercept},
            "prior": {"weights": PRIOR_WEIGHTS, "strength": PRIOR_STRENGTH},
            "calibration": {
                "method": "platt",
                "a": self.platt_a,
                "b": self.platt_b,
                "shift": self.shift,
            },
            "thresholds": self.thresholds.to_json(),
            "base_rate": self.base_rate,
            "rates": self.rates.to_json(),
            "reasons": self.reasons,
            "meta": self.meta,
        }

    def save(self, directory: Path) -> None:
        """Write `model.json` into `directory` (the precedent index is saved beside it)."""
        directory.mkdir(parents=True, exist_ok=True)
        (directory / MODEL_FILE).write_text(json.dumps(self.to_json(), indent=1) + "\n")

    @classmethod
    def load(cls, directory: Path) -> OutcomeModel:
        """Load an artifact directory; a missing or malformed file is an InvalidInput error."""
        path = directory / MODEL_FILE
        try:
            data = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise InvalidInput(f"cannot read model artifact {path}: {exc}", field="model") from exc
        if data.get("format_version") != FORMAT_VERSION:
            raise InvalidInput(
                f"{path}: format_version {data.get('format_version')!r}, "
                f"this openimr reads {FORMAT_VERSION}",
                field="format_version",
            )
        if tuple(data["features"]) != FEATURES:
            raise InvalidInput(
                f"{path}: trained on features {data['features']}, this openimr computes "
                f"{list(FEATURES)}; retrain with `openimr assist train`",
                field="features",
            )
        return cls(
            features=tuple(data["features"]),
            coef=np.asarray(data["logistic"]["coef"], dtype=float),
            intercept=float(data["logistic"]["intercept"]),
            platt_a=float(data["calibration"]["a"]),
            platt_b=float(data["calibration"]["b"]),
            shift=float(data["calibration"].get("shift", 0.0)),
            thresholds=Thresholds.from_json(data["thresholds"]),
            base_rate=float(data["base_rate"]),
            rates=RateTable.from_json(data["rates"]),
            reasons=dict(data.get("reasons") or {}),
            meta=dict(data.get("meta") or {}),
            path=directory,
        )


def packaged_model_dir() -> Path:
    """Where the model trained on the dev letters ships inside the package."""
    return Path(str(resources.files("openimr.assist") / "data" / "model"))


def training_hash(letters: list[dict[str, Any]]) -> str:
    """SHA-256 over the case numbers, items and decisions the model was trained on."""
    digest = hashlib.sha256()
    for letter in sorted(letters, key=lambda x: str(x.get("case_number"))):
        digest.update(str(letter.get("case_number")).encode())
        for item in letter.get("items") or []:
            digest.update(str(item.get("description")).encode())
            digest.update(str(item.get("decision")).encode())
    return digest.hexdigest()


# -- fitting ---------------------------------------------------------------------------------


def _fit_penalised(
    x: np.ndarray, y: np.ndarray, prior: np.ndarray, scale: np.ndarray
) -> np.ndarray:
    """Logistic regression with an L2 penalty toward `prior` (not toward 0).

    Returns [coef..., intercept]. With 19 positives the data alone cannot pin 13 weights;
    shrinking toward the domain prior keeps what the guidelines say unless the letters
    clearly disagree. No class re-weighting: the score stays on the log-odds scale that the
    prior (category rate as log-odds, weight 1) is written in.
    """
    from scipy.optimize import minimize

    sample_w = np.ones(len(y))

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:-1], theta[-1]
        z = x @ w + b
        p = 1 / (1 + np.exp(-z))
        nll = np.sum(sample_w * (np.logaddexp(0, z) - y * z))
        diff = (w - prior) * scale
        value = nll + PRIOR_STRENGTH * float(diff @ diff)
        residual = sample_w * (p - y)
        grad_w = x.T @ residual + 2 * PRIOR_STRENGTH * diff * scale
        return value, np.append(grad_w, residual.sum())

    start = np.append(prior, 0.0)
    fitted: np.ndarray = minimize(loss, start, jac=True, method="L-BFGS-B").x
    return fitted


def fit_logistic(
    x: np.ndarray, y: np.ndarray, groups: np.ndarray, *, folds: int = 4
) -> tuple[np.ndarray, float, float, float, np.ndarray]:
    """Fit the prior-centred logistic regression, then Platt scaling on grouped out-of-fold
    scores (so calibration is learnt on items the weights did not see).

    Returns coef, intercept, platt_a, platt_b and the calibrated out-of-fold probabilities
    (from which the proposal thresholds are chosen, `choose_thresholds`).
    """
    from sklearn.model_selection import GroupKFold

    prior = np.array([PRIOR_WEIGHTS[f] for f in FEATURES])
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    oof = x @ prior
    n_splits = min(folds, len(set(groups.tolist())))
    if n_splits >= 2:
        for train, test in GroupKFold(n_splits=n_splits).split(x, y, groups):
            if 0 < y[train].sum() < len(train):
                theta = _fit_penalised(x[train], y[train], prior, scale)
                oof[test] = x[test] @ theta[:-1] + theta[-1]
    theta = _fit_penalised(x, y, prior, scale)
    a, b = _fit_platt(oof, y)
    return theta[:-1], float(theta[-1]), a, b, 1 / (1 + np.exp(-(a * oof + b)))


# Pull of the calibration toward the identity (1 and 5 tried; 1 gave the lower Brier score).
PLATT_PRIOR_STRENGTH = 1.0


def _fit_platt(score: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Platt scaling p = 1 / (1 + exp(-(a s + b))) with a >= 0, shrunk toward (1, 0).

    The score is already written as log-odds, so the identity is the natural prior; a
    negative slope (a probability falling as the evidence for overturn rises) is never
    allowed: on 15 positives it is noise, and it would invert every ranking.
    """
    from scipy.optimize import minimize

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        a, b = theta
        z = a * score + b
        p = 1 / (1 + np.exp(-z))
        value = float(np.sum(np.logaddexp(0, z) - y * z))
        value += PLATT_PRIOR_STRENGTH * ((a - 1) ** 2 + b**2)
        r = p - y
        grad = np.array(
            [
                float(r @ score) + 2 * PLATT_PRIOR_STRENGTH * (a - 1),
                float(r.sum()) + 2 * PLATT_PRIOR_STRENGTH * b,
            ]
        )
        return value, grad

    fitted = minimize(
        loss, np.array([1.0, 0.0]), jac=True, method="L-BFGS-B", bounds=[(0.0, None), (None, None)]
    )
    return float(fitted.x[0]), float(fitted.x[1])


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def rate_logit(rate: float) -> float:
    """Rates enter the model as log-odds, so a doubling means the same everywhere."""
    return _logit(rate)
