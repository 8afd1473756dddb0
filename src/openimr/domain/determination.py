"""The expert reviewer's determination: per disputed item, upheld or overturned."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from openimr.domain.citation import Citation
from openimr.domain.errors import InvalidInput
from openimr.domain.reviewer import ReviewerCredentials
from openimr.domain.vocabulary import Decision


@dataclass(frozen=True)
class ItemDetermination:
    """The decision on one disputed item, with the guidelines relied on and why.

    LC 4610.6(c)-(d): the reviewer cites the MTUS first, or states why other
    evidence was used; `imr_guideline` is ordered as the reviewer ranked it.
    """

    item_id: str
    decision: Decision
    claims_administrator_guideline: tuple[Citation, ...]
    imr_guideline: tuple[Citation, ...]
    rationale: str
    strength_of_evidence: str | None = None

    def __post_init__(self) -> None:
        if not self.rationale.strip():
            raise InvalidInput(
                "a decision needs a rationale", field=f"items[{self.item_id}].rationale"
            )
        if not self.imr_guideline:
            raise InvalidInput(
                "a decision cites at least one guideline, or says no evidence was cited",
                field=f"items[{self.item_id}].imr_guideline",
            )


@dataclass(frozen=True)
class Determination:
    """The reviewer's signed determination of a whole case."""

    clinical_case_summary: str
    items: tuple[ItemDetermination, ...]
    credentials: ReviewerCredentials
    signed_by: str  # reviewer id; never printed on a letter
    signed_at: datetime
    documents_reviewed: tuple[str, ...] = field(default_factory=tuple)  # document ids

    def decision_for(self, item_id: str) -> ItemDetermination:
        for item in self.items:
            if item.item_id == item_id:
                return item
        raise KeyError(item_id)
