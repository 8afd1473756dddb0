"""The week a reviewer can work: capacity per week, prorated by the absence calendar.

A reviewer's `capacity_per_week` counts cases given in one ISO week (Monday to Sunday). Days
away on a working day (Monday to Friday) take their share off that week's capacity; a reviewer
away on the day of assignment takes nothing that day (qualification: availability), and one
away within an expedited case's window does not take that case.
"""

from __future__ import annotations

from datetime import date, timedelta

from openimr.domain.reviewer import ExpertReviewer

WORKING_DAYS = 5


def week_start(day: date) -> date:
    """The Monday of `day`'s ISO week."""
    return day - timedelta(days=day.weekday())


def working_days_available(reviewer: ExpertReviewer, day: date) -> int:
    """Working days of `day`'s week the reviewer is not away."""
    monday = week_start(day)
    days = (monday + timedelta(days=n) for n in range(WORKING_DAYS))
    return sum(1 for d in days if not any(p.covers(d) for p in reviewer.unavailable))


def week_capacity(reviewer: ExpertReviewer, day: date) -> int:
    """Cases the reviewer may be given in `day`'s week: capacity × share of days available.

    Rounded to the nearest case, and at least one when any working day is left.
    """
    days = working_days_available(reviewer, day)
    if days == 0 or reviewer.capacity_per_week <= 0:
        return 0
    return max(1, round(reviewer.capacity_per_week * days / WORKING_DAYS))


def available_through(reviewer: ExpertReviewer, day: date, days: int) -> bool:
    """Not away on any day from `day` to `day + days` (an expedited case's window)."""
    span = [day + timedelta(days=n) for n in range(days + 1)]
    return not any(p.covers(d) for p in reviewer.unavailable for d in span)
