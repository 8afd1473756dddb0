"""The end of every notice and of the final determination letter: the date of mailing, who
it was sent to, and the proof of service signed by the person who served it.

The appeal clock runs from service of the determination (8 CCR 10575(c); LC 4610.6(h)), so
the letter says when and how it was served and on whom.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from openimr.domain.errors import RuleDataError
from openimr.domain.notice import Notice
from openimr.letters.notice_text import NoticeText, notice_text
from openimr.rules.pack import load_pack


def role_label(jurisdiction: str, role: str) -> str:
    """How the pack names a party role ("Claims administrator"); the id when it has none."""
    found = load_pack(jurisdiction).role(role)
    return found.label if found else role.replace("_", " ")


@dataclass(frozen=True)
class RecipientLine:
    name: str
    role: str
    address: str

    def text(self) -> str:
        return f"{self.name}, {self.role}; {self.address}"


@dataclass(frozen=True)
class ServiceBlock:
    """What the end of a served document says."""

    date_heading: str
    mailed_on: str
    served_by: str
    recipients_heading: str
    recipients: tuple[RecipientLine, ...]
    proof_heading: str
    proof: str


def fill(template: str, values: dict[str, str], where: str) -> str:
    """`template` with its {placeholders} filled; a missing one is a RuleDataError."""
    try:
        return " ".join(template.format_map(values).split())
    except KeyError as err:
        raise RuleDataError(
            f"{where}: the text names {{{err.args[0]}}}, which this notice does not have",
            field=where,
        ) from err


def service_block(
    notice: Notice,
    *,
    title: str,
    case_number: str,
    jurisdiction: str,
    texts: NoticeText | None = None,
) -> ServiceBlock:
    """The service block of `notice` (a notice or the final determination)."""
    t = texts or notice_text(jurisdiction)
    recipients = tuple(
        RecipientLine(r.name, role_label(jurisdiction, r.role), r.address or "address on file")
        for r in notice.recipients
    )
    proof = fill(
        t.proof_of_service,
        {
            "server": notice.server_name,
            "organization": t.organization.name,
            "mailed_on": notice.mailed_on.isoformat(),
            "title": title,
            "case_number": case_number,
            "recipients_heading": t.headings.recipients,
            "method": t.service_methods[notice.served_by],
        },
        "proof_of_service",
    )
    return ServiceBlock(
        date_heading=t.headings.date_of_mailing,
        mailed_on=notice.mailed_on.isoformat(),
        served_by=notice.served_by.value,
        recipients_heading=t.headings.recipients,
        recipients=recipients,
        proof_heading=t.headings.proof_of_service,
        proof=proof,
    )


def service_lines(block: ServiceBlock, wrap: Callable[..., list[str]]) -> list[str]:
    """The service block as text lines; `wrap(text, indent=...)` is the document's wrapper."""
    lines = [f"{block.date_heading}: {block.mailed_on} (served by {block.served_by})", ""]
    lines.append(block.recipients_heading)
    for r in block.recipients:
        lines += wrap(r.text(), indent="    ")
    lines += ["", block.proof_heading, *wrap(block.proof), ""]
    return lines
