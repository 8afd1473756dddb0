"""Eligibility grounds as declarative data: a ground fails a case when its condition holds.

A pack's `eligibility.yaml` lists grounds; each has its citation, effective dates, `verified`
with the sources read, a reason text with {placeholders}, and `fails_when`, a condition built
from a few primitives: a clock ran out before its event happened (`clock_late`), a clock was
still running when the application arrived (`clock_open`), a fact is missing or has one of
some values, a flag is false, a document kind is missing, a date fact is before a day, the
case's priority, a duplicate of an application already standing; `all`, `any` and `not`
combine them. No ground is Python: a new ground is a new entry of data.

A ground's `outcome` is "ineligible" (the application ends) or "deferred" (it only waits, as
a payer's dispute of liability holds California workers' comp IMR, 8 CCR 9792.10.3(d)).
`fact_not_in` with `with_other_grounds: true` also counts as listed every value that another
ground in force tests the same fact for (`fact_in`): a catch-all ("not a dispute this
programme reviews") then leaves a dispute type that has a ground of its own to that ground.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Literal

from pydantic import Field, model_validator

from openimr.datafile import StrictModel, load_model
from openimr.domain.clocks import Clocks
from openimr.domain.errors import RuleDataError
from openimr.rules.cited import CitedRule, Source
from openimr.rules.loader import check_no_overlap, rule_path

FactValue = date | str | bool | None


class FactValues(StrictModel):
    fact: str
    values: list[str] = Field(min_length=1)
    # fact_not_in only: the values other grounds in force test this fact for count as listed.
    with_other_grounds: bool = False


class DateBefore(StrictModel):
    fact: str
    day: date  # not `on`, which YAML reads as true


class Condition(StrictModel):
    """Exactly one primitive, or a combination (`all`, `any`, `not`)."""

    all: list[Condition] | None = None
    any: list[Condition] | None = None
    not_: Condition | None = Field(default=None, alias="not")
    clock_late: str | None = None
    clock_open: str | None = None
    fact_missing: str | None = None
    fact_in: FactValues | None = None
    fact_not_in: FactValues | None = None
    flag_false: str | None = None
    document_missing: str | None = None
    date_before: DateBefore | None = None
    priority_in: list[str] | None = None
    duplicate: bool | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Condition:
        given = [name for name, value in self if value is not None]
        if len(given) != 1:
            raise ValueError(f"a condition has exactly one key, got {given or 'none'}")
        return self

    def kind(self) -> str:
        return next(name for name, value in self if value is not None)

    def walk(self) -> list[Condition]:
        """This condition and every condition inside it."""
        inner = [*(self.all or []), *(self.any or [])]
        if self.not_ is not None:
            inner.append(self.not_)
        return [self, *(c for sub in inner for c in sub.walk())]


Condition.model_rebuild()


Outcome = Literal["ineligible", "deferred"]


class Ground(CitedRule):
    """One ground of ineligibility, or of deferral (`outcome: deferred`)."""

    reason: str
    fails_when: Condition
    outcome: Outcome = "ineligible"
    dates_verified: bool = False  # whether the day the ground took effect was read too

    @model_validator(mode="after")
    def _with_other_grounds_only_on_fact_not_in(self) -> Ground:
        for cond in self.fails_when.walk():
            if cond.fact_in is not None and cond.fact_in.with_other_grounds:
                raise ValueError("with_other_grounds applies to fact_not_in only")
        return self

    def tested_values(self) -> dict[str, set[str]]:
        """The values this ground tests each fact for with `fact_in`."""
        found: dict[str, set[str]] = {}
        for cond in self.fails_when.walk():
            if cond.fact_in is not None:
                found.setdefault(cond.fact_in.fact, set()).update(cond.fact_in.values)
        return found


class GroundsFile(StrictModel):
    jurisdiction: str
    sources: dict[str, Source] = Field(default_factory=dict)  # YAML anchors for the grounds
    grounds: list[Ground]


@dataclass(frozen=True)
class CaseForEligibility:
    """What a ground can ask of a case, whatever the jurisdiction.

    `facts` holds the pack's case facts plus `review_type`, `priority`,
    `application_signed` and `application_received_on`; `clocks` are the case's clocks.
    """

    facts: Mapping[str, FactValue]
    documents: frozenset[str]
    clocks: Clocks
    application_received_on: date
    priority: str
    duplicate_of: str | None = None


@dataclass(frozen=True)
class Finding:
    code: str
    reason: str
    citation: str
    verified: bool
    outcome: Outcome = "ineligible"


@dataclass
class _Eval:
    case: CaseForEligibility
    # The values other grounds in force test each fact for (`with_other_grounds`).
    others: Mapping[str, set[str]] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)

    def holds(self, cond: Condition) -> bool:  # noqa: C901 - one branch per primitive
        case = self.case
        if cond.all is not None:
            return all(self.holds(c) for c in cond.all)
        if cond.any is not None:
            return any(self.holds(c) for c in cond.any)
        if cond.not_ is not None:
            return not self.holds(cond.not_)
        if cond.clock_late is not None:
            clock = case.clocks.get(cond.clock_late)
            if clock is None or clock.due_on is None:
                return False
            done = clock.met_on or case.application_received_on
            self.values[f"{clock.name}_due"] = clock.due_on.isoformat()
            self.values[f"{clock.name}_basis"] = clock.basis
            return done > clock.due_on
        if cond.clock_open is not None:
            clock = case.clocks.get(cond.clock_open)
            if clock is None or clock.due_on is None or clock.met_on is not None:
                return False
            self.values[f"{clock.name}_due"] = clock.due_on.isoformat()
            return case.application_received_on <= clock.due_on
        if cond.fact_missing is not None:
            return case.facts.get(cond.fact_missing) in (None, "")
        if cond.fact_in is not None:
            return str(case.facts.get(cond.fact_in.fact)) in cond.fact_in.values
        if cond.fact_not_in is not None:
            listed = set(cond.fact_not_in.values)
            if cond.fact_not_in.with_other_grounds:
                listed |= self.others.get(cond.fact_not_in.fact, set())
            return str(case.facts.get(cond.fact_not_in.fact)) not in listed
        if cond.flag_false is not None:
            return case.facts.get(cond.flag_false) is not True
        if cond.document_missing is not None:
            return cond.document_missing not in case.documents
        if cond.date_before is not None:
            value = case.facts.get(cond.date_before.fact)
            self.values[f"{cond.date_before.fact}_limit"] = cond.date_before.day.isoformat()
            return isinstance(value, date) and value < cond.date_before.day
        if cond.priority_in is not None:
            return case.priority in cond.priority_in
        if cond.duplicate is not None:
            if case.duplicate_of is not None:
                self.values["duplicate_of"] = case.duplicate_of
            return (case.duplicate_of is not None) == cond.duplicate
        raise RuleDataError(f"no evaluation for condition {cond.kind()}", field=cond.kind())


def _text(value: FactValue) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return f"{{{key}}}"


def evaluate(grounds: list[Ground], case: CaseForEligibility) -> list[Finding]:
    """Every ground in force on the application day that `case` fails, in the file's order."""
    findings = []
    in_force = [g for g in grounds if g.is_effective_on(case.application_received_on)]
    for ground in in_force:
        others: dict[str, set[str]] = {}
        for other in in_force:
            if other is not ground:
                for fact, tested in other.tested_values().items():
                    others.setdefault(fact, set()).update(tested)
        run = _Eval(case, others)
        if run.holds(ground.fails_when):
            values = _Blank({k: _text(v) for k, v in case.facts.items()})
            values.update(run.values)
            reason = " ".join(ground.reason.format_map(values).split())
            findings.append(
                Finding(ground.id, reason, ground.citation, ground.verified, ground.outcome)
            )
    return findings


