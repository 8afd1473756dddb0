"""Deadline clocks of a case: when something is due, and the rule that says so."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

ClockStatus = Literal["running", "not_started", "no_rule", "not_applicable"]


def _day(value: date | datetime | None) -> date | None:
    if value is None:
        return None
    return value.date() if isinstance(value, datetime) else value


def _iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


@dataclass(frozen=True)
class Clock:
    """One time limit: what is due, when, from which start, under which rule.

    `due` is a date, or a timestamp for a limit in hours whose start time is known. A clock
    whose start event has not happened is `not_started` (due None); one with no rule in force
    on its start is `no_rule` (e.g. before IMR existed, LC 4610.5(a)); one whose rules do not
    fit the case is `not_applicable` (implementation when nothing was overturned).
    """

    name: str
    label: str
    status: ClockStatus
    starts: date | datetime | None
    due: date | datetime | None
    unit: str | None  # days | business_days | hours
    rule_id: str
    citation: str
    verified: bool
    basis: str = ""  # how the date was reached, in words
    rolled_from: date | None = None  # the last day before the CCP 12a roll
    met_on: date | None = None  # the day the thing due was done, if it was

    @property
    def due_on(self) -> date | None:
        return _day(self.due)

    @property
    def started_on(self) -> date | None:
        return _day(self.starts)

    def days_left(self, today: date) -> int | None:
        """Calendar days from `today` to the due date; negative once it has passed."""
        due = self.due_on
        return None if due is None else (due - today).days

    def is_overdue(self, today: date) -> bool:
        left = self.days_left(today)
        return self.met_on is None and left is not None and left < 0

    @property
    def late(self) -> bool | None:
        """Whether what was due was done after the due day (None: not done or not due)."""
        due = self.due_on
        if self.met_on is None or due is None:
            return None
        return self.met_on > due

    def to_dict(self) -> dict[str, object]:
        return {
            "clock": self.name,
            "label": self.label,
            "status": self.status,
            "starts": _iso(self.starts),
            "due": _iso(self.due),
            "unit": self.unit,
            "rolled_from": _iso(self.rolled_from),
            "rule": self.rule_id,
            "citation": self.citation,
            "verified": self.verified,
            "basis": self.basis,
            "met_on": _iso(self.met_on),
            "late": self.late,
        }


@dataclass(frozen=True)
class Clocks:
    """Every clock of a case, in the order the jurisdiction's rule data lists them."""

    clocks: tuple[Clock, ...]

    def all(self) -> tuple[Clock, ...]:
        return self.clocks

    def get(self, name: str) -> Clock | None:
        for clock in self.clocks:
            if clock.name == name:
                return clock
        return None

    def __getitem__(self, name: str) -> Clock:
        found = self.get(name)
        if found is None:
            raise KeyError(name)
        return found

    def to_dict(self) -> dict[str, object]:
        return {c.name: c.to_dict() for c in self.clocks}
