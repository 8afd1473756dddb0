"""`openimr panel ...`: batch assignment, registry import/export, credential re-checks."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import typer

from openimr.domain.errors import InvalidInput, OpenIMRError

app = typer.Typer(help="panel commands", no_args_is_help=True)

EXIT_INVALID = 2


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(EXIT_INVALID)


def _fail_all(err: OpenIMRError) -> None:
    """One line per problem (every bad record of a file), then exit 2."""
    for problem in err.details.get("problems") or [err.message]:
        typer.echo(f"error: {problem}", err=True)
    raise typer.Exit(EXIT_INVALID)


def _read_json(path: Path, what: str) -> Any:
    from openimr.inputs import limits_of, loads, read_input_file, whole_file
    from openimr.settings import Settings

    limits = limits_of(Settings())
    try:
        return loads(read_input_file(path, limits), f"{what} {path}", whole_file(limits))
    except OpenIMRError as err:
        _fail(err.message)


@app.command()
def assign(
    reviewers: Path = typer.Option(..., "--reviewers", help="Reviewer file (JSON or CSV)."),
    cases: Path = typer.Option(..., "--cases", help="Case file (JSON)."),
    explain: str | None = typer.Option(None, "--explain", help="Show every exclusion for a case."),
    ledger: Path | None = typer.Option(
        None,
        "--ledger",
        help="Incremental mode: a JSON-lines ledger of earlier runs (created if absent); "
        "cases it shows assigned or closed are left alone, and this run's events are added.",
    ),
) -> None:
    """Assign one qualified, conflict-free reviewer per case (LC 139.5; 8 CCR 9792.10.4)."""
    from openimr.panel import incremental
    from openimr.panel.assignment import assign as run_assign
    from openimr.panel.case_input import parse_cases
    from openimr.panel.ledger import Ledger
    from openimr.panel.records import in_file
    from openimr.panel.registry import load_registry, parse_registry
    from openimr.panel.screening import Screener

    case_doc = _read_json(cases, "case file")
    extra: dict[str, object] = {}
    try:
        if reviewers.suffix.lower() == ".csv":
            registry = load_registry(reviewers)
        else:
            registry = parse_registry(_read_json(reviewers, "reviewer file"))
    except InvalidInput as exc:
        _fail_all(in_file(exc, reviewers))
    try:
        as_of, profiles = parse_cases(case_doc)
    except InvalidInput as exc:
        _fail_all(in_file(exc, cases))
    try:
        if explain is not None and explain not in {p.case_id for p in profiles}:
            raise InvalidInput(f"--explain: no case {explain!r} in {cases}", field="explain")
        history = None
        if ledger is None:
            screener = Screener(registry.reviewers, as_of, relations=registry.relations)
        else:
            book = Ledger(ledger)
            run = incremental.prepare(
                list(registry.reviewers), registry.relations, as_of, profiles, book
            )
            screener, profiles, history = run.screener, run.profiles, run.history
            extra["left_alone"] = run.skipped
        result = run_assign(screener, profiles, history=history)
        screening = None
        if explain is not None:
            profile = next((p for p in profiles if p.case_id == explain), None)
            if profile is None:
                raise InvalidInput(
                    f"--explain: case {explain!r} already has a reviewer in {ledger}",
                    field="explain",
                )
            screening = screener.screen(profile)
        if ledger is not None:
            book.record(incremental.events_of(result, as_of, book))
    except OpenIMRError as exc:
        _fail(exc.message)
    if registry.warnings:
        extra["warnings"] = registry.warnings
    result.write_json(sys.stdout, explain=screening, extra=extra)


@app.command()
def release(
    ledger: Path = typer.Option(..., "--ledger", help="The ledger of `panel assign --ledger`."),
    case: str = typer.Option(..., "--case", help="The case the reviewer comes off."),
    reviewer: str = typer.Option(..., "--reviewer", help="The reviewer at work on it."),
    kind: str = typer.Option(..., "--kind", help="decline, recusal or missed_deadline."),
    reason: str = typer.Option(..., "--reason", help="Why, in words (kept in the ledger)."),
    on: str = typer.Option(..., "--on", help="Date of the release (YYYY-MM-DD)."),
) -> None:
    """Take a reviewer off a case: the next `assign --ledger` run gives it to another."""
    from openimr.domain.vocabulary import ReleaseKind
    from openimr.panel.ledger import Ledger, LedgerEvent

    try:
        day = date.fromisoformat(on)
    except ValueError:
        _fail(f"--on: not a date: {on!r}")
    if kind not in {k.value for k in ReleaseKind}:
        _fail(f"--kind: must be one of {', '.join(k.value for k in ReleaseKind)}, not {kind!r}")
    if not reason.strip():
        _fail("--reason: say why the reviewer comes off the case")
    try:
        book = Ledger(ledger)
        event = LedgerEvent(
            on=day,
            event="released",
            case_id=case,
            reviewer_id=reviewer,
            kind=ReleaseKind(kind),
            reason=reason.strip(),
        )
        book.record([event])
    except OpenIMRError as exc:
        _fail(exc.message)
    excluded = sorted(book.state.excluded.get(case, ()))
    json.dump({"case_id": case, "released": reviewer, "excluded": excluded}, sys.stdout)
    sys.stdout.write("\n")


@app.command("import")
def import_(
    source: Path = typer.Argument(..., help="Reviewer file to validate (JSON or CSV)."),
    to: str = typer.Option("json", "--to", help="Write the registry back as json or csv."),
) -> None:
    """Validate a reviewer registry and print it normalised (JSON or CSV) on stdout."""
    from openimr.panel.registry import load_registry, registry_to_csv, registry_to_json

    if to not in {"json", "csv"}:
        _fail(f"--to must be json or csv, not {to!r}")
    try:
        registry = load_registry(source)
    except OpenIMRError as exc:
        _fail_all(exc)
    for warning in registry.warnings:
        typer.echo(f"warning: {warning}", err=True)
    sys.stdout.write(registry_to_csv(registry) if to == "csv" else registry_to_json(registry))


@app.command()
def schema() -> None:
    """Print the JSON Schema of the reviewer and case records that `assign` accepts."""
    from openimr.panel.case_input import CaseIn
    from openimr.panel.registry import RelationIn, ReviewerIn

    doc = {
        "reviewer": ReviewerIn.model_json_schema(),
        "relation": RelationIn.model_json_schema(),
        "case": CaseIn.model_json_schema(),
    }
    json.dump(doc, sys.stdout, indent=2)
    sys.stdout.write("\n")


@app.command()
def recheck(
    source: Path = typer.Argument(..., help="Reviewer file (JSON or CSV)."),
    as_of: str = typer.Option(..., "--as-of", help="Date of the check (YYYY-MM-DD)."),
    days: int = typer.Option(90, "--days", min=0, help="Look this many days ahead."),
) -> None:
    """Credentials due for re-verification or expiring soon (URAC IRO: every 3 years)."""
    from openimr.panel.registry import load_registry, reverification_schedule
    from openimr.rules.reviewer_policy import reviewer_policy

    try:
        on = date.fromisoformat(as_of)
    except ValueError:
        _fail(f"--as-of: not a date: {as_of!r}")
    try:
        registry = load_registry(source)
        schedule = reverification_schedule(
            registry.reviewers, on, reviewer_policy(on), horizon_days=days
        )
    except OpenIMRError as exc:
        _fail_all(exc)
    rows = [
        {
            "reviewer_id": x.reviewer_id,
            "what": x.what,
            "due": x.due.isoformat(),
            "overdue": x.overdue,
        }
        for x in schedule
    ]
    json.dump({"as_of": on.isoformat(), "rechecks": rows}, sys.stdout, indent=2)
    sys.stdout.write("\n")
