"""Panel assignment benchmark: scale, peak memory, rule violations, optimality, greedy baselines.

    .venv/bin/python benchmarks/bench_panel.py [--quick]

1. Scale, one core, each run in a child process so its peak memory (ru_maxrss of that child
   alone, from wait4) is measured honestly: validation + screening + assignment + writing the
   output document. 10,000 cases x 2,000 reviewers with the generator's capacities (3-10 a
   week) and with capacities x10 (30-100: the volume a national panel covers), and
   180,000 x 20,000 with capacities x10 (a year of California workers' comp IMR against a
   national panel; goal <= 60 s and <= 2 GB). The 10,000-case runs are also checked by the
   independent checker (tests/unit/panel/checker.py).
2. Small instances: the objective (integer units of panel/plan.py) against an exact solver,
   scipy linear_sum_assignment over every slot of every feasible pair.
3. Hard instances (scarce capacity, generic cases first): cases placed and total fit against
   greedy first-fit and greedy best-fit in priority order.
"""

from __future__ import annotations

import os

# One core: keep BLAS and friends single-threaded (set before numpy is imported).
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import argparse  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.unit.panel.checker import check  # noqa: E402
from tests.unit.panel.exact import exact, objective  # noqa: E402

from openimr.panel.assignment import AssignmentResult, assign  # noqa: E402
from openimr.panel.case_input import parse_cases  # noqa: E402
from openimr.panel.plan import BatchPlan  # noqa: E402
from openimr.panel.registry import parse_registry  # noqa: E402
from openimr.panel.screening import Screener  # noqa: E402
from openimr.panel.synthetic import generate  # noqa: E402


def prepare(n_cases: int, n_reviewers: int, **kw: object) -> tuple[Screener, BatchPlan, object]:
    revs, cases = generate(n_cases, n_reviewers, **kw)  # type: ignore[arg-type]
    reg = parse_registry(revs)
    as_of, profiles = parse_cases(cases)
    screener = Screener(reg.reviewers, as_of, relations=reg.relations)
    return screener, BatchPlan(screener, profiles), profiles


def greedy(plan: BatchPlan, best_fit: bool) -> list[int | None]:
    """Cases in priority order (expedited, then due date); first (or best) reviewer with room."""
    order = sorted(range(len(plan.profiles)), key=lambda c: -plan.urgency[c])
    room = plan.cap.copy()
    out: list[int | None] = [None] * len(plan.profiles)
    for c in order:
        options = plan.feasible(c)  # best fit first
        if not best_fit:
            options = sorted(options)  # first in the reviewer file
        for i in options:
            if room[i] > 0:
                room[i] -= 1
                out[c] = i
                break
    return out


class _Discard(io.TextIOBase):
    def write(self, text: str) -> int:
        return len(text)


def scale_child(n_cases: int, n_reviewers: int, cap_factor: int, run_check: bool) -> None:
    """One scale run (in the child): prints a JSON line of figures."""
    revs, cases = generate(n_cases, n_reviewers, seed=0, capacity=(3 * cap_factor, 10 * cap_factor))
    t0, c0 = time.perf_counter(), time.process_time()
    reg = parse_registry(revs)
    as_of, profiles = parse_cases(cases)
    screener = Screener(reg.reviewers, as_of, relations=reg.relations)
    result = assign(screener, profiles)
    sink: io.TextIOBase = io.StringIO() if run_check else _Discard()
    result.write_json(sink)  # type: ignore[arg-type]
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    figures: dict[str, object] = {"wall": seconds, "cpu": cpu, "summary": result.summary()}
    if run_check:
        assert isinstance(sink, io.StringIO)
        figures["violations"] = check(revs, cases, json.loads(sink.getvalue()))[:5]
    print(json.dumps(figures))


