"""`openimr assist batch`: one case per input line, one proposal per item per output line.

A bad input line (not JSON, or not a case per docs/product.md) yields an error line naming its
line number and what is wrong; the batch goes on with the next line.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from openimr.assist.dmhc import category_proposals
from openimr.assist.propose import Assistant
from openimr.assist.schema import CaseInput
from openimr.domain.errors import InvalidInput
from openimr.inputs import DEFAULT_LIMITS, InputLimits, loads, read_input_file, text_lines
from openimr.rules.pack import pack_named


def _validation_message(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:3]:
        where = ".".join(str(p) for p in err["loc"]) or "(case)"
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)


def _error(where: str, number: int, field: str, message: str, **extra: Any) -> dict[str, Any]:
    """The error record of one bad line: file, line, field and one readable sentence."""
    prefix = f"{where}:{number}"
    text = message if message.startswith(prefix) else f"{prefix}: {message}"
    return {"file": where, "line": number, **extra, "field": field, "error": text}


def run_batch(
    lines: Iterable[tuple[int, str | InvalidInput]],
    assistant: Assistant,
    *,
    where: str = "<stdin>",
    limits: InputLimits = DEFAULT_LIMITS,
) -> Iterator[dict[str, Any]]:
    """Output records for the numbered input lines (`inputs.text_lines`); a bad line gives
    one error record naming the file, the line and the field, and the batch goes on."""
    for number, raw in lines:
        if isinstance(raw, InvalidInput):
            yield _error(where, number, str(raw.details.get("field", "line")), raw.message)
            continue
        if not raw.strip():
            continue
        try:
            data = loads(raw, where, limits, line=number)
        except InvalidInput as exc:
            yield _error(where, number, str(exc.details.get("field", "json")), exc.message)
            continue
        if not isinstance(data, dict):
            yield _error(where, number, "line", "expected a JSON object per line")
            continue
        try:
            case = CaseInput.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or "case"
            case_id = data.get("id")
            yield _error(
                where,
                number,
                field,
                _validation_message(exc),
                case_id=case_id if isinstance(case_id, str | int) else None,
            )
            continue
        jurisdiction = data.get("jurisdiction")
        if jurisdiction is not None:
            try:
                support = pack_named(str(jurisdiction)).data.decision_support
            except InvalidInput as exc:
                yield _error(where, number, "jurisdiction", exc.message, case_id=case.id)
                continue
            if support == "category_rates":
                # A health plan's case: the category rates of the DMHC decisions, no MTUS.
                yield from category_proposals(data)
                continue
        for proposal in assistant.propose_case(case):
            yield proposal.model_dump(mode="json")


def read_letters(path: Path, errors: list[str]) -> list[dict[str, Any]]:
    """Parsed letters from a folder of letters (text/PDF), a single letter, or a JSONL file of
    `openimr letter parse` output. Unparseable letters are reported in `errors` and skipped."""
    from openimr.letters.parse import parse_letter_file

    if not path.exists():
        raise InvalidInput(f"{path}: no such file or folder", field="letters")
    if path.is_file() and path.suffix == ".jsonl":
        letters = []
        for n, line in text_lines(read_input_file(path), str(path)):
            if isinstance(line, InvalidInput):
                errors.append(line.message)
                continue
            if not line.strip():
                continue
            try:
                record = loads(line, str(path), line=n)
            except InvalidInput as exc:
                errors.append(exc.message)
                continue
            if not isinstance(record, dict):
                errors.append(f"{path}:{n}: expected a letter-parse JSON object")
            elif "error" in record:
                errors.append(f"{path}:{n}: {record['error']}")
            else:
                letters.append(record)
        return letters
    files = (
        sorted(p for p in path.rglob("*") if p.suffix.lower() in (".txt", ".pdf"))
        if path.is_dir()
        else [path]
    )
    letters = []
    for file in files:
        try:
            letters.append(parse_letter_file(file).model_dump(mode="json"))
        except Exception as exc:  # noqa: BLE001 - one bad letter must not stop the batch
            errors.append(f"{file}: {exc}")
    return letters
