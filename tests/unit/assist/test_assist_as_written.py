"""Requests judged as written: a part UR already certified, manipulation of a region the
guideline excludes, an oral suspension without a swallowing problem, films without red flags.

Records below are written for the tests (own words), one rule per test.
"""

from __future__ import annotations

from datetime import date

from openimr.assist.context import split_sentences
from openimr.assist.guidance import Guidance, engine_facts
from openimr.assist.propose import ItemAnalysis, analyse_case
from openimr.assist.schema import CaseInput, ItemInput
from openimr.assist.treatment_facts import ur_certified_part
from openimr.evidence.engine import evaluate
from openimr.evidence.normalise import normalise_item

INJURY = "2016-10-10"
UR_DATE = "2016-12-15"

LOW_BACK = (
    "The injured worker is a 44-year-old female warehouse clerk who hurt her low back on "
    "October 10, 2016 while lifting a heavy carton from a pallet. She described aching pain "
    "across the lumbar spine that worsened with bending and prolonged sitting. Examination "
    "showed paraspinal tenderness and reduced lumbar flexion with a normal neurological "
    "examination. She was given anti-inflammatory medication and a home exercise program and "
    "remains on modified duty. She attends her follow-up visits regularly and wishes to keep "
    "working. "
)
NO_PRIOR_CHIRO = "She has not had chiropractic care before this episode. "

NECK = (
    "The injured worker is a 52-year-old female bus driver who injured her neck on "
    "October 10, 2016 when her bus was struck from behind. She reports constant neck pain with "
    "tightness across the upper trapezius. Examination showed muscle spasm in the cervical "
    "paraspinal muscles with guarding and limited rotation. Sensation and strength in the arms "
    "were intact. She uses ice and a home exercise program and remains off work. The treating "
    "physician prescribed a muscle relaxant for the spasm and asked for authorization. "
)

CHRONIC_BACK = (
    "The injured worker is a 58-year-old male mechanic who injured his low back on "
    "March 3, 2015 while lifting a transmission. He has had aching low back pain for more than "
    "a year that is worse with standing. He completed physical therapy and takes naproxen. "
    "Examination showed lumbar tenderness with full strength and normal reflexes in the legs. "
    "He continues working with restrictions and walks daily for exercise. The physician asked "
    "for plain films of the lumbar spine to look at his alignment. "
)


def _analyse(summary: str, description: str, date_of_injury: str = INJURY) -> ItemAnalysis:
    assert len(summary.split()) >= 80
    case = CaseInput(
        id="c1",
        case_number="CM16-0000001",
        date_of_injury=date_of_injury,
        ur_denial_date=UR_DATE,
        clinical_case_summary=summary,
        items=[ItemInput(id="1", description=description)],
    )
    [analysis] = analyse_case(case, None)
    return analysis


def _guide(summary: str, description: str, date_of_injury: str = INJURY) -> Guidance:
    return _analyse(summary, description, date_of_injury).guidance


def _criterion(guidance: Guidance, name: str):  # noqa: ANN202
    return next((c for c in guidance.criteria if c.criterion == name), None)


def _chiro(clause: str) -> bool:
    return "chiropractic" in clause.lower()


# --- ur_certified_part ---------------------------------------------------------------------


def test_modification_to_an_initial_course_is_a_certified_part() -> None:
    text = "The request was modified to an initial 6 sessions of chiropractic care."
    found = ur_certified_part(split_sentences(text), _chiro)
    assert found is not None and found.value is True and "initial 6 sessions" in found.evidence


def test_remaining_imr_eligible_portion_is_a_certified_part() -> None:
    text = (
        "Chiropractic therapy sessions for the cervical spine, #6 was authorized by the Claims "
        "Administrator. The remaining IMR eligible portion of the original request, "
        "Chiropractic therapy sessions for the cervical spine, #2."
    )
    assert ur_certified_part(split_sentences(text), _chiro) is not None


def test_modified_duty_is_not_a_certified_part() -> None:
    sentences = split_sentences("She continues on modified duty.")
    assert ur_certified_part(sentences, lambda clause: True) is None


def test_a_plain_non_certification_is_not_a_certified_part() -> None:
    text = "Chiropractic care was non-certified."
    assert ur_certified_part(split_sentences(text), _chiro) is None


def test_a_modification_of_another_service_is_not_a_certified_part() -> None:
    text = "The request was modified to an initial 6 sessions of chiropractic care."
    assert ur_certified_part(split_sentences(text), lambda clause: False) is None


# --- the disputed remainder of a modified request -----------------------------------------

CHIRO_REQUEST = "Chiropractic care 2 times a week for 3 weeks for the lumbar spine"
PART = "disputed part within the course already certified"


