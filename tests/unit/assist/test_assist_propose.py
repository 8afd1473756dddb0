"""Proposals: governing citation and criteria from the engine, precedents never the same case,
`insufficient` when the deciding criteria cannot be checked, a draft that proposes only."""

from __future__ import annotations

import numpy as np

from openimr.assist.guidance import Guidance
from openimr.assist.model import FEATURES, OutcomeModel, Thresholds
from openimr.assist.precedents import build_index, find_precedents, precedent_overturn_rate
from openimr.assist.propose import case_input_from_letter, decide_proposal, propose
from openimr.assist.rationale import draft_rationale
from openimr.assist.schema import CitationOut, CriterionResult

LETTERS = [
    {
        "case_number": "CM00-0000001",
        "clinical_case_summary": "A worker with knee pain.",
        "items": [
            {"description": "MRI of the right knee", "decision": "overturned", "rationale": "x"},
            {"description": "Norco 10/325 #60", "decision": "upheld"},
        ],
    },
    {
        "case_number": "CM00-0000002",
        "items": [{"description": "MRI of the left knee", "decision": "upheld"}],
    },
]

SUMMARY = (
    "The applicant is a 40-year-old female who reported an industrial injury on October 1, 2016. "
    "She reported right knee pain with locking and giving way after a fall at work. She was "
    "treated with physical therapy and medications without improvement. An examination "
    "showed a positive McMurray test. There were no red flags. She remained off of work. The "
    "provider requested an MRI of the right knee to evaluate for a meniscal tear before a "
    "possible arthroscopy, and the request was denied by utilization review."
)


def _flat_model(threshold: float = 0.5) -> OutcomeModel:
    return OutcomeModel(
        FEATURES, np.zeros(len(FEATURES)), 0.0, 1.0, -2.0, Thresholds(0.05, threshold), 0.1
    )


def test_precedents_exclude_every_item_of_the_same_case() -> None:
    index = build_index(LETTERS)
    hits = find_precedents(index, "MRI of the right knee", "CM00-0000001")
    assert hits and all(h.case_number != "CM00-0000001" for h in hits)


def test_precedent_rate_is_shrunk_toward_the_prior() -> None:
    index = build_index(LETTERS)
    hits = find_precedents(index, "MRI knee", None)
    rate = precedent_overturn_rate(hits, prior=0.1)
    assert 0.1 < rate < 1.0


def test_precedent_records_carry_no_rationale_or_summary() -> None:
    from openimr.assist.precedents import precedent_records

    records = precedent_records(LETTERS)
    assert "clinical_case_summary" not in records[0]
    assert "rationale" not in records[0]["items"][0]


def test_insufficient_when_governing_criteria_cannot_be_evaluated() -> None:
    unknown = Guidance(criteria_status="insufficient")
    t = Thresholds(uphold=0.1, overturn=0.5)
    assert decide_proposal(unknown, p_overturn=0.9, thresholds=t) == "insufficient"
    assert decide_proposal(Guidance(criteria_status="met"), 0.9, t) == "overturn"
    assert decide_proposal(Guidance(criteria_status="not_met"), 0.05, t) == "uphold"


def test_undecided_between_the_precise_regions() -> None:
    t = Thresholds(uphold=0.1, overturn=0.5)
    assert decide_proposal(Guidance(criteria_status="met"), 0.3, t) == "undecided"


def test_proposal_for_a_knee_mri_cites_the_mtus_knee_chapter_and_quotes_the_record() -> None:
    case = {
        "id": "c1",
        "case_number": "CM00-0000009",
        "date_of_injury": "2016-10-01",
        "ur_denial_date": "2016-11-20",
        "clinical_case_summary": SUMMARY,
        "items": [{"id": "1", "description": "MRI of the right knee without contrast"}],
    }
    [out] = propose(case, model=_flat_model(), index=build_index(LETTERS))
    assert out.category == "imaging/mri" and out.body_region == "knee"
    assert out.citations and out.citations[0].source == "MTUS"
    assert "Knee" in (out.citations[0].guideline or "")
    derangement = [c for c in out.criteria if "derangement" in c.criterion]
    assert derangement and derangement[0].status == "met"
    assert "McMurray" in derangement[0].evidence or "locking" in derangement[0].evidence
    assert all(p.case_number != "CM00-0000009" for p in out.precedents)
    assert "for the reviewer" in out.rationale


def test_inputs_built_from_letters_carry_no_decision_or_rationale() -> None:
    case = case_input_from_letter(LETTERS[0])
    dumped = case.model_dump_json()
    assert "overturned" not in dumped and "upheld" not in dumped
    assert [i.description for i in case.items] == ["MRI of the right knee", "Norco 10/325 #60"]


def test_rationale_states_citation_criteria_and_a_proposal_not_a_decision() -> None:
    guidance = Guidance(
        citations=[
            CitationOut(
                source="MTUS",
                guideline="Knee Complaints",
                edition="2004",
                sections=["Special Studies"],
                pages=["341-343"],
                strength="weak for (certainty 2/4)",
            )
        ],
        direction=1,
        strength=1,
        paraphrase="imaging when a tear is suspected and surgery is considered",
        criteria=[
            CriterionResult(criterion="red flags", status="not_met", evidence="No red flags."),
            CriterionResult(criterion="internal derangement", status="met", evidence="Locking."),
        ],
    )
    text = draft_rationale("MRI of the right knee", guidance, "overturn", 0.31)
    assert "MTUS Knee Complaints (2004), section Special Studies, page 341-343" in text
    assert 'Not met: red flags. The record: "No red flags."' in text
    assert "Met: internal derangement" in text
    assert "Proposed conclusion, for the reviewer to accept or edit" in text
    assert "31%" in text
