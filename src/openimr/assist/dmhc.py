"""p_overturn for California health-plan (DMHC) cases, learnt from the DMHC decisions.

The DMHC open data (corpus/dmhc.py) gives, for 19,245 decisions of 2001–2016, the review
type, treatment and diagnosis categories, age range and gender, and the outcome; no text.
So the model is category-based: an L2 logistic regression over one-hot categories (type,
treatment category and sub-category, diagnosis category and sub-category, age, gender, and
two crossings: type × treatment category, treatment × diagnosis category). Overturn rates
drift with time (DMHC decisions overturned 33% in 2005, 49% in 2012, 55% in 2016), so
older years weigh less: a decision `k` years before the last learnt year weighs 0.5^(k/h).

Measured honestly by time: the half-life `h` and the penalty `C` are chosen on 2011–2012
with the model learnt on 2001–2010; the chosen model is then learnt on 2001–2012 and scored
once on 2013–2016 (AUC, Brier against the base rate's Brier). Kept apart from the workers'
comp assist model (assist/model.py): the two programmes share no features.

The artifact (`assist/data/dmhc_model.json`) is plain JSON: the coefficient of each
category value, the intercept, and how it was learnt. Loading never runs scikit-learn.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from openimr.corpus.dmhc import DmhcDecision, read_dmhc
from openimr.domain.errors import InvalidInput

FORMAT = 1
MODEL_FILE = "dmhc_model.json"
LEARN_TO = 2012  # learn on 2001..LEARN_TO, measure on the years after
VALIDATION_YEARS = 2  # the last years of the learning span choose the settings
GRID_C = (0.03, 0.1, 0.3, 1.0)
GRID_HALF_LIFE: tuple[float | None, ...] = (2.0, 4.0, 8.0, None)  # None: every year alike


@dataclass(frozen=True)
class DmhcCase:
    """What the model reads of a health-plan case: its categories as DMHC names them."""

    review_type: str  # medical_necessity | experimental_investigational | urgent_care
    treatment_category: str | None = None
    treatment_subcategory: str | None = None
    diagnosis_category: str | None = None
    diagnosis_subcategory: str | None = None
    age_range: str | None = None
    gender: str | None = None

    @classmethod
    def of(cls, decision: DmhcDecision) -> DmhcCase:
        return cls(
            decision.review_type,
            decision.treatment_category,
            decision.treatment_subcategory,
            decision.diagnosis_category,
            decision.diagnosis_subcategory,
            decision.age_range,
            decision.gender,
        )


def features(case: DmhcCase) -> dict[str, float]:
    """One-hot category values; an absent value is its own level ("-")."""
    tc = case.treatment_category or "-"
    dc = case.diagnosis_category or "-"
    return {
        f"type={case.review_type}": 1.0,
        f"treatment={tc}": 1.0,
        f"treatment_sub={tc}/{case.treatment_subcategory or '-'}": 1.0,
        f"diagnosis={dc}": 1.0,
        f"diagnosis_sub={dc}/{case.diagnosis_subcategory or '-'}": 1.0,
        f"age={case.age_range or '-'}": 1.0,
        f"gender={case.gender or '-'}": 1.0,
        f"type*treatment={case.review_type}/{tc}": 1.0,
        f"treatment*diagnosis={tc}/{dc}": 1.0,
    }


@dataclass(frozen=True)
class DmhcModel:
    """Coefficients per category value; a value never seen in learning adds nothing."""

    intercept: float
    coefficients: dict[str, float]
    c: float
    half_life: float | None
    learnt_years: tuple[int, int]
    decisions: int
    base_rate: float
    data_sha256: str

    def p_overturn(self, case: DmhcCase) -> float:
        score = self.intercept + sum(self.coefficients.get(k, 0.0) for k in features(case))
        return 1.0 / (1.0 + math.exp(-score))

    def explain(self, case: DmhcCase, top: int = 3) -> list[tuple[str, float]]:
        """The category values that move this case's odds most, strongest first."""
        known = [(k, self.coefficients[k]) for k in features(case) if k in self.coefficients]
        return sorted(known, key=lambda kv: -abs(kv[1]))[:top]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "kind": "dmhc-category-logistic",
            "intercept": self.intercept,
            "c": self.c,
            "half_life_years": self.half_life,
            "learnt_years": list(self.learnt_years),
            "decisions": self.decisions,
            "base_rate": self.base_rate,
            "data_sha256": self.data_sha256,
            "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "coefficients": dict(sorted(self.coefficients.items())),
        }

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path | None = None) -> DmhcModel:
        """The model at `path`, or the packaged one; InvalidInput names a bad file."""
        try:
            if path is None:
                text = resources.files("openimr.assist").joinpath("data", MODEL_FILE).read_text()
                where = f"openimr/assist/data/{MODEL_FILE}"
            else:
                text, where = path.read_text(encoding="utf-8"), str(path)
            data = json.loads(text)
        except (OSError, json.JSONDecodeError) as err:
            raise InvalidInput(f"cannot read the DMHC model {path}: {err}", field="model") from err
        if data.get("format") != FORMAT or data.get("kind") != "dmhc-category-logistic":
            raise InvalidInput(f"{where}: not a DMHC model of format {FORMAT}", field="model")
        return cls(
            intercept=float(data["intercept"]),
            coefficients={str(k): float(v) for k, v in data["coefficients"].items()},
            c=float(data["c"]),
            half_life=None if data["half_life_years"] is None else float(data["half_life_years"]),
            learnt_years=(int(data["learnt_years"][0]), int(data["learnt_years"][1])),
            decisions=int(data["decisions"]),
            base_rate=float(data["base_rate"]),
            data_sha256=str(data["data_sha256"]),
        )


