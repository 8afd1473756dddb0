"""California workers' comp eligibility as declarative grounds (issue #14): each ground of
rules/data/ca_dwc/eligibility.yaml fires on one side of its boundary and not on the other,
and no Python branch per ground id comes back."""

from __future__ import annotations

import io
import re
import tokenize
from datetime import date
from pathlib import Path

import pytest

from openimr.domain.case import Case
from openimr.domain.vocabulary import DocumentKind, ServiceMethod
from openimr.rules import eligibility as eligibility_module
from openimr.rules.eligibility import check_eligibility, dispute_key, load_eligibility_rules
from openimr.rules.grounds import Ground, GroundBook, evaluate
from tests.factories import make_case, make_document

SRC = Path(eligibility_module.__file__).resolve().parents[1]


def codes(case: Case, existing: dict[str, str] | None = None) -> list[str]:
    return [f.code for f in check_eligibility(case, existing or {})]


def test_out_of_scope_needs_both_the_injury_and_the_ur_decision_before_imr_began() -> None:
    # Injury 2012-12-31 and UR decision 2013-06-30: the last days before IMR.
    before = make_case(
        date_of_injury=date(2012, 12, 31),
        ur_decision_date=date(2013, 6, 30),
        application_received_on=date(2013, 7, 10),
    )
    (finding,) = check_eligibility(before, {})
    assert finding.code == "out_of_scope"
    assert "injury of 2012-12-31 is before 2013-01-01" in finding.reason
    assert "UR decision of 2013-06-30 was communicated before 2013-07-01" in finding.reason
    # One day later on either date and IMR applies.
    assert codes(make_case(date_of_injury=date(2013, 1, 1), ur_decision_date=date(2013, 6, 30),
                           application_received_on=date(2013, 7, 10))) == []  # fmt: skip
    assert codes(make_case(date_of_injury=date(2012, 12, 31), ur_decision_date=date(2013, 7, 1),
                           application_received_on=date(2013, 7, 10))) == []  # fmt: skip


def test_untimely_is_the_day_after_the_last_day_to_file() -> None:
    # UR decision served electronically on 2015-05-15: 30 days, the last day 2015-06-15 (Mon).
    on_time = make_case(
        ur_decision_served_by=ServiceMethod.ELECTRONIC, application_received_on=date(2015, 6, 15)
    )
    assert codes(on_time) == []
    late = make_case(
        ur_decision_served_by=ServiceMethod.ELECTRONIC, application_received_on=date(2015, 6, 16)
    )
    (finding,) = check_eligibility(late, {})
    assert finding.code == "untimely"
    assert finding.reason.startswith(
        "The application was received on 2015-06-16, after the last day to file, 2015-06-15 ("
    )


def test_unsigned_fires_only_without_a_signature() -> None:
    assert codes(make_case(application_signed=True)) == []
    (finding,) = check_eligibility(make_case(application_signed=False), {})
    assert finding.code == "unsigned" and finding.outcome == "ineligible"


def test_ur_decision_missing_counts_from_april_2014_only() -> None:
    without = {"documents": [make_document(DocumentKind.APPLICATION)]}
    common = {"date_of_injury": date(2013, 2, 1), "ur_decision_date": date(2014, 3, 3)}
    assert codes(make_case(application_received_on=date(2014, 3, 31), **without, **common)) == []
    assert codes(make_case(application_received_on=date(2014, 4, 1), **without, **common)) == [
        "ur_decision_missing"
    ]
    # With the UR decision on file the ground does not fire.
    assert codes(make_case(application_received_on=date(2014, 4, 1), **common)) == []


def test_not_medical_necessity_leaves_types_with_a_ground_of_their_own_to_that_ground() -> None:
    assert codes(make_case(dispute_type="medical_necessity")) == []
    (finding,) = check_eligibility(make_case(dispute_type="billing"), {})
    assert finding.code == "not_medical_necessity"
    assert "(billing)" in finding.reason
    assert codes(make_case(dispute_type="conditional_non_certification")) == [
        "conditional_non_certification"
    ]
    assert codes(make_case(dispute_type="liability_disputed")) == ["liability_disputed"]


def test_not_medical_necessity_takes_a_type_whose_own_ground_is_not_in_force() -> None:
    """`with_other_grounds` reads only the grounds in force: were the conditional
    non-certification ground gone, such a dispute would be 'not medical necessity'."""
    book = load_eligibility_rules()
    ended = [
        g.model_copy(update={"effective_to": date(2014, 12, 31)})
        if g.id == "conditional_non_certification"
        else g
        for g in book.grounds
    ]
    trimmed = GroundBook(book.jurisdiction, tuple(ended), book.source)
    case = make_case(dispute_type="conditional_non_certification")
    assert [f.code for f in check_eligibility(case, {}, trimmed)] == ["not_medical_necessity"]


