"""Load a rule file: parse the YAML, validate it with a pydantic model, name what is wrong.

Every rule pack lives under `rules/data/<jurisdiction>/`. `load_model` is also the one loader
of the YAML data files of panel (specialty map), letters (letter wording) and assist (base
rates); evidence keeps its own (it may not import rules). A bad file raises `RuleDataError`
naming the file, the entry and the field.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from openimr.domain.errors import RuleDataError

DATA_DIR = Path(__file__).parent / "data"
DEFAULT_JURISDICTION = "ca_dwc"

M = TypeVar("M", bound=BaseModel)


class StrictModel(BaseModel):
    """Rule data forbids unknown keys: a typo is an error, not a silent default."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class EffectiveRule(StrictModel):
    """A rule that applies from `effective_from` up to and including `effective_to`."""

    id: str
    citation: str
    effective_from: date
    effective_to: date | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> EffectiveRule:
        if self.effective_to is not None and self.effective_to < self.effective_from:
            raise ValueError("effective_to is before effective_from")
        return self

    def is_effective_on(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


def rule_path(filename: str, jurisdiction: str = DEFAULT_JURISDICTION) -> Path:
    return DATA_DIR / jurisdiction / filename


def load_model(
    path: Path,
    model: type[M],
    *,
    what: str = "rule file",
    locate: Callable[[object, tuple[int | str, ...]], str] | None = None,
) -> M:
    """Parse `path` as YAML and validate it as `model`; RuleDataError names file and field.

    The one loader for every YAML data file of rules, panel and letters (style.md,
    validated data files). `what` names the file in read errors ("reviewer policy");
    `locate` turns pydantic's error location into the field the message names
    (default: `rules[3] (id=filing).days`, see `field_path`).
    """
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise RuleDataError(f"{path}: cannot read {what}: {err}", file=str(path)) from err
    except yaml.YAMLError as err:
        raise RuleDataError(f"{path}: not valid YAML: {err}", file=str(path)) from err
    try:
        return model.model_validate(raw)
    except ValidationError as err:
        first = err.errors()[0]
        where = (locate or field_path)(raw, first["loc"])
        raise RuleDataError(
            f"{path}: {where}: {first['msg']}",
            file=str(path),
            field=where,
            errors=len(err.errors()),
        ) from err


def field_path(raw: object, loc: tuple[int | str, ...]) -> str:
    """`rules[3] (id=filing).days` — the entry's id makes the location readable."""
    parts: list[str] = []
    node = raw
    for key in loc:
        if isinstance(key, int):
            label = f"[{key}]"
            if isinstance(node, list) and key < len(node):
                node = node[key]
                if isinstance(node, dict) and "id" in node:
                    label += f" (id={node['id']})"
            parts.append(label)
        else:
            parts.append(("." if parts else "") + str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return "".join(parts) or "(top level)"


def dotted_path(raw: object, loc: tuple[int | str, ...]) -> str:
    """`versions.0.rules.min_hours_per_week` — pydantic's own location, for id-less entries."""
    return ".".join(str(part) for part in loc) or "(top level)"


def check_no_overlap(rules: list[EffectiveRule], path: Path, key: str = "id") -> None:
    """Two versions of one rule may not be in force on the same day."""
    by_key: dict[str, list[EffectiveRule]] = {}
    for rule in rules:
        by_key.setdefault(str(getattr(rule, key)), []).append(rule)
    for name, versions in by_key.items():
        versions.sort(key=lambda r: r.effective_from)
        for before, after in zip(versions, versions[1:], strict=False):
            if before.effective_to is None or before.effective_to >= after.effective_from:
                raise RuleDataError(
                    f"{path}: rule {name!r} has overlapping effective dates "
                    f"({before.effective_from} and {after.effective_from})",
                    file=str(path),
                    field=name,
                )
