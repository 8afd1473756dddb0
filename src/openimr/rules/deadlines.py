"""The clocks of an IMR case, computed from rule data (deadlines.yaml).

Filing: 30 days from service of the UR decision, plus 5 when it was mailed
(LC 4610.5(h)(1); CCP 1013(a)). Records: 15 days after a mailed NOARFI, 12 after
electronic notice, 24 hours when expedited (8 CCR 9792.10.5(a)). Decision: 30 days
(3 expedited) from receipt of the records (LC 4610.6(d)).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Literal

from pydantic import model_validator

from openimr.datafile import StrictModel, load_model
from openimr.domain.case import Case
from openimr.domain.clocks import Clock, Clocks
from openimr.domain.vocabulary import Priority, ServiceMethod
from openimr.rules.calendar import BusinessCalendar, add_calendar_days, load_calendar
from openimr.rules.loader import DEFAULT_JURISDICTION, EffectiveRule, check_no_overlap, rule_path

ClockName = Literal["filing", "records", "decision"]
Trigger = Literal["ur_decision_date", "assigned_on", "records_received_on"]


class DeadlineRule(EffectiveRule):
    """One clock for one priority; versions of a rule differ by effective dates."""

    clock: ClockName
    label: str
    priority: Literal["standard", "expedited", "any"]
    trigger: Trigger
    amount: int
    unit: Literal["calendar_days", "business_days", "hours"]
    mail_extension_days: int = 0
    extension_applies_when: Literal[
        "ur_decision_served_by_mail", "noarfi_served_by_mail", "never"
    ] = "never"
    roll_to_business_day: bool = False
    note: str | None = None

    @model_validator(mode="after")
    def _positive(self) -> DeadlineRule:
        if self.amount <= 0:
            raise ValueError("amount must be positive")
        if self.mail_extension_days < 0:
            raise ValueError("mail_extension_days cannot be negative")
        return self

    def applies_to(self, priority: Priority) -> bool:
        return self.priority in {"any", priority.value}


class DeadlineFile(StrictModel):
    jurisdiction: str
    rules: list[DeadlineRule]


@dataclass(frozen=True)
class DeadlineRules:
    """The validated deadline rules of one jurisdiction, with its business calendar."""

    rules: tuple[DeadlineRule, ...]
    calendar: BusinessCalendar
    source: str

    def rule_for(self, clock: ClockName, priority: Priority, on: date) -> DeadlineRule | None:
        """The version of the clock's rule in force on the trigger date `on`, if any."""
        for rule in self.rules:
            if rule.clock == clock and rule.applies_to(priority) and rule.is_effective_on(on):
                return rule
        return None


@lru_cache(maxsize=4)
def load_deadline_rules(jurisdiction: str = DEFAULT_JURISDICTION) -> DeadlineRules:
    """Load and validate `rules/data/<jurisdiction>/deadlines.yaml` (cached)."""
    path = rule_path("deadlines.yaml", jurisdiction)
    data = load_model(path, DeadlineFile)
    # One version per clock+priority may be in force on a given day.
    keyed = [r.model_copy(update={"id": f"{r.clock}/{r.priority}"}) for r in data.rules]
    check_no_overlap(list(keyed), path)
    return DeadlineRules(tuple(data.rules), load_calendar(jurisdiction), str(path))


def due_date(
    rule: DeadlineRule, start: date, calendar: BusinessCalendar, mailed: bool
) -> tuple[date, str]:
    """Apply one rule to its trigger date; returns the due date and how it was reached.

    Hours are counted as whole days from the trigger date (24 h -> the next day), since
    the case file keeps dates, not times.
    """
    if rule.unit == "business_days":
        due = calendar.add_business_days(start, rule.amount)
        basis = f"{rule.amount} business days"
    elif rule.unit == "hours":
        due = add_calendar_days(start, -(-rule.amount // 24))
        basis = f"{rule.amount} hours"
    else:
        due = add_calendar_days(start, rule.amount)
        basis = f"{rule.amount} calendar days"
    if mailed and rule.mail_extension_days:
        due = add_calendar_days(due, rule.mail_extension_days)
        basis += f" + {rule.mail_extension_days} for service by mail"
    if rule.roll_to_business_day:
        rolled = calendar.roll_forward(due)
        if rolled != due:
            basis += f", rolled from {due.isoformat()} (weekend/holiday)"
            due = rolled
    return due, f"{basis} from {start.isoformat()}"


def _is_mailed(rule: DeadlineRule, case: Case) -> bool:
    """Whether the rule's mail extension applies (CCP 1013(a)); an unknown NOARFI method
    counts as mailed, the longer window."""
    if rule.extension_applies_when == "ur_decision_served_by_mail":
        return case.ur_decision_served_by is ServiceMethod.MAIL
    if rule.extension_applies_when == "noarfi_served_by_mail":
        return case.noarfi_served_by in {None, ServiceMethod.MAIL}
    return False


def _clock(rules: DeadlineRules, name: ClockName, case: Case, start: date | None) -> Clock:
    on = start or case.application_received_on
    rule = rules.rule_for(name, case.priority, on)
    if rule is None:  # before IMR existed (LC 4610.5(a)): no clock to show
        return Clock(name, name, None, start, "", "", f"no {name} rule in force on {on}")
    if start is None:
        return Clock(name, rule.label, None, None, rule.citation, rule.id, "not started")
    due, basis = due_date(rule, start, rules.calendar, _is_mailed(rule, case))
    return Clock(name, rule.label, due, start, rule.citation, rule.id, basis)


def filing_clock(case: Case, rules: DeadlineRules) -> Clock:
    """Last day the application may be received (LC 4610.5(h)(1) + CCP 1013(a))."""
    return _clock(rules, "filing", case, case.ur_decision_date)


def compute_deadlines(case: Case, rules: DeadlineRules | None = None) -> Clocks:
    """The filing, records and decision clocks of `case` (LC 4610.5(h), 4610.6(d); 8 CCR 9792.10.5).

    The records clock starts when the reviewer is assigned (NOARFI sent; a NOARFI whose
    service method is unknown is taken as mailed, the longer window); the decision clock
    when the records arrive. A clock not yet started has `due_on` None.
    """
    rules = rules or load_deadline_rules()
    return Clocks(
        filing=_clock(rules, "filing", case, case.ur_decision_date),
        records=_clock(rules, "records", case, case.assigned_on),
        decision=_clock(rules, "decision", case, case.records_received_on),
    )
