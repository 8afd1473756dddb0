"""Day counting: calendar days, business days and the roll past weekends and holidays.

Days are calendar days unless a rule says business days; the first day counted is the
day after the trigger, and a last day that falls on a weekend or holiday moves to the
next business day (CCP 12, 12a). Holidays are rule data (`holidays.yaml`).
"""

from __future__ import annotations

import calendar as _stdcal
from datetime import date, timedelta
from functools import lru_cache
from typing import Literal

from pydantic import model_validator

from openimr.datafile import StrictModel, load_model
from openimr.rules.loader import DEFAULT_JURISDICTION, EffectiveRule, rule_path

Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_WEEKDAYS: tuple[Weekday, ...] = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)


class HolidayRule(EffectiveRule):
    """A fixed date (`day`) or the nth weekday of a month (`nth` -1 = last)."""

    name: str
    month: int
    day: int | None = None
    weekday: Weekday | None = None
    nth: int | None = None
    offset_days: int = 0
    note: str | None = None

    @model_validator(mode="after")
    def _one_way_of_dating(self) -> HolidayRule:
        if (self.day is None) == (self.weekday is None):
            raise ValueError("give either `day` or `weekday` + `nth`")
        if self.weekday is not None and self.nth not in {1, 2, 3, 4, -1}:
            raise ValueError("`nth` must be 1..4 or -1 with `weekday`")
        return self

    def date_in(self, year: int) -> date:
        if self.day is not None:
            return date(year, self.month, self.day)
        assert self.weekday is not None and self.nth is not None
        wanted = _WEEKDAYS.index(self.weekday)
        days = [
            d
            for d in range(1, _stdcal.monthrange(year, self.month)[1] + 1)
            if date(year, self.month, d).weekday() == wanted
        ]
        found = date(year, self.month, days[self.nth - 1 if self.nth > 0 else -1])
        return found + timedelta(days=self.offset_days)


class Observance(StrictModel):
    sunday: Literal["next_monday", "none"] = "next_monday"
    saturday: Literal["previous_friday", "none"] = "previous_friday"


class HolidayFile(StrictModel):
    citation: str
    observed: Observance
    holidays: list[HolidayRule]


class BusinessCalendar:
    """Which days are business days, under one jurisdiction's holiday rules."""

    def __init__(self, rules: HolidayFile) -> None:
        self.rules = rules
        self._years: dict[int, frozenset[date]] = {}

    def holidays_in(self, year: int) -> frozenset[date]:
        if year not in self._years:
            days: set[date] = set()
            for rule in self.rules.holidays:
                actual = rule.date_in(year)
                if not rule.is_effective_on(actual):
                    continue
                days.add(actual)
                if rule.day is not None:  # only fixed dates can land on a weekend
                    if actual.weekday() == 6 and self.rules.observed.sunday == "next_monday":
                        days.add(actual + timedelta(days=1))
                    if actual.weekday() == 5 and self.rules.observed.saturday == "previous_friday":
                        days.add(actual - timedelta(days=1))
            self._years[year] = frozenset(days)
        return self._years[year]

    def is_business_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.holidays_in(day.year)

    def roll_forward(self, day: date) -> date:
        """CCP 12a: a last day on a weekend or holiday moves to the next business day."""
        while not self.is_business_day(day):
            day += timedelta(days=1)
        return day

    def add_business_days(self, start: date, business_days: int) -> date:
        """The `business_days`-th business day after `start` (start itself not counted)."""
        day = start
        left = business_days
        while left > 0:
            day += timedelta(days=1)
            if self.is_business_day(day):
                left -= 1
        return day


def add_calendar_days(start: date, calendar_days: int) -> date:
    """CCP 12: exclude the first day, include the last; month ends need no special case."""
    return start + timedelta(days=calendar_days)


@lru_cache(maxsize=4)
def load_calendar(jurisdiction: str = DEFAULT_JURISDICTION) -> BusinessCalendar:
    """Load `rules/data/<jurisdiction>/holidays.yaml` (validated, cached)."""
    path = rule_path("holidays.yaml", jurisdiction)
    return BusinessCalendar(load_model(path, HolidayFile))
