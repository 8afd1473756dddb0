"""Qualification (LC 139.5 minimums as policy data) and conflicts (LC 139.5 list) per case."""

from __future__ import annotations

from datetime import date

import pytest

from openimr.domain.reviewer import BoardCertification, License
from openimr.domain.vocabulary import PartyRole
from openimr.panel import Relation, RelationGraph, screen_reviewers
from openimr.panel.model import Unavailability
from tests.unit.panel.factories import AS_OF, case, reviewer


def excluded(screening, rid: str) -> tuple[tuple[str, ...], str]:
    for e in screening.excluded:
        if e.reviewer_id == rid:
            return e.rules, " | ".join(e.reasons)
    raise AssertionError(f"{rid} is not excluded: {screening.candidates}")


def test_a_qualified_conflict_free_matching_reviewer_is_a_candidate_with_reasons():
    s = screen_reviewers(case(), [reviewer("R1")], AS_OF)
    assert [c.reviewer_id for c in s.candidates] == ["R1"]
    best = s.best()
    assert best.specialty == "Occupational Medicine" and best.fit == 1.0
    assert any("2083X0100X" in r for r in best.reasons)
    assert any("qualified" in r for r in best.reasons)


@pytest.mark.parametrize(
    ("overrides", "rule", "words"),
    [
        (
            {"years_active_practice": 5},
            "min_years_active_practice",
            "5 years of active practice, needs > 5",
        ),
        (
            {"hours_per_week": 23.5},
            "min_hours_per_week",
            "23.5 hours a week in active practice, needs ≥ 24",
        ),
        (
            {"licenses": [License("CA", date(2026, 6, 30))]},
            "valid_licence",
            "CA expired 2026-06-30",
        ),
        ({"licenses": []}, "valid_licence", "none on file"),
        ({"board_certifications": []}, "board_certification", "MD without a current board"),
        (
            {
                "board_certifications": [
                    BoardCertification("Occupational Medicine", date(2025, 1, 1))
                ]
            },
            "board_certification",
            "Occupational Medicine expired 2025-01-01",
        ),
        (
            {"profession": "PT", "specialties": ["Physical Therapy"]},
            "physician_professions",
            "LC 3209.3",
        ),
        ({"disciplinary_actions": ["probation 2025"]}, "no_disciplinary_history", "probation 2025"),
        (
            {"credentials_verified_on": date(2023, 11, 30)},
            "credential_reverification",
            "due 2026-11-30",
        ),
        (
            {"unavailable": [Unavailability(date(2026, 11, 25), date(2026, 12, 5))]},
            "availability",
            "unavailable",
        ),
        ({"active": False}, "active", "inactive"),
    ],
)
def test_each_qualification_rule_excludes_with_its_rule_and_citation(overrides, rule, words):
    s = screen_reviewers(case(), [reviewer("R1", **overrides)], AS_OF)
    rules, reasons = excluded(s, "R1")
    assert rule in rules
    assert words in reasons
    assert "reviewer_policy.yaml" in reasons or rule == "active"


def test_boundaries_pass_exactly_at_the_contract_minimums():
    ok = reviewer(
        "R1",
        years_active_practice=5.1,
        hours_per_week=24,
        licenses=[License("CA", AS_OF)],
        credentials_verified_on=date(2023, 12, 1),
    )
    assert screen_reviewers(case(), [ok], AS_OF).best().reviewer_id == "R1"


def test_board_certification_is_not_required_of_a_chiropractor_or_psychologist():
    dc = reviewer("DC1", profession="DC", specialties=["Chiropractic"], board_certifications=[])
    s = screen_reviewers(case(items=("Chiropractic 8 visits lumbar",)), [dc], AS_OF)
    assert s.best().reviewer_id == "DC1" and s.best().level == "similar"


