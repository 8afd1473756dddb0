"""Benchmark the reviewer assist: `assist batch` throughput and its accuracy, honestly split.

    .venv/bin/python benchmarks/bench_assist.py [--skip-cv] [--skip-held-out] [--seeds N]
    .venv/bin/python benchmarks/bench_assist.py --quick   # 2 letters through the batch path only

Throughput: cases rebuilt from the dev letters (decisions stripped) run through the same code
as `openimr assist batch` in this one process (one core), packaged model loaded once.
Accuracy (`openimr assist evaluate`): the dev letters are split by case number
(`assist.halves`, SHA-256 of the case number): grouped 5-fold cross-validation on the
development half, everything developed and tuned there; then trained on the development half
and measured on the held-out half, which nothing was developed on. Reasons are scored against
the two-annotator labels of ../shared/data/dwc/reasons.jsonl when present, else against the
rationale labeller. Skips with a message when ../shared (the dev letters) is absent.
`--quick` runs only the batch path, once, on the first two letters and measures nothing else
(tests/unit/assist/test_bench_assist.py runs it so that the script cannot silently break).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("OPENIMR_SHARED", REPO.parent / "shared"))
LETTERS = SHARED / "data" / "dwc" / "text"
LABELS = SHARED / "data" / "dwc" / "reasons.jsonl"


def _arguments() -> argparse.Namespace:
    # A parser, so that --help or a misspelt flag never starts a run (the default run
    # measures the held-out half, which is measured once).
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="two letters, batch path only")
    parser.add_argument("--skip-cv", action="store_true", help="no development-half CV")
    parser.add_argument("--skip-held-out", action="store_true", help="no held-out measure")
    parser.add_argument("--seeds", type=int, default=1, help="CV fold seeds")
    return parser.parse_args()


def numbered(lines: list[str]) -> list[tuple[int, str]]:
    """The (line number, line) pairs `run_batch` reads, as `inputs.text_lines` gives them."""
    return list(enumerate(lines, start=1))


def main() -> int:
    args = _arguments()
    quick = args.quick
    if not LETTERS.is_dir():
        print(f"skip: {LETTERS} not found (the dev letters live in ../shared)")
        return 0
    from openimr.assist.batch import read_letters, run_batch
    from openimr.assist.evaluate import cross_validate, held_out, read_reason_labels
    from openimr.assist.evaluate_report import repeated_lines, summary_lines
    from openimr.assist.halves import split_letters
    from openimr.assist.propose import Assistant, case_input_from_letter

    errors: list[str] = []
    letters = [x for x in read_letters(LETTERS, errors) if x.get("items")]
    if quick:
        letters = letters[:2]
    lines = numbered([case_input_from_letter(x).model_dump_json() for x in letters])
    items = sum(len(x["items"]) for x in letters)
    assistant = Assistant.load()
    if not quick:
        list(run_batch(lines[:3], assistant))  # warm caches (knowledge base, regexes)
    # CPU time of this one process is the one-core figure; wall time is shown beside it
    # because on a shared machine other processes stretch it.
    start, cpu = time.perf_counter(), time.process_time()
    rounds = 1 if quick else 3
    for _ in range(rounds):
        out = list(run_batch(lines, assistant))
    elapsed, used = time.perf_counter() - start, time.process_time() - cpu
    failed = [o for o in out if "error" in o]
    assert not failed, f"assist batch refused its own input: {failed[:3]}"
    assert len(out) == items, f"{len(out)} output lines for {items} items"
    if quick:
        print(f"assist batch --quick: {items} items through the batch path (not a speed figure)")
    else:
        print(
            f"assist batch: {items * rounds} items in {used:.2f} s of CPU = "
            f"{items * rounds / used:.0f} items/s on one core (target >= 50); wall "
            f"{elapsed:.2f} s = {items * rounds / elapsed:.0f} items/s"
        )
    proposals = [o["proposal"] for o in out]
    print("proposals: " + json.dumps({p: proposals.count(p) for p in sorted(set(proposals))}))
    unknown = sum(o["category"] in (None, "unknown") for o in out)
    no_reason = sum(not o["reasons"] for o in out)
    print(f"items without a category: {unknown} of {items}; without reasons: {no_reason}")
    if quick:
        return 0
    labels = read_reason_labels(LABELS) if LABELS.is_file() else None
    development, held = split_letters(letters)
    print(f"halves: {len(development)} development letters, {len(held)} held out")
    if not args.skip_cv:
        start = time.perf_counter()
        result = cross_validate(development, folds=5, labels=labels)
        print("development half:")
        print("\n".join(summary_lines(result)))
        seeds = args.seeds
        if seeds > 1:
            print("\n".join(repeated_lines(development, 5, list(range(seeds)), labels)))
        print(f"cross-validation took {time.perf_counter() - start:.1f} s")
    if not args.skip_held_out:
        result = held_out(development, held, labels=labels)
        print("held-out half (trained on the development half only):")
        print("\n".join(summary_lines(result)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
