"""Deciding reasons for one item: which question decides it, and what the record says.

A reviewer wants first "the question that decides this item is X, and the record says Y".
The candidates come from the governing guideline as checked against the record
(`assist.guidance`), each carrying the code of ../shared/docs/reasons.md that fails when it
is not met:

- the governing recommendation is against the service, or finds its evidence insufficient
  (`not_recommended`);
- a criterion of the governing recommendation is not met, or cannot be judged — its own
  code (`Criterion.reason`, else its fact's `fails_as` in facts.yaml);
- the request exceeds a quantity or duration limit (`quantity_exceeds`, `duration_exceeds`);
- the service exists for a surgery that is not supported (`dependent_on_denied`);
- the request does not say how many or where (`request_unclear`).

They are ordered by a small score (`ReasonRanker`): how often reviewers give each code for
this kind of service (learnt from the reviewers' own rationales, `assist.reviewer_reasons`),
plus how directly the record decides the candidate (its own words beat its silence, silence
beats "cannot tell"). The weights are few and fitted by grouped cross-validation on the
development letters (`assist.reason_fit`), so they carry to letters not seen.

An overturn proposal leads with `criteria_met`: the criteria the record's words meet.
The ordering itself is `assist.reason_rank`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from openimr.assist.facts import CaseFacts
from openimr.assist.guidance import Considered, Guidance
from openimr.assist.lexicon import rx
from openimr.assist.schema import (
    CitationOut,
    CriterionResult,
    CriterionStatus,
    EvidenceKind,
    ReasonOut,
    silence,
)
from openimr.evidence.engine import CriterionResult as EngineCriterion
from openimr.evidence.normalise import NormalisedItem
from openimr.evidence.schema import ReasonCode

# Quantity limits whose excess is how long a drug or device is used, not how much.
DURATION_KINDS = frozenset({"weeks", "days_supply", "rental_days"})
# Services counted in visits: a request that gives no number cannot be checked against a limit.
COUNTED = ("therapy/", "psych/psychotherapy", "program/")
# Which kind of source put a candidate forward (a feature of the ranker).
SOURCES = ("guideline", "criterion", "quantity", "dependency", "request", "as_written")


@dataclass(frozen=True)
class Candidate:
    """A reason the record may give for upholding: its code, the criterion, the evidence."""

    code: ReasonCode
    criterion: str
    status: CriterionStatus
    evidence: str
    evidence_kind: EvidenceKind
    source: str  # one of SOURCES
    deciding: bool = False  # the failing branch that decides the governing criteria
    other_guideline: bool = False  # from a recommendation ranked after the governing one

    def out(self) -> ReasonOut:
        return ReasonOut(
            code=self.code,
            criterion=self.criterion,
            status=self.status,
            evidence=self.evidence,
            evidence_kind=self.evidence_kind,
        )


def failing_leaves(tree: EngineCriterion) -> list[EngineCriterion]:
    """The leaves that make a criteria tree fail or stay undecided: under an `all`, its failed
    (else undecided) children; under an `any`, all of its children; met branches never."""
    if tree.status == "met":
        return []
    if not tree.children:
        return [tree]
    blocking = [c for c in tree.children if c.status == "not_met"] or [
        c for c in tree.children if c.status == "insufficient"
    ]
    out: list[EngineCriterion] = []
    for child in blocking:
        out.extend(failing_leaves(child))
    return out


INSUFFICIENT_EVIDENCE = rx(
    r"insufficient evidence|under study|experimental|investigational|no recommendation|"
    r"not enough evidence|evidence is (?:too )?(?:thin|limited|lacking)"
)


def _addresses(rec: Considered) -> bool:
    """False for an entry that only says the guideline does not address the service."""
    return (
        rec.direction != 0
        or rec.tree is not None
        or bool(INSUFFICIENT_EVIDENCE.search(f"{rec.native_label or ''} {rec.paraphrase}"))
    )


def _criterion_candidates(guidance: Guidance, considered: list[Considered]) -> list[Candidate]:
    """The criteria of the recommendations that fail or cannot be judged, with the record's
    words: the governing one's first, then the next ones' (marked `other_guideline`)."""
    out: list[Candidate] = []
    seen: set[str] = set()
    for rank, rec in enumerate(considered):
        if rec.tree is None or rec.direction < 0:
            continue  # an "against" entry's criteria describe its exception, not its reasons
        by_label = {c.criterion.lower(): c for c in rec.criteria}
        leaves = failing_leaves(rec.tree)
        if rank == 0:
            # the governing criteria the record meets are still the questions that decide the
            # item: the reviewer may read the record otherwise
            leaves += [leaf for leaf in rec.tree.leaves() if leaf.status == "met"]
        for leaf in leaves:
            shown = by_label.get(leaf.label.lower())
            key = leaf.label.lower()
            if shown is None or shown.code is None or key in seen:
                continue
            seen.add(key)
            out.append(
                _from_criterion(
                    shown, deciding=rank == 0 and leaf.fact == rec.tree.fact, other=rank > 0
                )
            )
    # criteria the assist adds to the governing ones (oral suspension, leg NCS, the part UR
    # already certified, a duplicate of a service already authorized): each fails the
    # request as written by itself
    tree_labels = {c.criterion.lower() for rec in considered for c in rec.criteria}
    for shown in guidance.criteria:
        label = shown.criterion.lower()
        if shown.status == "not_met" and shown.code and label not in tree_labels | seen:
            seen.add(label)
            found = _from_criterion(shown, deciding=True, other=False)
            decisive = shown.criterion in guidance.decisive
            out.append(replace(found, source="as_written") if decisive else found)
    return out


def _from_criterion(shown: CriterionResult, *, deciding: bool, other: bool) -> Candidate:
    assert shown.code is not None
    return Candidate(
        code=shown.code,
        criterion=shown.criterion,
        status=shown.status,
        evidence=shown.evidence or silence(shown.criterion),
        evidence_kind=shown.evidence_kind,
        source="criterion",
        deciding=deciding,
        other_guideline=other,
    )


def _where(citation: CitationOut) -> str:
    where = " ".join(
        p for p in (citation.source, citation.guideline or "", citation.edition or "") if p
    )
    if citation.sections:
        where += ", " + "; ".join(citation.sections)
    if citation.pages:
        where += ", p. " + ", ".join(citation.pages)
    return where


def _guideline_candidate(considered: list[Considered], description: str) -> Candidate | None:
    """`not_recommended` when the governing entry is against the service (and the record does
    not meet its exception) or finds the evidence for it insufficient."""
    if not considered:
        return None
    rec = considered[0]
    where = _where(rec.citation)
    if rec.direction < 0 and (rec.tree is None or rec.tree.status != "met"):
        return Candidate(
            code="not_recommended",
            criterion=f"a guideline recommendation for this service ({where})",
            status="not_met",
            evidence=rec.paraphrase,
            evidence_kind="guideline",
            source="guideline",
            deciding=True,
        )
    if rec.direction == 0 and INSUFFICIENT_EVIDENCE.search(
        f"{rec.native_label or ''} {rec.paraphrase}"
    ):
        return Candidate(
            code="not_recommended",
            criterion=f"evidence that this service works ({where})",
            status="not_met",
            evidence=rec.paraphrase,
            evidence_kind="guideline",
            source="guideline",
        )
    return None


def _quantity_candidates(guidance: Guidance) -> list[Candidate]:
    """Every quantity or duration limit checked: exceeded (`not_met`), within (`met`) or not
    checkable because the request gives no number (`insufficient`)."""
    out: list[Candidate] = []
    seen: set[str] = set()
    status_of: dict[str, CriterionStatus] = {
        "exceeds": "not_met",
        "within": "met",
        "unknown": "insufficient",
    }
    for check in guidance.limits:
        if check.label in seen:
            continue
        seen.add(check.label)
        code: ReasonCode = (
            "duration_exceeds" if check.kind in DURATION_KINDS else "quantity_exceeds"
        )
        cite = f" ({check.citation})" if check.citation else ""
        if check.requested is None:
            evidence = "the request does not state the quantity"
        else:
            evidence = f"the request: {check.requested:g}, limit {check.allowed:g}"
        out.append(
            Candidate(
                code=code,
                criterion=f"within {check.label}{cite}",
                status=status_of[check.status],
                evidence=evidence,
                evidence_kind="request",
                source="quantity",
                deciding=check.status == "exceeds",
            )
        )
    return out


def _dependency_candidate(facts: CaseFacts, item: NormalisedItem | None) -> Candidate | None:
    """A service that exists for a surgery follows the surgery's determination."""
    ancillary = item is not None and (
        item.associated_surgical_service
        or item.post_operative
        or item.category == "surgery/perioperative"
    )
    fact = facts.get("primary_procedure_certified")
    if not ancillary or fact is None or fact.value is not False:
        return None
    return Candidate(
        code="dependent_on_denied",
        criterion="the surgery this service supports is certified",
        status="not_met",
        evidence=fact.evidence or "the surgery is not certified",
        evidence_kind="derived" if fact.evidence.startswith("The surgery disputed") else "record",
        source="dependency",
        deciding=True,
    )


