"""Batch assignment of expert reviewers: maximum number assigned, then priority, fit and balance.

The problem (8 CCR 9792.10.6(b)(1): one qualified, conflict-free reviewer per case; LC 139.5):
cases on one side, reviewers with weekly capacities on the other, an edge where the Screener
finds the reviewer qualified, licensed as the case's jurisdiction asks, conflict-free, not
excluded and of the same or a similar specialty. The objective (panel/plan.py) is

    edge cost (case c, slot s of r) = 1 + W_FIT·(1 - fit) + W_LOAD·(held(r) + s + 1)/capacity(r)
    unassigned cost of c            = BIG + urgency(c)
    urgency(c) = W_EXPEDITED·[expedited] + W_DUE·(1 - min(days to due, 60)/60)

BIG exceeds every possible difference of the other terms, so the optimum assigns as many cases
as possible; among those it keeps expedited and nearer-due cases, then better fit, then even
utilisation of the week's capacity. panel/flow.py finds the optimum exactly, in time and memory
that grow with cases + reviewers + conflicts (classes of reviewers the rules cannot tell apart,
groups of interchangeable cases, conflicts kept sparse), and the summary carries its proof
figures: the flow's lower bound equals the cost of the assignment returned.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO

from openimr.panel.flow import solve
from openimr.panel.plan import (
    W_DUE,
    W_EXPEDITED,
    W_FIT,
    W_LOAD,
    BatchPlan,
    urgency,
)
from openimr.panel.screening import CaseProfile, Screener, Screening

__all__ = [
    "W_DUE",
    "W_EXPEDITED",
    "W_FIT",
    "W_LOAD",
    "Assignment",
    "AssignmentResult",
    "assign",
    "urgency",
]

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
    """The batch's choices. `chosen` and `plan` let the output be written as it is read."""

    plan: BatchPlan
    chosen: list[int | None]
    load: dict[str, int]  # reviewer id -> cases given in this batch
    stats: dict[str, object] = field(default_factory=dict)
    _reasons: dict[tuple[object, ...], str] = field(default_factory=dict, repr=False)

    @property
    def assigned(self) -> int:
        return sum(1 for i in self.chosen if i is not None)

    def __len__(self) -> int:
        return len(self.chosen)

    def __iter__(self) -> Iterator[Assignment]:
        for c in range(len(self.chosen)):
            yield self.assignment(c)

    @property
    def assignments(self) -> list[Assignment]:
        return list(self)

    def assignment(self, c: int) -> Assignment:
        """Case c's assignment with its reasons (built on demand: strings are shared)."""
        plan = self.plan
        p = plan.profiles[c]
        i = self.chosen[c]
        if i is None:
            why = _why_unassigned(plan, c) if plan.ids else NO_REVIEWERS
            return Assignment(p.case_id, None, None, None, (why,))
        rid = plan.ids[i]
        match = plan.fit(c, i)
        assert match is not None
        screener = plan.screener
        when = f"{p.priority.value}" + (f", due {p.due.isoformat()}" if p.due else "")
        reasons = [
            match.reason(),
            screener.qualification_summary(rid),
        ]
        if p.licence is not None:
            held = sorted(screener.licence_states(rid))
            if p.licence.states is None:
                reasons.append(f"licensed in {', '.join(held)}: {p.licence.rule}")
            else:
                wanted = sorted(p.licence.states & set(held))
                reasons.append(f"licensed in {', '.join(wanted)} as required: {p.licence.rule}")
        reasons += [
            screener.conflict_free_reason(p),
            f"{when}: expedited cases and nearer due dates are served first",
            f"load {int(plan.held[i]) + self.load[rid]}/{int(plan.denominator[i])} this week "
            "after this batch",
        ]
        return Assignment(p.case_id, rid, match.specialty, match.fit, tuple(reasons))

    def summary(self) -> dict[str, object]:
        total_fit = 0.0
        for c, i in enumerate(self.chosen):
            if i is not None:
                match = self.plan.fit(c, i)
                total_fit += match.fit if match else 0.0
        return {
            "cases": len(self.chosen),
            "assigned": self.assigned,
            "unassigned": len(self.chosen) - self.assigned,
            "total_fit": round(total_fit, 4),
            **self.stats,
        }

    def to_dict(self, explain: Screening | None = None) -> dict[str, object]:
        out: dict[str, object] = {
            "assignments": [a.to_dict() for a in self],
            "summary": self.summary(),
        }
        if explain is not None:
            out["explain"] = self.explain(explain)
        return out

    def explain(self, screening: Screening) -> dict[str, object]:
        chosen = None
        for c, p in enumerate(self.plan.profiles):
            if p.case_id == screening.case_id:
                i = self.chosen[c]
                chosen = None if i is None else self.plan.ids[i]
        data = screening.to_dict()
        candidates = data["candidates"]
        assert isinstance(candidates, list)
        for cand in candidates:
            cand["status"] = "chosen" if cand["reviewer_id"] == chosen else "not chosen"
        data["chosen"] = chosen
        return data

    def write_json(
        self,
        out: IO[str],
        *,
        explain: Screening | None = None,
        extra: dict[str, object] | None = None,
    ) -> None:
        """The `panel assign` document, one assignment a line, written as it is built.

        Nothing holds the whole document: a year's batch writes in constant extra memory.
        """
        out.write('{\n  "assignments": [')
        for c in range(len(self.chosen)):
            out.write("\n    " if c == 0 else ",\n    ")
            out.write(json.dumps(self.assignment(c).to_dict(), ensure_ascii=False))
        out.write("\n  ],\n")
        tail: dict[str, object] = {"summary": self.summary()}
        if explain is not None:
            tail["explain"] = self.explain(explain)
        tail.update(extra or {})
        body = json.dumps(tail, indent=2, ensure_ascii=False)
        out.write(body[2:])  # drop the opening "{\n": the object is already open
        out.write("\n")


