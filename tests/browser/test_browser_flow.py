"""The walk, per role, in a real headless Chromium: staff take the seed case from intake to
records received (files attached), the reviewer works on the workbench — the draft marked,
refused at signing while it is still a machine draft, saved as typed and restored after a
new login, kept through an expired session — and signs; staff issue and publish; the party
reads the letter, which never names the reviewer. Every page is checked with axe-core.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Served, axe_violations, page_width

pytestmark = pytest.mark.browser

SEED_REVIEWER = "R-PM-001"
SEED_REVIEWER_NAME = "Riley Imaginary"
RECORD = b"PR-2 progress report 2015-05-08: low back pain 6/10; home heat helps.\n"


def _no_serious_axe(page: Any, where: str) -> None:
    found = axe_violations(page)
    assert not found, f"{where}: {found}"


def test_the_walk_for_every_role(people: Any, served: Served, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    # -- staff: the queue, eligibility (confirmed), assignment (confirmed), records as files --
    staff = people("staff")
    page = staff.page
    expect(page.locator("h1")).to_have_text("Cases")
    _no_serious_axe(page, "queue")
    row = page.locator("#queue-table tbody tr").first
    case_number = row.get_attribute("data-case")
    assert case_number
    row.locator("a").first.click()
    _no_serious_axe(page, "case page")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("text=Decide eligibility")
    expect(page.locator(".flash")).to_contain_text("Eligible")
    # The notice of assignment (8 CCR 9792.10.4(b)): its date of mailing starts the records
    # clock; it is a document of the case, listed with its recipients.
    page.select_option("#notice_served_by", "mail")
    page.click("text=Send the notice of assignment")
    expect(page.locator(".flash")).to_contain_text("Notice of assignment sent")
    expect(page.locator("#notices")).to_contain_text("Notice of Assignment")
    expect(page.locator("#notices")).to_contain_text("(claims administrator)")
    _no_serious_axe(page, "case page with a notice")
    page.click("text=Assign an expert reviewer")
    expect(page.locator("#excluded")).to_contain_text("R-OM-002")
    _no_serious_axe(page, "assignment")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f'#candidates tr[data-reviewer="{SEED_REVIEWER}"] button').click()
    expect(page.locator(".flash")).to_contain_text("Reviewer assigned")
    record = tmp_path / "pr2-2015-05-08.txt"
    record.write_bytes(RECORD)
    page.set_input_files("#records-files", str(record))
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("text=File the records received")
    expect(page.locator(".flash")).to_contain_text("decision clock is running")
    expect(page.locator("#documents")).to_contain_text("pr2-2015-05-08.txt")
    expect(page.locator("#timeline")).to_contain_text("Records filed")
    assert "CaseRead" not in page.locator("#timeline").inner_text()

    # -- reviewer: told of the assignment; the workbench with the assist panel --------------
    reviewer = people("reviewer")
    rpage = reviewer.page
    expect(rpage.locator("#notifications-link")).to_contain_text("Notifications")
    rpage.click(f"text={case_number}")
    _no_serious_axe(rpage, "workbench")
    panel = rpage.locator("#assist-1")
    expect(panel).to_contain_text("Governing citation")
    expect(panel).to_contain_text("Deciding reasons")  # the question that decides, first
    summary = rpage.locator("#clinical_case_summary")
    assert summary.input_value().startswith("[DRAFT]")  # the machine draft is marked
    expect(rpage.locator('[data-flag-for="clinical_case_summary"]')).to_be_visible()
    panel.locator("text=Use draft").click()
    rationale = rpage.locator("#rationale-1")
    assert rationale.input_value().startswith("[DRAFT]")
    expect(rpage.locator('[data-flag-for="rationale-1"]')).to_be_visible()
    if rpage.locator("#decision-1").input_value() == "":
        rpage.select_option("#decision-1", "upheld")
    if not rpage.locator("#guideline-1-source").input_value():
        rpage.select_option("#guideline-1-source", "non-MTUS")
        rpage.fill("#guideline-1-name", "ODG Low Back")
    rpage.check("#attest")
    rpage.once("dialog", lambda dialog: dialog.accept())
    rpage.click("#sign")
    # Refused, with the reasons, and nothing typed is lost.
    expect(rpage.locator("#form-errors")).to_contain_text("Not signed")
    expect(rpage.locator("#form-errors")).to_contain_text("[DRAFT]")
    assert rpage.locator("#rationale-1").input_value().startswith("[DRAFT]")

    # The reviewer writes their own words; the draft is saved on the server as they type.
    own_summary = (
        "A warehouse worker with chronic low back pain since 2011 asks for a hot/cold unit."
    )
    own_rationale = (
        "Home heat and cold packs give the same benefit as a powered unit; the records show "
        "no reason a simple pack would not do. The request is not medically necessary."
    )
    summary.fill(own_summary)
    rationale.fill(own_rationale)
    expect(rpage.locator("#draft-status")).to_contain_text("Draft saved", timeout=30_000)

    # A new login elsewhere finds the typed work, not the machine drafts.
    again = people("reviewer")
    again.go(f"/reviews/{case_number}")
    assert again.page.locator("#clinical_case_summary").input_value() == own_summary
    assert again.page.locator("#rationale-1").input_value() == own_rationale

    # The session expires; the next keystroke asks for the password in place.
    reviewer.context.clear_cookies()
    rationale.fill(own_rationale + " Signed after a new login.")
    dialog = rpage.locator("#renew-dialog")
    expect(dialog).to_be_visible(timeout=30_000)
    rpage.fill("#renew-password", "reviewer-demo-pass")
    rpage.click("#renew-submit")
    expect(dialog).to_be_hidden(timeout=30_000)  # argon2 on a loaded machine takes a while
    expect(rpage.locator("#draft-status")).to_contain_text("Draft saved", timeout=30_000)
    assert rpage.locator("#rationale-1").input_value().endswith("Signed after a new login.")

    rpage.check("#attest")
    rpage.once("dialog", lambda dialog: dialog.accept())
    rpage.click("#sign")
    expect(rpage.locator(".flash")).to_contain_text("Determination signed")
    # What was signed is what the workbench shows now, read only.
    expect(rpage.locator("#signed-notice")).to_be_visible()
    assert rpage.locator("#clinical_case_summary").input_value() == own_summary
    assert rpage.locator("#clinical_case_summary").is_disabled()
    _no_serious_axe(rpage, "signed workbench")
    # Finished cases leave "My reviews".
    reviewer.go("/reviews")
    expect(rpage.locator("#reviews")).not_to_contain_text(case_number)

    # -- staff issue (confirmed) and publish -----------------------------------------------
    staff.go(f"/cases/{case_number}")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("text=Issue the final determination")
    expect(page.locator(".flash")).to_contain_text("issued")
    notices = page.locator("#notices")
    expect(notices).to_contain_text("Final Determination")
    expect(notices.locator("tr[data-kind]")).to_have_count(2)
    staff.screenshot("case-notices-desktop")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("text=Publish the redacted version")
    expect(page.locator(".flash")).to_contain_text("published")
    staff.go(f"/queue?q={case_number}&state=all")
    expect(page.locator("#queue-table")).to_contain_text("Met")  # decided within its clock

    # -- the party: told the letter is out, reads and downloads it, never the reviewer -------
    party = people("worker")
    ppage = party.page
    expect(ppage.locator("#my-cases")).to_contain_text(case_number)
    _no_serious_axe(ppage, "party cases")
    ppage.click(f"text={case_number}")
    with ppage.expect_download() as download_info:
        ppage.click("#party-pdf")
    assert Path(download_info.value.path()).read_bytes().startswith(b"%PDF")
    # The notices sent to the party are listed on its page and download as PDF.
    expect(ppage.locator("#notices tr[data-kind]")).to_have_count(2)
    with ppage.expect_download() as notice_download:
        ppage.locator('#notices tr[data-kind="assignment"] a', has_text="PDF").click()
    assert Path(notice_download.value.path()).read_bytes().startswith(b"%PDF")
    party.screenshot("party-notices")
    party.go(f"/cases/{case_number}/letter")
    text = ppage.locator("#letter-text").inner_text()
    assert "HOW THE IMR FINAL DETERMINATION WAS MADE" in text
    assert "PROOF OF SERVICE" in text and "Date of mailing" in text
    assert own_rationale.split(";")[0] in text
    for page_text in (text, ppage.content()):
        assert SEED_REVIEWER not in page_text and SEED_REVIEWER_NAME not in page_text
    party.go("/notifications")
    expect(ppage.locator("#notifications")).to_contain_text("final determination")
    response = party.go(f"/cases/{case_number}/assignment")
    assert response is not None and response.status == 403

    # The case page with its notices at phone width: nothing wider than the screen.
    phone = people("staff", width=375)
    phone.go(f"/cases/{case_number}")
    expect(phone.page.locator("#notices tr[data-kind]")).to_have_count(2)
    assert page_width(phone.page) <= 375, page_width(phone.page)
    _no_serious_axe(phone.page, "case page with notices, phone")
    phone.screenshot("case-notices-phone")

    # -- e-mail went out through SMTP: the reviewer's assignment, the party's letter --------
    import time

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and len(served.mailbox) < 2:
        time.sleep(0.2)
    to = {rcpt for envelope in served.mailbox for rcpt in envelope.rcpt_tos}
    assert "reviewer@example.test" in to and "worker@example.test" in to
