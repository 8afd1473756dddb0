"""The clock engine: one set of rules (clocks.yaml), one way of counting, for every caller.

A jurisdiction's clocks are data (`rules/data/<jurisdiction>/clocks.yaml`): each clock has
rules saying which events start it, how long it runs (days, business days or hours), what a
service method adds (CCP 1013(a), 8 CCR 10605), and whether a last day on a weekend or
holiday rolls to the next business day (CCP 12a). The engine applies them to `ClockFacts`
(dated events, service methods, priority, flags). The service (`rules.case_clocks`) and the
`openimr clocks` command both call `compute_clocks`; nothing here names a clock.
"""

from __future__ import annotations

import calendar as _stdcal
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Literal

from pydantic import Field, model_validator

from openimr.datafile import StrictModel, load_model
from openimr.domain.clocks import Clock, Clocks
from openimr.domain.errors import RuleDataError
from openimr.rules.calendar import BusinessCalendar, add_calendar_days, load_calendar
from openimr.rules.cited import Cited, CitedRule, Source
from openimr.rules.loader import DEFAULT_JURISDICTION, check_no_overlap, rule_path

Unit = Literal["days", "business_days", "hours", "months"]
ServiceName = Literal["mail", "electronic", "fax", "personal"]
Moment = date | datetime


class Period(StrictModel):
    """How long a clock runs. A period in months ends on the same day number `amount` months
    later; `month_end` says what happens when that month has no such day (the federal rule
    of 45 CFR 147.136(d)(2)(i) takes the first day of the month after; a rule that does not
    say is read as the month's last day, and the pack's note says so)."""

    amount: int = Field(gt=0)
    unit: Unit
    month_end: Literal["last_day", "first_of_next_month"] | None = None

    @model_validator(mode="after")
    def _month_end_only_for_months(self) -> Period:
        if (self.unit == "months") != (self.month_end is not None):
            raise ValueError("`month_end` is given exactly when the unit is months")
        return self


class Extension(Cited):
    """Time added when the start event was served by one of `service` (CCP 1013(a)...)."""

    service: list[ServiceName] = Field(min_length=1)
    amount: int = Field(gt=0)
    unit: Literal["days", "business_days"]


class When(StrictModel):
    """Conditions on the case for a rule to apply; an absent condition always holds."""

    priority: list[str] | None = None
    service: list[ServiceName] | None = None  # how the start event was served
    formulary: bool | None = None
    overturned: bool | None = None  # an item was found medically necessary (unknown: holds)
    review_type: list[str] | None = None  # e.g. experimental_investigational (a pack's types)


class ClockRule(CitedRule):
    """One version or variant of a clock."""

    when: When = Field(default_factory=When)
    starts: list[str] = Field(min_length=1)
    not_before: list[str] = Field(default_factory=list)
    period: Period
    extensions: list[Extension] = Field(default_factory=list)
    roll: Literal["next_business_day", "none"]
    dates_verified: bool = False

    @model_validator(mode="after")
    def _hours_do_not_roll(self) -> ClockRule:
        if self.period.unit == "hours" and (self.roll != "none" or self.extensions):
            raise ValueError("a limit in hours takes neither a roll nor day extensions")
        return self


class ClockDef(StrictModel):
    id: str
    label: str
    met_by: str | None = None
    assume_service: ServiceName | None = None
    rules: list[ClockRule] = Field(min_length=1)


class EventDef(StrictModel):
    id: str
    label: str
    service: str | None = None  # the fact that holds how this event was served


class ClockFile(StrictModel):
    jurisdiction: str
    calendar: str  # a calendar of this pack's holidays.yaml, or `other_pack/calendar_id`
    roll_citation: str
    roll_cite: str | None = None  # the short citation a rolled due adds (else roll_citation)
    roll_sources: list[Source] = Field(default_factory=list)
    events: list[EventDef]
    sources: dict[str, Source] = Field(default_factory=dict)  # anchors for the rules
    clocks: list[ClockDef] = Field(min_length=1)


@dataclass(frozen=True)
class ClockFacts:
    """What the engine needs to know of a case: dated events, how they were served, flags.

    `events` maps an event id to its date (or timestamp); `services` maps a service fact
    (`ur_service`, `assignment_notice_service`...) to mail, electronic, fax or personal.
    """

    priority: str = "standard"
    events: Mapping[str, Moment] = field(default_factory=dict)
    services: Mapping[str, str] = field(default_factory=dict)
    formulary: bool = False
    overturned: bool | None = None  # None: not known (no determination yet, or not said)
    review_type: str | None = None


