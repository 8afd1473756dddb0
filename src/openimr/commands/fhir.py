"""`openimr fhir ...`: health-plan case files in and determinations out as FHIR R4 Bundles."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import typer

from openimr.domain.errors import OpenIMRError
from openimr.settings import Settings

app = typer.Typer(
    help="FHIR R4 case files (Bundle in, determination Bundle out).", no_args_is_help=True
)

DatabaseOption = typer.Option(
    None,
    "--database-url",
    help="SQLAlchemy URL (default: OPENIMR_DATABASE_URL or the SQLite file).",
)


def _fail(err: OpenIMRError) -> typer.Exit:
    typer.echo(f"error: {err.message}", err=True)
    return typer.Exit(2)


@app.command("import")
def import_(
    bundle: Path = typer.Argument(..., help="A FHIR R4 Bundle (JSON)."),
    jurisdiction: str = typer.Option(
        ..., "--jurisdiction", help="The pack whose law governs the case (ca_dmhc, us_federal...)."
    ),
    review_type: str = typer.Option("medical_necessity", help="One of the pack's review types."),
    received: str | None = typer.Option(
        None, help="Day the application was received (YYYY-MM-DD; default today)."
    ),
    database_url: str | None = DatabaseOption,
) -> None:
    """Make a case from a Bundle (Patient, Coverage, Claim, ClaimResponse, DocumentReference/
    Binary); prints the case as JSON. A bundle that does not validate is refused naming the
    entry, resource and element, and nothing is stored (exit 2)."""
    from openimr.domain.errors import InvalidInput
    from openimr.domain.vocabulary import Role
    from openimr.fhir.cases import import_bundle
    from openimr.service.access import Actor
    from openimr.service.bootstrap import audit_keys, bootstrap

    try:
        raw = bundle.read_bytes()
    except OSError as err:
        typer.echo(f"error: cannot read {bundle}: {err.strerror or err}", err=True)
        raise typer.Exit(2) from err
    settings = Settings(database_url=database_url) if database_url else Settings()
    try:
        received_on = date.fromisoformat(received) if received else None
    except ValueError as err:
        raise _fail(
            InvalidInput(f"--received {received!r} is not a date", field="received")
        ) from err
    services = bootstrap(settings.database_url, audit_keys=audit_keys(settings))
    try:
        result = import_bundle(
            raw,
            jurisdiction=jurisdiction,
            uow=services.uow(),
            actor=Actor("cli", Role.STAFF),
            clock=services.clock,
            received_on=received_on,
            review_type=review_type,
        )
    except OpenIMRError as err:
        raise _fail(err) from err
    finally:
        services.close()
    typer.echo(
        json.dumps(
            {
                "case_number": result.case_number,
                "jurisdiction": jurisdiction,
                "state": result.state.value,
                "created": result.created,
            }
        )
    )


@app.command("export")
def export(
    case_number: str = typer.Argument(..., help="The case whose determination to export."),
    out: Path | None = typer.Option(None, "--out", help="Write the Bundle here (default stdout)."),
    database_url: str | None = DatabaseOption,
) -> None:
    """The issued determination as a Bundle: ClaimResponse with each item's outcome and the
    letter as a DocumentReference with the PDF."""
    from openimr.domain.vocabulary import Role
    from openimr.fhir.cases import export_case
    from openimr.service.access import Actor
    from openimr.service.bootstrap import audit_keys, bootstrap

    settings = Settings(database_url=database_url) if database_url else Settings()
    services = bootstrap(settings.database_url, migrate=False, audit_keys=audit_keys(settings))
    try:
        bundle = export_case(
            case_number, uow=services.uow(), actor=Actor("cli", Role.STAFF), clock=services.clock
        )
    except OpenIMRError as err:
        raise _fail(err) from err
    finally:
        services.close()
    text = json.dumps(bundle, indent=1)
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text + "\n", encoding="utf-8")
        typer.echo(str(out), err=True)