def test_conditional_non_certification_fires_only_for_that_type() -> None:
    assert "conditional_non_certification" not in codes(make_case(dispute_type="billing"))
    (finding,) = check_eligibility(make_case(dispute_type="conditional_non_certification"), {})
    assert finding.citation == "8 CCR 9792.10.3(a)(4); 8 CCR 9792.9.1(f)"


def test_liability_dispute_defers_until_resolved_or_agreed() -> None:
    (finding,) = check_eligibility(make_case(dispute_type="liability_disputed"), {})
    assert (finding.code, finding.outcome) == ("liability_disputed", "deferred")
    assert "IMR is deferred until that dispute is resolved" in finding.reason
    resolved = make_case(dispute_type="liability_disputed", liability_resolved_on=date(2015, 7, 1))
    assert codes(resolved) == []
    agreed = make_case(dispute_type="liability_disputed", liability_agreed=True)
    assert codes(agreed) == []


def test_duplicate_names_the_standing_case_and_needs_the_same_dispute() -> None:
    first = make_case()
    second = make_case(case_number="CM15-0000002")
    (finding,) = check_eligibility(second, {dispute_key(first): first.case_number})
    assert finding.code == "duplicate" and finding.reason.endswith("(case CM15-0000001).")
    assert codes(second, {dispute_key(make_case(claim_number="CLM-2")): "CM15-0000009"}) == []
    (on_file,) = check_eligibility(second, {dispute_key(first)})  # type: ignore[arg-type]
    assert "(case on file)" in on_file.reason


def test_every_ca_dwc_ground_is_declarative_with_its_outcome() -> None:
    book = load_eligibility_rules("ca_dwc")
    outcomes = {g.id: g.outcome for g in book.grounds}
    assert outcomes["liability_disputed"] == "deferred"
    assert {o for g, o in outcomes.items() if g != "liability_disputed"} == {"ineligible"}
    assert all(isinstance(g, Ground) and g.fails_when is not None for g in book.grounds)


def test_a_ground_is_evaluated_by_data_alone() -> None:
    """A ground that is not in any file still evaluates: no code knows ground ids."""
    ground = Ground.model_validate(
        {
            "id": "invented_here",
            "citation": "none",
            "effective_from": "2013-01-01",
            "verified": False,
            "outcome": "deferred",
            "fails_when": {"fact_in": {"fact": "claim_number", "values": ["CLM-1"]}},
            "reason": "Claim {claim_number} waits.",
        }
    )
    from openimr.rules.eligibility import eligibility_view

    (finding,) = evaluate([ground], eligibility_view(make_case()))
    assert (finding.code, finding.reason, finding.outcome) == (
        "invented_here",
        "Claim CLM-1 waits.",
        "deferred",
    )


def _code_strings(path: Path) -> list[str]:
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text("utf-8")).readline)
    return [t.string for t in tokens if t.type == tokenize.STRING]


def _names_ground(path: Path, ground: str) -> bool:
    quoted = re.compile(rf"""^[rbuf]*['"]{{1,3}}{re.escape(ground)}['"]{{1,3}}$""")
    return any(quoted.match(s) for s in _code_strings(path))


def test_the_check_sees_a_branch_per_ground(tmp_path: Path) -> None:
    sample = tmp_path / "eligibility.py"
    sample.write_text('def f(rule):\n    if rule.id == "untimely":\n        return 1\n')
    assert _names_ground(sample, "untimely")
    assert not _names_ground(sample, "unsigned")


@pytest.mark.parametrize("ground", [g.id for g in load_eligibility_rules("ca_dwc").grounds])
def test_no_python_module_of_the_rules_names_a_ground(ground: str) -> None:
    """A branch per ground id (`if rule.id == "untimely"`) would name the id in a string of
    rules/eligibility.py or rules/grounds.py; the grounds live in eligibility.yaml only."""
    for module in ("eligibility.py", "grounds.py", "pack.py", "book.py"):
        assert not _names_ground(SRC / "rules" / module, ground), f"{module} names {ground}"
    source = (SRC / "rules" / "eligibility.py").read_text("utf-8")
    assert "RuleId" not in source and "def _failed" not in source
