"""The California judicial calendar (CCP 12a, CCP 135, Rules of Court 1.11), holiday by holiday.

Each holiday is tested in the first and last year it counts, as the sources recorded in
holidays.yaml give them: Columbus Day through 2021 and Native American Day from 2022 (AB 855),
Juneteenth from 2023 (AB 1655; the Judicial Council's first Juneteenth closure).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from openimr.datafile import load_model
from openimr.domain.errors import RuleDataError
from openimr.rules.calendar import HolidayFile, load_calendar, load_holiday_file

CAL = load_calendar("ca_dwc", "ca_judicial")


def test_columbus_day_counts_through_2021_and_not_from_2022() -> None:
    assert CAL.why_not_business_day(date(2021, 10, 11)) == "Columbus Day (second Monday in October)"
    assert CAL.is_business_day(date(2022, 10, 10))  # excepted by CCP 135 as amended by AB 855


def test_native_american_day_counts_from_2022_only() -> None:
    assert CAL.is_business_day(date(2021, 9, 24))  # fourth Friday of September 2021
    assert not CAL.is_business_day(date(2022, 9, 23))  # the first judicial one
    assert not CAL.is_business_day(date(2026, 9, 25))


def test_juneteenth_counts_from_2023_not_in_2022() -> None:
    # 2022-06-19 was a Sunday: had Juneteenth been a judicial holiday, Monday would be closed.
    assert CAL.is_business_day(date(2022, 6, 20))
    assert CAL.why_not_business_day(date(2023, 6, 19)) == "Juneteenth"
    # 2027-06-19 is a Saturday: observed on Friday 2027-06-18 (Rules of Court 1.11).
    assert CAL.why_not_business_day(date(2027, 6, 18)) == "Juneteenth (observed)"


def test_new_year_on_a_saturday_is_observed_on_the_last_friday_of_the_year_before() -> None:
    assert date(2022, 1, 1).weekday() == 5
    holiday = CAL.holidays_in(2021)[date(2021, 12, 31)]
    assert holiday.observed_from == date(2022, 1, 1)
    assert "rule 1.11" in holiday.citation


def test_sunday_holiday_is_observed_on_monday() -> None:
    assert date(2021, 7, 4).weekday() == 6
    assert not CAL.is_business_day(date(2021, 7, 5))


def test_thanksgiving_and_the_day_after_are_both_judicial_holidays() -> None:
    assert not CAL.is_business_day(date(2024, 11, 28))
    assert CAL.why_not_business_day(date(2024, 11, 29)) == "Day after Thanksgiving"


def test_state_holidays_that_are_not_judicial_holidays_are_business_days() -> None:
    assert CAL.is_business_day(date(2025, 1, 29))  # Lunar New Year 2025 (a Wednesday)
    assert CAL.is_business_day(date(2025, 4, 24))  # Genocide Remembrance Day
    assert CAL.is_business_day(date(2025, 9, 9))  # Admission Day
    assert CAL.is_business_day(date(2025, 4, 18))  # Good Friday: only noon to 3 p.m.


def test_2026_weekday_holidays_match_a_superior_courts_published_schedule() -> None:
    # Superior Court of Calaveras County, 2026 court holidays (source in holidays.yaml).
    published = {
        date(2026, 1, 1), date(2026, 1, 19), date(2026, 2, 12), date(2026, 2, 16),
        date(2026, 3, 31), date(2026, 5, 25), date(2026, 6, 19), date(2026, 7, 3),
        date(2026, 9, 7), date(2026, 9, 25), date(2026, 11, 11), date(2026, 11, 26),
        date(2026, 11, 27), date(2026, 12, 25),
    }  # fmt: skip
    ours = {d for d in CAL.holidays_in(2026) if d.weekday() < 5}
    assert ours == published


def test_business_days_skip_weekends_and_holidays() -> None:
    # Wednesday 2015-11-25 + 2 business days: Thanksgiving and the day after are holidays.
    assert CAL.add_business_days(date(2015, 11, 25), 2) == date(2015, 12, 1)
    assert CAL.roll_forward(date(2015, 3, 31)) == date(2015, 4, 1)  # Cesar Chavez Day


def test_days_before_the_calendar_covers_are_refused() -> None:
    with pytest.raises(RuleDataError, match="covers days from 2013-01-01"):
        CAL.is_business_day(date(2012, 12, 31))


def test_every_shipped_holiday_cites_its_text_and_verified_ones_name_a_source() -> None:
    for cal in load_holiday_file("ca_dwc").calendars:
        for holiday in cal.holidays:
            assert "CCP 135" in holiday.citation
            assert not holiday.verified or holiday.sources


def test_a_verified_holiday_without_a_source_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "holidays.yaml"
    bad.write_text(
        "jurisdiction: x\ncalendars:\n  - id: c\n    label: c\n    citation: c\n"
        "    verified: false\n    covers_from: 2013-01-01\n    weekend: {saturday: s}\n"
        "    observed: {saturday: none, sunday: none, citation: r, verified: false}\n"
        "    holidays:\n      - id: h\n        name: H\n        month: 1\n        day: 1\n"
        "        citation: c\n        effective_from: 2013-01-01\n        verified: true\n"
    )
    with pytest.raises(RuleDataError, match=r"holidays\[0\] \(id=h\)"):
        load_model(bad, HolidayFile)
