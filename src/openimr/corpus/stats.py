"""Counts over the corpus: how often UR decisions are upheld or overturned, and by what.

Every rate is over decided items (upheld + overturned); an item whose decision the parser
could not read is counted in `items` but in neither rate. All queries run in DuckDB over
the live views, so they stream over the Parquet files rather than loading the corpus.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import duckdb

from openimr.corpus.store import CorpusStore


@dataclass(frozen=True)
class RateRow:
    """Items grouped under one key, with their decisions."""

    key: str
    items: int
    upheld: int
    overturned: int

    @property
    def overturn_rate(self) -> float | None:
        decided = self.upheld + self.overturned
        return None if decided == 0 else self.overturned / decided

    @property
    def uphold_rate(self) -> float | None:
        rate = self.overturn_rate
        return None if rate is None else 1 - rate

    @property
    def overturn_interval(self) -> tuple[float, float] | None:
        """The 95% Wilson score interval of the overturn rate (None: nothing decided)."""
        return wilson_interval(self.overturned, self.upheld + self.overturned)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["uphold_rate"] = _round(self.uphold_rate)
        data["overturn_rate"] = _round(self.overturn_rate)
        interval = self.overturn_interval
        data["overturn_interval"] = None if interval is None else [_round(v) for v in interval]
        return data


def wilson_interval(successes: int, n: int, z: float = 1.959964) -> tuple[float, float] | None:
    """The Wilson score interval of a proportion (95% by default); None when n is 0.

    Unlike the normal approximation it stays inside [0, 1] and is honest for small groups,
    which most categories of the corpora are.
    """
    if n <= 0:
        return None
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class DmhcStats:
    """Outcome rates of the DMHC health-plan decisions (the second source), with intervals."""

    decisions: int
    bad_rows: int
    overall: RateRow
    by_type: list[RateRow]
    by_year: list[RateRow]
    by_treatment_category: list[RateRow]
    by_treatment_subcategory: list[RateRow]
    by_diagnosis_category: list[RateRow]
    by_diagnosis_subcategory: list[RateRow]

    def groupings(self) -> list[tuple[str, list[RateRow]]]:
        return [
            ("review type", self.by_type),
            ("report year", self.by_year),
            ("treatment category", self.by_treatment_category),
            ("treatment sub-category", self.by_treatment_subcategory),
            ("diagnosis category", self.by_diagnosis_category),
            ("diagnosis sub-category", self.by_diagnosis_subcategory),
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "decisions": self.decisions,
            "bad_rows": self.bad_rows,
            "overall": self.overall.to_dict(),
            **{
                "by_" + name.replace(" ", "_").replace("-", ""): [r.to_dict() for r in rows]
                for name, rows in self.groupings()
            },
        }


@dataclass(frozen=True)
class CorpusStats:
    letters: int
    items: int
    errors: int
    overall: RateRow
    items_per_letter: dict[str, float]  # mean, median, max
    items_per_letter_histogram: dict[int, int]  # item count -> letters
    letters_citing_no_evidence: int
    items_citing_no_evidence: int
    by_category: list[RateRow] = field(default_factory=list)
    by_guideline: list[RateRow] = field(default_factory=list)
    by_source: list[RateRow] = field(default_factory=list)
    by_specialty: list[RateRow] = field(default_factory=list)
    by_month: list[RateRow] = field(default_factory=list)
    by_priority: list[RateRow] = field(default_factory=list)
    dmhc: DmhcStats | None = None  # the DMHC health-plan decisions, when the store has some

    @property
    def share_letters_citing_no_evidence(self) -> float | None:
        return None if self.letters == 0 else self.letters_citing_no_evidence / self.letters

    @property
    def share_items_citing_no_evidence(self) -> float | None:
        return None if self.items == 0 else self.items_citing_no_evidence / self.items

    def to_dict(self) -> dict[str, Any]:
        return {
            "letters": self.letters,
            "items": self.items,
            "errors": self.errors,
            "overall": self.overall.to_dict(),
            "items_per_letter": self.items_per_letter,
            "items_per_letter_histogram": {
                str(k): v for k, v in sorted(self.items_per_letter_histogram.items())
            },
            "letters_citing_no_evidence": self.letters_citing_no_evidence,
            "items_citing_no_evidence": self.items_citing_no_evidence,
            "share_letters_citing_no_evidence": _round(self.share_letters_citing_no_evidence),
            "share_items_citing_no_evidence": _round(self.share_items_citing_no_evidence),
            "by_category": [r.to_dict() for r in self.by_category],
            "by_guideline": [r.to_dict() for r in self.by_guideline],
            "by_source": [r.to_dict() for r in self.by_source],
            "by_specialty": [r.to_dict() for r in self.by_specialty],
            "by_month": [r.to_dict() for r in self.by_month],
            "by_priority": [r.to_dict() for r in self.by_priority],
            "dmhc": None if self.dmhc is None else self.dmhc.to_dict(),
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


_COUNTS = (
    "count(*) AS items, "
    "count(*) FILTER (WHERE decision = 'upheld') AS upheld, "
    "count(*) FILTER (WHERE decision = 'overturned') AS overturned"
)

# Items whose guideline paragraph yielded no citation at all, so that groups add up.
_UNCITED = (
    "SELECT case_number, item_no, decision, 'no citation found' AS key "
    "FROM items WHERE len(imr_guideline) = 0"
)

# Each grouping is a query yielding (key, items, upheld, overturned), biggest group first.
_GROUPINGS: dict[str, str] = {
    "by_category": f"""
        SELECT coalesce(category, 'uncategorised') AS key, {_COUNTS}
        FROM items GROUP BY key""",
    # An item counts once under each guideline it cites, however many sections it names.
    "by_guideline": f"""
        SELECT key, {_COUNTS} FROM (
            SELECT DISTINCT case_number, item_no, decision,
                   CASE WHEN source = 'none' THEN 'no evidence cited'
                        WHEN guideline IS NULL THEN source || ' (guideline not named)'
                        ELSE source || ': ' || guideline END AS key
            FROM citations
            UNION ALL {_UNCITED})
        GROUP BY key""",
    "by_source": f"""
        SELECT key, {_COUNTS} FROM (
            SELECT DISTINCT case_number, item_no, decision, source AS key FROM citations
            UNION ALL {_UNCITED})
        GROUP BY key""",
    # Items of a letter whose reviewer lists several specialties count under each.
    "by_specialty": f"""
        SELECT key, {_COUNTS} FROM (
            SELECT i.decision, unnest(CASE WHEN len(l.specialties) = 0
                                           THEN ['not stated'] ELSE l.specialties END) AS key
            FROM items i JOIN letters l USING (case_number))
        GROUP BY key""",
    "by_month": f"""
        SELECT coalesce(strftime(l.decision_date, '%Y-%m'), 'unknown') AS key, {_COUNTS}
        FROM items i JOIN letters l USING (case_number) GROUP BY key""",
    "by_priority": f"""
        SELECT coalesce(l.priority, 'unknown') AS key, {_COUNTS}
        FROM items i JOIN letters l USING (case_number) GROUP BY key""",
}


_DMHC_COUNTS = (
    "count(*) AS items, "
    "count(*) FILTER (WHERE decision = 'upheld') AS upheld, "
    "count(*) FILTER (WHERE decision = 'overturned') AS overturned"
)


def _dmhc_group(column: str) -> str:
    return f"SELECT coalesce({column}, 'not stated') AS key, {_DMHC_COUNTS} FROM dmhc GROUP BY key"


def compute_stats(store: CorpusStore) -> CorpusStats:
    """Every figure of `openimr corpus stats`, from the live letters of the store."""
    con = store.connect()
    try:
        figures = _compute(con)
        dmhc = _compute_dmhc(con)
    finally:
        con.close()
    return figures if dmhc is None else replace(figures, dmhc=dmhc)


def _compute_dmhc(con: duckdb.DuckDBPyConnection) -> DmhcStats | None:
    """The DMHC figures, or None when the store holds no DMHC decisions."""
    decisions, upheld, overturned = _one(con, f"SELECT {_DMHC_COUNTS} FROM dmhc")
    if not decisions:
        return None
    (bad_rows,) = _one(con, "SELECT count(*) FROM dmhc_errors")
    by_year = sorted(
        _rows(con, f"SELECT CAST(report_year AS VARCHAR) AS key, {_DMHC_COUNTS} FROM dmhc "
              "GROUP BY key"),
        key=lambda r: r.key,
    )  # fmt: skip
    return DmhcStats(
        decisions=int(decisions),
        bad_rows=int(bad_rows),
        overall=RateRow("all decisions", int(decisions), int(upheld), int(overturned)),
        by_type=_rows(con, _dmhc_group("review_type")),
        by_year=by_year,
        by_treatment_category=_rows(con, _dmhc_group("treatment_category")),
        by_treatment_subcategory=_rows(con, _dmhc_group("treatment_subcategory")),
        by_diagnosis_category=_rows(con, _dmhc_group("diagnosis_category")),
        by_diagnosis_subcategory=_rows(con, _dmhc_group("diagnosis_subcategory")),
    )


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[Any, ...]:
    row = con.execute(sql).fetchone()
    assert row is not None  # aggregate queries always return a row
    return tuple(row)


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[RateRow]:
    ordered = f"SELECT * FROM ({sql}) ORDER BY items DESC, key"
    return [
        RateRow(str(k), int(n), int(u), int(o)) for k, n, u, o in con.execute(ordered).fetchall()
    ]


def _compute(con: duckdb.DuckDBPyConnection) -> CorpusStats:
    (letters,) = _one(con, "SELECT count(*) FROM letters")
    (errors,) = _one(con, "SELECT count(*) FROM errors")
    items, upheld, overturned = _one(con, f"SELECT {_COUNTS} FROM items")
    mean, median, largest = _one(
        con, "SELECT avg(item_count), median(item_count), max(item_count) FROM letters"
    )
    histogram = dict(
        con.execute(
            "SELECT item_count, count(*) FROM letters GROUP BY item_count ORDER BY item_count"
        ).fetchall()
    )
    (items_no_evidence,) = _one(con, "SELECT count(*) FROM items WHERE NOT cites_evidence")
    # A letter cites no evidence when none of its items does (or it has no items).
    (letters_no_evidence,) = _one(
        con,
        """SELECT count(*) FROM letters l
           WHERE NOT EXISTS (SELECT 1 FROM items i
                             WHERE i.case_number = l.case_number AND i.cites_evidence)""",
    )
    groupings = {name: _rows(con, sql) for name, sql in _GROUPINGS.items()}
    return CorpusStats(
        letters=int(letters),
        items=int(items),
        errors=int(errors),
        overall=RateRow("all items", int(items), int(upheld), int(overturned)),
        items_per_letter={
            "mean": round(float(mean), 3) if mean is not None else 0.0,
            "median": float(median) if median is not None else 0.0,
            "max": float(largest) if largest is not None else 0.0,
        },
        items_per_letter_histogram={int(k): int(v) for k, v in histogram.items()},
        letters_citing_no_evidence=int(letters_no_evidence),
        items_citing_no_evidence=int(items_no_evidence),
        by_category=groupings["by_category"],
        by_guideline=groupings["by_guideline"],
        by_source=groupings["by_source"],
        by_specialty=groupings["by_specialty"],
        by_month=groupings["by_month"],
        by_priority=groupings["by_priority"],
    )


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _interval(row: RateRow) -> str:
    interval = row.overturn_interval
    return "-" if interval is None else f"{100 * interval[0]:.1f}–{100 * interval[1]:.1f}%"


def format_rate_table(
    title: str, rows: list[RateRow], limit: int | None = None, unit: str = "items"
) -> str:
    """A plain-text table of one grouping (the text output of `corpus stats`), with the
    95% Wilson interval of each overturn rate."""
    shown = rows if limit is None else rows[:limit]
    width = max([len(title), *(len(r.key) for r in shown)]) if shown else len(title)
    width = min(width, 60)
    lines = [
        f"{title:<{width}}  {unit:>9}  {'upheld':>7}  {'overturned':>10}  {'overturn%':>9}  "
        f"{'95% interval':>13}"
    ]
    for r in shown:
        key = r.key if len(r.key) <= width else r.key[: width - 1] + "…"
        lines.append(
            f"{key:<{width}}  {r.items:>9}  {r.upheld:>7}  {r.overturned:>10}  "
            f"{_percent(r.overturn_rate):>9}  {_interval(r):>13}"
        )
    if limit is not None and len(rows) > limit:
        lines.append(f"… {len(rows) - limit} more (use --json or --limit 0 for all)")
    return "\n".join(lines)


def format_stats(stats: CorpusStats, limit: int | None = 20) -> str:
    """The whole `corpus stats` text report."""
    ipl = stats.items_per_letter
    head = [
        f"letters: {stats.letters}   items: {stats.items}   parse errors: {stats.errors}",
        f"items upheld: {stats.overall.upheld} ({_percent(stats.overall.uphold_rate)})   "
        f"overturned: {stats.overall.overturned} ({_percent(stats.overall.overturn_rate)})",
        f"items per letter: mean {ipl['mean']:.2f}, median {ipl['median']:g}, max {ipl['max']:g}",
        f"letters citing no evidence: {stats.letters_citing_no_evidence} "
        f"({_percent(stats.share_letters_citing_no_evidence)})   "
        f"items citing no evidence: {stats.items_citing_no_evidence} "
        f"({_percent(stats.share_items_citing_no_evidence)})",
    ]
    sections = [
        format_rate_table("service category", stats.by_category, limit),
        format_rate_table("guideline cited (IMR)", stats.by_guideline, limit),
        format_rate_table("evidence source", stats.by_source, limit),
        format_rate_table("reviewer specialty", stats.by_specialty, limit),
        format_rate_table("decision month", sorted(stats.by_month, key=lambda r: r.key), None),
        format_rate_table("priority", stats.by_priority, limit),
    ]
    text = "\n".join(head) + "\n\n" + "\n\n".join(sections) + "\n"
    if stats.dmhc is None:
        return text
    # A store of DMHC decisions only shows them alone.
    return (text + "\n" if stats.letters else "") + format_dmhc(stats.dmhc, limit)


def format_dmhc(dmhc: DmhcStats, limit: int | None = 20) -> str:
    """The DMHC section of `corpus stats`: decisions, not items; a decision is one dispute."""
    o = dmhc.overall
    head = (
        f"DMHC health-plan IMR decisions: {dmhc.decisions}   bad rows: {dmhc.bad_rows}\n"
        f"plan's decision upheld: {o.upheld} ({_percent(o.uphold_rate)})   "
        f"overturned: {o.overturned} ({_percent(o.overturn_rate)}, 95% {_interval(o)})"
    )
    tables = [
        format_rate_table(name, rows, None if name == "report year" else limit, "decisions")
        for name, rows in dmhc.groupings()
    ]
    return head + "\n\n" + "\n\n".join(tables) + "\n"
