"""Reviewer qualification on a date (LC 139.5; docs/regulations.md §4.2).

Every rule reads its threshold from the reviewer policy in force (rules/reviewer_policy.py),
and every failure is a Finding whose reason names the measured value, the threshold, the rule
and its citation. Case-independent: a batch computes it once per reviewer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from openimr.domain.reviewer import ExpertReviewer
from openimr.panel.model import PanelReviewer
from openimr.rules.reviewer_policy import ReviewerPolicy

POLICY_FILE = "reviewer_policy.yaml"


@dataclass(frozen=True)
class Finding:
    """One rule a reviewer fails: `rule` is the policy key, `reason` the sentence."""

    rule: str
    reason: str


def _cite(citation: str, rule: str) -> str:
    return f"({citation}; policy {POLICY_FILE}: {rule})"


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def qualification_findings(
    reviewer: ExpertReviewer, as_of: date, policy: ReviewerPolicy
) -> list[Finding]:
    """Every qualification rule `reviewer` fails on `as_of`; empty when qualified."""
    rules = policy.rules
    out: list[Finding] = []
    if not reviewer.active:
        out.append(Finding("active", "inactive on the panel"))
    profession = reviewer.profession.strip()
    allowed = rules.physician_professions
    if profession not in allowed.allowed:
        out.append(
            Finding(
                "physician_professions",
                f"profession {profession!r} is not a physician under LC 3209.3 "
                f"{_cite(allowed.citation, 'physician_professions')}",
            )
        )
    years = rules.min_years_active_practice
    if not years.passes(reviewer.years_active_practice):
        out.append(
            Finding(
                "min_years_active_practice",
                f"{reviewer.years_active_practice:g} years of active practice, needs "
                f"{years.describe()} {_cite(years.citation, 'min_years_active_practice')}",
            )
        )
    hours = rules.min_hours_per_week
    if not hours.passes(reviewer.hours_per_week):
        out.append(
            Finding(
                "min_hours_per_week",
                f"{reviewer.hours_per_week:g} hours a week in active practice, needs "
                f"{hours.describe()} {_cite(hours.citation, 'min_hours_per_week')}",
            )
        )
    out.extend(_licence_findings(reviewer, as_of, policy))
    board = rules.board_certification
    if profession in board.professions and not any(
        b.is_valid_on(as_of) for b in reviewer.board_certifications
    ):
        lapsed = [
            f"{b.board} expired {b.expires_on.isoformat()}"
            for b in reviewer.board_certifications
            if b.expires_on is not None
        ]
        detail = f" ({'; '.join(lapsed)})" if lapsed else ""
        out.append(
            Finding(
                "board_certification",
                f"{profession} without a current board certification{detail} "
                f"{_cite(board.citation, 'board_certification')}",
            )
        )
    for period in reviewer.unavailable:
        if period.covers(as_of):
            out.append(
                Finding(
                    "availability",
                    f"unavailable {period.start.isoformat()} to {period.end.isoformat()} "
                    f"{_cite(rules.availability.citation, 'availability')}",
                )
            )
    if isinstance(reviewer, PanelReviewer):
        out.extend(_registry_findings(reviewer, as_of, policy))
    return out


def _licence_findings(
    reviewer: ExpertReviewer, as_of: date, policy: ReviewerPolicy
) -> list[Finding]:
    rule = policy.rules.valid_licence
    valid = reviewer.valid_licenses(as_of)
    out: list[Finding] = []
    if not valid:
        expired = ", ".join(
            f"{lic.state} expired {lic.expires_on.isoformat()}" for lic in reviewer.licenses
        )
        out.append(
            Finding(
                "valid_licence",
                f"no licence valid on {as_of.isoformat()}"
                f"{' (' + expired + ')' if expired else ' (none on file)'} "
                f"{_cite(rule.citation, 'valid_licence')}",
            )
        )
    missing = [s for s in rule.required_states if s not in {lic.state for lic in valid}]
    if missing:
        out.append(
            Finding(
                "valid_licence",
                f"no valid licence in required state(s) {', '.join(missing)} "
                f"{_cite(rule.citation, 'valid_licence.required_states')}",
            )
        )
    return out


def _registry_findings(
    reviewer: PanelReviewer, as_of: date, policy: ReviewerPolicy
) -> list[Finding]:
    rules = policy.rules
    out: list[Finding] = []
    if rules.no_disciplinary_history.required and reviewer.disciplinary_actions:
        out.append(
            Finding(
                "no_disciplinary_history",
                f"disciplinary action on record: {'; '.join(reviewer.disciplinary_actions)} "
                f"{_cite(rules.no_disciplinary_history.citation, 'no_disciplinary_history')}",
            )
        )
    rv = rules.credential_reverification
    if reviewer.credentials_verified_on is None:
        if rv.require_record:
            out.append(
                Finding(
                    "credential_reverification",
                    f"credentials never verified {_cite(rv.citation, 'credential_reverification')}",
                )
            )
    else:
        due = add_years(reviewer.credentials_verified_on, rv.every_years)
        if due < as_of:
            out.append(
                Finding(
                    "credential_reverification",
                    f"credentials last verified {reviewer.credentials_verified_on.isoformat()}, "
                    f"re-verification was due {due.isoformat()} "
                    f"{_cite(rv.citation, 'credential_reverification')}",
                )
            )
    return out
