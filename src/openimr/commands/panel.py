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
) -> None:
    """Assign one qualified, conflict-free reviewer per case (LC 139.5; 8 CCR 9792.10.4)."""
    from openimr.panel.assignment import assign as run_assign
    from openimr.panel.case_input import parse_cases
    from openimr.panel.records import in_file
    from openimr.panel.registry import load_registry, parse_registry
    from openimr.panel.screening import Screener

    case_doc = _read_json(cases, "case file")
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
        screener = Screener(registry.reviewers, as_of, relations=registry.relations)
        result = run_assign(screener, profiles)
        screening = None
        if explain is not None:
            profile = next(p for p in profiles if p.case_id == explain)
            screening = screener.screen(profile)
    except OpenIMRError as exc:
        _fail(exc.message)
    extra: dict[str, object] = {"warnings": registry.warnings} if registry.warnings else {}
    result.write_json(sys.stdout, explain=screening, extra=extra)


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
