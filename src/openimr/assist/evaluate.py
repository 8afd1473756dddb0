"""Measuring the assist against real reviewers: grouped cross-validation over letters.

Inputs are rebuilt from the letters as the reviewer received them (decisions, guideline lines
and rationales stripped: only dates, the summary and item descriptions). Each fold retrains the
model and rebuilds the precedent index on the training letters only, so no test letter is seen
in any form. Reported: AUC for Overturned, balanced accuracy, precision and recall on
Overturned, Cohen's kappa against the reviewers (physician peer review reaches about 0.31,
Goldman JAMA 1992, docs/landscape.md §3.3), Brier score with a reliability curve, citation
match (first MTUS guideline proposed vs the reviewer's first MTUS citation), per service
category, beside the majority-class baseline (always uphold).
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from openimr.assist.precedents import build_index
from openimr.assist.propose import decide_proposal, features
from openimr.assist.train import TrainingRow, analyse_letters, decided_letters, fit_rows

PHYSICIAN_KAPPA = 0.31  # weighted mean kappa of physician peer review (Goldman 1992)


@dataclass
class Prediction:
    letter: str
    description: str
    category: str
    overturned: int
    p_overturn: float
    proposal: str
    proposed_guideline: str | None
    reviewer_guideline: str | None


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
    baseline_accuracy: float
    accuracy: float
    insufficient: int
    citation_match: float | None
    citation_n: int

    def to_dict(self) -> dict[str, Any]:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in vars(self).items()}


@dataclass
class Evaluation:
    folds: int
    overall: Metrics
    per_category: dict[str, Metrics]
    predictions: list[Prediction]
    reliability: list[tuple[float, float, int]] = field(default_factory=list)
    weights: dict[str, float] = field(default_factory=dict)


def _first_mtus(citations: list[dict[str, Any]] | list[Any]) -> str | None:
    for c in citations:
        data = c if isinstance(c, dict) else c.model_dump()
        if data.get("source") == "MTUS" and data.get("guideline"):
            return _guideline_key(str(data["guideline"]))
    return None


def _guideline_key(name: str) -> str:
    return " ".join(name.lower().replace("guidelines", "").replace("guideline", "").split())


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
    # An `insufficient` proposal leaves the UR decision standing when the record cannot show
    # necessity, so it counts as "uphold" for agreement figures (and is also counted apart).
    pred = np.array([int(p.proposal == "overturn") for p in preds])
    both = 0 < y.sum() < len(y)
    tp = int((pred & y).sum())
    cited = [p for p in preds if p.reviewer_guideline]
    base = y.mean() if len(y) else 0.0
    kappa = float(cohen_kappa_score(y, pred)) if both or pred.any() else 0.0
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
        baseline_accuracy=float(max(base, 1 - base)),
        accuracy=float((pred == y).mean()) if len(y) else float("nan"),
        insufficient=sum(p.proposal == "insufficient" for p in preds),
        citation_match=(
            sum(p.proposed_guideline == p.reviewer_guideline for p in cited) / len(cited)
            if cited
            else None
        ),
        citation_n=len(cited),
    )


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


def cross_validate(letters: list[dict[str, Any]], folds: int = 5, seed: int = 0) -> Evaluation:
    """Grouped k-fold CV by letter: model and precedent index rebuilt per fold on training
    letters only (see module docstring)."""
    decided = decided_letters(letters)
    # Letters are dealt to folds at random (by seed); all items of a letter share a fold.
    fold_of = np.random.default_rng(seed).permutation(len(decided)) % max(2, folds)
    preds: list[Prediction] = []
    weights: list[dict[str, float]] = []
    for fold in range(max(2, folds)):
        train_idx = np.flatnonzero(fold_of != fold)
        test_idx = np.flatnonzero(fold_of == fold)
        train_letters = [decided[i] for i in train_idx]
        test_letters = [decided[i] for i in test_idx]
        index = build_index(train_letters)
        model = fit_rows(analyse_letters(train_letters, index), meta={})
        weights.append(model.weights())
        for row, letter_item in _rows_with_items(test_letters, index):
            preds.append(_predict(model, row, letter_item))
    per_category: dict[str, list[Prediction]] = {}
    for p in preds:
        per_category.setdefault(p.category, []).append(p)
    mean_weights = {k: round(float(np.mean([w[k] for w in weights])), 3) for k in weights[0]}
    return Evaluation(
        folds=folds,
        overall=metrics(preds),
        per_category={k: metrics(v) for k, v in sorted(per_category.items())},
        predictions=preds,
        reliability=reliability(preds),
        weights=mean_weights,
    )


def held_out(train_letters: list[dict[str, Any]], test_letters: list[dict[str, Any]]) -> Evaluation:
    """Train on one set of letters, measure on another never used while developing (e.g.
    even vs odd case numbers): the honest check that rules and weights did not fit the dev set."""
    train = decided_letters(train_letters)
    test = decided_letters(test_letters)
    index = build_index(train)
    model = fit_rows(analyse_letters(train, index), meta={})
    preds = [_predict(model, row, item) for row, item in _rows_with_items(test, index)]
    per_category: dict[str, list[Prediction]] = {}
    for p in preds:
        per_category.setdefault(p.category, []).append(p)
    return Evaluation(
        folds=0,
        overall=metrics(preds),
        per_category={k: metrics(v) for k, v in sorted(per_category.items())},
        predictions=preds,
        reliability=reliability(preds),
        weights=model.weights(),
    )


def split_by_case_number(
    letters: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(even, odd) by the last digit of the case number: the development / held-out split."""
    even: list[dict[str, Any]] = []
    odd: list[dict[str, Any]] = []
    for letter in letters:
        digit = str(letter.get("case_number") or "")[-1:]
        (even if digit.isdigit() and int(digit) % 2 == 0 else odd).append(letter)
    return even, odd