def _weights(years: Sequence[int], half_life: float | None) -> np.ndarray:
    if half_life is None:
        return np.ones(len(years))
    last = max(years)
    w = np.array([0.5 ** ((last - y) / half_life) for y in years])
    return np.asarray(w / w.mean())


def fit(
    decisions: Sequence[DmhcDecision], *, c: float, half_life: float | None, data_sha256: str = ""
) -> DmhcModel:
    """Learn the model on `decisions` (scikit-learn's L2 logistic regression, lbfgs)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    if not decisions:
        raise InvalidInput("no DMHC decisions to learn from", field="data")
    vectoriser = DictVectorizer()
    x = vectoriser.fit_transform([features(DmhcCase.of(d)) for d in decisions])
    y = np.array([d.overturned for d in decisions], dtype=int)
    years = [d.report_year for d in decisions]
    model = LogisticRegression(C=c, max_iter=5000)
    model.fit(x, y, sample_weight=_weights(years, half_life))
    names = vectoriser.get_feature_names_out()
    return DmhcModel(
        intercept=float(model.intercept_[0]),
        coefficients={
            str(n): round(float(w), 6) for n, w in zip(names, model.coef_[0], strict=True)
        },
        c=c,
        half_life=half_life,
        learnt_years=(min(years), max(years)),
        decisions=len(decisions),
        base_rate=float(y.mean()),
        data_sha256=data_sha256,
    )


def auc(labels: Sequence[bool], scores: Sequence[float]) -> float:
    """Area under the ROC curve (Mann-Whitney, ties counted half)."""
    from scipy.stats import rankdata

    y = np.asarray(labels, dtype=bool)
    positives, negatives = int(y.sum()), int((~y).sum())
    if positives == 0 or negatives == 0:
        return float("nan")
    ranks = rankdata(np.asarray(scores, dtype=float))
    return float((ranks[y].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def brier(labels: Sequence[bool], scores: Sequence[float]) -> float:
    y = np.asarray(labels, dtype=float)
    return float(np.mean((np.asarray(scores, dtype=float) - y) ** 2))


@dataclass(frozen=True)
class Scores:
    """How well predictions fit outcomes: AUC, Brier, and the base rate's Brier beside it."""

    decisions: int
    overturn_rate: float
    auc: float
    brier: float
    base_rate_brier: float  # predicting the learnt base rate for every case
    mean_p: float

    def to_dict(self) -> dict[str, float | int]:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


def score(model: DmhcModel, decisions: Sequence[DmhcDecision]) -> Scores:
    labels = [d.overturned for d in decisions]
    p = [model.p_overturn(DmhcCase.of(d)) for d in decisions]
    return Scores(
        decisions=len(decisions),
        overturn_rate=float(np.mean(labels)),
        auc=auc(labels, p),
        brier=brier(labels, p),
        base_rate_brier=brier(labels, [model.base_rate] * len(labels)),
        mean_p=float(np.mean(p)),
    )


def choose_settings(
    decisions: Sequence[DmhcDecision], learn_to: int
) -> tuple[float, float | None, list[dict[str, Any]]]:
    """(C, half-life, the grid's scores): learnt up to `learn_to - VALIDATION_YEARS`, the
    lowest Brier on the validation years wins. The measured years are never looked at."""
    cut = learn_to - VALIDATION_YEARS
    learn = [d for d in decisions if d.report_year <= cut]
    validate = [d for d in decisions if cut < d.report_year <= learn_to]
    if not learn or not validate:
        raise InvalidInput(
            f"need decisions up to {cut} to learn and {cut + 1}-{learn_to} to validate",
            field="data",
        )
    grid: list[dict[str, Any]] = []
    for c in GRID_C:
        for half_life in GRID_HALF_LIFE:
            scores = score(fit(learn, c=c, half_life=half_life), validate)
            grid.append({"c": c, "half_life_years": half_life, **scores.to_dict()})
    best = min(grid, key=lambda g: float(g["brier"]))
    return float(best["c"]), best["half_life_years"], grid


