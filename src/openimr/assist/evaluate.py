"""Measuring the assist against real reviewers: grouped cross-validation over letters.

Inputs are rebuilt from the letters as the reviewer received them (decisions, guideline lines
and rationales stripped: only dates, the summary and item descriptions). Each fold retrains the
model, the reason ranker and the precedent index on the training letters only, so no test
letter is seen in any form. Reported (`assist.evaluate_report`):

- outcome: AUC for Overturned, balanced accuracy, Cohen's kappa against the reviewers
  (physician peer review reaches about 0.31, Goldman JAMA 1992, docs/landscape.md §3.3),
  Brier score beside the constant 0.11 (the published overturn rate) and the letters' own
  base rate, with a reliability table;
- proposals: precision and coverage of `uphold` and `overturn` (the rest are `insufficient`
  or `undecided`);
- reasons: accuracy@1 on upheld items (the assist's first reason = the reviewer's primary),
  beside the category-majority baseline of ../shared/docs/reasons.md; the reviewer's codes
  come from a labels file when given (hand or two-annotator labels), else from the
  rationale labeller (`assist.reviewer_reasons`);
- facts: where a rationale states a fact of the record, whether the assist's reading of the
  summary says the same (`assist.rationale_facts`), precision and recall per fact kind;
- citation match (first MTUS guideline proposed vs the reviewer's first MTUS citation);
- all of it per service category.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from openimr.assist.precedents import build_index
from openimr.assist.propose import decide_proposal, features
from openimr.assist.rationale_facts import assist_reading, stated_facts
from openimr.assist.reason_fit import first_code
from openimr.assist.reason_rank import ReasonRanker
from openimr.assist.train import TrainingRow, analyse_letters, decided_letters, fit_rows
from openimr.datafile import read_yaml
from openimr.domain.errors import InvalidInput

PHYSICIAN_KAPPA = 0.31  # weighted mean kappa of physician peer review (Goldman 1992)
CONSTANT_P = 0.11  # the constant forecast p_overturn is measured against (published rate)

# (case number, item position from 1) -> the primary codes counted right
ReasonLabels = Mapping[tuple[str, int], frozenset[str]]


@dataclass
class Prediction:
    letter: str
    item: int
    description: str
    category: str
    overturned: int
    p_overturn: float
    proposal: str
    proposed_guideline: str | None
    reviewer_guideline: str | None
    reason_first: str | None = None
    reason_majority: str | None = None
    reviewer_reasons: frozenset[str] = frozenset()
    # fact kind -> (what the rationale states, what the assist read)
    facts: dict[str, tuple[bool, bool | None]] = field(default_factory=dict)


@dataclass
class Metrics:
    n: int
    overturned: int
    auc: float | None
    balanced_accuracy: float
    precision: float | None
    recall: float | None
    kappa: float
    brier: float
    baseline_brier: float
    constant_brier: float
    baseline_accuracy: float
    accuracy: float
    insufficient: int
    undecided: int
    uphold_n: int
    uphold_precision: float | None
    overturn_n: int
    overturn_precision: float | None
    reason_n: int
    reason_accuracy: float | None
    reason_baseline: float | None
    citation_match: float | None
    citation_n: int

    @property
    def uphold_coverage(self) -> float:
        return self.uphold_n / self.n if self.n else 0.0

    @property
    def overturn_coverage(self) -> float:
        return self.overturn_n / self.n if self.n else 0.0

    def to_dict(self) -> dict[str, Any]:
        data = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in vars(self).items()}
        data["uphold_coverage"] = round(self.uphold_coverage, 4)
        data["overturn_coverage"] = round(self.overturn_coverage, 4)
        return data


@dataclass
class FactScore:
    """Per fact kind: how often the rationale states it, the assist reads it, they agree."""

    stated: int = 0
    read: int = 0
    agree: int = 0

    @property
    def precision(self) -> float | None:
        return self.agree / self.read if self.read else None

    @property
    def recall(self) -> float | None:
        return self.agree / self.stated if self.stated else None


@dataclass
class Evaluation:
    folds: int
    overall: Metrics
    per_category: dict[str, Metrics]
    predictions: list[Prediction]
    reliability: list[tuple[float, float, int]] = field(default_factory=list)
    weights: dict[str, float] = field(default_factory=dict)
    facts: dict[str, FactScore] = field(default_factory=dict)
    thresholds: list[dict[str, Any]] = field(default_factory=list)  # per fold (or the model's)
    labels: str = "rationale labeller"


def _first_mtus(citations: list[dict[str, Any]] | list[Any]) -> str | None:
    for c in citations:
        data = c if isinstance(c, dict) else c.model_dump()
        if data.get("source") == "MTUS" and data.get("guideline"):
            return _guideline_key(str(data["guideline"]))
    return None


def _guideline_key(name: str) -> str:
    return " ".join(name.lower().replace("guidelines", "").replace("guideline", "").split())


def _share(hits: int, n: int) -> float | None:
    return hits / n if n else None


def metrics(preds: list[Prediction]) -> Metrics:
    """The figures of the module docstring for a set of predictions."""
    from sklearn.metrics import (
        balanced_accuracy_score,
        brier_score_loss,
        cohen_kappa_score,
        roc_auc_score,
    )

    y = np.array([p.overturned for p in preds])
    prob = np.array([p.p_overturn for p in preds])
    # `insufficient` and `undecided` leave the UR decision standing for agreement figures
    # (and are counted apart): only an overturn proposal disagrees with UR.
    pred = np.array([int(p.proposal == "overturn") for p in preds])
    both = 0 < y.sum() < len(y)
    tp = int((pred & y).sum())
    cited = [p for p in preds if p.reviewer_guideline]
    base = y.mean() if len(y) else 0.0
    kappa = float(cohen_kappa_score(y, pred)) if both or pred.any() else 0.0
    upholds = [p for p in preds if p.proposal == "uphold"]
    overturns = [p for p in preds if p.proposal == "overturn"]
    scored = [p for p in preds if not p.overturned and p.reviewer_reasons]
    return Metrics(
        n=len(preds),
        overturned=int(y.sum()),
        auc=float(roc_auc_score(y, prob)) if both else None,
        balanced_accuracy=float(balanced_accuracy_score(y, pred)) if both else float("nan"),
        precision=tp / pred.sum() if pred.sum() else None,
        recall=tp / y.sum() if y.sum() else None,
        kappa=0.0 if np.isnan(kappa) else kappa,
        brier=float(brier_score_loss(y, prob)) if len(y) else float("nan"),
        baseline_brier=float(((y - base) ** 2).mean()) if len(y) else float("nan"),
        constant_brier=float(((y - CONSTANT_P) ** 2).mean()) if len(y) else float("nan"),
        baseline_accuracy=float(max(base, 1 - base)),
        accuracy=float((pred == y).mean()) if len(y) else float("nan"),
        insufficient=sum(p.proposal == "insufficient" for p in preds),
        undecided=sum(p.proposal == "undecided" for p in preds),
        uphold_n=len(upholds),
        uphold_precision=_share(sum(not p.overturned for p in upholds), len(upholds)),
        overturn_n=len(overturns),
        overturn_precision=_share(sum(p.overturned for p in overturns), len(overturns)),
        reason_n=len(scored),
        reason_accuracy=_share(
            sum(p.reason_first in p.reviewer_reasons for p in scored), len(scored)
        ),
        reason_baseline=_share(
            sum(p.reason_majority in p.reviewer_reasons for p in scored), len(scored)
        ),
        citation_match=(
            sum(p.proposed_guideline == p.reviewer_guideline for p in cited) / len(cited)
            if cited
            else None
        ),
        citation_n=len(cited),
    )


def fact_scores(preds: list[Prediction]) -> dict[str, FactScore]:
    """Per fact kind: stated by the rationale, read by the assist, agreeing."""
    out: dict[str, FactScore] = {}
    for p in preds:
        for kind, (stated, read) in p.facts.items():
            score = out.setdefault(kind, FactScore())
            score.stated += 1
            if read is not None:
                score.read += 1
                score.agree += read == stated
    return dict(sorted(out.items()))


def reliability(preds: list[Prediction], bins: int = 5) -> list[tuple[float, float, int]]:
    """(mean predicted, observed rate, count) per quantile bin of p_overturn."""
    ordered = sorted(preds, key=lambda p: p.p_overturn)
    out = []
    for chunk in np.array_split(np.arange(len(ordered)), bins):
        if len(chunk) == 0:
            continue
        sel = [ordered[i] for i in chunk]
        out.append(
            (
                float(np.mean([p.p_overturn for p in sel])),
                float(np.mean([p.overturned for p in sel])),
                len(sel),
            )
        )
    return out


def read_reason_labels(path: Path) -> dict[tuple[str, int], frozenset[str]]:
    """Reviewer reason labels: a JSONL file like ../shared/data/dwc/reasons.jsonl
    (`case_number`, `item`, `primary` as a list) or a YAML gold file with `items:` of
    `case_number`, `item`, `primary` (tests/unit/assist/data/reasons_gold_dev.yaml)."""
    if not path.is_file():
        raise InvalidInput(f"{path}: no such labels file", field="labels")
    rows: list[dict[str, Any]]
    if path.suffix in (".yaml", ".yml"):
        data = read_yaml(path)
        rows = list(data.get("items") or []) if isinstance(data, dict) else []
    else:
        rows = []
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise InvalidInput(
                    f"{path}:{n}: not valid JSON ({exc.msg})", field="labels"
                ) from exc
    labels: dict[tuple[str, int], frozenset[str]] = {}
    for n, row in enumerate(rows, start=1):
        try:
            primary = row["primary"]
            codes = frozenset([primary] if isinstance(primary, str) else primary)
            labels[(str(row["case_number"]), int(row["item"]))] = codes
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInput(
                f"{path}: record {n}: needs case_number, item and primary ({exc})",
                field="labels",
            ) from exc
    return labels


def _evaluation(
    folds: int,
    preds: list[Prediction],
    weights: dict[str, float],
    thresholds: list[dict[str, Any]],
    labels: str,
) -> Evaluation:
    per_category: dict[str, list[Prediction]] = {}
    for p in preds:
        per_category.setdefault(p.category, []).append(p)
    return Evaluation(
        folds=folds,
        overall=metrics(preds),
        per_category={k: metrics(v) for k, v in sorted(per_category.items())},
        predictions=preds,
        reliability=reliability(preds),
        weights=weights,
        facts=fact_scores(preds),
        thresholds=thresholds,
        labels=labels,
    )


def cross_validate(
    letters: list[dict[str, Any]],
    folds: int = 5,
    seed: int = 0,
    labels: ReasonLabels | None = None,
) -> Evaluation:
    """Grouped k-fold CV by letter: model, reason ranker and precedent index rebuilt per fold
    on training letters only (see module docstring)."""
    decided = decided_letters(letters)
    if len(decided) < 2:
        raise InvalidInput("need at least 2 decided letters to cross-validate", field="letters")
    # Letters are dealt to folds at random (by seed); all items of a letter share a fold.
    k = max(2, min(folds, len(decided)))
    fold_of = np.random.default_rng(seed).permutation(len(decided)) % k
    preds: list[Prediction] = []
    weights: list[dict[str, float]] = []
    thresholds: list[dict[str, Any]] = []
    for fold in range(k):
        train_letters = [decided[i] for i in np.flatnonzero(fold_of != fold)]
        test_letters = [decided[i] for i in np.flatnonzero(fold_of == fold)]
        index = build_index(train_letters)
        model = fit_rows(analyse_letters(train_letters, index), meta={})
        weights.append(model.weights())
        thresholds.append(model.thresholds.to_json())
        ranker = ReasonRanker.from_json(model.reasons)
        for row, letter_item in _rows_with_items(test_letters, index):
            preds.append(_predict(model, ranker, row, letter_item, labels))
    mean_weights = {key: round(float(np.mean([w[key] for w in weights])), 3) for key in weights[0]}
    return _evaluation(k, preds, mean_weights, thresholds, _label_source(labels))


def held_out(
    train_letters: list[dict[str, Any]],
    test_letters: list[dict[str, Any]],
    labels: ReasonLabels | None = None,
) -> Evaluation:
    """Train on one set of letters, measure on another never used while developing (the
    development and held-out halves, `assist.halves`): the honest check that rules, weights
    and thresholds did not fit the letters they were developed on."""
    train = decided_letters(train_letters)
    test = decided_letters(test_letters)
    if not train or not test:
        raise InvalidInput("need decided letters on both sides of the split", field="letters")
    index = build_index(train)
    model = fit_rows(analyse_letters(train, index), meta={})
    ranker = ReasonRanker.from_json(model.reasons)
    preds = [
        _predict(model, ranker, row, item, labels) for row, item in _rows_with_items(test, index)
    ]
    return _evaluation(
        0, preds, model.weights(), [model.thresholds.to_json()], _label_source(labels)
    )


def _label_source(labels: ReasonLabels | None) -> str:
    return "labels file" if labels is not None else "rationale labeller"


def _rows_with_items(
    letters: list[dict[str, Any]], index: Any
) -> list[tuple[TrainingRow, dict[str, Any]]]:
    rows = analyse_letters(letters, index)
    items = [item for letter in letters for item in letter["items"]]
    return list(zip(rows, items, strict=True))


def _predict(
    model: Any,
    ranker: ReasonRanker,
    row: TrainingRow,
    item: dict[str, Any],
    labels: ReasonLabels | None,
) -> Prediction:
    a = row.analysis
    rate = model.category_rate(a.guidance.category, a.guidance.body_region)
    p = float(model.predict(features(a, rate, model.base_rate))[0])
    position = int(a.item_id)
    if labels is not None:
        accepted = labels.get((row.letter, position), frozenset())
    else:
        accepted = frozenset({row.reason})
    example = row.reason_example(accepted)
    stated = stated_facts(str(item.get("rationale") or ""), item.get("description"))
    is_drug = (a.guidance.category or "").startswith("medication/")
    return Prediction(
        letter=row.letter,
        item=position,
        description=a.description,
        category=a.guidance.category or "unknown",
        overturned=row.overturned,
        p_overturn=p,
        proposal=decide_proposal(a.guidance, p, model.thresholds),
        proposed_guideline=_first_mtus([c.model_dump() for c in a.guidance.citations]),
        reviewer_guideline=_first_mtus(item.get("imr_guideline") or []),
        reason_first=first_code(ranker, example),
        reason_majority=ranker.codes.majority(a.guidance.category),
        reviewer_reasons=accepted,
        facts={
            kind: (value, assist_reading(kind, a.facts, a.guidance))
            for kind, value in stated.items()
            if kind != "long_term_use" or is_drug  # a drug's duration speaks of that drug
        },
    )