def _request_candidate(item: NormalisedItem | None, description: str) -> Candidate | None:
    """A counted service with no count, or a drug with neither strength nor quantity."""
    if item is None or not item.known:
        return None
    if item.category.startswith(COUNTED) and item.visits is None and item.duration_weeks is None:
        missing = "the number of visits or sessions"
    elif (
        item.category.startswith("medication/")
        and item.count is None
        and item.strength_mg is None
        and item.days_supply is None
    ):
        missing = "the strength or quantity"
    else:
        return None
    return Candidate(
        code="request_unclear",
        criterion=f"the request states {missing}",
        status="not_met",
        evidence=f"the request ({description}) does not state {missing}",
        evidence_kind="request",
        source="request",
    )


def candidates(
    guidance: Guidance, facts: CaseFacts, item: NormalisedItem | None, description: str
) -> list[Candidate]:
    """Every reason the record and the guideline give against the item, unordered."""
    found: list[Candidate] = []
    dependency = _dependency_candidate(facts, item)
    if dependency is not None:
        found.append(dependency)
    considered = [rec for rec in guidance.considered if _addresses(rec)]
    guideline = _guideline_candidate(considered, description)
    if guideline is not None:
        found.append(guideline)
    found.extend(_criterion_candidates(guidance, considered))
    found.extend(_quantity_candidates(guidance))
    request = _request_candidate(item, description)
    if request is not None:
        found.append(request)
    return found


