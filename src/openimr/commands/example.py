"""`openimr example ...` commands."""

from __future__ import annotations

from pathlib import Path

import typer

from openimr.domain.errors import OpenIMRError

app = typer.Typer(help="Worked examples (the seed case).", no_args_is_help=True)


@app.command("seed")
def seed(
    out: Path = typer.Option(..., "--out", help="Folder to write the letters and JSON into."),
    database_url: str | None = typer.Option(
        None, help="Run on this database instead of a fresh SQLite file in a temp folder."
    ),
    jurisdiction: str | None = typer.Option(
        None,
        "--jurisdiction",
        help="Run the worked health-plan case of ca_dmhc or us_federal instead of the seed case.",
    ),
) -> None:
    """Run the seed case's whole life (or a jurisdiction's worked case) and write
    letter.txt/.html/.pdf, letter-public.txt and determination.json."""
    from openimr.examples import run_seed_example

    try:
        run = run_seed_example(out, database_url=database_url, jurisdiction=jurisdiction)
    except OpenIMRError as err:
        typer.echo(f"error: {err.message}", err=True)
        raise typer.Exit(1) from err
    typer.echo(
        f"case {run.case_number}: reviewer {run.reviewer_id} assigned; letter issued, published",
        err=True,
    )
    if run.assignment is not None:
        for reviewer_id, reasons in sorted(run.assignment.excluded.items()):
            typer.echo(f"  excluded {reviewer_id}: {'; '.join(reasons)}", err=True)
    for path in run.files.values():
        typer.echo(f"wrote {path}")