def describe(cond: Condition) -> str:
    """A condition in words, for the rule book (`openimr rules show`)."""
    if cond.all is not None:
        return "all of: " + "; ".join(_nested(c) for c in cond.all)
    if cond.any is not None:
        return "any of: " + "; ".join(_nested(c) for c in cond.any)
    if cond.not_ is not None:
        return f"not ({describe(cond.not_)})"
    if cond.fact_in is not None:
        return f"{cond.fact_in.fact} is one of {', '.join(cond.fact_in.values)}"
    if cond.fact_not_in is not None:
        text = f"{cond.fact_not_in.fact} is none of {', '.join(cond.fact_not_in.values)}"
        if cond.fact_not_in.with_other_grounds:
            text += " (nor a value another ground tests it for)"
        return text
    if cond.date_before is not None:
        return f"{cond.date_before.fact} is before {cond.date_before.day.isoformat()}"
    if cond.priority_in is not None:
        return f"priority is {' or '.join(cond.priority_in)}"
    words = {
        "clock_late": "clock {} was met (or the application arrived) after its due day",
        "clock_open": "clock {} was still running when the application arrived",
        "fact_missing": "{} is missing",
        "flag_false": "{} is not true",
        "document_missing": "no document of kind {}",
    }
    if cond.duplicate is not None:
        standing = "already standing" if cond.duplicate else "not already standing"
        return f"an application for the same dispute is {standing}"
    kind = cond.kind()
    return words[kind].format(getattr(cond, kind))


def _nested(cond: Condition) -> str:
    text = describe(cond)
    return f"({text})" if cond.all is not None or cond.any is not None else text


@dataclass(frozen=True)
class GroundBook:
    jurisdiction: str
    grounds: tuple[Ground, ...]
    source: str

    def in_force(self, on: date) -> list[Ground]:
        return [g for g in self.grounds if g.is_effective_on(on)]


def check_references(
    book: GroundBook,
    *,
    clocks: set[str],
    facts: set[str],
    document_kinds: set[str],
    priorities: set[str],
) -> None:
    """Every clock, fact, document kind and priority a ground names exists in the pack."""
    for ground in book.grounds:
        for cond in ground.fails_when.walk():
            named: list[tuple[str, str, set[str]]] = []
            for key in ("clock_late", "clock_open"):
                value = getattr(cond, key)
                if value is not None:
                    named.append((key, value, clocks))
            for key in ("fact_missing", "flag_false"):
                value = getattr(cond, key)
                if value is not None:
                    named.append((key, value, facts))
            for fv in (cond.fact_in, cond.fact_not_in, cond.date_before):
                if fv is not None:
                    named.append(("fact", fv.fact, facts))
            if cond.document_missing is not None:
                named.append(("document_missing", cond.document_missing, document_kinds))
            for priority in cond.priority_in or []:
                named.append(("priority_in", priority, priorities))
            for key, value, known in named:
                if value not in known:
                    raise RuleDataError(
                        f"{book.source}: ground {ground.id} names {key} {value!r}, which the "
                        f"pack does not declare (known: {', '.join(sorted(known))})",
                        file=book.source,
                        field=f"{ground.id}.fails_when.{key}",
                    )


@lru_cache(maxsize=16)
def load_grounds(jurisdiction: str) -> GroundBook:
    """Load and validate `rules/data/<jurisdiction>/eligibility.yaml` in the grounds format."""
    path = rule_path("eligibility.yaml", jurisdiction)
    data = load_model(path, GroundsFile)
    check_no_overlap(list(data.grounds), path)
    return GroundBook(data.jurisdiction, tuple(data.grounds), str(path))
