"""The web pages in a real headless Chromium (Playwright, Debian's /usr/bin/chromium).

Staff take the seed case from intake to an issued letter; the reviewer signs with the
assist panel shown; the party downloads the letter and never sees the reviewer.
Screenshots of every open page go to test-artifacts/ when a step fails.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from openimr.commands.serve import prepare
from openimr.server import create_app
from openimr.settings import Settings
from tests.served import free_port

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = os.environ.get("OPENIMR_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SEED_REVIEWER = "R-PM-001"
SEED_REVIEWER_NAME = "Riley Imaginary"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`openimr serve`'s app (seed case at intake, demo accounts) on a free port, in a thread."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium is not installed ({CHROMIUM}); CI installs it")
    pytest.importorskip("playwright.sync_api")
    import uvicorn

    data = Path(tmp_path_factory.mktemp("browser"))
    settings = Settings(data_dir=data, environment="test", secret_key="browser-test-secret")
    prepare(settings, load_seed=True)
    port = free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
        yield launched
        launched.close()


class Session:
    """One logged-in browser context per person; screenshots on failure."""

    def __init__(self, browser: object, base: str, name: str) -> None:
        self.context = browser.new_context(accept_downloads=True)  # type: ignore[attr-defined]
        self.page = self.context.new_page()
        self.base = base
        self.name = name

    def login(self, username: str, password: str) -> None:
        self.page.goto(f"{self.base}/login")
        self.page.fill("#username", username)
        self.page.fill("#password", password)
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state()

    def screenshot(self, label: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{label}-{self.name}.png"), full_page=True)


def test_seed_case_from_intake_to_issued_letter(browser: object, server: str) -> None:
    staff = Session(browser, server, "staff")
    reviewer = Session(browser, server, "reviewer")
    party = Session(browser, server, "party")
    sessions = [staff, reviewer, party]
    try:
        _run_the_case(staff, reviewer, party)
    except Exception:
        for session in sessions:
            session.screenshot("failure")
        raise
    finally:
        for session in sessions:
            session.context.close()


def _run_the_case(staff: Session, reviewer: Session, party: Session) -> None:
    from playwright.sync_api import expect

    # Staff: the queue shows the seed case at intake with its clock column.
    staff.login("staff", "staff-demo-pass")
    expect(staff.page.locator("h1")).to_have_text("Open cases")
    row = staff.page.locator("#queue-table tbody tr").first
    case_number = row.get_attribute("data-case")
    assert case_number
    row.locator("a").first.click()
    expect(staff.page.locator("iframe.pdf")).to_be_visible()  # the case file shown in the page

    staff.page.click("text=Decide eligibility")
    expect(staff.page.locator(".flash")).to_contain_text("Eligible")
    # The notice of assignment (8 CCR 9792.10.4(b)) starts the records clock.
    staff.page.select_option("#notice_served_by", "mail")
    staff.page.click("text=Send the notice of assignment")
    expect(staff.page.locator(".flash")).to_contain_text("Notice of assignment sent")
    expect(staff.page.locator("#notices")).to_contain_text("Notice of Assignment")
    expect(staff.page.locator("#notices")).to_contain_text("(claims administrator)")
    staff.page.click("text=Assign an expert reviewer")
    expect(staff.page.locator("#excluded")).to_contain_text("R-OM-002")  # excluded, with reason
    staff.page.locator(f'#candidates tr[data-reviewer="{SEED_REVIEWER}"] button').click()
    expect(staff.page.locator(".flash")).to_contain_text("Reviewer assigned")
    staff.page.click("text=Record the records as received")
    expect(staff.page.locator(".flash")).to_contain_text("decision clock is running")

    # Reviewer: the workbench shows the case file and the assist panel; accept, edit, sign.
    reviewer.login("reviewer", "reviewer-demo-pass")
    reviewer.page.click(f"text={case_number}")
    panel = reviewer.page.locator("#assist-1")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("Governing citation")
    expect(panel).to_contain_text("Draft rationale")
    reviewer.page.fill(
        "#clinical_case_summary", "A worker with chronic low back pain asks for a hot/cold unit."
    )
    accept = panel.locator("button[data-pick]")
    if accept.count():
        accept.click()
    if reviewer.page.locator("#decision-1").input_value() == "":
        reviewer.page.select_option("#decision-1", "upheld")
    panel.locator("text=Use draft").click()
    assert reviewer.page.locator("#rationale-1").input_value().strip()
    reviewer.page.fill(
        "#rationale-1",
        reviewer.page.locator("#rationale-1").input_value()
        + " Reviewed and edited by the reviewer.",
    )
    if not reviewer.page.locator("#guideline-1").input_value().strip():
        reviewer.page.fill("#guideline-1", "non-MTUS | ODG | 2015 | Low Back | | ")
    reviewer.page.check("input[name=attest]")
    reviewer.page.click("#sign")
    expect(reviewer.page.locator(".flash")).to_contain_text("Determination signed")

    # Staff issue the final determination.
    staff.page.goto(f"{staff.base}/cases/{case_number}")
    staff.page.click("text=Issue the final determination")
    expect(staff.page.locator(".flash")).to_contain_text("issued")
    notices = staff.page.locator("#notices")
    expect(notices).to_contain_text("Final Determination Letter")
    expect(notices.locator("tr[data-kind]")).to_have_count(2)
    for label, width in (("desktop", 1280), ("phone", 390)):
        staff.page.set_viewport_size({"width": width, "height": 900})
        staff.screenshot(f"case-notices-{label}")
    staff.page.set_viewport_size({"width": 1280, "height": 900})

    # The party reads and downloads the letter; the reviewer is never named.
    party.login("worker", "worker-demo-pass")
    expect(party.page.locator("#my-cases")).to_contain_text(case_number)
    party.page.click(f"text={case_number}")
    with party.page.expect_download() as download_info:
        party.page.click("#party-pdf")
    download = download_info.value
    pdf = Path(download.path())
    assert pdf.read_bytes().startswith(b"%PDF")
    # The party's own notices are listed and download as PDF.
    expect(party.page.locator("#notices tr[data-kind]")).to_have_count(2)
    party.screenshot("party-notices")
    with party.page.expect_download() as notice_download:
        party.page.locator('#notices tr[data-kind="assignment"] a', has_text="PDF").click()
    assert Path(notice_download.value.path()).read_bytes().startswith(b"%PDF")
    party.page.goto(f"{party.base}/cases/{case_number}/letter")
    text = party.page.locator("#letter-text").inner_text()
    assert "HOW THE IMR FINAL DETERMINATION WAS MADE" in text
    assert "PROOF OF SERVICE" in text and "Date of mailing" in text
    for page_text in (text, party.page.content()):
        assert SEED_REVIEWER not in page_text and SEED_REVIEWER_NAME not in page_text
    # And the party cannot open the staff pages or the workbench.
    response = party.page.goto(f"{party.base}/cases/{case_number}/assignment")
    assert response is not None and response.status == 403
