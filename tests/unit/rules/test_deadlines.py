"""Deadline arithmetic: filing (+5 for mail), records (15/12 days, 24 h), decision (30/3 days)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openimr.datafile import load_model
from openimr.domain.errors import RuleDataError
from openimr.domain.vocabulary import Priority, ServiceMethod
from openimr.rules.calendar import load_calendar
from openimr.rules.deadlines import DeadlineFile, compute_deadlines, load_deadline_rules
from tests.factories import make_case


def test_filing_is_30_days_plus_5_when_the_ur_decision_was_mailed() -> None:
    # 2015-05-15 + 30 = 2015-06-14 (Sunday); + 5 for mail = Friday 2015-06-19.
    clocks = compute_deadlines(make_case(ur_decision_served_by=ServiceMethod.MAIL))
    assert clocks.filing.due_on == date(2015, 6, 19)
    assert "+ 5 for service by mail" in clocks.filing.basis
    assert "LC 4610.5(h)(1)" in clocks.filing.citation


def test_filing_last_day_on_a_sunday_rolls_to_monday_when_served_electronically() -> None:
    clocks = compute_deadlines(make_case(ur_decision_served_by=ServiceMethod.ELECTRONIC))
    assert clocks.filing.due_on == date(2015, 6, 15)
    assert "rolled from 2015-06-14" in clocks.filing.basis


def test_filing_counts_across_a_short_february() -> None:
    case = make_case(ur_decision_date=date(2015, 1, 31), ur_decision_served_by=ServiceMethod.FAX)
    assert compute_deadlines(case).filing.due_on == date(2015, 3, 2)


def test_filing_counts_across_a_leap_february() -> None:
    case = make_case(ur_decision_date=date(2016, 1, 31), ur_decision_served_by=ServiceMethod.FAX)
    assert compute_deadlines(case).filing.due_on == date(2016, 3, 1)


def test_filing_last_day_on_a_holiday_rolls_to_the_next_business_day() -> None:
    # 2016-06-04 + 30 = Monday 2016-07-04, Independence Day -> Tuesday 2016-07-05.
    case = make_case(
        ur_decision_date=date(2016, 6, 4), ur_decision_served_by=ServiceMethod.ELECTRONIC
    )
    assert compute_deadlines(case).filing.due_on == date(2016, 7, 5)


def test_mailed_filing_window_ending_at_year_end_rolls_past_new_year() -> None:
    # 2015-11-27 + 35 = 2016-01-01 (holiday, Friday) -> Monday 2016-01-04.
    case = make_case(ur_decision_date=date(2015, 11, 27), ur_decision_served_by=ServiceMethod.MAIL)
    assert compute_deadlines(case).filing.due_on == date(2016, 1, 4)


@pytest.mark.parametrize(
    ("noarfi", "due"),
    [
        (ServiceMethod.ELECTRONIC, date(2015, 6, 16)),  # 12 days after electronic notice
        (ServiceMethod.MAIL, date(2015, 6, 19)),  # 15 days after a mailed NOARFI
        (None, date(2015, 6, 19)),  # unknown: the longer, mailed window
    ],
)
def test_records_are_due_12_days_electronic_15_by_mail(
    noarfi: ServiceMethod | None, due: date
) -> None:
    case = make_case(assigned_on=date(2015, 6, 4), noarfi_served_by=noarfi)
    clocks = compute_deadlines(case)
    assert clocks.records.due_on == due
    assert "9792.10.5" in clocks.records.citation


def test_expedited_records_are_due_in_24_hours() -> None:
    case = make_case(priority=Priority.EXPEDITED, assigned_on=date(2015, 6, 4))
    assert compute_deadlines(case).records.due_on == date(2015, 6, 5)


def test_standard_decision_is_due_30_days_after_the_records() -> None:
    case = make_case(assigned_on=date(2015, 6, 4), records_received_on=date(2015, 6, 15))
    clocks = compute_deadlines(case)
    assert clocks.decision.due_on == date(2015, 7, 15)
    assert "LC 4610.6(d)(1)" in clocks.decision.citation


def test_expedited_decision_is_due_3_days_after_the_records() -> None:
    case = make_case(
        priority=Priority.EXPEDITED,
        assigned_on=date(2015, 6, 4),
        records_received_on=date(2015, 6, 29),
    )
    assert compute_deadlines(case).decision.due_on == date(2015, 7, 2)


def test_decision_clock_crossing_a_month_end() -> None:
    case = make_case(assigned_on=date(2015, 1, 2), records_received_on=date(2015, 1, 31))
    assert compute_deadlines(case).decision.due_on == date(2015, 3, 2)


def test_clocks_not_yet_started_have_no_due_date() -> None:
    clocks = compute_deadlines(make_case())
    assert clocks.records.due_on is None and clocks.decision.due_on is None
    assert clocks.filing.due_on is not None


def test_days_left_and_overdue() -> None:
    clocks = compute_deadlines(make_case())
    assert clocks.filing.days_left(date(2015, 6, 18)) == 1
    assert clocks.filing.is_overdue(date(2015, 6, 20))
    assert set(clocks.to_dict()) == {"filing", "records", "decision"}


def test_no_clock_before_imr_existed() -> None:
    case = make_case(date_of_injury=date(2010, 1, 1), ur_decision_date=date(2012, 5, 1))
    clocks = compute_deadlines(case)
    assert clocks.filing.due_on is None
    assert "no filing rule" in clocks.filing.basis


def test_business_days_skip_weekends_and_holidays() -> None:
    cal = load_calendar()
    # Wednesday 2015-11-25 + 2 business days: Thanksgiving and the day after are holidays.
    assert cal.add_business_days(date(2015, 11, 25), 2) == date(2015, 12, 1)
    assert cal.is_business_day(date(2015, 3, 31)) is False  # Cesar Chavez Day
    assert date(2021, 12, 24) in cal.holidays_in(2021)  # Christmas on Saturday -> Friday


def test_shipped_deadline_rules_load_and_cover_every_clock_and_priority() -> None:
    rules = load_deadline_rules()
    for clock in ("filing", "records", "decision"):
        for priority in Priority:
            assert rules.rule_for(clock, priority, date(2020, 1, 1)) is not None  # type: ignore[arg-type]


def test_an_unknown_key_in_a_deadline_file_names_file_entry_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "deadlines.yaml"
    bad.write_text(
        "jurisdiction: x\nrules:\n  - id: filing\n    clock: filing\n    label: f\n"
        "    priority: any\n    trigger: ur_decision_date\n    amount: 30\n"
        "    unit: calendar_days\n    citation: c\n    effective_from: 2013-01-01\n"
        "    dayz: 3\n"
    )
    with pytest.raises(RuleDataError) as err:
        load_model(bad, DeadlineFile)
    assert "deadlines.yaml" in err.value.message
    assert "rules[0] (id=filing).dayz" in err.value.message


def test_a_negative_amount_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "deadlines.yaml"
    bad.write_text(
        "jurisdiction: x\nrules:\n  - id: filing\n    clock: filing\n    label: f\n"
        "    priority: any\n    trigger: ur_decision_date\n    amount: -1\n"
        "    unit: calendar_days\n    citation: c\n    effective_from: 2013-01-01\n"
    )
    with pytest.raises(RuleDataError, match="amount must be positive"):
        load_model(bad, DeadlineFile)


@given(
    ur_date=st.dates(min_value=date(2013, 7, 1), max_value=date(2030, 12, 31)),
    method=st.sampled_from(list(ServiceMethod)),
)
def test_filing_due_date_is_a_business_day_at_least_30_days_out(
    ur_date: date, method: ServiceMethod
) -> None:
    case = make_case(
        date_of_injury=date(2013, 1, 1),
        ur_decision_date=ur_date,
        application_received_on=ur_date,
        ur_decision_served_by=method,
    )
    due = compute_deadlines(case).filing.due_on
    assert due is not None
    minimum = 35 if method is ServiceMethod.MAIL else 30
    assert (due - ur_date).days >= minimum
    assert (due - ur_date).days <= minimum + 4  # a roll never passes a long weekend + holiday
    assert load_calendar().is_business_day(due)
