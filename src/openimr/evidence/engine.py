"""The evidence-hierarchy engine: which recommendations govern an item, and what they say.

Pure functions over the knowledge base. Given a normalised item, the case facts and the date
of the request, `evaluate` follows docs/regulations.md §5.5:

1. select the recommendations in force on the date (MTUS era), for the item's category,
   region and phase of care, whose applicability conditions are not contradicted;
2. rank them by the medical evidence search sequence, 8 CCR 9792.21.1 (MTUS first, then
   ACOEM/ODG, then other evidence-based guidelines);
3. evaluate each one's criteria tree to met / not_met / insufficient, naming the deciding fact;
4. check quantity limits (guideline limits, the LC 4604.5(c)(1) 24-visit cap, the
   8 CCR 9792.24.3 postsurgical table);
5. resolve conflicts between the MTUS and a competing guideline by 8 CCR 9792.25.1: the
   better-supported applicable recommendation prevails, a tie goes to the MTUS (presumption,
   LC 4604.5(a)).

The engine proposes; the reviewer decides.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

from openimr.domain.citation import Citation
from openimr.domain.vocabulary import EvidenceSource
from openimr.evidence.kb import KnowledgeBase, load_kb, mtus_era
from openimr.evidence.normalise import NormalisedItem
from openimr.evidence.phase import is_chronic, phase_of_care
from openimr.evidence.schema import (
    TIER_OF_STEP,
    Criterion,
    GuidelineDoc,
    Phase,
    QuantityLimit,
    ReasonCode,
    Recommendation,
    SearchStep,
)

Status = Literal["met", "not_met", "insufficient"]
Support = Literal["supports", "does_not_support", "partial", "insufficient"]
Proposal = Literal["certify", "modify", "not_certify", "insufficient"]

_STEP_ORDER = {
    SearchStep.MTUS: 0,
    SearchStep.REGULATION: 0,
    SearchStep.ACOEM_ODG: 1,
    SearchStep.OTHER_GUIDELINE: 2,
    SearchStep.PEER_REVIEWED: 3,
}


@dataclass(frozen=True)
class CriterionResult:
    """The outcome of one criteria node and the fact that decided it."""

    label: str
    status: Status
    fact: str | None = None  # the deciding fact (None when no single fact decided)
    value: object = None  # that fact's value in the case (None = unknown)
    children: tuple[CriterionResult, ...] = ()
    reason: ReasonCode | None = None  # the deciding reason when not met (reasons.md)

    def to_dict(self) -> dict[str, object]:
        return {
            "criterion": self.label,
            "status": self.status,
            "fact": self.fact,
            "value": self.value,
            "reason": self.reason,
            "children": [c.to_dict() for c in self.children],
        }

    def leaves(self) -> tuple[CriterionResult, ...]:
        if not self.children:
            return (self,)
        return tuple(leaf for child in self.children for leaf in child.leaves())


@dataclass(frozen=True)
class QuantityCheck:
    """A requested quantity against a limit."""

    kind: str
    label: str
    requested: float | None
    allowed: float
    status: Literal["within", "exceeds", "unknown"]
    citation: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "label": self.label,
            "requested": self.requested,
            "allowed": self.allowed,
            "status": self.status,
            "citation": self.citation,
        }


@dataclass(frozen=True)
class RankedRecommendation:
    """One applicable recommendation, ranked, with its evaluation and the reasons."""

    rank: int
    id: str
    source: str  # "MTUS" or "non-MTUS"
    tier: int
    step: str
    guideline: str
    edition: str | None
    sections: tuple[str, ...]
    pages: tuple[str, ...]
    strength: int
    certainty: int
    direction: str
    native_label: str | None
    paraphrase: str
    verified: bool
    support: Support
    criteria: CriterionResult | None
    quantity: tuple[QuantityCheck, ...]
    reasons: tuple[str, ...]
    # "confirmed" when its region, phase and applicability conditions are known to fit the
    # case; "assumed" when one of them is unknown (9792.25.1 step 2 needs confirmed ones).
    applicability: Literal["confirmed", "assumed"] = "confirmed"

    def citation(self) -> Citation:
        """As a domain Citation (the letter/assist contract shape)."""
        return Citation(
            source=EvidenceSource.MTUS if self.source == "MTUS" else EvidenceSource.NON_MTUS,
            guideline=self.guideline,
            edition=None if self.edition in (None, "current") else self.edition,
            sections=self.sections,
            pages=self.pages,
            strength=_strength_label(self.strength, self.certainty),
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "rank": self.rank,
            "id": self.id,
            "source": self.source,
            "tier": self.tier,
            "step": self.step,
            "guideline": self.guideline,
            "edition": self.edition,
            "sections": list(self.sections),
            "pages": list(self.pages),
            "strength": self.strength,
            "certainty": self.certainty,
            "direction": self.direction,
            "native_label": self.native_label,
            "paraphrase": self.paraphrase,
            "verified": self.verified,
            "support": self.support,
            "criteria": self.criteria.to_dict() if self.criteria else None,
            "quantity": [q.to_dict() for q in self.quantity],
            "reasons": list(self.reasons),
            "applicability": self.applicability,
        }


@dataclass(frozen=True)
class Conflict:
    """An MTUS recommendation and a competing one that disagree (8 CCR 9792.25.1)."""

    mtus_id: str
    other_id: str
    prevails: str  # id of the prevailing recommendation
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {
            "mtus": self.mtus_id,
            "other": self.other_id,
            "prevails": self.prevails,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class EngineResult:
    """Everything the engine found for one item on one date."""

    item: NormalisedItem
    request_date: date
    era: str | None
    phase: str | None
    governing_step: str | None  # the search-sequence step that governs (9792.21.1)
    recommendations: tuple[RankedRecommendation, ...]
    excluded: tuple[tuple[str, str], ...]  # (recommendation id, why it does not apply)
    quantity: tuple[QuantityCheck, ...]  # regulation-level checks (visit cap, postsurgical table)
    conflict: Conflict | None
    proposal: Proposal
    reasons: tuple[str, ...]
    formulary: tuple[str, ...] = field(default_factory=tuple)

    @property
    def top(self) -> RankedRecommendation | None:
        return self.recommendations[0] if self.recommendations else None

    def first_mtus(self) -> RankedRecommendation | None:
        return next((r for r in self.recommendations if r.source == "MTUS"), None)

    def citations(self) -> list[Citation]:
        return [r.citation() for r in self.recommendations]

    def to_dict(self) -> dict[str, object]:
        return {
            "item": self.item.to_dict(),
            "request_date": self.request_date.isoformat(),
            "era": self.era,
            "phase": self.phase,
            "governing_step": self.governing_step,
            "proposal": self.proposal,
            "reasons": list(self.reasons),
            "recommendations": [r.to_dict() for r in self.recommendations],
            "excluded": [{"id": i, "reason": why} for i, why in self.excluded],
            "quantity": [q.to_dict() for q in self.quantity],
            "conflict": self.conflict.to_dict() if self.conflict else None,
            "formulary": list(self.formulary),
        }


# --- criteria -------------------------------------------------------------------------------


def evaluate_criterion(
    node: Criterion,
    facts: Mapping[str, object],
    reasons: Mapping[str, ReasonCode] | None = None,
) -> CriterionResult:
    """Evaluate a criteria tree against the case facts; an unknown fact is `insufficient`.

    `reasons` (fact id -> code, `KnowledgeBase.fact_reasons`) names the deciding reason of a
    leaf that fails when the node does not name its own."""
    if node.fact is not None:
        reason = node.reason or (reasons or {}).get(node.fact)
        value = facts.get(node.fact)
        if value is None:
            return CriterionResult(node.label, "insufficient", node.fact, None, reason=reason)
        return CriterionResult(
            node.label,
            "met" if _compare(value, node.op, node.value) else "not_met",
            node.fact,
            value,
            reason=reason,
        )
    children = tuple(
        evaluate_criterion(c, facts, reasons) for c in (node.all or node.any or node.of or ())
    )
    met = [c for c in children if c.status == "met"]
    unknown = [c for c in children if c.status == "insufficient"]
    failed = [c for c in children if c.status == "not_met"]
    own = node.reason
    if node.all is not None:
        if failed:
            return _decided(node.label, "not_met", failed[0], children, own)
        if unknown:
            return _decided(node.label, "insufficient", unknown[0], children, own)
        return _decided(node.label, "met", children[-1], children, own)
    if node.any is not None:
        if met:
            return _decided(node.label, "met", met[0], children, own)
        if unknown:
            return _decided(node.label, "insufficient", unknown[0], children, own)
        return _decided(node.label, "not_met", failed[0] if failed else None, children, own)
    need = node.at_least or 0
    if len(met) >= need:
        return _decided(node.label, "met", met[need - 1], children, own)
    if len(met) + len(unknown) < need:
        return _decided(node.label, "not_met", failed[0] if failed else None, children, own)
    return _decided(node.label, "insufficient", unknown[0], children, own)


def _decided(
    label: str,
    status: Status,
    decider: CriterionResult | None,
    children: tuple[CriterionResult, ...],
    reason: ReasonCode | None = None,
) -> CriterionResult:
    return CriterionResult(
        label,
        status,
        decider.fact if decider else None,
        decider.value if decider else None,
        children,
        reason=reason or (decider.reason if decider else None),
    )


def _compare(value: object, op: str, target: object) -> bool:
    if op == "is":
        if isinstance(target, bool):
            return bool(value) is target
        return str(value) == str(target)
    if op == "in":
        return str(value) in (target if isinstance(target, tuple) else (str(target),))
    try:
        v, t = float(value), float(target)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return {"ge": v >= t, "le": v <= t, "gt": v > t, "lt": v < t}[op]


# --- facts and phase ------------------------------------------------------------------------


def case_facts(
    item: NormalisedItem,
    facts: Mapping[str, object],
    request_date: date,
    date_of_injury: date | None = None,
) -> dict[str, object]:
    """The facts the criteria see: the given ones, plus those the item and dates imply.

    Given facts always win; derived ones only fill gaps. "chronic_pain" follows the
    8 CCR 9792.20 definition (3 months or more from onset).
    """
    out = {k: v for k, v in facts.items() if v is not None}
    if date_of_injury is not None and "duration_weeks_since_injury" not in out:
        out["duration_weeks_since_injury"] = max(0, (request_date - date_of_injury).days) / 7
    weeks = out.get("duration_weeks_since_injury")
    if "chronic_pain" not in out and isinstance(weeks, int | float):
        out["chronic_pain"] = is_chronic(weeks)
    out.setdefault("retrospective_request", item.retrospective)
    if item.post_operative:
        out.setdefault("post_operative", True)
    if item.mme_per_day is not None:
        out.setdefault("mme_per_day", item.mme_per_day)
    return out


def _phase(facts: Mapping[str, object]) -> Phase | None:
    """The phase of care the facts imply (`openimr.evidence.phase`)."""
    weeks = facts.get("duration_weeks_since_injury")
    chronic = facts.get("chronic_pain")
    return phase_of_care(
        float(weeks) if isinstance(weeks, int | float) else None,
        post_operative=facts.get("post_operative") is True,
        chronic_pain=chronic if isinstance(chronic, bool) else None,
    )


# --- quantity -------------------------------------------------------------------------------


def _requested(kind: str, item: NormalisedItem, facts: Mapping[str, object]) -> float | None:
    value: object = {
        "visits": item.visits,
        "weeks": item.duration_weeks,
        "days_supply": item.days_supply,
        "units": item.count
        if item.category.startswith("medication/")
        else item.visits or item.count,
        "mme_per_day": item.mme_per_day
        if item.mme_per_day is not None
        else facts.get("mme_per_day"),
        "rental_days": item.rental_days,
        "visits_per_week": item.frequency_per_week,
    }.get(kind)
    return float(value) if isinstance(value, int | float) else None


def check_limit(
    limit: QuantityLimit, item: NormalisedItem, facts: Mapping[str, object]
) -> QuantityCheck | None:
    """One guideline limit against the request; None when the limit does not apply."""
    if (
        limit.applies_if is not None
        and evaluate_criterion(limit.applies_if, facts).status == "not_met"
    ):
        return None
    requested = _requested(limit.kind, item, facts)
    if requested is None:
        status: Literal["within", "exceeds", "unknown"] = "unknown"
    else:
        status = "exceeds" if requested > limit.max else "within"
    return QuantityCheck(limit.kind, limit.label, requested, limit.max, status, limit.citation)


def regulation_checks(
    item: NormalisedItem,
    facts: Mapping[str, object],
    kb: KnowledgeBase,
    date_of_injury: date | None = None,
) -> tuple[QuantityCheck, ...]:
    """Statutory and regulatory quantity rules that sit outside any guideline.

    - LC 4604.5(c)(1): at most 24 PT, 24 OT and 24 chiropractic visits per injury (injuries
      on or after 2004-01-01); postsurgical physical medicine is exempt.
    - 8 CCR 9792.24.3: the postsurgical general course; the initial course is half of it,
      and the visits must fall within the postsurgical period.
    """
    checks: list[QuantityCheck] = []
    cap = kb.visit_cap.get(item.category)
    injury_ok = date_of_injury is None or date_of_injury >= date(2004, 1, 1)
    if cap and injury_ok and not item.post_operative:
        prior = facts.get("prior_visits_completed")
        total = (float(prior) if isinstance(prior, int | float) else 0.0) + (item.visits or 0)
        known = item.visits is not None and isinstance(prior, int | float)
        checks.append(
            QuantityCheck(
                "visits",
                f"statutory cap of {cap} visits per industrial injury (prior + requested)",
                total if item.visits is not None else None,
                float(cap),
                ("exceeds" if total > cap else "within")
                if known
                else ("exceeds" if total > cap else "unknown"),
                "Labor Code 4604.5(c)(1)",
            )
        )
    surgery = facts.get("surgery_type")
    row = kb.postsurgical.get(str(surgery)) if surgery else None
    if item.category == "therapy/post-surgical" and row is not None:
        improved = facts.get("functional_improvement_documented") is True
        allowed = row.visits_max if improved else max(1, row.visits_max // 2)
        prior = facts.get("prior_visits_completed")
        total = (float(prior) if isinstance(prior, int | float) else 0.0) + (item.visits or 0)
        label = f"{row.label}: {'general' if improved else 'initial (half of the general)'} course"
        checks.append(
            QuantityCheck(
                "visits",
                label,
                total if item.visits is not None else None,
                float(allowed),
                ("exceeds" if total > allowed else "within")
                if item.visits is not None
                else "unknown",
                "8 CCR 9792.24.3",
            )
        )
        weeks_after = facts.get("weeks_since_surgery")
        if isinstance(weeks_after, int | float):
            period_weeks = row.period_months * 52 / 12
            checks.append(
                QuantityCheck(
                    "weeks",
                    f"{row.label}: postsurgical treatment period of {row.period_months} months",
                    float(weeks_after),
                    round(period_weeks, 1),
                    "exceeds" if weeks_after > period_weeks else "within",
                    "8 CCR 9792.24.3",
                )
            )
    return tuple(checks)


def formulary_notes(
    item: NormalisedItem, facts: Mapping[str, object], request_date: date, kb: KnowledgeBase
) -> tuple[str, ...]:
    """Formulary concepts that bear on a drug request (8 CCR 9792.27.x, from 2018-01-01).

    We do not ship the MTUS Drug List, so Exempt/Non-Exempt status is not decided here.
    """
    if not item.category.startswith("medication/") or request_date < date(2018, 1, 1):
        return ()
    notes: list[str] = [
        "MTUS Drug List status (Exempt / Non-Exempt / Unlisted) not evaluated: "
        "the list is not shipped with openimr (8 CCR 9792.27.15)"
    ]
    if item.category == "medication/compound-topical" and "compounded" in kb.formulary:
        concept = kb.formulary["compounded"]
        notes.append(f"{concept.label} ({concept.citation}): {concept.rule}")
    weeks_after = facts.get("weeks_since_surgery")
    peri = kb.formulary.get("perioperative-fill")
    if peri and isinstance(weeks_after, int | float) and peri.window_days is not None:
        inside = abs(weeks_after * 7) <= peri.window_days
        where = "inside" if inside else "outside"
        notes.append(f"{peri.label} ({peri.citation}): request is {where} the window. {peri.rule}")
    weeks = facts.get("duration_weeks_since_injury")
    special = kb.formulary.get("special-fill")
    if (
        special
        and isinstance(weeks, int | float)
        and special.window_days is not None
        and weeks * 7 <= special.window_days
    ):
        notes.append(f"{special.label} ({special.citation}): {special.rule}")
    return tuple(notes)


# --- selection, ranking, conflict -----------------------------------------------------------


def _support(
    rec: Recommendation, crit: CriterionResult | None, checks: tuple[QuantityCheck, ...]
) -> Support:
    if rec.direction == "neutral":
        return "insufficient"
    if rec.direction == "for":
        base: Support = (
            "supports"
            if crit is None or crit.status == "met"
            else ("does_not_support" if crit.status == "not_met" else "insufficient")
        )
    else:  # against: the criteria, if any, describe the exception in which it is supported
        base = (
            "does_not_support"
            if crit is None or crit.status == "not_met"
            else ("supports" if crit.status == "met" else "insufficient")
        )
    if base == "supports" and any(c.status == "exceeds" for c in checks):
        return "partial"
    return base


def _matches_intervention(rec: Recommendation, item: NormalisedItem) -> bool:
    if not rec.interventions:
        return True
    haystack = " ".join((item.text, item.intervention, " ".join(item.ingredients))).lower()
    return any(word.lower() in haystack for word in rec.interventions)


def evaluate(
    item: NormalisedItem,
    facts: Mapping[str, object],
    request_date: date,
    *,
    date_of_injury: date | None = None,
    kb: KnowledgeBase | None = None,
) -> EngineResult:
    """Rank and evaluate the recommendations for one item (docs/regulations.md §5.5).

    `facts` uses the ids of data/facts.yaml; unknown facts make criteria `insufficient`.
    `request_date` is the date of the request or UR decision: it picks the MTUS era.
    The steps: the facts the criteria see; which entries of the item's category apply
    (`_exclusion`); each applicable entry assessed against the record (`_assess`); the
    entries ranked by the search sequence with the conflict rule (`_rank`); the statutory
    quantity rules; the proposal.
    """
    kb = kb or load_kb()
    seen = case_facts(item, facts, request_date, date_of_injury)
    phase = _phase(seen)
    era = mtus_era(request_date)
    if not item.known:
        return EngineResult(
            item=item,
            request_date=request_date,
            era=era,
            phase=phase.value if phase else None,
            governing_step=None,
            recommendations=(),
            excluded=(),
            quantity=(),
            conflict=None,
            proposal="insufficient",
            reasons=(f"item not placed in a category: {item.reason}",),
        )
    excluded: list[tuple[str, str]] = []
    assessed: list[_Assessed] = []
    for rec in kb.for_category(item.category):
        doc = kb.doc_of(rec)
        fit = _Fit.of(rec, item, phase, seen)
        reason = _exclusion(rec, doc, item, phase, fit, request_date)
        if reason is not None:
            excluded.append((rec.id, reason))
        else:
            assessed.append(
                _assess(rec, doc, item, phase, fit, seen, request_date, kb.fact_reasons)
            )
    ranked, conflict = _rank(assessed)
    reg = regulation_checks(item, seen, kb, date_of_injury)
    proposal, proposal_reasons = _propose(item, seen, ranked, reg)
    return EngineResult(
        item=item,
        request_date=request_date,
        era=era,
        phase=phase.value if phase else None,
        governing_step=ranked[0].step if ranked else None,
        recommendations=ranked,
        excluded=tuple(excluded),
        quantity=reg,
        conflict=conflict,
        proposal=proposal,
        reasons=proposal_reasons,
        formulary=formulary_notes(item, seen, request_date, kb),
    )


@dataclass(frozen=True)
class _Fit:
    """How one entry fits the item: its region, its phase of care, its `applies_if`."""

    region_hit: bool
    phase_hit: bool
    applies: CriterionResult | None

    @classmethod
    def of(
        cls,
        rec: Recommendation,
        item: NormalisedItem,
        phase: Phase | None,
        seen: Mapping[str, object],
    ) -> _Fit:
        return cls(
            region_hit=bool(rec.regions) and bool(set(rec.regions) & set(item.body_regions)),
            phase_hit=bool(rec.phases) and phase in rec.phases,
            applies=evaluate_criterion(rec.applies_if, seen) if rec.applies_if else None,
        )


def _exclusion(
    rec: Recommendation,
    doc: GuidelineDoc,
    item: NormalisedItem,
    phase: Phase | None,
    fit: _Fit,
    request_date: date,
) -> str | None:
    """Why an entry of the category does not govern this item; None when it may."""
    if not doc.in_force(request_date):
        return f"{doc.guideline} not in force on {request_date.isoformat()}"
    if not _matches_intervention(rec, item):
        return "about another intervention in the category"
    if rec.regions and item.body_regions and not fit.region_hit:
        return f"about {', '.join(rec.regions)}, not {', '.join(item.body_regions)}"
    if rec.phases and phase is not None and not fit.phase_hit:
        return f"about {'/'.join(p.value for p in rec.phases)} care, case is {phase.value}"
    if fit.applies is not None and fit.applies.status == "not_met":
        return f"does not apply: {fit.applies.label} is not met ({fit.applies.fact})"
    return None


_Assessed = tuple[tuple[object, ...], RankedRecommendation]


def _assess(
    rec: Recommendation,
    doc: GuidelineDoc,
    item: NormalisedItem,
    phase: Phase | None,
    fit: _Fit,
    seen: Mapping[str, object],
    request_date: date,
    fact_reasons: Mapping[str, ReasonCode] | None = None,
) -> _Assessed:
    """One applicable entry against the record: criteria, quantity, the reasons in words,
    and its sort key in the search sequence."""
    applies = fit.applies
    crit = evaluate_criterion(rec.criteria, seen, fact_reasons) if rec.criteria else None
    checks = tuple(c for c in (check_limit(q, item, seen) for q in rec.quantity) if c is not None)
    reasons = [f"{doc.source} ({doc.step.value}), in force on {request_date.isoformat()}"]
    if fit.region_hit:
        shared = sorted(set(rec.regions) & set(item.body_regions))
        reasons.append(f"specific to {', '.join(shared)}")
    elif rec.regions:
        reasons.append("region of the item unknown; entry is region-specific")
    if fit.phase_hit and phase is not None:
        reasons.append(f"specific to {phase.value} care")
    if applies is not None and applies.status == "insufficient":
        reasons.append(f"applicability unconfirmed: {applies.label} ({applies.fact} unknown)")
    if crit is not None:
        reasons.append(
            f"criteria {crit.status.replace('_', ' ')}"
            + (f" (decided by {crit.fact})" if crit.fact else "")
        )
    reasons += [f"quantity {c.status}: {c.label}" for c in checks if c.status == "exceeds"]
    assumed = (
        (bool(rec.phases) and phase is None)
        or (bool(rec.regions) and not item.body_regions)
        or (applies is not None and applies.status != "met")
    )
    if bool(rec.phases) and phase is None:
        about = "/".join(p.value for p in rec.phases)
        reasons.append(f"phase of care unknown; entry is about {about} care")
    ranked = RankedRecommendation(
        rank=0,
        id=rec.id,
        source=doc.source,
        tier=TIER_OF_STEP[doc.step],
        step=doc.step.value,
        guideline=doc.guideline,
        edition=doc.edition_on(request_date),
        sections=rec.sections,
        pages=rec.pages,
        strength=rec.strength,
        certainty=rec.certainty,
        direction=rec.direction,
        native_label=rec.native_label,
        paraphrase=rec.paraphrase,
        verified=rec.verified and doc.verified,
        support=_support(rec, crit, checks),
        criteria=crit,
        quantity=checks,
        reasons=tuple(reasons),
        applicability="assumed" if assumed else "confirmed",
    )
    # 9792.21.1: search step first. Within a step: entries about a region the item may
    # not concern last; with the phase unknown, rank as if chronic (most IMR disputes
    # come months after the injury; the entry stays "assumed" and cannot win a 9792.25.1
    # conflict); then the editorial priority, region and phase specificity, confirmed
    # applicability, and the certainty of the evidence.
    guess_miss = bool(rec.phases) and (phase or Phase.CHRONIC) not in rec.phases
    key = (
        _STEP_ORDER[doc.step],
        1 if rec.regions and not item.body_regions else 0,
        1 if guess_miss else 0,
        -rec.priority,
        0 if fit.region_hit else 1,
        0 if fit.phase_hit else 1,
        0 if applies is None or applies.status == "met" else 1,
        -rec.certainty,
        rec.id,
    )
    return key, ranked


def _rank(
    assessed: list[_Assessed],
) -> tuple[tuple[RankedRecommendation, ...], Conflict | None]:
    """Order by the search sequence; an entry that prevails in a 9792.25.1 conflict over
    the MTUS goes first. Ranks count from 1."""
    ordered = [r for _, r in sorted(assessed, key=lambda pair: pair[0])]
    conflict = _resolve_conflict(ordered)
    if conflict is not None and conflict.prevails != conflict.mtus_id:
        winner = next(r for r in ordered if r.id == conflict.prevails)
        ordered = [winner] + [r for r in ordered if r.id != winner.id]
    return tuple(replace(r, rank=i + 1) for i, r in enumerate(ordered)), conflict


def _leaning(rec: RankedRecommendation) -> int:
    """+1 when the recommendation supports the request, -1 when it does not, 0 unclear."""
    return {"supports": 1, "partial": 1, "does_not_support": -1}.get(rec.support, 0)


def _resolve_conflict(ordered: list[RankedRecommendation]) -> Conflict | None:
    """8 CCR 9792.25.1: when an applicable competing recommendation disagrees with the MTUS,
    the one resting on stronger evidence (certainty) prevails; a tie goes to the MTUS."""
    mtus = next((r for r in ordered if r.source == "MTUS"), None)
    if mtus is None or _leaning(mtus) == 0:
        return None
    rival = next(
        (
            r
            for r in ordered
            if r.source != "MTUS"
            and r.applicability == "confirmed"
            and _leaning(r) == -_leaning(mtus)
        ),
        None,
    )
    if rival is None:
        return None
    if rival.certainty > mtus.certainty:
        return Conflict(
            mtus.id,
            rival.id,
            rival.id,
            f"competing recommendation rests on stronger evidence (certainty {rival.certainty} "
            f"> {mtus.certainty}); it may rebut the MTUS presumption (8 CCR 9792.25.1)",
        )
    return Conflict(
        mtus.id,
        rival.id,
        mtus.id,
        f"evidence not stronger than the MTUS (certainty {rival.certainty} <= {mtus.certainty}): "
        "the MTUS presumption stands (LC 4604.5(a), 8 CCR 9792.25.1)",
    )


def _propose(
    item: NormalisedItem,
    facts: Mapping[str, object],
    ranked: tuple[RankedRecommendation, ...],
    reg: tuple[QuantityCheck, ...],
) -> tuple[Proposal, tuple[str, ...]]:
    reasons: list[str] = []
    # A service that exists for a surgery (assistant, clearance, post-operative care) is not
    # necessary when the surgery is not: it follows the surgery's determination.
    ancillary = (
        item.associated_surgical_service
        or item.post_operative
        or item.category == "surgery/perioperative"
    )
    if ancillary and facts.get("primary_procedure_certified") is False:
        return "not_certify", ("the surgery this service supports was not certified",)
    if not ranked:
        return "insufficient", (
            "no guideline entry in force addresses this item; reviewer judgement needed",
        )
    top = ranked[0]
    reasons.append(
        f"governing: {top.guideline} {top.edition or ''} {', '.join(top.sections)}".strip()
    )
    support = top.support
    over = [c for c in (*top.quantity, *reg) if c.status == "exceeds"]
    if support in ("supports", "partial") and over:
        reasons += [
            f"exceeds: {c.label} (requested {c.requested:g}, allowed {c.allowed:g})"
            for c in over
            if c.requested is not None
        ]
        return "modify", tuple(reasons)
    if support == "supports":
        return "certify", tuple(reasons)
    if support == "does_not_support":
        if top.criteria is not None and top.criteria.status == "not_met":
            reasons.append(f"criterion not met: {top.criteria.label} (fact {top.criteria.fact})")
        else:
            reasons.append("the guideline does not recommend this service")
        return "not_certify", tuple(reasons)
    if top.criteria is not None and top.criteria.status == "insufficient":
        reasons.append(f"cannot decide: {top.criteria.label} needs {top.criteria.fact}")
    return "insufficient", tuple(reasons)


def _strength_label(strength: int, certainty: int) -> str:
    """Our ordinal scale in words (docs/guidelines.md §3.2)."""
    words = {
        3: "strong for",
        2: "moderate for",
        1: "weak for",
        0: "insufficient",
        -1: "weak against",
        -2: "moderate against",
        -3: "strong against",
    }
    return f"{words[strength]} (certainty {certainty}/4)"
