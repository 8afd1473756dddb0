"""The SMTP adapter against a real local SMTP server (aiosmtpd), and its URL checks."""

from __future__ import annotations

import pytest

from openimr.domain.errors import InvalidInput
from openimr.service.mailer import SmtpMailer
from openimr.service.notify import Email
from tests.served import free_port


def test_a_notification_email_reaches_the_smtp_server() -> None:
    controller_module = pytest.importorskip("aiosmtpd.controller")
    received = []

    class Collect:
        async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
            received.append(envelope)
            return "250 OK"

    port = free_port()
    smtp = controller_module.Controller(Collect(), hostname="127.0.0.1", port=port)
    smtp.start()
    try:
        mailer = SmtpMailer(f"smtp://127.0.0.1:{port}", "openimr <no-reply@example.test>")
        mailer.send(Email("reviewer@example.test", "openimr: assigned", "Case CM15-0100001"))
    finally:
        smtp.stop()
    assert received[0].rcpt_tos == ["reviewer@example.test"]
    assert b"Subject: openimr: assigned" in received[0].content


@pytest.mark.parametrize("url", ["http://mail:25", "smtp://", "mail.example.test:25"])
def test_a_bad_smtp_url_names_the_setting(url: str) -> None:
    with pytest.raises(InvalidInput, match="OPENIMR_SMTP_URL"):
        SmtpMailer(url, "x@example.test")
