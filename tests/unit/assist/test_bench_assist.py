"""benchmarks/bench_assist.py keeps working: its batch path runs on two dev letters.

The benchmark calls `run_batch` itself; when that signature changed (numbered lines, b162bb6)
the script crashed and nothing noticed. `--quick` runs the same code on two letters only.
"""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REPO, SHARED, shared_path


def test_bench_assist_quick_runs_the_batch_path_on_two_letters() -> None:
    shared_path("data", "dwc", "text")
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "bench_assist.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
        env={**os.environ, "OPENIMR_SHARED": str(SHARED)},
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "through the batch path" in done.stdout
    assert "items without a category: 0 of " in done.stdout
    assert "cross-validation" not in done.stdout and "held-out half" not in done.stdout
