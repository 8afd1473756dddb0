"""`openimr serve`: prepare the database, load the seed example, run the web service.

With no flags: a SQLite file under ./.openimr, migrations run, the seed case and the
demo accounts loaded, one background worker process (huey) for deadline alerts and
letter PDFs, and the address to log in printed with the demo accounts. `--workers N`
runs N uvicorn worker processes (use PostgreSQL for that: SQLite serialises writers).
"""

from __future__ import annotations

import multiprocessing
import os
import sys

import typer

from openimr.domain.vocabulary import Role
from openimr.rules.pack import load_pack
from openimr.settings import Settings

APP_FACTORY = "openimr.commands.serve:app_from_environment"


def app_from_environment():  # type: ignore[no-untyped-def]
    """The app for uvicorn worker processes (settings come from OPENIMR_* variables)."""
    from openimr.server import create_app

    return create_app(Settings())


def _run_worker(settings_json: str) -> None:
    """Child process: the huey consumer for background jobs."""
    from openimr.service.jobs import build_job_queue

    settings = Settings.model_validate_json(settings_json)
    build_job_queue(settings).run_worker()


def prepare(settings: Settings, load_seed: bool) -> list[tuple[str, str, str]]:
    """Migrate; with `load_seed`, put the seed case (at intake) and the demo panel in the
    database and create the demo accounts. Returns (username, password, role) to print."""
    from openimr.examples import load_seed_case, seed_data
    from openimr.service.access import Actor
    from openimr.service.assign import screen_case
    from openimr.service.auth import AuthService
    from openimr.service.bootstrap import account_store, audit_keys, bootstrap

    services = bootstrap(settings.database_url, migrate=True, audit_keys=audit_keys(settings))
    try:
        if not load_seed:
            return []
        # The seed case waits at intake so staff can take it through the whole life.
        run = load_seed_case(services, until="received")
        staff = Actor("setup", Role.STAFF)
        screening = screen_case(run.case_number, services.uow(), staff, services.clock)
        best = screening.best()
        case = seed_data().case
        patients = load_pack(case.jurisdiction).roles_of_kind("patient")
        worker = next(p for p in case.parties if p.role in patients)
        auth = AuthService(account_store(services))
        accounts = auth.ensure_demo_accounts(
            best.reviewer_id if best else None, worker.key, worker.name
        )
        return [(a.username, a.password, a.role.value) for a in accounts]
    finally:
        services.close()


def run_server(
    host: str,
    port: int,
    database_url: str | None,
    workers: int,
    load_seed: bool,
    background: bool = True,
) -> None:
    import uvicorn

    if database_url:
        # Passed through the environment so every uvicorn worker process sees it.
        os.environ["OPENIMR_DATABASE_URL"] = database_url
    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    accounts = prepare(settings, load_seed=load_seed and settings.environment != "production")

    print(f"openimr: database {settings.database_url}", file=sys.stderr)
    print(f"openimr: log in at http://{host}:{port}/login", file=sys.stderr)
    print(
        f"openimr: JSON API under http://{host}:{port}/api/ (OpenAPI: /openapi.json)",
        file=sys.stderr,
    )
    for username, password, role in accounts:
        print(f"  demo {role:<9} username {username:<10} password {password}", file=sys.stderr)
    if accounts:
        print(
            "openimr: the seed case waits at intake: as staff, decide eligibility, assign, "
            "record the records; as reviewer, sign; as staff, issue; as worker, read the letter",
            file=sys.stderr,
        )

    worker = None
    if background:
        ctx = multiprocessing.get_context("spawn")
        worker = ctx.Process(
            target=_run_worker, args=(settings.model_dump_json(),), name="openimr-jobs", daemon=True
        )
        worker.start()
    try:
        if workers > 1:
            uvicorn.run(
                APP_FACTORY,
                factory=True,
                host=host,
                port=port,
                workers=workers,
                log_level="warning",
                proxy_headers=False,  # X-Forwarded-For only from OPENIMR_TRUSTED_PROXIES
            )
        else:
            from openimr.server import create_app

            uvicorn.run(
                create_app(settings),
                host=host,
                port=port,
                log_level="warning",
                proxy_headers=False,  # X-Forwarded-For only from OPENIMR_TRUSTED_PROXIES
            )
    finally:
        if worker is not None and worker.is_alive():
            worker.terminate()
            worker.join(timeout=5)


