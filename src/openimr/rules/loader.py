"""Where rule packs live, and the shape every dated rule shares.

Every rule pack lives under `rules/data/<jurisdiction>/` and is read with the one data-file
loader, `openimr.datafile.load_model`. A rule applies from `effective_from` to `effective_to`;
two versions of one rule may not be in force on the same day.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import model_validator

from openimr.datafile import StrictModel
from openimr.domain.errors import RuleDataError

DATA_DIR = Path(__file__).parent / "data"
DEFAULT_JURISDICTION = "ca_dwc"


class EffectiveRule(StrictModel):
    """A rule that applies from `effective_from` up to and including `effective_to`."""

    id: str
    citation: str
    effective_from: date
    effective_to: date | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> EffectiveRule:
        if self.effective_to is not None and self.effective_to < self.effective_from:
            raise ValueError("effective_to is before effective_from")
        return self

    def is_effective_on(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


def rule_path(filename: str, jurisdiction: str = DEFAULT_JURISDICTION) -> Path:
    return DATA_DIR / jurisdiction / filename


def check_no_overlap(rules: list[EffectiveRule], path: Path, key: str = "id") -> None:
    """Two versions of one rule may not be in force on the same day."""
    by_key: dict[str, list[EffectiveRule]] = {}
    for rule in rules:
        by_key.setdefault(str(getattr(rule, key)), []).append(rule)
    for name, versions in by_key.items():
        versions.sort(key=lambda r: r.effective_from)
        for before, after in zip(versions, versions[1:], strict=False):
            if before.effective_to is None or before.effective_to >= after.effective_from:
                raise RuleDataError(
                    f"{path}: rule {name!r} has overlapping effective dates "
                    f"({before.effective_from} and {after.effective_from})",
                    file=str(path),
                    field=name,
                )
