"""Validating the records of a panel input file (reviewers, cases) one by one.

The `panel assign` contract of docs/product.md allows extra fields (ignored, never an error)
and refuses a bad record with InvalidInput naming the record (index and id) and the field; a
repeated id is an error. The reviewer registry and the case file share this one path.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from openimr.domain.errors import InvalidInput
from openimr.inputs import iso_date


def _iso_date(value: object) -> object:
    """A date as the contract writes it (YYYY-MM-DD): not a number (pydantic would read a
    timestamp), not 2016-13-45, not 10/13/2016."""
    if isinstance(value, date) or value is None:
        return value
    try:
        return iso_date(value, "date")
    except InvalidInput as err:
        raise ValueError("not a calendar date written YYYY-MM-DD") from err


IsoDate = Annotated[date, BeforeValidator(_iso_date)]


class InputModel(BaseModel):
    # The contract allows extra fields: they are ignored, never an error.
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class IdentifiedIn(InputModel):
    """A record with an id unique within its file."""

    id: str = Field(min_length=1)


R = TypeVar("R", bound=IdentifiedIn)


def invalid(where: str, exc: ValidationError) -> InvalidInput:
    """InvalidInput naming the record and the first invalid field of a pydantic error."""
    first = exc.errors()[0]
    loc = ".".join(str(p) for p in first["loc"])
    field = f"{where}.{loc}" if loc else where
    return InvalidInput(f"{field}: {first['msg']}", field=field)


def _where(collection: str, index: int, raw: Any) -> str:
    """`reviewers[3] (id 'R7')`: the record's place in its file and, when it has one, its id."""
    rid = raw.get("id") if isinstance(raw, dict) else None
    return f"{collection}[{index}]" + (f" (id {rid!r})" if rid else "")


MAX_PROBLEMS = 100  # a file with more bad records than this names the first hundred


def validate_records(
    records: list[Any],
    model: type[R],
    *,
    collection: str,
    noun: str,
    lines: list[int] | None = None,
) -> list[tuple[str, R]]:
    """Each of `records` validated as `model`, with where it stands (`_where`; with `lines`,
    the line of the file each record came from).

    Every bad record and repeated id is named — one problem each, in file order — and the
    lot raised as one InvalidInput (`details["problems"]`); `noun` is what a record is
    ("reviewer", "case") and `collection` the key of the list in the file.
    """
    seen: dict[str, int] = {}
    good: list[tuple[str, R]] = []
    problems: list[InvalidInput] = []
    for index, raw in enumerate(records):
        where = _where(collection, index, raw)
        if lines is not None and index < len(lines):
            where = f"line {lines[index]}: {where}"
        try:
            if not isinstance(raw, dict):
                raise InvalidInput(f"{where}: a {noun} must be an object", field=where)
            try:
                record = model.model_validate(raw)
            except ValidationError as exc:
                raise invalid(where, exc) from exc
            if record.id in seen:
                raise InvalidInput(
                    f"{where}.id: duplicate {noun} id {record.id!r} "
                    f"(first at {collection}[{seen[record.id]}])",
                    field=f"{where}.id",
                )
        except InvalidInput as problem:
            problems.append(problem)
            if len(problems) >= MAX_PROBLEMS:
                break
            continue
        seen[record.id] = index
        good.append((where, record))
    if problems:
        raise InvalidInput(
            problems[0].message,
            field=problems[0].details.get("field"),
            problems=[p.message for p in problems],
        )
    return good


def in_file(err: InvalidInput, path: Path) -> InvalidInput:
    """`err` with every message naming `path` (unless it already does)."""

    def named(message: str) -> str:
        return message if message.startswith(str(path)) else f"{path}: {message}"

    problems = [named(p) for p in err.details.get("problems", [err.message])]
    details = {k: v for k, v in err.details.items() if k != "problems"}
    return InvalidInput(named(err.message), **{**details, "problems": problems})
