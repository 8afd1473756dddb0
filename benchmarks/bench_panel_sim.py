"""A year of daily operation of the panel: arrivals, passes, declines, recusals, missed deadlines.

    .venv/bin/python benchmarks/bench_panel_sim.py [--days 365] [--per-day 700] [--reviewers 750]

Cases arrive on working days at California's daily volume (about 700, 10% expedited) between
08:00 and 18:00, against a generated panel (capacities 4-12 cases a week) whose reviewers take
two leave blocks of one to two weeks and three single days off a year. The assignment runs as
the service runs it (service/continuous.py, the same panel functions): a pass every 15 minutes
in working hours and every hour outside them over every waiting case, and at once for each
expedited case as it arrives. Each reviewer's capacity is per week, prorated by absences; an
expedited case goes only to a reviewer at hand for its window; ties go to the reviewer with the
smaller share of the last 12 weeks. After assignment a reviewer declines (4%), recuses (1%) or
lets the internal deadline pass (1%): the case goes back with that reviewer excluded.

Reported: time from arrival to first assignment (median, p90, p99, max; standard and expedited
apart), time from a release to the next reviewer, cases still waiting at the end and why, and
the spread of load (cases kept, i.e. given less those released, / capacity offered) across
reviewers, overall and within
reviewers the rules cannot tell apart.
"""

from __future__ import annotations

import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import heapq  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter, defaultdict  # noqa: E402
from datetime import date, datetime, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from openimr.domain.vocabulary import Priority  # noqa: E402
from openimr.panel.assignment import assign  # noqa: E402
from openimr.panel.availability import week_capacity, week_start  # noqa: E402
from openimr.panel.case_input import parse_cases  # noqa: E402
from openimr.panel.ledger import HISTORY_WEEKS  # noqa: E402
from openimr.panel.registry import parse_registry  # noqa: E402
from openimr.panel.screening import CaseProfile, Screener  # noqa: E402
from openimr.panel.synthetic import generate  # noqa: E402
from openimr.rules.assignment_policy import assignment_policy  # noqa: E402

START = date(2026, 1, 5)  # a Monday
P_DECLINE, P_RECUSAL, P_MISSED = 0.04, 0.01, 0.01


def add_absences(doc: dict[str, object], rng: random.Random, days: int) -> None:
    """Two leave blocks of 5-10 working days and three single days per reviewer; licences in
    force are renewed past the year (a real panel renews them; lapses stay lapsed)."""
    for rev in doc["reviewers"]:  # type: ignore[attr-defined]
        for lic in rev["licenses"]:
            if date.fromisoformat(lic["expires"]) >= START:
                lic["expires"] = (START + timedelta(days=rng.randint(400, 1200))).isoformat()
        periods = []
        for _ in range(2):
            start = START + timedelta(days=rng.randrange(days))
            periods.append((start, start + timedelta(days=rng.randint(7, 14))))
        for _ in range(3):
            one = START + timedelta(days=rng.randrange(days))
            periods.append((one, one))
        rev["unavailable"] = [{"from": a.isoformat(), "to": b.isoformat()} for a, b in periods]
        rev["capacity"] = rng.randint(4, 12)


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def hours(values: list[float]) -> str:
    if not values:
        return "none"
    return (
        f"median {percentile(values, 50):.2f} h, p90 {percentile(values, 90):.2f} h, "
        f"p99 {percentile(values, 99):.2f} h, max {max(values):.2f} h (n={len(values)})"
    )