app = typer.Typer(help="Accounts of the web service.", no_args_is_help=True)


@app.callback()
def accounts() -> None:
    """Accounts of the web service (register as `openimr users`)."""


@app.command("add")
def add_user(
    username: str = typer.Argument(..., help="Login name."),
    role: Role = typer.Option(..., help="staff, reviewer, party or admin."),
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
    reviewer_id: str | None = typer.Option(None, help="For a reviewer: the panel reviewer id."),
    party_key: str | None = typer.Option(None, help='For a party: its key ("person:...").'),
    database_url: str | None = typer.Option(None, help="SQLAlchemy URL (default: settings)."),
) -> None:
    """Create an account (the first admin of a production install, for instance)."""
    from openimr.domain.errors import OpenIMRError
    from openimr.service.auth import AuthService
    from openimr.service.bootstrap import account_store, audit_keys, bootstrap

    settings = Settings(database_url=database_url) if database_url else Settings()
    services = bootstrap(settings.database_url, migrate=True, audit_keys=audit_keys(settings))
    try:
        user = AuthService(account_store(services)).create_user(
            username, password, role, reviewer_id=reviewer_id, party_key=party_key
        )
    except OpenIMRError as err:
        typer.echo(f"error: {err.message}", err=True)
        raise typer.Exit(2) from err
    finally:
        services.close()
    typer.echo(f"created {user.role.value} account {user.username}")


@app.command("revoke-tokens")
def revoke_tokens(
    username: str = typer.Argument(..., help="The account whose API tokens to revoke."),
    database_url: str | None = typer.Option(None, help="SQLAlchemy URL (default: settings)."),
) -> None:
    """Revoke every API token of an account at once (a lost laptop, a leaver)."""
    from openimr.domain.errors import OpenIMRError
    from openimr.service.auth import AuthService
    from openimr.service.bootstrap import account_store, bootstrap

    settings = Settings(database_url=database_url) if database_url else Settings()
    services = bootstrap(settings.database_url, migrate=False)
    try:
        revoked = AuthService(account_store(services)).revoke_all_tokens(username)
    except OpenIMRError as err:
        typer.echo(f"error: {err.message}", err=True)
        raise typer.Exit(2) from err
    finally:
        services.close()
    typer.echo(f"revoked {revoked} API token(s) of {username}")


@app.command("email")
def user_email(
    username: str = typer.Argument(..., help="Login name."),
    address: str = typer.Argument(..., help="Where this user's notifications are e-mailed."),
    database_url: str | None = typer.Option(None, help="SQLAlchemy URL (default: settings)."),
) -> None:
    """Set where a user's notifications go by e-mail (sent through OPENIMR_SMTP_URL)."""
    from openimr.domain.errors import OpenIMRError
    from openimr.service.auth import AuthService
    from openimr.service.bootstrap import account_store, audit_keys, bootstrap
    from openimr.service.notify import set_email

    settings = Settings(database_url=database_url) if database_url else Settings()
    services = bootstrap(settings.database_url, migrate=True, audit_keys=audit_keys(settings))
    try:
        if not any(u.username == username for u in AuthService(account_store(services)).users()):
            typer.echo(f"error: no user {username!r}", err=True)
            raise typer.Exit(2)
        set_email(services.uow(), username, address)
    except OpenIMRError as err:
        typer.echo(f"error: {err.message}", err=True)
        raise typer.Exit(2) from err
    finally:
        services.close()
    typer.echo(f"notifications for {username} go to {address}")
