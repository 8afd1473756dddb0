"""Jurisdiction packs: every shipped pack validates; their clocks, months and grounds."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from openimr.domain.errors import RuleDataError
from openimr.rules import clocks as clocks_module
from openimr.rules import grounds as grounds_module
from openimr.rules import loader
from openimr.rules import pack as pack_module
from openimr.rules.calendar import load_calendar, load_holiday_file
from openimr.rules.clocks import ClockFacts, add_months, compute_clocks, load_clock_pack
from openimr.rules.grounds import CaseForEligibility, evaluate
from openimr.rules.pack import grounds_of, jurisdictions, load_pack, validate_all_packs

SRC = Path(pack_module.__file__).resolve().parents[1]


def test_every_shipped_pack_validates() -> None:
    assert validate_all_packs() == ["ca_dmhc", "ca_dwc", "hi_external", "us_federal"]


def test_no_code_names_the_fourth_jurisdiction() -> None:
    """hi_external is a folder of data and these tests: no module of openimr names it."""
    named = [p for p in SRC.rglob("*.py") if "hi_external" in p.read_text(encoding="utf-8")]
    assert named == []


def test_months_keep_the_day_or_take_the_month_end_rule() -> None:
    assert add_months(date(2026, 1, 15), 4, "first_of_next_month") == date(2026, 5, 15)
    assert add_months(date(2025, 10, 30), 4, "first_of_next_month") == date(2026, 3, 1)
    assert add_months(date(2025, 8, 31), 6, "last_day") == date(2026, 2, 28)
    assert add_months(date(2023, 8, 31), 6, "last_day") == date(2024, 2, 29)
    assert add_months(date(2025, 11, 30), 3, "last_day") == date(2026, 2, 28)


def test_federal_request_window_is_four_months_then_the_next_business_day() -> None:
    """45 CFR 147.136(d)(2)(i): October 30 has no February 30, so March 1; March 1, 2026 is
    a Sunday, so the last filing day is Monday March 2."""
    clocks = compute_clocks(
        ClockFacts(events={"final_denial_received": date(2025, 10, 30)}),
        load_clock_pack("us_federal"),
    )
    request = clocks["request"]
    assert (request.due, request.rolled_from, request.unit) == (
        date(2026, 3, 2), date(2026, 3, 1), "months")  # fmt: skip
    assert request.verified and "147.136(d)(2)(i)" in request.citation


def test_federal_expedited_decision_is_72_hours_from_the_iro_receipt() -> None:
    clocks = compute_clocks(
        ClockFacts(priority="expedited", events={"iro_received": date(2026, 3, 2)}),
        load_clock_pack("us_federal"),
    )
    assert (clocks["decision"].due, clocks["decision"].unit) == (date(2026, 3, 5), "hours")


def test_a_federal_holiday_is_not_a_business_day() -> None:
    federal = load_calendar("us_federal", "federal")
    assert federal.why_not_business_day(date(2026, 7, 3)) is None  # not moved (6103(b) not applied)
    assert federal.why_not_business_day(date(2025, 11, 27)) == "Thanksgiving Day"
    assert federal.why_not_business_day(date(2020, 6, 19)) is None  # Juneteenth from 2021


def test_dmhc_records_count_business_days_on_the_judicial_calendar() -> None:
    """H&S 1374.30(n): three business days; 2026-02-16 is Presidents' Day."""
    pack = load_clock_pack("ca_dmhc")
    assert pack.calendar.id == "ca_judicial"
    clocks = compute_clocks(ClockFacts(events={"eligibility_notice": date(2026, 2, 13)}), pack)
    assert clocks["records"].due == date(2026, 2, 19)


def test_dmhc_experimental_review_takes_its_own_variant() -> None:
    pack = load_clock_pack("ca_dmhc")
    facts = {"records_received": date(2026, 2, 18)}
    plain = compute_clocks(ClockFacts(events=facts), pack)["decision"]
    experimental = compute_clocks(
        ClockFacts(events=facts, review_type="experimental_investigational"), pack
    )["decision"]
    assert plain.rule_id == "decision" and plain.verified
    assert experimental.rule_id == "decision/experimental" and not experimental.verified


