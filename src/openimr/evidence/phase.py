"""Phase of care and chronic pain from the time since injury: one rule for every reader.

The guideline entries are written per phase (docs/guidelines.md §3.2 step 1): acute under
4 weeks from the injury, subacute from 4 weeks up to three months, chronic from three months
on ("chronic pain", 8 CCR 9792.20; evidence/data/facts.yaml: three months or more from onset,
counted here as 13 weeks). Post-operative care wins inside the postsurgical physical medicine
period (8 CCR 9792.24.3: six months after surgery for most procedures).
"""

from __future__ import annotations

from openimr.evidence.schema import Phase

ACUTE_UNDER_WEEKS = 4
CHRONIC_FROM_WEEKS = 13  # three months
POSTSURGICAL_WEEKS = 26  # six months


def is_chronic(weeks_since_injury: float) -> bool:
    """Pain has lasted three months or more from the injury."""
    return weeks_since_injury >= CHRONIC_FROM_WEEKS


def phase_of_care(
    weeks_since_injury: float | None,
    *,
    post_operative: bool = False,
    chronic_pain: bool | None = None,
) -> Phase | None:
    """The phase of care; None when neither the time since injury nor chronicity is known.

    `chronic_pain`, when the record states it, wins over the weeks; `post_operative` (a
    surgery inside the postsurgical period) wins over both.
    """
    if post_operative:
        return Phase.POST_OPERATIVE
    if chronic_pain is True:
        return Phase.CHRONIC
    if weeks_since_injury is not None:
        if weeks_since_injury < ACUTE_UNDER_WEEKS:
            return Phase.ACUTE
        return Phase.CHRONIC if is_chronic(weeks_since_injury) else Phase.SUBACUTE
    if chronic_pain is False:
        return Phase.SUBACUTE
    return None