@dataclass(frozen=True)
class ClockPack:
    """The validated clock rules of one jurisdiction with the calendar they count on."""

    jurisdiction: str
    data: ClockFile
    calendar: BusinessCalendar
    source: str

    def clock(self, clock_id: str) -> ClockDef:
        for clock in self.data.clocks:
            if clock.id == clock_id:
                return clock
        raise RuleDataError(f"no clock {clock_id!r} in {self.source}", field=clock_id)

    def event(self, event_id: str) -> EventDef | None:
        for event in self.data.events:
            if event.id == event_id:
                return event
        return None

    def rules_in_force(self, on: date) -> list[tuple[ClockDef, ClockRule]]:
        """Every clock rule in force on `on` (for `openimr rules show`)."""
        return [(c, r) for c in self.data.clocks for r in c.rules if r.is_effective_on(on)]


def _check_references(data: ClockFile, path: str) -> None:
    """Every event a rule names is declared; rule ids are unique."""
    declared = {e.id for e in data.events}
    seen: set[str] = set()
    for clock in data.clocks:
        named = [clock.met_by] if clock.met_by else []
        for rule in clock.rules:
            if rule.id in seen:
                raise RuleDataError(f"{path}: rule id {rule.id!r} is used twice", field=rule.id)
            seen.add(rule.id)
            named += rule.starts + rule.not_before
        for name in named:
            if name not in declared:
                raise RuleDataError(
                    f"{path}: clock {clock.id} names event {name!r}, which `events` does not "
                    "declare",
                    file=path,
                    field=f"{clock.id}.{name}",
                )


@lru_cache(maxsize=4)
def load_clock_pack(jurisdiction: str = DEFAULT_JURISDICTION) -> ClockPack:
    """Load and validate `rules/data/<jurisdiction>/clocks.yaml` and its calendar (cached)."""
    path = rule_path("clocks.yaml", jurisdiction)
    data = load_model(path, ClockFile)
    _check_references(data, str(path))
    for clock in data.clocks:
        # Two versions of one variant may not overlap in time; variants differ by `when`.
        keyed = [r.model_copy(update={"id": r.when.model_dump_json()}) for r in clock.rules]
        check_no_overlap(list(keyed), path)
    # `calendar: other_pack/calendar_id` counts on a calendar another pack keeps.
    owner, _, calendar_id = data.calendar.rpartition("/")
    calendar = load_calendar(owner or jurisdiction, calendar_id)
    return ClockPack(jurisdiction, data, calendar, str(path))


# -- the arithmetic --------------------------------------------------------------------------


def _as_day(moment: Moment) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


def _start(rule: ClockRule, facts: ClockFacts) -> tuple[Moment | None, str | None]:
    """The first `starts` event that happened, moved to a later `not_before` event."""
    start_event = next((e for e in rule.starts if e in facts.events), None)
    if start_event is None:
        return None, None
    start = facts.events[start_event]
    for later in rule.not_before:
        moment = facts.events.get(later)
        if moment is not None and _as_day(moment) > _as_day(start):
            start, start_event = moment, later
    return start, start_event


def _service(
    pack: ClockPack, clock: ClockDef, event_id: str | None, facts: ClockFacts
) -> tuple[str | None, bool]:
    """How the start event was served, and whether that was assumed."""
    event = pack.event(event_id) if event_id else None
    method = facts.services.get(event.service) if event and event.service else None
    if method is None and clock.assume_service is not None:
        return clock.assume_service, True
    return method, False


def _holds(when: When, facts: ClockFacts, service: str | None) -> bool:
    if when.priority is not None and facts.priority not in when.priority:
        return False
    if when.formulary is not None and facts.formulary != when.formulary:
        return False
    if None not in (when.overturned, facts.overturned) and when.overturned != facts.overturned:
        return False
    if when.review_type is not None and facts.review_type not in when.review_type:
        return False
    return when.service is None or service in when.service


def add_months(start: date, months: int, month_end: str) -> date:
    """The same day number `months` later; when that month is too short, its last day or the
    first day of the month after (`month_end`)."""
    year, index = divmod(start.month - 1 + months, 12)
    year += start.year
    last = _stdcal.monthrange(year, index + 1)[1]
    if start.day <= last:
        return date(year, index + 1, start.day)
    if month_end == "first_of_next_month":
        return date(year, index + 1, last) + timedelta(days=1)
    return date(year, index + 1, last)


def _add(
    start: date, amount: int, unit: str, calendar: BusinessCalendar, month_end: str | None = None
) -> date:
    if unit == "business_days":
        return calendar.add_business_days(start, amount)
    if unit == "months":
        return add_months(start, amount, month_end or "last_day")
    return add_calendar_days(start, amount)


def _unit_words(amount: int, unit: str) -> str:
    words = {"days": "day", "business_days": "business day", "hours": "hour", "months": "month"}[
        unit
    ]
    return f"{amount} {words}{'' if amount == 1 else 's'}"