def scale(n_cases: int, n_reviewers: int, cap_factor: int, run_check: bool = False) -> None:
    """Run `scale_child` in a fresh process and report its time and its own peak memory."""
    args = [sys.executable, __file__, "--child", str(n_cases), str(n_reviewers), str(cap_factor)]
    proc = subprocess.Popen(args + (["--check"] if run_check else []), stdout=subprocess.PIPE)
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        print(f"scale {n_cases} x {n_reviewers}: child failed (status {status})")
        return
    figures = json.loads(output.decode().strip().splitlines()[-1])
    s = figures["summary"]
    peak_mb = usage.ru_maxrss / 1024
    line = (
        f"scale {n_cases} x {n_reviewers}, capacities {3 * cap_factor}-{10 * cap_factor}/week: "
        f"{figures['wall']:.2f} s wall, {figures['cpu']:.2f} s CPU end to end (validate + "
        f"screen + assign + write), peak RSS {peak_mb:.0f} MB (whole child process), "
        f"assigned {s['assigned']}/{s['cases']}, classes {s.get('classes')}, case groups "
        f"{s.get('case_groups')}, flow arcs {s.get('arcs')}, rounds {s.get('rounds')}, "
        f"phases {s.get('seconds')}"
    )
    if "violations" in figures:
        line += f", checker violations {len(figures['violations'])}"
    print(line)
    for v in figures.get("violations", []):
        print("  violation:", v)


def ours(result: AssignmentResult) -> list[int | None]:
    return list(result.chosen)


def gap(sizes: list[tuple[int, int]], seeds: range) -> None:
    worst = 0
    for n_cases, n_reviewers in sizes:
        for seed in seeds:
            screener, plan, profiles = prepare(
                n_cases, n_reviewers, seed=seed, capacity=(2, 8), conflict_rate=0.5
            )
            result = assign(screener, profiles)  # type: ignore[arg-type]
            a_o, f_o, c_o = objective(plan, ours(result))
            t0 = time.perf_counter()
            a_x, f_x, c_x = objective(plan, exact(plan))
            tx = time.perf_counter() - t0
            worst = max(worst, c_o - c_x)
            print(
                f"exact {n_cases} x {n_reviewers} seed {seed}: assigned ours {a_o} exact {a_x}; "
                f"total fit ours {f_o:.2f} exact {f_x:.2f}; cost ours {c_o} exact {c_x} units "
                f"(difference {c_o - c_x}); rounds {result.stats.get('rounds')}; "
                f"exact solver took {tx:.1f} s"
            )
    print(f"largest cost difference to the exact solver: {worst} units (1 unit = 1e-6)")


def versus_greedy(n_cases: int, n_reviewers: int, seeds: range) -> None:
    for seed in seeds:
        screener, plan, profiles = prepare(
            n_cases, n_reviewers, seed=seed, hard=True, capacity=(3, 7)
        )
        result = assign(screener, profiles)  # type: ignore[arg-type]
        a_o, f_o, _ = objective(plan, ours(result))
        a_f, f_f, _ = objective(plan, greedy(plan, best_fit=False))
        a_b, f_b, _ = objective(plan, greedy(plan, best_fit=True))
        print(
            f"hard {n_cases} x {n_reviewers} seed {seed}: placed ours {a_o}, "
            f"greedy first-fit {a_f} "
            f"(+{a_o - a_f}, {100.0 * (a_o - a_f) / max(a_f, 1):.1f}%), greedy best-fit {a_b} "
            f"(+{a_o - a_b}); total fit ours {f_o:.1f}, first-fit {f_f:.1f} "
            f"({100.0 * (f_o - f_f) / max(f_f, 1e-9):+.1f}%), best-fit {f_b:.1f} "
            f"({100.0 * (f_o - f_b) / max(f_b, 1e-9):+.1f}%)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller instances only")
    parser.add_argument("--child", nargs=3, type=int, help=argparse.SUPPRESS)
    parser.add_argument("--check", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        scale_child(*args.child, run_check=args.check)
        return
    if args.quick:
        scale(2000, 400, 1, run_check=True)
        gap([(60, 12)], range(2))
        versus_greedy(400, 80, range(2))
        return
    scale(10_000, 2_000, 1, run_check=True)
    scale(10_000, 2_000, 10, run_check=True)
    scale(180_000, 20_000, 10)
    gap([(60, 12), (120, 20)], range(3))
    versus_greedy(2000, 400, range(3))


if __name__ == "__main__":
    main()
