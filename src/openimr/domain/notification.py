"""Notifications to users: shown in the app and sent by e-mail when an address is known."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Notification:
    """One message to a recipient about one case. A recipient is an address, not a login:
    "staff" (the staff's shared inbox), "reviewer:<id>" or "party:<key>"."""

    id: int
    recipient: str
    at: datetime
    kind: str  # assignment | deadline | letter_issued | records_requested | released
    case_number: str | None
    message: str
    link: str
    read_at: datetime | None = None


def recipients_of(role: str, reviewer_id: str | None, party_key: str | None) -> list[str]:
    """The addresses a user with this role reads."""
    if role in ("staff", "admin"):
        return ["staff"]
    if role == "reviewer" and reviewer_id:
        return [f"reviewer:{reviewer_id}"]
    if role == "party" and party_key:
        return [f"party:{party_key}"]
    return []
