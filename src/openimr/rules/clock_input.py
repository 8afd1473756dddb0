"""The `openimr clocks` line format: one case's events in, its clocks out.

Input line: `{"id", "jurisdiction", "priority", "events": {...}}`. The event keys are those
the jurisdiction's clocks.yaml declares: an event id takes a date (or a timestamp, for limits
in hours), a service fact (`ur_service`, `assignment_notice_service`...) takes mail,
electronic, fax or personal, and `formulary` and `overturned` a boolean (an unsaid
`overturned` leaves the implementation clocks running, as if an item were overturned).
Every event is optional: a clock whose start is missing is reported as not started.
Anything else is an error naming the key.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from openimr.domain.errors import InvalidInput, RuleDataError
from openimr.inputs import DEFAULT_LIMITS, InputLimits, loads
from openimr.rules.clocks import ClockFacts, ClockPack, compute_clocks, load_clock_pack
from openimr.rules.loader import DATA_DIR

SERVICE_METHODS = ("mail", "electronic", "fax", "personal")
PRIORITIES = ("standard", "expedited")
_JURISDICTION = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_TOP_KEYS = {"id", "jurisdiction", "priority", "review_type", "events"}


def pack_for(jurisdiction: str) -> ClockPack:
    """The clock pack of `jurisdiction`, or InvalidInput when there is none."""
    if not _JURISDICTION.match(jurisdiction) or not (DATA_DIR / jurisdiction).is_dir():
        raise InvalidInput(f"unknown jurisdiction {jurisdiction!r}", field="jurisdiction")
    try:
        return load_clock_pack(jurisdiction)
    except RuleDataError as err:
        raise InvalidInput(
            f"jurisdiction {jurisdiction!r} has no usable clock rules: {err.message}",
            field="jurisdiction",
        ) from err


def _moment(key: str, value: Any) -> date | datetime:
    if not isinstance(value, str):
        raise InvalidInput(f"events.{key}: expected a date (YYYY-MM-DD), got {value!r}", field=key)
    try:
        if "T" in value or " " in value.strip():
            return datetime.fromisoformat(value)
        return date.fromisoformat(value)
    except ValueError as err:
        raise InvalidInput(
            f"events.{key}: {value!r} is not a date (YYYY-MM-DD) or timestamp", field=key
        ) from err


def facts_from_record(record: Any, pack: ClockPack) -> ClockFacts:
    """Validate one input record against `pack`'s events; InvalidInput names the field."""
    if not isinstance(record, dict):
        raise InvalidInput("a line must be a JSON object", field="(line)")
    unknown = set(record) - _TOP_KEYS
    if unknown:
        raise InvalidInput(f"unknown field {sorted(unknown)[0]!r}", field=sorted(unknown)[0])
    priority = record.get("priority", "standard")
    if priority not in PRIORITIES:
        raise InvalidInput(
            f"priority must be standard or expedited, got {priority!r}", field="priority"
        )
    raw = record.get("events", {})
    if not isinstance(raw, dict):
        raise InvalidInput("events must be an object", field="events")
    event_ids = {e.id for e in pack.data.events}
    service_keys = {e.service for e in pack.data.events if e.service}
    events: dict[str, date | datetime] = {}
    services: dict[str, str] = {}
    flags: dict[str, bool] = {}
    for key, value in raw.items():
        if value is None:
            continue
        if key in event_ids:
            events[key] = _moment(key, value)
        elif key in service_keys:
            if value not in SERVICE_METHODS:
                raise InvalidInput(
                    f"events.{key}: must be one of {', '.join(SERVICE_METHODS)}, got {value!r}",
                    field=key,
                )
            services[key] = value
        elif key in ("formulary", "overturned"):
            if not isinstance(value, bool):
                raise InvalidInput(
                    f"events.{key}: expected true or false, got {value!r}", field=key
                )
            flags[key] = value
        else:
            known = ", ".join(sorted(event_ids | service_keys | {"formulary", "overturned"}))
            raise InvalidInput(f"events.{key}: unknown event (known: {known})", field=key)
    review_type = record.get("review_type")
    if review_type is not None and not isinstance(review_type, str):
        raise InvalidInput("review_type must be a string", field="review_type")
    return ClockFacts(
        priority=priority,
        events=events,
        services=services,
        formulary=flags.get("formulary", False),
        overturned=flags.get("overturned"),
        review_type=review_type,
    )


def clocks_line(
    line: str | InvalidInput,
    number: int,
    where: str = "<stdin>",
    limits: InputLimits = DEFAULT_LIMITS,
) -> tuple[dict[str, Any], bool]:
    """(output object, ok?) for one input line; a bad line (or one that could not be read:
    `line` is then the error) becomes an error object naming the file, line and field."""
    record_id: Any = None
    try:
        if isinstance(line, InvalidInput):
            raise line
        record = loads(line, where, limits, line=number)
        if isinstance(record, dict):
            record_id = record.get("id")
        jurisdiction = record.get("jurisdiction", "ca_dwc") if isinstance(record, dict) else ""
        if not isinstance(jurisdiction, str):
            raise InvalidInput("jurisdiction must be a string", field="jurisdiction")
        pack = pack_for(jurisdiction)
        facts = facts_from_record(record, pack)
    except InvalidInput as err:
        prefix = f"{where}:{number}"
        message = err.message if err.message.startswith(prefix) else f"{prefix}: {err.message}"
        if not isinstance(record_id, str | int | None):
            record_id = None
        return {
            "id": record_id,
            "file": where,
            "line": number,
            "field": err.details.get("field") or "record",
            "error": message,
        }, False
    clocks = compute_clocks(facts, pack)
    return {
        "id": record_id,
        "jurisdiction": jurisdiction,
        "clocks": [c.to_dict() for c in clocks.all()],
    }, True
