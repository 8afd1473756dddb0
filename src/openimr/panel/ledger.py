"""The incremental mode of `openimr panel assign`: a ledger of what was done, run after run.

The ledger is a JSON-lines file, one event a line, oldest first, appended by each run:

    {"on": "2026-12-01", "event": "assigned", "case_id": "C1", "reviewer_id": "R4",
     "reasons": ["..."]}
    {"on": "2026-12-02", "event": "released", "case_id": "C1", "reviewer_id": "R4",
     "kind": "decline" | "recusal" | "missed_deadline", "reason": "..."}
    {"on": "2026-12-02", "event": "waiting", "case_id": "C2", "reason": "..."}
    {"on": "2026-12-09", "event": "closed", "case_id": "C1"}

From it a run knows which cases already have a reviewer (they are left alone), which
reviewers were taken off which case (never given it again), how many cases each reviewer was
given in the week of `as_of` (against its weekly capacity, prorated by its absences) and its
share of work over the last weeks (ties go to the less loaded). A run appends its own events
and rewrites the ledger atomically (a new file renamed over the old one): a failed run leaves
the ledger as it was. A bad line is an error naming the line and the field.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError

from openimr.domain.errors import InvalidInput
from openimr.domain.vocabulary import ReleaseKind
from openimr.panel.availability import week_start
from openimr.panel.records import InputModel, invalid

HISTORY_WEEKS = 12


class LedgerEvent(InputModel):
    on: date
    event: Literal["assigned", "released", "waiting", "closed"]
    case_id: str = Field(min_length=1)
    reviewer_id: str | None = None
    kind: ReleaseKind | None = None
    reason: str | None = None
    reasons: list[str] = Field(default_factory=list)

    def line(self) -> str:
        return json.dumps(self.model_dump(mode="json", exclude_none=True, exclude_defaults=True))


@dataclass
class LedgerState:
    """What the events so far add up to."""

    holder: dict[str, str] = field(default_factory=dict)  # case -> reviewer at work on it
    taken_on: dict[str, date] = field(default_factory=dict)  # case -> date its holder took it
    excluded: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    closed: set[str] = field(default_factory=set)
    waiting_reason: dict[str, str] = field(default_factory=dict)
    given: list[tuple[str, date]] = field(default_factory=list)  # (reviewer, date) per assignment

    def apply(self, e: LedgerEvent, where: str) -> None:
        if e.event == "assigned":
            if e.reviewer_id is None:
                raise InvalidInput(
                    f"{where}.reviewer_id: an assignment names its reviewer",
                    field=f"{where}.reviewer_id",
                )
            self.holder[e.case_id] = e.reviewer_id
            self.taken_on[e.case_id] = e.on
            self.given.append((e.reviewer_id, e.on))
            self.waiting_reason.pop(e.case_id, None)
        elif e.event == "released":
            if e.reviewer_id is None or self.holder.get(e.case_id) != e.reviewer_id:
                raise InvalidInput(
                    f"{where}.reviewer_id: {e.reviewer_id!r} does not hold case {e.case_id!r}",
                    field=f"{where}.reviewer_id",
                )
            del self.holder[e.case_id]
            self.taken_on.pop(e.case_id, None)
            self.excluded[e.case_id].add(e.reviewer_id)
        elif e.event == "waiting":
            self.waiting_reason[e.case_id] = e.reason or ""
        else:  # closed: decided or withdrawn; it still counts in its reviewer's week
            self.closed.add(e.case_id)

    def held_in_week(self, day: date) -> dict[str, int]:
        """Cases each reviewer took in `day`'s week and still holds."""
        monday = week_start(day)
        out: dict[str, int] = defaultdict(int)
        for case_id, rid in self.holder.items():
            if self.taken_on.get(case_id, date.min) >= monday:
                out[rid] += 1
        return dict(out)

    def given_since(self, day: date) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for rid, on in self.given:
            if on >= day:
                out[rid] += 1
        return dict(out)


class Ledger:
    """A ledger file: read and validated whole, written back atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lines: list[str] = []
        self.state = LedgerState()
        if path.exists():
            self._read()

    def _read(self) -> None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except OSError as exc:
            raise InvalidInput(f"{self.path}: cannot read: {exc.strerror}", field="ledger") from exc
        for number, raw in enumerate(text.splitlines(), start=1):
            if not raw.strip():
                continue
            where = f"{self.path.name} line {number}"
            try:
                event = LedgerEvent.model_validate(json.loads(raw))
            except json.JSONDecodeError as exc:
                raise InvalidInput(f"{where}: not valid JSON ({exc.msg})", field=where) from exc
            except ValidationError as exc:
                raise invalid(where, exc) from exc
            self.state.apply(event, where)
            self.lines.append(raw)

    def record(self, events: Iterable[LedgerEvent]) -> None:
        """Apply events, then write the whole ledger to a new file and rename it in place."""
        added = []
        for event in events:
            self.state.apply(event, f"new event for case {event.case_id}")
            added.append(event.line())
        if not added:
            return
        self.lines.extend(added)
        folder = self.path.parent if str(self.path.parent) else Path(".")
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write("\n".join(self.lines) + "\n")
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def given_recently(self, day: date) -> dict[str, int]:
        """Cases given to each reviewer over the HISTORY_WEEKS weeks up to `day`."""
        return self.state.given_since(day - timedelta(weeks=HISTORY_WEEKS))
