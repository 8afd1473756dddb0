"""Every smaller point of the workbench issue, each in a real headless Chromium: nothing
private after logout, Back that goes back, no spoofed notices, filters that wait, visible
focus, every case findable, the phone layout, public decisions, the ineligible case that
comes back, decline/recuse and records requests, and a scanned record read by OCR.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.browser.cases import another_case
from tests.browser.conftest import Served, axe_violations, page_width

pytestmark = pytest.mark.browser


def test_logout_then_back_shows_nothing_private(people: Any, served: Served) -> None:
    case = another_case(served.ctx, "Avery Private", "CL-111", "eligible")
    staff = people("staff")
    response = staff.go(f"/cases/{case}")
    assert response.headers["cache-control"] == "no-store"
    assert "Avery Private" in staff.page.content()
    staff.page.click("text=Log out")
    staff.page.wait_for_url("**/login")
    staff.page.go_back()
    staff.page.wait_for_load_state()
    assert "Avery Private" not in staff.page.content()
    assert "/login" in staff.page.url


def test_the_error_page_back_goes_back(people: Any, served: Served) -> None:
    staff = people("staff")
    staff.go("/queue?state=all")
    staff.go("/cases/CM99-9999999")
    assert "no case CM99-9999999" in staff.page.content()
    staff.page.click("a[data-back]")
    staff.page.wait_for_url("**/queue?state=all")


def test_a_link_cannot_put_words_in_the_notice(people: Any, served: Served) -> None:
    staff = people("staff")
    staff.go("/queue?flash=Your+account+is+locked:+call+555-0100")
    assert staff.page.locator(".flash").count() == 0
    staff.go("/queue?flash=assigned")
    assert staff.page.locator(".flash").inner_text() == "Reviewer assigned."


def test_confirm_before_deciding_eligibility(people: Any, served: Served) -> None:
    case = another_case(served.ctx, "Blake Confirm", "CL-222")
    staff = people("staff")
    staff.go(f"/cases/{case}")
    staff.page.once("dialog", lambda dialog: dialog.dismiss())
    staff.page.click("text=Decide eligibility")
    assert staff.page.locator(".flash").count() == 0  # nothing happened
    staff.page.once("dialog", lambda dialog: dialog.accept())
    staff.page.click("text=Decide eligibility")
    assert "Eligible" in staff.page.locator(".flash").inner_text()


def test_filters_wait_for_the_button_and_focus_is_visible(people: Any, served: Served) -> None:
    staff = people("staff")
    staff.go("/queue")
    url = staff.page.url
    staff.page.focus("#state")
    staff.page.keyboard.press("ArrowDown")
    staff.page.wait_for_timeout(500)
    assert staff.page.url == url
    staff.page.focus("#q")
    staff.page.keyboard.press("Tab")
    outline = staff.page.evaluate(
        "getComputedStyle(document.activeElement).outlineStyle + ' ' + "
        "getComputedStyle(document.activeElement).outlineWidth"
    )
    assert outline.split()[0] != "none" and outline.split()[1] != "0px", outline


def test_every_case_is_found_by_number_worker_claim_and_state(people: Any, served: Served) -> None:
    ctx = served.ctx
    unsigned = another_case(ctx, "Quinn Unsigned", "CL-333", signed=False)  # ineligible
    published = another_case(ctx, "Dana Published", "CL-444", "published")
    staff = people("staff")
    table = staff.page.locator("#queue-table")
    staff.go("/queue?q=quinn")
    assert unsigned in table.inner_text() and "Not eligible" in table.inner_text()
    staff.go("/queue?q=CL-444")
    assert published in table.inner_text()
    staff.go(f"/queue?q={published[-5:]}")
    assert "Dana Published" in table.inner_text()
    staff.go("/queue?state=published")
    assert published in table.inner_text()
    staff.go("/queue?state=all&sort=due")
    assert unsigned in table.inner_text() and published in table.inner_text()
    options = staff.page.locator("#state option").all_inner_texts()
    assert {"Not eligible", "Letter issued", "Published"} <= set(options)
    staff.go("/workload")
    assert staff.page.locator("#workload tbody tr").count() >= 3


def test_phone_width_has_no_horizontal_scroll(people: Any, served: Served) -> None:
    case = another_case(served.ctx, "Emery Phone", "CL-555", "records_received")
    staff = people("staff", width=375)
    for path in ("/queue", f"/cases/{case}", "/decisions?q=lumbar", "/workload", "/analytics"):
        staff.go(path)
        assert page_width(staff.page) <= 375, (path, page_width(staff.page))
        assert staff.page.locator("text=Log out").is_visible()
        assert not axe_violations(staff.page), (path, axe_violations(staff.page))
    reviewer = people("reviewer", width=375)
    reviewer.go(f"/reviews/{case}")
    assert page_width(reviewer.page) <= 375, page_width(reviewer.page)
    columns = reviewer.page.evaluate(
        "getComputedStyle(document.querySelector('.workbench')).gridTemplateColumns"
    )
    assert len(columns.split()) == 1, columns
    assert not axe_violations(reviewer.page)


def test_public_decisions_and_analytics_need_no_login(people: Any, served: Served) -> None:
    published = another_case(served.ctx, "Frankie Public", "CL-666", "published")
    visitor = people(None)
    visitor.go("/decisions?q=hot+cold+unit")
    results = visitor.page.locator("#results")
    assert published in results.inner_text() and "published here" in results.inner_text()
    assert not axe_violations(visitor.page)
    visitor.page.click("#results a >> nth=0")
    visitor.page.wait_for_load_state()
    assert "/letter/public" in visitor.page.url or "/decisions/" in visitor.page.url
    assert "Frankie Public" not in visitor.page.content()
    visitor.go("/decisions?q=lumbar+mri")
    corpus = visitor.page.locator('#results a[href^="/decisions/"]').first
    corpus.click()
    visitor.page.wait_for_load_state()
    assert "Published decision CM1" in visitor.page.locator("h1").inner_text()
    response = visitor.go("/analytics")
    assert response is not None and response.status == 200 and "/login" not in visitor.page.url
    assert not axe_violations(visitor.page)


def test_an_ineligible_case_comes_back_when_the_document_arrives(
    people: Any, served: Served, tmp_path: Path
) -> None:
    case = another_case(served.ctx, "Gray Unsigned", "CL-777", signed=False)
    staff = people("staff")
    staff.go(f"/cases/{case}")
    assert "Not eligible" in staff.page.locator("h1").inner_text()
    signed = tmp_path / "dwc-form-imr-signed.txt"
    signed.write_text("DWC Form IMR, signed by the employee on 2015-05-28.\n")
    staff.page.click("text=Add documents")
    staff.page.select_option("#add-kind", "application")
    staff.page.set_input_files("#add-files", str(signed))
    staff.page.click("text=Add to the case file")
    assert "dwc-form-imr-signed.txt" in staff.page.locator("#documents").inner_text()
    staff.page.fill("#reopen-reason", "the signed application arrived")
    staff.page.once("dialog", lambda dialog: dialog.accept())
    staff.page.click("text=Decide eligibility again")
    timeline = staff.page.locator("#timeline").inner_text()
    assert "Eligibility reopened: the signed application arrived" in timeline
    assert "Documents added" in timeline


def test_the_reviewer_asks_for_records_then_recuses(people: Any, served: Served) -> None:
    case = another_case(served.ctx, "Harper Recuse", "CL-888", "records_received")
    reviewer = people("reviewer")
    reviewer.go(f"/reviews/{case}")
    reviewer.page.fill("#records-what", "the lumbar MRI report of 2015")
    reviewer.page.click("text=Request more records")
    assert "request for more records was sent" in reviewer.page.locator(".flash").inner_text()
    staff = people("staff")
    staff.go(f"/cases/{case}")
    assert "the lumbar MRI report of 2015" in staff.page.locator("#records-requests").inner_text()
    reviewer.go(f"/reviews/{case}")
    reviewer.page.check("input[value=recuse]")
    reviewer.page.fill("#release-reason", "I examined this worker in 2014")
    reviewer.page.once("dialog", lambda dialog: dialog.accept())
    reviewer.page.click("text=Give the case back")
    assert "excluded" in reviewer.page.locator(".flash").inner_text()
    assert case not in reviewer.page.locator("#reviews").inner_text()
    staff.go(f"/cases/{case}")
    assert "Eligible" in staff.page.locator("h1").inner_text()
    assert "recused: I examined this worker in 2014" in staff.page.locator("#timeline").inner_text()
    staff.go(f"/cases/{case}/assignment")
    excluded = staff.page.locator("#excluded").inner_text()
    assert "R-PM-001" in excluded


def _scanned_pdf(text: str, folder: Path) -> Path:
    """A records PDF rendered from text, rasterised at 200 dpi, put back as image-only PDF:
    what a fax or a scanner gives."""
    from PIL import Image
    from weasyprint import HTML

    html = f"<pre style='font: 12pt serif; white-space: pre-wrap'>{text}</pre>"
    (folder / "typed.pdf").write_bytes(HTML(string=html).write_pdf())
    subprocess.run(
        ["pdftoppm", "-r", "200", "-gray", "-png", str(folder / "typed.pdf"), str(folder / "p")],
        check=True,
    )
    pages = [Image.open(p).convert("L") for p in sorted(folder.glob("p*.png"))]
    scan = folder / "faxed-mri-report.pdf"
    pages[0].save(scan, save_all=True, append_images=pages[1:], resolution=200)
    return scan


def test_a_scanned_record_is_read_by_ocr_and_shown_page_by_page(
    people: Any, served: Served, tmp_path: Path
) -> None:
    import shutil

    if not shutil.which("ocrmypdf") or not shutil.which("pdftoppm"):
        pytest.skip("ocrmypdf or pdftoppm is not installed; CI installs them")
    case = another_case(served.ctx, "Indigo Scan", "CL-999", "records_received")
    scan = _scanned_pdf(
        "MRI LUMBAR SPINE 2015-04-20\nImpression: disc protrusion at L4-L5 touching the "
        "left L5 nerve root.\nNo fracture.",
        tmp_path,
    )
    staff = people("staff")
    staff.go(f"/cases/{case}")
    staff.page.click("text=Add documents")
    staff.page.set_input_files("#add-files", str(scan))
    staff.page.click("text=Add to the case file")
    # The OCR job runs in the background; the case page shows it until it is done.
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        staff.go(f"/cases/{case}")
        if staff.page.locator("[data-ocr]").count() == 0:
            break
        time.sleep(1)
    staff.go(f"/cases/{case}/search?q=protrusion")
    hit = staff.page.locator("#hits a").first
    assert "page 1" in hit.inner_text()
    hit.click()
    staff.page.wait_for_load_state()
    assert "Page 1 of 1" in staff.page.locator("#page-number").inner_text()
    assert "recognised by OCR" in staff.page.content()
    assert "protrusion" in staff.page.locator("#page-text").inner_text().lower()
    assert staff.page.locator(".page-image img").evaluate("i => i.naturalWidth") > 0
    assert not axe_violations(staff.page)
    staff.go(f"/cases/{case}")
    assert "Text recognised (OCR)" in staff.page.locator("#timeline").inner_text()
    reviewer = people("reviewer")
    reviewer.go(f"/reviews/{case}")
    assert "faxed-mri-report.pdf" in reviewer.page.content()


def test_every_other_page_passes_axe_and_speaks_in_words(people: Any, served: Served) -> None:
    """The pages the other tests do not open: login, intake, notifications, the error page,
    the party's case, the case-file search; and no raw code or party key in what people read."""
    case = another_case(served.ctx, "Jules Words", "CL-1010", "records_received")
    visitor = people(None)
    visitor.go("/login")
    assert not axe_violations(visitor.page), axe_violations(visitor.page)
    staff = people("staff")
    pages = ("/intake", "/notifications", "/cases/CM99-9999999", f"/cases/{case}/search?q=pain")
    for path in pages:
        staff.go(path)
        assert not axe_violations(staff.page), (path, axe_violations(staff.page))
    staff.go(f"/cases/{case}")
    text = staff.page.locator("main").inner_text()
    for raw in ("records_received", "injured_worker", "claims_administrator", "ur_decision"):
        assert raw not in text, raw
    party = people("worker")
    assert "person:" not in party.page.locator("header").inner_text()
    assert "Jordan Q. Fictional" in party.page.locator("header").inner_text()
    party.go("/notifications")
    assert not axe_violations(party.page), axe_violations(party.page)


