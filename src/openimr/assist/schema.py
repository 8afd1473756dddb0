"""Input and output records of `openimr assist batch` (docs/product.md, "assist batch").

The input is a case as the expert reviewer receives it (8 CCR 9792.10.5: the case file, no
decision); the output is one proposal per disputed item. Extra input fields are allowed by
the contract and ignored; the output may carry extra fields too (`facts`).
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from openimr.domain.errors import InvalidInput
from openimr.evidence.schema import ReasonCode
from openimr.inputs import iso_date

# uphold / overturn only where that proposal is precise enough (assist.thresholds);
# insufficient: the deciding criteria cannot be evaluated from the record; undecided: neither.
Proposal = Literal["uphold", "overturn", "insufficient", "undecided"]
CriterionStatus = Literal["met", "not_met", "insufficient"]
# Where a criterion's or reason's evidence comes from: the record's own words (a quotation),
# the record's silence (never quoted), a value derived from the case (dates, counts), the
# guideline, or the request itself.
EvidenceKind = Literal["record", "silence", "derived", "guideline", "request"]


class ItemInput(BaseModel):
    """One disputed item as the request for authorization names it."""

    model_config = ConfigDict(extra="allow")

    id: str
    description: str = Field(min_length=1)

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) else value


class CaseInput(BaseModel):
    """One case: dates, priority, the clinical case summary and the disputed items."""

    model_config = ConfigDict(extra="allow")

    id: str
    case_number: str | None = None
    date_of_injury: str | None = None
    ur_denial_date: str | None = None
    priority: Literal["standard", "expedited"] | None = None
    clinical_case_summary: str = ""
    items: list[ItemInput] = Field(min_length=1)

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) else value

    @field_validator("date_of_injury", "ur_denial_date", mode="before")
    @classmethod
    def _iso_date(cls, value: object) -> object:
        """ISO 8601 dates (docs/product.md): 2016-13-45 or 10/13/2016 is an error, not a
        date the assist silently ignores."""
        if value is None:
            return value
        try:
            return iso_date(value, "date").isoformat()
        except InvalidInput as err:
            raise ValueError(f"{value!r} is not a calendar date written YYYY-MM-DD") from err


class CitationOut(BaseModel):
    source: str
    guideline: str | None = None
    edition: str | None = None
    sections: list[str] = Field(default_factory=list)
    pages: list[str] = Field(default_factory=list)
    strength: str | None = None


class CriterionResult(BaseModel):
    criterion: str
    status: CriterionStatus
    evidence: str = ""
    evidence_kind: EvidenceKind = "record"
    code: ReasonCode | None = None  # the deciding reason when not met (reasons.md)


class ReasonOut(BaseModel):
    """A deciding reason (../shared/docs/reasons.md): the code, the criterion behind it, its
    status on this record and the evidence — the record's words, or its silence in words
    ("the record does not mention ..."), never a quotation of silence."""

    code: ReasonCode
    criterion: str
    status: CriterionStatus
    evidence: str
    evidence_kind: EvidenceKind = "record"


class PrecedentRef(BaseModel):
    case_number: str
    description: str
    decision: str
    similarity: float
    citations: list[CitationOut] = Field(default_factory=list)


class ItemProposal(BaseModel):
    """One output line: the proposal for one disputed item (the reviewer decides)."""

    case_id: str
    item_id: str
    p_overturn: float
    proposal: Proposal
    category: str | None = None
    body_region: str | None = None
    citations: list[CitationOut] = Field(default_factory=list)
    criteria: list[CriterionResult] = Field(default_factory=list)
    reasons: list[ReasonOut] = Field(default_factory=list)
    precedents: list[PrecedentRef] = Field(default_factory=list)
    rationale: str = ""
    facts: list[dict[str, object]] = Field(default_factory=list)


_ABSENCE = re.compile(r"^(?:no|not|without)\s+(?:an?\s+)?", re.I)


def silence(label: str) -> str:
    """The record's silence about a criterion, in words (never as a quotation). A criterion
    that asks for an absence ("no prior imaging") names what the record does not mention."""
    return f"the record does not mention {_ABSENCE.sub('', label)}"
