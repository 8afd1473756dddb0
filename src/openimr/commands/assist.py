"""`openimr assist ...` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="assist commands", no_args_is_help=True)
