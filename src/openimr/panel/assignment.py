"""Batch assignment of expert reviewers: maximum number assigned, then priority, fit and balance.

The problem (8 CCR 9792.10.6(b)(1): one qualified, conflict-free reviewer per case; LC 139.5):
cases on one side, reviewers with weekly capacities on the other, an edge where the Screener
finds the reviewer qualified, conflict-free, not excluded and of the same or a similar specialty.
We solve a min-cost bipartite matching over reviewer *slots* (slot s of reviewer r costs a
little more as s grows, which balances load) with one private "unassigned" column per case:

    edge cost (case c, slot s of r) = 1 + W_FIT·(1 - fit) + W_LOAD·(s + 1)/capacity(r)
    unassigned cost of c            = BIG + urgency(c)
    urgency(c) = W_EXPEDITED·[expedited] + W_DUE·(1 - min(days to due, 60)/60)

BIG exceeds every possible difference of the other terms, so the optimum assigns as many cases
as possible; among those it keeps expedited and nearer-due cases, then better fit, then balance.

Scale: each case keeps K = max(24, EDGE_BUDGET / cases) candidates, so small batches keep
every feasible pair; on large ones a case keeps a share of each fit tier, halving from the
best, with windows rotated so equal reviewers share the work. scipy's sparse LAPJV
(`min_weight_full_bipartite_matching`) solves that graph exactly. The pruning may lose cases,
so a repair pass then searches, from every unassigned case, an augmenting path in the *full*
candidate graph and applies it. When no search succeeds, Berge's theorem (for capacitated
bipartite matching) proves the number assigned is the maximum; the summary says so.
Nodes of a failed search are never searched again (a Hungarian tree stays dead), which keeps
the repair linear in the size of the graph.
"""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from openimr.domain.vocabulary import Priority
from openimr.panel.screening import CaseProfile, Screener, Screening
from openimr.panel.specialties import Need, SpecialtyMatch

W_FIT = 1.0
W_LOAD = 0.25
W_EXPEDITED = 4.0
W_DUE = 2.0
DUE_HORIZON_DAYS = 60
MIN_K = 24
EDGE_BUDGET = 240_000  # candidate pairs kept in all; small batches keep every feasible pair
NO_REVIEWERS = "unassigned: no reviewers (the panel is empty)"


@dataclass(frozen=True)
class Assignment:
    case_id: str
    reviewer_id: str | None
    specialty: str | None
    fit: float | None
    reasons: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"case_id": self.case_id, "reviewer_id": self.reviewer_id}
        if self.reviewer_id is not None:
            out["specialty"] = self.specialty
            out["fit"] = self.fit
        out["reasons"] = list(self.reasons)
        return out


@dataclass
class AssignmentResult:
    assignments: list[Assignment]
    load: dict[str, int]  # reviewer id -> cases given in this batch
    stats: dict[str, object] = field(default_factory=dict)

    @property
    def assigned(self) -> int:
        return sum(1 for a in self.assignments if a.reviewer_id is not None)

    def to_dict(self, explain: Screening | None = None) -> dict[str, object]:
        out: dict[str, object] = {
            "assignments": [a.to_dict() for a in self.assignments],
            "summary": {
                "cases": len(self.assignments),
                "assigned": self.assigned,
                "unassigned": len(self.assignments) - self.assigned,
                "total_fit": round(sum(a.fit or 0.0 for a in self.assignments if a.reviewer_id), 4),
                **self.stats,
            },
        }
        if explain is not None:
            chosen = {a.case_id: a.reviewer_id for a in self.assignments}.get(explain.case_id)
            data = explain.to_dict()
            candidates = data["candidates"]
            assert isinstance(candidates, list)
            for cand in candidates:
                cand["status"] = "chosen" if cand["reviewer_id"] == chosen else "not chosen"
            data["chosen"] = chosen
            out["explain"] = data
        return out


def urgency(profile: CaseProfile, as_of: date) -> float:
    """Expedited first, then nearer due dates (8 CCR 9792.10.6 decision clocks)."""
    value = W_EXPEDITED if profile.priority is Priority.EXPEDITED else 0.0
    if profile.due is not None:
        days = min(max((profile.due - as_of).days, 0), DUE_HORIZON_DAYS)
        value += W_DUE * (1.0 - days / DUE_HORIZON_DAYS)
    return value


