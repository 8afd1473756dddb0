"""`openimr db ...` commands."""

from __future__ import annotations

import typer

from openimr.settings import Settings

app = typer.Typer(help="Database migrations.", no_args_is_help=True)


@app.command("upgrade")
def upgrade_command(
    database_url: str | None = typer.Option(
        None, help="SQLAlchemy URL (default: OPENIMR_DATABASE_URL or the SQLite file)."
    ),
    revision: str = typer.Option("head", help="Target revision."),
) -> None:
    """Apply the migrations up to `revision` (default: the newest)."""
    from openimr.service.bootstrap import migrate_database

    settings = Settings(database_url=database_url) if database_url else Settings()
    if settings.database_url.startswith("sqlite:///"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate_database(settings.database_url, revision)
    typer.echo(f"database at {revision}: {_safe(settings.database_url)}", err=True)


@app.command("roles")
def roles_command(
    app_role: str = typer.Option("openimr_app", help="The role `openimr serve` logs in as."),
    owner_role: str = typer.Option("openimr_owner", help="The role that owns the tables."),
    schema: str = typer.Option("public", help="The schema openimr's tables are in."),
) -> None:
    """Print the PostgreSQL statements (run them as a superuser after `db upgrade`) that
    keep the application from changing, deleting, truncating or altering the audit log."""
    from openimr.service.bootstrap import postgres_roles_sql

    try:
        typer.echo(postgres_roles_sql(app_role, owner_role, schema), nl=False)
    except ValueError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(2) from err


def _safe(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
