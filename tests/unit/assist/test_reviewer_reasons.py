"""The reviewers' reasons: the rationale labeller and the hand-labelled gold file."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from openimr.assist.reviewer_reasons import label_rationale
from openimr.datafile import read_yaml
from openimr.evidence.schema import REASON_CODES
from tests.conftest import REPO, shared_path

GOLD = Path(__file__).parent / "data" / "reasons_gold_dev.yaml"


def _gold() -> list[dict]:
    data = read_yaml(GOLD)
    assert isinstance(data, dict)
    return list(data["items"])


def test_gold_file_has_at_least_120_development_items_with_valid_codes() -> None:
    from openimr.assist.halves import half_of

    items = _gold()
    assert len(items) >= 120
    assert all(half_of(i["case_number"]) == "development" for i in items)
    for item in items:
        assert item["primary"] in REASON_CODES
        assert set(item["secondary"]) <= set(REASON_CODES)
        assert (item["primary"] == "criteria_met") == (item["decision"] == "overturned")


def test_gold_agrees_with_the_two_annotators_as_its_header_says() -> None:
    reference = {}
    for line in shared_path("data", "dwc", "reasons.jsonl").read_text().splitlines():
        row = json.loads(line)
        reference[(row["case_number"], int(row["item"]))] = row
    items = _gold()
    agree = [i["primary"] in reference[(i["case_number"], i["item"])]["primary"] for i in items]
    upheld = [a for a, i in zip(agree, items, strict=True) if i["decision"] == "upheld"]
    assert (sum(agree), len(agree)) == (162, 167)
    assert (sum(upheld), len(upheld)) == (152, 157)


def test_the_labeller_reads_the_development_rationales_as_the_gold_file() -> None:
    from openimr.assist.batch import read_letters

    letters = {
        x["case_number"]: x
        for x in read_letters(shared_path("data", "dwc", "text"), [])
        if x.get("case_number")
    }
    right = Counter()
    for item in _gold():
        letter_item = letters[item["case_number"]]["items"][item["item"] - 1]
        got = label_rationale(
            letter_item["rationale"], letter_item["decision"], letter_item["description"]
        )
        right[got.primary == item["primary"]] += 1
    # 151 of 167 (0.904) when the labeller was last changed; a drop means a regression
    assert right[True] / sum(right.values()) >= 0.88


def test_an_overturned_item_leads_with_criteria_met() -> None:
    got = label_rationale(
        "The records show the criteria are met. It is medically necessary.", "overturned"
    )
    assert got.primary == "criteria_met" and "medically necessary" in got.phrase


def test_a_dependent_service_is_read_as_dependent() -> None:
    got = label_rationale(
        "As the requested surgical intervention is not medically necessary, the associated "
        "service is not medically necessary.",
        "upheld",
    )
    assert got.primary == "dependent_on_denied"


def test_a_case_sentence_outweighs_a_guideline_quotation() -> None:
    rationale = (
        "The MTUS states that muscle relaxants are not recommended for longer than 2 to 3 weeks. "
        "In this case there is no documentation of objective functional improvement with "
        "the prior use of the medication. The request is not medically necessary."
    )
    got = label_rationale(rationale, "upheld")
    assert got.primary == "no_functional_improvement"
    assert "functional improvement" in got.phrase


@pytest.mark.parametrize(
    ("sentence", "code"),
    [
        (
            "There was no documentation of a recent urine drug screen or CURES report.",
            "monitoring_not_documented",
        ),
        ("The request for 12 sessions exceeds the guideline recommendation.", "quantity_exceeds"),
        (
            "The patient had a prior MRI of the lumbar spine and nothing has changed.",
            "repeat_without_change",
        ),
        (
            "There is no documentation that the patient trialed and failed conservative care.",
            "conservative_care_not_exhausted",
        ),
        ("The ODG notes this procedure is under study; it is not recommended.", "not_recommended"),
    ],
)
def test_each_code_has_its_phrases(sentence: str, code: str) -> None:
    assert (
        label_rationale(sentence + " The request is not medically necessary.", "upheld").primary
        == code
    )


def test_the_gold_header_names_the_test_that_recomputes_its_figures() -> None:
    header = GOLD.read_text(encoding="utf-8").split("\nitems:", 1)[0]
    cited = re.findall(r"`(tests/[\w/]+\.py)(?:::(\w+))?`", header)
    assert cited, "the header names the test that recomputes its agreement figures"
    for path, name in cited:
        source = REPO / path
        assert source.is_file(), f"the gold header cites {path}, which does not exist"
        if name:
            assert f"def {name}(" in source.read_text(encoding="utf-8"), f"{path}::{name}"
