"""The expert reviewer and the facts that qualify or exclude one (LC 139.5)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class License:
    """A licence to practise in one state, valid through `expires_on`."""

    state: str
    expires_on: date
    number: str | None = None

    def is_valid_on(self, on: date) -> bool:
        return self.expires_on >= on


@dataclass(frozen=True)
class BoardCertification:
    board: str
    expires_on: date | None = None

    def is_valid_on(self, on: date) -> bool:
        return self.expires_on is None or self.expires_on >= on


@dataclass(frozen=True)
class Unavailability:
    """A period the reviewer takes no cases (leave, conference), both ends included."""

    start: date
    end: date

    def covers(self, on: date) -> bool:
        return self.start <= on <= self.end


@dataclass
class ExpertReviewer:
    """A physician or other practitioner on the IMR organization's panel.

    `affiliations` are keys of organisations and people in the relation graph
    ("org:acme-insurance", "person:dr-lee"); `financial_interests` likewise.
    """

    reviewer_id: str
    name: str
    profession: str  # MD, DO, DC, PhD (psychologist), DPM, LAc, PT ...
    specialties: list[str]
    board_certifications: list[BoardCertification]
    licenses: list[License]
    years_active_practice: float
    hours_per_week: float
    affiliations: list[str] = field(default_factory=list)
    financial_interests: list[str] = field(default_factory=list)
    capacity_per_week: int = 10
    active: bool = True
    unavailable: list[Unavailability] = field(default_factory=list)  # the absence calendar

    @property
    def licensure_states(self) -> list[str]:
        return [lic.state for lic in self.licenses]

    def valid_licenses(self, on: date) -> list[License]:
        return [lic for lic in self.licenses if lic.is_valid_on(on)]


@dataclass(frozen=True)
class ReviewerCredentials:
    """What the letter says of the reviewer: never the name (LC 4610.6(f))."""

    licensure: tuple[str, ...]
    specialties: tuple[str, ...]

    @classmethod
    def of(cls, reviewer: ExpertReviewer) -> ReviewerCredentials:
        boards = [b.board for b in reviewer.board_certifications]
        specialties = list(dict.fromkeys([*boards, *reviewer.specialties]))
        return cls(licensure=tuple(reviewer.licensure_states), specialties=tuple(specialties))
