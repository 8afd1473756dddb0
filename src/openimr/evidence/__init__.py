"""openimr.evidence: the guideline knowledge base and the evidence-hierarchy engine.

Public API (import from `openimr.evidence`):

Normaliser
    normalise_item(text) -> NormalisedItem
        Free-text disputed item ("Norco 10/325mg #60", "Physical therapy 2x6 lumbar spine")
        -> category id (data/categories.yaml, e.g. "imaging/mri", or "unknown" with `reason`),
        intervention, body_region(s), laterality, visits / frequency / duration, rental days,
        drug ingredient, strength, count, MME per unit and per day (CDC 2022 clinical factors),
        retrospective flag, associated-surgical-service flag.

Engine
    evaluate(item, facts, request_date, *, date_of_injury=None) -> EngineResult
        `facts`: {fact id (data/facts.yaml): value}; missing facts make criteria
        `insufficient`. `request_date` (request or UR decision date) picks the MTUS era.
        EngineResult.recommendations: RankedRecommendation in the order of 8 CCR 9792.21.1,
        each with source/guideline/edition/sections/pages, strength (-3..3), certainty (0..4),
        direction, support ("supports" / "does_not_support" / "partial" / "insufficient"),
        the criteria tree result (CriterionResult: status + deciding fact), quantity checks
        and reasons; `.citation()` gives a domain Citation. Also: era, phase, regulation
        quantity checks (LC 4604.5 visit cap, 9792.24.3 postsurgical table), the 9792.25.1
        conflict (if any), formulary notes, and a `proposal`
        ("certify" / "modify" / "not_certify" / "insufficient") with reasons.
        EngineResult.first_mtus() is the first-ranked MTUS recommendation.

Data and vocabularies
    load_kb() -> KnowledgeBase (validated YAML under data/kb/; RuleDataError on bad data)
    lint() -> LintReport (coverage of categories, eras, verified share)
    validate_all() -> LintReport: loads every evidence data file or raises RuleDataError
        (call it at service start-up)
    load_categories(), load_facts(), fact_index(), category_ids(), region_ids()
    mtus_era(date) -> "A" | "B" | "C" | None
    mme_per_day(ingredient, mg_per_day) -> float (CDC 2022 clinical conversion factors)
"""

from __future__ import annotations

from openimr.evidence.engine import (
    Conflict,
    CriterionResult,
    EngineResult,
    QuantityCheck,
    RankedRecommendation,
    evaluate,
    evaluate_criterion,
)
from openimr.evidence.kb import KnowledgeBase, LintReport, lint, load_kb, mtus_era, validate_all
from openimr.evidence.mme import mme_factor, mme_per_day
from openimr.evidence.normalise import UNKNOWN, NormalisedItem, normalise_item
from openimr.evidence.phase import is_chronic, phase_of_care
from openimr.evidence.vocab import category_ids, fact_index, load_categories, load_facts, region_ids

__all__ = [
    "UNKNOWN",
    "Conflict",
    "CriterionResult",
    "EngineResult",
    "KnowledgeBase",
    "LintReport",
    "NormalisedItem",
    "QuantityCheck",
    "RankedRecommendation",
    "category_ids",
    "evaluate",
    "evaluate_criterion",
    "fact_index",
    "lint",
    "load_categories",
    "load_facts",
    "load_kb",
    "mme_factor",
    "mme_per_day",
    "mtus_era",
    "normalise_item",
    "is_chronic",
    "phase_of_care",
    "region_ids",
    "validate_all",
]
