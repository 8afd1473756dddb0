"""The rationale labeller (`openimr assist reasons`) against human labels, by half.

    .venv/bin/python benchmarks/bench_reasons.py

Development half: against our hand-labelled gold file (tests/unit/assist/data/
reasons_gold_dev.yaml, 167 items) and against the two-annotator labels of
../shared/data/dwc/reasons.jsonl; held-out half: against reasons.jsonl only (the labeller
was written on the development half). A label counts right when it is one of the accepted
primary codes. Also: items labelled per second. Skips when ../shared is absent.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("OPENIMR_SHARED", REPO.parent / "shared"))
LETTERS = SHARED / "data" / "dwc" / "text"
LABELS = SHARED / "data" / "dwc" / "reasons.jsonl"
GOLD = REPO / "tests" / "unit" / "assist" / "data" / "reasons_gold_dev.yaml"


def main() -> int:
    if not LETTERS.is_dir() or not LABELS.is_file():
        print(f"skip: {LETTERS} or {LABELS} not found (the dev letters live in ../shared)")
        return 0
    from openimr.assist.batch import read_letters
    from openimr.assist.evaluate import read_reason_labels
    from openimr.assist.halves import split_letters
    from openimr.assist.reviewer_reasons import label_letters

    letters = read_letters(LETTERS, [])
    annotators = read_reason_labels(LABELS)
    gold = read_reason_labels(GOLD)
    start = time.perf_counter()
    labelled = {(r["case_number"], r["item"]): r for r in label_letters(letters)}
    elapsed = time.perf_counter() - start
    print(f"labelled {len(labelled)} items in {elapsed:.2f} s ({len(labelled) / elapsed:.0f}/s)")
    development, held = split_letters(letters)
    for name, half in (("development", development), ("held_out", held)):
        keys = [(x["case_number"], n) for x in half for n in range(1, len(x["items"]) + 1)]
        for source, reference in (("gold file", gold), ("reasons.jsonl", annotators)):
            scored = [k for k in keys if k in reference]
            if not scored:
                continue
            right = sum(labelled[k]["primary"]["code"] in reference[k] for k in scored)
            upheld = [k for k in scored if labelled[k]["decision"] == "upheld"]
            right_up = sum(labelled[k]["primary"]["code"] in reference[k] for k in upheld)
            print(
                f"{name:11} vs {source:13}: primary right {right}/{len(scored)} = "
                f"{right / len(scored):.3f}; upheld {right_up}/{len(upheld)} = "
                f"{right_up / max(1, len(upheld)):.3f}"
            )
        misses = Counter(
            (next(iter(annotators[k])), labelled[k]["primary"]["code"])
            for k in keys
            if k in annotators and labelled[k]["primary"]["code"] not in annotators[k]
        )
        worst = json.dumps(misses.most_common(6))
        print(f"  {name} confusions (annotators' code, labeller's): {worst}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
