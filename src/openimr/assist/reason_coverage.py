"""Which deciding reasons reviewers apply per service category, beside the ones the
knowledge base can give.

The assist can only put forward a reason the knowledge base gives for the item's category: a
criterion that is not met fails as its own code (`Criterion.reason`, else its fact's
`fails_as` in facts.yaml), a recommendation against the service (or one finding the evidence
insufficient) as `not_recommended`, a quantity limit or the statutory visit cap as
`quantity_exceeds` or `duration_exceeds`. Besides the knowledge base, the assist's own checks
on the request give a few codes whatever the guideline (`assist.reasons`, `assist.as_written`):
`dependent_on_denied` (a service for a surgery not certified), `repeat_without_change` (already
authorized), `request_unclear` (a counted service or a drug with no count) and
`conservative_care_not_exhausted` (the remainder of a course UR partly certified).

The reviewers' codes come from their rationales (`assist.reviewer_reasons`, what
`openimr assist reasons` writes). Where reviewers lean on a code neither gives for that
category, the assist cannot rank it first, however well it reads the record: that is where the
criteria need work (issue #11).

Measured on the development half only (`openimr assist evaluate --half development`): the
held-out half is not read to correct the knowledge base.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from openimr.assist.as_written import QUANTITY_MODIFIED
from openimr.assist.reasons import COUNTED, DURATION_KINDS, INSUFFICIENT_EVIDENCE
from openimr.evidence.kb import KnowledgeBase, load_kb
from openimr.evidence.normalise import normalise_item
from openimr.evidence.schema import Criterion, ReasonCode, Recommendation

# Where a knowledge-base code comes from, as the report names it.
CRITERIA, GUIDELINE, QUANTITY = "criteria", "guideline", "quantity"
UNKNOWN = "unknown"


def criterion_codes(node: Criterion, fact_reasons: dict[str, ReasonCode]) -> set[ReasonCode]:
    """Every code a criteria tree can fail as: a node's own `reason` when it names one (the
    code of the whole branch), else its fact's `fails_as`, else its children's."""
    if node.reason is not None:
        return {node.reason}
    if node.fact is not None:
        code = fact_reasons.get(node.fact)
        return {code} if code is not None else set()
    out: set[ReasonCode] = set()
    for child in node.all or node.any or node.of or ():
        out |= criterion_codes(child, fact_reasons)
    return out


def recommendation_codes(
    rec: Recommendation, fact_reasons: dict[str, ReasonCode]
) -> dict[ReasonCode, str]:
    """The codes one recommendation can give when it governs an item, each with its source
    (as `assist.reasons.candidates` puts them forward)."""
    out: dict[ReasonCode, str] = {}
    if rec.direction == "against" or (
        rec.direction == "neutral"
        and INSUFFICIENT_EVIDENCE.search(f"{rec.native_label or ''} {rec.paraphrase}")
    ):
        out["not_recommended"] = GUIDELINE
    if rec.criteria is not None and rec.direction != "against":
        # an "against" entry's criteria describe its exception, not reasons against
        for code in sorted(criterion_codes(rec.criteria, fact_reasons)):
            out.setdefault(code, CRITERIA)
    for limit in rec.quantity:
        code = "duration_exceeds" if limit.kind in DURATION_KINDS else "quantity_exceeds"
        out.setdefault(code, QUANTITY)
    return out


def kb_codes(category: str, kb: KnowledgeBase | None = None) -> dict[ReasonCode, str]:
    """The codes the knowledge base can give for a category, each with where it comes from."""
    kb = kb or load_kb()
    out: dict[ReasonCode, str] = {}
    for rec in kb.for_category(category):
        for code, source in recommendation_codes(rec, kb.fact_reasons).items():
            out.setdefault(code, source)
    if category in kb.visit_cap or (category == "therapy/post-surgical" and kb.postsurgical):
        out.setdefault("quantity_exceeds", QUANTITY)
    return dict(sorted(out.items()))


def request_codes(category: str) -> set[ReasonCode]:
    """The codes the assist's checks on the request itself can give for a category."""
    if category == UNKNOWN:
        return set()
    out: set[ReasonCode] = {"dependent_on_denied", "repeat_without_change"}
    if category.startswith(COUNTED) or category.startswith("medication/"):
        out.add("request_unclear")
    if category.startswith("medication/"):
        out.add("not_recommended")  # an oral suspension with no reason the tablet won't do
    if category.startswith(QUANTITY_MODIFIED):
        out.add("conservative_care_not_exhausted")
    return out


