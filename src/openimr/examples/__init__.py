"""Worked examples: the seed case run through the whole IMR life."""

from openimr.examples.seed import SeedRun, load_seed_case, run_seed_example
from openimr.examples.seed_data import demo_panel, seed_data

__all__ = ["SeedRun", "demo_panel", "load_seed_case", "run_seed_example", "seed_data"]
