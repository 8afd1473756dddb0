"""Every notice renders as text, HTML and PDF that say the same thing, ending with its service."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from openimr.domain.errors import RuleDataError
from openimr.domain.notice import Notice, NoticeRecipient
from openimr.domain.vocabulary import DocumentKind, NoticeKind, PartyRole, ServiceMethod
from openimr.letters.notice_text import load_notice_text
from openimr.letters.notices import (
    build_notice_view,
    render_notice_html,
    render_notice_pdf,
    render_notice_text,
)
from openimr.pdftext import pdf_text
from tests.factories import make_case, make_document

DETAILS: dict[NoticeKind, dict[str, object]] = {
    NoticeKind.ASSIGNMENT: {
        "eligibility_found_on": "2015-06-03",
        "records_due": "2015-06-19",
        "records_rule": "8 CCR 9792.10.5(a)(1)",
        "records_basis": "15 days after 2015-06-04",
    },
    NoticeKind.INFORMATION_REQUEST: {
        "asked": ["A copy of the UR decision", "The signed DWC Form IMR"],
        "answer_due": "2015-06-11",
        "answer_rule": "8 CCR 9792.10.3(c)",
    },
    NoticeKind.INELIGIBILITY: {
        "reasons": ["The application is not signed (8 CCR 9792.10.1(b)(1))"],
        "appeal_due": "2015-07-09",
        "appeal_basis": "30 days + 5 for mail",
    },
    NoticeKind.DEFERRAL: {"reasons": ["Liability is disputed (8 CCR 9792.10.3(d))"]},
    NoticeKind.EXPEDITED_CONVERSION: {"converted_on": "2015-06-08"},
}
KINDS = list(DETAILS)


def notice(kind: NoticeKind, served_by: ServiceMethod = ServiceMethod.MAIL) -> Notice:
    return Notice(
        "N1",
        kind,
        date(2015, 6, 4),
        served_by,
        (
            NoticeRecipient(
                PartyRole.INJURED_WORKER, "Pat Testworker", "person:pat", "1 Test St, CA"
            ),
            NoticeRecipient(PartyRole.CLAIMS_ADMINISTRATOR, "Test Mutual", "org:test-mutual"),
        ),
        "Casey Clerk",
        DETAILS[kind],
    )


CASE = make_case(documents=[make_document(), make_document(DocumentKind.RFA, 2)])


@pytest.mark.parametrize("kind", KINDS, ids=[k.value for k in KINDS])
def test_each_notice_has_its_body_recipients_and_proof_of_service(kind: NoticeKind) -> None:
    text = render_notice_text(CASE, notice(kind), "A Title")
    assert "A TITLE" in text and CASE.case_number in text
    assert "Date of mailing: 2015-06-04 (served by mail)" in text
    assert "Pat Testworker, Injured worker; 1 Test St, CA" in text
    assert "Test Mutual, Claims administrator; address on file" in text
    assert "PROOF OF SERVICE" in text and "I, Casey Clerk, declare" in text
    assert "{" not in text  # every placeholder was filled
    html = render_notice_html(CASE, notice(kind), "A Title")
    assert "<h1>A Title</h1>" in html and "Casey Clerk" in html


def test_the_lists_a_notice_states_are_numbered() -> None:
    text = render_notice_text(CASE, notice(NoticeKind.INFORMATION_REQUEST), "Request")
    assert "1. A copy of the UR decision" in text and "2. The signed DWC Form IMR" in text
    view = build_notice_view(CASE, notice(NoticeKind.ASSIGNMENT), "Notice")
    assert view.items == ("Hot/Cold unit for the lumbar spine",)
    assert any("Request for authorization: 2015-05-15." in p for p in view.before)


def test_the_proof_of_service_describes_how_it_was_served() -> None:
    mailed = " ".join(render_notice_text(CASE, notice(NoticeKind.DEFERRAL), "T").split())
    electronic = notice(NoticeKind.DEFERRAL, ServiceMethod.ELECTRONIC)
    sent = " ".join(render_notice_text(CASE, electronic, "T").split())
    assert "United States Postal Service" in mailed
    assert "electronic address" in sent and "Postal" not in sent


def test_the_pdf_says_what_the_text_says() -> None:
    pdf = render_notice_pdf(CASE, notice(NoticeKind.INELIGIBILITY), "Ineligibility Notice")
    assert pdf.startswith(b"%PDF")
    words = " ".join(pdf_text(pdf).split())
    assert "Ineligibility Notice" in words and "How to appeal" in words
    assert "PROOF OF SERVICE" in words and "2015-07-09" in words


def test_a_notice_missing_a_fact_its_text_names_is_an_error_not_a_blank() -> None:
    bare = Notice(
        "N1", NoticeKind.ASSIGNMENT, date(2015, 6, 4), ServiceMethod.MAIL,
        notice(NoticeKind.ASSIGNMENT).recipients, "Casey Clerk", {},
    )  # fmt: skip
    with pytest.raises(RuleDataError, match="which this notice does not have"):
        render_notice_text(CASE, bare, "T")


def test_a_notice_text_file_without_every_kind_is_refused(tmp_path: Path) -> None:
    source = Path(__file__).parents[3] / "src/openimr/rules/data/ca_dwc/notice_text.yaml"
    text = source.read_text(encoding="utf-8")
    cut = text.split("  deferral:")[0]  # drops deferral and the kinds after it
    bad = tmp_path / "notice_text.yaml"
    bad.write_text(cut, encoding="utf-8")
    with pytest.raises(RuleDataError, match="no text for"):
        load_notice_text(bad, "ca_dwc")