def _rows_with_items(
    letters: list[dict[str, Any]], index: Any
) -> list[tuple[TrainingRow, dict[str, Any]]]:
    rows = analyse_letters(letters, index)
    items = [item for letter in letters for item in letter["items"]]
    return list(zip(rows, items, strict=True))


def _predict(model: Any, row: TrainingRow, item: dict[str, Any]) -> Prediction:
    a = row.analysis
    rate = model.category_rate(a.guidance.category, a.guidance.body_region)
    p = float(model.predict(features(a, rate, model.base_rate))[0])
    return Prediction(
        letter=row.letter,
        description=a.description,
        category=a.guidance.category or "unknown",
        overturned=row.overturned,
        p_overturn=p,
        proposal=decide_proposal(a.guidance, p, model.threshold),
        proposed_guideline=_first_mtus([c.model_dump() for c in a.guidance.citations]),
        reviewer_guideline=_first_mtus(item.get("imr_guideline") or []),
    )


# -- printing and the HTML report ---------------------------------------------------------


def _fmt(value: float | None) -> str:
    return (
        "n/a" if value is None or (isinstance(value, float) and np.isnan(value)) else f"{value:.3f}"
    )


def summary_lines(ev: Evaluation) -> list[str]:
    """The figures as plain text lines (what `assist evaluate` prints)."""
    m = ev.overall
    how = (
        f"grouped {ev.folds}-fold cross-validation by letter"
        if ev.folds
        else "held-out letters (model trained on other letters only)"
    )
    lines = [
        f"{how}: {m.n} items, {m.overturned} overturned ({m.overturned / max(1, m.n):.1%})",
        f"AUC (overturned)          {_fmt(m.auc)}   (baseline 0.500)",
        f"balanced accuracy         {_fmt(m.balanced_accuracy)}   (baseline 0.500)",
        f"accuracy                  {_fmt(m.accuracy)}   (baseline always-uphold "
        f"{_fmt(m.baseline_accuracy)})",
        f"precision (overturned)    {_fmt(m.precision)}",
        f"recall (overturned)       {_fmt(m.recall)}",
        f"Cohen's kappa vs reviewer {_fmt(m.kappa)}   (baseline 0.000; physician peer review "
        f"~{PHYSICIAN_KAPPA})",
        f"Brier score               {_fmt(m.brier)}   "
        f"(baseline base-rate {_fmt(m.baseline_brier)})",
        f"citation match (MTUS)     {_fmt(m.citation_match)}   over {m.citation_n} items",
        f"proposals 'insufficient'  {m.insufficient}",
        "reliability (mean p, observed, n): "
        + ", ".join(f"({p:.2f}, {o:.2f}, {n})" for p, o, n in ev.reliability),
        "per category with >= 5 items or an overturn (n, overturned, AUC, kappa, citation match):",
    ]
    for cat, c in ev.per_category.items():
        if c.n < 5 and not c.overturned:
            continue  # the HTML report lists every category
        lines.append(
            f"  {cat:34} {c.n:4} {c.overturned:3}  AUC {_fmt(c.auc)}  kappa {_fmt(c.kappa)}  "
            f"cite {_fmt(c.citation_match)}"
        )
    lines.append(
        "mean fitted weights (raw units): " + ", ".join(f"{k} {v}" for k, v in ev.weights.items())
    )
    return lines


