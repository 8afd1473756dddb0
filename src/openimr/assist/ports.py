"""What the assist needs from parts it does not own, as protocols (style.md: a package that
may not know a concrete class declares a `Protocol` and receives an implementation).

`PrecedentSearch` is met by the corpus `ItemIndex` (BM25), `embeddings.DenseItemIndex` and
`embeddings.HybridItemIndex`; `Encoder` by `embeddings.MiniLMEncoder` (the `embeddings`
extra) and by the tests' fake encoder, so the logic around it runs where the model is absent.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from openimr.corpus.search import Hit


class PrecedentSearch(Protocol):
    """What the assist needs of a precedent index (the corpus `ItemIndex` has it)."""

    def search(self, query: str, k: int = 10, exclude_case_number: str | None = None) -> list[Hit]:
        """The `k` most similar items, never those of `exclude_case_number`."""
        ...


class Encoder(Protocol):
    """Turns texts into L2-normalised embedding rows (one row per text)."""

    def encode(self, texts: list[str]) -> np.ndarray: ...
