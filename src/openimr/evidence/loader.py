"""Load a YAML data file into pydantic models; a bad file raises RuleDataError.

The error names the file, the entry (its `id` or index) and the field path, so that
`openimr kb lint` and start-up point at the exact line to fix (issue 4, bad input).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from openimr.domain.errors import RuleDataError

DATA_DIR = Path(__file__).parent / "data"

M = TypeVar("M", bound=BaseModel)


def read_yaml(path: Path) -> Any:
    """Parse a YAML file; syntax errors become RuleDataError naming the file and line."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise RuleDataError(f"{path}: file not found", file=str(path)) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise RuleDataError(f"{path}{where}: invalid YAML: {exc}", file=str(path)) from exc


def validate(model: type[M], data: Any, path: Path) -> M:
    """Validate `data` against `model`; name file, entry and field on failure."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = list(err["loc"])
        entry = _entry_name(data, loc)
        field = ".".join(str(part) for part in loc)
        raise RuleDataError(
            f"{path.name}: entry {entry}: field '{field}': {err['msg']}",
            file=str(path),
            entry=entry,
            field=field,
        ) from exc


def _entry_name(data: Any, loc: list[Any]) -> str:
    """The human name of the list entry that failed: its `id` when it has one."""
    node = data
    name = "(top level)"
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
            if name == "(top level)":  # the outermost entry (a recommendation, a fact ...)
                ident = node.get("id") if isinstance(node, dict) else None
                name = f"#{part}" + (f" '{ident}'" if ident else "")
        else:
            break
    return name
