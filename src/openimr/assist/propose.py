"""Proposals for disputed items: facts, guideline criteria, precedents, p_overturn, rationale.

`propose(case)` is the Python API the web workbench uses; `openimr assist batch` writes the same
records as JSON lines. Nothing here decides: the expert reviewer does (Labor Code 4610.6), and
a proposal is `insufficient` whenever the deciding criteria cannot be checked from the record.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from openimr.assist.context import Assertion
from openimr.assist.dates import parse_date
from openimr.assist.facts import CaseFacts, Fact, extract_facts
from openimr.assist.guidance import Guidance, guide, normalise
from openimr.assist.model import (
    FEATURES,
    PRECEDENTS_FILE,
    OutcomeModel,
    Thresholds,
    packaged_model_dir,
    rate_logit,
)
from openimr.assist.ports import PrecedentSearch
from openimr.assist.precedents import (
    find_precedents,
    load_precedent_index,
    precedent_overturn_rate,
    to_refs,
)
from openimr.assist.rationale import draft_rationale
from openimr.assist.reason_rank import ReasonRanker
from openimr.assist.reasons import candidates, reasons_for
from openimr.assist.schema import CaseInput, ItemInput, ItemProposal, Proposal
from openimr.corpus.search import Hit, ItemIndex
from openimr.evidence.normalise import NormalisedItem

PRECEDENT_K = 10  # hits used for the precedent feature; the output shows the best 5

# Facts whose negation is a documentation gap the MTUS weighs ("no functional improvement
# documented", "no drug screen on file"): counted as one feature.
_GAP_FACTS = (
    "functional_improvement_documented",
    "pain_relief_documented",
    "urine_drug_screen_done",
    "cures_checked",
    "opioid_agreement",
    "prior_conservative_care_failed",
    "home_exercise_program",
)


@dataclass
class ItemAnalysis:
    """Everything known about one item before the model scores it."""

    case_id: str
    item_id: str
    case_number: str | None
    description: str
    facts: CaseFacts
    guidance: Guidance
    hits: list[Hit]
    item: NormalisedItem | None = None


def _iso_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return parse_date(value)


def analyse_case(case: CaseInput, index: PrecedentSearch | None) -> list[ItemAnalysis]:
    """Facts, governing guidance and precedents for every item of one case.

    Surgeries are analysed first: a service that exists only for a surgery disputed in the same
    case (assistant surgeon, pre-operative clearance, post-operative therapy or equipment) is
    necessary only if that surgery is, so its `primary_procedure_certified` fact follows the
    surgery's guideline verdict (see `_primary_from_case`).
    """
    request_date = _iso_date(case.ur_denial_date)
    normalised = {item.id: normalise(item.description) for item in case.items}
    order = sorted(case.items, key=lambda item: 0 if _is_surgery(normalised[item.id]) else 1)
    surgeries: list[tuple[str, Guidance]] = []
    by_id: dict[str, ItemAnalysis] = {}
    for item in order:
        n = normalised[item.id]
        facts = extract_facts(
            case.clinical_case_summary,
            date_of_injury=case.date_of_injury,
            request_date=request_date,
            item_description=item.description,
            item_region=n.body_region,
            drug_ingredients=tuple(n.ingredients),
        )
        if _is_ancillary(n):
            _primary_from_case(facts, surgeries)
        guidance = guide(n, facts, request_date, _iso_date(case.date_of_injury))
        if _is_surgery(n):
            surgeries.append((item.description, guidance))
        hits = find_precedents(index, item.description, case.case_number, k=PRECEDENT_K)
        by_id[item.id] = ItemAnalysis(
            case_id=case.id,
            item_id=item.id,
            case_number=case.case_number,
            description=item.description,
            facts=facts,
            guidance=guidance,
            hits=hits,
            item=n,
        )
    return [by_id[item.id] for item in case.items]


def same_kind(hits: list[Hit], category: str | None) -> list[Hit]:
    """The precedents a reviewer is shown: only decided items of the same kind of treatment
    (an opioid request is not judged by NSAID or muscle-relaxant decisions). The model's
    precedent feature still reads every hit, as it was trained."""
    if not category:
        return hits
    return [h for h in hits if normalise(h.description).category == category]


def _is_surgery(item: NormalisedItem) -> bool:
    return item.category.startswith("surgery/") and item.category != "surgery/perioperative"


def _is_ancillary(item: NormalisedItem) -> bool:
    return (
        item.associated_surgical_service
        or item.post_operative
        or item.category == "surgery/perioperative"
    )


def _primary_from_case(facts: CaseFacts, surgeries: list[tuple[str, Guidance]]) -> None:
    """Set `primary_procedure_certified` from a surgery disputed in the same case: supported
    by its guideline criteria -> True, not supported -> False, undecided -> left as read."""
    for description, guidance in surgeries:
        if guidance.support == 0:
            continue
        supported = guidance.support > 0
        facts.resolved["primary_procedure_certified"] = Fact(
            "primary_procedure_certified",
            supported,
            Assertion.AFFIRMED,
            f"The surgery disputed in this case ({description}) is "
            f"{'' if supported else 'not '}supported by its guideline criteria.",
        )
        return


def _tri(value: object) -> float:
    return 1.0 if value is True else -1.0 if value is False else 0.0


def features(analysis: ItemAnalysis, category_rate: float, base_rate: float) -> np.ndarray:
    """The model's feature vector for one item, in `FEATURES` order (see model.py)."""
    g, f = analysis.guidance, analysis.facts
    evaluated = [c for c in g.criteria if c.status != "insufficient"]
    work = f.value("work_status")
    weeks = f.value("duration_weeks_since_injury")
    gaps = sum(f.value(name) is False for name in _GAP_FACTS)
    row = {
        "guideline_support": float(g.support),
        "guideline_strength": float(g.strength or 0),
        "criteria_unknown_share": (
            (len(g.criteria) - len(evaluated)) / len(g.criteria) if g.criteria else 0.0
        ),
        # met on the record's own words, not its silence: reviewers overturn when the file
        # shows the criteria, not when it merely fails to contradict them
        "criteria_met_documented": (
            float(min(g.criteria_met_documented, 3)) if g.support > 0 else 0.0
        ),
        "quantity_exceeds_limit": float(g.quantity_exceeds_limit),
        "category_rate": rate_logit(category_rate),
        "precedent_rate": rate_logit(precedent_overturn_rate(analysis.hits, base_rate)),
        "weeks_since_injury_log": math.log1p(float(weeks)) if isinstance(weeks, float) else 3.0,
        "functional_improvement": _tri(f.value("functional_improvement_documented")),
        "pain_relief": _tri(f.value("pain_relief_documented")),
        "working": {"working": 1.0, "modified_duty": 1.0, "off_work": -1.0}.get(str(work), 0.0),
        "continuation": float(g.continuation),
        "retrospective": float(g.retrospective),
        "documentation_gaps": float(gaps),
    }
    return np.array([row[name] for name in FEATURES], dtype=float)


