"""The class-and-flow solver: exact against brute force, refinement, streaming output."""

from __future__ import annotations

import io
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from openimr.panel.assignment import assign
from openimr.panel.case_input import parse_cases
from openimr.panel.plan import BatchPlan
from openimr.panel.registry import parse_registry
from openimr.panel.screening import Screener
from openimr.panel.synthetic import generate
from tests.unit.panel.checker import check
from tests.unit.panel.exact import exact, objective
from tests.unit.panel.factories import case_doc, reviewer_doc


def solved(revs, cases):
    reg = parse_registry(revs)
    as_of, profiles = parse_cases(cases)
    screener = Screener(reg.reviewers, as_of, relations=reg.relations)
    return assign(screener, profiles)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 100_000),
    n_cases=st.integers(1, 45),
    n_reviewers=st.integers(1, 12),
    explicit=st.booleans(),
    conflict_rate=st.sampled_from([0.0, 0.3, 0.8]),
)
def test_the_cost_equals_the_brute_force_optimum(
    seed, n_cases, n_reviewers, explicit, conflict_rate
):
    revs, cases = generate(
        n_cases,
        n_reviewers,
        seed=seed,
        explicit_specialties=explicit,
        capacity=(0, 4),
        conflict_rate=conflict_rate,
    )
    result = solved(revs, cases)
    plan = result.plan
    ours = objective(plan, result.chosen)
    best = objective(plan, exact(plan))
    assert ours[0] == best[0]  # as many cases placed
    assert ours[2] == best[2]  # and the same cost to the unit: optimal
    assert check(revs, cases, result.to_dict()) == []


def test_a_class_the_relaxation_overfills_is_refined_until_exact():
    # Two interchangeable reviewers, one case each; both cases are conflicted with R1. The
    # class relaxation sees room for two; matching inside the class finds room for one, so
    # the solver refines and the more urgent case keeps the reviewer.
    revs = {
        "reviewers": [
            reviewer_doc("R1", capacity=1, affiliations=["org:acme-insurance"]),
            reviewer_doc("R2", capacity=1),
        ]
    }
    cases = {
        "as_of": "2026-12-01",
        "cases": [
            case_doc("LATE", due="2026-12-30"),
            case_doc("SOON", due="2026-12-03"),
        ],
    }
    result = solved(revs, cases)
    out = {a.case_id: a.reviewer_id for a in result}
    assert out == {"LATE": None, "SOON": "R2"}
    assert result.stats["rounds"] == 2 and result.stats["refined_pairs"] >= 1


def test_equal_reviewers_share_the_batch_and_prior_load_counts():
    revs = {
        "reviewers": [
            reviewer_doc("R1", capacity=10, open_cases=4),
            reviewer_doc("R2", capacity=10),
        ]
    }
    cases = {"as_of": "2026-12-01", "cases": [case_doc(f"C{i}", parties=[]) for i in range(6)]}
    loads = solved(revs, cases).load
    assert loads == {"R1": 1, "R2": 5}  # 5/10 each after the batch


def test_cases_of_one_need_are_grouped_and_reviewers_classed():
    revs, cases = generate(400, 60, seed=5, conflict_rate=0.0)
    reg = parse_registry(revs)
    as_of, profiles = parse_cases(cases)
    plan = BatchPlan(Screener(reg.reviewers, as_of, relations=reg.relations), profiles)
    assert len(plan.classes) < 30 < len(plan.ids)
    assert len(plan.groups) < len(profiles)
    assert sum(g.size for g in plan.groups) == len(profiles)


def test_the_streamed_document_is_the_same_json_as_the_dict():
    revs, cases = generate(50, 10, seed=2)
    result = solved(revs, cases)
    buffer = io.StringIO()
    result.write_json(buffer, extra={"warnings": ["w"]})
    doc = json.loads(buffer.getvalue())
    assert doc["assignments"] == result.to_dict()["assignments"]
    assert doc["summary"] == result.summary() and doc["warnings"] == ["w"]


