"""Screenshots of the queue, the case page, the workbench and the accounts page at 1400 px
and 375 px.

Serves openimr on a temporary SQLite database with the seed case taken to records received
(so the workbench has its assist panel), logs in as the demo staff, reviewer and admin (the
accounts page) in headless Chromium, and writes PNGs to the folder given (default
screenshots/, git-ignored).
"""

from __future__ import annotations

import shutil
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright

from openimr.commands.serve import prepare
from openimr.examples import load_seed_case
from openimr.server import create_app
from openimr.settings import Settings

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
WIDTHS = (1400, 375)


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    data = Path(tempfile.mkdtemp(prefix="openimr-shots-"))
    settings = Settings(data_dir=data, environment="test", secret_key="screenshots")
    prepare(settings, load_seed=True)
    app = create_app(settings)
    run = load_seed_case(app.state.ctx.services, until="records_received")
    port = _port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    pages = [
        ("staff", "staff-demo-pass", "queue", "/queue"),
        ("staff", "staff-demo-pass", "case", f"/cases/{run.case_number}"),
        ("reviewer", "reviewer-demo-pass", "workbench", f"/reviews/{run.case_number}"),
        ("admin", "admin-demo-pass", "accounts", "/admin/users"),
    ]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for width in WIDTHS:
            for username, password, name, path in pages:
                context = browser.new_context(viewport={"width": width, "height": 900})
                page = context.new_page()
                page.goto(f"{base}/login")
                page.fill("#username", username)
                page.fill("#password", password)
                page.click("main button[type=submit]")
                page.goto(f"{base}{path}")
                target = out / f"{name}-{width}.png"
                page.screenshot(path=str(target), full_page=True)
                scroll = page.evaluate("document.documentElement.scrollWidth")
                print(f"{target}  (page width {scroll} px at a {width} px window)")
                context.close()
        browser.close()
    server.should_exit = True
    shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots"))