@dataclass(frozen=True)
class Evaluation:
    learn_years: tuple[int, int]
    test_years: tuple[int, int]
    c: float
    half_life: float | None
    test: Scores
    by_year: dict[int, Scores]
    validation_grid: list[dict[str, Any]]
    model: DmhcModel

    def to_dict(self) -> dict[str, Any]:
        return {
            "learn_years": list(self.learn_years),
            "test_years": list(self.test_years),
            "chosen": {"c": self.c, "half_life_years": self.half_life},
            "test": self.test.to_dict(),
            "test_by_year": {str(y): s.to_dict() for y, s in sorted(self.by_year.items())},
            "validation_grid": self.validation_grid,
        }


def evaluate(
    decisions: Sequence[DmhcDecision], learn_to: int = LEARN_TO, sha: str = ""
) -> Evaluation:
    """Choose settings on the last learnt years, learn to `learn_to`, score the years after."""
    c, half_life, grid = choose_settings(decisions, learn_to)
    learn = [d for d in decisions if d.report_year <= learn_to]
    test = [d for d in decisions if d.report_year > learn_to]
    if not test:
        raise InvalidInput(f"no decisions after {learn_to} to measure on", field="data")
    model = fit(learn, c=c, half_life=half_life, data_sha256=sha)
    years = sorted({d.report_year for d in test})
    return Evaluation(
        learn_years=model.learnt_years,
        test_years=(years[0], years[-1]),
        c=c,
        half_life=half_life,
        test=score(model, test),
        by_year={y: score(model, [d for d in test if d.report_year == y]) for y in years},
        validation_grid=grid,
        model=model,
    )


def load_decisions(paths: Iterable[Path]) -> tuple[list[DmhcDecision], str]:
    """The decisions of DMHC CSV files and one hash of their contents (bad rows skipped)."""
    digest = hashlib.sha256()
    decisions: list[DmhcDecision] = []
    for path in paths:
        read = read_dmhc(path)
        digest.update(path.read_bytes())
        decisions += [d for _, d in read.decisions]
    return decisions, digest.hexdigest()


def category_proposals(
    line: dict[str, Any], model: DmhcModel | None = None
) -> list[dict[str, Any]]:
    """Decision support for a health-plan case: per disputed item, the category-based
    p_overturn and the category values that move it. It proposes nothing (`undecided`):
    categories alone tell how often such disputes were overturned, not what this record
    shows, and the reviewer decides."""
    from openimr.assist.schema import ItemProposal, ReasonOut

    model = model or _packaged()
    facts = line.get("facts") or {}
    case = DmhcCase(
        review_type=str(line.get("review_type") or "medical_necessity"),
        treatment_category=facts.get("treatment_category"),
        treatment_subcategory=facts.get("treatment_subcategory"),
        diagnosis_category=facts.get("diagnosis_category"),
        diagnosis_subcategory=facts.get("diagnosis_subcategory"),
    )
    p = model.p_overturn(case)
    moved = "; ".join(f"{name} ({weight:+.2f})" for name, weight in model.explain(case))
    years = f"{model.learnt_years[0]}-{model.learnt_years[1]}"
    why = (
        f"Of California DMHC IMR decisions of {years} in the same categories, a model puts the "
        f"chance the plan's denial is overturned at {p:.0%} (learnt on {model.decisions} "
        f"decisions; strongest category terms: {moved or 'none known'}). The categories say "
        "nothing about this record: read it and decide."
    )
    return [
        ItemProposal(
            case_id=str(line.get("id") or line.get("case_number") or ""),
            item_id=str(item.get("id")),
            p_overturn=round(p, 4),
            proposal="undecided",
            category=case.treatment_subcategory or case.treatment_category,
            rationale=why,
            reasons=[
                ReasonOut(
                    code="other",
                    criterion="how often disputes of these categories were overturned",
                    status="insufficient",
                    evidence=f"{p:.0%} by the DMHC decisions of {years} (not this record)",
                    evidence_kind="derived",
                )
            ],
            facts=[{"fact": "dmhc_category_rate", "value": round(p, 4), "terms": moved}],
        ).model_dump(mode="json")
        for item in line.get("items") or []
    ]


_MODEL: list[DmhcModel] = []


def _packaged() -> DmhcModel:
    if not _MODEL:
        _MODEL.append(DmhcModel.load())
    return _MODEL[0]
