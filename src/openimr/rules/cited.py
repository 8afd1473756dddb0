"""Provenance of rule data: the citation, whether it was checked, and what was read.

Every rule in a jurisdiction pack says where it comes from (`citation`), whether someone read
that primary text and found the rule in it (`verified`), and the sources actually read
(`sources`, title and address). `verified: true` without a source is refused on load: a rule
marked checked must say what it was checked against. `note` says what was not read.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from openimr.datafile import StrictModel
from openimr.rules.loader import EffectiveRule


class Source(StrictModel):
    """One text that was read: its title and, when it has one, its address."""

    title: str
    url: str | None = None


def _check_sources(verified: bool, sources: list[Source]) -> None:
    if verified and not sources:
        raise ValueError("verified: true needs at least one source that was read")


class Cited(StrictModel):
    """A cited statement of the law that is not itself dated."""

    citation: str
    verified: bool
    sources: list[Source] = Field(default_factory=list)
    note: str | None = None

    @model_validator(mode="after")
    def _verified_has_a_source(self) -> Cited:
        _check_sources(self.verified, self.sources)
        return self


class CitedRule(EffectiveRule):
    """A dated rule (effective_from..effective_to) with its provenance."""

    verified: bool
    sources: list[Source] = Field(default_factory=list)
    note: str | None = None

    @model_validator(mode="after")
    def _verified_has_a_source(self) -> CitedRule:
        _check_sources(self.verified, self.sources)
        return self

    def provenance(self) -> dict[str, object]:
        """The citation block every rendering of the rule shows."""
        return {
            "citation": self.citation,
            "verified": self.verified,
            "sources": [s.model_dump() for s in self.sources],
            "note": self.note,
        }
