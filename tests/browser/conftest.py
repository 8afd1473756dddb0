"""A served openimr (seed case at intake, demo accounts, a job worker thread, a local SMTP
server) and a headless Chromium (Playwright, Debian's /usr/bin/chromium) for the browser tests.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.served import free_port

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
PASSWORDS = {
    "staff": "staff-demo-pass",
    "admin": "admin-demo-pass",
    "reviewer": "reviewer-demo-pass",
    "worker": "worker-demo-pass",
}


@dataclass
class Served:
    base: str
    ctx: Any
    mailbox: list[Any] = field(default_factory=list)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`openimr serve`'s app on a free port in a thread, its job worker in threads, and an
    aiosmtpd server collecting the e-mails it sends."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium is not installed ({CHROMIUM}); CI installs it")
    pytest.importorskip("playwright.sync_api")
    import uvicorn
    from aiosmtpd.controller import Controller

    from openimr.commands.serve import prepare
    from openimr.server import create_app
    from openimr.service.notify import set_email
    from openimr.settings import Settings

    mailbox: list[Any] = []

    class Collect:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
            mailbox.append(envelope)
            return "250 OK"

    smtp_port = free_port()
    smtp = Controller(Collect(), hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    data = Path(tmp_path_factory.mktemp("browser"))
    settings = Settings(
        data_dir=data,
        environment="test",
        secret_key="browser-test-secret",
        smtp_url=f"smtp://127.0.0.1:{smtp_port}",
    )
    prepare(settings, load_seed=True)
    app = create_app(settings)
    ctx = app.state.ctx
    for username in ("staff", "reviewer", "worker"):
        set_email(ctx.services.uow(), username, f"{username}@example.test")
    consumer = ctx.jobs.huey.create_consumer(workers=2, worker_type="thread", periodic=False)
    consumer.start()
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield Served(f"http://127.0.0.1:{port}", ctx, mailbox)
    uv.should_exit = True
    thread.join(timeout=10)
    consumer.stop(graceful=False)
    smtp.stop()


@pytest.fixture(scope="module")
def browser(served: Served) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
        yield launched
        launched.close()


class Session:
    """One browser context per person; a screenshot of every page when a step fails."""

    def __init__(self, browser: Any, base: str, name: str, width: int = 1400) -> None:
        self.context = browser.new_context(
            accept_downloads=True, viewport={"width": width, "height": 900}
        )
        self.page = self.context.new_page()
        self.base = base
        self.name = name

    def login(self, username: str) -> None:
        self.page.goto(f"{self.base}/login")
        self.page.fill("#username", username)
        self.page.fill("#password", PASSWORDS[username])
        self.page.click("main button[type=submit]")
        self.page.wait_for_load_state()

    def go(self, path: str) -> Any:
        return self.page.goto(f"{self.base}{path}")

    def screenshot(self, label: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{label}-{self.name}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def people(browser: Any, served: Served, request: pytest.FixtureRequest) -> Iterator[Any]:
    """`people("staff")` opens a logged-in session; all are closed (with screenshots on
    failure) after the test."""
    opened: list[Session] = []

    def open_as(username: str | None, width: int = 1400) -> Session:
        session = Session(browser, served.base, username or "anonymous", width)
        if username:
            session.login(username)
        opened.append(session)
        return session

    yield open_as
    failed = getattr(request.node, "rep_call", None)
    for session in opened:
        if failed is not None and failed.failed:
            session.screenshot(f"failure-{request.node.name}")
        session.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]


def axe_violations(page: Any) -> list[str]:
    """axe-core (from axe-playwright-python's bundled copy) on the page: serious and
    critical violations, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    found = results.response.get("violations", [])
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in found
        if v.get("impact") in ("serious", "critical")
    ]


def page_width(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))
