"""Render a notice of a case as text, HTML and PDF, laid out like the letter.

A notice (notice of assignment, request for information, ineligibility, deferral, conversion
to expedited review) is built into one `NoticeView` from the case, the notice as served and
its wording (the pack's `notice_text.yaml`); text and HTML only lay it out, and the PDF is printed
from the HTML by WeasyPrint, as the letter is. Every notice ends with the service block: date
of mailing, recipients and the proof of service.
"""

from __future__ import annotations

from dataclasses import dataclass

from openimr.domain.case import Case
from openimr.domain.errors import InvalidInput
from openimr.domain.notice import Notice
from openimr.domain.vocabulary import DocumentKind, NoticeKind, PartyRole
from openimr.letters.notice_text import NoticeText, notice_text
from openimr.letters.render import letter_templates, wrap_lines
from openimr.letters.service_block import ServiceBlock, fill, service_block, service_lines


@dataclass(frozen=True)
class NoticeView:
    """What a notice says, before layout."""

    kind: str
    title: str
    organization: str
    organization_address: str
    case_number_heading: str
    case_number: str
    before: tuple[str, ...]
    items: tuple[str, ...]
    after: tuple[str, ...]
    service: ServiceBlock


def _first_name(case: Case, role: PartyRole) -> str:
    found = case.parties_with_role(role)
    return found[0].name if found else "not named"


def notice_values(case: Case, notice: Notice, texts: NoticeText) -> dict[str, str]:
    """Every placeholder a notice's wording may use: case facts and the notice's details."""
    rfa = [d.document_date for d in case.documents if d.kind is DocumentKind.RFA]
    values = {
        "case_number": case.case_number,
        "organization": texts.organization.name,
        "organization_address": texts.organization.address,
        "application_received_on": case.application_received_on.isoformat(),
        "ur_decision_date": case.ur_decision_date.isoformat(),
        "rfa_date": rfa[0].isoformat() if rfa and rfa[0] else "not available",
        "requesting_physician": _first_name(case, PartyRole.REQUESTING_PHYSICIAN),
        "priority": "expedited" if case.priority.value == "expedited" else "regular",
        "mailed_on": notice.mailed_on.isoformat(),
        "served_by": notice.served_by.value,
    }
    for key, value in notice.details.items():
        if not isinstance(value, list):
            values[key] = str(value)
    return values


def build_notice_view(
    case: Case, notice: Notice, title: str, texts: NoticeText | None = None
) -> NoticeView:
    """What `notice` says. The final determination is the letter, not a NoticeView."""
    if notice.kind is NoticeKind.FINAL_DETERMINATION:
        raise InvalidInput("the final determination renders as the letter", field="kind")
    t = texts or notice_text(case.jurisdiction)
    body = t.kinds[notice.kind]
    values = notice_values(case, notice, t)
    where = f"notice_text.yaml: kinds.{notice.kind.value}"
    items: tuple[str, ...] = ()
    if body.list_key == "items":
        items = tuple(i.description for i in case.items)
    elif body.list_key:
        items = tuple(notice.detail_list(body.list_key))
    return NoticeView(
        kind=notice.kind.value,
        title=title,
        organization=t.organization.name,
        organization_address=t.organization.address,
        case_number_heading=t.headings.case_number,
        case_number=case.case_number,
        before=tuple(fill(p, values, where) for p in body.before),
        items=items,
        after=tuple(fill(p, values, where) for p in body.after),
        service=service_block(
            notice,
            title=title,
            case_number=case.case_number,
            jurisdiction=case.jurisdiction,
            texts=t,
        ),
    )


def notice_view_text(view: NoticeView) -> str:
    lines = [
        view.organization,
        *wrap_lines(view.organization_address),
        "",
        view.title.upper(),
        f"{view.case_number_heading}: {view.case_number}",
        "",
    ]
    for paragraph in view.before:
        lines += [*wrap_lines(paragraph), ""]
    for number, item in enumerate(view.items, start=1):
        lines += wrap_lines(f"{number}. {item}", indent="    ")
    if view.items:
        lines.append("")
    for paragraph in view.after:
        lines += [*wrap_lines(paragraph), ""]
    lines += service_lines(view.service, wrap_lines)
    return "\n".join(lines)


def render_notice_text(case: Case, notice: Notice, title: str) -> str:
    return notice_view_text(build_notice_view(case, notice, title))


def render_notice_html(case: Case, notice: Notice, title: str) -> str:
    """The notice as a standalone HTML page (the web view and the PDF source)."""
    view = build_notice_view(case, notice, title)
    return letter_templates().get_template("notice.html.j2").render(notice=view)


def render_notice_pdf(case: Case, notice: Notice, title: str) -> bytes:
    from weasyprint import HTML  # slow import; only the PDF needs it

    pdf = HTML(string=render_notice_html(case, notice, title)).write_pdf()
    assert pdf is not None
    return bytes(pdf)
