"""Typer sub-apps of the `openimr` command, one module per family; `cli.py` assembles them."""
