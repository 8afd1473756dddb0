"""Treatment-history facts and region-bound findings, each read with its sentence.

Records below are written for the tests (own words), one rule per test.
"""

from __future__ import annotations

from datetime import date

from openimr.assist.facts import extract_facts, parse_date
from openimr.assist.guidance import engine_facts
from openimr.assist.propose import analyse_case
from openimr.assist.schema import CaseInput, ItemInput
from openimr.evidence.normalise import normalise_item

REQUEST = date(2016, 10, 10)
# Enough words for silence to mean "not documented" (facts.SUBSTANTIVE_WORDS).
FILLER = (
    " The injured worker is a 50-year-old male who sustained an industrial injury on "
    "01-05-2015 while lifting at work. He was seen for follow-up by the treating physician "
    "who reviewed the history, examined him and discussed the plan of care with him, "
    "including the risks and benefits of the available options and his goals for work. "
    "Utilization review dated 10-10-2016 non-certified the request."
)


def _facts(text: str, item: str = "Physical therapy 2x6 lumbar spine"):  # noqa: ANN202
    n = normalise_item(item)
    return extract_facts(
        text + FILLER,
        request_date=REQUEST,
        item_description=item,
        item_region=n.body_region,
        drug_ingredients=tuple(n.ingredients),
    )


# --- surgery type (8 CCR 9792.24.3 table) ---------------------------------------------------


def test_past_carpal_tunnel_release_gives_its_postsurgical_table_row() -> None:
    fact = _facts("He underwent a right carpal tunnel release on 08-01-2016.").get("surgery_type")
    assert fact is not None and fact.value == "carpal-tunnel-release"
    assert "carpal tunnel release" in fact.evidence


def test_cervical_discectomy_with_fusion_is_a_cervical_fusion_not_a_lumbar_discectomy() -> None:
    facts = _facts("He is status post ACDF at C5-6 on 06-01-2016.")
    assert facts.value("surgery_type") == "cervical-fusion"


def test_a_documented_surgery_outside_the_table_is_other() -> None:
    facts = _facts("He underwent hernia repair surgery on 06-01-2016.")
    assert facts.value("surgery_type") == "other"


def test_a_planned_surgery_gives_no_surgery_type() -> None:
    assert _facts("He is scheduled for a lumbar fusion.").get("surgery_type") is None


# --- the surgery an ancillary service supports ----------------------------------------------


def test_certified_surgery_makes_the_primary_procedure_certified() -> None:
    facts = _facts("The right shoulder arthroscopy was certified on 09-01-2016.")
    assert facts.value("primary_procedure_certified") is True


def test_non_certified_surgery_makes_the_primary_procedure_not_certified() -> None:
    facts = _facts("Utilization review non-certified the requested lumbar fusion.")
    assert facts.value("primary_procedure_certified") is False


def test_silence_about_surgery_leaves_certification_unknown() -> None:
    assert _facts("He reported low back pain.").get("primary_procedure_certified") is None


def test_ancillary_item_follows_the_surgery_disputed_in_the_same_case() -> None:
    case = CaseInput(
        id="c1",
        ur_denial_date="2016-10-10",
        date_of_injury="2016-01-05",
        clinical_case_summary="He reported chronic low back pain without leg symptoms." + FILLER,
        items=[
            ItemInput(id="1", description="Assistant surgeon for lumbar fusion"),
            ItemInput(id="2", description="Lumbar fusion L4-5"),
        ],
    )
    assistant, surgery = analyse_case(case, None)
    assert surgery.guidance.support == -1
    fact = assistant.facts.get("primary_procedure_certified")
    assert fact is not None and fact.value is False and "Lumbar fusion L4-5" in fact.evidence
    assert assistant.guidance.support == -1


# --- diagnostic blocks and relief -----------------------------------------------------------


def test_medial_branch_block_with_80_percent_relief_is_positive() -> None:
    facts = _facts("A lumbar medial branch block on 06-01-2016 gave 80% relief.")
    assert facts.value("diagnostic_block_positive") is True


def test_medial_branch_block_with_40_percent_relief_is_not_positive() -> None:
    facts = _facts("A lumbar medial branch block on 06-01-2016 gave 40% relief.")
    assert facts.value("diagnostic_block_positive") is False


def test_block_without_relief_is_negative() -> None:
    facts = _facts("The diagnostic facet block provided no relief.")
    assert facts.value("diagnostic_block_positive") is False


def test_relief_duration_is_read_in_weeks() -> None:
    assert _facts("The last injection gave 60% relief for 8 weeks.").value("pain_relief_weeks") == 8
    facts = _facts("He reported three months of relief after the epidural injection.")
    assert facts.value("pain_relief_weeks") == 13.0


def test_negated_relief_gives_no_duration() -> None:
    assert _facts("There was no relief for 6 weeks.").get("pain_relief_weeks") is None


# --- how long the requested drug has been used ----------------------------------------------


