"""Facts a rationale states about the record, compared with the assist's own reading."""

from __future__ import annotations

from openimr.assist.rationale_facts import stated_facts


def test_absence_and_presence_are_read() -> None:
    facts = stated_facts(
        "The guideline supports imaging for red flags. In this case there is no documentation of "
        "red flags. The patient had a prior MRI of the lumbar spine dated 3/1/2016. There is no "
        "evidence of objective functional improvement with prior therapy."
    )
    assert facts["red_flags"] is False
    assert facts["prior_imaging_same_region"] is True
    assert facts["functional_improvement_documented"] is False


def test_the_guideline_s_own_words_state_no_fact_of_the_record() -> None:
    facts = stated_facts("The MTUS states that MRI is indicated when red flags are present.")
    assert "red_flags" not in facts


def test_failing_to_improve_with_conservative_care_is_not_a_failure_documented() -> None:
    facts = stated_facts(
        "There is no indication the patient has failed to improve with conservative treatment."
    )
    assert facts["prior_conservative_care_failed"] is False
