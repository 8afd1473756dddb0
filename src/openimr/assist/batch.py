"""`openimr assist batch`: one case per input line, one proposal per item per output line.

A bad input line (not JSON, or not a case per docs/product.md) yields an error line naming its
line number and what is wrong; the batch goes on with the next line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from openimr.assist.dmhc import category_proposals
from openimr.assist.propose import Assistant
from openimr.assist.schema import CaseInput
from openimr.domain.errors import InvalidInput
from openimr.rules.pack import pack_named


def _validation_message(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:3]:
        where = ".".join(str(p) for p in err["loc"]) or "(case)"
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)


def run_batch(lines: Iterable[str], assistant: Assistant) -> Iterator[dict[str, Any]]:
    """Output records for the input lines; errors are records with `line` and `error`."""
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield {"line": number, "error": f"line {number}: not valid JSON ({exc.msg})"}
            continue
        if not isinstance(data, dict):
            yield {"line": number, "error": f"line {number}: expected a JSON object per line"}
            continue
        try:
            case = CaseInput.model_validate(data)
        except ValidationError as exc:
            yield {
                "line": number,
                "case_id": data.get("id"),
                "error": f"line {number}: {_validation_message(exc)}",
            }
            continue
        jurisdiction = data.get("jurisdiction")
        if jurisdiction is not None:
            try:
                support = pack_named(str(jurisdiction)).data.decision_support
            except InvalidInput as exc:
                yield {
                    "line": number,
                    "case_id": data.get("id"),
                    "error": f"line {number}: {exc.message}",
                }
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
        for n, line in enumerate(path.read_text().splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                errors.append(f"{path}:{n}: not valid JSON ({exc.msg})")
                continue
            if "error" in record:
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
