"""The exact solver: a min-cost flow over classes, then reviewers chosen inside each class.

Objective (in integer units of panel/plan.py), minimised:

    Σ assigned  assign_units(fit) + slot_units(held, slot, week capacity)
  + Σ unassigned unassigned_units(urgency)

so the number assigned is the maximum, then expedited and nearer-due cases are the ones kept,
then better fit, then even utilisation. That is today's objective, solved without listing
every (case, reviewer) pair:

1. *Relaxation.* Nodes are case groups and reviewer classes; a group sends its cases to a
   class it fits (cost by fit) or to "unassigned"; a class's capacity is the merged list of
   its members' slot costs. Conflicts *inside* a class are ignored here (a group whose
   blocked reviewers take capacity from a class sees that class smaller), so the optimum of
   the relaxation is a lower bound on the true optimum. OR-Tools' min-cost flow solves it.
2. *Disaggregation.* In each class the slot costs fix each member's load (ties broken
   toward the reviewer with the smaller long-run share); the cases routed there are matched to
   members with those loads, avoiding each case's blocked reviewers (greedy, then augmenting
   paths). If every class succeeds, the assignment is feasible and costs exactly the lower
   bound: it is optimal.
3. *Refinement.* When a class cannot be matched (a Hall violation: its conflicted cases are
   crowded onto the few reviewers they may have), the groups involved get their own arcs to
   that class's individual reviewers and the flow is solved again. Each round makes the
   relaxation exact for more (group, class) pairs, so the loop ends; in practice it seldom runs.
"""

from __future__ import annotations

from array import array
from collections import defaultdict, deque
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from ortools.graph.python import min_cost_flow

from openimr.panel.plan import (
    SCALE,
    W_LOAD,
    BatchPlan,
    assign_units,
    slot_units,
    unassigned_units,
)

MAX_ROUNDS = 50


@dataclass
class Solution:
    chosen: list[int | None]
    stats: dict[str, object] = field(default_factory=dict)


class _Graph:
    """Arc lists for OR-Tools, with a name for every arc we need to read back."""

    def __init__(self) -> None:
        # Typed arrays, not lists: a year's batch has millions of arcs.
        self.tails = array("q")
        self.heads = array("q")
        self.caps = array("q")
        self.costs = array("q")

    def arc(self, tail: int, head: int, cap: int, cost: int) -> int:
        self.tails.append(tail)
        self.heads.append(head)
        self.caps.append(cap)
        self.costs.append(cost)
        return len(self.tails) - 1

    def column(self, values: array[int]) -> NDArray[np.int64]:
        return np.frombuffer(values, dtype=np.int64)


