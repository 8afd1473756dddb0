"""The corpus figures as one self-contained HTML page, charts embedded as PNG data URIs.

Charts are drawn with matplotlib's object API (`Figure` + the Agg canvas), never pyplot,
so nothing depends on a display or on global plotting state.
"""

from __future__ import annotations

import base64
import io
from datetime import UTC, datetime
from html import escape

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from openimr.corpus.stats import CorpusStats, DmhcStats, RateRow

_UPHELD = "#4c72b0"
_OVERTURNED = "#dd8452"
TOP = 15  # groups shown per chart


def _png(fig: Figure) -> str:
    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=96, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _short(text: str, width: int = 45) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def decision_bars(title: str, rows: list[RateRow]) -> str:
    """Horizontal stacked bars of upheld and overturned items per group (largest first)."""
    shown = list(reversed(rows[:TOP]))  # barh draws bottom-up
    fig = Figure(figsize=(8, 0.35 * max(len(shown), 3) + 1.2))
    ax = fig.add_subplot()
    labels = [_short(r.key) for r in shown]
    upheld = [r.upheld for r in shown]
    ax.barh(labels, upheld, color=_UPHELD, label="upheld")
    ax.barh(
        labels, [r.overturned for r in shown], left=upheld, color=_OVERTURNED, label="overturned"
    )
    for y, row in enumerate(shown):
        rate = row.overturn_rate
        if rate is not None:
            ax.text(row.upheld + row.overturned, y, f" {100 * rate:.0f}%", va="center", fontsize=8)
    ax.set_title(title)
    ax.set_xlabel("items (label: share overturned)")
    ax.legend(loc="lower right", fontsize=8)
    return _png(fig)


def monthly_chart(rows: list[RateRow]) -> str:
    """Items decided per month, and the share overturned."""
    ordered = sorted((r for r in rows if r.key != "unknown"), key=lambda r: r.key)
    fig = Figure(figsize=(8, 3.5))
    ax = fig.add_subplot()
    months = [r.key for r in ordered]
    ax.bar(months, [r.items for r in ordered], color=_UPHELD, label="items")
    ax.set_ylabel("items")
    ax.tick_params(axis="x", labelrotation=60, labelsize=7)
    rate_ax = ax.twinx()
    rates = [
        100 * r.overturn_rate if r.overturn_rate is not None else float("nan") for r in ordered
    ]
    rate_ax.plot(months, rates, color=_OVERTURNED, marker="o", label="overturned %")
    rate_ax.set_ylabel("overturned %")
    rate_ax.set_ylim(0, 100)
    ax.set_title("Items by decision month")
    return _png(fig)


def items_per_letter_chart(histogram: dict[int, int]) -> str:
    fig = Figure(figsize=(6, 3))
    ax = fig.add_subplot()
    counts = sorted(histogram.items())
    ax.bar([str(k) for k, _ in counts], [v for _, v in counts], color=_UPHELD)
    ax.set_xlabel("disputed items in the letter")
    ax.set_ylabel("letters")
    ax.set_title("Items per letter")
    return _png(fig)


def rate_intervals_chart(title: str, rows: list[RateRow], min_n: int = 30) -> str:
    """Overturn rate per group with its 95% Wilson interval (groups of at least `min_n`)."""
    shown = [r for r in rows if r.upheld + r.overturned >= min_n][:TOP]
    shown.reverse()
    fig = Figure(figsize=(8, 0.35 * max(len(shown), 3) + 1.2))
    ax = fig.add_subplot()
    for y, row in enumerate(shown):
        rate, interval = row.overturn_rate, row.overturn_interval
        if rate is None or interval is None:
            continue
        ax.plot([100 * interval[0], 100 * interval[1]], [y, y], color=_UPHELD)
        ax.plot([100 * rate], [y], "o", color=_OVERTURNED)
    ax.set_yticks(range(len(shown)), [f"{_short(r.key)} (n={r.items})" for r in shown])
    ax.set_xlim(0, 100)
    ax.set_xlabel(f"% overturned, with 95% interval (groups of {min_n} or more)")
    ax.set_title(title)
    return _png(fig)


def yearly_chart(rows: list[RateRow]) -> str:
    """Decisions per year and the share overturned, with its interval."""
    fig = Figure(figsize=(8, 3.5))
    ax = fig.add_subplot()
    years = [r.key for r in rows]
    ax.bar(years, [r.items for r in rows], color=_UPHELD)
    ax.set_ylabel("decisions")
    rate_ax = ax.twinx()
    rates = [100 * (r.overturn_rate or 0) for r in rows]
    lows = [100 * (r.overturn_interval or (0, 0))[0] for r in rows]
    highs = [100 * (r.overturn_interval or (0, 0))[1] for r in rows]
    rate_ax.fill_between(years, lows, highs, color=_OVERTURNED, alpha=0.25)
    rate_ax.plot(years, rates, color=_OVERTURNED, marker="o")
    rate_ax.set_ylabel("% overturned (95% interval)")
    rate_ax.set_ylim(0, 100)
    ax.tick_params(axis="x", labelrotation=60, labelsize=8)
    ax.set_title("DMHC decisions by report year")
    return _png(fig)