class _Plan:
    """Per-batch tables: who may take which case, and the matches behind each edge."""

    def __init__(self, screener: Screener, profiles: Sequence[CaseProfile]) -> None:
        self.screener = screener
        self.profiles = list(profiles)
        self.ids = [r.reviewer_id for r in screener.reviewers]
        self.cap = np.array(
            [0 if screener.findings[rid] else screener.capacity(rid) for rid in self.ids],
            dtype=np.int64,
        )
        eligible = [i for i, rid in enumerate(self.ids) if self.cap[i] > 0]
        self.unqualified_count = sum(1 for rid in self.ids if screener.findings[rid])
        self.eligible_count = len(eligible)
        self.full_count = len(self.ids) - self.unqualified_count - self.eligible_count
        self.needs: list[Need] = [screener.need(p) for p in self.profiles]
        # Needs are numbered once: hashing a Need per lookup would dominate big batches.
        numbers: dict[Need, int] = {}
        self.nid: list[int] = [numbers.setdefault(need, len(numbers)) for need in self.needs]
        # per need number: {reviewer index: match}, and the reviewers in tiers of equal fit
        self.matches: list[dict[int, SpecialtyMatch]] = []
        self.tiers: list[list[list[int]]] = []
        for need in numbers:
            found = {i: m for i in eligible if (m := screener.match(self.ids[i], need))}
            self.matches.append(found)
            by_fit: dict[float, list[int]] = defaultdict(list)
            for i, m in found.items():
                by_fit[m.fit].append(i)
            self.tiers.append([sorted(by_fit[f]) for f in sorted(by_fit, reverse=True)])
        self._all: dict[int, list[int]] = {}
        self.index = {rid: i for i, rid in enumerate(self.ids)}
        self.blocked: list[set[int]] = []
        for p in self.profiles:
            conflicts = screener.conflicted_ids(p)
            blocked = {self.index[rid] for rid in conflicts}
            blocked |= {self.index[rid] for rid in p.excluded_reviewers if rid in self.index}
            blocked |= {self.index[rid] for rid in p.prior_reviewer_ids if rid in self.index}
            self.blocked.append(blocked)

    def feasible(self, c: int) -> list[int]:
        """Every reviewer who may take case c, best fit first."""
        blocked = self.blocked[c]
        return [i for tier in self.tiers[self.nid[c]] for i in tier if i not in blocked]

    def top_k(self, c: int, k: int) -> list[int]:
        """Case c's k candidates: a share of every fit tier, halving from the best down.

        Tier t gives about k/2^(t+1) reviewers (the rest of k is filled in fit order), and
        each tier's window rotates with the case number, so equal reviewers are spread over
        the cases that want them and every case keeps second-best options for when the best
        are full. A few picks across the whole list keep the sparse graph connected.
        """
        blocked = self.blocked[c]
        tiers = self.tiers[self.nid[c]]
        if not tiers:
            return []
        chosen: dict[int, None] = {}

        def take(lane: list[int], quota: int, offset: int) -> None:
            n = len(lane)
            got = 0
            for t in range(n):
                if got >= quota or len(chosen) >= k:
                    return
                i = lane[(offset + t) % n]
                if i not in blocked and i not in chosen:
                    chosen[i] = None
                    got += 1

        reach = max(1, k // 8)
        quota = (k - reach) // 2
        for tier in tiers:
            take(tier, max(1, quota), c * max(1, quota))
            quota //= 2
        flat = self._flat(c)
        take(flat, reach, c * 7919)  # connectivity: a spread across every fit
        take(flat, k, 0)  # fill what is left, best fit first
        return list(chosen)

    def _flat(self, c: int) -> list[int]:
        n = self.nid[c]
        if n not in self._all:
            self._all[n] = [i for tier in self.tiers[n] for i in tier]
        return self._all[n]

    def cost(self, c: int, i: int, slot: int) -> float:
        fit = self.matches[self.nid[c]][i].fit
        return 1.0 + W_FIT * (1.0 - fit) + W_LOAD * (slot + 1) / int(self.cap[i])


def _solve_sparse(plan: _Plan, as_of: date, k: int) -> tuple[list[int | None], dict[str, object]]:
    """Min-cost matching on the top-k candidate graph, slots expanded, one dummy per case."""
    n = len(plan.profiles)
    rows: list[int] = []
    revs: list[int] = []
    for c in range(n):
        cands = plan.top_k(c, k)
        rows.extend([c] * len(cands))
        revs.extend(cands)
    row_arr = np.asarray(rows, dtype=np.int64)
    rev_arr = np.asarray(revs, dtype=np.int64)
    n_rev = len(plan.ids)
    indeg = np.bincount(rev_arr, minlength=n_rev) if len(rev_arr) else np.zeros(n_rev, np.int64)
    slots = np.minimum(plan.cap, indeg)  # never more slots than cases that could use them
    base = np.concatenate([[0], np.cumsum(slots)])
    n_slots = int(base[-1])
    fits = np.array(
        [plan.matches[plan.nid[c]][i].fit for c, i in zip(rows, revs, strict=True)], dtype=float
    )
    reps = slots[rev_arr]
    e_row = np.repeat(row_arr, reps)
    e_rev = np.repeat(rev_arr, reps)
    e_fit = np.repeat(fits, reps)
    # slot number of each expanded edge: 0..reps-1 within each (case, reviewer) pair
    starts = np.repeat(np.cumsum(reps) - reps, reps)
    e_slot = np.arange(len(e_row)) - starts
    cap_f = np.maximum(plan.cap[e_rev], 1).astype(float)
    e_cost = 1.0 + W_FIT * (1.0 - e_fit) + W_LOAD * (e_slot + 1) / cap_f
    e_col = base[e_rev] + e_slot
    urg = np.array([urgency(p, as_of) for p in plan.profiles], dtype=float)
    big = n * (1.0 + W_FIT + W_LOAD + W_EXPEDITED + W_DUE) + 10.0
    d_row = np.arange(n)
    d_col = n_slots + d_row
    d_cost = big + urg
    data = np.concatenate([e_cost, d_cost])
    mat = csr_matrix(
        (data, (np.concatenate([e_row, d_row]), np.concatenate([e_col, d_col]))),
        shape=(n, n_slots + n),
    )
    _, col = min_weight_full_bipartite_matching(mat)
    owner = np.searchsorted(base, np.arange(n_slots), side="right") - 1
    chosen: list[int | None] = [
        int(owner[j]) if j < n_slots else None for j in (int(x) for x in col)
    ]
    return chosen, {"candidate_edges": len(rows), "slot_edges": len(e_row), "k": k}


def _repair(plan: _Plan, chosen: list[int | None]) -> int:
    """Augment along alternating paths of the full candidate graph until none is left.

    Returns the number of augmentations. Afterwards no unassigned case has an augmenting
    path, so the assignment has the maximum number of cases (Berge).
    """
    load = np.zeros(len(plan.ids), dtype=np.int64)
    holders: dict[int, set[int]] = defaultdict(set)
    for c, i in enumerate(chosen):
        if i is not None:
            load[i] += 1
            holders[i].add(c)
    dead_cases: set[int] = set()
    dead_revs: set[int] = set()
    feasible_cache: dict[int, list[int]] = {}
    augmented = 0

    def feasible(c: int) -> list[int]:
        if c not in feasible_cache:
            feasible_cache[c] = plan.feasible(c)
        return feasible_cache[c]

    # Most urgent first, so a scarce slot freed by a path goes to the case that needs it most.
    order = sorted(
        (c for c, i in enumerate(chosen) if i is None),
        key=lambda c: -urgency(plan.profiles[c], plan.screener.as_of),
    )
    for start in order:
        if not feasible(start):
            continue
        parent_case: dict[int, int] = {}  # reviewer -> case that reached it
        parent_rev: dict[int, int] = {}  # case -> reviewer it holds (on the path)
        seen_cases = {start}
        seen_revs: set[int] = set()
        queue: deque[int] = deque([start])
        free: int | None = None
        while queue and free is None:
            c = queue.popleft()
            for i in feasible(c):
                if i in seen_revs or i in dead_revs:
                    continue
                seen_revs.add(i)
                parent_case[i] = c
                if load[i] < plan.cap[i]:
                    free = i
                    break
                for c2 in holders[i]:
                    if c2 not in seen_cases and c2 not in dead_cases:
                        seen_cases.add(c2)
                        parent_rev[c2] = i
                        queue.append(c2)
        if free is None:
            dead_cases |= seen_cases
            dead_revs |= seen_revs
            continue
        # Flip the path: each case on it moves to the reviewer found after it.
        i = free
        load[i] += 1
        while True:
            c = parent_case[i]
            old = chosen[c]
            chosen[c] = i
            holders[i].add(c)
            if old is not None:
                holders[old].discard(c)
            if c == start:
                break
            i = parent_rev[c]
        augmented += 1
    return augmented


def default_k(n_cases: int) -> int:
    """Candidates kept per case: every one on small batches, at least MIN_K on huge ones."""
    return max(MIN_K, EDGE_BUDGET // max(n_cases, 1))


def assign(
    screener: Screener, profiles: Sequence[CaseProfile], *, k: int | None = None
) -> AssignmentResult:
    """Assign one reviewer per case where possible (8 CCR 9792.10.6(b)(1); LC 139.5).

    The number assigned is the maximum the qualified, conflict-free, specialty-matched pairs
    and the capacities allow (checked by the repair pass); every choice and every case left
    unassigned carries its reasons.
    """
    started = time.perf_counter()
    k = k or default_k(len(profiles))
    if not screener.reviewers:
        return AssignmentResult(
            [Assignment(p.case_id, None, None, None, (NO_REVIEWERS,)) for p in profiles], {}
        )
    plan = _Plan(screener, profiles)
    prepared = time.perf_counter()
    if profiles:
        chosen, stats = _solve_sparse(plan, screener.as_of, k)
    else:
        chosen, stats = [], {"candidate_edges": 0, "slot_edges": 0, "k": k}
    solved = time.perf_counter()
    augmented = _repair(plan, chosen)
    done = time.perf_counter()
    stats |= {
        "repair_augmentations": augmented,
        "maximum": True,  # the repair pass left no augmenting path
        "seconds": {
            "prepare": round(prepared - started, 3),
            "solve": round(solved - prepared, 3),
            "repair": round(done - solved, 3),
        },
    }
    return _report(plan, chosen, stats)


def _report(plan: _Plan, chosen: list[int | None], stats: dict[str, object]) -> AssignmentResult:
    screener = plan.screener
    load: dict[str, int] = defaultdict(int)
    for i in chosen:
        if i is not None:
            load[plan.ids[i]] += 1
    out: list[Assignment] = []
    for c, p in enumerate(plan.profiles):
        i = chosen[c]
        if i is None:
            out.append(Assignment(p.case_id, None, None, None, (_why_unassigned(plan, c),)))
            continue
        rid = plan.ids[i]
        match = plan.matches[plan.nid[c]][i]
        when = f"{p.priority.value}" + (f", due {p.due.isoformat()}" if p.due else "")
        reasons = (
            match.reason(),
            screener.qualification_summary(rid),
            screener.conflict_free_reason(p),
            f"{when}: expedited cases and nearer due dates are served first",
            f"load {load[rid]}/{int(plan.cap[i])} this week after this batch",
        )
        out.append(Assignment(p.case_id, rid, match.specialty, match.fit, reasons))
    return AssignmentResult(out, dict(load), stats)


def _why_unassigned(plan: _Plan, c: int) -> str:
    """Why case c has no reviewer: who is out for which reason, or who is full."""
    head = "no qualified, conflict-free reviewer with capacity: "
    feasible = len(plan.feasible(c))
    if feasible:
        return (
            head + f"the {feasible} reviewer(s) who may take it are at capacity with cases "
            "that come first (expedited, nearer due, or no other reviewer)"
        )
    matches = plan.matches[plan.nid[c]]
    blocked = len(plan.blocked[c] & set(matches))
    mismatched = plan.eligible_count - len(matches)
    counts = [
        (plan.unqualified_count, "fail a qualification rule"),
        (plan.full_count, "have no capacity left"),
        (
            mismatched,
            "are not of the same or a similar specialty "
            f"({plan.needs[c].describe(plan.screener.specialties)})",
        ),
        (blocked, "are conflicted, excluded by the case or reviewed it before"),
    ]
    parts = [f"{n} {words}" for n, words in counts if n]
    return head + f"of {len(plan.ids)} reviewer(s), " + "; ".join(parts)
