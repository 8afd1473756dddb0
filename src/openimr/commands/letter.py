"""`openimr letter parse PATH... [--jobs N]`: one JSON line per letter (docs/product.md)."""

from __future__ import annotations

import json
import multiprocessing
import multiprocessing.context
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import typer

from openimr.domain.errors import LetterParseError

app = typer.Typer(help="Parse final determination letters.", no_args_is_help=True)

LETTER_SUFFIXES = {".pdf", ".txt", ".text"}


def letter_files(paths: Iterable[Path], skipped: list[Path] | None = None) -> Iterator[Path]:
    """Files named on the command line, and letter files found under named folders, sorted;
    the other files of a folder go to `skipped` (reported, never silently passed over)."""
    for path in paths:
        if path.is_dir():
            for found in sorted(p for p in path.rglob("*") if p.is_file()):
                if found.suffix.lower() in LETTER_SUFFIXES:
                    yield found
                elif skipped is not None:
                    skipped.append(found)
        else:
            yield path  # a missing file yields an error line, not a crash


def parse_to_json_line(path: Path) -> tuple[str, bool]:
    """(JSON line, parsed?) for one file; expected failures become an error object."""
    from openimr.letters.parse import parse_letter_file

    try:
        letter = parse_letter_file(path)
    except LetterParseError as exc:
        return json.dumps({"path": str(path), "error": exc.message}), False
    except RecursionError as exc:  # a pathological PDF; still one line, batch goes on
        return json.dumps({"path": str(path), "error": f"{path}: unreadable: {exc}"}), False
    return json.dumps(letter.to_json_dict(), ensure_ascii=False), True


@app.command("parse")
def parse(
    paths: list[Path] = typer.Argument(..., help="Letter files (PDF or text) or folders."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Parse with N worker processes."),
) -> None:
    """Parse letters into one JSON object per line; exit 1 when any file failed.

    Files in a folder that are not .pdf, .txt or .text are skipped, each named on stderr."""
    skipped: list[Path] = []
    files = list(letter_files(paths, skipped))
    for path in skipped:
        typer.echo(f"skipped {path}: not a letter file (.pdf, .txt or .text)", err=True)
    all_ok = True
    workers = min(jobs, len(files))
    if workers > 1:
        # The parser and PDFium are loaded here, once, and the workers are forked from this
        # process where the platform allows: they start with both ready instead of each
        # importing them again (a large share of a short batch). Results come back in order.
        import openimr.letters.parse  # noqa: F401

        with ProcessPoolExecutor(max_workers=workers, mp_context=_fork_context()) as pool:
            results: Iterable[tuple[str, bool]] = pool.map(
                parse_to_json_line, files, chunksize=max(1, len(files) // (workers * 4))
            )
            all_ok = _emit(results)
    else:
        all_ok = _emit(parse_to_json_line(f) for f in files)
    raise typer.Exit(0 if all_ok else 1)


def _fork_context() -> multiprocessing.context.BaseContext | None:
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return None  # the platform's default (spawn on Windows and macOS)


def _emit(results: Iterable[tuple[str, bool]]) -> bool:
    all_ok = True
    for line, ok in results:
        typer.echo(line)
        all_ok = all_ok and ok
    return all_ok
