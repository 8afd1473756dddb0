"""Each pack's licence rule for its reviewer (rules/data/<pack>/assignment.yaml), as data.

A case of every jurisdiction gets a reviewer only with the licence its pack asks for (each
asks for a valid licence in any U.S. state), and the reason names that pack's rule.
"""

from __future__ import annotations

from datetime import date

import pytest

from openimr.panel.assignment import assign
from openimr.panel.case_input import parse_cases
from openimr.panel.registry import parse_registry
from openimr.panel.screening import Screener
from openimr.rules.assignment_policy import assignment_policy, known_jurisdictions
from tests.unit.panel.factories import case_doc, reviewer_doc

PACKS = ["ca_dwc", "ca_dmhc", "us_federal", "hi_external"]


def test_every_pack_says_where_its_reviewer_is_licensed() -> None:
    assert known_jurisdictions() == sorted(PACKS)
    for pack in PACKS:
        rule = assignment_policy(pack).licence_on(date(2026, 12, 1))
        assert rule.citation and rule.required_states is None  # any U.S. state
        assert rule.verified is bool(rule.sources)


@pytest.mark.parametrize("pack", PACKS)
def test_a_case_of_each_pack_gets_a_reviewer_only_with_the_licence_it_asks_for(pack: str) -> None:
    lapsed = reviewer_doc("LAPSED", licenses=[{"state": "CA", "expires": "2025-01-01"}])
    texan = reviewer_doc("TX", licenses=[{"state": "TX", "expires": "2028-01-01"}])
    cases = {"as_of": "2026-12-01", "cases": [case_doc("C1", parties=[], jurisdiction=pack)]}
    rule = assignment_policy(pack).licence_on(date(2026, 12, 1))

    reg = parse_registry({"reviewers": [lapsed, texan]})
    as_of, profiles = parse_cases(cases)
    (only,) = list(assign(Screener(reg.reviewers, as_of), profiles))
    assert only.reviewer_id == "TX"
    assert any(
        r.startswith("licensed in TX: rule case_licence") and rule.citation in r
        for r in only.reasons
    ), only.reasons

    reg = parse_registry({"reviewers": [lapsed]})
    as_of, profiles = parse_cases(cases)
    (waiting,) = list(assign(Screener(reg.reviewers, as_of), profiles))
    assert waiting.reviewer_id is None


def test_a_pack_without_an_internal_deadline_takes_no_case_off_a_reviewer() -> None:
    assert assignment_policy("ca_dwc").turnaround_on(date(2026, 12, 1)) is not None
    for pack in ("ca_dmhc", "us_federal", "hi_external"):
        assert assignment_policy(pack).turnaround_on(date(2026, 12, 1)) is None
