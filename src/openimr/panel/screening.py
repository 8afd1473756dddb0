"""Screening the panel for one case: who may review it, how well they fit, who is out and why.

One path decides for the CLI, the API, the web and the lifecycle's assignment step: the
`Screener` applies, in order, the case's own exclusions, prior involvement (a remand needs a
different reviewer), the qualification rules of the reviewer policy (LC 139.5), capacity, the
conflict graph (LC 139.5 affiliation list) and the specialty match ("same or similar
specialty"). Every exclusion keeps every reason that applies, each naming its rule and citation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from openimr.domain.case import Case
from openimr.domain.reviewer import ExpertReviewer
from openimr.domain.vocabulary import Priority
from openimr.evidence.normalise import normalise_item
from openimr.panel.availability import available_through
from openimr.panel.conflicts import ConflictIndex, ConflictPath, RelationGraph, case_node
from openimr.panel.licensure import LicenceNeed
from openimr.panel.model import PanelReviewer
from openimr.panel.qualification import Finding, qualification_findings
from openimr.panel.specialties import Need, SpecialtyMap, SpecialtyMatch, default_specialty_map
from openimr.rules.reviewer_policy import ReviewerPolicy, reviewer_policy


@dataclass(frozen=True)
class CaseProfile:
    """The panel's view of a case: what matters for choosing its reviewer."""

    case_id: str
    priority: Priority = Priority.STANDARD
    due: date | None = None
    condition: str = ""
    items: tuple[str, ...] = ()
    specialties: tuple[str, ...] | None = None  # acceptable specialties, when the case lists them
    parties: Mapping[str, str | None] = field(default_factory=dict)  # key -> role
    excluded_reviewers: frozenset[str] = frozenset()
    prior_reviewer_ids: frozenset[str] = frozenset()
    licence: LicenceNeed | None = None  # where the reviewer must be licensed (jurisdiction)

    @classmethod
    def of(
        cls, case: Case, *, prior_reviewer_ids: frozenset[str] | set[str] = frozenset()
    ) -> CaseProfile:
        return cls(
            case_id=case.case_number,
            priority=case.priority,
            condition=case.condition,
            items=tuple(i.description for i in case.items),
            parties={p.key: p.role for p in case.parties},
            prior_reviewer_ids=frozenset(prior_reviewer_ids),
        )


@dataclass(frozen=True)
class Candidate:
    """A reviewer who may take the case, with its matched specialty and fit in 0..1."""

    reviewer_id: str
    specialty: str
    specialty_id: str
    level: str  # same | similar
    fit: float
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Exclusion:
    """A reviewer who may not take the case; `rules` are policy keys, `reasons` sentences."""

    reviewer_id: str
    rules: tuple[str, ...]
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Screening:
    case_id: str
    as_of: date
    need: str  # what the case asks of the reviewer's specialty, in words
    candidates: list[Candidate]  # best fit first
    excluded: list[Exclusion]

    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    def to_dict(self) -> dict[str, object]:
        return {
            "case_id": self.case_id,
            "as_of": self.as_of.isoformat(),
            "need": self.need,
            "candidates": [
                {
                    "reviewer_id": c.reviewer_id,
                    "specialty": c.specialty,
                    "level": c.level,
                    "fit": c.fit,
                    "reasons": list(c.reasons),
                }
                for c in self.candidates
            ],
            "excluded": [
                {"reviewer_id": e.reviewer_id, "rules": list(e.rules), "reasons": list(e.reasons)}
                for e in self.excluded
            ],
        }


@lru_cache(maxsize=20_000)
def item_category(description: str) -> tuple[str | None, tuple[str, ...]]:
    """The evidence vocabulary's category and body regions of a disputed item."""
    item = normalise_item(description)
    return (item.category if item.known else None), item.body_regions


