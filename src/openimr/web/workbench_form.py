"""The workbench form's fields: a citation as six labelled fields, and back."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from openimr.domain.citation import Citation
from openimr.domain.errors import InvalidInput
from openimr.domain.vocabulary import EvidenceSource

# (suffix, label, hint) of each part of a citation on the form.
CITATION_PARTS = (
    ("source", "Source", ""),
    ("name", "Guideline", "e.g. Chronic Pain Medical Treatment"),
    ("edition", "Edition", "e.g. 2016"),
    ("sections", "Sections", "separate with ;"),
    ("pages", "Pages", "separate with ;"),
    ("strength", "Strength of evidence", "optional"),
)
MAX_FIELD = 20_000


def form_values(form: Mapping[str, Any]) -> dict[str, str]:
    """The text fields of a posted form (files and over-long values dropped)."""
    return {k: v[:MAX_FIELD] for k, v in form.items() if isinstance(v, str)}


def citation_values(prefix: str, citation: Mapping[str, Any]) -> dict[str, str]:
    """A citation (as `Citation.to_dict` or the assist gives it) as form values."""
    return {
        f"{prefix}-source": str(citation.get("source") or ""),
        f"{prefix}-name": str(citation.get("guideline") or ""),
        f"{prefix}-edition": str(citation.get("edition") or ""),
        f"{prefix}-sections": "; ".join(citation.get("sections") or []),
        f"{prefix}-pages": "; ".join(str(p) for p in citation.get("pages") or []),
        f"{prefix}-strength": str(citation.get("strength") or ""),
    }


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(";") if part.strip())


def parse_citation(text: Callable[[str], str], prefix: str, *, required: bool) -> Citation | None:
    """The citation of fields `prefix-*`; None when optional and left empty."""
    source = text(f"{prefix}-source")
    name = text(f"{prefix}-name")
    if not source and not name and not required:
        return None
    try:
        evidence = EvidenceSource(source)
    except ValueError as err:
        allowed = ", ".join(s.value for s in EvidenceSource)
        raise InvalidInput(
            f"choose the source of the guideline ({allowed})", field=f"{prefix}-source"
        ) from err
    if not name and evidence in (EvidenceSource.MTUS, EvidenceSource.NON_MTUS):
        raise InvalidInput("name the guideline relied on", field=f"{prefix}-name")
    return Citation(
        source=evidence,
        guideline=name or None,
        edition=text(f"{prefix}-edition") or None,
        sections=_split(text(f"{prefix}-sections")),
        pages=_split(text(f"{prefix}-pages")),
        strength=text(f"{prefix}-strength") or None,
    )
