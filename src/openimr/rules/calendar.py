"""Day counting: calendar days, business days and the roll past weekends and holidays.

Days are calendar days unless a rule says business days; the first day counted is the day
after the trigger (CCP 12), and a last day that falls on a weekend or holiday moves to the
next business day (CCP 12a). Which days are holidays is rule data: `holidays.yaml` names one
or more calendars, each a list of dated holiday rules with their citations (the California
judicial calendar of CCP 135 for ca_dwc).
"""

from __future__ import annotations

import calendar as _stdcal
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Literal

from pydantic import Field, model_validator

from openimr.datafile import StrictModel, load_model
from openimr.domain.errors import RuleDataError
from openimr.rules.cited import Cited, CitedRule, Source
from openimr.rules.loader import DEFAULT_JURISDICTION, rule_path

Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: tuple[Weekday, ...] = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)


class HolidayRule(CitedRule):
    """A fixed date (`day`) or the nth weekday of a month (`nth` -1 = last), plus an offset."""

    name: str
    month: int = Field(ge=1, le=12)
    day: int | None = Field(default=None, ge=1, le=31)
    weekday: Weekday | None = None
    nth: int | None = None
    offset_days: int = 0

    @model_validator(mode="after")
    def _one_way_of_dating(self) -> HolidayRule:
        if (self.day is None) == (self.weekday is None):
            raise ValueError("give either `day` or `weekday` + `nth`")
        if self.weekday is not None and self.nth not in {1, 2, 3, 4, -1}:
            raise ValueError("`nth` must be 1..4 or -1 with `weekday`")
        return self

    @property
    def is_fixed_date(self) -> bool:
        """Only a fixed date can fall on a weekend and be observed on another day."""
        return self.day is not None

    def date_in(self, year: int) -> date:
        if self.day is not None:
            return date(year, self.month, self.day)
        assert self.weekday is not None and self.nth is not None
        wanted = WEEKDAYS.index(self.weekday)
        days = [
            d
            for d in range(1, _stdcal.monthrange(year, self.month)[1] + 1)
            if date(year, self.month, d).weekday() == wanted
        ]
        found = date(year, self.month, days[self.nth - 1 if self.nth > 0 else -1])
        return found + timedelta(days=self.offset_days)

    def describe_date(self) -> str:
        """'January 1', 'third Monday in January', 'day after the fourth Thursday in November'."""
        month = _stdcal.month_name[self.month]
        if self.day is not None:
            return f"{month} {self.day}"
        ordinal = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}[self.nth or 1]
        text = f"{ordinal} {str(self.weekday).capitalize()} in {month}"
        return f"day after the {text}" if self.offset_days == 1 else text


class Observance(Cited):
    """Where a fixed-date holiday falling on a weekend is observed (Rules of Court 1.11)."""

    saturday: Literal["previous_friday", "none"]
    sunday: Literal["next_monday", "none"]


class NotAHoliday(Cited):
    """A state holiday the calendar deliberately leaves out, with the rule that excepts it."""

    name: str


class CalendarDef(StrictModel):
    """One named calendar: its weekend days, holidays and observance rule."""

    id: str
    label: str
    citation: str
    verified: bool
    sources: list[Source] = Field(default_factory=list)
    covers_from: date
    weekend: dict[Weekday, str]
    observed: Observance
    holidays: list[HolidayRule]
    not_judicial: list[NotAHoliday] = Field(default_factory=list)


class HolidayFile(StrictModel):
    jurisdiction: str
    calendars: list[CalendarDef] = Field(min_length=1)


@dataclass(frozen=True)
class Holiday:
    """One day that is not a business day, and why."""

    on: date
    name: str
    rule_id: str
    citation: str
    observed_from: date | None = None  # the weekend date the holiday fell on, if moved


class BusinessCalendar:
    """Which days are business days under one calendar's rules (cached per year)."""

    def __init__(self, definition: CalendarDef) -> None:
        self.definition = definition
        self._weekend = {WEEKDAYS.index(d) for d in definition.weekend}
        self._years: dict[int, dict[date, Holiday]] = {}

    @property
    def id(self) -> str:
        return self.definition.id

    def _check_range(self, day: date) -> None:
        if day < self.definition.covers_from:
            raise RuleDataError(
                f"calendar {self.id} covers days from {self.definition.covers_from}; "
                f"{day} is earlier",
                field="covers_from",
            )

    def _actual_and_observed(self, year: int) -> list[Holiday]:
        out: list[Holiday] = []
        observed = self.definition.observed
        for rule in self.definition.holidays:
            actual = rule.date_in(year)
            if not rule.is_effective_on(actual):
                continue
            out.append(Holiday(actual, rule.name, rule.id, rule.citation))
            if not rule.is_fixed_date:
                continue
            moved: date | None = None
            if actual.weekday() == 5 and observed.saturday == "previous_friday":
                moved = actual - timedelta(days=1)
            elif actual.weekday() == 6 and observed.sunday == "next_monday":
                moved = actual + timedelta(days=1)
            if moved is not None:
                cite = f"{rule.citation}; {observed.citation}"
                out.append(Holiday(moved, f"{rule.name} (observed)", rule.id, cite, actual))
        return out

    def holidays_in(self, year: int) -> dict[date, Holiday]:
        """Every holiday of `year` by date, observed days included (a January 1 on a
        Saturday is observed on December 31 of the year before)."""
        if year not in self._years:
            found: dict[date, Holiday] = {}
            for y in (year - 1, year, year + 1):
                for holiday in self._actual_and_observed(y):
                    if holiday.on.year == year and holiday.on not in found:
                        found[holiday.on] = holiday
            self._years[year] = dict(sorted(found.items()))
        return self._years[year]

    def why_not_business_day(self, day: date) -> str | None:
        """None for a business day, else the reason ('Saturday', 'Juneteenth')."""
        self._check_range(day)
        holiday = self.holidays_in(day.year).get(day)
        if holiday is not None:
            return holiday.name
        if day.weekday() in self._weekend:
            return WEEKDAYS[day.weekday()].capitalize()
        return None

    def is_business_day(self, day: date) -> bool:
        return self.why_not_business_day(day) is None

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
def load_holiday_file(jurisdiction: str = DEFAULT_JURISDICTION) -> HolidayFile:
    """Load and validate `rules/data/<jurisdiction>/holidays.yaml` (cached)."""
    path = rule_path("holidays.yaml", jurisdiction)
    data = load_model(path, HolidayFile)
    for cal in data.calendars:
        ids = [h.id for h in cal.holidays]
        if len(ids) != len(set(ids)):
            raise RuleDataError(
                f"{path}: calendar {cal.id} names a holiday id twice", file=str(path), field=cal.id
            )
        for holiday in cal.holidays:
            if holiday.effective_from < cal.covers_from:
                raise RuleDataError(
                    f"{path}: holiday {holiday.id} starts before the calendar's covers_from",
                    file=str(path),
                    field=holiday.id,
                )
    return data


@lru_cache(maxsize=8)
def load_calendar(
    jurisdiction: str = DEFAULT_JURISDICTION, calendar_id: str | None = None
) -> BusinessCalendar:
    """One calendar of a jurisdiction (the first one when `calendar_id` is None)."""
    data = load_holiday_file(jurisdiction)
    for cal in data.calendars:
        if calendar_id is None or cal.id == calendar_id:
            return BusinessCalendar(cal)
    raise RuleDataError(
        f"jurisdiction {jurisdiction} has no calendar {calendar_id!r}", field="calendar"
    )