def decide_proposal(guidance: Guidance, p_overturn: float, thresholds: Thresholds) -> Proposal:
    """`insufficient` when the deciding criteria cannot be evaluated from the record;
    `uphold` / `overturn` only inside the regions where such proposals were right often
    enough out of fold (`model.choose_thresholds`); `undecided` otherwise."""
    if guidance.deciding_unknown:
        return "insufficient"
    if p_overturn <= thresholds.uphold:
        return "uphold"
    if p_overturn >= thresholds.overturn:
        return "overturn"
    return "undecided"


def _precedent_sentence(hits: list[Hit]) -> str | None:
    shown = [h for h in hits[:5] if h.decision in ("upheld", "overturned")]
    if not shown:
        return None
    overturned = sum(h.decision == "overturned" for h in shown)
    return (
        f"Of the {len(shown)} most similar published items, {overturned} "
        f"{'was' if overturned == 1 else 'were'} overturned (best match: "
        f"{shown[0].case_number}, {shown[0].description!r}, {shown[0].decision})."
    )


class Assistant:
    """A loaded outcome model and precedent index, ready to propose (no retraining)."""

    def __init__(self, model: OutcomeModel, index: PrecedentSearch | None) -> None:
        self.model = model
        self.index = index
        self.ranker = ReasonRanker.from_json(model.reasons) if model.reasons else ReasonRanker()

    @classmethod
    def load(cls, model_dir: Path | None = None, corpus_dir: Path | None = None) -> Assistant:
        """The packaged model (or `model_dir`), with its own precedent index or a corpus store's."""
        directory = model_dir or packaged_model_dir()
        model = OutcomeModel.load(directory)
        if corpus_dir is not None:
            index: PrecedentSearch | None = ItemIndex.from_store(corpus_dir)
        elif (directory / PRECEDENTS_FILE).is_file():
            index = load_precedent_index(directory / PRECEDENTS_FILE)
        else:
            index = None
        return cls(model, index)

    def score(self, analysis: ItemAnalysis) -> float:
        rate = self.model.category_rate(analysis.guidance.category, analysis.guidance.body_region)
        row = features(analysis, rate, self.model.base_rate)
        return float(self.model.predict(row)[0])

    def propose_case(self, case: CaseInput) -> list[ItemProposal]:
        """One proposal per disputed item of `case` (docs/product.md `assist batch` lines)."""
        return [self._proposal(a) for a in analyse_case(case, self.index)]

    def _proposal(self, analysis: ItemAnalysis) -> ItemProposal:
        p = self.score(analysis)
        g = analysis.guidance
        proposal = decide_proposal(g, p, self.model.thresholds)
        ranked = self.ranker.rank(
            candidates(g, analysis.facts, analysis.item, analysis.description), g.category
        )
        reasons = reasons_for(ranked, g, proposal)
        return ItemProposal(
            case_id=analysis.case_id,
            item_id=analysis.item_id,
            p_overturn=round(p, 4),
            proposal=proposal,
            category=g.category,
            body_region=g.body_region,
            citations=g.citations,
            criteria=g.criteria,
            reasons=reasons,
            precedents=to_refs(same_kind(analysis.hits, g.category)),
            rationale=draft_rationale(
                analysis.description,
                g,
                proposal,
                p,
                _precedent_sentence(same_kind(analysis.hits, g.category)),
                reasons,
            ),
            facts=[
                fact.to_dict()
                for fact in analysis.facts.resolved.values()
                if fact.evidence and fact.value is not None
            ],
        )