@pytest.mark.parametrize(
    ("role", "category"),
    [
        (PartyRole.EMPLOYER, "item 1"),
        (PartyRole.CLAIMS_ADMINISTRATOR, "item 1"),
        (PartyRole.UR_ORGANIZATION, "item 1"),
        (PartyRole.REQUESTING_PHYSICIAN, "item 3"),
        (PartyRole.PROVIDER, "item 3"),
        (PartyRole.UR_PHYSICIAN, "item 3"),
        (PartyRole.INJURED_WORKER, "item 6"),
        (PartyRole.REPRESENTATIVE, "item 6"),
    ],
)
def test_a_direct_affiliation_with_any_party_excludes_naming_the_category(role, category):
    c = case(parties=((role, "org:the-party"),))
    s = screen_reviewers(c, [reviewer("R1", affiliations=["org:the-party"])], AS_OF)
    rules, reasons = excluded(s, "R1")
    assert rules == ("conflict",)
    assert f"LC 139.5 conflict list {category}" in reasons
    assert "reviewer:R1 affiliated_with org:the-party" in reasons


def test_a_conflict_through_a_group_owned_by_the_insurer_shows_the_whole_path():
    graph = RelationGraph(
        [
            Relation("person:dr-r1", "works_for", "org:valley-ortho"),
            Relation("org:valley-ortho", "owned_by", "org:acme-insurance"),
        ]
    )
    r1 = reviewer("R1", affiliations=["person:dr-r1"])
    s = screen_reviewers(case(), [r1], AS_OF, relations=graph)
    _, reasons = excluded(s, "R1")
    assert (
        "reviewer:R1 affiliated_with person:dr-r1; person:dr-r1 works_for org:valley-ortho; "
        "org:valley-ortho owned_by org:acme-insurance"
    ) in reasons
    assert "the claims administrator org:acme-insurance" in reasons


def test_a_path_longer_than_the_policy_reach_is_not_a_conflict():
    graph = RelationGraph(
        [
            Relation("org:a", "owned_by", "org:b"),
            Relation("org:b", "owned_by", "org:c"),
            Relation("org:c", "owned_by", "org:acme-insurance"),
        ]
    )
    s = screen_reviewers(case(), [reviewer("R1", affiliations=["org:a"])], AS_OF, relations=graph)
    assert s.best().reviewer_id == "R1"  # 4 relations away; the policy reaches 3


def test_relations_of_kinds_outside_the_policy_are_not_followed():
    graph = RelationGraph([Relation("org:a", "same_city_as", "org:acme-insurance")])
    s = screen_reviewers(case(), [reviewer("R1", affiliations=["org:a"])], AS_OF, relations=graph)
    assert s.best().reviewer_id == "R1"


def test_an_officer_of_the_claims_administrator_is_category_2():
    graph = RelationGraph([Relation("person:cfo", "officer_of", "org:acme-insurance")])
    s = screen_reviewers(
        case(), [reviewer("R1", affiliations=["person:cfo"])], AS_OF, relations=graph
    )
    assert "LC 139.5 conflict list item 2" in excluded(s, "R1")[1]


def test_family_of_the_employee_is_a_familial_affiliation():
    graph = RelationGraph([Relation("person:r1-spouse", "family_of", "person:worker-1")])
    s = screen_reviewers(
        case(), [reviewer("R1", affiliations=["person:r1-spouse"])], AS_OF, relations=graph
    )
    assert "familial affiliation with the employee" in excluded(s, "R1")[1]


def test_a_financial_interest_in_the_manufacturer_is_a_financial_conflict():
    c = case(parties=((PartyRole.CLAIMS_ADMINISTRATOR, "org:acme-insurance"),))
    from openimr.panel.screening import CaseProfile, Screener

    r1 = reviewer("R1", financial_interests=["org:device-maker"])
    profile = CaseProfile.of(c)
    profile = CaseProfile(
        profile.case_id,
        items=profile.items,
        condition=profile.condition,
        parties={**profile.parties, "org:device-maker": "manufacturer"},
    )
    s = Screener([r1], AS_OF).screen(profile)
    reasons = excluded(s, "R1")[1]
    assert "financial affiliation with the manufacturer" in reasons and "item 5" in reasons


