"""The one loader of openimr's YAML data files, and the strict model they are validated with.

Rule packs (`rules/data/<jurisdiction>/`), the guideline knowledge base and vocabularies
(`evidence/data/`), the panel's specialty map, the letters' wording, the assist's base rates
and the seed example are all read here: parse the YAML, validate it with a pydantic model
that forbids unknown keys, and on failure raise `RuleDataError` naming the file, the entry
and the field (style.md, "Rule data as validated files": no warn-only mode, no other code
opens a data file). It sits just above the domain so that every package may use it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from openimr.domain.errors import RuleDataError

M = TypeVar("M", bound=BaseModel)
Locate = Callable[[object, tuple[int | str, ...]], str]


class StrictModel(BaseModel):
    """Data files forbid unknown keys (a typo is an error, not a silent default) and are
    frozen once loaded."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def read_yaml(path: Path, *, what: str = "data file") -> Any:
    """Parse a YAML file; a missing file or bad syntax is a RuleDataError naming the file
    (and the line, for syntax)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise RuleDataError(f"{path}: file not found ({what})", file=str(path)) from err
    except OSError as err:
        raise RuleDataError(f"{path}: cannot read {what}: {err}", file=str(path)) from err
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        raise RuleDataError(f"{path}{line}: invalid YAML: {err}", file=str(path)) from err


def validate(model: type[M], raw: object, path: Path, *, locate: Locate | None = None) -> M:
    """Validate parsed data as `model`; RuleDataError names the file, the entry and the field.

    `locate` turns pydantic's error location into the field the message names: the default
    `field_path` gives `rules[3] (id=filing).days`, `dotted_path` gives pydantic's own
    `recommendations.0.strength`.
    """
    try:
        return model.model_validate(raw)
    except ValidationError as err:
        first = err.errors()[0]
        where = (locate or field_path)(raw, first["loc"])
        raise RuleDataError(
            f"{path}: {where}: {first['msg']}",
            file=str(path),
            entry=entry_name(raw, first["loc"]),
            field=where,
            errors=len(err.errors()),
        ) from err


def load_model(
    path: Path, model: type[M], *, what: str = "data file", locate: Locate | None = None
) -> M:
    """`read_yaml` then `validate`: the usual way to load one data file."""
    return validate(model, read_yaml(path, what=what), path, locate=locate)


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


def entry_name(raw: object, loc: tuple[int | str, ...]) -> str:
    """The outermost list entry the location falls in, by index and id: `#3 'filing'`."""
    node = raw
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
            ident = node.get("id") if isinstance(node, dict) else None
            return f"#{part}" + (f" '{ident}'" if ident else "")
        else:
            break
    return "(top level)"
