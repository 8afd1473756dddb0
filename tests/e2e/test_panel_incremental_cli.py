"""`openimr panel assign --ledger` and `panel release`: daily operation from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from openimr.cli import app
from tests.unit.panel.factories import case_doc, reviewer_doc

runner = CliRunner()


def run(tmp_path: Path, reviewers: Any, cases: Any, *extra: str):
    r = tmp_path / "R.json"
    c = tmp_path / "C.json"
    r.write_text(json.dumps(reviewers))
    c.write_text(json.dumps(cases))
    ledger = tmp_path / "ledger.jsonl"
    args = ["panel", "assign", "--reviewers", str(r), "--cases", str(c), "--ledger", str(ledger)]
    return runner.invoke(app, [*args, *extra])


def given(result) -> dict[str, str | None]:
    assert result.exit_code == 0, result.output
    return {a["case_id"]: a["reviewer_id"] for a in json.loads(result.stdout)["assignments"]}


def ledger_events(tmp_path: Path) -> list[dict[str, Any]]:
    text = (tmp_path / "ledger.jsonl").read_text()
    return [json.loads(line) for line in text.splitlines()]


PANEL = {"reviewers": [reviewer_doc("R1", capacity=2), reviewer_doc("R2", capacity=2)]}


def day(on: str, *ids: str) -> dict[str, Any]:
    return {"as_of": on, "cases": [case_doc(i, parties=[]) for i in ids]}


def test_each_run_assigns_only_what_waits_and_the_ledger_keeps_the_reasons(tmp_path):
    first = given(run(tmp_path, PANEL, day("2026-11-30", "C1", "C2")))
    assert set(first.values()) == {"R1", "R2"}  # spread over equal reviewers
    again = run(tmp_path, PANEL, day("2026-11-30", "C1", "C2", "C3"))
    out = json.loads(again.stdout)
    assert [a["case_id"] for a in out["assignments"]] == ["C3"]
    assert out["left_alone"] == {"already assigned": 2, "closed": 0}
    events = ledger_events(tmp_path)
    assert [e["event"] for e in events] == ["assigned"] * 3
    assert all(any("rule case_licence" in r for r in e["reasons"]) for e in events)


def test_a_released_case_goes_to_another_reviewer_never_back(tmp_path):
    first = given(run(tmp_path, PANEL, day("2026-11-30", "C1")))
    holder = first["C1"]
    released = runner.invoke(
        app,
        [
            "panel", "release", "--ledger", str(tmp_path / "ledger.jsonl"), "--case", "C1",
            "--reviewer", holder, "--kind", "recusal", "--reason", "treated the worker",
            "--on", "2026-12-01",
        ],
    )  # fmt: skip
    assert released.exit_code == 0, released.output
    assert json.loads(released.stdout)["excluded"] == [holder]
    second = given(run(tmp_path, PANEL, day("2026-12-01", "C1")))
    assert second["C1"] not in (None, holder)
    kinds = [(e["event"], e.get("kind")) for e in ledger_events(tmp_path)]
    assert kinds == [("assigned", None), ("released", "recusal"), ("assigned", None)]


def test_the_week_s_capacity_carries_over_runs_and_resets_on_monday(tmp_path):
    panel = {"reviewers": [reviewer_doc("R1", capacity=1)]}
    assert given(run(tmp_path, panel, day("2026-12-01", "C1"))) == {"C1": "R1"}
    wait = run(tmp_path, panel, day("2026-12-03", "C2"))
    out = json.loads(wait.stdout)
    assert out["assignments"][0]["reviewer_id"] is None
    assert "no capacity left" in out["assignments"][0]["reasons"][0]
    assert given(run(tmp_path, panel, day("2026-12-07", "C2"))) == {"C2": "R1"}  # Monday
    assert [e["event"] for e in ledger_events(tmp_path)] == ["assigned", "waiting", "assigned"]


def test_an_absent_reviewer_gets_nothing_and_a_short_week_less(tmp_path):
    away = reviewer_doc("R1", capacity=5, unavailable=[{"from": "2026-11-30", "to": "2026-12-02"}])
    panel = {"reviewers": [away, reviewer_doc("R2", capacity=5)]}
    first = given(run(tmp_path, panel, day("2026-12-01", "C1", "C2")))
    assert set(first.values()) == {"R2"}
    # Thursday: R1 is back for 2 of 5 working days, so 2 of its 5 cases this week.
    later = given(run(tmp_path, panel, day("2026-12-03", "C3", "C4", "C5", "C6", "C7")))
    assert list(later.values()).count("R1") == 2


def test_a_bad_ledger_line_is_named_and_nothing_is_written(tmp_path):
    ledger = tmp_path / "ledger.jsonl"
    ledger.write_text('{"on": "2026-12-01", "event": "assigned", "case_id": "C9"}\n')
    before = ledger.read_text()
    result = run(tmp_path, PANEL, day("2026-12-01", "C1"))
    assert result.exit_code == 2
    assert "ledger.jsonl line 1.reviewer_id" in result.output
    assert ledger.read_text() == before
    ledger.write_text('{"on": "soon", "event": "assigned"}\n')
    result = run(tmp_path, PANEL, day("2026-12-01", "C1"))
    assert result.exit_code == 2 and "line 1" in result.output


def test_releasing_a_reviewer_who_does_not_hold_the_case_is_refused(tmp_path):
    given(run(tmp_path, PANEL, day("2026-11-30", "C1")))
    before = (tmp_path / "ledger.jsonl").read_text()
    result = runner.invoke(
        app,
        [
            "panel", "release", "--ledger", str(tmp_path / "ledger.jsonl"), "--case", "C1",
            "--reviewer", "R9", "--kind", "decline", "--reason", "busy", "--on", "2026-12-01",
        ],
    )  # fmt: skip
    assert result.exit_code == 2 and "does not hold case 'C1'" in result.output
    assert (tmp_path / "ledger.jsonl").read_text() == before
