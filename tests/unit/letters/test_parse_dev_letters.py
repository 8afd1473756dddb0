"""The dev letters (../shared/data/dwc): hand-checked gold fields, and every letter parses.

The gold files (tests/unit/letters/gold/*.json) hold, for 15 letters chosen for their hard
cases (21 and 15 items, modified requests of both forms, a letter without blank lines, one
whose summary gives no age), the fields checked by reading each letter.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from openimr.letters.parse import parse_letter_file
from openimr.letters.parse_text import squash
from tests.unit.letters.parse_samples import HEADER_FIELDS, header_fields

GOLD = sorted((Path(__file__).parent / "gold").glob("*.json"))


@pytest.mark.parametrize("gold_path", GOLD, ids=[p.stem for p in GOLD])
def test_letter_matches_its_hand_checked_gold(gold_path: Path, dwc_text_dir: Path) -> None:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    parsed = parse_letter_file(dwc_text_dir / f"{gold['case_number']}.txt")
    assert header_fields(parsed) == {f: gold[f] for f in HEADER_FIELDS}
    assert parsed.reviewer.licensure == gold["licensure"]
    assert parsed.reviewer.specialties == gold["specialties"]
    assert (parsed.applicant.age, parsed.applicant.sex) == (gold["age"], gold["sex"])
    got = [
        {
            "description": i.description,
            "original_request": i.original_request,
            "authorized_portion": i.authorized_portion,
            "decision": i.decision,
        }
        for i in parsed.items
    ]
    assert got == gold["items"]


def test_every_dev_letter_parses_with_items_and_header(dwc_text_dir: Path) -> None:
    paths = sorted(dwc_text_dir.glob("*.txt"))
    # ../shared holds 118 dev letters; an empty or half-copied folder must fail, not pass.
    assert len(paths) >= 100, f"{dwc_text_dir}: only {len(paths)} letters"
    items = 0
    for path in paths:
        parsed = parse_letter_file(path)
        items += len(parsed.items)
        text = path.read_text(encoding="utf-8")
        # Each item has exactly one "Claims Administrator guideline:" line in this layout.
        assert len(parsed.items) == text.count("Claims Administrator guideline:"), path.name
        assert parsed.case_number == path.stem
        assert parsed.warnings == [], path.name
        for item in parsed.items:
            assert squash(item.description) in squash(text), (path.name, item.description)
            assert item.rationale and item.imr_guideline, (path.name, item.description)
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", parsed.decision_date or ""), path.name
    assert items >= len(paths)  # every letter decides at least one item


def test_pdf_and_text_of_every_dev_letter_parse_the_same(
    dwc_text_dir: Path, dwc_pdf_dir: Path
) -> None:
    texts = {p.stem: p for p in dwc_text_dir.glob("*.txt")}
    pdfs = {p.stem: p for p in dwc_pdf_dir.glob("*.pdf")}
    # Every letter comes as a pair, and a half-copied folder fails rather than passing on less.
    assert texts.keys() == pdfs.keys()
    assert len(texts) >= 100, f"{dwc_text_dir}: only {len(texts)} letters"
    differ = [
        stem
        for stem in sorted(texts)
        if parse_letter_file(pdfs[stem]).model_dump(exclude={"path"})
        != parse_letter_file(texts[stem]).model_dump(exclude={"path"})
    ]
    assert differ == []