class Simulation:
    def __init__(self, days: int, per_day: int, n_reviewers: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.days = days
        working = [START + timedelta(days=d) for d in range(days)]
        working = [d for d in working if d.weekday() < 5]
        counts = [max(0, round(self.rng.gauss(per_day, per_day**0.5))) for _ in working]
        total = sum(counts)
        revs, cases = generate(total, n_reviewers, seed=seed, lapse_rate=0.03, as_of=START)
        add_absences(revs, self.rng, 365)  # spread over a year, whatever the run length
        for c in cases["cases"]:
            c["priority"] = "expedited" if self.rng.random() < 0.10 else "standard"
            c.pop("due", None)
        self.registry = parse_registry(revs)
        _, self.profiles = parse_cases(cases)
        self.reviewers = self.registry.reviewers
        self.cap = {r.reviewer_id: r.capacity_per_week for r in self.reviewers}
        # arrivals: (time, case index)
        self.arrival: dict[int, datetime] = {}
        index = 0
        for day, n in zip(working, counts, strict=True):
            for _ in range(n):
                minute = self.rng.randrange(8 * 60, 18 * 60)
                self.arrival[index] = datetime.combine(day, datetime.min.time()) + timedelta(
                    minutes=minute
                )
                index += 1
        self.waiting: dict[int, datetime] = {}  # case -> since when
        self.excluded: dict[int, set[str]] = defaultdict(set)
        self.week = START
        self.week_count: Counter[str] = Counter()
        self.given_on: dict[int, date] = {}
        self.history: list[tuple[date, str]] = []
        self.first_wait: list[tuple[bool, float]] = []  # (expedited, hours)
        self.rewait: list[float] = []
        self.released_at: dict[int, datetime] = {}
        self.releases: Counter[str] = Counter()
        self.events: list[tuple[datetime, int, str, int, str]] = []  # heap
        self.seq = 0
        self.assigned_once: set[int] = set()
        self.holder: dict[int, str] = {}
        self.last_reason: dict[int, str] = {}
        self.offered: dict[str, int] = defaultdict(int)
        self.given: Counter[str] = Counter()
        self.released_from: Counter[str] = Counter()  # cases taken back: not carried to the end
        self.pass_seconds: list[float] = []
        self._screener: tuple[date, Screener] | None = None
        self._share: tuple[date, dict[str, float]] | None = None
        self.window = assignment_policy().turnaround_on(START).expedited_days

    # -- the panel on a day ---------------------------------------------------------------
    def screener(self, day: date) -> Screener:
        if self._screener is None or self._screener[0] != day:
            capacity = {r.reviewer_id: week_capacity(r, day) for r in self.reviewers}
            s = Screener(
                self.reviewers,
                day,
                relations=self.registry.relations,
                week_capacity=capacity,
                expedited_window_days=self.window,
            )
            self._screener = (day, s)
        return self._screener[1]

    def held_this_week(self, day: date) -> dict[str, int]:
        """Cases each reviewer was given this week and still holds (kept up as they change)."""
        monday = week_start(day)
        if monday != self.week:
            self.week, self.week_count = monday, Counter()
        return self.week_count

    def share(self, day: date) -> dict[str, float]:
        """Share of the last 12 weeks' work, as of the start of `day` (computed once a day)."""
        if self._share is None or self._share[0] != day:
            since = day - timedelta(weeks=HISTORY_WEEKS)
            self.history = [(on, rid) for on, rid in self.history if on >= since]
            counts: Counter[str] = Counter(rid for _, rid in self.history)
            shares = {
                rid: counts[rid] / max(cap * HISTORY_WEEKS, 1) for rid, cap in self.cap.items()
            }
            self._share = (day, shares)
        return self._share[1]

    # -- one pass ---------------------------------------------------------------------------
    def run_pass(self, now: datetime, cases: list[int]) -> None:
        if not cases:
            return
        started = time.perf_counter()
        day = now.date()
        screener = self.screener(day)
        screener.open_cases = self.held_this_week(day)
        profiles: list[CaseProfile] = []
        for c in cases:
            p = self.profiles[c]
            if self.excluded.get(c):
                p = dataclasses.replace(
                    p, excluded_reviewers=p.excluded_reviewers | frozenset(self.excluded[c])
                )
            profiles.append(p)
        result = assign(screener, profiles, history=self.share(day))
        for c, a in zip(cases, result, strict=True):
            if a.reviewer_id is None:
                self.last_reason[c] = a.reasons[0]
                continue
            self.give(now, c, a.reviewer_id)
        self.pass_seconds.append(time.perf_counter() - started)

    def give(self, now: datetime, c: int, rid: str) -> None:
        since = self.waiting.pop(c)
        waited = (now - since).total_seconds() / 3600
        if c in self.assigned_once:
            self.rewait.append(waited)
        else:
            expedited = self.profiles[c].priority is Priority.EXPEDITED
            self.first_wait.append((expedited, waited))
            self.assigned_once.add(c)
        self.holder[c] = rid
        self.given_on[c] = now.date()
        self.held_this_week(now.date())[rid] += 1
        self.history.append((now.date(), rid))
        self.given[rid] += 1
        self.last_reason.pop(c, None)
        roll = self.rng.random()
        expedited = self.profiles[c].priority is Priority.EXPEDITED
        if roll < P_DECLINE:
            self.push(now + timedelta(hours=self.rng.uniform(1, 8)), c, "decline", rid)
        elif roll < P_DECLINE + P_RECUSAL:
            self.push(now + timedelta(hours=self.rng.uniform(1, 48)), c, "recusal", rid)
        elif roll < P_DECLINE + P_RECUSAL + P_MISSED:
            rule = assignment_policy().turnaround_on(now.date())
            assert rule is not None  # ca_dwc sets an internal deadline
            records = timedelta(days=1 if expedited else 5)
            due = rule.expedited_days if expedited else rule.standard_days
            self.push(now + records + timedelta(days=due + 1), c, "missed_deadline", rid)

    def push(self, at: datetime, c: int, kind: str, rid: str) -> None:
        self.seq += 1
        heapq.heappush(self.events, (at, self.seq, kind, c, rid))

    def release(self, now: datetime, c: int, kind: str, rid: str) -> None:
        if self.holder.get(c) != rid:
            return
        del self.holder[c]
        self.excluded[c].add(rid)
        if week_start(self.given_on[c]) == self.week:
            self.week_count[rid] -= 1
        self.releases[kind] += 1
        self.released_from[rid] += 1
        self.waiting[c] = now

    # -- the year -------------------------------------------------------------------------
    def run(self) -> None:
        order = sorted(self.arrival, key=lambda c: self.arrival[c])
        end = datetime.combine(START + timedelta(days=self.days), datetime.min.time())
        now = datetime.combine(START, datetime.min.time())
        next_arrival = 0
        while now < end:
            if now.weekday() == 0 and now.hour == 0 and now.minute == 0:
                for r in self.reviewers:  # the capacity each reviewer offers this week
                    self.offered[r.reviewer_id] += week_capacity(r, now.date())
            step = timedelta(minutes=15) if 8 <= now.hour < 18 else timedelta(hours=1)
            horizon = now + step
            while next_arrival < len(order) and self.arrival[order[next_arrival]] < horizon:
                c = order[next_arrival]
                at = self.arrival[c]
                self.drain(at)
                self.waiting[c] = at
                if self.profiles[c].priority is Priority.EXPEDITED:
                    self.run_pass(at, [c])  # expedited: at once
                next_arrival += 1
            self.drain(horizon)
            now = horizon
            if now < end:
                self.run_pass(now, sorted(self.waiting, key=lambda c: self.waiting[c]))

    def drain(self, until: datetime) -> None:
        while self.events and self.events[0][0] < until:
            at, _, kind, c, rid = heapq.heappop(self.events)
            self.release(at, c, kind, rid)


def why(reason: str) -> str:
    """A waiting reason in a few words, for counting."""
    if "at capacity" in reason:
        return "every reviewer who may take it is at this week's capacity"
    parts = reason.split(": ", 1)[-1]
    return parts.split(" reviewer(s), ", 1)[-1][:160]


def spread(values: list[float]) -> str:
    if len(values) < 2:
        return "n<2"
    arr = np.array(values)
    mean = float(arr.mean())
    if mean == 0:
        return f"no case given to any of them (n={len(arr)}): better-fitting reviewers had room"
    cv = float(arr.std() / mean) if mean else float("nan")
    sorted_arr = np.sort(arr)
    n = len(arr)
    gini = float((2 * np.arange(1, n + 1) - n - 1).dot(sorted_arr) / (n * sorted_arr.sum()))
    return (
        f"mean {mean:.3f}, CV {cv:.3f}, Gini {gini:.3f}, p10 {np.percentile(arr, 10):.3f}, "
        f"median {np.median(arr):.3f}, p90 {np.percentile(arr, 90):.3f}, "
        f"min {arr.min():.3f}, max {arr.max():.3f} (n={n})"
    )


def report(sim: Simulation, seconds: float) -> None:
    standard = [h for e, h in sim.first_wait if not e]
    expedited = [h for e, h in sim.first_wait if e]
    arrived = len(sim.arrival)
    print(
        f"simulated: {sim.days} days from {START.isoformat()}, {arrived} cases arrived "
        f"({sum(1 for p in sim.profiles if p.priority is Priority.EXPEDITED)} expedited), "
        f"{len(sim.reviewers)} reviewers; {len(sim.pass_seconds)} assignment passes, "
        f"{statistics.mean(sim.pass_seconds) * 1000:.1f} ms mean, "
        f"{max(sim.pass_seconds) * 1000:.0f} ms max; {seconds:.0f} s in all"
    )
    print(f"time to first assignment, standard: {hours(standard)}")
    print(f"time to first assignment, expedited: {hours(expedited)}")
    print(f"releases: {dict(sim.releases)}; time to the next reviewer: {hours(sim.rewait)}")
    never = [c for c in sim.waiting if c not in sim.assigned_once]
    print(
        f"waiting at the end: {len(sim.waiting)} ({len(never)} never assigned, "
        f"{len(sim.waiting) - len(never)} back after a release)"
    )
    reasons = Counter(why(sim.last_reason.get(c, "not yet tried")) for c in sim.waiting)
    for text, n in reasons.most_common(6):
        print(f"  {n:6d}  {text}")
    # Load counts the cases a reviewer kept: one declined, recused or taken off at a missed
    # deadline went back (and out of that week's count), so it used no capacity to the end.
    load = {
        rid: (sim.given[rid] - sim.released_from[rid]) / offered
        for rid, offered in sim.offered.items()
        if offered > 0
    }
    given = sum(sim.given.values())
    kept = given - sum(sim.released_from.values())
    print(
        f"load spread (cases kept / capacity offered; {kept} kept of {given} given, the rest "
        f"released), all: {spread(list(load.values()))}"
    )
    screener = sim.screener(START)
    by_class: dict[object, list[float]] = defaultdict(list)
    for rid, value in load.items():
        if not screener.findings[rid]:
            by_class[screener.specialty_key[rid]].append(value)
    ordered = sorted(by_class.items(), key=lambda kv: -len(kv[1]))
    for key, values in ordered[:6]:
        names = ", ".join(sorted(str(s) for s in key[0]))  # type: ignore[index]
        print(f"  within {names}: {spread(values)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--per-day", type=int, default=700)
    parser.add_argument("--reviewers", type=int, default=750)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    started = time.perf_counter()
    sim = Simulation(args.days, args.per_day, args.reviewers, args.seed)
    sim.run()
    report(sim, time.perf_counter() - started)


if __name__ == "__main__":
    main()
