"""An independent checker of `panel assign` output, written from docs/product.md alone.

It reads the raw reviewer and case documents (not the panel's parsed objects) and re-derives
the contract rules itself: qualification minimums, excluded reviewers, direct and graph
conflicts, explicit specialties, the matched specialty being one the reviewer holds (the
generated panels use vocabulary names) and capacity. It shares no code with openimr.panel, so a bug
in the solver's own checks cannot hide here. `max_assignable` computes the maximum number of
cases with its own max-flow (for case files that list their acceptable specialties).
"""

from __future__ import annotations

from collections import defaultdict, deque
from datetime import date
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_flow

MAX_HOPS = 3  # reviewer -> affiliation is hop 1


def _qualified(rev: dict[str, Any], as_of: date) -> bool:
    if rev.get("active", True) is False:
        return False
    if not float(rev["years_active_practice"]) > 5:
        return False
    if not float(rev["hours_per_week"]) >= 24:
        return False
    if not any(date.fromisoformat(x["expires"]) >= as_of for x in rev.get("licenses", [])):
        return False
    if rev["profession"] in ("MD", "DO"):
        boards = rev.get("board_certifications", [])
        ok = False
        for b in boards:
            if (
                isinstance(b, str)
                or not b.get("expires")
                or date.fromisoformat(b["expires"]) >= as_of
            ):
                ok = True
        if not ok:
            return False
    return True


def _graph(relations: list[dict[str, str]]) -> dict[str, set[str]]:
    adj: dict[str, set[str]] = defaultdict(set)
    for rel in relations:
        adj[rel["source"]].add(rel["target"])
        adj[rel["target"]].add(rel["source"])
    return adj


def _reach(rev: dict[str, Any], adj: dict[str, set[str]]) -> set[str]:
    """Every key within MAX_HOPS of the reviewer (its own affiliations are one hop)."""
    start = set(rev.get("affiliations", [])) | set(rev.get("financial_interests", []))
    seen = set(start)
    queue = deque((k, 1) for k in start)
    while queue:
        node, depth = queue.popleft()
        if depth >= MAX_HOPS:
            continue
        for nxt in adj.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append((nxt, depth + 1))
    return seen


def _party_keys(case: dict[str, Any]) -> set[str]:
    return {p if isinstance(p, str) else p["key"] for p in case.get("parties", [])}


def _low(xs: list[Any]) -> set[str]:
    return {(x if isinstance(x, str) else x["board"]).strip().lower() for x in xs}


def feasible(rev: dict[str, Any], case: dict[str, Any], as_of: date, reach: set[str]) -> bool:
    """Contract feasibility of one pair, ignoring capacity and (unless listed) specialty."""
    if not _qualified(rev, as_of):
        return False
    if rev["id"] in case.get("excluded_reviewers", []) or rev["id"] in case.get(
        "prior_reviewers", []
    ):
        return False
    if reach & _party_keys(case):
        return False
    listed = case.get("specialties")
    if listed:
        mine = _low(rev.get("specialties", [])) | _low(rev.get("board_certifications", []))
        if not mine & _low(listed):
            return False
    return True


def _licensed(rev: dict[str, Any], as_of: date, states: set[str] | None) -> bool:
    """A licence valid on as_of, in one of `states` (None: any state)."""
    valid = {
        x["state"].upper()
        for x in rev.get("licenses", [])
        if date.fromisoformat(x["expires"]) >= as_of
    }
    return bool(valid) if states is None else bool(valid & states)


