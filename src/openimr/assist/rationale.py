"""A rationale draft in our own words, for the reviewer to accept or edit.

The structure follows what 8 CCR 9792.10.6(b) asks of a determination: the guideline relied on
(MTUS first, 8 CCR 9792.21.1) with section, page and strength of evidence, the reasons that tie
the record to the guideline's criteria, and the conclusion. The draft never states a decision:
it proposes one, since only the expert reviewer decides (Labor Code 4610.6).
"""

from __future__ import annotations

from openimr.assist.guidance import Guidance
from openimr.assist.schema import CitationOut, CriterionResult, Proposal, ReasonOut

_DIRECTION_WORDS = {
    1: "a recommendation for the service",
    0: "neither for nor against the service",
    -1: "a recommendation against the service",
}
_STRENGTH_WORDS = {
    3: "strong evidence",
    2: "moderate evidence",
    1: "limited evidence",
    0: "insufficient evidence",
    -1: "limited evidence",
    -2: "moderate evidence",
    -3: "strong evidence",
}


def citation_phrase(citation: CitationOut) -> str:
    """ "MTUS Chronic Pain Medical Treatment (2016), section Opioids, page 78"."""
    source = "MTUS" if citation.source == "MTUS" else "the non-MTUS guideline"
    text = f"{source} {citation.guideline or 'guideline'}"
    if citation.edition:
        text += f" ({citation.edition})"
    if citation.sections:
        text += ", section " + "; ".join(citation.sections)
    if citation.pages:
        text += (", pages " if len(citation.pages) > 1 else ", page ") + ", ".join(citation.pages)
    if citation.strength:
        text += f" [strength of evidence: {citation.strength}]"
    return text


def _quote(evidence: str, limit: int = 220) -> str:
    evidence = " ".join(evidence.split())
    if len(evidence) > limit:
        evidence = evidence[: limit - 1].rsplit(" ", 1)[0] + "…"
    return f'"{evidence}"'


def _criterion_line(c: CriterionResult) -> str:
    head = {"met": "Met", "not_met": "Not met"}.get(c.status, "Cannot be judged from the record")
    if not c.evidence:
        return f"{head}: {c.criterion}."
    if c.evidence_kind != "record":
        return f"{head}: {c.criterion} ({c.evidence})."
    return f"{head}: {c.criterion}. The record: {_quote(c.evidence)}"


def _reason_line(reason: ReasonOut) -> str:
    what = reason.code.replace("_", " ")
    head = f"The question that decides this item ({what}): {reason.criterion}"
    if reason.evidence_kind == "record":
        return f"{head}. The record: {_quote(reason.evidence)}"
    if reason.evidence_kind == "guideline":
        return f"{head}: {reason.evidence.rstrip('.')}."
    return f"{head} ({reason.evidence})."


def draft_rationale(
    description: str,
    guidance: Guidance,
    proposal: Proposal,
    p_overturn: float,
    precedent_summary: str | None = None,
    reasons: list[ReasonOut] | None = None,
) -> str:
    """The draft: the deciding question, governing citation, criteria with the record's
    words, proposed conclusion."""
    parts: list[str] = []
    if reasons:
        parts.append(_reason_line(reasons[0]))
    if guidance.citations:
        first = guidance.citations[0]
        sentence = f"The governing recommendation is {citation_phrase(first)}"
        if guidance.paraphrase:
            sentence += f": {guidance.paraphrase.rstrip('.')}"
        stance = _DIRECTION_WORDS.get(guidance.direction, "on this service")
        strength = _STRENGTH_WORDS.get(guidance.strength or 0, "unrated evidence")
        parts.append(f"{sentence}. It is {stance}, on {strength}.")
        others = [citation_phrase(c) for c in guidance.citations[1:3]]
        if others:
            parts.append("Also relevant: " + "; ".join(others) + ".")
    else:
        parts.append(
            "No recommendation in the knowledge base addresses this service; the reviewer "
            "should name the guideline relied on (8 CCR 9792.21.1 search sequence)."
        )
    if guidance.quantity_note:
        parts.append(guidance.quantity_note.rstrip(".") + ".")
    parts.extend(_criterion_line(c) for c in guidance.criteria)
    if precedent_summary:
        parts.append(precedent_summary)
    parts.append(_conclusion(description, proposal, p_overturn))
    return " ".join(parts)


def _conclusion(description: str, proposal: Proposal, p_overturn: float) -> str:
    odds = f"estimated chance that a reviewer overturns the denial: {p_overturn:.0%}"
    if proposal == "insufficient":
        return (
            f"Proposed conclusion for the reviewer: the record does not allow the deciding "
            f"criteria to be checked for {description}; request the missing documentation or "
            f"decide on the reviewer's own reading ({odds})."
        )
    if proposal == "undecided":
        return (
            f"No conclusion is proposed for the reviewer on {description}: on records like this "
            f"one neither "
            f"upholding nor overturning was proposed reliably enough; the reviewer's reading "
            f"of the deciding question decides ({odds})."
        )
    verb = "upholding" if proposal == "uphold" else "overturning"
    meaning = "not medically necessary" if proposal == "uphold" else "medically necessary"
    return (
        f"Proposed conclusion, for the reviewer to accept or edit: {verb} the utilization "
        f"review decision, i.e. {description} appears {meaning} on this record ({odds})."
    )
