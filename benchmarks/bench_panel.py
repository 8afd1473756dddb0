"""Panel assignment benchmark: scale, rule violations, optimality gap, and greedy baselines.

    .venv/bin/python benchmarks/bench_panel.py [--quick]

1. 10,000 cases x 2,000 reviewers (seeded), one core: wall time of validation + screening +
   assignment, and violations found by the independent checker (tests/unit/panel/checker.py).
2. Smaller instances: total fit and objective against an exact solver (scipy
   linear_sum_assignment over every slot of every feasible pair, same cost function); and on
   3,000 x 600 the fit lost by keeping k candidates a case, against the full graph.
3. Hard instances (scarce capacity, generic cases first): cases placed and total fit against
   greedy first-fit and greedy best-fit in priority order.
"""

from __future__ import annotations

import os

# One core: keep BLAS and friends single-threaded (set before numpy is imported).
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from scipy.optimize import linear_sum_assignment  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.unit.panel.checker import check  # noqa: E402

from openimr.panel.assignment import (  # noqa: E402
    W_DUE,
    W_EXPEDITED,
    W_FIT,
    W_LOAD,
    _Plan,
    assign,
    default_k,
    urgency,
)
from openimr.panel.case_input import parse_cases  # noqa: E402
from openimr.panel.registry import parse_registry  # noqa: E402
from openimr.panel.screening import Screener  # noqa: E402
from openimr.panel.synthetic import generate  # noqa: E402


def prepare(n_cases: int, n_reviewers: int, **kw):
    revs, cases = generate(n_cases, n_reviewers, **kw)
    reg = parse_registry(revs)
    as_of, profiles = parse_cases(cases)
    return revs, cases, Screener(reg.reviewers, as_of, relations=reg.relations), profiles


def objective(plan: _Plan, chosen: list[int | None]) -> tuple[int, float, float]:
    """(assigned, total fit, cost) of an assignment, with the solver's cost function."""
    as_of = plan.screener.as_of
    n = len(chosen)
    big = n * (1.0 + W_FIT + W_LOAD + W_EXPEDITED + W_DUE) + 10.0
    load: dict[int, int] = {}
    cost = fit = 0.0
    for c, i in enumerate(chosen):
        if i is None:
            cost += big + urgency(plan.profiles[c], as_of)
            continue
        load[i] = load.get(i, 0) + 1
        fit += plan.matches[plan.nid[c]][i].fit
        cost += 1.0 + W_FIT * (1.0 - plan.matches[plan.nid[c]][i].fit)
    for i, k in load.items():  # convex slot costs: slot s costs (s+1)/cap
        cost += W_LOAD * k * (k + 1) / 2 / int(plan.cap[i])
    return sum(1 for i in chosen if i is not None), fit, cost


def exact(plan: _Plan) -> list[int | None]:
    """Dense linear_sum_assignment over every slot of every feasible pair."""
    n = len(plan.profiles)
    owners = [i for i in range(len(plan.ids)) for _ in range(int(plan.cap[i]))]
    slot_of = [s for i in range(len(plan.ids)) for s in range(int(plan.cap[i]))]
    m = len(owners)
    big = n * (1.0 + W_FIT + W_LOAD + W_EXPEDITED + W_DUE) + 10.0
    cost = np.full((n, m + n), 10 * big)
    for c in range(n):
        feasible = set(plan.feasible(c))
        for col, i in enumerate(owners):
            if i in feasible:
                cost[c, col] = plan.cost(c, i, slot_of[col])
        cost[c, m + c] = big + urgency(plan.profiles[c], plan.screener.as_of)
    rows, cols = linear_sum_assignment(cost)
    out: list[int | None] = [None] * n
    for r, col in zip(rows, cols, strict=True):
        out[r] = owners[col] if col < m else None
    return out


def greedy(plan: _Plan, best_fit: bool) -> list[int | None]:
    """Cases in priority order (expedited, then due date); first (or best) reviewer with room."""
    as_of = plan.screener.as_of
    order = sorted(range(len(plan.profiles)), key=lambda c: -urgency(plan.profiles[c], as_of))
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


