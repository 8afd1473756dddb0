"""The figures of `openimr assist evaluate` as text lines and as a self-contained HTML report."""

from __future__ import annotations

import base64
import html
import io
from typing import Any

import numpy as np

from openimr.assist.evaluate import (
    CONSTANT_P,
    PHYSICIAN_KAPPA,
    Evaluation,
    Metrics,
    ReasonLabels,
    cross_validate,
)


def _fmt(value: float | None) -> str:
    return (
        "n/a" if value is None or (isinstance(value, float) and np.isnan(value)) else f"{value:.3f}"
    )


def _thresholds_line(ev: Evaluation) -> str:
    ups = [t["uphold"] for t in ev.thresholds]
    overs = [t["overturn"] for t in ev.thresholds]
    never = sum(o > 1 for o in overs)
    over_text = ", ".join(f"{o:.3f}" if o <= 1 else "never" for o in overs)
    return (
        f"proposal thresholds (chosen on training letters only): uphold if p <= "
        f"{', '.join(f'{u:.3f}' for u in ups)}; overturn if p >= {over_text}"
        + (f" ({never} of {len(overs)} never propose overturn)" if never else "")
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
        f"Cohen's kappa vs reviewer {_fmt(m.kappa)}   (baseline 0.000; physician peer review "
        f"~{PHYSICIAN_KAPPA})",
        f"Brier score               {_fmt(m.brier)}   (constant {CONSTANT_P}: "
        f"{_fmt(m.constant_brier)}; these letters' base rate: {_fmt(m.baseline_brier)})",
        f"proposal 'uphold'         right {_fmt(m.uphold_precision)} of {m.uphold_n}, "
        f"covering {_fmt(m.uphold_coverage)} of items",
        f"proposal 'overturn'       right {_fmt(m.overturn_precision)} of {m.overturn_n}, "
        f"covering {_fmt(m.overturn_coverage)} of items",
        f"proposal 'insufficient'   {m.insufficient};  'undecided' {m.undecided}",
        _thresholds_line(ev),
        f"reason accuracy@1         {_fmt(m.reason_accuracy)}   over {m.reason_n} upheld items "
        f"(category-majority baseline {_fmt(m.reason_baseline)}; reviewer codes from the "
        f"{ev.labels})",
        f"citation match (MTUS)     {_fmt(m.citation_match)}   over {m.citation_n} items",
        "reliability (mean p, observed, n): "
        + ", ".join(f"({p:.2f}, {o:.2f}, {n})" for p, o, n in ev.reliability),
        "facts the rationales state vs the assist's reading (stated, read, agree, precision, "
        "recall):",
    ]
    for kind, score in ev.facts.items():
        lines.append(
            f"  {kind:34} {score.stated:4} {score.read:4} {score.agree:4}  "
            f"P {_fmt(score.precision)}  R {_fmt(score.recall)}"
        )
    lines.append(
        "per category with >= 5 items or an overturn (n, overturned, AUC, Brier, uphold "
        "right/n, overturn right/n, reason acc@1 vs majority, citation):"
    )
    for cat, c in ev.per_category.items():
        if c.n < 5 and not c.overturned:
            continue  # the HTML report lists every category
        lines.append(
            f"  {cat:34} {c.n:4} {c.overturned:3}  AUC {_fmt(c.auc)}  Brier {_fmt(c.brier)}  "
            f"uphold {_fmt(c.uphold_precision)}/{c.uphold_n}  overturn "
            f"{_fmt(c.overturn_precision)}/{c.overturn_n}  reasons {_fmt(c.reason_accuracy)} vs "
            f"{_fmt(c.reason_baseline)}  cite {_fmt(c.citation_match)}"
        )
    lines.append(
        "mean fitted weights (raw units): " + ", ".join(f"{k} {v}" for k, v in ev.weights.items())
    )
    return lines


def repeated_lines(
    letters: list[dict[str, Any]],
    folds: int,
    seeds: list[int],
    labels: ReasonLabels | None = None,
) -> list[str]:
    """Mean and spread of the headline figures over several random fold assignments: with
    about 19 overturned items one assignment can move the AUC by 0.1."""
    runs = [cross_validate(letters, folds=folds, seed=s, labels=labels).overall for s in seeds]
    lines = [f"repeated over seeds {seeds}: mean (min..max)"]
    for name in (
        "auc",
        "kappa",
        "brier",
        "constant_brier",
        "uphold_precision",
        "uphold_coverage",
        "overturn_precision",
        "reason_accuracy",
        "reason_baseline",
        "citation_match",
    ):
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
    ax.axhline(CONSTANT_P, color="#c60", linewidth=1, label=f"constant {CONSTANT_P}")
    ax.plot(xs, ys, marker="o", label="assist (out of fold)")
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


def _row(cat: str, c: Metrics) -> str:
    cells = (
        cat,
        str(c.n),
        str(c.overturned),
        _fmt(c.auc),
        _fmt(c.kappa),
        _fmt(c.brier),
        f"{_fmt(c.uphold_precision)} / {c.uphold_n}",
        f"{_fmt(c.overturn_precision)} / {c.overturn_n}",
        f"{_fmt(c.reason_accuracy)} vs {_fmt(c.reason_baseline)}",
        _fmt(c.citation_match),
    )
    return "<tr>" + "".join(f"<td>{html.escape(x)}</td>" for x in cells) + "</tr>"


def report_html(ev: Evaluation) -> str:
    """A self-contained HTML report (the PNG chart embedded as a data URI)."""
    png = base64.b64encode(reliability_png(ev)).decode()
    rows = "".join(_row(cat, c) for cat, c in ev.per_category.items())
    reliability_rows = "".join(
        f"<tr><td>{p:.3f}</td><td>{o:.3f}</td><td>{n}</td></tr>" for p, o, n in ev.reliability
    )
    pre = html.escape("\n".join(summary_lines(ev)))
    heads = (
        "category",
        "n",
        "overturned",
        "AUC",
        "kappa",
        "Brier",
        "uphold right / n",
        "overturn right / n",
        "reason acc@1 vs majority",
        "citation match",
    )
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>openimr assist "
        "evaluation</title><style>body{font-family:sans-serif;max-width:64rem;margin:2rem auto}"
        "td,th{padding:.2rem .6rem;border-bottom:1px solid #ddd;text-align:left}</style>"
        "</head><body><h1>Reviewer assist: measured against real reviewers</h1>"
        f"<pre>{pre}</pre>"
        "<h2>Reliability of p_overturn</h2>"
        f"<img alt='reliability chart' src='data:image/png;base64,{png}'>"
        "<table><tr><th>mean predicted</th><th>observed</th><th>items</th></tr>"
        f"{reliability_rows}</table>"
        "<h2>Per service category</h2><table><tr>"
        + "".join(f"<th>{h}</th>" for h in heads)
        + f"</tr>{rows}</table>"
        "<p>Baselines: always propose uphold (AUC 0.5, kappa 0); the constant p_overturn "
        f"{CONSTANT_P} (Brier); for reasons, the most frequent primary reason of the item's "
        "category in the training letters. Physician peer-review agreement: kappa about "
        f"{PHYSICIAN_KAPPA} (Goldman, JAMA 1992).</p>"
        "</body></html>"
    )
