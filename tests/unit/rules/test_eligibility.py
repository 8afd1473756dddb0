"""Eligibility (8 CCR 9792.10.3): each ground found, each finding citing its rule."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from openimr.datafile import load_model
from openimr.domain.case import DisputedItem
from openimr.domain.errors import RuleDataError
from openimr.domain.vocabulary import DocumentKind, ServiceMethod
from openimr.rules.eligibility import (
    check_eligibility,
    dispute_key,
    load_eligibility_rules,
)
from openimr.rules.grounds import GroundsFile
from openimr.rules.loader import check_no_overlap
from tests.factories import make_case, make_document


def codes(case, existing=frozenset()) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.code for f in check_eligibility(case, existing)]


def test_a_complete_timely_medical_necessity_application_is_eligible() -> None:
    assert check_eligibility(make_case(), set()) == []


def test_mailed_ur_decision_gets_five_more_days_to_file() -> None:
    # Mailed 2015-05-15: due 2015-06-19 (35 days). Received on day 35: timely.
    assert codes(make_case(application_received_on=date(2015, 6, 19))) == []
    assert codes(make_case(application_received_on=date(2015, 6, 22))) == ["untimely"]


def test_electronically_served_ur_decision_allows_30_days_only() -> None:
    case = make_case(
        ur_decision_served_by=ServiceMethod.ELECTRONIC, application_received_on=date(2015, 6, 16)
    )
    findings = check_eligibility(case, set())
    assert [f.code for f in findings] == ["untimely"]
    assert "2015-06-15" in findings[0].reason
    assert "9792.10.1(b)(1)" in findings[0].citation


def test_unsigned_application_is_ineligible() -> None:
    findings = check_eligibility(make_case(application_signed=False), set())
    assert [f.code for f in findings] == ["unsigned"]
    assert "9792.10.1(b)(1)" in findings[0].citation


def test_application_without_the_ur_decision_is_ineligible() -> None:
    case = make_case(documents=[make_document(DocumentKind.APPLICATION)])
    findings = check_eligibility(case, set())
    assert [f.code for f in findings] == ["ur_decision_missing"]
    assert findings[0].citation == "8 CCR 9792.10.1(b)(1)"


def test_missing_ur_decision_was_not_a_ground_before_april_2014() -> None:
    case = make_case(
        date_of_injury=date(2013, 2, 1),
        ur_decision_date=date(2014, 2, 3),
        application_received_on=date(2014, 2, 20),
        documents=[],
    )
    assert codes(case) == []


def test_a_dispute_that_is_not_about_medical_necessity_is_ineligible() -> None:
    findings = check_eligibility(make_case(dispute_type="billing"), set())
    assert [f.code for f in findings] == ["not_medical_necessity"]
    assert "LC 4610.5(c)" in findings[0].citation


def test_conditional_non_certification_is_its_own_ground() -> None:
    assert codes(make_case(dispute_type="conditional_non_certification")) == [
        "conditional_non_certification"
    ]


def test_liability_dispute_defers_imr() -> None:
    findings = check_eligibility(make_case(dispute_type="liability_disputed"), set())
    assert [f.code for f in findings] == ["liability_disputed"]
    assert findings[0].citation == "8 CCR 9792.10.3(d)"


def test_injury_and_ur_decision_both_before_imr_began_are_out_of_scope() -> None:
    case = make_case(
        date_of_injury=date(2012, 6, 1),
        ur_decision_date=date(2013, 5, 1),
        application_received_on=date(2013, 5, 20),
    )
    findings = check_eligibility(case, set())
    assert [f.code for f in findings] == ["out_of_scope"]
    assert "LC 4610.5(a)" in findings[0].citation


def test_old_injury_with_ur_decision_after_july_2013_is_in_scope() -> None:
    # The seed case: injury 2011, UR decision 2015.
    assert codes(make_case(date_of_injury=date(2011, 4, 8))) == []


def test_a_second_application_for_the_same_dispute_is_a_duplicate_naming_the_first() -> None:
    first = make_case()
    second = make_case(case_number="CM15-0000002")
    findings = check_eligibility(second, {dispute_key(first): first.case_number})
    assert [f.code for f in findings] == ["duplicate"]
    assert first.case_number in findings[0].reason
    assert findings[0].citation == "8 CCR 9792.10.3(a)(2)"


def test_a_different_item_is_not_a_duplicate() -> None:
    first = make_case()
    other = make_case(items=[DisputedItem("1", "MRI of the lumbar spine")])
    assert codes(other, {dispute_key(first)}) == []


def test_dispute_key_ignores_case_and_punctuation_of_item_descriptions() -> None:
    a = make_case(items=[DisputedItem("1", "Hot/Cold unit, lumbar spine")])
    b = make_case(items=[DisputedItem("1", "hot cold unit lumbar  spine")])
    assert dispute_key(a) == dispute_key(b)


def test_every_finding_is_reported_with_its_citation() -> None:
    case = make_case(
        application_signed=False,
        dispute_type="billing",
        documents=[],
        application_received_on=date(2015, 8, 1),
    )
    findings = check_eligibility(case, set())
    assert [f.code for f in findings] == [
        "untimely",
        "unsigned",
        "ur_decision_missing",
        "not_medical_necessity",
    ]
    assert all(f.citation and f.reason for f in findings)


def test_shipped_eligibility_rules_cover_every_ground() -> None:
    rules = load_eligibility_rules()
    ids = {r.id for r in rules.grounds}
    assert ids == {
        "out_of_scope",
        "untimely",
        "unsigned",
        "ur_decision_missing",
        "not_medical_necessity",
        "conditional_non_certification",
        "liability_disputed",
        "duplicate",
    }


def test_an_unknown_condition_in_the_file_is_refused(tmp_path: Path) -> None:
    """A ground is data: a new id is a new ground, but a condition no primitive evaluates
    is refused on load, naming the ground and the field."""
    bad = tmp_path / "eligibility.yaml"
    bad.write_text(
        "jurisdiction: x\ngrounds:\n  - id: moon_phase\n    citation: c\n"
        "    effective_from: 2013-01-01\n    verified: false\n    reason: r\n"
        "    fails_when: {moon_phase: full}\n"
    )
    with pytest.raises(RuleDataError, match=r"grounds\[0\] \(id=moon_phase\)\.fails_when"):
        load_model(bad, GroundsFile)


def test_overlapping_versions_of_one_rule_are_refused() -> None:
    rules = list(load_eligibility_rules().grounds)
    twin = replace_rule(rules[0])
    with pytest.raises(RuleDataError, match="overlapping effective dates"):
        check_no_overlap([rules[0], twin], Path("eligibility.yaml"))


def replace_rule(rule):  # type: ignore[no-untyped-def]
    return rule.model_copy(update={"effective_from": date(2020, 1, 1)})


def test_findings_do_not_depend_on_the_case_object_identity() -> None:
    case = make_case()
    assert check_eligibility(replace(case), set()) == check_eligibility(case, set())