def test_drug_duration_runs_from_the_earliest_dated_visit_naming_it() -> None:
    text = "On 05-12-2016, medications included Ambien. On 08-01-2016 he continued Ambien."
    fact = _facts(text, "Ambien 10mg #30").get("medication_duration_weeks")
    assert fact is not None and fact.value == round((REQUEST - date(2016, 5, 12)).days / 7, 1)
    assert "05-12-2016" in fact.evidence


def test_drug_duration_from_for_n_months_after_the_drug_name() -> None:
    fact = _facts("He has been taking Norco for 6 months.", "Norco 10/325mg #60")
    assert fact.value("medication_duration_weeks") == 26.0


def test_a_duration_before_the_drug_name_is_not_drug_use() -> None:
    facts = _facts("He has had pain for 10 months and takes Ambien nightly.", "Ambien 10mg #30")
    assert facts.get("medication_duration_weeks") is None  # in use, since when unknown


def test_drug_named_only_in_the_request_is_a_new_start() -> None:
    facts = _facts("He reported low back pain.", "Naproxen 550mg #60")
    assert facts.value("medication_duration_weeks") == 0.0


# --- region-bound findings ------------------------------------------------------------------

WRIST_AND_BACK = (
    "He had a positive Phalen test and Tinel sign at the left wrist. "
    "He reported axial low back pain. "
)


def test_wrist_entrapment_signs_do_not_count_as_spine_nerve_findings() -> None:
    facts = _facts(WRIST_AND_BACK, "MRI of the lumbar spine")
    assert facts.value("focal_neurologic_deficit") is False


def test_wrist_entrapment_signs_count_for_an_upper_extremity_study() -> None:
    facts = _facts(WRIST_AND_BACK, "EMG/NCV of the bilateral upper extremities")
    assert facts.value("focal_neurologic_deficit") is True


def test_leg_sensory_loss_counts_for_the_low_back_but_not_the_neck() -> None:
    text = "Examination showed decreased sensation in the left leg. "
    assert _facts(text, "MRI of the lumbar spine").value("focal_neurologic_deficit") is True
    assert _facts(text, "MRI of the cervical spine").value("focal_neurologic_deficit") is False


def test_a_finding_naming_no_region_counts_for_any_region() -> None:
    facts = _facts("Decreased sensation was noted. ", "MRI of the cervical spine")
    assert facts.value("focal_neurologic_deficit") is True


def test_a_knee_tear_is_not_a_shoulder_derangement() -> None:
    text = "MRI showed a medial meniscus tear of the right knee. "
    assert _facts(text, "MRI of the right knee").value("internal_derangement_suspected") is True
    shoulder = _facts(text, "MRI of the left shoulder")
    assert shoulder.value("internal_derangement_suspected") is False


# --- extraction rules added with the coverage test ------------------------------------------


def test_straight_leg_raise_written_finding_first_is_radiculopathy() -> None:
    assert _facts("Straight leg raise was positive on the left.").value("radiculopathy") is True


def test_medial_joint_line_tenderness_suggests_internal_derangement() -> None:
    facts = _facts("Examination showed medial joint line tenderness.", "MRI of the left knee")
    assert facts.value("internal_derangement_suspected") is True


def test_negated_joint_line_tenderness_does_not() -> None:
    facts = _facts("There was no joint line tenderness.", "MRI of the left knee")
    assert facts.value("internal_derangement_suspected") is False


def test_unable_to_transfer_independently_reads_as_homebound() -> None:
    facts = _facts("He was not able to transfer independently and was not safe for home.")
    assert facts.value("homebound") is True


def test_an_evaluation_for_a_surgery_means_surgery_is_being_considered() -> None:
    facts = _facts("He was referred for evaluation for a total hip arthroplasty.")
    assert facts.value("surgery_planned") is True


def test_visit_counts_in_words_and_with_a_numeral_in_brackets() -> None:
    assert (
        _facts("He completed six sessions of physical therapy.").value("visits_physical_therapy")
        == 6
    )
    facts = _facts("Treatment included at least twelve (12) physical therapy sessions.")
    assert facts.value("visits_physical_therapy") == 12


def test_additional_therapy_request_implies_a_prior_course() -> None:
    item = normalise_item("Additional physical therapy 2x4 lumbar spine")
    facts = _facts("He reported low back pain.", item.text)
    assert engine_facts(item, facts)["prior_visits_completed"] >= 1


def test_postsurgical_therapy_counts_only_postoperative_visits() -> None:
    item = normalise_item("Post-operative physical therapy 2x6 right knee")
    text = "He completed 12 sessions of physical therapy in 2015. He underwent knee surgery."
    assert engine_facts(item, _facts(text, item.text))["prior_visits_completed"] == 0.0
    text = "He completed 6 sessions of post-operative physical therapy after the surgery."
    assert engine_facts(item, _facts(text, item.text))["prior_visits_completed"] == 6.0


def test_parse_date_still_reads_numeric_dates() -> None:
    assert parse_date("seen on 5-12-2016") == date(2016, 5, 12)
