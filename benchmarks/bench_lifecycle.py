"""Lifecycle store figures: intake, case reads and the full seed life, on SQLite (and on
PostgreSQL when OPENIMR_BENCH_DATABASE_URL is set). Single process, sequential calls: the
cost of one use case (its transaction and audit entry), not server throughput.

    .venv/bin/python benchmarks/bench_lifecycle.py [N]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from openimr.domain.vocabulary import Role
from openimr.examples.seed import run_seed_example
from openimr.service.access import Actor
from openimr.service.bootstrap import bootstrap, verify_audit_log
from openimr.service.intake import ItemInput, submit_application
from openimr.service.queries import get_case

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.factories import make_application  # noqa: E402

STAFF = Actor("bench", Role.STAFF)


def timed(calls: list[float], fn, *args):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn(*args)
    calls.append(time.perf_counter() - start)
    return result


def summary(name: str, calls: list[float]) -> None:
    calls = sorted(calls)
    p99 = calls[min(len(calls) - 1, int(len(calls) * 0.99))]
    print(
        f"{name:<28} n={len(calls):<5} {len(calls) / sum(calls):8.1f}/s  "
        f"median {statistics.median(calls) * 1000:6.2f} ms  p99 {p99 * 1000:6.2f} ms"
    )


def run(url: str, n: int) -> None:
    services = bootstrap(url)
    intake: list[float] = []
    reads: list[float] = []
    numbers = []
    base = make_application()
    for i in range(n):
        cmd = replace(base, items=[ItemInput(f"Physical therapy, {i + 1} visits")])
        numbers.append(
            timed(
                intake, submit_application, cmd, services.uow(), STAFF, services.clock
            ).case_number
        )
    for number in numbers:
        timed(reads, get_case, number, services.uow(), STAFF, services.clock)
    verify: list[float] = []
    report = timed(verify, verify_audit_log, services)
    summary("intake (3 documents)", intake)
    summary("case read (audited)", reads)
    print(
        f"{'audit verify':<28} {report.entries} entries in "
        f"{verify[0] * 1000:.1f} ms, ok={report.ok}"
    )
    services.close()


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    with tempfile.TemporaryDirectory() as tmp:
        print(f"SQLite file ({n} cases)")
        run(f"sqlite:///{Path(tmp) / 'bench.db'}", n)
        start = time.perf_counter()
        run_seed_example(Path(tmp) / "seed")
        print(f"{'seed example end to end':<28} {time.perf_counter() - start:.2f} s (incl. PDF)")
    pg = os.environ.get("OPENIMR_BENCH_DATABASE_URL")
    if pg:
        print(f"PostgreSQL ({n} cases)")
        run(pg, n)
    else:
        print("PostgreSQL: skipped (set OPENIMR_BENCH_DATABASE_URL to a scratch database)")


if __name__ == "__main__":
    main()
