"""The evidence engine: era, search sequence, criteria, quantity limits, conflict rule."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from openimr.assist.facts import extract_facts
from openimr.domain.vocabulary import EvidenceSource
from openimr.evidence.engine import evaluate, evaluate_criterion
from openimr.evidence.kb import load_kb
from openimr.evidence.normalise import normalise_item
from openimr.evidence.phase import phase_of_care
from openimr.evidence.schema import Criterion, Phase

ERA_B = date(2016, 12, 1)
ERA_C = date(2019, 6, 1)


def _crit(data: dict[str, object]) -> Criterion:
    return Criterion.model_validate(data)


# --- criteria trees ---------------------------------------------------------------------------

ALL = {
    "label": "both",
    "all": [{"label": "a", "fact": "red_flags"}, {"label": "b", "fact": "radiculopathy"}],
}


def test_all_is_not_met_by_the_first_failing_fact() -> None:
    result = evaluate_criterion(_crit(ALL), {"red_flags": True, "radiculopathy": False})
    assert (result.status, result.fact) == ("not_met", "radiculopathy")


def test_all_with_an_unknown_fact_is_insufficient_naming_it() -> None:
    result = evaluate_criterion(_crit(ALL), {"red_flags": True})
    assert (result.status, result.fact) == ("insufficient", "radiculopathy")


def test_any_is_met_by_the_first_met_child() -> None:
    tree = _crit({"label": "either", "any": ALL["all"]})
    assert (
        evaluate_criterion(tree, {"red_flags": False, "radiculopathy": True}).fact
        == "radiculopathy"
    )
    assert (
        evaluate_criterion(tree, {"red_flags": False, "radiculopathy": False}).status == "not_met"
    )
    assert evaluate_criterion(tree, {"red_flags": False}).status == "insufficient"


def test_at_least_counts_met_and_possible_children() -> None:
    tree = _crit(
        {
            "label": "2 of 3",
            "at_least": 2,
            "of": [
                {"label": "u", "fact": "urine_drug_screen_done"},
                {"label": "o", "fact": "opioid_agreement"},
                {"label": "c", "fact": "cures_checked"},
            ],
        }
    )
    assert (
        evaluate_criterion(tree, {"urine_drug_screen_done": True, "cures_checked": True}).status
        == "met"
    )
    assert evaluate_criterion(tree, {"urine_drug_screen_done": True}).status == "insufficient"
    assert (
        evaluate_criterion(
            tree, {"urine_drug_screen_done": False, "opioid_agreement": False}
        ).status
        == "not_met"
    )


def test_numeric_comparisons() -> None:
    tree = _crit({"label": "relief", "fact": "pain_relief_percent", "op": "ge", "value": 50})
    assert evaluate_criterion(tree, {"pain_relief_percent": 60}).status == "met"
    assert evaluate_criterion(tree, {"pain_relief_percent": 30}).status == "not_met"


def test_phase_of_care_from_weeks_and_surgery() -> None:
    assert phase_of_care(2) == Phase.ACUTE
    assert phase_of_care(8) == Phase.SUBACUTE
    assert phase_of_care(30) == Phase.CHRONIC
    assert phase_of_care(30, post_operative=True) == Phase.POST_OPERATIVE
    assert phase_of_care(None, chronic_pain=True) == Phase.CHRONIC
    assert phase_of_care(None) is None


def test_one_phase_rule_for_the_engine_and_the_record_reader() -> None:
    # 12.5 weeks: under three months, so subacute and not yet chronic pain, for both readers
    # (they used to disagree: the record reader said chronic, the engine subacute).
    item = normalise_item("Physical therapy 2x6 lumbar spine")
    on = date(2016, 4, 1)
    injured = on - timedelta(days=round(12.5 * 7))
    result = evaluate(item, {}, on, date_of_injury=injured)
    facts = extract_facts(
        "Date of injury " + f"{injured:%B} {injured.day}, {injured.year}. Low back pain.",
        request_date=on,
    )
    assert result.phase == facts.value("phase") == "subacute"
    assert facts.value("chronic_pain") is False
    assert phase_of_care(13) == Phase.CHRONIC


# --- selection and ranking on the shipped KB --------------------------------------------------


def test_lumbar_mri_in_era_b_ranks_low_back_complaints_special_studies_first() -> None:
    result = evaluate(normalise_item("MRI of the lumbar spine"), {}, ERA_B)
    top = result.first_mtus()
    assert top is not None and top.rank == 1
    assert (top.guideline, top.edition, top.sections) == (
        "Low Back Complaints",
        "2004",
        ("Special Studies",),
    )
    assert result.era == "B"


def test_the_same_item_in_era_c_cites_the_acoem_guideline_by_reference() -> None:
    top = evaluate(normalise_item("MRI of the lumbar spine"), {}, ERA_C).first_mtus()
    assert top is not None and top.guideline == "Low Back Disorders"
    assert top.edition == "2016"


def test_region_picks_the_chapter() -> None:
    for text, chapter in [
        ("MRI of the right knee", "Knee Complaints"),
        ("MRI of the left shoulder", "Shoulder Complaints"),
        ("Cervical spine MRI without contrast", "Neck and Upper Back Complaints"),
    ]:
        top = evaluate(normalise_item(text), {}, ERA_B).first_mtus()
        assert top is not None and top.guideline == chapter, text


def test_mtus_ranks_before_odg_and_cdc() -> None:
    result = evaluate(normalise_item("Norco 10/325mg #60"), {"chronic_pain": True}, ERA_B)
    sources = [r.source for r in result.recommendations]
    assert sources[0] == "MTUS"
    assert sources.index("non-MTUS") > max(i for i, s in enumerate(sources) if s == "MTUS")


def test_opioid_treatment_2016_governs_chronic_opioids_after_july_2016_only() -> None:
    after = evaluate(
        normalise_item("Norco 10/325mg #60"), {"chronic_pain": True}, ERA_B
    ).first_mtus()
    before = evaluate(
        normalise_item("Norco 10/325mg #60"), {"chronic_pain": True}, date(2015, 6, 1)
    ).first_mtus()
    assert after is not None and after.guideline == "Opioid Treatment"
    assert before is not None and (before.guideline, before.edition) == (
        "Chronic Pain Medical Treatment",
        "2009",
    )


def test_criteria_results_name_the_deciding_fact_and_drive_the_proposal() -> None:
    facts = {
        "chronic_pain": True,
        "functional_improvement_documented": False,
    }
    result = evaluate(normalise_item("Norco 10/325mg #60"), facts, ERA_B)
    top = result.recommendations[0]
    assert top.criteria is not None and top.criteria.status == "not_met"
    assert top.criteria.fact == "functional_improvement_documented"
    assert result.proposal == "not_certify"


def test_unknown_facts_give_insufficient_not_a_guess() -> None:
    result = evaluate(normalise_item("Norco 10/325mg #60"), {"chronic_pain": True}, ERA_B)
    assert result.proposal == "insufficient"
    assert result.recommendations[0].support == "insufficient"


def test_twelve_pt_visits_where_ten_are_the_limit_is_a_modification() -> None:
    facts = {"chronic_pain": True, "prior_visits_completed": 0}
    result = evaluate(normalise_item("Physical therapy 2x6 lumbar spine"), facts, ERA_B)
    top = result.recommendations[0]
    assert top.guideline == "Chronic Pain Medical Treatment"
    assert top.support == "partial"
    assert any(
        q.status == "exceeds" and q.allowed == 10 and q.requested == 12 for q in top.quantity
    )
    assert result.proposal == "modify"


def test_the_24_visit_statutory_cap_counts_prior_visits() -> None:
    facts = {
        "chronic_pain": True,
        "prior_visits_completed": 20,
        "functional_improvement_documented": True,
    }
    result = evaluate(normalise_item("Physical therapy 2 times a week for 3 weeks"), facts, ERA_B)
    cap = next(q for q in result.quantity if q.citation == "Labor Code 4604.5(c)(1)")
    assert (cap.requested, cap.allowed, cap.status) == (26.0, 24.0, "exceeds")


def test_postsurgical_initial_course_is_half_the_general_course() -> None:
    facts = {
        "surgery_type": "lumbar-discectomy",
        "prior_visits_completed": 0,
        "weeks_since_surgery": 3,
    }
    item = normalise_item("Post-op physical therapy 2 times a week for 6 weeks lumbar")
    result = evaluate(item, facts, ERA_B)
    table = [q for q in result.quantity if q.citation == "8 CCR 9792.24.3"]
    course = next(q for q in table if q.kind == "visits")
    assert (course.allowed, course.requested, course.status) == (8.0, 12.0, "exceeds")
    assert not any(
        q.citation == "Labor Code 4604.5(c)(1)" for q in result.quantity
    )  # exempt from the cap
    assert result.recommendations[0].guideline == "Postsurgical Treatment"


def test_acupuncture_trial_limit_applies_until_improvement_is_documented() -> None:
    item = normalise_item("Acupuncture 12 sessions")
    base = {"pain_medication_reduced_or_not_tolerated": True, "prior_visits_completed": 0}
    trial = evaluate(
        item, {**base, "functional_improvement_documented": False}, ERA_B
    ).recommendations[0]
    assert any(q.allowed == 6 and q.status == "exceeds" for q in trial.quantity)
    more = evaluate(
        item, {**base, "functional_improvement_documented": True}, ERA_B
    ).recommendations[0]
    assert not any(q.allowed == 6 for q in more.quantity)


def test_hot_cold_unit_for_the_lumbar_spine_is_not_recommended_by_the_mtus() -> None:
    result = evaluate(normalise_item("Hot/Cold unit for the lumbar spine"), {}, ERA_B)
    top = result.recommendations[0]
    assert (top.guideline, top.pages) == ("Low Back Complaints", ("299",))
    assert top.support == "does_not_support"
    assert result.proposal == "not_certify"
    citation = top.citation()
    assert citation.source is EvidenceSource.MTUS and citation.edition == "2004"


def test_ancillary_service_of_a_non_certified_surgery_is_not_certified() -> None:
    item = normalise_item("Associated surgical service: Medical clearance")
    result = evaluate(item, {"primary_procedure_certified": False}, ERA_B)
    assert result.proposal == "not_certify"
    assert "surgery" in result.reasons[0]


def test_unknown_items_return_no_recommendation_and_say_why() -> None:
    result = evaluate(normalise_item("N/A, see attached"), {}, ERA_B)
    assert result.recommendations == () and result.proposal == "insufficient"
    assert "not placed" in result.reasons[0]


def test_entries_out_of_force_or_about_other_regions_are_listed_as_excluded() -> None:
    result = evaluate(normalise_item("MRI of the right knee"), {}, ERA_B)
    reasons = dict(result.excluded)
    assert "not in force" in reasons["c.mri.acoem-knee"]
    assert "not knee" in reasons["b.spine-imaging.low-back"]


# --- the conflict rule (8 CCR 9792.25.1) on a small KB ------------------------------------------

KB_DOCS = """
version: 1
written_on: 2026-01-01
docs:
  - {id: m, source: MTUS, step: mtus, guideline: Low Back Complaints, publisher: ACOEM,
     editions: [{edition: "2004", effective_from: 2007-06-15}], effective_to: 2017-11-30}
  - {id: o, source: non-MTUS, step: acoem-odg, guideline: ODG Low Back, publisher: ODG,
     editions: [{edition: current, effective_from: 2007-06-15}]}
