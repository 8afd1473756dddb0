"""Fitting and measuring the reason ranker on decided letters (grouped by letter).

Supervision comes from the reviewers' own rationales: each decided item's primary reason
(`assist.reviewer_reasons`, or a hand-labelled gold file where one exists). Two things are
learnt from the training letters only:

- how often reviewers give each code per service category (`CodeCounts`), the prior of the
  ranker and the category-majority baseline of reasons.md;
- the few weights of `ReasonRanker` (`FEATURES`), by maximising the likelihood that the
  reviewer's primary reason is ranked first among the item's candidates, with an L2 pull
  toward `PRIOR_WEIGHTS` so that 150 items cannot move them far.

A training row's own label is taken out of the category counts its prior is read from, so
the prior feature is weighed as it will be on a letter not seen.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from openimr.assist.reason_rank import (
    FEATURES,
    PRIOR_WEIGHTS,
    CodeCounts,
    ReasonRanker,
    feature_row,
)
from openimr.assist.reasons import Candidate

# L2 pull of the fitted weights toward PRIOR_WEIGHTS (per squared unit). Set once, before
# measuring: large enough that a category seen twice cannot swing a weight.
PRIOR_STRENGTH = 2.0


@dataclass(frozen=True)
class ReasonExample:
    """One decided item: its candidates and what the reviewer said."""

    letter: str
    category: str | None
    candidates: tuple[Candidate, ...]
    primary: str  # the reviewer's primary code used for training (labeller or gold)
    accepted: frozenset[str]  # the codes counted right when scoring (gold: either annotator)
    decision: str


@dataclass
class ReasonScores:
    """Reason accuracy@1 on upheld items beside the category-majority baseline."""

    n: int = 0
    correct: int = 0
    baseline: int = 0
    covered: int = 0  # the reviewer's primary is among the candidates at all
    per_category: dict[str, list[int]] = field(default_factory=dict)  # n, correct, baseline

    @property
    def accuracy(self) -> float:
        return self.correct / self.n if self.n else float("nan")

    @property
    def baseline_accuracy(self) -> float:
        return self.baseline / self.n if self.n else float("nan")

    def add(self, category: str, correct: bool, baseline: bool, covered: bool) -> None:
        self.n += 1
        self.correct += correct
        self.baseline += baseline
        self.covered += covered
        row = self.per_category.setdefault(category, [0, 0, 0])
        row[0] += 1
        row[1] += correct
        row[2] += baseline


def first_code(ranker: ReasonRanker, example: ReasonExample) -> str:
    """The ranker's first reason for an upheld item (the category's most frequent code when
    the item has no candidate at all)."""
    ranked = ranker.rank(list(example.candidates), example.category)
    return ranked[0].code if ranked else ranker.codes.majority(example.category)


def _loo_prior(counts: CodeCounts, example: ReasonExample) -> dict[str, float]:
    """The category prior with this row's own label taken out."""
    trimmed = CodeCounts({k: dict(v) for k, v in counts.counts.items()})
    for key in (
        "*",
        f"family:{(example.category or 'unknown').split('/')[0]}",
        example.category or "unknown",
    ):
        row = trimmed.counts.get(key)
        if row and row.get(example.primary, 0) > 0:
            row[example.primary] -= 1
    return trimmed.distribution(example.category)


def fit_ranker(examples: Sequence[ReasonExample]) -> ReasonRanker:
    """Category counts and ranker weights from decided items (see module docstring)."""
    from scipy.optimize import minimize

    counts = CodeCounts.from_labels((e.category, e.primary) for e in examples)
    rows: list[tuple[np.ndarray, np.ndarray]] = []
    for example in examples:
        if example.decision != "upheld" or not example.candidates:
            continue
        target = np.array([c.code == example.primary for c in example.candidates])
        if not target.any():
            continue
        prior = _loo_prior(counts, example)
        x = np.array([feature_row(c, prior) for c in example.candidates])
        rows.append((x, target))
    start = np.array([PRIOR_WEIGHTS[name] for name in FEATURES])
    if not rows:
        return ReasonRanker(codes=counts)

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        value = PRIOR_STRENGTH * float((w - start) @ (w - start))
        grad = 2 * PRIOR_STRENGTH * (w - start)
        for x, target in rows:
            s = x @ w
            top = s.max()
            p = np.exp(s - top)
            p /= p.sum()
            hit = p[target].sum()
            value -= math.log(max(hit, 1e-12))
            q = np.where(target, p / max(hit, 1e-12), 0.0)
            grad += x.T @ (p - q)
        return value, grad

    fitted = minimize(loss, start, jac=True, method="L-BFGS-B").x
    weights = {name: round(float(w), 4) for name, w in zip(FEATURES, fitted, strict=True)}
    return ReasonRanker(weights=weights, codes=counts)


def cross_validate_reasons(
    examples: Sequence[ReasonExample], folds: int = 5, seed: int = 0
) -> tuple[ReasonScores, list[dict[str, float]]]:
    """Grouped k-fold by letter: counts and weights fitted on the other folds' letters;
    accuracy@1 on upheld items against `accepted`, beside the category majority."""
    letters = sorted({e.letter for e in examples})
    order = np.random.default_rng(seed).permutation(len(letters))
    fold_of = {letters[i]: int(k % folds) for k, i in enumerate(order)}
    scores = ReasonScores()
    weights: list[dict[str, float]] = []
    for fold in range(folds):
        train = [e for e in examples if fold_of[e.letter] != fold]
        test = [e for e in examples if fold_of[e.letter] == fold]
        ranker = fit_ranker(train)
        weights.append(ranker.weights)
        score_items(ranker, test, scores)
    return scores, weights


def score_items(
    ranker: ReasonRanker, examples: Iterable[ReasonExample], scores: ReasonScores
) -> ReasonScores:
    """Add the upheld items of `examples` to `scores` (the ranker fitted elsewhere)."""
    for example in examples:
        if example.decision != "upheld":
            continue
        first = first_code(ranker, example)
        majority = ranker.codes.majority(example.category)
        covered = bool({c.code for c in example.candidates} & example.accepted)
        scores.add(
            example.category or "unknown",
            first in example.accepted,
            majority in example.accepted,
            covered,
        )
    return scores