def test_the_facility_of_the_service_is_category_4():
    from openimr.panel.screening import CaseProfile, Screener

    profile = CaseProfile(
        "C1", items=("MRI lumbar spine",), parties={"org:imaging-ctr": "facility"}
    )
    s = Screener([reviewer("R1", affiliations=["org:imaging-ctr"])], AS_OF).screen(profile)
    assert "item 4" in excluded(s, "R1")[1]


def test_the_reviewer_who_is_the_ur_physician_is_excluded():
    graph = RelationGraph([Relation("reviewer:R1", "same_as", "person:dr-ur")])
    c = case(parties=((PartyRole.UR_PHYSICIAN, "person:dr-ur"),))
    s = screen_reviewers(c, [reviewer("R1")], AS_OF, relations=graph)
    assert "the UR physician" in excluded(s, "R1")[1]


def test_a_reviewer_who_treated_the_employee_has_prior_involvement():
    graph = RelationGraph([Relation("reviewer:R1", "treated", "person:worker-1")])
    s = screen_reviewers(case(), [reviewer("R1")], AS_OF, relations=graph)
    rules, reasons = excluded(s, "R1")
    assert rules == ("prior_involvement",) and "prior involvement" in reasons


def test_a_reviewer_who_reviewed_this_case_before_is_out_on_remand():
    s = screen_reviewers(case(), [reviewer("R1"), reviewer("R2")], AS_OF, prior_reviewer_ids={"R1"})
    rules, reasons = excluded(s, "R1")
    assert "prior_involvement" in rules and "different reviewer" in reasons
    assert s.best().reviewer_id == "R2"


def test_prior_review_recorded_in_the_graph_against_the_case_node_excludes():
    graph = RelationGraph([Relation("reviewer:R1", "reviewed", "case:CM26-0001")])
    s = screen_reviewers(case(), [reviewer("R1")], AS_OF, relations=graph)
    assert "prior_involvement" in excluded(s, "R1")[0]


def test_conflicts_never_pass_through_another_reviewer():
    # R2 is affiliated with the insurer and with org:x; R1 only with org:x.
    r1 = reviewer("R1", affiliations=["org:x"])
    r2 = reviewer("R2", affiliations=["org:x", "org:acme-insurance"])
    s = screen_reviewers(case(), [r1, r2], AS_OF)
    assert [c.reviewer_id for c in s.candidates] == ["R1"]


def test_every_failing_rule_is_listed_not_only_the_first():
    bad = reviewer(
        "R1",
        years_active_practice=2,
        hours_per_week=10,
        affiliations=["org:acme-insurance"],
        specialties=["Psychiatry"],
        board_certifications=[],
    )
    rules, _ = excluded(screen_reviewers(case(), [bad], AS_OF), "R1")
    assert {
        "min_years_active_practice",
        "min_hours_per_week",
        "board_certification",
        "conflict",
        "specialty_match",
    } <= set(rules)


def test_capacity_already_used_excludes_the_reviewer():
    s = screen_reviewers(case(), [reviewer("R1", capacity_per_week=2)], AS_OF, open_cases={"R1": 2})
    assert "capacity" in excluded(s, "R1")[0]


def test_candidates_are_ranked_by_fit():
    occ = reviewer("OCC")
    fam = reviewer(
        "FAM",
        specialties=["Family Medicine"],
        board_certifications=[BoardCertification("Family Medicine")],
    )
    s = screen_reviewers(case(items=("Norco 10/325 #60",)), [fam, occ], AS_OF)
    assert [c.reviewer_id for c in s.candidates] == ["OCC", "FAM"]
    assert s.candidates[0].fit > s.candidates[1].fit