def _apply(
    pack: ClockPack,
    rule: ClockRule,
    start: Moment,
    service: str | None,
    assumed: bool,
) -> tuple[Moment, date | None, str]:
    """(due, rolled_from, basis) for one rule from `start`."""
    cal = pack.calendar
    period = rule.period
    if period.unit == "hours":
        if isinstance(start, datetime):
            due_at = start + timedelta(hours=period.amount)
            return due_at, None, f"{_unit_words(period.amount, 'hours')} after {start.isoformat()}"
        # Only the day is known: the limit ends on the day the hours run out.
        due_day = add_calendar_days(start, -(-period.amount // 24))
        basis = f"{_unit_words(period.amount, 'hours')} after {start.isoformat()} (time unknown)"
        return due_day, None, basis
    day = _as_day(start)
    due = _add(day, period.amount, period.unit, cal, period.month_end)
    steps = [f"{_unit_words(period.amount, period.unit)} after {day.isoformat()}: {due}"]
    if service is None and rule.extensions:
        steps.append("service method unknown: no extension added")
    for ext in rule.extensions:
        if service in ext.service:
            due = _add(due, ext.amount, ext.unit, cal)
            how = f"{service}{' (assumed)' if assumed else ''}"
            steps.append(f"+ {_unit_words(ext.amount, ext.unit)} for service by {how}: {due}")
    rolled_from: date | None = None
    if rule.roll == "next_business_day":
        rolled = cal.roll_forward(due)
        if rolled != due:
            skipped = [
                f"{day} {cal.why_not_business_day(day)}"
                for day in (due + timedelta(days=n) for n in range((rolled - due).days))
            ]
            steps.append(f"not a business day ({', '.join(skipped)}): rolled to {rolled}")
            rolled_from, due = due, rolled
    return due, rolled_from, "; ".join(steps)


def _citation(rule: ClockRule, service: str | None, rolled: bool, roll_cite: str) -> str:
    parts = [rule.citation]
    parts += [e.citation for e in rule.extensions if service in e.service]
    if rolled:
        parts.append(roll_cite)
    return "; ".join(dict.fromkeys(c for part in parts for c in part.split("; ")))


def _expected_rule(clock: ClockDef, facts: ClockFacts) -> ClockRule:
    """The rule a clock that has not started will most likely use: the first current one
    whose conditions hold, the start's service method being unknown."""
    current = [r for r in clock.rules if r.effective_to is None] or clock.rules
    for rule in current:
        when = rule.when.model_copy(update={"service": None})
        if _holds(when, facts, None):
            return rule
    return current[0]


def compute_clock(pack: ClockPack, clock: ClockDef, facts: ClockFacts) -> Clock:
    """One clock for `facts`: the first applicable rule in force on the start day."""
    met = facts.events.get(clock.met_by) if clock.met_by else None
    met_on = _as_day(met) if met is not None else None
    started = in_force = False
    for rule in clock.rules:
        start, start_event = _start(rule, facts)
        if start is None:
            continue
        started = True
        if not rule.is_effective_on(_as_day(start)):
            continue
        in_force = True
        service, assumed = _service(pack, clock, start_event, facts)
        if not _holds(rule.when, facts, service):
            continue
        due, rolled_from, basis = _apply(pack, rule, start, service, assumed)
        extensions_ok = all(e.verified for e in rule.extensions if service in e.service)
        return Clock(
            name=clock.id,
            label=clock.label,
            status="running",
            starts=start,
            due=due,
            unit=rule.period.unit,
            rule_id=rule.id,
            citation=_citation(
                rule,
                service,
                rolled_from is not None,
                pack.data.roll_cite or pack.data.roll_citation,
            ),
            verified=rule.verified and extensions_ok,
            basis=basis,
            rolled_from=rolled_from,
            met_on=met_on,
        )
    if in_force:
        return Clock(
            clock.id, clock.label, "not_applicable", None, None, None, "", "", False,
            "does not apply to this case (no rule's conditions hold)", met_on=met_on,
        )  # fmt: skip
    if started:
        return Clock(
            clock.id, clock.label, "no_rule", None, None, None, "", "", False,
            "no rule of this clock is in force on its start day", met_on=met_on,
        )  # fmt: skip
    rule = _expected_rule(clock, facts)
    waiting = " or ".join(rule.starts)
    return Clock(
        clock.id, clock.label, "not_started", None, None, rule.period.unit, rule.id,
        rule.citation, rule.verified, f"not started: waits for {waiting}", met_on=met_on,
    )  # fmt: skip


def compute_clocks(facts: ClockFacts, pack: ClockPack | None = None) -> Clocks:
    """Every clock of the jurisdiction for `facts`, in the order the data lists them."""
    pack = pack or load_clock_pack()
    return Clocks(tuple(compute_clock(pack, clock, facts) for clock in pack.data.clocks))
