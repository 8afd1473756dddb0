"""`openimr rules show`: every rule of a jurisdiction in force on a day, cited and verified."""

from __future__ import annotations

import json
import sys
from datetime import date

import typer

app = typer.Typer(help="The rule packs: clocks, eligibility, notices, policy, holidays.")


@app.command("show")
def show(
    jurisdiction: str = typer.Option("ca_dwc", help="The rule pack to show."),
    as_of: str = typer.Option("", "--as-of", help="The day (YYYY-MM-DD); default today."),
    year: int = typer.Option(0, help="Whose holidays to list; default the year of --as-of."),
    fmt: str = typer.Option("md", "--format", help="md or json."),
) -> None:
    """Every rule in force on --as-of with its citation and whether it was verified."""
    from openimr.domain.errors import OpenIMRError
    from openimr.rules.book import rule_book
    from openimr.rules.book_markdown import book_markdown
    from openimr.rules.clock_input import pack_for

    if fmt not in ("md", "json"):
        typer.echo(f"openimr rules show: --format must be md or json, not {fmt!r}", err=True)
        raise typer.Exit(2)
    try:
        day = date.fromisoformat(as_of) if as_of else date.today()
    except ValueError as err:
        typer.echo(f"openimr rules show: --as-of {as_of!r} is not a date (YYYY-MM-DD)", err=True)
        raise typer.Exit(2) from err
    try:
        pack_for(jurisdiction)  # names an unknown jurisdiction before anything else is read
        book = rule_book(jurisdiction, day, year or None)
    except OpenIMRError as err:
        typer.echo(f"openimr rules show: {err.message}", err=True)
        raise typer.Exit(2) from err
    if fmt == "json":
        sys.stdout.write(json.dumps(book, indent=2, ensure_ascii=False) + "\n")
        return
    command = f"openimr rules show --jurisdiction {jurisdiction} --as-of {day.isoformat()}"
    if year:
        command += f" --year {year}"
    sys.stdout.write(book_markdown(book, command + " --format md"))