_DEFAULT: Assistant | None = None


def propose(
    case_input: dict[str, Any] | CaseInput,
    *,
    model: OutcomeModel | None = None,
    index: PrecedentSearch | None = None,
) -> list[ItemProposal]:
    """Proposals for every item of one case (the workbench API; same content as `assist batch`).

    Without `model`/`index` the packaged model and its precedent index are used (loaded once).
    """
    global _DEFAULT
    case = case_input if isinstance(case_input, CaseInput) else CaseInput.model_validate(case_input)
    if model is None:
        if _DEFAULT is None:
            _DEFAULT = Assistant.load()
        model = _DEFAULT.model
        index = index if index is not None else _DEFAULT.index
    return Assistant(model, index).propose_case(case)


def case_input_from_letter(letter: dict[str, Any], case_id: str | None = None) -> CaseInput:
    """A reviewer's input built from a parsed letter: decisions, citations and rationales are
    stripped; only the dates, the summary and the item descriptions remain."""
    items = [
        ItemInput(id=str(n), description=str(item.get("description") or "").strip() or "(blank)")
        for n, item in enumerate(letter.get("items") or [], start=1)
    ]
    return CaseInput(
        id=case_id or str(letter.get("case_number") or letter.get("path") or "case"),
        case_number=letter.get("case_number"),
        date_of_injury=letter.get("date_of_injury"),
        ur_denial_date=letter.get("ur_denial_date"),
        priority=letter.get("priority"),
        clinical_case_summary=str(letter.get("clinical_case_summary") or ""),
        items=items,
    )
