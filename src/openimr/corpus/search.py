"""Full-text search over published decisions: BM25 (bm25s) on item description and rationale.

One document per disputed item: the item description (counted twice, since it is the
shortest and most telling field) followed by the reviewer's rationale. The clinical case
summary is left out on purpose: it speaks of every item of the letter at once, so it would
make a letter's other items match a query about one of them.

`ItemIndex` is what the assist package (precedent search) and the web service use::

    index = ItemIndex.from_store(store_dir)        # loads the saved index; builds it if stale
    index = ItemIndex.from_letters(parsed_letters)  # dicts shaped like `letter parse` output
    hits = index.search("MRI right shoulder", k=5, exclude_case_number="CM16-0213037")
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bm25s
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from bm25s.tokenization import Tokenizer

from openimr.corpus.schema import IndexedItem, item_text
from openimr.corpus.store import CorpusStore

INDEX_DIRNAME = "index"
_ENTRIES = "entries.parquet"
_TOKEN_MAX = "token_max.npy"
_VOCAB = "tokenizer_vocab.json"
_META = "meta.json"

# Column order is that of IndexedItem's fields (load() relies on it).
_ENTRY_SCHEMA = pa.schema(
    [
        ("case_number", pa.string()),
        ("description", pa.string()),
        ("decision", pa.string()),
        ("decision_date", pa.string()),
        ("citations", pa.string()),  # JSON list of citation dicts (product.md shape)
    ]
)


@dataclass(frozen=True)
class Hit:
    """One published item that matches a query.

    `similarity` is the BM25 score divided by the best score each query term reaches in
    any document of the index, so it lies in 0..1 and is comparable across queries.
    """

    case_number: str
    description: str
    decision: str
    similarity: float
    citations: list[dict[str, Any]] = field(default_factory=list)
    decision_date: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "case_number": self.case_number,
            "description": self.description,
            "decision": self.decision,
            "similarity": round(self.similarity, 4),
            "decision_date": self.decision_date,
            "citations": self.citations,
        }


def _entries_from_letters(letters: Iterable[dict[str, Any]]) -> Iterator[tuple[IndexedItem, str]]:
    for letter in letters:
        case_number = letter.get("case_number")
        if not case_number:
            continue  # an item that no case number identifies cannot be cited as precedent
        for item in letter.get("items") or []:
            entry = IndexedItem(
                case_number=str(case_number),
                description=str(item.get("description") or ""),
                decision=str(item.get("decision") or ""),
                decision_date=_iso(letter.get("decision_date")),
                citations_json=json.dumps(list(item.get("imr_guideline") or [])),
            )
            yield entry, item_text(item.get("description"), item.get("rationale"))


def _iso(value: object) -> str | None:
    return None if value is None else str(value)


class ItemIndex:
    """A BM25 index of published items, with the facts a precedent needs."""

    def __init__(
        self,
        retriever: bm25s.BM25 | None,
        tokenizer: Tokenizer,
        entries: list[IndexedItem],
        token_max: np.ndarray,
    ) -> None:
        self._retriever = retriever
        self._tokenizer = tokenizer
        self._entries = entries
        self._token_max = token_max
        self._items_per_case: dict[str, int] = {}
        for entry in entries:
            self._items_per_case[entry.case_number] = (
                self._items_per_case.get(entry.case_number, 0) + 1
            )

    def __len__(self) -> int:
        return len(self._entries)

    # -- building -------------------------------------------------------------------------

    @classmethod
    def from_letters(cls, letters: Iterable[dict[str, Any]]) -> ItemIndex:
        """Index the items of `letter parse` dicts (`ParsedLetter.model_dump()`)."""
        return cls.from_pairs(_entries_from_letters(letters))

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[IndexedItem, str]]) -> ItemIndex:
        """Index (item, text to index) pairs; the text is usually `item_text(...)`."""
        tokenizer = Tokenizer(stopwords="en")
        entries: list[IndexedItem] = []
        token_ids: list[np.ndarray] = []
        batch: list[str] = []

        def flush() -> None:
            ids = tokenizer.tokenize(batch, return_as="ids", update_vocab=True, show_progress=False)
            # int32 arrays instead of Python int lists keep a 100,000-letter corpus small.
            token_ids.extend(np.asarray(doc, dtype=np.int32) for doc in ids)
            batch.clear()

        for entry, text in pairs:
            entries.append(entry)
            batch.append(text)
            if len(batch) >= 2000:
                flush()
        if batch:
            flush()
        if not entries:
            return cls(None, tokenizer, [], np.zeros(0, dtype=np.float32))
        vocab = tokenizer.get_vocab_dict()
        retriever = bm25s.BM25()
        retriever.index((token_ids, vocab), show_progress=False)
        return cls(retriever, tokenizer, entries, _token_max(retriever))

    @classmethod
    def from_store(cls, store_dir: str | Path) -> ItemIndex:
        """Load the index saved in a corpus store; build and save it when missing or stale."""
        store = CorpusStore.open(Path(store_dir))
        index_dir = store.root / INDEX_DIRNAME
        meta_path = index_dir / _META
        if meta_path.exists():
            meta = json.loads(meta_path.read_text())
            if meta.get("generation") == store.generation():
                return cls.load(index_dir)
        index = cls.from_pairs(store.iter_search_items())
        index.save(index_dir, generation=store.generation())
        return index

    # -- persistence ----------------------------------------------------------------------

    def save(self, index_dir: Path, generation: str) -> None:
        """Write the index as `index_dir` (bm25s arrays, vocabulary, item facts).

        Written beside it and swapped in, so that two processes rebuilding a stale index
        at once never leave a mix of both.
        """
        tmp = index_dir.with_name(f"{index_dir.name}.tmp-{uuid.uuid4().hex[:8]}")
        tmp.mkdir(parents=True)
        self._write(tmp, generation)
        old = index_dir.with_name(f"{index_dir.name}.old-{uuid.uuid4().hex[:8]}")
        if index_dir.exists():
            index_dir.rename(old)
        tmp.rename(index_dir)
        shutil.rmtree(old, ignore_errors=True)

    def _write(self, index_dir: Path, generation: str) -> None:
        if self._retriever is not None:
            self._retriever.save(str(index_dir), show_progress=False)
        self._tokenizer.save_vocab(str(index_dir), vocab_name=_VOCAB)
        np.save(index_dir / _TOKEN_MAX, self._token_max)
        table = pa.table(
            {
                "case_number": [e.case_number for e in self._entries],
                "description": [e.description for e in self._entries],
                "decision": [e.decision for e in self._entries],
                "decision_date": [e.decision_date for e in self._entries],
                "citations": [e.citations_json for e in self._entries],
            },
            schema=_ENTRY_SCHEMA,
        )
        pq.write_table(table, index_dir / _ENTRIES)
        # Written last: an index without its meta file is treated as absent.
        (index_dir / _META).write_text(json.dumps({"generation": generation}))

    @classmethod
    def load(cls, index_dir: Path) -> ItemIndex:
        table = pq.read_table(index_dir / _ENTRIES)
        columns = [table.column(name).to_pylist() for name in _ENTRY_SCHEMA.names]
        entries = [IndexedItem(*values) for values in zip(*columns, strict=True)]
        tokenizer = Tokenizer(stopwords="en")
        tokenizer.load_vocab(str(index_dir), vocab_name=_VOCAB)
        retriever = bm25s.BM25.load(str(index_dir), show_progress=False) if entries else None
        return cls(retriever, tokenizer, entries, np.load(index_dir / _TOKEN_MAX))

    # -- querying -------------------------------------------------------------------------

    def search(self, query: str, k: int = 10, exclude_case_number: str | None = None) -> list[Hit]:
        """The `k` items most like `query`, best first; never items of `exclude_case_number`.

        Excluding the case itself matters for precedent: a case must never be judged by
        its own published decision (docs/product.md, `assist batch`).
        """
        if self._retriever is None or k <= 0:
            return []
        ids = self._tokenizer.tokenize(
            [query], update_vocab=False, return_as="ids", show_progress=False
        )[0]
        query_ids = sorted(set(ids))
        if not query_ids:
            return []
        excluded = self._items_per_case.get(exclude_case_number or "", 0)
        depth = min(len(self._entries), k + excluded)
        docs, scores = self._retriever.retrieve(
            [query_ids], k=depth, show_progress=False, n_threads=0
        )
        ceiling = float(self._token_max[query_ids].sum())
        hits: list[Hit] = []
        for doc, score in zip(docs[0], scores[0], strict=True):
            if score <= 0:
                break  # no query term in this item or any later one
            entry = self._entries[int(doc)]
            if exclude_case_number is not None and entry.case_number == exclude_case_number:
                continue
            hits.append(
                Hit(
                    case_number=entry.case_number,
                    description=entry.description,
                    decision=entry.decision,
                    similarity=min(1.0, float(score) / ceiling) if ceiling > 0 else 0.0,
                    citations=json.loads(entry.citations_json),
                    decision_date=entry.decision_date,
                )
            )
            if len(hits) == k:
                break
        return hits


def _token_max(retriever: bm25s.BM25) -> np.ndarray:
    """For each vocabulary id, the highest score that token gives any one document."""
    data = retriever.scores["data"]
    indptr = retriever.scores["indptr"]
    out = np.zeros(len(indptr) - 1, dtype=np.float32)
    for token in np.nonzero(np.diff(indptr))[0]:
        out[token] = data[indptr[token] : indptr[token + 1]].max()
    return out