def met_reason(guidance: Guidance) -> ReasonOut:
    """`criteria_met`: the governing criteria the record's own words meet (or, without
    criteria, that the governing guideline supports the service)."""
    met = [c for c in guidance.criteria if c.status == "met" and c.evidence_kind == "record"]
    if met:
        return ReasonOut(
            code="criteria_met",
            criterion="; ".join(c.criterion for c in met[:3]),
            status="met",
            evidence=met[0].evidence,
            evidence_kind="record",
        )
    where = guidance.citations[0].guideline if guidance.citations else "the guideline"
    return ReasonOut(
        code="criteria_met",
        criterion=f"the conditions of {where} for this service",
        status="met",
        evidence=guidance.paraphrase or f"{where} supports the service",
        evidence_kind="guideline",
    )


def reasons_for(
    ranked: list[Candidate], guidance: Guidance, proposal: str, limit: int = 4
) -> list[ReasonOut]:
    """The `reasons` of an `assist batch` line: strongest first, `criteria_met` first for an
    overturn proposal (then what still argues against it)."""
    out = [c.out() for c in ranked[:limit]]
    if proposal == "overturn":
        return [met_reason(guidance), *out[: limit - 1]]
    if not out:
        return [met_reason(guidance)] if guidance.support > 0 else [_no_reason(guidance)]
    return out


def _no_reason(guidance: Guidance) -> ReasonOut:
    """Nothing in the knowledge base argues either way: say so, as a question for the reviewer."""
    where = guidance.citations[0].guideline if guidance.citations else None
    return ReasonOut(
        code="indication_not_documented" if where else "other",
        criterion=(
            f"the findings that would indicate this service ({where})"
            if where
            else "a guideline addressing this service (8 CCR 9792.21.1 search sequence)"
        ),
        status="insufficient",
        evidence="the record does not say; the reviewer's reading decides",
        evidence_kind="silence",
    )
