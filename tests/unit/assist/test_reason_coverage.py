"""The per-category report of the reasons reviewers apply beside those the knowledge base
can give (issue #11)."""

from __future__ import annotations

from typing import Any

from openimr.assist.reason_coverage import (
    CRITERIA,
    GUIDELINE,
    QUANTITY,
    coverage,
    coverage_lines,
    criterion_codes,
    kb_codes,
    request_codes,
)
from openimr.evidence.kb import load_kb
from openimr.evidence.schema import Criterion


def test_a_criteria_tree_fails_as_its_facts_codes_unless_a_node_names_its_own() -> None:
    facts = {"red_flags": "indication_not_documented", "prior_therapy": "other"}
    tree = Criterion.model_validate(
        {
            "label": "either",
            "any": [
                {"label": "red flags", "fact": "red_flags"},
                {
                    "label": "failed therapy",
                    "reason": "conservative_care_not_exhausted",
                    "all": [{"label": "prior therapy", "fact": "prior_therapy"}],
                },
            ],
        }
    )
    assert criterion_codes(tree, facts) == {
        "indication_not_documented",
        "conservative_care_not_exhausted",
    }


def test_the_shipped_kb_gives_its_criteria_guideline_and_quantity_codes() -> None:
    kb = load_kb()
    mri = kb_codes("imaging/mri", kb)
    assert mri.get("indication_not_documented") == CRITERIA
    physical = kb_codes("therapy/physical", kb)
    assert physical.get("quantity_exceeds") == QUANTITY  # the LC 4604.5(c)(1) visit cap
    against = {r.category for r in kb.recommendations if r.direction == "against"}
    assert against and all(kb_codes(c, kb).get("not_recommended") == GUIDELINE for c in against)
    assert kb_codes("no/such-category", kb) == {}


def test_request_checks_give_their_codes_by_kind_of_service() -> None:
    assert "request_unclear" in request_codes("therapy/physical")
    assert "request_unclear" not in request_codes("imaging/mri")
    assert "dependent_on_denied" in request_codes("diagnostic/laboratory")
    assert request_codes("unknown") == set()


def _record(description: str, decision: str, primary: str, *secondary: str) -> dict[str, Any]:
    return {
        "case_number": "CM16-0000001",
        "item": 1,
        "description": description,
        "decision": decision,
        "primary": {"code": primary, "phrase": "..."},
        "secondary": [{"code": c, "phrase": "..."} for c in secondary],
    }


def test_coverage_counts_upheld_primaries_the_kb_can_and_cannot_give() -> None:
    rows = coverage(
        [
            _record("MRI of the lumbar spine", "upheld", "indication_not_documented"),
            _record("MRI of the knee", "upheld", "indication_not_documented", "other"),
            _record("MRI of the knee", "overturned", "criteria_met"),
            _record("Physical therapy 2x6 lumbar spine", "upheld", "request_unclear"),
            _record("Physical therapy 2x6 lumbar spine", "upheld", "monitoring_not_documented"),
        ]
    )
    mri, therapy = rows["imaging/mri"], rows["therapy/physical"]
    assert (mri.items, mri.upheld, mri.covered) == (3, 2, 2)
    assert mri.applied["other"] == 1 and "criteria_met" not in mri.primary
    assert therapy.covered == 0 and therapy.covered_with_checks == 1
    assert therapy.unreachable == {"monitoring_not_documented": 1}
    lines = coverage_lines(rows, min_upheld=1)
    assert "for the category: 2 of 4 (50.0%); with the assist's request checks: 3 of 4" in lines[1]
    assert lines[2].endswith("monitoring_not_documented 1")
    shown = next(line for line in lines if "therapy/physical" in line)
    assert "request_unclear 1 [check]" in shown and "monitoring_not_documented 1 [none]" in shown
