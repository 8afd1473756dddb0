"""Benchmark the case-summary drafter as a reviewer would, on fictional case files.

    .venv/bin/python benchmarks/bench_summary.py            # dev and held-out cases
    .venv/bin/python benchmarks/bench_summary.py --split dev --show shoulder

Each case under tests/data/summary_cases/<split>/ is a folder of records written by hand
(spine, shoulder, knee, pain management with opioids, psychiatry, hand surgery with post-op
therapy; the held-out cases were written after the drafter was tuned on the dev ones and
measured once) and the facts a reviewer needs from it with the false statements to avoid
(`facts.yaml`, written before tuning). The records are turned into PDFs (a "*.scan.txt"
record into an image-only PDF, as a scanner makes it) and read the way `openimr assist
summarize` reads a folder, with OCR when Tesseract is installed.

Reported per case and overall: fact recall, false statements, sentences whose quotes do not
support them (every number, date and content word of a sentence must be in its quotes),
fragments (a form header or title drafted as a sentence, or a sentence that starts with
punctuation: each a defect), and seconds per case file (reading the PDFs and drafting; one
process, one core).
Goals: recall >= 90%, 0 false statements, every quote supporting its sentence, < 2 s a file.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

os.environ.setdefault("OMP_NUM_THREADS", "1")


def _cpu() -> float:
    """CPU seconds used so far by this process and its finished children (pdftoppm,
    tesseract): the time on one core, whatever else the machine is doing."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["dev", "heldout", "all"], default="all")
    parser.add_argument("--show", help="print the draft and the misses of this case")
    parser.add_argument("--no-ocr", action="store_true", help="do not OCR scanned pages")
    args = parser.parse_args()

    from tests.summary_cases import build_pdfs, case_dirs, load_facts, score

    from openimr.assist.records import records_from_folder
    from openimr.assist.summary import draft_case_summary
    from openimr.ocr import page_reader

    reader = None if args.no_ocr else page_reader()
    print(f"OCR: {'tesseract' if reader else 'not available'}")
    splits = ["dev", "heldout"] if args.split == "all" else [args.split]
    failed = False
    with tempfile.TemporaryDirectory(prefix="bench-summary-") as tmp:
        for split in splits:
            cases = case_dirs(split) if (REPO / "tests/data/summary_cases" / split).is_dir() else []
            if not cases:
                print(f"{split}: no cases")
                continue
            totals = {
                "facts": 0,
                "found": 0,
                "false": 0,
                "sentences": 0,
                "unsupported": 0,
                "fragments": 0,
            }
            seconds: list[float] = []
            walls: list[float] = []
            print(f"\n{split}: {len(cases)} case files")
            print(
                f"  {'case':<14} {'recall':>9} {'false':>6} {'unsupported':>12} "
                f"{'fragments':>10} {'CPU s':>8}"
            )
            for case in cases:
                folder = build_pdfs(case, Path(tmp) / split / case.name)
                started, cpu = time.perf_counter(), _cpu()
                errors: list[str] = []
                records = records_from_folder(folder, errors, ocr=reader)
                draft = draft_case_summary(records)
                elapsed, wall = _cpu() - cpu, time.perf_counter() - started
                result = score(draft, records, load_facts(case))
                seconds.append(elapsed)
                walls.append(wall)
                for key in totals:
                    value = getattr(result, key)
                    totals[key] += len(value) if isinstance(value, list) else value
                print(
                    f"  {case.name:<14} {result.found:>3}/{result.facts:<3} "
                    f"{len(result.false):>6} {len(result.unsupported):>5}/{result.sentences:<6}"
                    f" {len(result.fragments):>10} {elapsed:>8.2f}"
                )
                if args.show == case.name:
                    print(draft.text())
                    print("missed:", ", ".join(result.missed) or "none")
                    for line in result.false:
                        print("FALSE:", line)
                    for line in result.unsupported:
                        print("UNSUPPORTED:", line)
                    for line in result.fragments:
                        print("FRAGMENT:", line)
                    for line in errors:
                        print("error:", line)
            recall = totals["found"] / max(totals["facts"], 1)
            print(
                f"  {split} overall: recall {totals['found']}/{totals['facts']} ({recall:.1%}); "
                f"false statements {totals['false']}; sentences not supported by their quotes "
                f"{totals['unsupported']}/{totals['sentences']}; fragments (a header or title "
                f"drafted as a sentence, or a sentence starting with punctuation) "
                f"{totals['fragments']}"
            )
            print(
                f"  CPU seconds per case file (this process and its OCR children, one core): "
                f"mean {sum(seconds) / len(seconds):.2f}, max {max(seconds):.2f}; wall: mean "
                f"{sum(walls) / len(walls):.2f}, max {max(walls):.2f}"
            )
            failed = failed or recall < 0.9 or totals["false"] > 0 or totals["unsupported"] > 0
            failed = failed or totals["fragments"] > 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
