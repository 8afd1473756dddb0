"""A batch as the assignment solver sees it: reviewer classes, case groups, sparse conflicts.

The rules cannot tell apart two qualified reviewers with the same specialties, boards and
licence states: every case fits them equally (panel/specialties.py) and the only things left
between them are capacity and conflicts. So reviewers are grouped into *classes* by
(specialty key, licence states that some case of the batch asks for); a case's fit is one
number per class, not per reviewer. Cases are grouped likewise: the same need, urgency,
licence requirement and set of blocked reviewers (conflicted, excluded by the case or
prior reviewers) make cases interchangeable.

Conflicts stay sparse: a case keeps the indices of the few eligible reviewers it may not
have, never a row over the whole panel. Sizes grow with cases + reviewers + conflicts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from numpy.typing import NDArray

from openimr.domain.vocabulary import Priority
from openimr.panel.licensure import LicenceNeed
from openimr.panel.screening import CaseProfile, Screener
from openimr.panel.specialties import Need, SpecialtyMatch

W_FIT = 1.0
W_LOAD = 0.25
W_EXPEDITED = 4.0
W_DUE = 2.0
DUE_HORIZON_DAYS = 60
SCALE = 1_000_000  # costs are integers for the flow solver: one unit is 1e-6


def urgency(profile: CaseProfile, as_of: date) -> float:
    """Expedited first, then nearer due dates (8 CCR 9792.10.6 decision clocks)."""
    value = W_EXPEDITED if profile.priority is Priority.EXPEDITED else 0.0
    if profile.due is not None:
        days = min(max((profile.due - as_of).days, 0), DUE_HORIZON_DAYS)
        value += W_DUE * (1.0 - days / DUE_HORIZON_DAYS)
    return value


def assign_units(fit: float) -> int:
    """Cost of giving a case a reviewer of this fit: 1 + W_FIT·(1 - fit), in units."""
    return round(SCALE * (1.0 + W_FIT * (1.0 - fit)))


def slot_units(held: int, slot: int, denominator: int) -> int:
    """Cost of a reviewer's next case: W_LOAD · utilisation after it, in units.

    `held` cases this week already, `slot` more in this batch, out of `denominator` (the week's
    capacity). Rising with utilisation, it spreads load over equally fit reviewers.
    """
    return round(SCALE * W_LOAD * (held + slot + 1) / max(denominator, 1))


def unassigned_units(n_cases: int, urgency_value: float) -> int:
    """Leaving a case out costs more than any rearrangement of the others can save."""
    big = n_cases * (1.0 + W_FIT + W_LOAD + W_EXPEDITED + W_DUE) + 10.0
    return round(SCALE * (big + urgency_value))


@dataclass
class ReviewerClass:
    key: tuple[object, ...]
    members: NDArray[np.int64]  # reviewer indices, in panel order
    states: frozenset[str]  # valid licence states among those some case asks for
    ready: bool = True  # at hand for the expedited window (always, when nobody is away)


@dataclass
class CaseGroup:
    """Interchangeable cases: same need, urgency, licence need and blocked reviewers."""

    need: int
    urgency: float
    licence: LicenceNeed | None
    expedited: bool
    blocked: tuple[int, ...]  # sorted; only reviewers of classes the group may go to
    cases: list[int] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.cases)


class BatchPlan:
    """The tables one batch needs: who is eligible, in which class, which case fits where."""

    def __init__(
        self,
        screener: Screener,
        profiles: Sequence[CaseProfile],
        *,
        history: dict[str, float] | None = None,
    ) -> None:
        self.screener = screener
        self.profiles = list(profiles)
        self.as_of = screener.as_of
        self.ids = [r.reviewer_id for r in screener.reviewers]
        self.index = {rid: i for i, rid in enumerate(self.ids)}
        n_rev = len(self.ids)
        findings = screener.findings
        held, room = screener.loads()
        self.held = held
        self.denominator = held + room  # the week's capacity (or what is held, if more)
        qualified = np.array([not findings[rid] for rid in self.ids], dtype=bool)
        self.cap = np.where(qualified, room, 0)
        # Long-run share of work (cases given / capacity offered): breaks ties between
        # reviewers whose next case costs the same, so the spread stays even over weeks.
        shares = history or {}
        self.history = np.array([shares.get(rid, 0.0) for rid in self.ids], dtype=float)
        self.unqualified_count = sum(1 for rid in self.ids if findings[rid])
        eligible = [i for i in range(n_rev) if self.cap[i] > 0]
        self.eligible = np.zeros(n_rev, dtype=bool)
        self.eligible[eligible] = True
        self.full_count = n_rev - self.unqualified_count - len(eligible)

        # Case side first: the licence states the batch asks for shape the reviewer classes.
        self.needs: list[Need] = []
        need_number: dict[Need, int] = {}
        self.nid: list[int] = []
        for p in self.profiles:
            need = screener.need(p)
            if need not in need_number:
                need_number[need] = len(self.needs)
                self.needs.append(need)
            self.nid.append(need_number[need])
        asked: set[str] = set()
        for p in self.profiles:
            if p.licence is not None and p.licence.states is not None:
                asked |= p.licence.states

        track_ready = screener.expedited_window_days > 0 and any(
            p.priority is Priority.EXPEDITED for p in self.profiles
        )
        SpecialtyKey = tuple[frozenset[str], frozenset[str], bool]
        by_key: dict[tuple[SpecialtyKey, frozenset[str], bool], list[int]] = defaultdict(list)
        for i in eligible:
            rid = self.ids[i]
            states = screener.licence_states(rid) & asked
            ready = screener.ready_for_expedited(rid) if track_ready else True
            by_key[(screener.specialty_key[rid], states, ready)].append(i)
        self.classes = [
            ReviewerClass(key, np.array(members, dtype=np.int64), key[1], key[2])
            for key, members in by_key.items()
        ]
        self.class_of = np.full(n_rev, -1, dtype=np.int64)
        for k, cls in enumerate(self.classes):
            self.class_of[cls.members] = k
        self.class_cap = np.array([int(self.cap[c.members].sum()) for c in self.classes])

        # Per need: the classes whose specialty is acceptable, with the match behind the fit.
        self.need_matches: list[dict[int, SpecialtyMatch]] = []
        for need in self.needs:
            found: dict[int, SpecialtyMatch] = {}
            for k, cls in enumerate(self.classes):
                rid = self.ids[int(cls.members[0])]
                match = screener.match(rid, need)
                if match is not None:
                    found[k] = match
            self.need_matches.append(found)

        self._compatible_cache: dict[
            tuple[int, LicenceNeed | None, bool], list[tuple[int, SpecialtyMatch, int]]
        ] = {}
        self.blocked: list[tuple[int, ...]] = []
        self.urgency: list[float] = []
        groups: dict[tuple[int, float, LicenceNeed | None, tuple[int, ...]], CaseGroup] = {}
        for c, p in enumerate(self.profiles):
            expedited = p.priority is Priority.EXPEDITED
            compatible = self._base(self.nid[c], p.licence, expedited)
            blocked = self._blocked(p, {k for k, _, _ in compatible})
            value = urgency(p, self.as_of)
            self.blocked.append(blocked)
            self.urgency.append(value)
            group_key = (self.nid[c], value, p.licence, blocked)
            group = groups.get(group_key)
            if group is None:
                group = CaseGroup(self.nid[c], value, p.licence, expedited, blocked)
                groups[group_key] = group
            group.cases.append(c)
        self.groups = list(groups.values())

    def _blocked(self, p: CaseProfile, classes: set[int]) -> tuple[int, ...]:
        """Reviewers of `classes` this case may not have: conflicts, exclusions, prior reviewers."""
        out: set[int] = set()
        for rid in self.screener.conflicted_ids(p) | p.excluded_reviewers | p.prior_reviewer_ids:
            i = self.index.get(rid)
            if i is not None and int(self.class_of[i]) in classes:
                out.add(i)
        return tuple(sorted(out))

    def _base(
        self, need: int, licence: LicenceNeed | None, expedited: bool
    ) -> list[tuple[int, SpecialtyMatch, int]]:
        """(class, match, class capacity) of every class a need, licence and priority allow."""
        key = (need, licence, expedited)
        base = self._compatible_cache.get(key)
        if base is None:
            base = [
                (k, match, int(self.class_cap[k]))
                for k, match in self.need_matches[need].items()
                if self.allows(self.classes[k], licence, expedited)
            ]
            self._compatible_cache[key] = base
        return base

    @staticmethod
    def allows(cls: ReviewerClass, licence: LicenceNeed | None, expedited: bool) -> bool:
        """Whether a class's licences and availability suit a case (specialty aside)."""
        if licence is not None and not licence.allows(cls.states):
            return False
        return cls.ready or not expedited

    def compatible(self, group: CaseGroup) -> list[tuple[int, SpecialtyMatch, int]]:
        """(class, match, capacity the group may use there) for every class it may go to."""
        base = self._base(group.need, group.licence, group.expedited)
        if not group.blocked:
            return base
        taken: dict[int, int] = defaultdict(int)
        for i in group.blocked:
            taken[int(self.class_of[i])] += int(self.cap[i])
        return [(k, m, room - taken.get(k, 0)) for k, m, room in base if room > taken.get(k, 0)]

    # -- per case, for reasons and for checking -------------------------------------------
    def fit(self, c: int, i: int) -> SpecialtyMatch | None:
        """The match of reviewer i for case c, or None when i may not take c."""
        k = int(self.class_of[i])
        if k < 0 or i in self.blocked[c]:
            return None
        p = self.profiles[c]
        if not self.allows(self.classes[k], p.licence, p.priority is Priority.EXPEDITED):
            return None
        return self.need_matches[self.nid[c]].get(k)

    def feasible(self, c: int) -> list[int]:
        """Every reviewer who may take case c, best fit first (small batches and tests only)."""
        out: list[tuple[float, int]] = []
        for k, match in self.need_matches[self.nid[c]].items():
            for i in self.classes[k].members:
                if self.fit(c, int(i)) is not None:
                    out.append((-match.fit, int(i)))
        return [i for _, i in sorted(out)]

    def feasible_count(self, c: int) -> int:
        p = self.profiles[c]
        expedited = p.priority is Priority.EXPEDITED
        total = sum(
            len(self.classes[k].members)
            for k in self.need_matches[self.nid[c]]
            if self.allows(self.classes[k], p.licence, expedited)
        )
        return total - len(self.blocked[c])

    def cost(self, c: int, i: int, slot: int) -> int:
        """Units of giving case c the (slot+1)-th case of this batch of reviewer i."""
        match = self.fit(c, i)
        assert match is not None
        return assign_units(match.fit) + slot_units(
            int(self.held[i]), slot, int(self.denominator[i])
        )