def check(
    reviewers_doc: dict[str, Any],
    cases_doc: dict[str, Any],
    output: dict[str, Any],
    licence_states: dict[str, set[str] | None] | None = None,
) -> list[str]:
    """Every violation of the contract in `output`; empty when it obeys every rule.

    `licence_states` says, per jurisdiction, where a reviewer must be licensed (None: any
    state); California workers' comp (ca_dwc), the default, asks for any state.
    """
    rules = {"ca_dwc": None} | (licence_states or {})
    as_of = date.fromisoformat(cases_doc["as_of"])
    revs = {r["id"]: r for r in reviewers_doc["reviewers"]}
    cases = {c["id"]: c for c in cases_doc["cases"]}
    adj = _graph(reviewers_doc.get("relations", []))
    reach = {rid: _reach(r, adj) for rid, r in revs.items()}
    problems: list[str] = []
    seen: set[str] = set()
    load: dict[str, int] = defaultdict(int)
    for a in output["assignments"]:
        cid, rid = a["case_id"], a["reviewer_id"]
        if cid not in cases:
            problems.append(f"{cid}: not a case of the input")
            continue
        if cid in seen:
            problems.append(f"{cid}: appears twice")
        seen.add(cid)
        if not a.get("reasons"):
            problems.append(f"{cid}: no reasons")
        if rid is None:
            continue
        if rid not in revs:
            problems.append(f"{cid}: unknown reviewer {rid}")
            continue
        rev, case = revs[rid], cases[cid]
        if not _qualified(rev, as_of):
            problems.append(f"{cid}: {rid} is not qualified")
        jurisdiction = case.get("jurisdiction", "ca_dwc")
        if not _licensed(rev, as_of, rules.get(jurisdiction)):
            problems.append(f"{cid}: {rid} is not licensed where {jurisdiction} requires")
        if rid in case.get("excluded_reviewers", []) or rid in case.get("prior_reviewers", []):
            problems.append(f"{cid}: {rid} is excluded by the case")
        hit = reach[rid] & _party_keys(case)
        if hit:
            problems.append(f"{cid}: {rid} is conflicted with {sorted(hit)}")
        mine = _low(rev.get("specialties", [])) | _low(rev.get("board_certifications", []))
        listed = case.get("specialties")
        if listed and not mine & _low(listed):
            problems.append(f"{cid}: {rid} has none of the listed specialties {listed}")
        if str(a.get("specialty", "")).strip().lower() not in mine:
            problems.append(f"{cid}: {rid} does not hold the specialty {a.get('specialty')!r}")
        if listed and str(a.get("specialty", "")).strip().lower() not in _low(listed):
            problems.append(f"{cid}: specialty {a.get('specialty')!r} is not one the case lists")
        if not 0.0 < float(a["fit"]) <= 1.0:
            problems.append(f"{cid}: fit {a['fit']} outside (0, 1]")
        load[rid] += 1
    for rid, n in load.items():
        room = int(revs[rid].get("capacity", 10)) - int(revs[rid].get("open_cases", 0))
        if n > room:
            problems.append(f"{rid}: {n} cases over its capacity {room}")
    missing = set(cases) - seen
    if missing:
        problems.append(f"cases missing from the output: {sorted(missing)[:5]}")
    summary = output["summary"]
    assigned = sum(1 for a in output["assignments"] if a["reviewer_id"] is not None)
    if summary["assigned"] != assigned or summary["cases"] != len(cases):
        problems.append(f"summary {summary} disagrees with the assignments")
    return problems


def max_assignable(reviewers_doc: dict[str, Any], cases_doc: dict[str, Any]) -> int:
    """The maximum number of cases any valid assignment can place (max-flow, own graph)."""
    as_of = date.fromisoformat(cases_doc["as_of"])
    revs = reviewers_doc["reviewers"]
    cases = cases_doc["cases"]
    adj = _graph(reviewers_doc.get("relations", []))
    reach = [_reach(r, adj) for r in revs]
    n, m = len(cases), len(revs)
    source, sink = 0, 1 + n + m
    rows: list[int] = []
    cols: list[int] = []
    caps: list[int] = []
    for j in range(n):
        rows.append(source)
        cols.append(1 + j)
        caps.append(1)
    for i, r in enumerate(revs):
        room = int(r.get("capacity", 10)) - int(r.get("open_cases", 0))
        if room > 0:
            rows.append(1 + n + i)
            cols.append(sink)
            caps.append(room)
    for j, c in enumerate(cases):
        for i, r in enumerate(revs):
            if feasible(r, c, as_of, reach[i]):
                rows.append(1 + j)
                cols.append(1 + n + i)
                caps.append(1)
    graph = csr_matrix((np.array(caps, dtype=np.int32), (rows, cols)), shape=(sink + 1, sink + 1))
    return int(maximum_flow(graph, source, sink).flow_value)
