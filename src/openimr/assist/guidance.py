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

from openimr.assist import treatment_facts
from openimr.assist.context import Assertion
from openimr.assist.facts import CaseFacts, Fact
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
    criteria_met_documented: int = 0  # leaves met on the record's own words, not its silence
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
        postoperative = _postoperative_visits(facts, item)
        if postoperative is not None:
            out["prior_visits_completed"] = postoperative
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
    if result.proposal in ("not_certify", "modify"):
        # not_certify: e.g. a service for a surgery that is itself not supported. modify: IMR
        # has no modification (LC 4610.6 upholds or overturns the request as it stands), so a
        # request beyond the guideline's quantity is not supported as written.
        guidance.support = -1
    guidance.strength = top.strength
    guidance.native_label = top.native_label
    guidance.paraphrase = top.paraphrase
    if top.criteria is not None:
        guidance.criteria_status = top.criteria.status
        leaves = top.criteria.leaves()
        guidance.criteria = [_criterion(leaf, facts, item.category) for leaf in leaves]
        guidance.criteria_met_documented = sum(
            leaf.status == "met" and _documented(leaf, facts, item.category) for leaf in leaves
        )
    over = [q for q in (*top.quantity, *result.quantity) if q.status == "exceeds"]
    if over:
        guidance.quantity_exceeds_limit = True
        guidance.quantity_note = "; ".join(
            f"The request exceeds {q.label}"
            + (f" ({q.requested:g} requested, {q.allowed:g} allowed)" if q.requested else "")
            + (f", {q.citation}" if q.citation else "")
            for q in over
        )
    _beyond_certified_part(guidance, item, facts)
    _oral_suspension(guidance, item, facts)
    _leg_nerve_conduction(guidance, item, facts)
    return guidance


# ODG Low Back, "Nerve conduction studies (NCS)": not recommended when the leg symptoms are
# presumed radicular; they belong to a suspected peripheral neuropathy or entrapment. The
# MTUS low back chapter speaks of EMG and H-reflex only, so for the NCS part of a request the
# search passes to ODG (8 CCR 9792.21.1(a)(2)), and IMR decides a combined EMG/NCS request whole.
_NCS = re.compile(r"\bNC[SV]s?\b|nerve conduction", re.I)
_LEG_NEUROPATHY = re.compile(
    r"peripheral neuropathy|polyneuropathy|diabet\w+ neuropathy|tarsal tunnel|peroneal|"
    r"entrapment|neuropathy of the (?:leg|foot|feet)",
    re.I,
)


def _leg_nerve_conduction(guidance: Guidance, item: NormalisedItem, facts: CaseFacts) -> None:
    """Leg nerve conduction studies need a suspected neuropathy or entrapment, not only
    radicular symptoms; without one the request as written is not supported."""
    legs = {"lower-extremity", "lumbar-spine"} & set(item.body_regions)
    if item.category == "diagnostic/electrodiagnostic" and legs and _NCS.search(item.text):
        _needs_documented_reason(
            guidance,
            facts,
            _LEG_NEUROPATHY,
            "a suspected peripheral neuropathy or entrapment in the leg",
            "nerve conduction studies of the leg without a suspected neuropathy or entrapment "
            "(ODG Low Back, Nerve conduction studies)",
        )


def _needs_documented_reason(
    guidance: Guidance, facts: CaseFacts, reason: re.Pattern[str], criterion: str, failing: str
) -> None:
    """A supported request that also needs a reason in the record: the first sentence matching
    `reason` meets it; a substantive record without one makes the request as written not
    supported (`failing` says why). A thin record leaves the question to the reviewer."""
    if guidance.support <= 0:
        return
    found = next((s.text for s in facts.sentences if reason.search(s.text)), None)
    if found is None and not facts.substantive:
        return
    guidance.criteria.append(
        CriterionResult(
            criterion=criterion,
            status="met" if found else "not_met",
            evidence=found or "not mentioned in the clinical case summary",
        )
    )
    if found is None:
        guidance.support = -1
        guidance.reasons.append(failing)


