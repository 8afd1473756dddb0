"""`openimr serve`: the service (filled in by the service issue)."""

from __future__ import annotations


def run_server(
    host: str, port: int, database_url: str | None, workers: int, load_seed: bool
) -> None:
    raise SystemExit("openimr serve: not yet available")
