"""Validating the records of a panel input file (reviewers, cases) one by one.

The `panel assign` contract of docs/product.md allows extra fields (ignored, never an error)
and refuses a bad record with InvalidInput naming the record (index and id) and the field; a
repeated id is an error. The reviewer registry and the case file share this one path.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from openimr.domain.errors import InvalidInput


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


def validate_records(
    records: list[Any], model: type[R], *, collection: str, noun: str
) -> Iterator[tuple[str, R]]:
    """Each of `records` validated as `model`, with where it stands (`_where`).

    The first bad record or repeated id raises InvalidInput naming it; `noun` is what a
    record is ("reviewer", "case") and `collection` the key of the list in the file.
    """
    seen: dict[str, int] = {}
    for index, raw in enumerate(records):
        where = _where(collection, index, raw)
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
        seen[record.id] = index
        yield where, record
