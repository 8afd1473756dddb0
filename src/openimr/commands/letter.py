"""`openimr letter ...` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="letter commands", no_args_is_help=True)
