"""Deadline clocks of a case: when something is due, and the rule that says so."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Clock:
    """One deadline: what is due, on which day, from which trigger, under which rule.

    `due_on` is None while the clock has not started (e.g. the decision clock
    before the records arrive, LC 4610.6(d)).
    """

    name: str  # filing | records | decision
    label: str
    due_on: date | None
    started_on: date | None
    citation: str
    rule_id: str
    basis: str = ""  # how the date was reached, in words ("30 days + 5 for mail, rolled to Monday")

    def days_left(self, today: date) -> int | None:
        """Calendar days from `today` to the due date; negative once it has passed."""
        return None if self.due_on is None else (self.due_on - today).days

    def is_overdue(self, today: date) -> bool:
        left = self.days_left(today)
        return left is not None and left < 0

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "label": self.label,
            "due_on": self.due_on.isoformat() if self.due_on else None,
            "started_on": self.started_on.isoformat() if self.started_on else None,
            "citation": self.citation,
            "rule_id": self.rule_id,
            "basis": self.basis,
        }


@dataclass(frozen=True)
class Clocks:
    """The clocks shown on every case: filing, records due, decision due."""

    filing: Clock
    records: Clock
    decision: Clock

    def all(self) -> tuple[Clock, ...]:
        return (self.filing, self.records, self.decision)

    def to_dict(self) -> dict[str, object]:
        return {c.name: c.to_dict() for c in self.all()}
