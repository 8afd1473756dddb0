"""Facts from the record: each answer with its sentence, negation and uncertainty respected."""

from __future__ import annotations

from openimr.assist import lexicon
from openimr.assist.facts import extract_facts, parse_date
from openimr.assist.lexicon import body_regions, pain_scores
from openimr.evidence.phase import phase_of_care

SUMMARY = """
The applicant is a 52-year-old male who has filed a claim for chronic low back pain reportedly
associated with an industrial injury of March 3, 2014. In a utilization review report dated
November 15, 2016, the claims administrator failed to approve a request for Norco and
physical therapy. On October 28, 2016, the applicant reported 7/10 low back pain radiating to
the left leg. The attending provider failed to outline any meaningful improvements in function
effected as a result of ongoing Norco usage. The applicant remained off of work, on total
temporary disability. No urine drug screen was on file. The applicant denies bowel or bladder
incontinence. An MRI of the lumbar spine dated June 2, 2015 showed an L5-S1 disc protrusion.
The applicant had completed 12 sessions of physical therapy without improvement.
"""


def _facts(summary: str = SUMMARY):  # type: ignore[no-untyped-def]
    return extract_facts(summary, request_date="2016-11-15", item_description="Norco 10/325 #90")


def test_absent_functional_improvement_is_a_negated_fact_with_its_sentence() -> None:
    fact = _facts().get("functional_improvement_documented")
    assert fact is not None and fact.value is False
    assert "failed to outline any meaningful improvements in function" in fact.evidence


def test_off_work_is_read_as_work_status_and_no_return_to_work() -> None:
    facts = _facts()
    assert facts.value("work_status") == "off_work"
    assert facts.value("return_to_work") is False


def test_denied_red_flag_is_negated_not_asserted() -> None:
    assert _facts().value("red_flags") is False


def test_radiating_pain_is_a_symptom_not_a_radicular_sign_but_imaging_corroborates() -> None:
    # pain "radiating to the leg" is the worker's complaint; the criteria ask for signs on
    # examination (reviewers: "no objective findings of radiculopathy")
    facts = _facts()
    assert facts.value("radiculopathy") is not True
    assert facts.value("radiculopathy_corroborated") is True


def test_a_positive_straight_leg_raise_is_a_radicular_sign() -> None:
    facts = _facts("On exam the straight leg raise was positive on the left. " * 8)
    assert facts.value("radiculopathy") is True


def test_numbness_the_worker_reports_is_not_a_deficit_on_examination() -> None:
    text = "He reported numbness and tingling in both hands, with pain at 6/10. " * 8
    assert _facts(text).value("focal_neurologic_deficit") is not True


def test_a_requirement_is_not_a_finding() -> None:
    text = (
        "Acupuncture was modified to 6 sessions, as evidence of objective functional "
        "improvement was required for further sessions. "
    ) * 6
    assert _facts(text).value("functional_improvement_documented") is not True


def test_drug_screen_documented_as_missing_is_negated() -> None:
    assert _facts().value("urine_drug_screen_done") is False


def test_pain_score_prior_visits_and_failed_care_are_read() -> None:
    facts = _facts()
    assert facts.value("pain_score") == 7.0
    assert facts.value("visits_physical_therapy") == 12.0
    assert facts.value("prior_conservative_care_failed") is True


def test_injury_date_gives_weeks_and_chronic_phase() -> None:
    facts = _facts()
    assert facts.value("date_of_injury") == "2014-03-03"
    assert facts.value("phase") == "chronic"
    assert facts.value("chronic_pain") is True
    assert facts.value("age") == 52.0


def test_date_of_injury_from_the_case_file_wins_over_the_summary() -> None:
    facts = extract_facts(SUMMARY, date_of_injury="2016-10-01", request_date="2016-11-15")
    assert facts.value("phase") == "subacute"


def test_utilization_review_sentence_is_not_evidence_of_prior_treatment() -> None:
    facts = extract_facts(
        "In a utilization review report, the claims administrator failed to approve a request "
        "for lumbar facet injections.",
        request_date="2016-11-15",
    )
    assert facts.get("prior_injections") is None
    assert facts.get("prior_conservative_care_failed") is None


def test_retrospective_request_is_read_from_the_item() -> None:
    facts = extract_facts("", item_description="Retrospective urine drug screen (DOS 10/1/16)")
    assert facts.value("retrospective_request") is True


