"""Every fact the knowledge base asks about can be read from a record, or says why it cannot.

A criterion whose fact the extractor never produces always comes out `insufficient`, and the
proposal it governs is then a non-answer. This test lists the fact ids used by the KB criteria
(and those the engine reads directly, e.g. for the LC 4604.5 visit cap and the 8 CCR 9792.24.3
table) and checks each against a short record written for it: the fact must be extracted
from the record's words (not filled in as "not documented"), or be marked
`not_extractable_from_summary` in evidence/data/facts.yaml with its reason.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from openimr.assist.context import Assertion
from openimr.assist.facts import extract_facts
from openimr.assist.guidance import engine_facts
from openimr.evidence import engine as engine_module
from openimr.evidence.kb import load_kb
from openimr.evidence.normalise import normalise_item
from openimr.evidence.vocab import fact_index

# A substantive record (over 60 words) with none of the facts below, so that each example
# sentence alone decides its fact.
BASE = (
    "The injured worker is a 48-year-old female who sustained an industrial injury on "
    "01-05-2015 while lifting boxes at work. She is being treated for low back pain and "
    "bilateral knee pain. On 09-12-2016 she reported pain rated 6/10 and was seen for "
    "follow-up by the treating physician, who reviewed her history and examined her. "
    "Utilization review dated 10-10-2016 non-certified the request. "
)
DEFAULT_ITEM = "Physical therapy 2x6 lumbar spine"
REQUEST = date(2016, 10, 10)

# fact id -> (the sentence that documents it, the disputed item it is read for)
EXAMPLES: dict[str, tuple[str, str]] = {
    "aberrant_behaviour": ("There was evidence of early refills and drug-seeking.", DEFAULT_ITEM),
    "acute_exacerbation": ("She reported a flare-up of low back pain.", DEFAULT_ITEM),
    "adjunct_to_active_therapy": ("She continues a home exercise program daily.", DEFAULT_ITEM),
    "chronic_pain": ("", DEFAULT_ITEM),  # from the injury and request dates in BASE
    "cures_checked": ("A CURES report was reviewed and appropriate.", DEFAULT_ITEM),
    "diagnostic_block_positive": (
        "A lumbar medial branch block on 06-01-2016 gave 80% relief.",
        DEFAULT_ITEM,
    ),
    "duration_weeks_since_injury": ("", DEFAULT_ITEM),
    "electrodiagnostic_confirmed": (
        "EMG/NCS on 3-2-16 confirmed carpal tunnel syndrome.",
        DEFAULT_ITEM,
    ),
    "first_line_neuropathic_agents_tried": ("She was prescribed gabapentin.", DEFAULT_ITEM),
    "focal_neurologic_deficit": (
        "There was decreased sensation in the L5 dermatome.",
        DEFAULT_ITEM,
    ),
    "functional_improvement_documented": (
        "Therapy gave improved ability to walk and sit longer.",
        DEFAULT_ITEM,
    ),
    "gi_risk_factors": ("She reported gastritis with NSAIDs.", DEFAULT_ITEM),
    "home_exercise_program": ("She performs a home exercise program.", DEFAULT_ITEM),
    "homebound": ("She is homebound since the fall.", DEFAULT_ITEM),
    "insomnia_documented": ("She reported insomnia due to pain.", DEFAULT_ITEM),
    "instability_fracture_deformity": ("X-rays showed L4-5 spondylolisthesis.", DEFAULT_ITEM),
    "internal_derangement_suspected": ("McMurray's test was positive on the right.", DEFAULT_ITEM),
    "medication_duration_weeks": (
        "On 05-12-2016, her medications included Ambien and ibuprofen.",
        "Ambien 10mg #30",
    ),
    "mental_health_symptoms": ("She reported depression and anxiety.", DEFAULT_ITEM),
    "mme_per_day": ("", "Norco 10/325mg 1 tablet every 6 hours #120"),
    "motivated_to_change": ("She is motivated to return to work.", DEFAULT_ITEM),
    "myofascial_trigger_points": (
        "Trigger points with a twitch response were palpated.",
        DEFAULT_ITEM,
    ),
    "neuropathic_pain": ("She described burning pain in the foot.", DEFAULT_ITEM),
    "nsaid_use": ("She takes ibuprofen daily.", DEFAULT_ITEM),
    "on_opioids": ("She takes Norco for pain.", DEFAULT_ITEM),
    "opioid_agreement": ("A signed opioid agreement is on file.", DEFAULT_ITEM),
    "osteoarthritis": ("X-rays showed osteoarthritis of the right knee.", DEFAULT_ITEM),
    "pain_medication_reduced_or_not_tolerated": (
        "She was unable to tolerate oral medications.",
        DEFAULT_ITEM,
    ),
    "pain_relief_documented": ("Medication gave pain relief.", DEFAULT_ITEM),
    "pain_relief_percent": ("The last injection gave 60% relief.", DEFAULT_ITEM),
    "pain_relief_weeks": ("The last epidural injection gave 60% relief for 8 weeks.", DEFAULT_ITEM),
    "plateau_after_therapy": ("Progress in therapy has plateaued.", DEFAULT_ITEM),
    "post_operative": ("She underwent a lumbar discectomy on 08-01-2016.", DEFAULT_ITEM),
    "primary_procedure_certified": (
        "The right knee arthroscopy was certified on 09-01-2016.",
        "Post-operative cold therapy unit 7 days",
    ),
    "prior_conservative_care_failed": (
        "Physical therapy failed to improve her pain.",
        DEFAULT_ITEM,
    ),
    "prior_imaging_same_region": (
        "An MRI of the lumbar spine on 2-2-16 showed a disc bulge.",
        DEFAULT_ITEM,
    ),
    "prior_visits_completed": ("She completed 12 sessions of physical therapy.", DEFAULT_ITEM),
    "progressive_neurologic_deficit": ("She has progressive weakness of the leg.", DEFAULT_ITEM),
    "psych_clearance": ("A psychological evaluation cleared her for the stimulator.", DEFAULT_ITEM),
    "radiculopathy": ("Straight leg raise was positive on the left.", DEFAULT_ITEM),
    "radiculopathy_corroborated": (
        "An MRI on 2-2-16 showed an L5-S1 disc protrusion with nerve root compression.",
        DEFAULT_ITEM,
    ),
    "red_flags": ("She reported bowel and bladder incontinence.", DEFAULT_ITEM),
    "significant_change_in_symptoms": ("Her leg symptoms have worsened.", DEFAULT_ITEM),
    "successful_trial": ("The TENS trial was successful.", DEFAULT_ITEM),
    "surgery_planned": ("She is scheduled for a lumbar fusion.", DEFAULT_ITEM),
    "surgery_type": ("She underwent a carpal tunnel release on 08-01-2016.", DEFAULT_ITEM),
    "urine_drug_screen_done": ("A urine drug screen on 8-1-16 was consistent.", DEFAULT_ITEM),
    "weeks_since_surgery": ("She underwent a lumbar discectomy on 08-01-2016.", DEFAULT_ITEM),
    "weight_bearing_limited": ("She is morbidly obese with a BMI of 45.", DEFAULT_ITEM),
    "work_goal_defined": ("Her return to work goal is her usual job.", DEFAULT_ITEM),
}


def kb_fact_ids() -> set[str]:
    """Fact ids in every criteria tree of the KB, plus those the engine reads itself."""
    used: set[str] = set()
    for rec in load_kb().recommendations:
        trees = [rec.applies_if, rec.criteria, *(q.applies_if for q in rec.quantity)]
        for tree in trees:
            if tree is not None:
                used |= tree.facts()
    source = Path(engine_module.__file__).read_text(encoding="utf-8")
    used |= set(re.findall(r'facts\.get\("([a-z_]+)"\)', source))
    return used


def _extracted(fact_id: str) -> tuple[object, str]:
    sentence, item_text = EXAMPLES[fact_id]
    item = normalise_item(item_text)
    facts = extract_facts(
        BASE + sentence,
        request_date=REQUEST,
        item_description=item_text,
        item_region=item.body_region,
        drug_ingredients=tuple(item.ingredients),
    )
    given = engine_facts(item, facts)
    fact = facts.get(fact_id)
    if fact is not None and fact.assertion is Assertion.NOT_DOCUMENTED:
        return None, "only filled in as 'not documented'"
    derived = engine_module.case_facts(item, given, REQUEST, None)
    value = given.get(fact_id, derived.get(fact_id))
    return value, fact.evidence if fact is not None else ""


@pytest.mark.parametrize("fact_id", sorted(kb_fact_ids()))
def test_every_kb_fact_is_extractable_or_marked_with_a_reason(fact_id: str) -> None:
    declared = fact_index()
    assert fact_id in declared, f"{fact_id} is used by the KB but not declared in facts.yaml"
    reason = declared[fact_id].not_extractable_from_summary
    if reason is not None:
        assert len(reason) > 20, f"{fact_id}: give a real reason it is not extractable"
        if fact_id not in EXAMPLES:
            return
    assert fact_id in EXAMPLES, (
        f"{fact_id}: add an extraction rule and an example record here, or mark it "
        "`not_extractable_from_summary` in facts.yaml with the reason"
    )
    value, _ = _extracted(fact_id)
    assert value is not None, f"{fact_id} was not extracted from {EXAMPLES[fact_id][0]!r}"


def test_the_coverage_list_is_not_trivially_small() -> None:
    # The KB asks about dozens of facts; a broken collector would make the test above vacuous.
    assert len(kb_fact_ids()) >= 40
