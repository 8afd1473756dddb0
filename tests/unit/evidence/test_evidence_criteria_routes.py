"""Criteria routes of the knowledge base, checked through the engine with plain fact values.

Each test states one guideline rule (paraphrased; cited in the KB entry) and the facts that
decide it.
"""

from __future__ import annotations

from datetime import date

from openimr.evidence.engine import evaluate
from openimr.evidence.normalise import normalise_item

ERA_B = date(2016, 12, 1)
CHRONIC = {"duration_weeks_since_injury": 60.0, "prior_imaging_same_region": False}


def _top(item: str, facts: dict[str, object]):  # noqa: ANN202
    result = evaluate(normalise_item(item), facts, ERA_B)
    return result, result.recommendations[0]


def test_lumbar_mri_on_nerve_signs_alone_is_not_supported() -> None:
    facts = {**CHRONIC, "radiculopathy": True, "red_flags": False}
    facts |= {"prior_conservative_care_failed": False, "surgery_planned": False}
    facts |= {"progressive_neurologic_deficit": False}
    _, top = _top("MRI of the lumbar spine", facts)
    assert top.support == "does_not_support"


def test_lumbar_mri_on_nerve_signs_after_failed_care_is_supported() -> None:
    facts = {**CHRONIC, "radiculopathy": True, "prior_conservative_care_failed": True}
    _, top = _top("MRI of the lumbar spine", facts)
    assert top.support == "supports"


def test_lumbar_mri_with_red_flags_is_supported_without_failed_care() -> None:
    _, top = _top("MRI of the lumbar spine", {**CHRONIC, "red_flags": True})
    assert top.support == "supports"


def test_knee_mri_for_a_suspected_tear_soon_after_an_acute_injury_is_supported() -> None:
    facts = {"duration_weeks_since_injury": 4.0, "internal_derangement_suspected": True}
    facts |= {"prior_imaging_same_region": False, "red_flags": False}
    _, top = _top("MRI of the left knee", facts)
    assert top.support == "supports"


def test_knee_mri_for_a_suspected_tear_a_year_later_needs_failed_care_or_surgery() -> None:
    facts = {**CHRONIC, "internal_derangement_suspected": True, "red_flags": False}
    facts |= {"prior_conservative_care_failed": False, "surgery_planned": False}
    _, top = _top("MRI of the left knee", facts)
    assert top.support == "does_not_support"


def test_repeat_electrodiagnostic_study_without_change_is_not_supported() -> None:
    facts = {**CHRONIC, "focal_neurologic_deficit": True, "radiculopathy_corroborated": False}
    facts |= {"electrodiagnostic_confirmed": True, "significant_change_in_symptoms": False}
    _, top = _top("EMG/NCV of the bilateral upper extremities", facts)
    assert top.support == "does_not_support"


def test_ssep_is_not_governed_by_the_mtus_emg_entries() -> None:
    result, top = _top("SSEP of the lumbar spine and lower extremities", CHRONIC)
    assert not any(r.id.startswith("b.edx") for r in result.recommendations)
    assert top.direction == "against"


def test_nsaid_new_start_is_supported_without_documented_benefit() -> None:
    facts = {**CHRONIC, "medication_duration_weeks": 0.0, "pain_relief_documented": False}
    facts |= {"functional_improvement_documented": False}
    _, top = _top("Naproxen 550mg #60", facts)
    assert top.support == "supports"


def test_nsaid_long_use_without_benefit_or_indication_is_not_supported() -> None:
    facts = {**CHRONIC, "medication_duration_weeks": 40.0, "pain_relief_documented": False}
    facts |= {"functional_improvement_documented": False, "osteoarthritis": False}
    facts |= {"acute_exacerbation": False}
    _, top = _top("Naproxen 550mg #60", facts)
    assert top.support == "does_not_support"


def test_specialist_consult_for_documented_osteoarthritis_is_supported() -> None:
    facts = {**CHRONIC, "osteoarthritis": True, "prior_conservative_care_failed": False}
    _, top = _top("Consultation with an orthopedic surgeon for the left hip", facts)
    assert top.support == "supports"


def test_post_operative_service_for_a_surgery_not_certified_is_not_certified() -> None:
    result = evaluate(
        normalise_item("Post-operative physical therapy 2x6 right knee"),
        {"primary_procedure_certified": False},
        ERA_B,
    )
    assert result.proposal == "not_certify"
