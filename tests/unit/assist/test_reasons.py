"""Deciding reasons of `assist batch`: candidates from the guideline checked against the record,
ordered by the ranker; silence is said in words, an overturn leads with criteria_met."""

from __future__ import annotations

import numpy as np

from openimr.assist.model import FEATURES as OUTCOME_FEATURES
from openimr.assist.model import OutcomeModel, Thresholds
from openimr.assist.propose import Assistant, analyse_case
from openimr.assist.reason_fit import ReasonExample, cross_validate_reasons, fit_ranker
from openimr.assist.reason_rank import FEATURES, PRIOR_WEIGHTS, CodeCounts, ReasonRanker
from openimr.assist.reasons import Candidate, candidates, failing_leaves
from openimr.assist.schema import CaseInput
from openimr.evidence.engine import CriterionResult as EngineCriterion

RECORD = (
    "The injured worker is a 45-year-old man with low back pain since a lifting injury on "
    "January 5, 2016. He has had physical therapy. On November 1, 2016, he reported 6/10 back "
    "pain without radiation. Examination showed normal strength, sensation and reflexes in both "
    "legs. There were no red flags. He has not tried a course of home exercise. "
)


def _case(*descriptions: str, summary: str = RECORD * 2) -> CaseInput:
    return CaseInput(
        id="c1",
        case_number="CM99-0000001",
        date_of_injury="2016-01-05",
        ur_denial_date="2016-11-20",
        clinical_case_summary=summary,
        items=[{"id": str(n), "description": d} for n, d in enumerate(descriptions, 1)],
    )


def _model(uphold: float = 0.5, overturn: float = 0.9) -> OutcomeModel:
    coef = np.zeros(len(OUTCOME_FEATURES))
    return OutcomeModel(OUTCOME_FEATURES, coef, 0.0, 1.0, -2.0, Thresholds(uphold, overturn), 0.1)


def test_failing_leaves_follow_the_tree() -> None:
    met = EngineCriterion("a", "met", "x", True)
    gap = EngineCriterion("b", "not_met", "y", False)
    unknown = EngineCriterion("c", "insufficient", "z", None)
    tree = EngineCriterion("all", "not_met", "y", False, (met, gap, unknown))
    assert [leaf.label for leaf in failing_leaves(tree)] == ["b"]
    either = EngineCriterion("any", "not_met", "y", False, (gap, EngineCriterion("d", "not_met")))
    assert [leaf.label for leaf in failing_leaves(either)] == ["b", "d"]


def test_a_lumbar_mri_without_red_flags_is_asked_about_its_indication() -> None:
    [analysis] = analyse_case(_case("MRI of the lumbar spine"), None)
    found = candidates(analysis.guidance, analysis.facts, analysis.item, analysis.description)
    red = [c for c in found if c.criterion == "red flags"]
    assert red and red[0].code == "indication_not_documented" and red[0].status == "not_met"
    assert red[0].evidence_kind == "record" and "red flags" in red[0].evidence


def test_silence_is_said_in_words_never_quoted() -> None:
    [out] = Assistant(_model(), None).propose_case(_case("MRI of the lumbar spine"))
    for reason in out.reasons:
        if reason.evidence_kind == "silence":
            assert reason.evidence.startswith("the record does not")
            assert f'"{reason.evidence}"' not in out.rationale
    for criterion in out.criteria:
        if criterion.evidence_kind == "silence":
            assert criterion.evidence.startswith("the record does not")


def test_an_overturn_proposal_leads_with_criteria_met() -> None:
    [out] = Assistant(_model(uphold=0.0, overturn=0.01), None).propose_case(
        _case("MRI of the lumbar spine")
    )
    assert out.proposal == "overturn"
    assert out.reasons[0].code == "criteria_met" and out.reasons[0].status == "met"


def test_a_service_for_a_surgery_that_is_not_supported_depends_on_it() -> None:
    case = _case(
        "Lumbar fusion L4-L5",
        "Associated surgical service: post-operative physical therapy 12 sessions",
    )
    fusion, therapy = Assistant(_model(), None).propose_case(case)
    assert fusion.reasons[0].code != "dependent_on_denied"
    assert therapy.reasons[0].code == "dependent_on_denied"


def test_every_item_gets_a_category_and_reasons_and_no_criterion_twice() -> None:
    case = _case(
        "MRI of the lumbar spine",
        "Hygiene wipes, 3 packs",
        "Spanish interpreter for medical visits",
        "Norco 10/325 #60",
        "Physical therapy 2x6 lumbar spine",
    )
    for out in Assistant(_model(), None).propose_case(case):
        assert out.category and out.category != "unknown"
        assert out.reasons
        labels = [c.criterion for c in out.criteria]
        assert len(labels) == len(set(labels))


def _example(letter: str, category: str, codes: list[str], primary: str) -> ReasonExample:
    found = tuple(
        Candidate(code, code, "not_met", "the record does not mention it", "silence", "criterion")  # type: ignore[arg-type]
        for code in codes
    )
    return ReasonExample(letter, category, found, primary, frozenset({primary}), "upheld")


def test_the_ranker_learns_which_code_reviewers_give_for_a_category() -> None:
    rows = [
        _example(
            f"L{n}",
            "imaging/mri",
            ["conservative_care_not_exhausted", "indication_not_documented"],
            "indication_not_documented",
        )
        for n in range(12)
    ]
    ranker = fit_ranker(rows)
    first = ranker.rank(list(rows[0].candidates), "imaging/mri")[0]
    assert first.code == "indication_not_documented"
    assert ranker.codes.majority("imaging/mri") == "indication_not_documented"
    scores, weights = cross_validate_reasons(rows, folds=3)
    assert scores.n == 12 and scores.accuracy == 1.0 and len(weights) == 3


def test_category_counts_shrink_toward_the_family() -> None:
    counts = CodeCounts.from_labels(
        [("imaging/mri", "indication_not_documented")] * 8
        + [("imaging/ct", "repeat_without_change")]
    )
    ct = counts.distribution("imaging/ct")
    assert ct["repeat_without_change"] > ct["quantity_exceeds"]
    assert ct["indication_not_documented"] > ct["quantity_exceeds"]  # the family speaks too
    assert abs(sum(ct.values()) - 1.0) < 1e-9


def test_ranker_round_trips_and_ignores_unknown_weights() -> None:
    ranker = ReasonRanker(codes=CodeCounts.from_labels([("therapy/physical", "quantity_exceeds")]))
    data = ranker.to_json()
    data["weights"]["no_such_feature"] = 9.0
    loaded = ReasonRanker.from_json(data)
    assert set(loaded.weights) == set(FEATURES) == set(PRIOR_WEIGHTS)
    assert loaded.codes.counts == ranker.codes.counts
