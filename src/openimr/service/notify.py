"""Notifications: in the app at once, by e-mail through SMTP from the background worker.

A use case adds the in-app notification in its own transaction (so it exists exactly when
the event does); the `deliver_notifications` job e-mails each one not yet sent to every
account that reads its address and has an e-mail address, through `OPENIMR_SMTP_URL`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from openimr.domain.notification import Notification, recipients_of
from openimr.service.access import Actor
from openimr.service.events import audit
from openimr.service.ports import AccountStore, Clock, UnitOfWork


def notify(
    uow: UnitOfWork,
    recipient: str,
    kind: str,
    case_number: str | None,
    message: str,
    at: datetime,
    *,
    link: str = "",
    key: str = "",
) -> bool:
    """Add one notification (once per recipient, kind, case and `key`), inside `uow`."""
    note = Notification(0, recipient, at, kind, case_number, message, link)
    return uow.notifications.add_once(note, f"{recipient}|{kind}|{case_number}|{key}")


def notify_staff(
    uow: UnitOfWork, kind: str, case_number: str, message: str, at: datetime, *, key: str = ""
) -> bool:
    return notify(
        uow, "staff", kind, case_number, message, at, link=f"/cases/{case_number}", key=key
    )


def notify_reviewer(
    uow: UnitOfWork,
    reviewer_id: str,
    kind: str,
    case_number: str,
    message: str,
    at: datetime,
    *,
    key: str = "",
) -> bool:
    return notify(
        uow,
        f"reviewer:{reviewer_id}",
        kind,
        case_number,
        message,
        at,
        link=f"/reviews/{case_number}",
        key=key,
    )


def notify_parties(
    uow: UnitOfWork,
    party_keys: list[str],
    kind: str,
    case_number: str,
    message: str,
    at: datetime,
    *,
    key: str = "",
) -> int:
    return sum(
        notify(
            uow,
            f"party:{k}",
            kind,
            case_number,
            message,
            at,
            link=f"/my-cases/{case_number}",
            key=key,
        )
        for k in party_keys
    )


@dataclass(frozen=True)
class Inbox:
    notifications: list[Notification]
    unread: int


def my_notifications(
    uow: UnitOfWork, actor: Actor, clock: Clock, *, mark_read: bool = False
) -> Inbox:
    """The notifications addressed to `actor`, newest first; reading them is audited."""
    addresses = recipients_of(actor.role.value, actor.reviewer_id, actor.party_key)
    with uow:
        notes = uow.notifications.for_recipients(addresses)
        unread = uow.notifications.unread_count(addresses)
        if mark_read:
            uow.notifications.mark_read(addresses, clock())
            audit(uow, "NotificationsRead", actor, clock(), None, count=len(notes))
            uow.commit()
    return Inbox(notes, unread)


def unread_count(uow: UnitOfWork, actor: Actor) -> int:
    addresses = recipients_of(actor.role.value, actor.reviewer_id, actor.party_key)
    with uow:
        return uow.notifications.unread_count(addresses)


def set_email(uow: UnitOfWork, username: str, email: str) -> None:
    """Where `username`'s notifications are e-mailed."""
    from openimr.domain.errors import InvalidInput

    if "@" not in email or len(email) > 300 or any(c in email for c in " \r\n,;<>"):
        raise InvalidInput(f"{email!r} is not an e-mail address", field="email")
    with uow:
        uow.notifications.set_email(username, email)
        uow.commit()


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    body: str


def pending_emails(uow: UnitOfWork, accounts: AccountStore) -> list[tuple[int, list[Email]]]:
    """The notifications not yet e-mailed, each with the e-mails it becomes (none when no
    account reading its address has an e-mail address)."""
    users = [u for u in accounts.list_users() if u.active]
    out = []
    with uow:
        for note in uow.notifications.unsent():
            emails = []
            for user in users:
                if note.recipient in recipients_of(user.role, user.reviewer_id, user.party_key):
                    address = uow.notifications.email_of(user.username)
                    if address:
                        subject = f"openimr: {note.message[:70]}"
                        body = f"{note.message}\n\nOpen: {note.link}\n"
                        emails.append(Email(address, subject, body))
            out.append((note.id, emails))
    return out


def mark_emailed(uow: UnitOfWork, note_id: int, at: datetime) -> None:
    with uow:
        uow.notifications.mark_emailed(note_id, at)
        uow.commit()
