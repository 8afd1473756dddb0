"""The background work the service keeps account of: jobs and deadline alerts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class JobRecord:
    """A background job in the ledger: pending until its handler returns (at least once)."""

    id: str
    kind: str
    payload: dict[str, object]
    status: str  # pending | done | failed
    attempts: int
    enqueued_at: datetime
    error: str


@dataclass(frozen=True)
class AlertRecord:
    """A deadline alert or reminder, unique per case, clock and threshold."""

    case_number: str
    clock: str
    threshold: str
    kind: str  # alert | reminder
    due_on: str
    message: str
    created_at: datetime
