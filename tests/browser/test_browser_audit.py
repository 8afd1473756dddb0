"""What the audit of the workbench issue found unproven, each in a real headless Chromium:
axe-core and the phone width on the pages no other test opened, a bad guideline entry
answered on the workbench itself, and the administrator's walk.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.cases import another_case
from tests.browser.conftest import Served, axe_violations, page_width

pytestmark = pytest.mark.browser

SEED_WORKER_KEY = "person:jordan-q-fictional"  # the demo party account's key


def _clean_at_both_widths(people: Any, username: str | None, paths: list[str]) -> None:
    """Each page: zero serious or critical axe violations at 1400 px and at 375 px, and at
    375 px nothing wider than the screen."""
    for width in (1400, 375):
        person = people(username, width=width)
        for path in paths:
            response = person.go(path)
            assert response is not None and response.status == 200, (path, response)
            found = axe_violations(person.page)
            assert not found, (username, width, path, found)
            if width == 375:
                assert page_width(person.page) <= 375, (path, page_width(person.page))


def _notice_path(people: Any, case: str) -> str:
    staff = people("staff")
    staff.go(f"/cases/{case}")
    href = staff.page.locator("#notices tr[data-kind] a").first.get_attribute("href")
    assert href and href.startswith(f"/cases/{case}/notices/"), href
    return href


def test_the_pages_no_other_test_checked_pass_axe_at_both_widths(
    people: Any, served: Served
) -> None:
    ctx = served.ctx
    open_case = another_case(ctx, "Kai Reviews", "CL-1101", "records_received")
    issued = another_case(ctx, "Jordan Q. Fictional", "CL-1102", "published", key=SEED_WORKER_KEY)
    visitor = people(None)
    visitor.go("/decisions?q=lumbar+mri")
    corpus = visitor.page.locator('#results a[href^="/decisions/"]').first.get_attribute("href")
    assert corpus, "no decision of the imported corpus to open"
    notice = _notice_path(people, issued)

    _clean_at_both_widths(people, "reviewer", ["/reviews"])
    reviewer = people("reviewer")
    reviewer.go("/reviews")
    assert open_case in reviewer.page.locator("#reviews").inner_text()  # not an empty page

    party_pages = [f"/my-cases/{issued}", f"/cases/{issued}/letter", notice]
    _clean_at_both_widths(people, "worker", party_pages)
    _clean_at_both_widths(people, "staff", [f"/cases/{issued}/letter", notice])
    _clean_at_both_widths(people, None, [f"/cases/{issued}/letter/public", corpus])
    visitor.go(f"/cases/{issued}/letter/public")
    assert "Jordan Q. Fictional" not in visitor.page.content()  # the redacted letter


def test_a_bad_guideline_entry_is_shown_on_the_workbench_with_what_was_typed(
    people: Any, served: Served
) -> None:
    from playwright.sync_api import expect

    case = another_case(served.ctx, "Lane Guideline", "CL-1103", "records_received")
    reviewer = people("reviewer")
    page = reviewer.page
    reviewer.go(f"/reviews/{case}")
    summary = "A warehouse worker with low back pain since 2011 asks for a hot/cold unit."
    rationale = "Simple heat and cold packs do the same; the powered unit is not necessary."
    page.fill("#clinical_case_summary", summary)
    page.select_option("#decision-1", "upheld")
    page.select_option("#guideline-1-source", "MTUS")
    page.fill("#guideline-1-name", "")  # the source says a guideline, none is named
    page.fill("#guideline-1-edition", "2016")
    page.fill("#guideline-1-sections", "Low Back Complaints; Table 12-8")
    page.fill("#rationale-1", rationale)
    page.check("#attest")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#sign")
    page.wait_for_load_state()

    # The workbench again, not a separate error page; the error names the field and links to it.
    assert page.url.endswith(f"/reviews/{case}"), page.url
    errors = page.locator("#form-errors")
    expect(errors).to_contain_text("Not signed")
    expect(errors).to_contain_text("IMR guideline relied on: name the guideline relied on")
    assert errors.locator('a[href="#guideline-1-name"]').count() == 1
    beside = page.locator("#guideline-1-name-error")
    expect(beside).to_be_visible()
    expect(beside).to_contain_text("name the guideline")
    # Everything the reviewer typed is still there.
    assert page.locator("#clinical_case_summary").input_value() == summary
    assert page.locator("#rationale-1").input_value() == rationale
    assert page.locator("#decision-1").input_value() == "upheld"
    assert page.locator("#guideline-1-source").input_value() == "MTUS"
    assert page.locator("#guideline-1-edition").input_value() == "2016"
    assert page.locator("#guideline-1-sections").input_value() == "Low Back Complaints; Table 12-8"
    assert not axe_violations(page), axe_violations(page)
    reviewer.screenshot("workbench-guideline-error")

    # Named, the same entry signs.
    page.fill("#guideline-1-name", "Low Back Complaints")
    page.check("#attest")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#sign")
    expect(page.locator(".flash")).to_contain_text("Determination signed")


def test_the_administrators_walk(people: Any, served: Served) -> None:
    """The administrator runs the office's pages and the accounts (the JSON API: there is no
    account page); the reviewer's unsigned work stays the reviewer's."""
    from playwright.sync_api import expect

    case = another_case(served.ctx, "Morgan Admin", "CL-1104", "records_received")
    private = "Unsigned musing of the reviewer: zanzibar-quartz"
    reviewer = people("reviewer")
    reviewer.go(f"/reviews/{case}")
    reviewer.page.fill("#rationale-1", private)
    expect(reviewer.page.locator("#draft-status")).to_contain_text("Draft saved", timeout=30_000)

    admin = people("admin")
    page = admin.page
    assert page.url.endswith("/queue"), page.url
    expect(page.locator("header .name")).to_contain_text("Administrator")
    for label in ("Queue", "Workload", "New application", "Analytics"):
        expect(page.locator("nav[aria-label=Main]")).to_contain_text(label)
    admin.go(f"/queue?q={case}&state=all")
    expect(page.locator("#queue-table")).to_contain_text("Morgan Admin")
    page.locator(f'#queue-table a:has-text("{case}")').first.click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_contain_text(case)
    expect(page.locator("main")).to_contain_text("Morgan Admin")  # the office sees the worker
    office_pages = [
        f"/cases/{case}",
        f"/cases/{case}/assignment",
        f"/cases/{case}/search?q=zanzibar",
        "/workload",
        "/intake",
        "/notifications",
        "/analytics",
    ]
    for path in office_pages:
        response = admin.go(path)
        assert response is not None and response.status == 200, (path, response)
        assert not axe_violations(page), (path, axe_violations(page))
        assert "zanzibar-quartz" not in page.content(), path
        if path == "/workload":
            expect(page.locator("#workload tbody tr").first).to_be_visible()
    # The reviewer's workbench and drafts are the reviewer's, not the office's.
    for path in (f"/reviews/{case}", "/reviews"):
        response = admin.go(path)
        assert response is not None and response.status == 403, (path, response)
        assert "zanzibar-quartz" not in page.content(), path
    response = page.request.post(
        f"{served.base}/reviews/{case}/draft", form={"rationale-1": "overwritten"}
    )
    assert response.status in (403, 422), response.status  # no CSRF token, no role: refused

    # Accounts: the administrator lists and creates them; the list carries no secrets.
    token = page.request.post(
        f"{served.base}/api/auth/token",
        data={"username": "admin", "password": "admin-demo-pass"},
    ).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    listed = page.request.get(f"{served.base}/api/users", headers=auth)
    assert listed.status == 200
    assert {"admin", "staff", "reviewer", "worker"} <= {u["username"] for u in listed.json()}
    assert "hash" not in listed.text() and "argon2" not in listed.text()
    assert "pass" not in listed.text().replace("username", "")
    created = page.request.post(
        f"{served.base}/api/users",
        headers=auth,
        data={"username": "clerk2", "password": "clerk2-demo-pass", "role": "staff"},
    )
    assert created.status == 201, created.text()
    clerk = people(None)
    clerk.go("/login")
    clerk.page.fill("#username", "clerk2")
    clerk.page.fill("#password", "clerk2-demo-pass")
    clerk.page.click("main button[type=submit]")
    clerk.page.wait_for_url("**/queue")
    # Staff may not manage accounts.
    staff_token = clerk.page.request.post(
        f"{served.base}/api/auth/token",
        data={"username": "clerk2", "password": "clerk2-demo-pass"},
    ).json()["access_token"]
    refused = clerk.page.request.get(
        f"{served.base}/api/users", headers={"Authorization": f"Bearer {staff_token}"}
    )
    assert refused.status == 403

    # Logged out, Back shows nothing of the case.
    admin.go(f"/cases/{case}")
    page.click("text=Log out")
    page.wait_for_url("**/login")
    page.go_back()
    page.wait_for_load_state()
    assert "Morgan Admin" not in page.content()


def test_an_approaching_deadline_is_told_in_the_app_and_by_email(
    people: Any, served: Served
) -> None:
    """An expedited case's decision is due three days after the records (8 CCR 9792.10.6):
    the deadline scan tells staff and the assigned reviewer, in the app and through SMTP."""
    import time

    from playwright.sync_api import expect

    from openimr.domain.vocabulary import Priority

    case = another_case(
        served.ctx, "Noa Deadline", "CL-1105", "records_received", priority=Priority.EXPEDITED
    )
    jobs = served.ctx.jobs
    job_id = jobs.enqueue("deadline_scan")  # what the worker's periodic task does
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and getattr(jobs.job(job_id), "status", "") != "done":
        time.sleep(0.2)
    assert getattr(jobs.job(job_id), "status", "") == "done"

    for username in ("reviewer", "staff"):
        person = people(username)
        person.go("/notifications")
        notes = person.page.locator("#notifications li", has_text=case)
        note = notes.filter(has_text="Final determination due")
        expect(note).to_have_count(1)
        expect(note).to_contain_text("ends")  # approaching, not passed
        assert note.locator("a").get_attribute("href"), "the notice links to the case"

    def mail_for(address: str) -> list[bytes]:
        return [
            bytes(e.content)
            for e in served.mailbox
            if address in e.rcpt_tos
            and case.encode() in bytes(e.content)
            and b"ends" in bytes(e.content)
        ]

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (
        mail_for("reviewer@example.test") and mail_for("staff@example.test")
    ):
        time.sleep(0.2)
    for address in ("reviewer@example.test", "staff@example.test"):
        found = mail_for(address)
        assert len(found) == 1, (address, found)
        assert b"Subject: openimr:" in found[0]


SCANNED_PR2 = (
    "PRIMARY TREATING PHYSICIAN'S PROGRESS REPORT (PR-2) 2015-05-08\n"
    "Subjective: chronic low back pain since 2011, rated 6/10.\n"
    "History: completed 24 sessions of physical therapy in 2014 without lasting functional "
    "improvement.\n"
    "Objective: lumbar paraspinal tenderness; flexion limited to 40 degrees.\n"
    "Diagnosis: lumbar sprain and strain.\n"
    "Plan: request 12 more sessions of physical therapy. No surgery is planned."
)


def test_a_scanned_records_text_reaches_the_summary_draft_and_the_assist_evidence(
    people: Any, served: Served, tmp_path: Any
) -> None:
    """The records arrive as a fax only (an image PDF without a text layer): what OCR reads
    is what the summary draft and the decision support's evidence are made of."""
    import shutil
    import time

    from playwright.sync_api import expect

    from tests.browser.test_browser_pages import _scanned_pdf

    missing = [t for t in ("ocrmypdf", "tesseract", "pdftoppm") if not shutil.which(t)]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (Debian's ocrmypdf, poppler-utils)")
    case = another_case(
        served.ctx,
        "Olive Fax",
        "CL-1106",
        "assigned",
        disputed="Physical therapy 12 sessions for the lumbar spine",
    )
    scan = _scanned_pdf(SCANNED_PR2, tmp_path)
    staff = people("staff")
    staff.go(f"/cases/{case}")
    staff.page.set_input_files("#records-files", str(scan))
    staff.page.once("dialog", lambda dialog: dialog.accept())
    staff.page.click("text=File the records received")
    expect(staff.page.locator("#documents")).to_contain_text(scan.name)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        staff.go(f"/cases/{case}")
        if staff.page.locator("[data-ocr]").count() == 0:
            break
        time.sleep(1)
    expect(staff.page.locator("#timeline")).to_contain_text("Text recognised (OCR)")

    reviewer = people("reviewer")
    reviewer.go(f"/reviews/{case}")
    page = reviewer.page
    # The summary draft is made of the words OCR read off the fax, and names the fax.
    draft = page.locator("#clinical_case_summary").input_value()
    assert draft.startswith("[DRAFT]"), draft
    for words in ("paraspinal tenderness", "flexion limited to 40 degrees", "24 sessions"):
        assert words in draft, (words, draft)
    assert scan.name in draft or scan.name in page.locator("#summary-sources").inner_text()
    # The decision support's evidence quotes the fax and links to its page.
    panel = page.locator("#assist-1")
    quotes = panel.locator(".criteria q").all_inner_texts()
    assert any("24 sessions of physical therapy" in q for q in quotes), quotes
    source = panel.locator(".criteria a.source").first
    assert "page 1" in source.inner_text()
    source.click()
    page.wait_for_load_state()
    expect(page.locator("#page-number")).to_contain_text("Page 1 of 1")
    assert "recognised by OCR" in page.content()
    assert "24 sessions of physical therapy" in page.locator("#page-text").inner_text()