class Screener:
    """The panel prepared for one date: qualification and the conflict graph computed once."""

    def __init__(
        self,
        reviewers: Sequence[ExpertReviewer],
        as_of: date,
        *,
        policy: ReviewerPolicy | None = None,
        relations: RelationGraph | None = None,
        specialties: SpecialtyMap | None = None,
        open_cases: Mapping[str, int] | None = None,
        week_capacity: Mapping[str, int] | None = None,
        expedited_window_days: int = 0,
    ) -> None:
        self.reviewers = list(reviewers)
        # This week's capacity where it differs from the record's (absences prorate it).
        self.week_capacity = dict(week_capacity or {})
        self._states: dict[str, frozenset[str]] = {}
        # An expedited case goes only to a reviewer not away in the next this many days.
        self.expedited_window_days = expedited_window_days
        self._ready: dict[str, bool] = {}
        self._static: NDArray[np.int64] | None = None
        self.as_of = as_of
        self.policy = policy or reviewer_policy(as_of)
        self.specialties = specialties or default_specialty_map()
        self.open_cases = dict(open_cases or {})
        self.by_id = {r.reviewer_id: r for r in self.reviewers}
        rules = self.policy.rules
        self.conflict_index = ConflictIndex(
            self.reviewers,
            relations,
            kinds=rules.conflicts.relation_kinds,
            max_hops=rules.conflicts.max_hops,
        )
        self.findings: dict[str, list[Finding]] = {
            r.reviewer_id: qualification_findings(r, as_of, self.policy) for r in self.reviewers
        }
        board_profs = set(rules.board_certification.professions)
        # Per reviewer: (specialty ids, valid board ids, needs a board) -> the match-cache key.
        self.specialty_key: dict[str, tuple[frozenset[str], frozenset[str], bool]] = {}
        for r in self.reviewers:
            sids = frozenset(self.specialties.resolve_any(x) for x in r.specialties)
            boards = frozenset(
                self.specialties.resolve_any(b.board)
                for b in r.board_certifications
                if b.is_valid_on(as_of)
            )
            # Board certification also counts as a specialty the reviewer practises.
            self.specialty_key[r.reviewer_id] = (sids | boards, boards, r.profession in board_profs)
        self._match_cache: dict[tuple[object, ...], SpecialtyMatch | None] = {}
        self._need_cache: dict[tuple[object, ...], Need] = {}
        self._summary_cache: dict[str, str] = {}

    # -- pieces shared with the batch assignment ---------------------------------------
    def capacity(self, reviewer_id: str) -> int:
        """Cases the reviewer may still take this week."""
        reviewer = self.by_id[reviewer_id]
        week = self.week_capacity.get(reviewer_id, reviewer.capacity_per_week)
        return max(0, week - self.held(reviewer_id))

    def held(self, reviewer_id: str) -> int:
        """Cases the reviewer already holds this week (the record's and the caller's count)."""
        reviewer = self.by_id[reviewer_id]
        own = reviewer.open_cases if isinstance(reviewer, PanelReviewer) else 0
        return own + self.open_cases.get(reviewer_id, 0)

    def loads(self) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """(held, capacity left) of every reviewer in panel order, as arrays (batch use)."""
        if self._static is None:
            own = [r.open_cases if isinstance(r, PanelReviewer) else 0 for r in self.reviewers]
            self._static = np.array(own, dtype=np.int64)
        extra = self.open_cases
        held = self._static + np.array(
            [extra.get(r.reviewer_id, 0) for r in self.reviewers], dtype=np.int64
        )
        weekly = self.week_capacity
        week = np.array(
            [weekly.get(r.reviewer_id, r.capacity_per_week) for r in self.reviewers],
            dtype=np.int64,
        )
        return held, np.maximum(week - held, 0)

    def ready_for_expedited(self, reviewer_id: str) -> bool:
        """Not away within the expedited window from the screening date."""
        ready = self._ready.get(reviewer_id)
        if ready is None:
            days = self.expedited_window_days
            ready = days <= 0 or available_through(self.by_id[reviewer_id], self.as_of, days)
            self._ready[reviewer_id] = ready
        return ready

    def licence_states(self, reviewer_id: str) -> frozenset[str]:
        """The states of the reviewer's licences valid on the screening date."""
        states = self._states.get(reviewer_id)
        if states is None:
            reviewer = self.by_id[reviewer_id]
            states = frozenset(x.state.upper() for x in reviewer.valid_licenses(self.as_of))
            self._states[reviewer_id] = states
        return states

    def need(self, profile: CaseProfile) -> Need:
        key = (profile.condition, profile.items, profile.specialties)
        need = self._need_cache.get(key)
        if need is None:
            explicit = None
            if profile.specialties:
                explicit = [self.specialties.resolve_any(s) for s in profile.specialties]
            placed = [(d, *item_category(d)) for d in profile.items]
            regions = tuple(r for _, _, rs in placed for r in rs)
            need = self.specialties.need(
                profile.condition, [(d, c) for d, c, _ in placed], explicit, regions
            )
            self._need_cache[key] = need
        return need

    def match(self, reviewer_id: str, need: Need) -> SpecialtyMatch | None:
        sids, boards, needs_board = self.specialty_key[reviewer_id]
        key = (sids, boards, needs_board, need)
        if key not in self._match_cache:
            self._match_cache[key] = self.specialties.match(sids, boards, needs_board, need)
        return self._match_cache[key]

    def conflicts(self, profile: CaseProfile) -> dict[str, ConflictPath]:
        parties: dict[str, str | None] = dict(profile.parties)
        parties.setdefault(case_node(profile.case_id), "case")
        return self.conflict_index.conflicts(parties)

    def conflicted_ids(self, profile: CaseProfile) -> set[str]:
        parties: dict[str, str | None] = dict(profile.parties)
        parties.setdefault(case_node(profile.case_id), "case")
        return self.conflict_index.conflicted_ids(parties)

    def qualification_summary(self, reviewer_id: str) -> str:
        """Why a qualified reviewer is qualified, in the FDL template's terms."""
        text = self._summary_cache.get(reviewer_id)
        if text is None:
            r = self.by_id[reviewer_id]
            rules = self.policy.rules
            lic = ", ".join(
                f"{x.state} to {x.expires_on.isoformat()}" for x in r.valid_licenses(self.as_of)
            )
            boards = ", ".join(b.board for b in r.board_certifications if b.is_valid_on(self.as_of))
            text = (
                f"qualified: {r.profession}, {r.years_active_practice:g} years active practice "
                f"({rules.min_years_active_practice.describe()}), {r.hours_per_week:g} h/week "
                f"({rules.min_hours_per_week.describe()}), licence {lic}"
                + (f", board certified {boards}" if boards else "")
                + " (LC 139.5; policy reviewer_policy.yaml)"
            )
            self._summary_cache[reviewer_id] = text
        return text

    def conflict_free_reason(self, profile: CaseProfile) -> str:
        hops = self.policy.rules.conflicts.max_hops
        return (
            f"no affiliation with any of the {len(profile.parties)} parties within {hops} "
            f"relations, no prior involvement ({self.policy.rules.conflicts.citation})"
        )

    # -- one case, every reviewer ---------------------------------------------------------
    def screen(self, profile: CaseProfile) -> Screening:
        """Every reviewer of the panel either a candidate (ranked) or excluded with reasons."""
        need = self.need(profile)
        conflicts = self.conflicts(profile)
        candidates: list[Candidate] = []
        excluded: list[Exclusion] = []
        free_reason = self.conflict_free_reason(profile)
        for r in self.reviewers:
            rid = r.reviewer_id
            rules: list[str] = []
            reasons: list[str] = []
            if rid in profile.excluded_reviewers:
                rules.append("excluded_by_case")
                reasons.append(
                    "listed in the case's excluded_reviewers "
                    f"({self.policy.rules.case_exclusion.citation})"
                )
            if rid in profile.prior_reviewer_ids:
                rules.append("prior_involvement")
                citation = self.policy.rules.prior_involvement.citation
                reasons.append(
                    f"reviewed this case before ({citation}; policy reviewer_policy.yaml: "
                    "prior_involvement)"
                )
            for finding in self.findings[rid]:
                rules.append(finding.rule)
                reasons.append(finding.reason)
            licence = profile.licence
            if licence is not None and not licence.allows(self.licence_states(rid)):
                held = ", ".join(sorted(self.licence_states(rid))) or "none valid"
                rules.append("licence_jurisdiction")
                reasons.append(f"licensed in {held}, not where the case requires: {licence.rule}")
            if profile.priority is Priority.EXPEDITED and not self.ready_for_expedited(rid):
                rules.append("availability")
                reasons.append(
                    f"away within {self.expedited_window_days} days: an expedited case needs "
                    "its reviewer at hand until it is decided"
                )
            if self.capacity(rid) <= 0:
                rules.append("capacity")
                reasons.append(f"no capacity left this week (capacity {r.capacity_per_week})")
            path = conflicts.get(rid)
            if path is not None:
                rules.append("conflict" if path.category[0] != 0 else "prior_involvement")
                reasons.append(path.reason(self.policy.rules.prior_involvement.citation))
            match = self.match(rid, need)
            if match is None:
                rules.append("specialty_match")
                names = ", ".join(r.specialties) or "none on file"
                reasons.append(
                    f"specialty ({names}) is neither the same as nor similar to those that "
                    f"evaluate or treat: {need.describe(self.specialties)} "
                    f"({self.policy.rules.specialty_match.citation})"
                )
            if rules:
                excluded.append(Exclusion(rid, tuple(rules), tuple(reasons)))
                continue
            assert match is not None
            candidates.append(
                Candidate(
                    rid,
                    match.specialty,
                    match.specialty_id,
                    match.level,
                    match.fit,
                    (match.reason(), self.qualification_summary(rid), free_reason),
                )
            )
        candidates.sort(key=lambda c: (-c.fit, -self.capacity(c.reviewer_id), c.reviewer_id))
        return Screening(
            profile.case_id, self.as_of, need.describe(self.specialties), candidates, excluded
        )


def screen_reviewers(
    case: Case,
    reviewers: Sequence[ExpertReviewer],
    as_of: date,
    *,
    policy: ReviewerPolicy | None = None,
    relations: RelationGraph | None = None,
    prior_reviewer_ids: set[str] | frozenset[str] = frozenset(),
    open_cases: Mapping[str, int] | None = None,
    specialties: SpecialtyMap | None = None,
) -> Screening:
    """Screen the panel for one case (LC 139.5; 8 CCR 9792.10.6(b)(1)).

    Conflicts are checked against every party of the case (`Party.key`), through `relations`
    when given, and against the case itself (prior involvement); `prior_reviewer_ids` are
    reviewers who decided this case before (a remand goes to a different reviewer).
    `open_cases` counts each reviewer's cases this week against its capacity.
    """
    screener = Screener(
        reviewers,
        as_of,
        policy=policy or reviewer_policy(as_of, case.jurisdiction),
        relations=relations,
        specialties=specialties,
        open_cases=open_cases,
    )
    return screener.screen(CaseProfile.of(case, prior_reviewer_ids=prior_reviewer_ids))
