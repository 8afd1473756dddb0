"""What the workbench's assist panel shows: citations of the body area asked for, and
precedents of the same kind of treatment (issue #15); an `undecided` proposal shown as
undecided, with nothing to accept (issue #11)."""

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


def _panel(proposal: object) -> str:
    from openimr.web.render import make_templates

    template = make_templates().env.get_template("partials/assist_panel.html")
    return template.render(p=proposal, key="1")


def test_the_panel_shows_an_undecided_proposal_as_undecided(proposals: dict[str, object]) -> None:
    undecided = proposals["1"].model_copy(update={"proposal": "undecided"})  # type: ignore[attr-defined]
    html = _panel(undecided)
    assert "Proposal: <strong>No proposal</strong>" in html
    assert "Undecided: no proposal is precise enough" in html
    assert "Accept proposal" not in html and "data-pick" not in html


def test_the_panel_offers_a_decided_proposal_and_never_calls_it_undecided(
    proposals: dict[str, object],
) -> None:
    upheld = proposals["1"].model_copy(update={"proposal": "uphold"})  # type: ignore[attr-defined]
    html = _panel(upheld)
    assert 'data-pick="upheld"' in html and "Accept proposal" in html
    assert "Undecided" not in html
