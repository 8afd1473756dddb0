"""`openimr audit verify | checkpoint | public-key`: the tamper-evident audit log.

Exit codes: 0 the log holds (verify) or the checkpoint was written; 1 the log is broken —
the message names the first entry or checkpoint that does not hold; 2 the command could not
run (no database, no key).
"""

from __future__ import annotations

from pathlib import Path

import typer

from openimr.domain.errors import OpenIMRError
from openimr.settings import Settings

app = typer.Typer(help="The append-only, tamper-evident audit log.", no_args_is_help=True)

DatabaseUrl = typer.Option(
    None, help="SQLAlchemy URL (default: OPENIMR_DATABASE_URL or the SQLite file)."
)


def _settings(database_url: str | None) -> Settings:
    return Settings(database_url=database_url) if database_url else Settings()


def _fail(err: OpenIMRError) -> typer.Exit:
    typer.echo(f"error: {err.message}", err=True)
    return typer.Exit(2)


@app.command("verify")
def verify(
    database_url: str | None = DatabaseUrl,
    public_key: Path | None = typer.Option(
        None,
        "--public-key",
        help="The checkpoint signing key's public half (PEM); default: the configured key's.",
    ),
) -> None:
    """Check every entry's link and HMAC seal, and the log against every signed checkpoint
    (a truncated tail, a rewritten or a replaced history); exit 1 naming what is broken."""
    from openimr.service.bootstrap import audit_keys, audit_the_log, bootstrap

    settings = _settings(database_url)
    try:
        keys = audit_keys(settings, create=False)
        services = bootstrap(settings.database_url, migrate=False, audit_keys=keys)
    except OpenIMRError as err:
        raise _fail(err) from err
    try:
        report = audit_the_log(services, settings, public_key)
    except OpenIMRError as err:
        raise _fail(err) from err
    finally:
        services.close()
    if not report.ok:
        typer.echo(
            f"audit log broken: {report.problem} ({report.chain.entries} entries read)", err=True
        )
        raise typer.Exit(1)
    latest = report.latest
    against = (
        f"; matches {report.checkpoints} signed checkpoint(s), the latest of "
        f"{latest.size} entries at {latest.at.isoformat(timespec='seconds')}"
        if latest is not None
        else "; no signed checkpoint to check against (run `openimr audit checkpoint`)"
    )
    typer.echo(f"audit log intact: {report.chain.entries} entries{against}")


@app.command("checkpoint")
def checkpoint(database_url: str | None = DatabaseUrl) -> None:
    """Sign the log's current size and head hash and write the checkpoint outside the
    database (OPENIMR_AUDIT_CHECKPOINT_DIR); the signed note is also printed."""
    from openimr.service.bootstrap import audit_keys, bootstrap, checkpoint_the_log

    settings = _settings(database_url)
    try:
        services = bootstrap(
            settings.database_url, migrate=False, audit_keys=audit_keys(settings, create=False)
        )
    except OpenIMRError as err:
        raise _fail(err) from err
    try:
        signed = checkpoint_the_log(services, settings)
    except OpenIMRError as err:
        raise _fail(err) from err
    finally:
        services.close()
    typer.echo(signed.note, nl=False)
    typer.echo(f"written to {settings.audit_checkpoint_path / signed.name}", err=True)


@app.command("public-key")
def public_key() -> None:
    """Print the checkpoint signing key's public half (PEM), for auditors."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    from openimr.service.bootstrap import checkpoint_public_key

    settings = Settings()
    try:
        key = checkpoint_public_key(settings)
    except OpenIMRError as err:
        raise _fail(err) from err
    if key is None:
        typer.echo(
            f"error: no checkpoint signing key at {settings.audit_signing_key_path}", err=True
        )
        raise typer.Exit(2)
    typer.echo(key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode(), nl=False)
