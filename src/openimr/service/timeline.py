"""A case's timeline: the events that moved it, in words, from its audit trail.

The audit trail keeps every read and write (who looked at the case and when); the timeline
shows staff what happened to the case. Reads (CaseRead, DocumentRead, AuditTrailRead…) stay
in the full audit trail and out of the timeline.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openimr.service.access import Actor
from openimr.service.ports import Clock, UnitOfWork
from openimr.service.queries import audit_trail


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime
    actor: str
    what: str
    action: str


def _list(value: Any) -> str:
    return "; ".join(str(v) for v in value) if isinstance(value, list) else str(value or "")


# How a release reads (ReleaseKind values; "recuse" is how older entries said it).
RELEASED_AS = {
    "decline": "declined",
    "recusal": "recused",
    "recuse": "recused",
    "missed_deadline": "was taken off (internal deadline missed)",
}

# Action -> the sentence that tells it (from the entry's data).
EVENTS: dict[str, Callable[[dict[str, Any]], str]] = {
    "ApplicationReceived": lambda d: "Application for IMR received",
    "FoundEligible": lambda d: "Found eligible",
    "FoundIneligible": lambda d: "Found not eligible: " + _list(d.get("reasons")),
    "ReviewerAssigned": lambda d: f"Expert reviewer {d.get('reviewer_id', '')} assigned",
    "RecordsReceived": lambda d: f"Records received (served by {d.get('served_by', '')})",
    "RecordsFiled": lambda d: "Records filed: " + (_list(d.get("documents")) or "no files"),
    "DocumentsAdded": lambda d: "Documents added: " + _list(d.get("documents")),
    "DocumentTextRead": lambda d: (
        f"Text recognised (OCR) in {d.get('document_id', '')}: {d.get('pages', '')} page(s)"
    ),
    "DeterminationSigned": lambda d: "Determination signed by the expert reviewer",
    "DeterminationIssued": lambda d: "Final determination issued to the parties",
    "DeterminationPublished": lambda d: "Redacted determination published",
    "CaseWithdrawn": lambda d: f"Withdrawn: {d.get('reason', '')}",
    "ReviewerReleased": lambda d: (
        f"Reviewer {d.get('reviewer_id', '')} "
        f"{RELEASED_AS.get(str(d.get('kind')), 'declined')}: {d.get('reason', '')}"
    ),
    "ReviewerReassigned": lambda d: f"Reassigned to reviewer {d.get('reviewer_id', '')}",
    "AssignmentWaiting": lambda d: f"Waiting for a reviewer: {d.get('reason', '')}",
    "RecordsRequested": lambda d: f"Expert reviewer asked for more records: {d.get('what', '')}",
    "EligibilityReopened": lambda d: f"Eligibility reopened: {d.get('reason', '')}",
    "NoticeServed": lambda d: (
        f"Notice served: {str(d.get('kind', '')).replace('_', ' ')} "
        f"(date of mailing {d.get('mailed_on', '')}, by {d.get('served_by', '')})"
    ),
    "ReviewDeferred": lambda d: "Deferred: " + _list(d.get("reasons")),
    "DeferralEnded": lambda d: f"Deferral ended on {d.get('on', '')}: {d.get('reason', '')}",
    "ConvertedToExpedited": lambda d: f"Converted to expedited review on {d.get('on', '')}",
}


def case_timeline(
    case_number: str, uow: UnitOfWork, actor: Actor, clock: Clock
) -> list[TimelineEvent]:
    """The case's events that matter, oldest first (staff only, as the audit trail)."""
    events = []
    for entry in audit_trail(case_number, uow, actor, clock):
        tell = EVENTS.get(entry.action)
        if tell is not None:
            events.append(TimelineEvent(entry.at, entry.actor, tell(entry.details), entry.action))
    return events