def test_the_admin_manages_accounts_on_their_page(people: Any, served: Served) -> None:
    admin = people("admin")
    admin.page.click("header nav >> text=Accounts")
    admin.page.wait_for_url("**/admin/users")
    assert admin.page.locator("#accounts tr[data-username=reviewer]").count() == 1
    assert not axe_violations(admin.page), axe_violations(admin.page)
    # A taken username: the service's message, on the page, next to the field.
    admin.page.fill("#username", "staff")
    admin.page.fill("#password", "a-long-enough-pass")
    admin.page.select_option("#role", "staff")
    admin.page.click("#create-account button[type=submit]")
    assert "already exists" in admin.page.locator("#username-error").inner_text()
    assert admin.page.locator("#password").input_value() == ""  # never sent back
    assert not axe_violations(admin.page), axe_violations(admin.page)
    admin.page.fill("#username", "clerk-browser")
    admin.page.fill("#password", "a-long-enough-pass")
    admin.page.click("#create-account button[type=submit]")
    assert admin.page.locator(".flash").inner_text() == "Account created."
    revoke = "tr[data-username=clerk-browser] button"
    admin.page.once("dialog", lambda dialog: dialog.dismiss())
    admin.page.click(revoke)
    assert admin.page.locator(".flash").inner_text() == "Account created."  # nothing happened
    admin.page.once("dialog", lambda dialog: dialog.accept())
    admin.page.click(revoke)
    assert "API tokens revoked" in admin.page.locator(".flash").inner_text()

    phone = people("admin", width=375)
    phone.go("/admin/users")
    assert page_width(phone.page) <= 375, page_width(phone.page)
    assert not axe_violations(phone.page), axe_violations(phone.page)

    staff = people("staff")
    assert staff.go("/admin/users").status == 403
    assert staff.page.locator("header nav >> text=Accounts").count() == 0
