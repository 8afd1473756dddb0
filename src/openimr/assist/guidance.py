"""The governing recommendation for one item, from the evidence engine, in assist terms.

The evidence package owns the knowledge base, the item normaliser and the MTUS search
sequence (8 CCR 9792.21.1) with its conflict rule (8 CCR 9792.25.1). This adapter asks it for
the ranked recommendations of one item and keeps what the assist needs: the citations in rank
order, the governing direction and strength, and each criterion of the governing
recommendation with its status and the record's words that decided it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from openimr.assist.context import Assertion
from openimr.assist.facts import CaseFacts
from openimr.assist.schema import CitationOut, CriterionResult
from openimr.evidence.engine import CriterionResult as EngineCriterion
from openimr.evidence.engine import RankedRecommendation, evaluate
from openimr.evidence.normalise import NormalisedItem, normalise_item
from openimr.evidence.vocab import fact_index


@dataclass
class Guidance:
    """What the guidelines say about one item, checked against the record."""

    category: str | None = None
    body_region: str | None = None
    citations: list[CitationOut] = field(default_factory=list)
    direction: int = 0  # +1 for, 0 none/insufficient evidence, -1 against
    support: int = 0  # engine: +1 supports this request, -1 does not, 0 cannot tell
    criteria_status: str | None = None  # status of the governing criteria tree as a whole
    engine_proposal: str | None = None  # certify / modify / not_certify / insufficient
    strength: int | None = None  # ordinal -3..+3 (docs/guidelines.md §3.2)
    native_label: str | None = None
    paraphrase: str | None = None
    criteria: list[CriterionResult] = field(default_factory=list)
    quantity_exceeds_limit: bool = False
    quantity_note: str | None = None
    reasons: list[str] = field(default_factory=list)
    continuation: bool = False
    retrospective: bool = False

    @property
    def deciding_unknown(self) -> bool:
        """True when the governing recommendation's criteria, taken as a whole, cannot be
        evaluated from the record: any proposal would then be a guess."""
        return self.criteria_status == "insufficient"


def normalise(description: str) -> NormalisedItem:
    """The evidence package's reading of the item text (category, region, quantities)."""
    return normalise_item(description)


# Therapy categories whose earlier visits count toward limits (LC 4604.5(c)(1) cap).
_VISIT_FACT = {
    "therapy/physical": "visits_physical_therapy",
    "therapy/occupational": "visits_physical_therapy",
    "therapy/chiropractic": "visits_chiropractic",
    "therapy/acupuncture": "visits_acupuncture",
    "therapy/massage": "visits_massage",
}
_PRIOR_FACT = {
    "visits_physical_therapy": "prior_physical_therapy",
    "visits_chiropractic": "prior_chiropractic",
    "visits_acupuncture": "prior_acupuncture",
    "visits_massage": "prior_physical_therapy",
}
_DIRECTION = {"for": 1, "neutral": 0, "against": -1}
_SUPPORT = {"supports": 1, "partial": 1, "does_not_support": -1, "insufficient": 0}


@cache
def _fact_ids() -> frozenset[str]:
    return frozenset(fact_index())


def engine_facts(item: NormalisedItem, facts: CaseFacts) -> dict[str, object]:
    """The case facts in the evidence vocabulary (data/facts.yaml ids) for this item."""
    known = _fact_ids()
    out: dict[str, object] = {k: v for k, v in facts.values().items() if k in known}
    therapy = _VISIT_FACT.get(item.category)
    if therapy is not None:
        visits = facts.value(therapy)
        prior = facts.get(_PRIOR_FACT[therapy])
        if isinstance(visits, float):
            out["prior_visits_completed"] = visits
        elif prior is not None and prior.value is True:
            out["prior_visits_completed"] = 1.0  # a prior course, count not stated: at least one
        elif _CONTINUATION.search(item.text):
            # "additional / continued therapy": the request itself says a course came before
            out["prior_visits_completed"] = 1.0
        elif prior is not None and prior.value is False:
            out["prior_visits_completed"] = 0.0  # denied, or never mentioned in a full record
    if item.category == "therapy/post-surgical" and "prior_visits_completed" not in out:
        prior = _postoperative_visits(facts, item)
        if prior is not None:
            out["prior_visits_completed"] = prior
    if "adjunct_to_active_therapy" not in out and (
        facts.value("home_exercise_program") is True
        or facts.value("prior_physical_therapy") is True
    ):
        out["adjunct_to_active_therapy"] = True
    return out


_POST_OP = re.compile(r"post-?op\w*|post-?surgical|after (?:the |his |her )?surgery", re.I)


