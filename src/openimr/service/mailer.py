"""Sending e-mail through SMTP (`OPENIMR_SMTP_URL`), for the notification job.

`smtp://host:port` (plain, as a local relay), `smtp://user:pass@host:587?starttls=1`, or
`smtps://host:465` (TLS from the start). An empty URL means no e-mail: notifications stay
in the app only.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from openimr.domain.errors import InvalidInput
from openimr.service.notify import Email


class Mailer(Protocol):
    def send(self, email: Email) -> None: ...


class SmtpMailer:
    """One SMTP connection per message: the job is small and retried on failure."""

    def __init__(self, url: str, sender: str, timeout: float = 20) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise InvalidInput(
                f"OPENIMR_SMTP_URL must be smtp://host:port or smtps://host:port, got {url!r}",
                field="smtp_url",
            )
        self.tls = parts.scheme == "smtps"
        self.host = parts.hostname
        self.port = parts.port or (465 if self.tls else 25)
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.starttls = parse_qs(parts.query).get("starttls", ["0"])[0] in ("1", "true", "yes")
        self.sender = sender
        self.timeout = timeout

    def send(self, email: Email) -> None:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = email.to
        message["Subject"] = email.subject
        message.set_content(email.body)
        context = ssl.create_default_context()
        if self.tls:
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=context
            )
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with client:
            if self.starttls:
                client.starttls(context=context)
            if self.user:
                client.login(self.user, self.password or "")
            client.send_message(message)
