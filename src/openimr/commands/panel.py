"""`openimr panel ...` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="panel commands", no_args_is_help=True)
