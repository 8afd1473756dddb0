"""Letters laid out unlike the dev letters: item lines after rationales, header variants,
decision words in other cases, and stability under re-wrapping, re-paging and re-spacing."""

from __future__ import annotations

from pathlib import Path

import pytest

from openimr.letters.parse import parse_letter_file, parse_letter_text
from tests.unit.letters.parse_perturbations import PERTURBATIONS, differences, fingerprint
from tests.unit.letters.parse_samples import (
    HEADER,
    HEADER_FIELDS,
    ITEM_PLAIN,
    header_fields,
    letter,
)

_PARAGRAPHS = (
    "Claims Administrator guideline: Decision based on MTUS Knee Complaints 2004.",
    "MAXIMUS guideline: Decision based on MTUS Knee Complaints 2004, Section(s): Summary.",
    "Decision rationale: Imaging is reserved for red flags. Neither was documented. Therefore,\n"
    "the request was not medically necessary.",
)


def _item_block(item_line: str, gap: str) -> str:
    """An item: its line, the two guideline lines and a rationale, `gap` between them."""
    return (gap + "\n").join([item_line, *_PARAGRAPHS]) + "\n" + gap


@pytest.mark.parametrize(
    "item_line",
    [
        "(purchase) visit spine knee bilateral: Upheld",
        "(purchase) visit spine knee\nbilateral: Upheld",
        "bilateral knee braces for home use: Overturned",
        "x-ray of the spine, 2 views, then\nrepeat in 6 weeks: Upheld",
    ],
)
@pytest.mark.parametrize("gap", ["\n", ""], ids=["blank-lines", "no-blank-lines"])
def test_an_item_line_after_a_rationale_opens_a_new_item_whatever_its_first_character(
    item_line: str, gap: str
) -> None:
    text = letter(_item_block("MRI of the right knee: Upheld", gap), _item_block(item_line, gap))
    items = parse_letter_text(text).items
    assert [i.description for i in items] == [
        "MRI of the right knee",
        " ".join(item_line.split()).rsplit(":", 1)[0],
    ]
    assert items[0].rationale is not None
    assert items[0].rationale.endswith("the request was not medically necessary.")


@pytest.mark.parametrize(
    ("written", "decision"),
    [("UPHELD", "upheld"), ("Overturned.", "overturned"), ("upheld", "upheld")],
)
def test_the_decision_word_is_read_in_any_case(written: str, decision: str) -> None:
    parsed = parse_letter_text(letter(ITEM_PLAIN.replace("Upheld", written)))
    assert [(i.description, i.decision) for i in parsed.items] == [
        ("MRI of the right shoulder without contrast", decision)
    ]


_HEADERS = {
    "labels-and-values-on-own-lines": """
Case Number:
CM16-0000101
Date Assigned:
11/09/2016
Date of Injury:
10/13/2016
Decision Date:
12/09/2016
UR Denial Date:
11/03/2016
Priority:
Expedited
Application Received:
11/04/2016
""",
    "label-wrapped-mid-phrase": """
Case Number: CM16-0000101 Date
Assigned: 11/09/2016 Date of Injury: 10/13/2016 Decision Date: 12/09/2016 UR Denial
Date: 11/03/2016 Priority: Expedited Application
Received: 11/04/2016
""",
    "labels-first-then-values": """
Case Number: CM16-0000101
Date Assigned: Date of Injury: 11/09/2016 10/13/2016
Decision Date: UR Denial Date: 12/09/2016 11/03/2016
Priority: Application Received: Expedited 11/04/2016
""",
    "value-on-the-next-line-after-a-split-label": """
Case Number: CM16-0000101
Date Assigned: 11/09/2016 Date of Injury: 10/13/2016
Decision Date: 12/09/2016 UR Denial Date: 11/03/2016
Priority: EXPEDITED Date Application
Received:
11/04/2016
""",
}


@pytest.mark.parametrize("header", _HEADERS.values(), ids=list(_HEADERS))
def test_header_fields_survive_other_wrapping_of_labels_and_values(header: str) -> None:
    body = HEADER[HEADER.index("HOW THE IMR") :]
    parsed = parse_letter_text(header + "\n" + body + ITEM_PLAIN)
    assert header_fields(parsed) == HEADER_FIELDS


# Letters chosen for their hard cases: 21 items, modified requests, a letter without blank
# lines, wrapped specialties.
_FEW = ("CM16-0237844", "CM16-0229336", "CM16-0245466", "CM17-0000846", "CM17-0014449")


@pytest.mark.parametrize("name", list(PERTURBATIONS))
def test_a_letter_parses_the_same_after_rewrapping_repaging_and_respacing(
    name: str, dwc_text_dir: Path
) -> None:
    for stem in _FEW:
        path = dwc_text_dir / f"{stem}.txt"
        if not path.exists():
            continue
        before = fingerprint(parse_letter_file(path))
        after = fingerprint(parse_letter_text(PERTURBATIONS[name](path.read_text("utf-8"))))
        assert differences(before, after) == [], stem


def test_an_item_line_wrapped_after_its_own_colon_stays_one_item_line() -> None:
    text = letter(
        "Retrospective Cyclobenzaprine 5mg tab #30 DOS:\n11/14/16: Upheld\n\n"
        + ITEM_PLAIN[ITEM_PLAIN.index("Claims") :]
    )
    assert [i.description for i in parse_letter_text(text).items] == [
        "Retrospective Cyclobenzaprine 5mg tab #30 DOS: 11/14/16"
    ]
