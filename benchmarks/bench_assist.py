"""Benchmark the reviewer assist: `assist batch` throughput and cross-validated accuracy.

    .venv/bin/python benchmarks/bench_assist.py [--skip-cv] [--skip-holdout]

Throughput: cases rebuilt from the dev letters (decisions stripped) run through the same code
as `openimr assist batch` in this one process (one core), packaged model loaded once.
Accuracy: grouped 5-fold cross-validation by letter (`openimr assist evaluate`), printed in full.
Held-out: trained on the letters whose case number ends in an even digit (the set the rules
were developed on), measured on the odd ones (not inspected while developing).
Skips with a message when ../shared (the dev letters) is absent.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("OPENIMR_SHARED", REPO.parent / "shared"))
LETTERS = SHARED / "data" / "dwc" / "text"


def main() -> int:
    if not LETTERS.is_dir():
        print(f"skip: {LETTERS} not found (the dev letters live in ../shared)")
        return 0
    from openimr.assist.batch import read_letters, run_batch
    from openimr.assist.evaluate import (
        cross_validate,
        held_out,
        split_by_case_number,
        summary_lines,
    )
    from openimr.assist.propose import Assistant, case_input_from_letter

    errors: list[str] = []
    letters = [x for x in read_letters(LETTERS, errors) if x.get("items")]
    lines = [case_input_from_letter(x).model_dump_json() for x in letters]
    items = sum(len(x["items"]) for x in letters)
    assistant = Assistant.load()
    list(run_batch(lines[:3], assistant))  # warm caches (knowledge base, regexes)
    start = time.perf_counter()
    rounds = 3
    for _ in range(rounds):
        out = list(run_batch(lines, assistant))
    elapsed = time.perf_counter() - start
    assert sum("error" not in o for o in out) == items
    print(
        f"assist batch: {items * rounds} items in {elapsed:.2f} s = "
        f"{items * rounds / elapsed:.0f} items/s on one core (target >= 50)"
    )
    proposals = [o["proposal"] for o in out]
    print("proposals: " + json.dumps({p: proposals.count(p) for p in sorted(set(proposals))}))
    if "--skip-holdout" not in sys.argv:
        even, odd = split_by_case_number(letters)
        result = held_out(even, odd)
        print("held-out (train even case numbers, test odd):")
        print("\n".join(summary_lines(result)))
    if "--skip-cv" not in sys.argv:
        start = time.perf_counter()
        result = cross_validate(letters, folds=5)
        print("\n".join(summary_lines(result)))
        print(f"cross-validation took {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
