"""Where a case's reviewer must be licensed, by the rules of the case's jurisdiction.

A jurisdiction's reviewer policy (rules/data/<jurisdiction>/reviewer_policy.yaml,
`valid_licence`) says either that a licence in any U.S. state will do, or which state(s) the
reviewer must be licensed in; the rule carries its citation and whether it was verified
against the primary text. The case file names the case's jurisdiction; the solver only sees
the resulting `LicenceNeed`, and every reason that mentions a licence names the rule.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LicenceNeed:
    """The licence a case's jurisdiction asks of its reviewer (`states` None: any U.S. state)."""

    states: frozenset[str] | None
    rule: str  # the rule in words, with its source and citation, for reasons

    def allows(self, reviewer_states: frozenset[str]) -> bool:
        return self.states is None or bool(self.states & reviewer_states)