def assign(
    screener: Screener,
    profiles: Sequence[CaseProfile],
    *,
    history: dict[str, float] | None = None,
) -> AssignmentResult:
    """Assign one reviewer per case where possible (8 CCR 9792.10.6(b)(1); LC 139.5).

    The number assigned is the maximum the qualified, licensed, conflict-free,
    specialty-matched pairs and the capacities allow; among such assignments, the one returned
    has the least cost (urgent cases kept, better fit, even load), and every choice and every
    case left unassigned carries its reasons. `history` gives each reviewer's long-run share
    of work (cases given / capacity offered) to break ties toward the less loaded.
    """
    started = time.perf_counter()
    plan = BatchPlan(screener, profiles, history=history)
    if not plan.ids:
        return AssignmentResult(plan, [None] * len(plan.profiles), {})
    prepared = time.perf_counter()
    solution = solve(plan)
    done = time.perf_counter()
    load: dict[str, int] = defaultdict(int)
    for i in solution.chosen:
        if i is not None:
            load[plan.ids[i]] += 1
    stats = dict(solution.stats)
    stats |= {
        "maximum": True,  # the flow is exact: no assignment places more cases
        "seconds": {"prepare": round(prepared - started, 3), "solve": round(done - prepared, 3)},
    }
    return AssignmentResult(plan, solution.chosen, dict(load), stats)


def _why_unassigned(plan: BatchPlan, c: int) -> str:
    """Why case c has no reviewer: who is out for which reason, or who is full."""
    head = "no qualified, conflict-free reviewer with capacity: "
    feasible = plan.feasible_count(c)
    if feasible:
        return (
            head + f"the {feasible} reviewer(s) who may take it are at capacity with cases "
            "that come first (expedited, nearer due, or no other reviewer)"
        )
    profile = plan.profiles[c]
    matches = plan.need_matches[plan.nid[c]]
    specialty_ok = [int(i) for k in matches for i in plan.classes[k].members]
    licence = profile.licence
    unlicensed = 0
    if licence is not None:
        unlicensed = sum(
            len(plan.classes[k].members)
            for k in matches
            if not licence.allows(plan.classes[k].states)
        )
    blocked = sum(1 for i in plan.blocked[c] if int(plan.class_of[i]) in matches)
    mismatched = int(plan.eligible.sum()) - len(specialty_ok)
    counts = [
        (plan.unqualified_count, "fail a qualification rule"),
        (plan.full_count, "have no capacity left"),
        (
            mismatched,
            "are not of the same or a similar specialty "
            f"({plan.needs[plan.nid[c]].describe(plan.screener.specialties)})",
        ),
        (unlicensed, f"hold no licence the case's jurisdiction requires ({licence.rule})")
        if licence is not None
        else (0, ""),
        (blocked, "are conflicted, excluded by the case or reviewed it before"),
    ]
    parts = [f"{n} {words}" for n, words in counts if n]
    return head + f"of {len(plan.ids)} reviewer(s), " + "; ".join(parts)