recommendations:
  - {id: mtus-against, doc: m, category: dme/tens, direction: against, strength: -1, certainty: CM,
     paraphrase: The MTUS entry says no to this device.}
  - {id: odg-for, doc: o, category: dme/tens, direction: for, strength: 2, certainty: CO,
     paraphrase: The competing guideline says yes to it.}
"""


def _conflict_kb(tmp_path: Path, mtus_certainty: int, other_certainty: int) -> Path:
    text = KB_DOCS.replace("CM", str(mtus_certainty)).replace("CO", str(other_certainty))
    (tmp_path / "kb.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_a_tie_in_evidence_goes_to_the_mtus(tmp_path: Path) -> None:
    kb = load_kb(_conflict_kb(tmp_path, 2, 2))
    result = evaluate(normalise_item("TENS unit"), {}, ERA_B, kb=kb)
    assert result.conflict is not None and result.conflict.prevails == "mtus-against"
    assert result.recommendations[0].id == "mtus-against"
    assert result.proposal == "not_certify"


def test_stronger_competing_evidence_prevails_and_ranks_first(tmp_path: Path) -> None:
    kb = load_kb(_conflict_kb(tmp_path, 1, 3))
    result = evaluate(normalise_item("TENS unit"), {}, ERA_B, kb=kb)
    assert result.conflict is not None and result.conflict.prevails == "odg-for"
    assert result.recommendations[0].id == "odg-for"
    assert result.proposal == "certify"


def test_without_an_mtus_entry_the_next_search_step_governs(tmp_path: Path) -> None:
    kb = load_kb(_conflict_kb(tmp_path, 2, 2))
    result = evaluate(normalise_item("TENS unit"), {}, ERA_C, kb=kb)  # MTUS doc out of force
    assert result.governing_step == "acoem-odg"
    assert result.first_mtus() is None


def test_formulary_notes_apply_to_drug_requests_from_2018_only() -> None:
    item = normalise_item("Flurbiprofen 20%/Lidocaine 5% cream 120gm")
    assert evaluate(item, {}, ERA_B).formulary == ()
    notes = evaluate(item, {}, ERA_C).formulary
    assert any("Compounded drug" in n for n in notes)
    assert any("not evaluated" in n for n in notes)
