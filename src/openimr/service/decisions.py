"""The published decisions as the web service shows them: search and counts.

The source is the corpus store made by `openimr corpus ingest` when `OPENIMR_CORPUS_DIR`
names one; otherwise the decided items the assist package ships with its model (the
dev letters), so a fresh install still has something to search. Published letters are
public records (LC 4610.6, publication): no login is needed to search them.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class RateBar:
    label: str
    value: float


class PublishedDecisions:
    """Loaded lazily, once per process (an index over the corpus takes a moment to load)."""

    def __init__(self, corpus_dir: Path | None) -> None:
        self.corpus_dir = corpus_dir
        self._lock = threading.Lock()
        self._index: Any = None
        self._stats: Any = None

    def index(self) -> Any | None:
        """The BM25 item index (`openimr.corpus.search.ItemIndex`), or None when no source."""
        with self._lock:
            if self._index is None:
                from openimr.corpus.search import ItemIndex

                if self.corpus_dir is not None:
                    self._index = ItemIndex.from_store(self.corpus_dir)
                else:
                    packaged = _packaged_precedents()
                    if packaged is not None:
                        letters = json.loads(packaged.read_text(encoding="utf-8"))
                        self._index = ItemIndex.from_letters(letters)
            return self._index

    def search(self, query: str, k: int = 20) -> list[dict[str, Any]] | None:
        """Matching decided items, best first; None when there is nothing to search."""
        index = self.index()
        if index is None:
            return None
        return [hit.to_dict() for hit in index.search(query, k=k)]

    def overturn_rates(self, limit: int = 12) -> list[RateBar]:
        """Overturned share (%) by treatment category in the corpus store (empty without one)."""
        if self.corpus_dir is None:
            return []
        with self._lock:
            if self._stats is None:
                from openimr.corpus.stats import compute_stats
                from openimr.corpus.store import CorpusStore

                self._stats = compute_stats(CorpusStore.open(self.corpus_dir))
        rows = [r for r in self._stats.by_category if r.overturn_rate is not None]
        rows.sort(key=lambda r: r.items, reverse=True)
        return [RateBar(r.key, round(100 * r.overturn_rate, 1)) for r in rows[:limit]]


def _packaged_precedents() -> Path | None:
    from openimr.assist.model import PRECEDENTS_FILE, packaged_model_dir

    path = packaged_model_dir() / PRECEDENTS_FILE
    return path if path.is_file() else None


def corpus_letter(decisions: PublishedDecisions, case_number: str) -> dict[str, Any] | None:
    """One published letter of the corpus as stored (already redacted by the agency that
    published it): summary and items with decisions, citations and rationales."""
    if decisions.corpus_dir is not None:
        from openimr.corpus.store import CorpusStore

        with CorpusStore.open(decisions.corpus_dir).connect() as con:
            head = con.execute(
                "SELECT case_number, decision_date, clinical_case_summary FROM letters "
                "WHERE case_number = ?",
                [case_number],
            ).fetchone()
            if head is None:
                return None
            items = con.execute(
                "SELECT description, decision, rationale FROM items WHERE case_number = ? "
                "ORDER BY item_no",
                [case_number],
            ).fetchall()
        return {
            "case_number": head[0],
            "decision_date": str(head[1] or ""),
            "clinical_case_summary": head[2] or "",
            "items": [
                {"description": d, "decision": dec, "rationale": r or ""} for d, dec, r in items
            ],
        }
    packaged = _packaged_precedents()
    if packaged is None:
        return None
    for letter in json.loads(packaged.read_text(encoding="utf-8")):
        if letter.get("case_number") == case_number:
            return {
                "case_number": case_number,
                "decision_date": letter.get("decision_date") or "",
                "clinical_case_summary": letter.get("clinical_case_summary") or "",
                "items": [
                    {
                        "description": i.get("description", ""),
                        "decision": i.get("decision", ""),
                        "rationale": i.get("rationale") or "",
                    }
                    for i in letter.get("items") or []
                ],
            }
    return None
