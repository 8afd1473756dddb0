"""Training the outcome model on parsed letters, and the shipped artifact.

Only the letters given are used: the precedent index is built from them, category base rates
come from them, and every training row is computed the way it will be at prediction time
without seeing its own letter (precedents exclude the case; category rates leave the letter
out), so the model learns how much to trust each feature on data it has not memorised.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from openimr.assist.model import (
    FEATURES,
    PRECEDENTS_FILE,
    OutcomeModel,
    choose_thresholds,
    fit_logistic,
    now_iso,
    prior_shift,
    training_hash,
)
from openimr.assist.ports import PrecedentSearch
from openimr.assist.precedents import build_index, precedent_records
from openimr.assist.propose import ItemAnalysis, analyse_case, case_input_from_letter, features
from openimr.assist.rates import RateTable, published_rates
from openimr.assist.reason_fit import ReasonExample, fit_ranker
from openimr.assist.reasons import candidates
from openimr.assist.reviewer_reasons import label_rationale
from openimr.domain.errors import InvalidInput


@dataclass
class TrainingRow:
    """One decided item: its analysis, its letter, the reviewer's decision and the primary
    reason the reviewer's rationale gives (`assist.reviewer_reasons`)."""

    analysis: ItemAnalysis
    letter: str
    overturned: int
    reason: str = "other"

    def reason_example(self, accepted: frozenset[str] | None = None) -> ReasonExample:
        """This row as the reason ranker sees it (`accepted`: the codes scored right)."""
        a = self.analysis
        return ReasonExample(
            letter=self.letter,
            category=a.guidance.category,
            candidates=tuple(candidates(a.guidance, a.facts, a.item, a.description)),
            primary=self.reason,
            accepted=accepted if accepted is not None else frozenset({self.reason}),
            decision="overturned" if self.overturned else "upheld",
        )


def decided_letters(letters: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Letters with a summary and at least one item decided upheld/overturned."""
    kept = []
    for letter in letters:
        items = [i for i in letter.get("items") or [] if i.get("decision")]
        if items and letter.get("clinical_case_summary"):
            kept.append({**letter, "items": items})
    return kept


def analyse_letters(
    letters: list[dict[str, Any]], index: PrecedentSearch | None
) -> list[TrainingRow]:
    """Analyse every decided item of `letters` as the reviewer would receive it."""
    rows = []
    for n, letter in enumerate(letters):
        key = str(letter.get("case_number") or letter.get("path") or n)
        case = case_input_from_letter(letter, case_id=key)
        for analysis, item in zip(analyse_case(case, index), letter["items"], strict=True):
            reason = label_rationale(
                str(item.get("rationale") or ""), item.get("decision"), item.get("description")
            ).primary
            rows.append(TrainingRow(analysis, key, int(item["decision"] == "overturned"), reason))
    return rows


def _item_keys(rows: list[TrainingRow]) -> list[tuple[str | None, str | None]]:
    return [(r.analysis.guidance.category, r.analysis.guidance.body_region) for r in rows]


def category_rates_oof(rows: list[TrainingRow]) -> list[float]:
    """Each row's category rate from the other folds' letters only.

    Out of fold, not leave-one-out: removing a row's own label from its own category pushes
    the rate against the label, a bias that made the weight come out negative.
    """
    from sklearn.model_selection import GroupKFold

    keys = _item_keys(rows)
    y = [r.overturned for r in rows]
    groups = np.array([r.letter for r in rows])
    out = [RateTable().rate(c, reg) for c, reg in keys]
    n_splits = min(5, len(set(groups.tolist())))
    if n_splits < 2:
        return out
    for train_idx, test_idx in GroupKFold(n_splits=n_splits).split(keys, y, groups):
        table = RateTable.from_items([keys[i] for i in train_idx], [y[i] for i in train_idx])
        for i in test_idx:
            out[i] = table.rate(*keys[i])
    return out


def fit_rows(rows: list[TrainingRow], meta: dict[str, Any]) -> OutcomeModel:
    """Fit the outcome model on analysed rows (see module docstring for leakage rules)."""
    y = np.array([r.overturned for r in rows])
    if len(rows) < 10 or y.sum() < 2 or y.sum() == len(y):
        raise InvalidInput(
            f"need at least 10 decided items with both outcomes to train; got {len(rows)} "
            f"items, {int(y.sum())} overturned",
            field="letters",
        )
    base_rate = float(y.mean())
    oof = category_rates_oof(rows)
    x = np.vstack(
        [features(r.analysis, rate, base_rate) for r, rate in zip(rows, oof, strict=True)]
    )
    groups = np.array([r.letter for r in rows])
    coef, intercept, a, b, out_of_fold = fit_logistic(x, y, groups)
    target = published_rates()["*"]
    shift = prior_shift(base_rate, target)
    shifted = 1 / (1 + np.exp(-(np.log(out_of_fold / (1 - out_of_fold)) + shift)))
    ranker = fit_ranker([r.reason_example() for r in rows])
    return OutcomeModel(
        features=FEATURES,
        coef=coef,
        intercept=intercept,
        platt_a=a,
        platt_b=b,
        shift=shift,
        thresholds=choose_thresholds(shifted, y, target),
        base_rate=base_rate,
        rates=RateTable.from_items(_item_keys(rows), y.tolist()),
        reasons=ranker.to_json(),
        meta={
            **meta,
            "items": len(rows),
            "overturned": int(y.sum()),
            "letters": len(set(groups.tolist())),
            "calibrated_to": {"rate": target, "source": "assist/data/base_rates.yaml overall"},
        },
    )


def train(letters: Iterable[dict[str, Any]]) -> tuple[OutcomeModel, list[dict[str, Any]]]:
    """Train on parsed letters (`letter parse` dicts); returns the model and the precedent
    records its index is built from."""
    decided = decided_letters(letters)
    records = precedent_records(decided)
    rows = analyse_letters(decided, build_index(records))
    meta = {"trained_at": now_iso(), "training_data_sha256": training_hash(decided)}
    return fit_rows(rows, meta), records


def save_artifact(model: OutcomeModel, records: list[dict[str, Any]], out_dir: Path) -> None:
    """Write the artifact directory: `model.json` and `precedents.json` (see precedents.py)."""
    model.save(out_dir)
    text = json.dumps(records, separators=(",", ":"), sort_keys=True)
    (out_dir / PRECEDENTS_FILE).write_text(text + "\n", encoding="utf-8")
