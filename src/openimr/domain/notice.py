"""Written notices of a case: who they went to, when, how, and who declares it.

A notice is a document of the case (8 CCR 9792.10.3, 9792.10.4, 9792.10.6): its kind, the
date of mailing (or sending), the service method, each recipient, and the person who served it
and signs the proof of service. `details` keeps the facts the notice stated when it was sent
(reasons, what was asked, a due date) so that it renders the same later.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from openimr.domain.errors import InvalidInput
from openimr.domain.vocabulary import NoticeKind, ServiceMethod


@dataclass(frozen=True)
class NoticeRecipient:
    """One person or organisation a notice went to, at the address it was sent to."""

    role: str  # a party role of the case's jurisdiction pack
    name: str
    party_key: str
    address: str | None = None


@dataclass(frozen=True)
class Notice:
    """One notice as served."""

    notice_id: str  # N1, N2 ... within the case
    kind: NoticeKind
    mailed_on: date  # date of mailing (or of sending, when served electronically)
    served_by: ServiceMethod
    recipients: tuple[NoticeRecipient, ...]
    server_name: str  # who served it: the declarant of the proof of service
    details: dict[str, object] = field(default_factory=dict)
    content_sha256: str | None = None  # the text as served, for the audit trail

    def __post_init__(self) -> None:
        if not self.recipients:
            raise InvalidInput(f"notice {self.notice_id} names no recipient", field="recipients")
        if not self.server_name.strip():
            raise InvalidInput("a notice needs the name of who served it", field="server_name")

    def is_addressed_to(self, party_key: str | None) -> bool:
        return party_key is not None and any(r.party_key == party_key for r in self.recipients)

    def detail_list(self, key: str) -> list[str]:
        value = self.details.get(key, [])
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]

    def detail(self, key: str, default: str = "") -> str:
        value = self.details.get(key)
        return default if value is None else str(value)
