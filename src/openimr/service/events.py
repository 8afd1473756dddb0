"""Writing a case's domain events to the audit log, in the use case's transaction."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from openimr.domain.case import Case
from openimr.service.access import Actor
from openimr.service.ports import UnitOfWork


def plain(value: Any) -> Any:
    """JSON-ready values for audit data."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    return value


def record_events(uow: UnitOfWork, case: Case, actor: Actor) -> None:
    """Every event the case recorded since it was loaded becomes one audit entry."""
    for event in case.events:
        uow.audit.append(
            event.name,
            actor=actor.label,
            at=event.on,
            case_number=case.case_number,
            data=plain({**event.data, "version": case.version}),
        )
    case.events.clear()


def audit(
    uow: UnitOfWork,
    action: str,
    actor: Actor,
    at: datetime,
    case_number: str | None,
    **data: Any,
) -> None:
    uow.audit.append(action, actor=actor.label, at=at, case_number=case_number, data=plain(data))
