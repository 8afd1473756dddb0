"""Reading input openimr did not write: bytes to text, text to JSON, strings to dates — with
limits, and with errors that name the file, the line and the field.

Every batch command and the API's JSON form fields read through here, so that no input —
another encoding, invalid UTF-8, JSON nested 5,000 deep, a 5 MB line, the date 2016-13-45 —
ends in a traceback or is silently taken for something else. The limits are settings
(`Settings.input_limits()`); the defaults are `InputLimits()`'s.
"""

from __future__ import annotations

import codecs
import dataclasses
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from openimr.domain.errors import InvalidInput
from openimr.settings import Settings

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class InputLimits:
    """How much input is read before it is refused (documented in the README)."""

    max_json_depth: int = 32  # nesting of arrays and objects
    max_line_bytes: int = 512 * 1024  # one line of a JSON-lines batch, one JSON form field
    max_text_chars: int = 100_000  # one free-text value (a summary, a rationale)
    max_file_bytes: int = 25 * 1024 * 1024  # one uploaded document or one batch input file


DEFAULT_LIMITS = InputLimits()


def _where(where: str, line: int | None) -> str:
    return f"{where}:{line}" if line is not None else where


def decode_text(data: bytes, where: str, *, line: int | None = None) -> str:
    """`data` as text: UTF-8, or UTF-16/32 when a byte-order mark says so. InvalidInput
    naming `where` (and the line and column of the first bad byte) otherwise."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as err:
                raise InvalidInput(
                    f"{_where(where, line)}: not valid {encoding.upper()} text "
                    f"(byte {err.start + len(bom)})",
                    field="encoding",
                ) from err
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        before = data[: err.start]
        at_line = (line or 1) + before.count(b"\n")
        column = err.start - (before.rfind(b"\n") + 1) + 1
        raise InvalidInput(
            f"{where}:{at_line}: not UTF-8 text (byte 0x{data[err.start]:02x} at column "
            f"{column}); save the file as UTF-8",
            field="encoding",
        ) from err


def text_lines(
    data: bytes, where: str, limits: InputLimits = DEFAULT_LIMITS
) -> Iterator[tuple[int, str | InvalidInput]]:
    """(line number, text) for every line of `data`, or (line number, the error) for a line
    that cannot be read — so one bad line does not stop the others. A file with a UTF-16/32
    byte-order mark is decoded whole first (its lines cannot be split as bytes)."""
    if any(data.startswith(bom) for bom, enc in _BOMS if not enc.startswith("utf-8")):
        try:
            lines: list[bytes | str] = list(decode_text(data, where).split("\n"))
        except InvalidInput as err:
            yield 1, err
            return
    else:
        if data.startswith(codecs.BOM_UTF8):
            data = data[len(codecs.BOM_UTF8) :]
        lines = list(data.split(b"\n"))
    for number, raw in enumerate(lines, start=1):
        if len(raw) > limits.max_line_bytes:
            yield (
                number,
                InvalidInput(
                    f"{where}:{number}: line is longer than {limits.max_line_bytes // 1024} KB "
                    f"({len(raw) // 1024} KB; OPENIMR_MAX_LINE_KB)",
                    field="line",
                ),
            )
            continue
        if isinstance(raw, bytes):
            try:
                yield number, decode_text(raw, where, line=number).rstrip("\r")
            except InvalidInput as err:
                yield number, err
        else:
            yield number, raw.rstrip("\r")


def json_depth(text: str) -> int:
    """How deeply arrays and objects nest in `text` (without parsing it: no recursion)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def loads(
    text: str | bytes,
    where: str,
    limits: InputLimits = DEFAULT_LIMITS,
    *,
    line: int | None = None,
) -> Any:
    """Parse JSON that came from outside: InvalidInput naming `where` (and line and column)
    for bad JSON, for nesting deeper than the limit, for text larger than the line limit,
    and for any string longer than the text limit."""
    if isinstance(text, bytes):
        text = decode_text(text, where, line=line)
    if len(text) > limits.max_line_bytes:
        raise InvalidInput(
            f"{_where(where, line)}: JSON larger than {limits.max_line_bytes // 1024} KB",
            field="size",
        )
    depth = json_depth(text)
    if depth > limits.max_json_depth:
        raise InvalidInput(
            f"{_where(where, line)}: JSON nested {depth} levels deep "
            f"(at most {limits.max_json_depth}; OPENIMR_MAX_JSON_DEPTH)",
            field="nesting",
        )
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        at = (
            f"{where}:{(line or 1) + err.lineno - 1}"
            if line is not None or err.lineno > 1
            else where
        )
        raise InvalidInput(
            f"{at}: not valid JSON (column {err.colno}: {err.msg})", field="json"
        ) from err
    check_text_lengths(value, _where(where, line), limits)
    return value


def check_text_lengths(value: Any, where: str, limits: InputLimits = DEFAULT_LIMITS) -> None:
    """InvalidInput naming the field of the first string longer than the text limit."""
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        node, path = stack.pop()
        if isinstance(node, str):
            if len(node) > limits.max_text_chars:
                raise InvalidInput(
                    f"{where}: {path or 'value'} has {len(node):,} characters "
                    f"(at most {limits.max_text_chars:,}; OPENIMR_MAX_TEXT_CHARS)",
                    field=path or "value",
                )
        elif isinstance(node, dict):
            stack.extend((v, f"{path}.{k}" if path else str(k)) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, f"{path}[{n}]") for n, v in enumerate(node))


def iso_date(value: object, field: str) -> date:
    """A calendar date written YYYY-MM-DD; InvalidInput naming `field` for anything else
    (2016-13-45, 13/10/2016, 20161013, a number)."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise InvalidInput(f"{field}: {value!r} is not a date (YYYY-MM-DD)", field=field)
    try:
        return date.fromisoformat(value)
    except ValueError as err:
        raise InvalidInput(
            f"{field}: {value!r} is not a calendar date ({err})", field=field
        ) from err


def limits_of(settings: Settings) -> InputLimits:
    """The input limits the settings ask for (OPENIMR_MAX_*)."""
    return InputLimits(
        max_json_depth=settings.max_json_depth,
        max_line_bytes=settings.max_line_kb * 1024,
        max_text_chars=settings.max_text_chars,
        max_file_bytes=settings.max_upload_mb * 1024 * 1024,
    )


def read_input_file(path: Path, limits: InputLimits = DEFAULT_LIMITS) -> bytes:
    """The bytes of an input file, refused past the file-size limit, InvalidInput naming it."""
    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise InvalidInput(
                f"{path}: {size // (1024 * 1024)} MB is more than the "
                f"{limits.max_file_bytes // (1024 * 1024)} MB an input file may have "
                "(OPENIMR_MAX_UPLOAD_MB)",
                field="size",
            )
        return path.read_bytes()
    except OSError as err:
        raise InvalidInput(f"{path}: cannot read: {err.strerror or err}", field="file") from err


def whole_file(limits: InputLimits) -> InputLimits:
    """The limits for a whole JSON document (not one line): its size is the file's."""
    return dataclasses.replace(limits, max_line_bytes=limits.max_file_bytes)