def _table(title: str, rows: list[RateRow], unit: str = "items") -> str:
    def interval(row: RateRow) -> str:
        bounds = row.overturn_interval
        return "–" if bounds is None else f"{100 * bounds[0]:.1f}–{100 * bounds[1]:.1f}%"

    body = "".join(
        f"<tr><td>{escape(r.key)}</td><td>{r.items}</td><td>{r.upheld}</td>"
        f"<td>{r.overturned}</td><td>{_pct(r.overturn_rate)}</td><td>{interval(r)}</td></tr>"
        for r in rows
    )
    return (
        f"<details><summary>{escape(title)}: table ({len(rows)} rows)</summary>"
        f"<table><thead><tr><th>group</th><th>{unit}</th><th>upheld</th><th>overturned</th>"
        "<th>overturned %</th><th>95% interval</th></tr></thead>"
        f"<tbody>{body}</tbody></table></details>"
    )


def dmhc_sections(dmhc: DmhcStats) -> list[str]:
    """The DMHC health-plan decisions: overall, by year, and each category with intervals."""
    o = dmhc.overall
    low, high = o.overturn_interval or (0.0, 0.0)
    sections = [
        "<section><h2>California DMHC health-plan IMR decisions</h2>"
        f"<p>{dmhc.decisions} decisions ({dmhc.bad_rows} bad rows left out); the plan's denial "
        f"was overturned in {o.overturned} ({_pct(o.overturn_rate)}, 95% interval "
        f"{100 * low:.1f}–{100 * high:.1f}%) and upheld in {o.upheld}.</p>"
        f"{_img(yearly_chart(dmhc.by_year), 'DMHC decisions by year')}"
        f"{_table('DMHC by report year', dmhc.by_year, 'decisions')}</section>"
    ]
    for name, rows in dmhc.groupings():
        if name == "report year":
            continue
        heading = f"DMHC by {name}"
        sections.append(
            f"<section><h2>{escape(heading)}</h2>"
            f"{_img(rate_intervals_chart(heading, rows), heading)}"
            f"{_table(heading, rows, 'decisions')}</section>"
        )
    return sections


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _img(png: str, alt: str) -> str:
    return f'<img alt="{escape(alt)}" src="data:image/png;base64,{png}">'


_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.2rem .5rem}
td:not(:first-child){text-align:right}img{max-width:100%}section{margin-bottom:2rem}
.figures td{border:none;padding:.1rem 1rem .1rem 0}
"""


def render_report(stats: CorpusStats, title: str = "IMR published decisions") -> str:
    """The HTML page of `openimr corpus report`."""
    ov = stats.overall
    ipl = stats.items_per_letter
    no_evidence_letters = _pct(stats.share_letters_citing_no_evidence)
    no_evidence_items = _pct(stats.share_items_citing_no_evidence)
    figures = [
        ("Letters", str(stats.letters)),
        ("Disputed items", str(stats.items)),
        ("Items upheld", f"{ov.upheld} ({_pct(ov.uphold_rate)})"),
        ("Items overturned", f"{ov.overturned} ({_pct(ov.overturn_rate)})"),
        (
            "Items per letter (mean / median / max)",
            f"{ipl['mean']:.2f} / {ipl['median']:g} / {ipl['max']:g}",
        ),
        (
            "Letters citing no evidence",
            f"{stats.letters_citing_no_evidence} ({no_evidence_letters})",
        ),
        ("Items citing no evidence", f"{stats.items_citing_no_evidence} ({no_evidence_items})"),
        ("Files that failed to parse", str(stats.errors)),
    ]
    sections = []
    groupings = [
        ("By service category", stats.by_category),
        ("By guideline cited (IMR)", stats.by_guideline),
        ("By evidence source", stats.by_source),
        ("By reviewer specialty", stats.by_specialty),
    ]
    if stats.items:
        sections.append(
            "<section><h2>Items per letter</h2>"
            + _img(items_per_letter_chart(stats.items_per_letter_histogram), "items per letter")
            + "</section>"
        )
        for heading, rows in groupings:
            chart = _img(decision_bars(heading, rows), heading)
            sections.append(
                f"<section><h2>{escape(heading)}</h2>{chart}{_table(heading, rows)}</section>"
            )
        sections.append(
            "<section><h2>By decision month</h2>"
            f"{_img(monthly_chart(stats.by_month), 'items by decision month')}"
            f"{_table('By decision month', sorted(stats.by_month, key=lambda r: r.key))}</section>"
        )
    elif stats.dmhc is None:
        sections.append("<p>The store holds no items yet.</p>")
    if stats.dmhc is not None:
        figures.append(("DMHC health-plan decisions", str(stats.dmhc.decisions)))
        sections += dmhc_sections(stats.dmhc)
    figure_rows = "".join(f"<tr><td>{escape(k)}</td><td>{escape(v)}</td></tr>" for k, v in figures)
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{escape(title)}</h1><p>Generated {generated}. Rates are over decided items: "
        "<em>upheld</em> means the reviewer found the treatment not medically necessary, "
        "<em>overturned</em> that it is.</p>"
        f"<table class='figures'>{figure_rows}</table>{''.join(sections)}"
        "</body></html>\n"
    )