@dataclass
class CategoryCoverage:
    """One category: its items, the reviewers' codes on the upheld ones, the KB's codes."""

    category: str
    items: int = 0
    upheld: int = 0
    primary: Counter[str] = field(default_factory=Counter)  # upheld items' primary codes
    applied: Counter[str] = field(default_factory=Counter)  # primary or secondary, upheld
    kb: dict[ReasonCode, str] = field(default_factory=dict)
    request: set[ReasonCode] = field(default_factory=set)  # the assist's request checks

    @property
    def covered(self) -> int:
        """Upheld items whose primary code the knowledge base can give for this category."""
        return sum(n for code, n in self.primary.items() if code in self.kb)

    @property
    def covered_with_checks(self) -> int:
        """Upheld items whose primary code the KB or the assist's request checks can give."""
        return sum(n for code, n in self.primary.items() if code in self.kb or code in self.request)

    @property
    def missing(self) -> dict[str, int]:
        """Primary codes reviewers gave that the knowledge base cannot give here."""
        return {c: n for c, n in self.primary.most_common() if c not in self.kb}

    @property
    def unreachable(self) -> dict[str, int]:
        """Primary codes reviewers gave that neither the KB nor the request checks give."""
        return {c: n for c, n in self.missing.items() if c not in self.request}

    @property
    def unused(self) -> list[str]:
        """Codes the knowledge base can give here that no reviewer applied."""
        return [c for c in self.kb if c not in self.applied]


def coverage(
    labelled: Iterable[dict[str, Any]], kb: KnowledgeBase | None = None
) -> dict[str, CategoryCoverage]:
    """Per category (the assist's reading of the item text), from `label_letters` records."""
    kb = kb or load_kb()
    out: dict[str, CategoryCoverage] = {}
    for record in labelled:
        category = normalise_item(str(record.get("description") or "")).category
        row = out.get(category)
        if row is None:
            row = out[category] = CategoryCoverage(
                category, kb=kb_codes(category, kb), request=request_codes(category)
            )
        row.items += 1
        if record.get("decision") != "upheld":
            continue
        row.upheld += 1
        primary = str(record["primary"]["code"])
        row.primary[primary] += 1
        row.applied[primary] += 1
        row.applied.update(str(s["code"]) for s in record.get("secondary") or [])
    return dict(sorted(out.items(), key=lambda kv: (-kv[1].upheld, kv[0])))


def coverage_lines(rows: dict[str, CategoryCoverage], min_upheld: int = 3) -> list[str]:
    """The report as text lines: the headline, then each category with enough upheld items."""
    upheld = sum(r.upheld for r in rows.values())
    covered = sum(r.covered for r in rows.values())
    with_checks = sum(r.covered_with_checks for r in rows.values())
    unreachable: Counter[str] = Counter()
    for r in rows.values():
        unreachable.update(r.unreachable)

    def share(n: int) -> str:
        return f"{n} of {upheld} ({n / upheld:.1%})" if upheld else f"{n} of 0"

    lines = [
        "reasons reviewers apply vs what the knowledge base can give, per category "
        "(rationale labeller, `assist reasons`, on the upheld items of these letters):",
        f"  reviewer's primary code one the KB can give for the category: {share(covered)}; "
        f"with the assist's request checks: {share(with_checks)}",
        "  primary codes neither gives for the item's category: "
        + (", ".join(f"{c} {n}" for c, n in unreachable.most_common()) or "none"),
        f"  categories with >= {min_upheld} upheld items (upheld, KB gives, KB or checks give; "
        "reviewers' primary codes, [check] = only a request check gives it, [none] = nothing "
        "does; KB codes no reviewer applied):",
    ]
    for r in rows.values():
        if r.upheld < min_upheld:
            continue
        codes = ", ".join(
            f"{c} {n}" + ("" if c in r.kb else " [check]" if c in r.request else " [none]")
            for c, n in r.primary.most_common()
        )
        lines.append(
            f"  {r.category:30} {r.upheld:3} {r.covered:3} {r.covered_with_checks:3}  {codes}"
            + (f"; unused: {', '.join(r.unused)}" if r.unused else "")
        )
    return lines
