"""The corpus tables as Arrow schemas, and the flattening of a parsed letter into their rows.

Three physical tables, each a set of Parquet part files:

- `letters`: one row per letter (header, reviewer, applicant, summary);
- `items`: one row per disputed item, its citations kept nested in the shape of the
  `letter parse` contract (the DuckDB view `citations` unnests them for counting);
- `errors`: one row per file that could not be parsed.

Every row carries `part_id`, the part file it was written to: the manifest names the one
live part of each case number, which is how a re-ingested letter replaces the old one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pyarrow as pa

CITATION = pa.struct(
    [
        ("source", pa.string()),
        ("guideline", pa.string()),
        ("edition", pa.string()),
        ("sections", pa.list_(pa.string())),
        ("pages", pa.list_(pa.string())),
        ("strength", pa.string()),
        ("text", pa.string()),
    ]
)

LETTERS = pa.schema(
    [
        ("case_number", pa.string()),
        ("part_id", pa.string()),
        ("path", pa.string()),
        ("content_hash", pa.string()),
        ("layout", pa.string()),
        ("date_assigned", pa.date32()),
        ("date_of_injury", pa.date32()),
        ("decision_date", pa.date32()),
        ("ur_denial_date", pa.date32()),
        ("application_received", pa.date32()),
        ("priority", pa.string()),
        ("licensure", pa.list_(pa.string())),
        ("specialties", pa.list_(pa.string())),
        ("applicant_age", pa.int32()),
        ("applicant_sex", pa.string()),
        ("clinical_case_summary", pa.string()),
        ("item_count", pa.int32()),
        ("warnings", pa.list_(pa.string())),
        ("ingested_at", pa.timestamp("us", tz="UTC")),
    ]
)

ITEMS = pa.schema(
    [
        ("case_number", pa.string()),
        ("part_id", pa.string()),
        ("item_no", pa.int32()),  # 1-based, in letter order
        ("description", pa.string()),
        ("original_request", pa.string()),
        ("authorized_portion", pa.string()),
        ("decision", pa.string()),
        ("category", pa.string()),  # evidence.normalise category, computed at ingest
        ("cites_evidence", pa.bool_()),
        ("strength_of_evidence", pa.string()),
        ("rationale", pa.string()),
        ("claims_administrator_guideline", pa.list_(CITATION)),
        ("imr_guideline", pa.list_(CITATION)),
    ]
)

ERRORS = pa.schema(
    [
        ("path", pa.string()),
        ("content_hash", pa.string()),
        ("error", pa.string()),
        ("part_id", pa.string()),
        ("ingested_at", pa.timestamp("us", tz="UTC")),
    ]
)

TABLES: dict[str, pa.Schema] = {"letters": LETTERS, "items": ITEMS, "errors": ERRORS}

Categoriser = Callable[[str], str | None]


def iso_date(value: object) -> date | None:
    """An ISO 8601 date string (as the parse contract gives) to a date; None when absent."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def cites_evidence(citations: list[dict[str, Any]]) -> bool:
    """True when the reviewer relied on some guideline (source other than `none`)."""
    return any(c.get("source") not in (None, "none") for c in citations)


def _citation(c: dict[str, Any]) -> dict[str, Any]:
    return {
        "source": c.get("source"),
        "guideline": c.get("guideline"),
        "edition": None if c.get("edition") is None else str(c.get("edition")),
        "sections": [str(s) for s in c.get("sections") or []],
        "pages": [str(p) for p in c.get("pages") or []],
        "strength": c.get("strength"),
        "text": c.get("text") or "",
    }


def letter_rows(
    letter: dict[str, Any],
    *,
    part_id: str,
    content_hash: str,
    categorise: Categoriser,
    ingested_at: datetime | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One `letters` row and its `items` rows from a `letter parse` dict."""
    ingested_at = ingested_at or datetime.now(UTC)
    case_number = letter["case_number"]
    reviewer = letter.get("reviewer") or {}
    applicant = letter.get("applicant") or {}
    items_in = letter.get("items") or []
    letter_row = {
        "case_number": case_number,
        "part_id": part_id,
        "path": letter.get("path"),
        "content_hash": content_hash,
        "layout": letter.get("layout"),
        "date_assigned": iso_date(letter.get("date_assigned")),
        "date_of_injury": iso_date(letter.get("date_of_injury")),
        "decision_date": iso_date(letter.get("decision_date")),
        "ur_denial_date": iso_date(letter.get("ur_denial_date")),
        "application_received": iso_date(letter.get("application_received")),
        "priority": letter.get("priority"),
        "licensure": list(reviewer.get("licensure") or []),
        "specialties": list(reviewer.get("specialties") or []),
        "applicant_age": applicant.get("age"),
        "applicant_sex": applicant.get("sex"),
        "clinical_case_summary": letter.get("clinical_case_summary"),
        "item_count": len(items_in),
        "warnings": list(letter.get("warnings") or []),
        "ingested_at": ingested_at,
    }
    item_rows = []
    for number, item in enumerate(items_in, start=1):
        imr = [_citation(c) for c in item.get("imr_guideline") or []]
        description = item.get("description") or ""
        item_rows.append(
            {
                "case_number": case_number,
                "part_id": part_id,
                "item_no": number,
                "description": description,
                "original_request": item.get("original_request"),
                "authorized_portion": item.get("authorized_portion"),
                "decision": item.get("decision"),
                "category": categorise(description) if description else None,
                "cites_evidence": cites_evidence(imr),
                "strength_of_evidence": item.get("strength_of_evidence"),
                "rationale": item.get("rationale"),
                "claims_administrator_guideline": [
                    _citation(c) for c in item.get("claims_administrator_guideline") or []
                ],
                "imr_guideline": imr,
            }
        )
    return letter_row, item_rows


def error_row(path: str, content_hash: str | None, error: str, part_id: str) -> dict[str, Any]:
    return {
        "path": path,
        "content_hash": content_hash,
        "error": error,
        "part_id": part_id,
        "ingested_at": datetime.now(UTC),
    }


# -- the search index's view of an item --------------------------------------------------


@dataclass(frozen=True)
class IndexedItem:
    """The facts of one published item that a search hit reports."""

    case_number: str
    description: str
    decision: str
    decision_date: str | None
    citations_json: str  # kept encoded: decoded only for hits, so large indexes stay small


def item_text(description: str | None, rationale: str | None) -> str:
    """The text indexed for one item: the description twice (it names the service) and the
    rationale once (see `corpus.search`)."""
    description = description or ""
    return f"{description} {description} {rationale or ''}"
