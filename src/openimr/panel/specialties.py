"""Specialty matching as data: which specialties evaluate or treat a condition or a service.

The vocabulary and the "same"/"similar" map live in `panel/data/specialties.yaml` (NUCC
taxonomy codes transcribed as facts; intervention categories are the ids of
`evidence/data/categories.yaml`). LC 139.5 and the FDL template ask for a reviewer whose
training lies in "the same or a similar specialty that evaluates or treats the condition and the
disputed services"; this module turns that sentence into a fit score in 0..1:

    fit = Σ weight_i · level(specialty, requirement_i) / Σ weight_i   (× board factor)

with one requirement per disputed item (weight 1) and one for the condition (weight
`condition_weight`); `level` is 1.0 for "same", 0.7 for "similar", 0 otherwise (values in the
data file). A specialty is acceptable when it is same or similar for at least one disputed item
(or, when no item can be placed, for the condition). When the case lists its acceptable
specialties explicitly (the `panel assign` contract), only those are acceptable and earlier ones
fit slightly better.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from openimr.datafile import StrictModel, dotted_path, load_model
from openimr.domain.errors import InvalidInput

DATA_PATH = Path(__file__).parent / "data" / "specialties.yaml"
Level = Literal["same", "similar"]


class Specialty(StrictModel):
    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    name: str
    nucc: str = Field(pattern=r"^[0-9]{3}[0-9A-Z]{6}X$")  # NUCC taxonomy code shape
    professions: list[str]
    aliases: list[str] = Field(default_factory=list)


class LevelEntry(StrictModel):
    same: list[str]
    similar: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _disjoint(self) -> LevelEntry:
        both = set(self.same) & set(self.similar)
        if both:
            raise ValueError(f"specialties listed both same and similar: {sorted(both)}")
        return self


class CategoryEntry(LevelEntry):
    match: str = Field(pattern=r"^[a-z-]+/([a-z0-9-]+|\*)$")


class ConditionEntry(LevelEntry):
    id: str
    keywords: list[str] = Field(min_length=1)
    regions: list[str] = Field(default_factory=list)  # body-region ids of the evidence vocabulary


class SpecialtyData(StrictModel):
    version: int
    effective_from: date
    source: str
    levels: dict[Level, float]
    condition_weight: float = Field(gt=0, le=1)
    not_board_certified_in_specialty_factor: float = Field(gt=0, le=1)
    specialties: list[Specialty]
    categories: list[CategoryEntry]
    conditions: list[ConditionEntry]
    fallback: LevelEntry

    @model_validator(mode="after")
    def _references(self) -> SpecialtyData:
        ids = [s.id for s in self.specialties]
        if len(ids) != len(set(ids)):
            raise ValueError("duplicate specialty id")
        known = set(ids)
        entries: list[tuple[str, LevelEntry]] = [
            *((f"categories[{c.match}]", c) for c in self.categories),
            *((f"conditions[{c.id}]", c) for c in self.conditions),
            ("fallback", self.fallback),
        ]
        for where, entry in entries:
            unknown = sorted(set(entry.same + entry.similar) - known)
            if unknown:
                raise ValueError(f"{where}: unknown specialty ids {unknown}")
        return self


@dataclass(frozen=True)
class Requirement:
    """One thing the reviewer must know: a disputed item's category or the condition."""

    label: str  # "item 1 (imaging/mri)" or "condition (spine)"
    kind: Literal["item", "condition", "fallback"]
    weight: float
    levels: tuple[tuple[str, Level], ...]  # (specialty id, level)

    def level_of(self, specialty_id: str) -> Level | None:
        for sid, level in self.levels:
            if sid == specialty_id:
                return level
        return None


@dataclass(frozen=True)
class Need:
    """What a case asks of a reviewer's specialty; hashable so batches can group cases."""

    explicit: tuple[str, ...] | None  # acceptable specialty ids, in preference order
    requirements: tuple[Requirement, ...] = ()

    def describe(self, vocabulary: SpecialtyMap) -> str:
        if self.explicit is not None:
            return "case lists " + ", ".join(vocabulary.name(s) for s in self.explicit)
        return "; ".join(r.label for r in self.requirements)


