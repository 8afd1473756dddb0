"""`openimr example ...` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="example commands", no_args_is_help=True)