# Compounded oral-suspension kits of drugs sold as tablets (cyclobenzaprine, tramadol,
# ranitidine, diphenhydramine, gabapentin): the liquid form is justified only when the worker
# cannot take the tablet or capsule. The named kits are suspensions whatever the request says.
_SUSPENSION = re.compile(
    r"oral suspension|\bsuspension\b|\b(?:tabradol|synapryn|deprizine|dicopanol|fanatrex)\b", re.I
)
_CANNOT_SWALLOW = re.compile(
    r"dysphagia|(?:difficulty|trouble|problems?|unable to|cannot|can't|inability to) "
    r"(?:in )?swallow\w*|(?:unable to|cannot|can't) (?:take|tolerate) (?:oral )?"
    r"(?:pills|tablets|capsules)|feeding tube|\bNPO\b",
    re.I,
)


def _oral_suspension(guidance: Guidance, item: NormalisedItem, facts: CaseFacts) -> None:
    """A drug requested as an oral suspension needs a documented reason the worker cannot take
    its tablet or capsule form; without one the request as written is not supported."""
    if item.category.startswith("medication/") and _SUSPENSION.search(item.text):
        _needs_documented_reason(
            guidance,
            facts,
            _CANNOT_SWALLOW,
            "a reason the tablet or capsule form cannot be taken",
            "oral suspension requested with no documented reason the solid form cannot be taken",
        )


# Services whose UR modifications cut the quantity (visits, tablets, rental days) rather than
# swap the service for another one, as a modified EMG/NCS becomes an NCS alone.
_QUANTITY_MODIFIED = ("therapy/", "psych/psychotherapy", "medication/", "program/")


def _beyond_certified_part(guidance: Guidance, item: NormalisedItem, facts: CaseFacts) -> None:
    """When UR already certified part of this service, the disputed remainder goes beyond
    the course the guideline supports before its results are documented: not supported as
    requested, whatever the initial-course criteria say."""
    if guidance.support <= 0 or not item.category.startswith(_QUANTITY_MODIFIED):
        return
    found = treatment_facts.ur_certified_part(
        facts.sentences, lambda clause: _same_service(clause, item)
    )
    if found is None:
        return
    guidance.support = -1
    guidance.quantity_exceeds_limit = True
    note = (
        "Utilization review already certified part of this request; the disputed remainder "
        "goes beyond that course before its results are documented"
    )
    guidance.quantity_note = "; ".join(n for n in (guidance.quantity_note, note) if n)
    guidance.criteria.append(
        CriterionResult(
            criterion="disputed part within the course already certified",
            status="not_met",
            evidence=found.evidence,
        )
    )
    guidance.reasons.append("UR certified part of this request: the remainder is disputed")


def _same_service(clause: str, item: NormalisedItem) -> bool:
    other = normalise_item(clause)
    if other.category != item.category:
        return False
    if item.ingredients:
        return bool(set(item.ingredients) & set(other.ingredients))
    return True


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


def _leaf_fact(leaf: EngineCriterion, facts: CaseFacts, category: str) -> Fact | None:
    """The record's fact behind a leaf criterion (visit counts stand for prior courses)."""
    name = leaf.fact
    if name == "prior_visits_completed" and category in _VISIT_FACT:
        # derived from the count of visits, or else from the mention of the therapy
        count = _VISIT_FACT[category]
        name = count if facts.get(count) else _PRIOR_FACT[count]
    return facts.get(name) if name else None


def _documented(leaf: EngineCriterion, facts: CaseFacts, category: str) -> bool:
    """True when the record's own words decided the leaf (not silence, not a derivation)."""
    fact = _leaf_fact(leaf, facts, category)
    return (
        fact is not None and fact.assertion is not Assertion.NOT_DOCUMENTED and bool(fact.evidence)
    )


def _criterion(leaf: EngineCriterion, facts: CaseFacts, category: str) -> CriterionResult:
    """One leaf criterion with the sentence of the record that decided it."""
    fact = _leaf_fact(leaf, facts, category)
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
