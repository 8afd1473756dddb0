"""An exact reference for the assignment objective: dense linear_sum_assignment over every slot.

It knows nothing of classes, groups or flows: every feasible (case, reviewer slot) pair is a
cell of one dense matrix, with the cost function of panel/plan.py. Small instances only.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment

from openimr.panel.plan import BatchPlan, unassigned_units


def objective(plan: BatchPlan, chosen: list[int | None]) -> tuple[int, float, int]:
    """(assigned, total fit, cost in units) of an assignment, with the solver's cost function."""
    n = len(chosen)
    load: dict[int, int] = {}
    cost = 0
    fit = 0.0
    for c, i in enumerate(chosen):
        if i is None:
            cost += unassigned_units(n, plan.urgency[c])
            continue
        slot = load.get(i, 0)
        load[i] = slot + 1
        cost += plan.cost(c, i, slot)
        match = plan.fit(c, i)
        fit += match.fit if match else 0.0
    return sum(1 for i in chosen if i is not None), fit, cost


def exact(plan: BatchPlan) -> list[int | None]:
    """The optimum by brute force: one column per reviewer slot, one "unassigned" per case."""
    n = len(plan.profiles)
    owners = [i for i in range(len(plan.ids)) for _ in range(int(plan.cap[i]))]
    slot_of = [s for i in range(len(plan.ids)) for s in range(int(plan.cap[i]))]
    m = len(owners)
    cost = np.full((n, m + n), 1e18)
    for c in range(n):
        for col, i in enumerate(owners):
            if plan.fit(c, i) is not None:
                cost[c, col] = plan.cost(c, i, slot_of[col])
        cost[c, m + c] = unassigned_units(n, plan.urgency[c])
    rows, cols = linear_sum_assignment(cost)
    out: list[int | None] = [None] * n
    for r, col in zip(rows, cols, strict=True):
        out[r] = owners[col] if col < m else None
    return out
