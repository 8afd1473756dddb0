"""A citation of a guideline recommendation, as a determination letter states it."""

from __future__ import annotations

from dataclasses import dataclass, field

from openimr.domain.vocabulary import EvidenceSource


@dataclass(frozen=True)
class Citation:
    """One guideline cited for a disputed item.

    `guideline` and `edition` use the names the letters use ("Chronic Pain Medical
    Treatment", "2016"); `text` keeps the letter's own words for the citation line.
    """

    source: EvidenceSource
    guideline: str | None = None
    edition: str | None = None
    sections: tuple[str, ...] = ()
    pages: tuple[str, ...] = ()
    strength: str | None = None
    text: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "source": self.source.value,
            "guideline": self.guideline,
            "edition": self.edition,
            "sections": list(self.sections),
            "pages": list(self.pages),
            "strength": self.strength,
            "text": self.text,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Citation:
        return cls(
            source=EvidenceSource(str(data["source"])),
            guideline=_opt_str(data.get("guideline")),
            edition=_opt_str(data.get("edition")),
            sections=tuple(str(s) for s in data.get("sections") or ()),  # type: ignore[attr-defined]
            pages=tuple(str(p) for p in data.get("pages") or ()),  # type: ignore[attr-defined]
            strength=_opt_str(data.get("strength")),
            text=str(data.get("text") or ""),
        )


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True)
class CitationSet:
    """The citations of one item, kept in the order the reviewer ranked them."""

    citations: tuple[Citation, ...] = field(default_factory=tuple)