def repeated_lines(letters: list[dict[str, Any]], folds: int, seeds: list[int]) -> list[str]:
    """Mean and spread of the headline figures over several random fold assignments: with
    about 19 overturned items one assignment can move the AUC by 0.1."""
    runs = [cross_validate(letters, folds=folds, seed=s).overall for s in seeds]
    lines = [f"repeated over seeds {seeds}: mean (min..max)"]
    for name in ("auc", "balanced_accuracy", "kappa", "brier", "citation_match"):
        values = [getattr(r, name) for r in runs if getattr(r, name) is not None]
        if values:
            lines.append(
                f"  {name:18} {np.mean(values):.3f} ({min(values):.3f}..{max(values):.3f})"
            )
    return lines


def reliability_png(ev: Evaluation) -> bytes:
    """A reliability chart (predicted vs observed overturn rate) as PNG bytes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4.5, 4.5), dpi=100)
    xs = [p for p, _, _ in ev.reliability]
    ys = [o for _, o, _ in ev.reliability]
    top = max([*xs, *ys, 0.2]) * 1.1
    ax.plot([0, top], [0, top], linestyle="--", color="grey", label="perfect calibration")
    ax.plot(xs, ys, marker="o", label="assist (cross-validated)")
    ax.set_xlim(0, top)
    ax.set_ylim(0, top)
    ax.set_xlabel("mean predicted p_overturn")
    ax.set_ylabel("observed overturn rate")
    ax.set_title("Reliability")
    ax.legend(loc="upper left", fontsize=8)
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def report_html(ev: Evaluation) -> str:
    """A self-contained HTML report (the PNG chart embedded as a data URI)."""
    png = base64.b64encode(reliability_png(ev)).decode()
    rows = "".join(
        f"<tr><td>{html.escape(cat)}</td><td>{c.n}</td><td>{c.overturned}</td>"
        f"<td>{_fmt(c.auc)}</td><td>{_fmt(c.balanced_accuracy)}</td><td>{_fmt(c.kappa)}</td>"
        f"<td>{_fmt(c.brier)}</td><td>{_fmt(c.citation_match)}</td></tr>"
        for cat, c in ev.per_category.items()
    )
    pre = html.escape("\n".join(summary_lines(ev)))
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>openimr assist evaluation"
        "</title><style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto}"
        "td,th{padding:.2rem .6rem;border-bottom:1px solid #ddd;text-align:left}</style>"
        "</head><body><h1>Reviewer assist: cross-validated against real reviewers</h1>"
        f"<pre>{pre}</pre>"
        f"<img alt='reliability chart' src='data:image/png;base64,{png}'>"
        "<h2>Per service category</h2><table><tr><th>category</th><th>n</th>"
        "<th>overturned</th><th>AUC</th><th>balanced acc.</th><th>kappa</th><th>Brier</th>"
        f"<th>citation match</th></tr>{rows}</table>"
        "<p>Majority-class baseline: always propose uphold (AUC 0.5, kappa 0). Physician "
        f"peer-review agreement: kappa about {PHYSICIAN_KAPPA} (Goldman, JAMA 1992).</p>"
        "</body></html>"
    )
