"""Precedents: how the most similar published items were decided.

The search itself is the corpus package's BM25 index (`openimr.corpus.search.ItemIndex`); this
module picks the query, turns hits into output records and summarises them as one model
feature. A case is never judged by its own published decision: every search passes the case
number to exclude (docs/product.md, "assist batch").

BM25 is the default. With the `embeddings` extra installed, `precedent_search` can swap in a
dense (MiniLM) or hybrid (BM25 + dense, rank-fused) index over the same items
(`openimr.assist.embeddings`; issue 5, item 4).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openimr.assist.embeddings import DenseItemIndex, HybridItemIndex, require_embeddings
from openimr.assist.ports import Encoder, PrecedentSearch
from openimr.assist.schema import CitationOut, PrecedentRef
from openimr.corpus.search import Hit, ItemIndex
from openimr.corpus.store import CorpusStore
from openimr.domain.errors import InvalidInput

PRECEDENT_KINDS = ("bm25", "dense", "hybrid")


def precedent_records(letters: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The facts a precedent needs from each letter, and nothing more.

    Case number, decision date, and per item its description, decision and structured
    citations (guideline, edition, sections, pages). Rationales, summaries and citation prose
    are dropped: the model artifact ships these records, and it carries no letter sentences.
    The same records feed the index in cross-validation, so the figures measure what ships.
    """
    records = []
    for letter in letters:
        items = [
            {
                "description": item.get("description") or "",
                "decision": item.get("decision"),
                "imr_guideline": [{**c, "text": ""} for c in item.get("imr_guideline") or []],
            }
            for item in letter.get("items") or []
        ]
        records.append(
            {
                "case_number": letter.get("case_number"),
                "decision_date": letter.get("decision_date"),
                "items": items,
            }
        )
    return records


def build_index(letters: Iterable[dict[str, Any]]) -> ItemIndex:
    """A precedent index over `letter parse` dicts (or `precedent_records`), by item text."""
    return ItemIndex.from_letters(precedent_records(letters))


def load_precedent_index(path: Path) -> ItemIndex:
    """Build the index from a saved `precedents.json` (a list of `precedent_records`)."""
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"cannot read precedents {path}: {exc}", field="precedents") from exc
    return ItemIndex.from_letters(records)


def precedent_search(
    kind: str,
    bm25: PrecedentSearch | None,
    *,
    records_path: Path | None = None,
    corpus_dir: Path | None = None,
    encoder: Encoder | None = None,
) -> PrecedentSearch | None:
    """The precedent index of `kind` over the same items as `bm25`.

    `bm25` comes back unchanged for "bm25". For "dense" and "hybrid" the items are embedded
    from a corpus store (`corpus_dir`) or a saved `precedents.json` (`records_path`) by
    `encoder`; without one, the MiniLM encoder of the `embeddings` extra, and
    `EmbeddingsUnavailable` naming the extra when it is not installed.
    """
    if kind not in PRECEDENT_KINDS:
        raise InvalidInput(
            f"unknown precedent search {kind!r} (one of {', '.join(PRECEDENT_KINDS)})",
            field="precedents",
        )
    if kind == "bm25":
        return bm25
    if encoder is None:
        require_embeddings()
    if corpus_dir is not None:
        store = CorpusStore.open(corpus_dir)
        dense = DenseItemIndex.from_pairs(
            ((entry, entry.description) for entry, _ in store.iter_search_items()), encoder
        )
    elif records_path is not None and records_path.is_file():
        try:
            records = json.loads(records_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise InvalidInput(
                f"cannot read precedents {records_path}: {exc}", field="precedents"
            ) from exc
        dense = DenseItemIndex.from_letters(records, encoder)
    else:
        return None  # no decided items to search, as with BM25
    if kind == "dense" or bm25 is None:
        return dense
    return HybridItemIndex(bm25, dense)


def find_precedents(
    index: PrecedentSearch | None,
    description: str,
    case_number: str | None,
    k: int = 10,
) -> list[Hit]:
    """Decided items most like `description`, excluding every item of `case_number`."""
    if index is None or not description.strip():
        return []
    hits = index.search(description, k=k, exclude_case_number=case_number)
    # Belt and braces: a case must never be its own precedent, whatever the index does.
    return [h for h in hits if not case_number or h.case_number != case_number]


def precedent_overturn_rate(hits: list[Hit], prior: float, weight: float = 2.0) -> float:
    """Similarity-weighted share of overturned precedents, shrunk toward `prior`.

    With few or weak matches the estimate stays near the base rate instead of swinging to
    0 or 1 on a single precedent.
    """
    decided = [h for h in hits if h.decision in ("upheld", "overturned")]
    total = sum(h.similarity for h in decided)
    overturned = sum(h.similarity for h in decided if h.decision == "overturned")
    return (overturned + weight * prior) / (total + weight)


def to_refs(hits: list[Hit], limit: int = 5) -> list[PrecedentRef]:
    """Output records for the best `limit` hits (product.md `precedents`)."""
    refs = []
    for hit in hits[:limit]:
        citations = [
            CitationOut(
                source=str(c.get("source") or "none"),
                guideline=c.get("guideline"),
                edition=c.get("edition"),
                sections=list(c.get("sections") or []),
                pages=list(c.get("pages") or []),
                strength=c.get("strength"),
            )
            for c in hit.citations
        ]
        refs.append(
            PrecedentRef(
                case_number=hit.case_number,
                description=hit.description,
                decision=hit.decision,
                similarity=round(hit.similarity, 3),
                citations=citations,
            )
        )
    return refs