def test_remainder_of_a_modified_chiropractic_request_is_not_supported_as_written() -> None:
    summary = (
        LOW_BACK
        + NO_PRIOR_CHIRO
        + "Utilization review modified the chiropractic request to an initial 6 visits. "
    )
    g = _guide(summary, CHIRO_REQUEST)
    assert g.support == -1
    assert g.quantity_exceeds_limit is True
    part = _criterion(g, PART)
    assert part is not None and part.status == "not_met"
    assert "initial 6 visits" in part.evidence


def test_chiropractic_request_without_a_modification_has_no_certified_part() -> None:
    g = _guide(LOW_BACK + NO_PRIOR_CHIRO, CHIRO_REQUEST)
    assert _criterion(g, PART) is None
    assert g.support == 1


def test_modified_physical_therapy_does_not_touch_an_acupuncture_request() -> None:
    modified = "Utilization review modified the physical therapy request to an initial 6 visits. "
    summary = LOW_BACK + modified
    g = _guide(summary, "Acupuncture 6 sessions for the lumbar spine")
    assert _criterion(g, PART) is None
    assert g.support == 1


# --- manipulation of a region the guideline excludes ---------------------------------------


def test_chiropractic_for_the_knee_is_not_supported_under_the_manual_therapy_section() -> None:
    knee = "Chiropractic treatment 6 visits for the right knee"
    analysis = _analyse(LOW_BACK + NO_PRIOR_CHIRO, knee)
    g = analysis.guidance
    assert g.support == -1
    assert "Manual therapy & manipulation" in g.citations[0].sections
    n = normalise_item(analysis.description)
    result = evaluate(n, engine_facts(n, analysis.facts), date(2016, 12, 15))
    assert result.top is not None and result.top.id == "b.chiro.cpmtg.regions"


def test_chiropractic_for_the_lumbar_spine_is_not_governed_by_the_excluded_regions() -> None:
    analysis = _analyse(
        LOW_BACK + NO_PRIOR_CHIRO, "Chiropractic treatment 6 visits for the lumbar spine"
    )
    assert analysis.guidance.support != -1
    n = normalise_item(analysis.description)
    result = evaluate(n, engine_facts(n, analysis.facts), date(2016, 12, 15))
    assert "b.chiro.cpmtg.regions" not in [r.id for r in result.recommendations]


# --- oral suspensions ----------------------------------------------------------------------

SUSPENSION = "Tabradol 1mg/ml oral suspension, 250ml"
SOLID_FORM = "a reason the tablet or capsule form cannot be taken"


def test_oral_suspension_without_a_swallowing_problem_is_not_supported() -> None:
    g = _guide(NECK, SUSPENSION)
    assert g.support == -1
    reason = _criterion(g, SOLID_FORM)
    assert reason is not None and reason.status == "not_met"


def test_oral_suspension_for_a_worker_who_cannot_swallow_tablets_meets_the_criterion() -> None:
    summary = NECK + "She has dysphagia after her cervical fusion and cannot swallow tablets. "
    g = _guide(summary, SUSPENSION)
    reason = _criterion(g, SOLID_FORM)
    assert reason is not None and reason.status == "met"
    assert "dysphagia" in reason.evidence
    assert g.support == 1


# --- lumbar films --------------------------------------------------------------------------


def test_lumbar_films_for_chronic_pain_without_red_flags_are_not_supported() -> None:
    g = _guide(CHRONIC_BACK, "X-ray of the lumbar spine", date_of_injury="2015-03-03")
    assert g.support == -1


def test_lumbar_films_with_red_flags_are_supported() -> None:
    summary = CHRONIC_BACK + (
        "He has a history of prostate cancer, and his physician is concerned about a suspected "
        "compression fracture. "
    )
    g = _guide(summary, "X-ray of the lumbar spine", date_of_injury="2015-03-03")
    assert g.support == 1
    red = _criterion(g, "red flags")
    assert red is not None and red.status == "met"


# --- criteria met on the record's words, not its silence ----------------------------------


def test_criteria_met_on_the_record_s_words_are_counted_as_documented() -> None:
    g = _guide(LOW_BACK + NO_PRIOR_CHIRO, "Chiropractic treatment 6 visits for the lumbar spine")
    first = _criterion(g, "no prior course of this therapy")
    assert first is not None and first.status == "met"
    assert g.criteria_met_documented >= 1


def test_criteria_met_only_by_the_record_s_silence_are_not_counted() -> None:
    summary = LOW_BACK + "Her employer has offered lighter tasks while she recovers. "
    g = _guide(summary, "Chiropractic treatment 6 visits for the lumbar spine")
    first = _criterion(g, "no prior course of this therapy")
    assert first is not None and first.status == "met"
    assert g.criteria_met_documented == 0


# --- a request beyond the guideline's quantity ---------------------------------------------


def test_chiropractic_beyond_the_trial_is_not_supported_as_written() -> None:
    g = _guide(LOW_BACK + NO_PRIOR_CHIRO, "Chiropractic care 12 visits for the lumbar spine")
    assert g.engine_proposal == "modify"
    assert g.quantity_exceeds_limit is True
    assert g.support == -1