def _state_policy(tmp_path, states):
    from openimr.rules.assignment_policy import load_assignment_policy

    text = (
        "jurisdiction: test_state\n"
        "case_licence:\n"
        f"  - {{id: case_licence, effective_from: 2013-01-01, scope: states, states: {states},\n"
        "     citation: 'Test Code 1.1: a reviewer licensed in this state', verified: false}\n"
        "reviewer_turnaround:\n"
        "  - {id: reviewer_turnaround, effective_from: 2013-01-01, standard_days: 20,\n"
        "     expedited_days: 2, citation: 'policy', verified: false}\n"
    )
    path = tmp_path / "assignment.yaml"
    path.write_text(text)
    return {"test_state": load_assignment_policy(path)}


def test_a_jurisdiction_that_asks_for_its_own_licence_gets_it(tmp_path):
    revs = {
        "reviewers": [
            reviewer_doc("CA-ONLY", capacity=3),
            reviewer_doc(
                "NY",
                capacity=3,
                licenses=[{"state": "NY", "expires": "2028-01-01"}],
            ),
        ]
    }
    cases = {
        "as_of": "2026-12-01",
        "cases": [
            case_doc("C-NY", parties=[], jurisdiction="test_state"),
            case_doc("C-NY2", parties=[], jurisdiction="test_state"),
            case_doc("C-CA", parties=[]),
        ],
    }
    policies = _state_policy(tmp_path, "[NY]")
    reg = parse_registry(revs)
    as_of, profiles = parse_cases(cases, policies=policies)
    result = assign(Screener(reg.reviewers, as_of), profiles)
    out = {a.case_id: a for a in result}
    assert out["C-NY"].reviewer_id == "NY" and out["C-NY2"].reviewer_id == "NY"
    assert any(
        "licensed in NY as required: rule case_licence (Test Code 1.1" in r
        for r in out["C-NY"].reasons
    )
    assert any("rule case_licence (LC 139.5" in r for r in out["C-CA"].reasons)
    assert check(revs, cases, result.to_dict(), {"test_state": {"NY"}}) == []
    # With no NY reviewer, the case waits and says which rule keeps it waiting.
    as_of, profiles = parse_cases(cases, policies=_state_policy(tmp_path, "[TX]"))
    result = assign(Screener(reg.reviewers, as_of), profiles)
    waiting = next(a for a in result if a.case_id == "C-NY")
    assert waiting.reviewer_id is None
    assert "hold no licence the case's jurisdiction requires" in waiting.reasons[0]
    assert "Test Code 1.1" in waiting.reasons[0]


def test_the_checker_catches_a_reviewer_licensed_in_the_wrong_state():
    revs = {"reviewers": [reviewer_doc("R1")]}
    cases = {"as_of": "2026-12-01", "cases": [case_doc("C1", parties=[], jurisdiction="x")]}
    out = {
        "assignments": [
            {
                "case_id": "C1",
                "reviewer_id": "R1",
                "specialty": "Occupational Medicine",
                "fit": 1.0,
                "reasons": ["r"],
            }
        ],
        "summary": {"cases": 1, "assigned": 1},
    }
    problems = check(revs, cases, out, {"x": {"NY"}})
    assert any("not licensed where x requires" in p for p in problems)


def test_an_unknown_jurisdiction_is_refused_naming_the_record():
    import pytest

    from openimr.domain.errors import InvalidInput

    cases = {"as_of": "2026-12-01", "cases": [case_doc("C1"), case_doc("C2", jurisdiction="mars")]}
    with pytest.raises(InvalidInput) as err:
        parse_cases(cases)
    assert "cases[1] (id 'C2').jurisdiction" in err.value.message
    assert "unknown jurisdiction 'mars'" in err.value.message and "ca_dwc" in err.value.message
