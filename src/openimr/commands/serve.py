"""`openimr serve`: prepare the database, load the seed example, run the web service.

With no flags: a SQLite file under ./.openimr, migrations run, the seed case and the
demo accounts loaded, one background worker process (huey) for deadline alerts and
letter PDFs, and the address to log in printed with the demo accounts. `--workers N`
runs N uvicorn worker processes (use PostgreSQL for that: SQLite serialises writers).

SIGTERM or SIGINT stops the server gracefully and then every child, the job worker
included; the children die with the master if it is killed (`commands/processes.py`), and
a restart after any crash comes up (a stale pid file is replaced, the port is reused).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
from collections.abc import Iterator

import typer

from openimr.commands.processes import (
    ServePidFile,
    ServeRunning,
    die_with_parent,
    port_free,
    stop_process,
)
from openimr.domain.vocabulary import Role
from openimr.rules.pack import load_pack
from openimr.settings import Settings

APP_FACTORY = "openimr.commands.serve:app_from_environment"


def app_from_environment():  # type: ignore[no-untyped-def]
    """The app for uvicorn worker processes (settings come from OPENIMR_* variables); a
    worker stops when its master dies, so a killed master leaves no server on the port."""
    from openimr.server import create_app

    die_with_parent()
    return create_app(Settings())


def _run_worker(settings_json: str, master: int) -> None:
    """Child process: the huey consumer for background jobs; it stops with its master."""
    from openimr.service.jobs import build_job_queue

    die_with_parent(master)
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
    if database_url:
        # Passed through the environment so every uvicorn worker process sees it.
        os.environ["OPENIMR_DATABASE_URL"] = database_url
    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    pidfile = ServePidFile(settings.data_dir / "openimr-serve.pid")
    try:
        for note in pidfile.claim(port):
            print(f"openimr: {note}", file=sys.stderr)
    except ServeRunning as running:
        print(
            f"openimr: {running} on this data directory ({settings.data_dir}); stop it first "
            f"(kill {running.pid})",
            file=sys.stderr,
        )
        raise SystemExit(2) from running
    if not port_free(host, port):
        pidfile.release()
        print(f"openimr: {host}:{port} is in use by another program", file=sys.stderr)
        raise SystemExit(2)
    try:
        _serve(settings, pidfile, host, port, workers, load_seed, background)
    finally:
        pidfile.release()


def _serve(
    settings: Settings,
    pidfile: ServePidFile,
    host: str,
    port: int,
    workers: int,
    load_seed: bool,
    background: bool,
) -> None:
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

    with _job_worker(settings, pidfile, background):
        if workers > 1:
            import uvicorn

            # uvicorn's supervisor stops its workers on SIGTERM/SIGINT and returns.
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
            _run_single(settings, host, port)


@contextlib.contextmanager
def _job_worker(settings: Settings, pidfile: ServePidFile, background: bool) -> Iterator[None]:
    """The huey worker process beside the server, stopped (SIGTERM, then SIGKILL) when the
    server stops for any reason."""
    worker = None
    if background:
        ctx = multiprocessing.get_context("spawn")
        worker = ctx.Process(
            target=_run_worker,
            args=(settings.model_dump_json(), os.getpid()),
            name="openimr-jobs",
            daemon=True,
        )
        worker.start()
        if worker.pid is not None:
            pidfile.add_child(worker.pid)
    try:
        yield
    finally:
        if worker is not None and worker.pid is not None:
            stop_process(worker.pid)
            worker.join(timeout=1)


def _run_single(settings: Settings, host: str, port: int) -> None:
    """One uvicorn server in this process. uvicorn would re-raise the stopping signal after
    its graceful shutdown, killing this process before it stops the job worker; this server
    only records it, and `openimr serve` exits 0 after cleaning up."""
    import uvicorn

    from openimr.server import create_app

    class Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            handled = (signal.SIGINT, signal.SIGTERM)
            original = {sig: signal.signal(sig, self.handle_exit) for sig in handled}
            try:
                yield
            finally:
                for sig, handler in original.items():
                    signal.signal(sig, handler)

    config = uvicorn.Config(
        create_app(settings),
        host=host,
        port=port,
        log_level="warning",
        proxy_headers=False,  # X-Forwarded-For only from OPENIMR_TRUSTED_PROXIES
    )
    server = Server(config)
    server.run()
    if not server.started:
        raise SystemExit(3)


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
