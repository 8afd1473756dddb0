"""Benchmark precedent search: BM25 vs dense (MiniLM) vs hybrid, leave one letter out.

    .venv/bin/python benchmarks/bench_assist_precedents.py

For every item of every dev letter, the precedents are searched by the item's description in
an index built from the OTHER letters only (BM25 is rebuilt per letter, so even its term
statistics never see the held-out letter; dense embeddings of the other letters do not depend
on it, so excluding the case number is the same as rebuilding). Figures per search:

- decision agreement: share of the top-5 precedents whose decision equals the item's real one,
  overall and on the overturned items alone (the minority the outcome model must find);
- majority agreement: share of items whose top-5 majority decision equals the real one;
- top-1 category match: share of items whose first precedent falls in the same service
  category (the evidence package's normaliser) as the item, among items with a known category
  (an item the search finds nothing for counts as a miss);
- precedent-rate AUC: how well the outcome model's precedent feature alone (similarity-weighted
  overturn share of the 10 best precedents) ranks overturned items above upheld ones.

Two indexed texts are measured: the shipped `precedent_records` (descriptions only, what the
packaged model carries) and full letters (description + the opening of the case summary).
Needs the `embeddings` extra; skips with a message without it or without ../shared.
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("OPENIMR_SHARED", REPO.parent / "shared"))
LETTERS = SHARED / "data" / "dwc" / "text"
TOP = 5


@cache
def _category(description: str) -> str | None:
    from openimr.assist.guidance import normalise

    item = normalise(description)
    return item.category if item.known else None


def _measure(name: str, letters: list[dict[str, Any]], search: Any) -> None:
    from sklearn.metrics import roc_auc_score

    from openimr.assist.precedents import precedent_overturn_rate

    agree = shown = majority = items = cat_match = cat_items = 0
    over_agree = over_shown = 0
    rates: list[float] = []
    truth: list[int] = []
    for letter in letters:
        case_number = letter["case_number"]
        for item in letter["items"]:
            real = item.get("decision")
            if real not in ("upheld", "overturned") or not item.get("description"):
                continue
            hits = search(letter, item["description"])
            assert all(h.case_number != case_number for h in hits), "case is its own precedent"
            decided = [h.decision for h in hits[:TOP]]
            # The outcome model's precedent feature, with the dev base rate as prior.
            rates.append(precedent_overturn_rate(hits, prior=0.065))
            truth.append(real == "overturned")
            items += 1
            agree += sum(d == real for d in decided)
            shown += len(decided)
            if real == "overturned":
                over_agree += sum(d == real for d in decided)
                over_shown += len(decided)
            if decided and Counter(decided).most_common(1)[0][0] == real:
                majority += 1
            category = _category(item["description"])
            if category is not None:
                # An item without any hit counts as a miss, so searches compare on one base.
                cat_items += 1
                cat_match += bool(hits) and _category(hits[0].description) == category
    print(
        f"{name:<34} items {items:>4}  top-{TOP} decision agreement {agree / max(shown, 1):6.1%}  "
        f"(on overturned items {over_agree / max(over_shown, 1):5.1%})  "
        f"majority {majority / max(items, 1):6.1%}  "
        f"top-1 category match {cat_match / max(cat_items, 1):6.1%} (of {cat_items})  "
        f"precedent-rate AUC {roc_auc_score(truth, rates):.3f}"
    )


def main() -> int:
    if not LETTERS.is_dir():
        print(f"skip: {LETTERS} not found (the dev letters live in ../shared)")
        return 0
    from openimr.assist.embeddings import (
        DenseItemIndex,
        HybridItemIndex,
        embeddings_available,
    )

    if not embeddings_available():
        print("skip: embeddings extra not installed (pip install openimr[embeddings])")
        return 0
    from openimr.assist.batch import read_letters
    from openimr.assist.precedents import build_index, precedent_records

    errors: list[str] = []
    letters = [x for x in read_letters(LETTERS, errors) if x.get("items") and x.get("case_number")]
    print(f"{len(letters)} dev letters ({len(errors)} unreadable)")
    records = precedent_records(letters)
    overall = Counter(i.get("decision") for x in letters for i in x["items"])
    decided = overall["upheld"] + overall["overturned"]
    chance = sum((overall[d] / decided) ** 2 for d in ("upheld", "overturned"))
    print(
        f"decisions: {overall['upheld']} upheld, {overall['overturned']} overturned; "
        f"agreement of random precedents ~{chance:.1%}, always-upheld majority "
        f"{overall['upheld'] / decided:.1%}"
    )

    t0 = time.perf_counter()
    bm25_loo = {x["case_number"]: build_index([r for r in records if r is not x]) for x in records}
    print(f"BM25 leave-one-out indexes built in {time.perf_counter() - t0:.1f}s")
    t0 = time.perf_counter()
    dense_records = DenseItemIndex.from_letters(records)
    dense_full = DenseItemIndex.from_letters(letters, encoder=dense_records.encoder)
    n = len(dense_records) + len(dense_full)
    print(f"dense indexes: {n} items embedded in {time.perf_counter() - t0:.1f}s")

    def bm25(letter: dict[str, Any], query: str) -> list:
        return bm25_loo[letter["case_number"]].search(query, k=10)

    def dense_with(index: DenseItemIndex) -> Any:
        return lambda letter, query: index.search(query, 10, letter["case_number"])

    def hybrid_with(index: DenseItemIndex) -> Any:
        def search(letter: dict[str, Any], query: str) -> list:
            fused = HybridItemIndex(bm25_loo[letter["case_number"]], index)
            return fused.search(query, 10, letter["case_number"])

        return search

    t0 = time.perf_counter()
    _measure("bm25", letters, bm25)
    _measure("dense (descriptions)", letters, dense_with(dense_records))
    _measure("dense (description + summary)", letters, dense_with(dense_full))
    _measure("hybrid (descriptions)", letters, hybrid_with(dense_records))
    _measure("hybrid (description + summary)", letters, hybrid_with(dense_full))
    print(f"measured in {time.perf_counter() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
