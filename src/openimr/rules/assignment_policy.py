"""How a case gets its reviewer, as dated data: the licence its jurisdiction requires and the
internal deadline for a reviewer to sign (rules/data/<jurisdiction>/assignment.yaml).

Each rule carries its citation, whether it was verified against the primary text (`verified`,
with the `sources` read) and a `note` on what was not read. The loader refuses a file with
overlapping versions, a `states` scope without states, or `verified: true` without a source.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import Field, model_validator

from openimr.datafile import StrictModel, dotted_path, load_model
from openimr.domain.errors import RuleDataError
from openimr.rules.loader import DATA_DIR, EffectiveRule, check_no_overlap, rule_path

R = TypeVar("R", bound=EffectiveRule)


class SourceRead(StrictModel):
    title: str
    url: str | None = None


class _Provenance(EffectiveRule):
    verified: bool
    sources: list[SourceRead] = Field(default_factory=list)
    note: str | None = None

    @model_validator(mode="after")
    def _verified_has_a_source(self) -> _Provenance:
        if self.verified and not self.sources:
            raise ValueError("verified: true needs at least one source that was read")
        return self

    def describe(self) -> str:
        """The rule's name, citation and whether it was verified, for reasons."""
        checked = "verified" if self.verified else "not verified against the statute"
        return f"rule {self.id} ({self.citation}; {checked})"


class CaseLicenceRule(_Provenance):
    """Where the reviewer of a case must hold a valid licence."""

    scope: Literal["any_state", "states"]
    states: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _states_when_listed(self) -> CaseLicenceRule:
        if self.scope == "states" and not self.states:
            raise ValueError("scope 'states' needs at least one state")
        return self

    @property
    def required_states(self) -> frozenset[str] | None:
        """None when any U.S. state will do."""
        return None if self.scope == "any_state" else frozenset(s.upper() for s in self.states)


class TurnaroundRule(_Provenance):
    """Days a reviewer has to sign, from the records' arrival (or a later assignment)."""

    standard_days: int = Field(gt=0)
    expedited_days: int = Field(gt=0)


class AssignmentPolicy(StrictModel):
    jurisdiction: str
    case_licence: list[CaseLicenceRule] = Field(min_length=1)
    # A pack may set no internal deadline for a reviewer to sign (only ca_dwc does).
    reviewer_turnaround: list[TurnaroundRule] = Field(default_factory=list)

    def licence_on(self, on: date) -> CaseLicenceRule:
        return _in_force(self.case_licence, on, self.jurisdiction)

    def turnaround_on(self, on: date) -> TurnaroundRule | None:
        """The internal deadline in force on `on`; None when the pack sets none at all."""
        if not self.reviewer_turnaround:
            return None
        return _in_force(self.reviewer_turnaround, on, self.jurisdiction)


def _in_force(rules: list[R], on: date, jurisdiction: str) -> R:
    for rule in rules:
        if rule.is_effective_on(on):
            return rule
    raise RuleDataError(
        f"no {rules[0].id} rule of {jurisdiction} is in force on {on.isoformat()}",
        jurisdiction=jurisdiction,
        on=on.isoformat(),
    )


def load_assignment_policy(path: Path | str) -> AssignmentPolicy:
    """Load and validate an assignment file; RuleDataError names the file and field."""
    path = Path(path)
    policy = load_model(path, AssignmentPolicy, what="assignment policy", locate=dotted_path)
    check_no_overlap(list(policy.case_licence), path)
    check_no_overlap(list(policy.reviewer_turnaround), path)
    return policy


@lru_cache(maxsize=8)
def assignment_policy(jurisdiction: str = "ca_dwc") -> AssignmentPolicy:
    """The shipped assignment policy of a jurisdiction (RuleDataError when there is none)."""
    if jurisdiction not in known_jurisdictions():
        raise RuleDataError(
            f"unknown jurisdiction {jurisdiction!r} (known: {', '.join(known_jurisdictions())})",
            jurisdiction=jurisdiction,
        )
    return load_assignment_policy(rule_path("assignment.yaml", jurisdiction))


def policy_of(jurisdiction: str) -> AssignmentPolicy | None:
    """The assignment policy of a jurisdiction pack, None when its pack has none (yet).

    An unknown jurisdiction (no pack at all) is a RuleDataError naming the known ones.
    """
    if jurisdiction in known_jurisdictions():
        return assignment_policy(jurisdiction)
    packs = sorted(p.name for p in DATA_DIR.iterdir() if (p / "pack.yaml").exists())
    if jurisdiction in packs:
        return None
    raise RuleDataError(
        f"unknown jurisdiction {jurisdiction!r} (known: {', '.join(packs)})",
        jurisdiction=jurisdiction,
    )


def known_jurisdictions() -> list[str]:
    """Jurisdictions whose rule data says how their cases get a reviewer."""
    return sorted(p.parent.name for p in DATA_DIR.glob("*/assignment.yaml"))
