"""Optimistic locking at the command level: "I edited version N" (ConcurrentUpdate otherwise)."""

from __future__ import annotations

from openimr.domain.case import Case
from openimr.domain.errors import ConcurrentUpdate


def ensure_version(case: Case, expected: int | None) -> None:
    """A command that says which version it edited fails if the case moved on since, so two
    users editing the same case get a conflict instead of a lost update."""
    if expected is not None and expected != case.version:
        raise ConcurrentUpdate(
            f"case {case.case_number} changed since you loaded it (now version {case.version}, "
            f"yours {expected}); reload and try again",
            case_number=case.case_number,
            version=case.version,
        )
