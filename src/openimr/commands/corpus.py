"""`openimr corpus ...` commands: ingest, stats, report, search, compact.

Results go to stdout, progress and error lines to stderr. A known `OpenIMRError` (no store
at the path, a bad store) prints one line and exits 2; `ingest` exits 1 when any file failed.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from openimr.domain.errors import OpenIMRError

app = typer.Typer(help="corpus commands", no_args_is_help=True)

StoreOption = typer.Option(..., "--store", help="The corpus store directory.")


def _fail(err: OpenIMRError) -> typer.Exit:
    typer.echo(f"error: {err.message}", err=True)
    return typer.Exit(2)


@app.command()
def ingest(
    paths: list[Path] = typer.Argument(
        ..., help="Letters (PDF or text) and DMHC decision files (CSV), files or folders."
    ),
    store: Path = StoreOption,
    workers: int | None = typer.Option(
        None, "--workers", min=1, help="Run on a Dask LocalCluster of N worker processes."
    ),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Dask scheduler address (tcp://host:8786) of a real cluster."
    ),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar."),
    index: bool = typer.Option(True, "--index/--no-index", help="Rebuild the search index."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Parse letters into the store: a re-ingested case replaces it, unchanged files are skipped."""
    from openimr.corpus.ingest import ingest as run_ingest

    try:
        summary = run_ingest(
            paths,
            store,
            workers=workers,
            scheduler=scheduler,
            progress=progress,
            build_index=index,
        )
    except OpenIMRError as err:
        raise _fail(err) from err
    dmhc = summary.dmhc
    for path, message in summary.errors + (dmhc.errors if dmhc else []):
        typer.echo(f"error: {path}: {message}", err=True)
    if as_json:
        typer.echo(json.dumps(summary.to_dict()))
    elif dmhc is not None:
        typer.echo(
            f"{dmhc.files} DMHC decision files: {dmhc.stored} decisions stored, "
            f"{dmhc.unchanged} files unchanged, {len(dmhc.errors)} bad rows or files; "
            f"{dmhc.in_store} DMHC decisions in {store}"
        )
    if not as_json and (dmhc is None or summary.files):
        rate = summary.files / summary.seconds if summary.seconds else 0.0
        typer.echo(
            f"{summary.files} files: {summary.stored} stored ({summary.replaced} replacing an "
            f"earlier version), {summary.unchanged} unchanged, {summary.failed} failed; "
            f"{summary.letters_in_store} letters in {store} "
            f"[{summary.seconds:.1f}s, {rate:.0f} letters/s]"
        )
    if summary.failed or (dmhc is not None and dmhc.errors):
        raise typer.Exit(1)


@app.command()
def stats(
    store: Path = StoreOption,
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of text tables."),
    limit: int = typer.Option(20, help="Rows per text table (0: all)."),
) -> None:
    """Uphold/overturn rates by category, guideline, specialty and month; items per letter."""
    from openimr.corpus.stats import compute_stats, format_stats
    from openimr.corpus.store import CorpusStore

    try:
        figures = compute_stats(CorpusStore.open(store))
    except OpenIMRError as err:
        raise _fail(err) from err
    if as_json:
        typer.echo(json.dumps(figures.to_dict(), indent=2))
    else:
        typer.echo(format_stats(figures, limit=limit or None), nl=False)


@app.command()
def report(
    store: Path = StoreOption,
    out: Path = typer.Option(..., "--out", help="The HTML file to write."),
) -> None:
    """Write the corpus figures as a self-contained HTML page with charts."""
    from openimr.corpus.report import render_report
    from openimr.corpus.stats import compute_stats
    from openimr.corpus.store import CorpusStore

    try:
        figures = compute_stats(CorpusStore.open(store))
    except OpenIMRError as err:
        raise _fail(err) from err
    try:
        out.write_text(render_report(figures), encoding="utf-8")
    except OSError as err:
        typer.echo(f"error: cannot write {out}: {err.strerror or err}", err=True)
        raise typer.Exit(2) from err
    typer.echo(str(out))


@app.command()
def search(
    query: str = typer.Argument(..., help="Words to look for in item descriptions and rationales."),
    store: Path = StoreOption,
    k: int = typer.Option(10, "--k", min=1, help="How many items to return."),
    exclude_case: str | None = typer.Option(
        None, "--exclude-case", help="Leave out items of this case number."
    ),
) -> None:
    """Find published items by text (BM25); one JSON object per hit, best first."""
    from openimr.corpus.search import ItemIndex
    from openimr.rules.case_numbers import check_case_number

    try:
        if exclude_case is not None:
            check_case_number(exclude_case, field="--exclude-case")
        index = ItemIndex.from_store(store)
    except OpenIMRError as err:
        raise _fail(err) from err
    for hit in index.search(query, k=k, exclude_case_number=exclude_case):
        typer.echo(json.dumps(hit.to_dict()))


@app.command()
def compact(store: Path = StoreOption) -> None:
    """Rewrite the live rows into one part per table, dropping replaced versions."""
    from openimr.corpus.store import CorpusStore

    try:
        corpus = CorpusStore.open(store)
        corpus.compact()
    except OpenIMRError as err:
        raise _fail(err) from err
    typer.echo(f"compacted {store}")
