"""What a parsed final determination letter holds: the `openimr letter parse` JSON contract.

Field names and null rules follow docs/product.md ("openimr letter parse"); extra fields
(`warnings`, citation `strength`) are allowed by the contract.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Source = Literal["MTUS", "non-MTUS", "outside-MTUS", "none"]


class ParsedCitation(BaseModel):
    """One guideline citation of an item, split out of a "guideline:" paragraph."""

    source: Source
    guideline: str | None = None
    edition: str | None = None
    sections: list[str] = Field(default_factory=list)
    pages: list[str] = Field(default_factory=list)
    strength: str | None = None
    text: str = ""


class ParsedReviewer(BaseModel):
    licensure: list[str] = Field(default_factory=list)
    specialties: list[str] = Field(default_factory=list)


class ParsedApplicant(BaseModel):
    age: int | None = None
    sex: Literal["male", "female"] | None = None


class ParsedItem(BaseModel):
    """One disputed item. For a modified request `description` is the IMR-eligible remainder."""

    description: str
    original_request: str | None = None
    authorized_portion: str | None = None
    decision: Literal["upheld", "overturned"] | None = None
    claims_administrator_guideline: list[ParsedCitation] = Field(default_factory=list)
    imr_guideline: list[ParsedCitation] = Field(default_factory=list)
    strength_of_evidence: str | None = None
    rationale: str | None = None


class ParsedLetter(BaseModel):
    """A whole letter. Dates are ISO 8601 strings; absent fields are null."""

    path: str | None = None
    layout: str | None = None
    case_number: str | None = None
    date_assigned: str | None = None
    date_of_injury: str | None = None
    decision_date: str | None = None
    ur_denial_date: str | None = None
    application_received: str | None = None
    priority: Literal["standard", "expedited"] | None = None
    reviewer: ParsedReviewer = Field(default_factory=ParsedReviewer)
    applicant: ParsedApplicant = Field(default_factory=ParsedApplicant)
    clinical_case_summary: str | None = None
    items: list[ParsedItem] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)

    def to_json_dict(self) -> dict[str, object]:
        """The contract object, ready for `json.dumps`."""
        return self.model_dump(mode="json")
