"""Benchmark the draft case summary (assist.summary) on real reviewers' text.

    .venv/bin/python benchmarks/bench_assist_summary.py

We have no real case records, so each dev letter's CLINICAL CASE SUMMARY stands in for one
medical record. Measured: drafting speed; that every sentence's quote is found on its page
(traceability, must be 100%); and the injury date the draft states against the letter's own
"Date of Injury" header field, which lies outside the summary text the drafter reads. (Where
they differ, read the letter: the header field and the reviewer's own summary can disagree.)
The dev letters were looked at while writing the rules, so this is not a held-out figure.
Skips with a message when ../shared (the dev letters) is absent.
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("OPENIMR_SHARED", REPO.parent / "shared"))
LETTERS = SHARED / "data" / "dwc" / "text"
_SUMMARY = re.compile(r"CLINICAL CASE SUMMARY(.*?)IMR ISSUES", re.S)
_HEADER_INJURY = re.compile(r"Date of Injury:\s*(\d{1,2}/\d{1,2}/\d{4})")


def main() -> int:
    if not LETTERS.is_dir():
        print(f"skip: {LETTERS} not found (the dev letters live in ../shared)")
        return 0
    from openimr.assist.facts import parse_date
    from openimr.assist.records import record_from_bytes
    from openimr.assist.summary import draft_case_summary, long_date

    letters = sorted(LETTERS.glob("*.txt"))
    sentences = untraceable = stated = right = with_field = 0
    elapsed = 0.0
    for path in letters:
        text = path.read_text(encoding="utf-8", errors="replace")
        summary = _SUMMARY.search(text)
        if not summary:
            continue
        record = record_from_bytes(
            "D1", summary.group(1).encode(), filename=path.name, kind="medical_record"
        )
        start = time.perf_counter()
        draft = draft_case_summary([record])
        elapsed += time.perf_counter() - start
        for sentence in draft.sentences():
            sentences += 1
            for source in sentence.sources:
                if source.page and source.quote not in record.pages[source.page - 1]:
                    untraceable += 1
        field = _HEADER_INJURY.search(text)
        injury = parse_date(field.group(1)) if field else None
        if injury is None:
            continue
        with_field += 1
        header = draft.paragraphs[0][0].text
        if "industrial injury of" in header:
            stated += 1
            right += long_date(injury) in header
    print(
        f"letters: {len(letters)}; draft sentences: {sentences}; untraceable quotes: {untraceable}"
    )
    print(f"drafting: {elapsed / max(len(letters), 1) * 1000:.1f} ms per record (one core)")
    print(
        f"injury date stated in {stated}/{with_field} drafts; matches the letter's header "
        f"field in {right}/{stated} ({right / max(stated, 1):.1%})"
    )
    return 0 if untraceable == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