def test_uncertain_finding_is_left_unknown_not_guessed() -> None:
    facts = extract_facts("The MRI was ordered to rule out a fracture.")
    assert facts.get("red_flags") is not None
    assert "red_flags" not in facts.values()


def test_recent_surgery_makes_the_phase_post_operative() -> None:
    facts = extract_facts(
        "The injured worker underwent a right knee arthroscopy on 09-01-2016.",
        date_of_injury="2015-01-01",
        request_date="2016-10-01",
    )
    assert facts.value("phase") == "post-operative"
    assert facts.value("post_operative") is True


def test_phase_boundaries_follow_weeks_since_injury() -> None:
    assert phase_of_care(2) == "acute"
    assert phase_of_care(8) == "subacute"
    assert phase_of_care(20) == "chronic"
    assert phase_of_care(None) is None


def test_dates_in_letter_formats_parse() -> None:
    assert str(parse_date("on October 10, 2015")) == "2015-10-10"
    assert str(parse_date("dated 11-01-2016")) == "2016-11-01"
    assert str(parse_date("on 3/4/15")) == "2015-03-04"


def test_body_regions_most_mentioned_first() -> None:
    assert body_regions("neck pain and low back pain; lumbar MRI; lumbar ESI") == [
        "lumbar",
        "cervical",
    ]


def test_silence_in_a_full_record_reads_as_not_documented() -> None:
    facts = extract_facts(SUMMARY, request_date="2016-11-15")
    fact = facts.get("home_exercise_program")
    assert fact is not None and fact.value is False
    assert fact.assertion.value == "not_documented"


def test_silence_in_a_thin_record_stays_unknown() -> None:
    facts = extract_facts("Low back pain.", request_date="2016-11-15")
    assert facts.get("home_exercise_program") is None


def test_imaging_counts_as_prior_only_for_the_same_region() -> None:
    lumbar = extract_facts(SUMMARY, item_region="lumbar-spine")
    knee = extract_facts(SUMMARY, item_region="knee")
    assert lumbar.value("prior_imaging_same_region") is True
    assert knee.value("prior_imaging_same_region") is False


def test_positive_provocative_test_written_either_way_suggests_derangement() -> None:
    for sentence in ("McMurray's is positive on the right.", "There was a positive Lachman test."):
        assert extract_facts(sentence).value("internal_derangement_suspected") is True
    negative = extract_facts("An apprehension test was negative.")
    assert negative.value("internal_derangement_suspected") is not True


def test_inability_to_bear_weight_is_a_red_flag() -> None:
    facts = extract_facts("He was unable to bear weight on the right knee after the fall.")
    assert facts.value("red_flags") is True


def test_an_aggravating_factor_is_not_a_change_in_symptoms() -> None:
    steady = "Her low back pain worsens with prolonged standing and increases with bending."
    worse = "Since the last visit her leg numbness has worsened and now reaches the foot."
    assert extract_facts(steady).value("significant_change_in_symptoms") is not True
    assert extract_facts(worse).value("significant_change_in_symptoms") is True


def test_a_date_is_never_read_as_a_pain_score() -> None:
    # "3/10/2016" is March 10th: every reader of the record uses the lexicon's one pattern,
    # which the summary drafter already guarded against dates and the fact reader did not.
    facts = extract_facts("Pain was reassessed on 3/10/2016. Low back pain is rated 6/10 today.")
    assert facts.value("pain_score") == 6.0
    only_a_date = extract_facts("Pain was reassessed on 3/10/2016.")
    assert only_a_date.value("pain_score") is None
    assert pain_scores("Pain was reassessed on 3/10/2016 and 11/10/15.") == []
    assert pain_scores("Pain 6-7/10, down from 8 out of 10.") == [7.0, 8.0]


def test_every_reader_takes_its_words_from_the_one_lexicon() -> None:
    from openimr.assist import encounters, facts, regions, summary, treatment_facts

    for module in (facts, regions, summary, treatment_facts, encounters):
        assert not hasattr(module, "_rx"), module.__name__
    assert encounters.PAIN_SCORE is lexicon.PAIN_SCORE
    assert regions.areas_named is lexicon.areas_named
    assert "norco" in lexicon.drug_names()  # from the evidence drug data, not a copied list