def _postoperative_visits(facts: CaseFacts, item: NormalisedItem) -> float | None:
    """Post-operative therapy visits already done (8 CCR 9792.24.3 initial course): the count
    in a sentence about post-operative therapy, 1 when such therapy is named without a count
    or the request is for "additional" therapy, 0 when a substantive record names none."""
    for mention in reversed(facts.mentions.get("visits_physical_therapy", [])):
        if _POST_OP.search(mention.evidence) and isinstance(mention.value, float):
            return mention.value
    for mention in facts.mentions.get("prior_physical_therapy", []):
        if mention.value is True and _POST_OP.search(mention.evidence):
            return 1.0
    if _CONTINUATION.search(item.text):
        return 1.0
    return 0.0 if facts.substantive else None


def guide(
    item: NormalisedItem,
    facts: CaseFacts,
    request_date: date | None,
    date_of_injury: date | None = None,
) -> Guidance:
    """Evaluate a normalised item with the evidence engine (8 CCR 9792.21.1 search sequence,
    9792.25.1 conflicts) and keep the governing recommendation's criteria with the record's
    words. Without a request date the era is taken from today, and the reason says so."""
    description = item.text
    guidance = Guidance(
        category=item.category if item.known else None,
        body_region=item.body_region,
        continuation=bool(_CONTINUATION.search(description)),
        retrospective=item.retrospective or bool(_RETROSPECTIVE.search(description)),
        reasons=[item.reason],
    )
    if request_date is None:
        request_date = date.today()
        guidance.reasons.append("request date unknown: guideline era taken as of today")
    result = evaluate(item, engine_facts(item, facts), request_date, date_of_injury=date_of_injury)
    guidance.engine_proposal = result.proposal
    guidance.reasons.extend(result.reasons)
    guidance.citations = _citations(result.recommendations)
    top = result.top
    if top is None:
        return guidance
    guidance.direction = _DIRECTION.get(top.direction, 0)
    guidance.support = _SUPPORT.get(top.support, 0)
    if result.proposal == "not_certify":
        guidance.support = -1  # e.g. a service for a surgery that is itself not supported
    guidance.strength = top.strength
    guidance.native_label = top.native_label
    guidance.paraphrase = top.paraphrase
    if top.criteria is not None:
        guidance.criteria_status = top.criteria.status
        guidance.criteria = [
            _criterion(leaf, facts, item.category) for leaf in top.criteria.leaves()
        ]
    over = [q for q in (*top.quantity, *result.quantity) if q.status == "exceeds"]
    if over:
        guidance.quantity_exceeds_limit = True
        guidance.quantity_note = "; ".join(
            f"The request exceeds {q.label}"
            + (f" ({q.requested:g} requested, {q.allowed:g} allowed)" if q.requested else "")
            + (f", {q.citation}" if q.citation else "")
            for q in over
        )
    return guidance


def _citations(recs: tuple[RankedRecommendation, ...]) -> list[CitationOut]:
    out: list[CitationOut] = []
    seen: set[tuple[str, str | None, tuple[str, ...]]] = set()
    for rec in recs:
        c = rec.citation()
        key = (c.guideline or "", c.edition, c.sections)
        if key in seen:
            continue
        seen.add(key)
        out.append(
            CitationOut(
                source=c.source.value,
                guideline=c.guideline,
                edition=c.edition,
                sections=list(c.sections),
                pages=list(c.pages),
                strength=c.strength,
            )
        )
    return out


def _criterion(leaf: EngineCriterion, facts: CaseFacts, category: str) -> CriterionResult:
    """One leaf criterion with the sentence of the record that decided it."""
    name = leaf.fact
    if name == "prior_visits_completed" and category in _VISIT_FACT:
        # derived from the count of visits, or else from the mention of the therapy
        count = _VISIT_FACT[category]
        name = count if facts.get(count) else _PRIOR_FACT[count]
    fact = facts.get(name) if name else None
    if fact is not None and fact.assertion is Assertion.NOT_DOCUMENTED:
        evidence = "not mentioned in the clinical case summary"
    elif fact is not None:
        evidence = fact.evidence
    elif leaf.status == "insufficient":
        evidence = "the record does not say"
    else:
        evidence = f"{leaf.fact} = {leaf.value}" if leaf.fact else ""
    return CriterionResult(criterion=leaf.label, status=leaf.status, evidence=evidence)


# A renewal or an additional course must show functional improvement from the earlier one
# (8 CCR 9792.20(f); 9792.24.1(d) for acupuncture); an initial trial need not.
_CONTINUATION = re.compile(
    r"\b(?:additional|continued|continuing|continue|ongoing|further|more|extra|renewal|refills?|"
    r"repeat|second|third|remaining|x\s?\d+ more)\b",
    re.IGNORECASE,
)
_RETROSPECTIVE = re.compile(r"retrospective|retro\b|\bDOS\b|date of service|dispensed", re.I)
