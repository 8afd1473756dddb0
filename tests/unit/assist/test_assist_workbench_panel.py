"""What the workbench's assist panel shows: citations of the body area asked for, and
precedents of the same kind of treatment (issue #15)."""

from __future__ import annotations

import pytest

from openimr.assist.propose import Assistant
from openimr.assist.schema import CaseInput

CASE = {
    "id": "c1",
    "case_number": "CM26-0000001",
    "date_of_injury": "2014-01-01",
    "ur_denial_date": "2016-11-03",
    "priority": "standard",
    "clinical_case_summary": "Chronic neck pain radiating to the right arm since 2014. "
    "Norco 10/325 for pain, VAS 7/10.",
    "items": [
        {"id": "1", "description": "Physical therapy 2x6 cervical spine"},
        {"id": "2", "description": "Norco 10/325mg #90"},
    ],
}


@pytest.fixture(scope="module")
def proposals() -> dict[str, object]:
    helper = Assistant.load()
    return {p.item_id: p for p in helper.propose_case(CaseInput.model_validate(CASE))}


def test_neck_therapy_cites_no_low_back_guideline(proposals: dict[str, object]) -> None:
    cited = [c.guideline or "" for c in proposals["1"].citations]  # type: ignore[attr-defined]
    assert cited and not any("Low Back" in g for g in cited), cited


def test_opioid_precedents_are_opioid_decisions(proposals: dict[str, object]) -> None:
    shown = [p.description for p in proposals["2"].precedents]  # type: ignore[attr-defined]
    assert shown and all("norco" in d.lower() or "opioid" in d.lower() for d in shown), shown
