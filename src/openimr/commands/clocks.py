"""`openimr clocks IN.jsonl`: the law's arithmetic for each case, without the service.

One JSON line in per case, one JSON line out (rules.clock_input); `-` reads stdin. A bad line
gets an error line naming the field and the batch goes on; the exit code is 0 when every line
was computed, 1 otherwise. The service computes its clocks with the same engine.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TextIO

import typer

from openimr.rules.clock_input import clocks_line


def run(source: TextIO, out: TextIO) -> bool:
    """Compute every line of `source` into `out`; True when no line failed."""
    all_ok = True
    for number, line in enumerate(source, start=1):
        if not line.strip():
            continue
        result, ok = clocks_line(line, number)
        all_ok &= ok
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
    return all_ok


def clocks(
    path: Path = typer.Argument(..., help="JSON lines, one case each; '-' for stdin."),
) -> None:
    """Compute every clock of each case (application, records, decision, appeal...)."""
    if str(path) == "-":
        ok = run(sys.stdin, sys.stdout)
    else:
        try:
            handle = path.open(encoding="utf-8")
        except OSError as err:
            typer.echo(f"openimr clocks: cannot read {path}: {err.strerror}", err=True)
            raise typer.Exit(2) from err
        with handle:
            try:
                ok = run(handle, sys.stdout)
            except UnicodeDecodeError as err:
                typer.echo(f"openimr clocks: {path} is not UTF-8 text: {err.reason}", err=True)
                raise typer.Exit(2) from err
    raise typer.Exit(0 if ok else 1)
