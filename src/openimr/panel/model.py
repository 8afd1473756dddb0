"""What the panel knows of a reviewer beyond the domain's ExpertReviewer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from openimr.domain.reviewer import ExpertReviewer, Unavailability

__all__ = ["DeaRegistration", "PanelReviewer", "Unavailability", "free_capacity"]


@dataclass(frozen=True)
class DeaRegistration:
    """A DEA registration (needed to prescribe controlled drugs; shown, not required)."""

    number: str
    expires_on: date

    def is_valid_on(self, on: date) -> bool:
        return self.expires_on >= on


@dataclass
class PanelReviewer(ExpertReviewer):
    """An ExpertReviewer with the registry's credentialing facts (URAC IRO practice)."""

    credentials_verified_on: date | None = None
    disciplinary_actions: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    dea: DeaRegistration | None = None
    open_cases: int = 0  # cases already assigned this week; they use capacity

    @property
    def free_capacity(self) -> int:
        return max(0, self.capacity_per_week - self.open_cases)


def free_capacity(reviewer: ExpertReviewer) -> int:
    """Slots left this week for any reviewer record."""
    if isinstance(reviewer, PanelReviewer):
        return reviewer.free_capacity
    return max(0, reviewer.capacity_per_week)
