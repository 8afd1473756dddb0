"""The `openimr` command: assembles the sub-apps of `openimr.commands`."""

from __future__ import annotations

import typer

from openimr.commands import (
    assist,
    audit,
    clocks,
    corpus,
    db,
    example,
    fhir,
    kb,
    letter,
    panel,
    rules,
)
from openimr.commands import serve as serve_command

app = typer.Typer(
    help="openimr: Independent Medical Review — cases, reviewers, letters, corpus.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(letter.app, name="letter", help="Parse final determination letters.")
app.add_typer(corpus.app, name="corpus", help="The published-decision corpus store.")
app.add_typer(kb.app, name="kb", help="The guideline knowledge base and evidence engine.")
app.add_typer(panel.app, name="panel", help="The expert reviewer panel and assignment.")
app.add_typer(assist.app, name="assist", help="Reviewer decision support.")
app.add_typer(example.app, name="example", help="Worked examples (the seed case).")
app.add_typer(db.app, name="db", help="Database migrations.")
app.add_typer(audit.app, name="audit", help="The append-only audit log.")
app.add_typer(fhir.app, name="fhir", help="FHIR R4 case files and determinations.")
app.add_typer(serve_command.app, name="users", help="Accounts of the web service.")
app.command(name="clocks")(clocks.clocks)
app.add_typer(rules.app, name="rules", help="The rule packs, cited and verified.")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    database_url: str | None = typer.Option(None, help="SQLAlchemy URL (default: SQLite file)."),
    workers: int = typer.Option(1, help="Worker processes (use >1 with PostgreSQL)."),
    load_seed: bool = typer.Option(True, help="Load the seed example and demo accounts."),
) -> None:
    """Run the IMR service: JSON API under /api/, web pages at /."""
    serve_command.run_server(
        host=host, port=port, database_url=database_url, workers=workers, load_seed=load_seed
    )


if __name__ == "__main__":
    app()
