"""Corpus store figures: the 118 dev letters, then scale with 1 and 2 Dask workers.

Run: .venv/bin/python benchmarks/bench_corpus.py [--letters 100000] [--repeat 1]

1. Dev: ingest the 118 text letters, then the 118 PDFs, in this process (letters/s), and
   build the search index.
2. Scale: write `--letters` copies of the dev text letters, each with its own case number,
   into a temp dir; ingest them through the real `openimr.corpus.ingest.ingest` with a Dask
   LocalCluster of 1 worker, then of 2 workers (fresh store each, `--repeat` rounds),
   reporting letters/s, the speed-up, and the peak memory (RSS summed over this process
   and every child process, sampled every 0.2 s with psutil). Then the search index build
   over the 2-worker store.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from statistics import median
from typing import Any

import psutil

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("OPENIMR_SHARED", REPO.parent / "shared"))
TEXT_DIR = SHARED / "data" / "dwc" / "text"
PDF_DIR = SHARED / "data" / "dwc" / "pdf"
CASE = re.compile(r"CM\d{2}-\d{7}")


class PeakMemory:
    """Samples the summed RSS of this process and all its descendants in a thread.

    It also keeps each process's latest CPU time, so that `cpu_seconds / wall` tells how
    many cores the run really got on a shared machine.
    """

    def __init__(self, every: float = 0.2) -> None:
        self.every = every
        self.peak = 0
        self._cpu: dict[int, float] = {}
        self._cpu_start = sum(psutil.Process().cpu_times()[:2])
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> int:
        me = psutil.Process()
        total = 0
        for proc in [me, *me.children(recursive=True)]:
            # A process may end between listing and reading: skip it.
            with contextlib.suppress(psutil.Error):
                total += proc.memory_info().rss
                self._cpu[proc.pid] = sum(proc.cpu_times()[:2])
        return total

    @property
    def cpu_seconds(self) -> float:
        return sum(self._cpu.values()) - self._cpu_start

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            self._stop.wait(self.every)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._sample())


def timed(label: str, run: Callable[[], Any], count: int) -> tuple[Any, float, int]:
    with PeakMemory() as memory:
        started = time.perf_counter()
        result = run()
        seconds = time.perf_counter() - started
    print(
        f"{label}: {count} letters in {seconds:.1f} s = {count / seconds:.0f} letters/s, "
        f"peak memory {memory.peak / 2**20:.0f} MiB, "
        f"CPU {memory.cpu_seconds:.2f} s (= {memory.cpu_seconds / seconds:.2f} cores busy; "
        f"{count / max(memory.cpu_seconds, 1e-9):.0f} letters per CPU-second)",
        flush=True,
    )
    return result, seconds, memory.peak


def replicate(target: Path, count: int) -> int:
    """Write `count` copies of the dev text letters, case number CM99-<n> each."""
    sources = [(p.name, p.read_text()) for p in sorted(TEXT_DIR.glob("*.txt"))]
    per_folder = 1000  # keep directories small
    for n in range(count):
        name, text = sources[n % len(sources)]
        case = f"CM99-{n:07d}"
        folder = target / f"{n // per_folder:04d}"
        if n % per_folder == 0:
            folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{case}-{name}").write_text(CASE.sub(case, text))
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=100_000, help="letters for the scale run")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of 1 then 2 workers")
    parser.add_argument("--tmp", type=Path, default=None, help="scratch dir (default: system)")
    args = parser.parse_args()
    if not TEXT_DIR.exists():
        print(f"skip: {TEXT_DIR} not found (../shared is absent here)")
        return 0

    from openimr.corpus.ingest import ingest
    from openimr.corpus.search import ItemIndex

    scratch = Path(tempfile.mkdtemp(prefix="bench-corpus-", dir=args.tmp))
    try:
        print(f"cpus: {os.cpu_count()}, load average: {os.getloadavg()}")
        dev = len(list(TEXT_DIR.glob("*.txt")))
        summary, _, _ = timed(
            "dev text letters, in-process",
            lambda: ingest([TEXT_DIR], scratch / "dev-text", build_index=False),
            dev,
        )
        print(f"  stored {summary.stored}, items {summary.items}, failed {summary.failed}")
        if PDF_DIR.exists():
            pdfs = len(list(PDF_DIR.glob("*.pdf")))
            summary, _, _ = timed(
                "dev PDF letters, in-process",
                lambda: ingest([PDF_DIR], scratch / "dev-pdf", build_index=False),
                pdfs,
            )
            print(f"  stored {summary.stored}, items {summary.items}, failed {summary.failed}")
        timed("dev search index build", lambda: ItemIndex.from_store(scratch / "dev-text"), dev)

        letters = scratch / "letters"
        started = time.perf_counter()
        replicate(letters, args.letters)
        print(f"wrote {args.letters} letters in {time.perf_counter() - started:.1f} s", flush=True)

        # 1 then 2 workers, `--repeat` times: on a shared machine the load drifts, and
        # alternating runs lets it hit both sides alike; the median ratio is reported.
        speedups = []
        for round_no in range(args.repeat):
            rates = {}
            for workers in (1, 2):
                store = scratch / f"store-{workers}"
                shutil.rmtree(store, ignore_errors=True)
                summary, seconds, _ = timed(
                    f"scale, Dask {workers} worker(s), round {round_no + 1}",
                    lambda store=store, workers=workers: ingest(
                        [letters], store, workers=workers, build_index=False
                    ),
                    args.letters,
                )
                busy = summary.task_seconds / (workers * summary.seconds)
                running = summary.task_cpu_seconds / summary.task_seconds
                print(
                    f"  stored {summary.stored}, items {summary.items}, failed {summary.failed};"
                    f" workers busy with tasks {busy:.0%} of the time, and tasks on a CPU"
                    f" {running:.0%} of theirs (the rest waiting for a CPU or the disk)",
                    flush=True,
                )
                rates[workers] = args.letters / seconds
            speedups.append(rates[2] / rates[1])
            print(f"speed-up 2 workers vs 1, round {round_no + 1}: {speedups[-1]:.2f}x")
        print(f"speed-up 2 workers vs 1, median of {args.repeat}: {median(speedups):.2f}x")
        timed(
            "scale search index build (2-worker store)",
            lambda: ItemIndex.from_store(scratch / "store-2"),
            args.letters,
        )
        index = ItemIndex.from_store(scratch / "store-2")
        started = time.perf_counter()
        for query in ("MRI lumbar spine", "Norco 10/325", "physical therapy 12 sessions"):
            index.search(query, k=10)
        print(f"search: 3 queries in {1000 * (time.perf_counter() - started):.0f} ms")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
