"""`openimr clocks IN.jsonl`: one line out per line in, errors per line, the service's engine."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from openimr.cli import app
from openimr.domain.notice import Notice, NoticeRecipient
from openimr.domain.vocabulary import NoticeKind, PartyRole, ServiceMethod
from openimr.rules.case_clocks import case_clocks
from tests.factories import make_case

runner = CliRunner()
OUTPUT_FIELDS = {"clock", "starts", "due", "unit", "rolled_from", "rule", "citation"}
ALL_CLOCKS = {
    "application",
    "notice_of_assignment",
    "records",
    "information_request",
    "decision",
    "implementation",
    "appeal",
}


def run(tmp_path: Path, *lines: str) -> tuple[int, list[dict[str, object]]]:
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["clocks", str(source)])
    return result.exit_code, [json.loads(line) for line in result.stdout.splitlines()]


def by_name(out: dict[str, object]) -> dict[str, dict[str, object]]:
    return {c["clock"]: c for c in out["clocks"]}  # type: ignore[attr-defined, index]


def test_every_clock_of_a_full_case_is_reported_with_its_rule_and_citation(tmp_path: Path) -> None:
    line = json.dumps(
        {
            "id": "case-1",
            "jurisdiction": "ca_dwc",
            "priority": "standard",
            "events": {
                "ur_decision": "2024-04-05",
                "ur_service": "mail",
                "application_received": "2024-05-06",
                "eligibility_found": "2024-05-10",
                "assignment_notice": "2024-05-13",
                "assignment_notice_service": "electronic",
                "records_received": "2024-05-24",
                "determination_served": "2024-06-20",
                "determination_service": "mail",
                "formulary": False,
            },
        }
    )
    code, (out,) = run(tmp_path, line)
    assert code == 0 and out["id"] == "case-1"
    clocks = by_name(out)
    assert set(clocks) >= ALL_CLOCKS
    for entry in clocks.values():
        assert set(entry) >= OUTPUT_FIELDS
    assert clocks["application"]["due"] == "2024-05-10"  # 05-05 Sun + 5 for mail = Fri 05-10
    assert clocks["notice_of_assignment"]["due"] == "2024-05-13"
    assert clocks["records"]["due"] == "2024-05-28"  # 05-25 Sat, 05-26 Sun, 05-27 Memorial Day
    assert clocks["records"]["rolled_from"] == "2024-05-25"
    assert clocks["decision"]["due"] == "2024-06-24"  # 06-23 is a Sunday
    assert clocks["appeal"]["due"] == "2024-07-25"  # 30 days + 5 (8 CCR 10605(a)(1))
    assert clocks["information_request"]["starts"] is None  # not started: no request made


def test_missing_events_leave_clocks_not_started(tmp_path: Path) -> None:
    code, (out,) = run(tmp_path, json.dumps({"id": "x", "events": {}}))
    assert code == 0
    assert {c["status"] for c in out["clocks"]} == {"not_started"}  # type: ignore[union-attr]


def test_bad_lines_get_an_error_line_and_the_batch_goes_on(tmp_path: Path) -> None:
    code, out = run(
        tmp_path,
        "{not json",
        json.dumps({"id": "b", "events": {"ur_decision": "2024-02-30"}}),
        json.dumps({"id": "c", "events": {"ur_service": "pigeon"}}),
        json.dumps({"id": "d", "jurisdiction": "../../etc", "events": {}}),
        json.dumps({"id": "e", "events": {"ur_decision": "2024-02-01"}}),
    )
    assert code == 1
    assert len(out) == 5
    assert "not valid JSON" in str(out[0]["error"]) and out[0]["line"] == 1
    assert "events.ur_decision" in str(out[1]["error"])
    assert "ur_service" in str(out[2]["error"]) and "pigeon" in str(out[2]["error"])
    assert "unknown jurisdiction" in str(out[3]["error"])
    assert "clocks" in out[4]


def test_an_unreadable_input_file_is_named(tmp_path: Path) -> None:
    result = runner.invoke(app, ["clocks", str(tmp_path / "missing.jsonl")])
    assert result.exit_code == 2
    assert "missing.jsonl" in result.output


def test_the_service_and_the_command_compute_the_same_clocks(tmp_path: Path) -> None:
    notice = Notice(
        "N1",
        NoticeKind.ASSIGNMENT,
        date(2015, 6, 4),
        ServiceMethod.ELECTRONIC,
        (NoticeRecipient(PartyRole.CLAIMS_ADMINISTRATOR, "Test Mutual", "org:test-mutual"),),
        "clerk",
    )
    case = make_case(
        ur_decision_served_by=ServiceMethod.MAIL,
        assigned_on=date(2015, 6, 4),
        notices=[notice],
        records_received_on=date(2015, 6, 15),
    )
    line = json.dumps(
        {
            "id": case.case_number,
            "events": {
                "ur_decision": "2015-05-15",
                "ur_service": "mail",
                "application_received": "2015-06-01",
                "assignment_notice": "2015-06-04",
                "assignment_notice_service": "electronic",
                "records_received": "2015-06-15",
            },
        }
    )
    _, (out,) = run(tmp_path, line)
    service = case_clocks(case).to_dict()
    command = by_name(out)
    assert {k: v["due"] for k, v in command.items()} == {
        k: v["due"]  # type: ignore[index]
        for k, v in service.items()
    }


def test_each_line_names_its_jurisdiction_and_gets_that_packs_clocks(tmp_path: Path) -> None:
    lines = [
        {"id": "fed", "jurisdiction": "us_federal",
         "events": {"final_denial_received": "2025-10-30", "iro_received": "2026-03-02"}},
        {"id": "dmhc", "jurisdiction": "ca_dmhc", "priority": "expedited",
         "review_type": "medical_necessity",
         "events": {"plan_decision": "2026-01-09", "eligibility_notice": "2026-02-13T10:00:00"}},
        {"id": "hi", "jurisdiction": "hi_external",
         "events": {"final_denial_received": "2026-01-05"}},
        {"id": "bad", "jurisdiction": "us_federal",
         "events": {"ur_decision": "2026-01-05"}},
        {"id": "nowhere", "jurisdiction": "xx_none", "events": {}},
    ]  # fmt: skip
    code, (fed, dmhc, hi, bad, nowhere) = run(tmp_path, *(json.dumps(line) for line in lines))
    assert code == 1
    assert fed["jurisdiction"] == "us_federal"
    assert by_name(fed)["request"]["due"] == "2026-03-02"
    assert by_name(fed)["request"]["rolled_from"] == "2026-03-01"
    assert by_name(fed)["decision"]["due"] == "2026-04-16"
    assert by_name(dmhc)["application"]["due"] == "2026-07-09"
    assert by_name(dmhc)["records"]["due"] == "2026-02-14T10:00:00"  # 24 hours
    assert by_name(hi)["request"]["due"] == "2026-05-15"  # 130 days
    assert "unknown event" in str(bad["error"]) and "final_denial_received" in str(bad["error"])
    assert "unknown jurisdiction" in str(nowhere["error"])
