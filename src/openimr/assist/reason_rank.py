"""Ordering an item's candidate reasons: how reviewers weigh them, learnt from their rationales.

The score of a candidate (`assist.reasons.Candidate`) is linear over a few features
(`FEATURES`): how often reviewers give its code for this kind of service (`CodeCounts`, from
the reviewers' own rationales, `assist.reviewer_reasons`), how directly the record decides it
(its own words beat its silence, silence beats "cannot tell"), and where it comes from (the
guideline against the service, a quantity limit, a surgery that is not certified...). The
weights start from `PRIOR_WEIGHTS` and are fitted on decided letters (`assist.reason_fit`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from openimr.assist.reasons import Candidate
from openimr.evidence.schema import REASON_CODES

# The features of one candidate, in the order of `ReasonRanker.weights`.
FEATURES: tuple[str, ...] = (
    "prior",  # log P(code | service category) from the reviewers' rationales
    "record_words",  # the record's own words decide it
    "silence",  # the record's silence decides it
    "undecided",  # the record cannot tell
    "met",  # the record appears to meet it (the reviewer may read it otherwise)
    "deciding",  # the branch that decides the governing criteria
    "other_guideline",  # a criterion of a recommendation after the governing one
    "guideline",  # the governing entry is against the service
    "quantity",
    "dependency",
    "request",
    "as_written",  # a rule on the request as written (duplicate, oral suspension, UR part)
)
# Where the weights start (and what they shrink toward when fitted): the reviewers' habits
# per category, a little more for what the record itself says.
PRIOR_WEIGHTS: dict[str, float] = {
    "prior": 1.0,
    "record_words": 0.5,
    "silence": 0.3,
    "undecided": 0.0,
    "met": -1.0,
    "deciding": 0.3,
    "other_guideline": -0.3,
    "guideline": 1.0,
    "quantity": 0.5,
    "dependency": 2.0,
    "request": -0.5,
    "as_written": 1.0,
}
SMOOTHING = 2.0  # pseudo-counts pulling a category's code counts toward its family's


@dataclass
class CodeCounts:
    """How often reviewers give each primary code, per category and per family of categories
    (learnt from the rationales of decided letters, `assist.reviewer_reasons`)."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    @classmethod
    def from_labels(cls, labels: Iterable[tuple[str | None, str]]) -> CodeCounts:
        table = cls()
        for category, code in labels:
            for key in _keys(category):
                row = table.counts.setdefault(key, {})
                row[code] = row.get(code, 0) + 1
        return table

    def distribution(self, category: str | None) -> dict[str, float]:
        """P(code | category), each level shrunk toward the one above (all -> family ->
        category) by `SMOOTHING` pseudo-counts; never zero for a code."""
        uniform: dict[str, float] = {code: 1.0 / len(REASON_CODES) for code in REASON_CODES}
        estimate = uniform
        for key in ("*", *_keys(category)[1:]):
            row = self.counts.get(key, {})
            n = sum(row.values())
            weight = SMOOTHING if key != "*" else 1.0
            estimate = {
                code: (row.get(code, 0) + weight * estimate[code]) / (n + weight)
                for code in REASON_CODES
            }
        return estimate

    def majority(self, category: str | None) -> str:
        """The most frequent primary code of the category (the baseline of reasons.md)."""
        for key in reversed(_keys(category)):
            row = {k: v for k, v in self.counts.get(key, {}).items() if k != "criteria_met"}
            if row:
                return max(sorted(row), key=lambda code: row[code])
        return "indication_not_documented"

    def to_json(self) -> dict[str, Any]:
        return {"smoothing": SMOOTHING, "counts": self.counts}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CodeCounts:
        return cls(counts={k: {c: int(n) for c, n in v.items()} for k, v in data["counts"].items()})


def _keys(category: str | None) -> tuple[str, str, str]:
    cat = category or "unknown"
    return "*", f"family:{cat.split('/')[0]}", cat


def feature_row(candidate: Candidate, prior: dict[str, float]) -> list[float]:
    kind = candidate.evidence_kind
    decided = candidate.status == "not_met"
    return [
        math.log(prior.get(candidate.code, 1e-3)),
        1.0 if decided and kind in ("record", "derived") else 0.0,
        1.0 if decided and kind == "silence" else 0.0,
        1.0 if candidate.status == "insufficient" else 0.0,
        1.0 if candidate.status == "met" else 0.0,
        1.0 if candidate.deciding else 0.0,
        1.0 if candidate.other_guideline else 0.0,
        1.0 if candidate.source == "guideline" else 0.0,
        1.0 if candidate.source == "quantity" else 0.0,
        1.0 if candidate.source == "dependency" else 0.0,
        1.0 if candidate.source == "request" else 0.0,
        1.0 if candidate.source == "as_written" else 0.0,
    ]


@dataclass
class ReasonRanker:
    """Orders an item's candidate reasons: a linear score over `FEATURES`."""

    weights: dict[str, float] = field(default_factory=lambda: dict(PRIOR_WEIGHTS))
    codes: CodeCounts = field(default_factory=CodeCounts)

    def score(self, candidate: Candidate, prior: dict[str, float]) -> float:
        row = feature_row(candidate, prior)
        return sum(self.weights[name] * value for name, value in zip(FEATURES, row, strict=True))

    def rank(self, found: list[Candidate], category: str | None) -> list[Candidate]:
        """Strongest first; one candidate per code (its best), ties in the order found."""
        prior = self.codes.distribution(category)
        scored = sorted(enumerate(found), key=lambda pair: (-self.score(pair[1], prior), pair[0]))
        out: list[Candidate] = []
        codes: set[str] = set()
        for _, candidate in scored:
            if candidate.code not in codes:
                codes.add(candidate.code)
                out.append(candidate)
        return out

    def to_json(self) -> dict[str, Any]:
        return {"features": list(FEATURES), "weights": self.weights, "codes": self.codes.to_json()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReasonRanker:
        weights = dict(PRIOR_WEIGHTS)
        weights.update({k: float(v) for k, v in data.get("weights", {}).items() if k in weights})
        return cls(weights=weights, codes=CodeCounts.from_json(data.get("codes", {"counts": {}})))
