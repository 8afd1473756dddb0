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

from openimr.domain.errors import InvalidInput
from openimr.inputs import InputLimits, limits_of, read_input_file, text_lines
from openimr.rules.clock_input import clocks_line
from openimr.settings import Settings


def run(
    data: bytes, out: TextIO, where: str = "<stdin>", limits: InputLimits | None = None
) -> bool:
    """Compute every line of `data` into `out`; True when no line failed. A line that is not
    UTF-8, too long or not JSON is one error line; the batch goes on."""
    limits = limits or InputLimits()
    all_ok = True
    for number, line in text_lines(data, where, limits):
        if isinstance(line, str) and not line.strip():
            continue
        result, ok = clocks_line(line, number, where, limits)
        all_ok &= ok
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
    return all_ok


def clocks(
    path: Path = typer.Argument(..., help="JSON lines, one case each; '-' for stdin."),
) -> None:
    """Compute every clock of each case (application, records, decision, appeal...).

    Exit 0 when every line was computed, 1 when any line failed (each failure is an error
    line naming the file, line and field), 2 when the file cannot be read."""
    limits = limits_of(Settings())
    if str(path) == "-":
        ok = run(sys.stdin.buffer.read(), sys.stdout, "<stdin>", limits)
    else:
        try:
            data = read_input_file(path, limits)
        except InvalidInput as err:
            typer.echo(f"openimr clocks: {err.message}", err=True)
            raise typer.Exit(2) from err
        ok = run(data, sys.stdout, str(path), limits)
    raise typer.Exit(0 if ok else 1)
