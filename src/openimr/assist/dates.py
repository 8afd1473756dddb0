"""Dates as case records write them: 'October 10, 2015', 'Oct. 10, 2015', '10-10-2015', '10/10/15'.

One pattern and one reader for every part of assist (facts, summary), so that the date of
injury (8 CCR 9792.10.6(b)(2)) and the dates of the records are read the same way. The month
names come from the letter parser: assist may use letters, not the other way round.
"""

from __future__ import annotations

import re
from datetime import date

from openimr.letters.parse_fields import MONTHS

# Numeric M/D/Y (either separator, 2- or 4-digit year) or a month name, full or abbreviated.
DATE = re.compile(
    r"\b(?:(\d{1,2})[-/](\d{1,2})[-/](\d{2,4})|("
    + "|".join(m[:3] + r"\w*" for m in MONTHS)
    + r")\.? (\d{1,2}),? (\d{4}))\b",
    re.IGNORECASE,
)


def parse_date(text: str) -> date | None:
    """One date from 'October 10, 2015', '10-10-2015' or '10/10/15'; None if none."""
    match = DATE.search(text)
    return date_from_match(match) if match else None


def date_from_match(match: re.Match[str]) -> date | None:
    """The date a `DATE` match names; None when it is no calendar day (13/40/2015)."""
    try:
        if match.group(1):
            month, day, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
            year = year + 2000 if year < 100 else year
        else:
            month = (
                MONTHS.index(next(m for m in MONTHS if m.startswith(match.group(4).lower()[:3])))
                + 1
            )
            day, year = int(match.group(5)), int(match.group(6))
        return date(year, month, day)
    except (ValueError, StopIteration):
        return None


def dates_in(text: str) -> list[tuple[date, int]]:
    """Every real date in `text` with the offset where it is written, in order."""
    found = []
    for match in DATE.finditer(text):
        value = parse_date(match.group(0))
        if value is not None:
            found.append((value, match.start()))
    return found