def _dmhc_case(**facts: object) -> CaseForEligibility:
    pack = load_pack("ca_dmhc")
    values = {"review_type": "medical_necessity", "priority": "standard", **facts}
    events = {k: v for k, v in values.items() if isinstance(v, date)}
    received = values.get("application_received_on", date(2026, 3, 2))
    assert isinstance(received, date)
    events["application_received"] = received
    clocks = compute_clocks(
        ClockFacts(
            priority=str(values["priority"]), events=events, review_type=str(values["review_type"])
        ),
        pack.clocks,
    )
    return CaseForEligibility(
        facts={**values, "application_received_on": received},  # type: ignore[dict-item]
        documents=frozenset(),
        clocks=clocks,
        application_received_on=received,
        priority=str(values["priority"]),
    )


def _codes(jurisdiction: str, case: CaseForEligibility) -> list[str]:
    book = grounds_of(load_pack(jurisdiction))
    assert book is not None
    return [f.code for f in evaluate(list(book.grounds), case)]


def test_dmhc_grounds_coverage_grievance_and_timeliness() -> None:
    assert _codes("ca_dmhc", _dmhc_case(plan_decision=date(2026, 1, 10))) == []
    assert _codes("ca_dmhc", _dmhc_case(review_type="coverage")) == ["coverage_decision"]
    waiting = _dmhc_case(grievance_filed=date(2026, 2, 20))
    assert _codes("ca_dmhc", waiting) == ["grievance_not_exhausted"]
    # After 30 days without the plan's decision the enrollee may apply.
    assert _codes("ca_dmhc", _dmhc_case(grievance_filed=date(2026, 1, 5))) == []
    # An experimental/investigational denial needs no grievance first.
    experimental = _dmhc_case(
        grievance_filed=date(2026, 2, 20), review_type="experimental_investigational"
    )
    assert _codes("ca_dmhc", experimental) == []
    late = _dmhc_case(plan_decision=date(2025, 8, 31), application_received_on=date(2026, 3, 2))
    book = grounds_of(load_pack("ca_dmhc"))
    assert book is not None
    (finding,) = evaluate(list(book.grounds), late)
    assert finding.code == "untimely" and "2026-02-28" in finding.reason and finding.verified


def test_hawaii_grounds_read_the_request_contents() -> None:
    pack = load_pack("hi_external")
    received = date(2026, 2, 10)
    clocks = compute_clocks(
        ClockFacts(
            events={"final_denial_received": date(2026, 1, 5), "request_received": received}
        ),
        pack.clocks,
    )
    case = CaseForEligibility(
        facts={"review_type": "medical_necessity", "filing_fee_paid": True},
        documents=frozenset({"final_internal_determination", "records_authorization"}),
        clocks=clocks,
        application_received_on=received,
        priority="standard",
    )
    assert _codes("hi_external", case) == ["no_conflict_disclosure"]


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of rules/data that a test may break; caches cleared before and after."""
    copy = tmp_path / "data"
    shutil.copytree(loader.DATA_DIR, copy)
    monkeypatch.setattr(loader, "DATA_DIR", copy)
    monkeypatch.setattr(pack_module, "DATA_DIR", copy)
    caches = [
        load_pack,
        load_clock_pack,
        grounds_module.load_grounds,
        load_calendar,
        load_holiday_file,
    ]
    for cache in caches:
        cache.cache_clear()
    yield copy
    for cache in caches:
        cache.cache_clear()
    assert clocks_module.load_clock_pack is load_clock_pack


def test_a_new_jurisdiction_is_a_new_folder(data_copy: Path) -> None:
    shutil.copytree(data_copy / "hi_external", data_copy / "xx_example")
    for path in (data_copy / "xx_example").glob("*.yaml"):
        text = path.read_text().replace("jurisdiction: hi_external", "jurisdiction: xx_example")
        path.write_text(text)
    assert "xx_example" in validate_all_packs()


def test_a_ground_naming_an_unknown_clock_stops_validation(data_copy: Path) -> None:
    path = data_copy / "ca_dmhc" / "eligibility.yaml"
    path.write_text(path.read_text().replace("clock_late: application", "clock_late: nowhere"))
    with pytest.raises(RuleDataError) as err:
        validate_all_packs()
    assert "eligibility.yaml" in err.value.message and "nowhere" in err.value.message


def test_a_lifecycle_event_the_clocks_lack_stops_validation(data_copy: Path) -> None:
    path = data_copy / "us_federal" / "pack.yaml"
    path.write_text(path.read_text().replace("assigned: iro_assigned", "assigned: iro_gone"))
    with pytest.raises(RuleDataError) as err:
        load_pack("us_federal")
    assert "lifecycle.assigned" in err.value.message


def test_jurisdictions_lists_the_folders_with_a_pack() -> None:
    assert set(jurisdictions()) == {"ca_dwc", "ca_dmhc", "us_federal", "hi_external"}
