"""`openimr audit ...` commands."""

from __future__ import annotations

import typer

from openimr.domain.errors import OpenIMRError
from openimr.settings import Settings

app = typer.Typer(help="The append-only audit log.", no_args_is_help=True)


@app.command("verify")
def verify(
    database_url: str | None = typer.Option(
        None, help="SQLAlchemy URL (default: OPENIMR_DATABASE_URL or the SQLite file)."
    ),
) -> None:
    """Check the audit log's hash chain; exit 1 naming the first broken entry."""
    from openimr.service.bootstrap import bootstrap, verify_audit_log

    settings = Settings(database_url=database_url) if database_url else Settings()
    services = bootstrap(settings.database_url, migrate=False)
    try:
        report = verify_audit_log(services)
    except OpenIMRError as err:
        typer.echo(f"error: {err.message}", err=True)
        raise typer.Exit(2) from err
    finally:
        services.close()
    if report.ok:
        typer.echo(f"audit log intact: {report.entries} entries")
        return
    typer.echo(
        f"audit log broken at entry {report.first_broken_seq}: {report.problem} "
        f"({report.entries} entries read)",
        err=True,
    )
    raise typer.Exit(1)