def ours(plan: _Plan, result) -> list[int | None]:
    index = {rid: i for i, rid in enumerate(plan.ids)}
    return [None if a.reviewer_id is None else index[a.reviewer_id] for a in result.assignments]


def scale(n_cases: int, n_reviewers: int) -> None:
    revs, cases = generate(n_cases, n_reviewers, seed=0)
    t0, c0 = time.perf_counter(), time.process_time()
    reg = parse_registry(revs)
    as_of, profiles = parse_cases(cases)
    screener = Screener(reg.reviewers, as_of, relations=reg.relations)
    result = assign(screener, profiles)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    out = result.to_dict()
    problems = check(revs, cases, out)
    s = out["summary"]
    print(
        f"scale {n_cases} x {n_reviewers}: {seconds:.2f} s wall, {cpu:.2f} s CPU end to end "
        "(validate + screen + assign), "
        f"assigned {s['assigned']}/{s['cases']}, repair augmentations {s['repair_augmentations']}, "
        f"phases {s['seconds']}, checker violations {len(problems)}"
    )
    for p in problems[:5]:
        print("  violation:", p)


def gap(sizes: list[tuple[int, int]], seeds: range) -> None:
    worst = 0.0
    for n_cases, n_reviewers in sizes:
        for seed in seeds:
            _, _, screener, profiles = prepare(n_cases, n_reviewers, seed=seed, capacity=(2, 8))
            result = assign(screener, profiles)
            plan = _Plan(screener, profiles)
            a_o, f_o, c_o = objective(plan, ours(plan, result))
            t0 = time.perf_counter()
            a_x, f_x, c_x = objective(plan, exact(plan))
            tx = time.perf_counter() - t0
            fit_gap = 100.0 * (f_x - f_o) / f_x if f_x else 0.0
            worst = max(worst, fit_gap)
            print(
                f"exact {n_cases} x {n_reviewers} seed {seed}: assigned ours {a_o} exact {a_x}; "
                f"total fit ours {f_o:.2f} exact {f_x:.2f} (gap {fit_gap:+.3f}%); "
                f"cost ours {c_o:.2f} exact {c_x:.2f}; exact took {tx:.1f} s"
            )
    print(f"worst total-fit gap to the exact solver: {worst:.3f}%")


def pruning(n_cases: int, n_reviewers: int) -> None:
    """The price of keeping k candidates a case: against the full graph (exact, sparse LAPJV)."""
    _, _, screener, profiles = prepare(n_cases, n_reviewers, seed=0, capacity=(2, 8))
    plan = _Plan(screener, profiles)
    full = None
    rows = []
    for k in dict.fromkeys((10**9, default_k(10_000), 40)):  # full, 10k default, wider
        t0 = time.perf_counter()
        result = assign(screener, profiles, k=k)
        took = time.perf_counter() - t0
        placed, fit, _ = objective(plan, ours(plan, result))
        full = full or fit
        rows.append((k, placed, fit, took))
    for k, placed, fit, took in rows:
        label = "all feasible" if k == 10**9 else f"k={k}"
        print(
            f"pruning {n_cases} x {n_reviewers} {label}: placed {placed}, total fit {fit:.2f} "
            f"(gap {100.0 * (full - fit) / full:+.3f}% to the full graph), {took:.1f} s"
        )


def versus_greedy(n_cases: int, n_reviewers: int, seeds: range) -> None:
    for seed in seeds:
        _, _, screener, profiles = prepare(
            n_cases, n_reviewers, seed=seed, hard=True, capacity=(3, 7)
        )
        result = assign(screener, profiles)
        plan = _Plan(screener, profiles)
        a_o, f_o, _ = objective(plan, ours(plan, result))
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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller instances only")
    args = parser.parse_args()
    if args.quick:
        scale(2000, 400)
        gap([(200, 40)], range(2))
        versus_greedy(400, 80, range(2))
        return
    scale(10_000, 2_000)
    gap([(300, 60), (600, 120)], range(3))
    pruning(3000, 600)
    versus_greedy(2000, 400, range(3))


if __name__ == "__main__":
    main()
