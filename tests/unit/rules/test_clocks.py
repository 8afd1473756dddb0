"""The clock engine against the primary texts cited in clocks.yaml.

Dates are chosen to straddle weekends, each holiday's first and last year, mailed against
electronic service, and expedited hours. Each test names the rule it checks.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from openimr.datafile import load_model
from openimr.domain.errors import RuleDataError
from openimr.rules.clocks import ClockFacts, ClockFile, compute_clocks, load_clock_pack

PACK = load_clock_pack("ca_dwc")


def clock(name: str, priority: str = "standard", formulary: bool = False, **events: object):  # type: ignore[no-untyped-def]
    services = {k: str(v) for k, v in events.items() if k.endswith("_service")}
    dated = {k: v for k, v in events.items() if not k.endswith("_service")}
    facts = ClockFacts(priority, dated, services, formulary)  # type: ignore[arg-type]
    return compute_clocks(facts, PACK)[name]


# -- application: 30 days of service of the UR decision (8 CCR 9792.10.1(b)(1)) ------------


def test_application_is_30_days_plus_5_when_the_ur_decision_was_mailed() -> None:
    # 2015-05-15 + 30 = Sunday 2015-06-14; + 5 for mail (CCP 1013(a)) = Friday 2015-06-19.
    c = clock("application", ur_decision=date(2015, 5, 15), ur_service="mail")
    assert (c.due, c.rolled_from, c.rule_id) == (date(2015, 6, 19), None, "application")
    assert "CCP 1013(a)" in c.citation and "+ 5 days for service by mail" in c.basis
    assert c.verified is False  # Avila, which extends the window by CCP 1013, was not read


def test_application_last_day_on_a_sunday_rolls_to_monday_when_served_electronically() -> None:
    c = clock("application", ur_decision=date(2015, 5, 15), ur_service="electronic")
    assert (c.due, c.rolled_from) == (date(2015, 6, 15), date(2015, 6, 14))
    assert "CCP 12a" in c.citation


def test_application_with_unknown_service_adds_no_extension_and_says_so() -> None:
    c = clock("application", ur_decision=date(2015, 5, 15))
    assert c.due == date(2015, 6, 15)
    assert "service method unknown" in c.basis


@pytest.mark.parametrize(
    ("served", "due", "why"),
    [
        # Columbus Day: last judicial year 2021, not from 2022 (CCP 135, AB 855).
        (date(2021, 9, 11), date(2021, 10, 12), "Columbus Day"),
        (date(2022, 9, 10), date(2022, 10, 10), None),
        # Native American Day: not before 2022, first 2022-09-23.
        (date(2021, 8, 25), date(2021, 9, 24), None),
        (date(2022, 8, 24), date(2022, 9, 26), "Native American Day"),
        # Juneteenth: not in 2022, first 2023-06-19.
        (date(2022, 5, 21), date(2022, 6, 20), None),
        (date(2023, 5, 20), date(2023, 6, 20), "Juneteenth"),
        # Cesar Chavez Day, Thanksgiving week, Christmas observed on a Friday.
        (date(2015, 3, 1), date(2015, 4, 1), "Cesar Chavez Day"),
        (date(2024, 10, 29), date(2024, 12, 2), "Day after Thanksgiving"),
        (date(2021, 11, 24), date(2021, 12, 27), "Christmas Day (observed)"),
        # New Year's Day 2022 (Saturday) observed on Friday 2021-12-31.
        (date(2021, 12, 1), date(2022, 1, 3), "New Year's Day (observed)"),
    ],
)
def test_application_rolls_past_each_judicial_holiday_only_in_the_years_it_counts(
    served: date, due: date, why: str | None
) -> None:
    c = clock("application", ur_decision=served, ur_service="electronic")
    assert c.due == due
    if why is None:
        assert c.rolled_from is None
    else:
        assert why in c.basis


def test_no_clock_rule_before_imr_existed() -> None:
    c = clock("application", ur_decision=date(2012, 12, 1), ur_service="mail")
    assert c.status == "no_rule" and c.due is None


# -- notice of assignment: 1 business day (8 CCR 9792.10.4(b)) ------------------------------


@pytest.mark.parametrize(
    ("found", "due"),
    [
        (date(2024, 3, 6), date(2024, 3, 7)),  # Wednesday -> Thursday
        (date(2024, 3, 8), date(2024, 3, 11)),  # Friday -> Monday
        (date(2024, 11, 27), date(2024, 12, 2)),  # Wednesday before Thanksgiving -> Monday
        (date(2022, 9, 22), date(2022, 9, 26)),  # Thursday before Native American Day
        (date(2021, 9, 23), date(2021, 9, 24)),  # the same Friday in 2021 was a business day
    ],
)
def test_notice_of_assignment_is_due_the_next_business_day(found: date, due: date) -> None:
    c = clock("notice_of_assignment", eligibility_found=found)
    assert (c.due, c.unit) == (due, "business_days")


# -- request for information: 5 business days of receipt (8 CCR 9792.10.3(c)) ---------------


def test_information_request_is_answered_in_5_business_days_since_2014() -> None:
    # Sent Wednesday 2024-06-12: Juneteenth (Wed 06-19) is skipped -> Thursday 2024-06-20.
    c = clock("information_request", information_request=date(2024, 6, 12))
    assert (c.due, c.rule_id) == (date(2024, 6, 20), "information_request")


def test_information_request_counts_from_receipt_when_receipt_is_known() -> None:
    c = clock(
        "information_request",
        information_request=date(2024, 6, 3),
        information_request_received=date(2024, 6, 7),
    )
    assert c.due == date(2024, 6, 14)


def test_information_request_in_2013_had_15_days() -> None:
    c = clock("information_request", information_request=date(2013, 9, 2))
    assert (c.due, c.rule_id) == (date(2013, 9, 17), "information_request/2013")


# -- records: 15 days after a mailed notice, 12 electronic, 24 hours expedited --------------


@pytest.mark.parametrize(
    ("service", "due", "rule"),
    [
        ("electronic", date(2015, 6, 16), "records/electronic"),
        ("mail", date(2015, 6, 19), "records/mailed"),
        (None, date(2015, 6, 19), "records/mailed"),  # unknown: the longer, mailed window
    ],
)
def test_records_are_due_12_days_after_electronic_notice_15_after_mailing(
    service: str | None, due: date, rule: str
) -> None:
    extra = {"assignment_notice_service": service} if service else {}
    c = clock("records", assignment_notice=date(2015, 6, 4), **extra)
    assert (c.due, c.rule_id) == (due, rule)
    assert "9792.10.5(a)(1)" in c.citation


def test_records_roll_past_a_weekend_and_columbus_day_2021() -> None:
    c = clock("records", assignment_notice=date(2021, 9, 24), assignment_notice_service="mail")
    assert (c.due, c.rolled_from) == (date(2021, 10, 12), date(2021, 10, 9))
    assert "Columbus Day" in c.basis


def test_expedited_records_are_due_24_hours_after_the_notice_to_the_minute() -> None:
    c = clock("records", "expedited", assignment_notice=datetime(2024, 3, 1, 16, 30))
    assert (c.due, c.unit, c.rolled_from) == (datetime(2024, 3, 2, 16, 30), "hours", None)


def test_expedited_records_over_a_weekend_are_not_rolled() -> None:
    # Hours are not days: CCP 12a's roll of a last day does not apply (see clocks.yaml).
    c = clock("records", "expedited", assignment_notice=datetime(2024, 3, 8, 15, 0))
    assert c.due == datetime(2024, 3, 9, 15, 0)  # a Saturday


def test_expedited_records_with_only_a_date_fall_due_the_next_day() -> None:
    c = clock("records", "expedited", assignment_notice=date(2015, 6, 4))
    assert c.due == date(2015, 6, 5)


def test_conversion_to_expedited_restarts_the_records_clock_from_the_conversion() -> None:
    c = clock(
        "records",
        "expedited",
        assignment_notice=date(2024, 3, 1),
        expedited_conversion=datetime(2024, 3, 5, 9, 0),
    )
    assert c.due == datetime(2024, 3, 6, 9, 0)


# -- decision: 30 days, 5 working days for the formulary, 3 days expedited -------------------


def test_standard_decision_is_due_30_days_after_the_records() -> None:
    c = clock("decision", records_received=date(2015, 6, 15))
    assert (c.due, c.rule_id) == (date(2015, 7, 15), "decision")
    assert "LC 4610.6(d)(1)(B)" in c.citation


def test_decision_counts_across_a_short_february() -> None:
    c = clock("decision", records_received=date(2015, 1, 31))  # + 30 = Monday 2015-03-02
    assert c.due == date(2015, 3, 2)


def test_formulary_decision_is_due_in_5_working_days_from_2018() -> None:
    # Received Thursday 2023-06-15: Fri 16, (weekend, Mon 19 Juneteenth), Tue 20 .. Fri 23.
    c = clock("decision", formulary=True, records_received=date(2023, 6, 15))
    assert (c.due, c.rule_id, c.unit) == (date(2023, 6, 23), "decision/formulary", "business_days")


def test_formulary_dispute_before_2018_has_the_ordinary_30_days() -> None:
    c = clock("decision", formulary=True, records_received=date(2017, 12, 1))
    assert (c.due, c.rule_id) == (date(2018, 1, 2), "decision")  # 12-31 Sun, 01-01 holiday


def test_expedited_decision_is_due_3_days_after_the_records() -> None:
    c = clock("decision", "expedited", records_received=date(2015, 6, 29))
    assert (c.due, c.rule_id) == (date(2015, 7, 2), "decision/expedited")
    assert c.verified is False  # LC 4610.6(d)(2) was not read


def test_expedited_decision_starts_no_earlier_than_the_conversion() -> None:
    c = clock(
        "decision",
        "expedited",
        records_received=date(2024, 3, 1),
        expedited_conversion=date(2024, 3, 6),
    )
    assert (c.starts, c.due) == (date(2024, 3, 6), date(2024, 3, 11))  # 03-09 Sat -> Monday


# -- implementation and appeal ---------------------------------------------------------------


def test_implementation_is_due_5_working_days_after_receipt() -> None:
    c = clock("implementation", determination_served=date(2024, 12, 20))
    # Mon 23, Tue 24, (Wed 25 Christmas), Thu 26, Fri 27, Mon 30.
    assert (c.due, c.citation) == (date(2024, 12, 30), "8 CCR 9792.10.7(a)(2)")


@pytest.mark.parametrize(
    ("served", "service", "due", "rule"),
    [
        # Since 2020: 30 days after service, + 5 for mail, fax or e-mail (8 CCR 10605(a)(1)).
        (date(2024, 5, 1), "personal", date(2024, 5, 31), "appeal"),
        (date(2024, 5, 1), "mail", date(2024, 6, 5), "appeal"),
        (date(2024, 5, 1), "electronic", date(2024, 6, 5), "appeal"),
        # Before 2020: + 5 for mail only (CCP 1013(a)).
        (date(2019, 5, 1), "electronic", date(2019, 5, 31), "appeal/before-2020"),
        (date(2019, 5, 1), "mail", date(2019, 6, 5), "appeal/before-2020"),
    ],
)
def test_appeal_window_by_service_method_and_era(
    served: date, service: str, due: date, rule: str
) -> None:
    c = clock("appeal", determination_served=served, determination_service=service)
    assert (c.due, c.rule_id) == (due, rule)


def test_appeal_of_an_ineligibility_determination_runs_from_its_service() -> None:
    c = clock("appeal", ineligibility_served=date(2024, 8, 1), ineligibility_service="mail")
    assert c.due == date(2024, 9, 5)  # 08-31 + 5 = 09-05 (Thursday)
    assert "10575(c)" in c.citation


# -- the data itself -------------------------------------------------------------------------


def test_clocks_not_started_say_what_they_wait_for() -> None:
    c = clock("decision")
    assert c.status == "not_started" and c.due is None
    assert "records_received" in c.basis


def test_met_and_late() -> None:
    c = clock("records", assignment_notice=date(2015, 6, 4), records_received=date(2015, 6, 22))
    assert c.met_on == date(2015, 6, 22) and c.late is True


def test_every_clock_rule_has_a_citation_and_verified_rules_name_their_sources() -> None:
    for _clock, rule in PACK.rules_in_force(date(2024, 1, 1)):
        assert rule.citation
        assert not rule.verified or rule.sources


def test_an_unknown_key_in_a_clock_file_names_file_entry_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "clocks.yaml"
    bad.write_text(
        "jurisdiction: x\ncalendar: c\nroll_citation: r\nevents: []\nclocks:\n"
        "  - id: a\n    label: a\n    rules:\n      - id: a\n        starts: [e]\n"
        "        period: {amount: 1, unit: days}\n        roll: none\n        citation: c\n"
        "        effective_from: 2013-01-01\n        verified: false\n        dayz: 3\n"
    )
    with pytest.raises(RuleDataError) as err:
        load_model(bad, ClockFile)
    assert "clocks.yaml" in err.value.message
    assert "rules[0] (id=a).dayz" in err.value.message


def test_an_hours_limit_cannot_be_rolled(tmp_path: Path) -> None:
    bad = tmp_path / "clocks.yaml"
    bad.write_text(
        "jurisdiction: x\ncalendar: c\nroll_citation: r\nevents: []\nclocks:\n"
        "  - id: a\n    label: a\n    rules:\n      - id: a\n        starts: [e]\n"
        "        period: {amount: 24, unit: hours}\n        roll: next_business_day\n"
        "        citation: c\n        effective_from: 2013-01-01\n        verified: false\n"
    )
    with pytest.raises(RuleDataError, match="neither a roll"):
        load_model(bad, ClockFile)


def test_implementation_clocks_do_not_apply_when_nothing_was_overturned() -> None:
    facts = ClockFacts(events={"determination_served": date(2024, 5, 1)}, overturned=False)
    clocks = compute_clocks(facts, PACK)
    assert clocks["implementation"].status == "not_applicable"
    assert clocks["reimbursement"].status == "not_applicable"
    assert clocks["appeal"].status == "running"  # either side may appeal
    unknown = compute_clocks(ClockFacts(events={"determination_served": date(2024, 5, 1)}), PACK)
    assert unknown["implementation"].due == date(2024, 5, 8)