@dataclass(frozen=True)
class SpecialtyMatch:
    specialty_id: str
    specialty: str  # display name
    nucc: str | None  # None for a specialty outside the vocabulary, matched by name only
    level: Level
    fit: float
    covered: tuple[tuple[str, Level], ...]  # (requirement label, level)
    uncovered: tuple[str, ...]
    board_certified: bool

    def reason(self) -> str:
        if self.covered:
            parts = ", ".join(f"{level} for {label}" for label, level in self.covered)
        else:
            parts = "listed by the case"
        code = f"NUCC {self.nucc}" if self.nucc else "not in the NUCC vocabulary"
        text = f"{self.specialty} ({code}): {parts}; fit {self.fit:.2f}"
        if self.uncovered:
            text += f"; not its field: {', '.join(self.uncovered)}"
        return text


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9&]+", " ", text.lower()).strip()


class SpecialtyMap:
    """The loaded vocabulary and matching table."""

    def __init__(self, data: SpecialtyData) -> None:
        self.data = data
        self._by_id = {s.id: s for s in data.specialties}
        self._by_key: dict[str, str] = {}
        for s in data.specialties:
            for text in (s.id, s.name, s.nucc, *s.aliases):
                self._by_key[_key(text)] = s.id
        self._categories = {c.match: c for c in data.categories}
        # Specialties outside the vocabulary, kept by exact (normalised) name: "x-<key>" -> name.
        self._adhoc: dict[str, str] = {}

    # -- vocabulary ----------------------------------------------------
    def resolve(self, text: str) -> str | None:
        """The specialty id for a name, alias, id or NUCC code; None when unknown."""
        return self._by_key.get(_key(text))

    def resolve_any(self, text: str) -> str:
        """The vocabulary id, or an ad-hoc id that matches only the same name."""
        sid = self.resolve(text)
        if sid is None:
            sid = "x-" + re.sub(r"[^a-z0-9]+", "-", _key(text)).strip("-")
            self._adhoc.setdefault(sid, text.strip())
        return sid

    def is_known(self, text: str) -> bool:
        return self.resolve(text) is not None

    def professions(self, specialty_id: str) -> list[str]:
        """The degrees that practise a vocabulary specialty (empty when outside it)."""
        spec = self._by_id.get(specialty_id)
        return list(spec.professions) if spec else []

    def require(self, text: str, *, field: str) -> str:
        sid = self.resolve(text)
        if sid is None:
            raise InvalidInput(
                f"{field}: unknown specialty {text!r} (use a name, alias or NUCC code of "
                f"panel/data/specialties.yaml)",
                field=field,
            )
        return sid

    def name(self, specialty_id: str) -> str:
        spec = self._by_id.get(specialty_id)
        return spec.name if spec else self._adhoc.get(specialty_id, specialty_id)

    def nucc(self, specialty_id: str) -> str | None:
        spec = self._by_id.get(specialty_id)
        return spec.nucc if spec else None

    # -- needs ---------------------------------------------------------
    def category_entry(self, category: str) -> LevelEntry | None:
        """The entry for a category id: its own, else its group's ("medication/*")."""
        entry = self._categories.get(category)
        if entry is None and "/" in category:
            entry = self._categories.get(category.split("/", 1)[0] + "/*")
        return entry

    def condition_entry(
        self, condition: str, regions: tuple[str, ...] = ()
    ) -> ConditionEntry | None:
        """The condition group named by the condition text, else by the items' body regions."""
        text = f" {_key(condition)} "
        for entry in self.data.conditions:
            if any(f" {_key(k)}" in text for k in entry.keywords):
                return entry
        for region in regions:
            for entry in self.data.conditions:
                if region in entry.regions:
                    return entry
        return None

    def need(
        self,
        condition: str,
        items: list[tuple[str, str | None]],
        explicit: list[str] | None = None,
        regions: tuple[str, ...] = (),
    ) -> Need:
        """What the case asks for; `items` are (description, category id or None).

        `regions` are the body regions the items name, used when the condition text names none.
        """
        if explicit:
            return Need(explicit=tuple(dict.fromkeys(explicit)))
        reqs: list[Requirement] = []
        for number, (_description, category) in enumerate(items, start=1):
            entry = self.category_entry(category) if category else None
            if entry is not None:
                # Labels name the category, not the wording, so cases with the same categories
                # share one Need (and one cached match) however their items are worded.
                reqs.append(Requirement(f"item {number} ({category})", "item", 1.0, _levels(entry)))
        cond = self.condition_entry(condition or "", regions)
        if cond is not None:
            reqs.append(
                Requirement(
                    f"condition ({cond.id})",
                    "condition",
                    self.data.condition_weight,
                    _levels(cond),
                )
            )
        if not reqs:
            reqs.append(
                Requirement(
                    "no item or condition placed: generalist reviewers",
                    "fallback",
                    1.0,
                    _levels(self.data.fallback),
                )
            )
        return Need(explicit=None, requirements=tuple(reqs))

    # -- matching ------------------------------------------------------
    def match(
        self,
        specialty_ids: frozenset[str],
        board_ids: frozenset[str],
        needs_board: bool,
        need: Need,
    ) -> SpecialtyMatch | None:
        """The reviewer's best-fitting specialty for the need, or None when none is acceptable."""
        best: SpecialtyMatch | None = None
        for sid in sorted(specialty_ids):
            found = self._match_one(sid, sid in board_ids or not needs_board, need)
            if found is not None and (best is None or found.fit > best.fit):
                best = found
        return best

    def _match_one(self, sid: str, certified: bool, need: Need) -> SpecialtyMatch | None:
        factor = 1.0 if certified else self.data.not_board_certified_in_specialty_factor
        name, nucc = self.name(sid), self.nucc(sid)
        if need.explicit is not None:
            if sid not in need.explicit:
                return None
            # Earlier-listed specialties are the case's first choice.
            rank = need.explicit.index(sid)
            fit = max(self.data.levels["similar"], 1.0 - 0.05 * rank) * factor
            return SpecialtyMatch(sid, name, nucc, "same", round(fit, 4), (), (), certified)
        covered: list[tuple[str, Level]] = []
        uncovered: list[str] = []
        total = weight = 0.0
        core = False  # same/similar for an item (or for the fallback/condition when no item)
        has_items = any(r.kind == "item" for r in need.requirements)
        for req in need.requirements:
            level = req.level_of(sid)
            weight += req.weight
            if level is None:
                uncovered.append(req.label)
                continue
            covered.append((req.label, level))
            total += req.weight * self.data.levels[level]
            if req.kind == "item" or not has_items:
                core = True
        if not core:
            return None
        levels = {level for _, level in covered}
        # "same" only when the specialty is the home field of everything the case asks.
        overall: Level = "same" if levels == {"same"} and not uncovered else "similar"
        fit = round(total / weight * factor, 4)
        return SpecialtyMatch(
            sid, name, nucc, overall, fit, tuple(covered), tuple(uncovered), certified
        )


def _levels(entry: LevelEntry) -> tuple[tuple[str, Level], ...]:
    return tuple([(s, "same") for s in entry.same] + [(s, "similar") for s in entry.similar])


def load_specialty_map(path: Path | str = DATA_PATH) -> SpecialtyMap:
    """Load and validate the specialty file; RuleDataError names the file and field."""
    path = Path(path)
    data = load_model(path, SpecialtyData, what="specialty map", locate=dotted_path)
    return SpecialtyMap(data)


@lru_cache(maxsize=1)
def default_specialty_map() -> SpecialtyMap:
    return load_specialty_map(DATA_PATH)