def _slot_values(plan: BatchPlan, members: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The slots of these reviewers as (cost units, reviewer), cheapest first.

    A batch of n cases can use at most n slots of any reviewer, so no more are listed.
    """
    counts = np.minimum(plan.cap[members], len(plan.profiles))
    owner = np.repeat(members, counts)
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    slot = np.arange(len(owner)) - starts
    held = plan.held[owner]
    denominator = np.maximum(plan.denominator[owner], 1)
    units = np.rint(SCALE * W_LOAD * (held + slot + 1) / denominator).astype(np.int64)
    order = np.lexsort((plan.history[owner], units))[: len(plan.profiles)]
    return units[order], owner[order]


def solve(plan: BatchPlan) -> Solution:
    """The optimal assignment of plan's cases (reviewer index per case, None = unassigned)."""
    refined: set[tuple[int, int]] = set()  # (group, class) pairs with reviewer-level arcs
    rounds = 0
    while True:
        rounds += 1
        flows = _relaxation(plan, refined)
        failed, chosen = _disaggregate(plan, flows)
        if not failed:
            return Solution(
                chosen,
                {
                    "classes": len(plan.classes),
                    "case_groups": len(plan.groups),
                    "arcs": flows.arcs,
                    "rounds": rounds,
                    "refined_pairs": len(refined),
                    "lower_bound_units": flows.cost,
                },
            )
        if rounds >= MAX_ROUNDS:  # refine everything left: the relaxation becomes exact
            failed = {
                (g, k) for g, group in enumerate(plan.groups) for k, _, _ in plan.compatible(group)
            }
        refined |= failed


@dataclass
class _Flows:
    cost: int
    arcs: int
    to_class: dict[tuple[int, int], int]  # (group, class) -> cases sent through the class root
    direct: dict[tuple[int, int], int]  # (group, reviewer) -> cases on refined arcs
    loads: dict[int, dict[int, int]]  # class -> reviewer -> cases from the class root


def _relaxation(plan: BatchPlan, refined: set[tuple[int, int]]) -> _Flows:
    n_groups = len(plan.groups)
    n_classes = len(plan.classes)
    refined_classes = {k for _, k in refined}
    sink = n_groups + n_classes
    next_node = sink + 1
    reviewer_node: dict[int, int] = {}
    g = _Graph()
    big_n = len(plan.profiles)
    group_class_arcs: list[tuple[int, int, int]] = []  # (arc, group, class)
    direct_arcs: list[tuple[int, int, int]] = []  # (arc, group, reviewer)
    slot_arcs: list[tuple[int, int, int, int]] = []  # (arc, class, units, count)
    root_arcs: list[tuple[int, int, int]] = []  # (arc, class, reviewer)
    for k, cls in enumerate(plan.classes):
        root = n_groups + k
        if k in refined_classes:
            for i in (int(x) for x in cls.members):
                node = reviewer_node[i] = next_node
                next_node += 1
                root_arcs.append((g.arc(root, node, int(plan.cap[i]), 0), k, i))
                for s in range(min(int(plan.cap[i]), big_n)):
                    cost = slot_units(int(plan.held[i]), s, int(plan.denominator[i]))
                    g.arc(node, sink, 1, cost)
        else:
            units, _ = _slot_values(plan, cls.members)
            values, counts = np.unique(units, return_counts=True)
            for v, n in zip(values.tolist(), counts.tolist(), strict=True):
                slot_arcs.append((g.arc(root, sink, n, v), k, v, n))
    for gi, group in enumerate(plan.groups):
        g.arc(gi, sink, group.size, unassigned_units(big_n, group.urgency))
        for k, match, room in plan.compatible(group):
            cost = assign_units(match.fit)
            if (gi, k) in refined:
                blocked = set(group.blocked)
                for i in (int(x) for x in plan.classes[k].members):
                    if i not in blocked:
                        cap = min(group.size, int(plan.cap[i]))
                        direct_arcs.append((g.arc(gi, reviewer_node[i], cap, cost), gi, i))
            else:
                cap = min(group.size, room)
                group_class_arcs.append((g.arc(gi, n_groups + k, cap, cost), gi, k))
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(
        g.column(g.tails), g.column(g.heads), g.column(g.caps), g.column(g.costs)
    )
    supplies = np.zeros(next_node, dtype=np.int64)
    supplies[:n_groups] = [group.size for group in plan.groups]
    supplies[sink] = -len(plan.profiles)
    smcf.set_nodes_supplies(np.arange(next_node, dtype=np.int64), supplies)
    status = smcf.solve()
    if status != smcf.OPTIMAL:  # every case has an "unassigned" arc: always feasible
        raise RuntimeError(f"min-cost flow failed: {status}")
    flow = smcf.flows(np.arange(len(g.tails), dtype=np.int64))
    to_class = {(gi, k): int(flow[a]) for a, gi, k in group_class_arcs if flow[a]}
    direct = {(gi, i): int(flow[a]) for a, gi, i in direct_arcs if flow[a]}
    loads: dict[int, dict[int, int]] = {}
    for a, k, i in root_arcs:
        if flow[a]:
            loads.setdefault(k, {})[i] = int(flow[a])
    used: dict[int, int] = defaultdict(int)
    for a, k, _, _ in slot_arcs:
        used[k] += int(flow[a])
    for k, total in used.items():
        if total:
            loads[k] = _class_loads(plan, k, total)
    return _Flows(int(smcf.optimal_cost()), len(g.tails), to_class, direct, loads)


def _class_loads(plan: BatchPlan, k: int, total: int) -> dict[int, int]:
    """Members' loads when class k takes `total` cases: its `total` cheapest slots.

    Slots of equal cost are ordered by long-run share, so among equals the reviewer who has
    had less work so far gets the case.
    """
    _, owners = _slot_values(plan, plan.classes[k].members)
    counts = np.bincount(owners[:total], minlength=len(plan.ids))
    return {int(i): int(counts[i]) for i in np.flatnonzero(counts)}


def _disaggregate(plan: BatchPlan, flows: _Flows) -> tuple[set[tuple[int, int]], list[int | None]]:
    """Reviewers for the flows; the (group, class) pairs to refine when a class fails."""
    chosen: list[int | None] = [None] * len(plan.profiles)
    cursor = [0] * len(plan.groups)  # next case of each group to place

    def give(gi: int, i: int, n: int) -> None:
        cases = plan.groups[gi].cases
        for c in cases[cursor[gi] : cursor[gi] + n]:
            chosen[c] = i
        cursor[gi] += n

    for (gi, i), n in flows.direct.items():
        give(gi, i, n)
    demands: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for (gi, k), n in flows.to_class.items():
        demands[k].append((gi, n))
    failed: set[tuple[int, int]] = set()
    for k, wanted in demands.items():
        placed, stuck = _match_class(plan, flows.loads.get(k, {}), wanted)
        if stuck:
            failed |= {(gi, k) for gi in stuck}
            continue
        for gi, i, n in placed:
            give(gi, i, n)
    return failed, chosen


def _match_class(
    plan: BatchPlan, loads: dict[int, int], wanted: list[tuple[int, int]]
) -> tuple[list[tuple[int, int, int]], set[int]]:
    """Place `wanted` (group, count) on reviewers with exactly `loads`, avoiding blocked ones.

    Returns (placements (group, reviewer, count), groups to refine); the second is empty on
    success. Conflicted groups go first and take one case at a time; the unconflicted fill
    what is left in bulk. A conflicted case with no room left among its allowed reviewers
    looks for an augmenting path (placed cases moving on to reviewers with room).
    """
    groups = plan.groups
    order = list(loads)  # reviewers in a fixed order
    room = [loads[i] for i in order]
    where = {i: p for p, i in enumerate(order)}
    at: list[dict[int, int]] = [defaultdict(int) for _ in order]  # position -> group -> n
    # nxt[p]: the first position >= p with room (path-compressed), len(order) when none
    nxt = list(range(len(order) + 1))

    def first_with_room(p: int) -> int:
        root = p
        while nxt[root] != root:
            root = nxt[root]
        while nxt[p] != root:
            nxt[p], p = root, nxt[p]
        return root

    def take(p: int, gi: int, n: int) -> None:
        room[p] -= n
        at[p][gi] += n
        if room[p] == 0:
            nxt[p] = p + 1

    members = set(order)
    clash = {gi: len(members.intersection(groups[gi].blocked)) for gi, _ in wanted}
    conflicted = [(gi, n) for gi, n in wanted if clash[gi]]
    free = [(gi, n) for gi, n in wanted if not clash[gi]]
    conflicted.sort(key=lambda x: -clash[x[0]])
    for gi, n in conflicted:
        blocked = {where[i] for i in groups[gi].blocked if i in where}
        for _ in range(n):
            p = first_with_room(0)
            while p < len(order) and p in blocked:
                p = first_with_room(p + 1)
            if p < len(order):
                take(p, gi, 1)
                continue
            stuck = _augment(plan, gi, order, room, at)
            if stuck:
                return [], stuck
            nxt[:] = [q if room[q] else q + 1 for q in range(len(order))] + [len(order)]
    for gi, n in free:
        while n:
            p = first_with_room(0)
            amount = min(n, room[p])
            take(p, gi, amount)
            n -= amount
    placed = [(gi, order[p], n) for p, by_group in enumerate(at) for gi, n in by_group.items() if n]
    return placed, set()


def _augment(
    plan: BatchPlan,
    start: int,
    order: list[int],
    room: list[int],
    at: list[dict[int, int]],
) -> set[int]:
    """Place one case of group `start` by moving placed cases along a path.

    Breadth-first over reviewers: from a reviewer the case may take, any case held there may
    move on to a reviewer its group may take; the path ends at a reviewer with room. Returns
    the empty set on success, else every group the search met (to refine).
    """
    groups = plan.groups

    def allowed(gi: int, p: int) -> bool:
        return order[p] not in groups[gi].blocked

    parent: dict[int, tuple[int, int] | None] = {}  # position -> (previous position, group)
    queue: deque[int] = deque()
    met = {start}
    for p in range(len(order)):
        if allowed(start, p):
            parent[p] = None
            queue.append(p)
    end: int | None = None
    while queue and end is None:
        j = queue.popleft()
        if room[j] > 0:
            end = j
            break
        for gi, n in list(at[j].items()):
            if not n:
                continue
            met.add(gi)
            for r in range(len(order)):
                if r not in parent and allowed(gi, r):
                    parent[r] = (j, gi)
                    if room[r] > 0:
                        end = r
                        break
                    queue.append(r)
            if end is not None:
                break
    if end is None:
        return met
    # Walk back: each step moves one case of the named group from the previous reviewer on.
    room[end] -= 1
    node = end
    step = parent[node]
    while step is not None:
        prev, gi = step
        at[node][gi] += 1
        at[prev][gi] -= 1
        node = prev
        step = parent[node]
    at[node][start] += 1
    return set()
