"""Crash safety: a server SIGKILLed during a burst of intake keeps every acknowledged
application exactly once and no half-stored one; a worker that dies mid-job loses no job."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from openimr.examples import load_seed_case
from openimr.service.bootstrap import bootstrap
from openimr.service.jobs import build_job_queue, letters_dir
from openimr.settings import Settings
from tests.served import free_port, start_openimr, wait_healthy

REPO = Path(__file__).resolve().parents[2]
WORKER_CODE = (
    "from openimr.service.jobs import build_job_queue; from openimr.settings import Settings; "
    "build_job_queue(Settings()).run_worker()"
)


def start_server(tmp_path: Path, port: int, database_url: str) -> subprocess.Popen[bytes]:
    return start_openimr(
        database_url,
        data_dir=tmp_path / "data",
        cwd=tmp_path,
        port=port,
        log_path=tmp_path / f"server-{port}-{time.monotonic_ns()}.log",
        secret_key="crash-test-secret",
    )


def kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


def application(n: int) -> dict[str, object]:
    return {
        "priority": "standard",
        "date_of_injury": "2024-01-10",
        "ur_decision_date": "2026-11-02",
        "ur_decision_served_by": "electronic",
        "application_received_on": "2026-11-20",
        "application_signed": True,
        "claim_number": f"BURST-{n:05d}",
        "items": [{"description": f"Physical therapy, {n % 12 + 1} sessions"}],
        "parties": [{"role": "injured_worker", "name": f"Worker {n}", "key": f"person:worker-{n}"}],
        "documents": [{"filename": f"ur-{n}.txt", "kind": "ur_decision"}],
    }


async def burst(
    port: int, token: str, kill_after: float, proc: subprocess.Popen[bytes]
) -> dict[str, str]:
    """32 clients post distinct applications; the server is killed mid-burst.
    Returns claim number -> case number for every acknowledged (201) application."""
    acknowledged: dict[str, str] = {}
    counter = iter(range(1_000_000))
    stop = asyncio.Event()

    async def client() -> None:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5) as http:
            while not stop.is_set():
                n = next(counter)
                body = application(n)
                try:
                    response = await http.post(
                        "/api/cases",
                        data={"application": json.dumps(body)},
                        files=[
                            ("files", (f"ur-{n}.txt", f"UR decision {n}".encode(), "text/plain"))
                        ],
                        headers={"Authorization": f"Bearer {token}"},
                    )
                except httpx.HTTPError:
                    return  # the server died: this request was never acknowledged
                if response.status_code == 201:
                    acknowledged[str(body["claim_number"])] = response.json()["case_number"]

    async def killer() -> None:
        # Mid-burst: once the server has acknowledged a few applications (on a loaded
        # machine the first answers can take seconds), then `kill_after` more seconds.
        deadline = time.monotonic() + 60
        while len(acknowledged) < 10 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        await asyncio.sleep(kill_after)
        kill_group(proc)
        stop.set()

    await asyncio.gather(killer(), *(client() for _ in range(32)))
    return acknowledged


@pytest.mark.slow
def test_sigkill_during_an_intake_burst_keeps_each_acknowledged_application_once(
    tmp_path: Path, database_url: str
) -> None:
    port = free_port()
    server = start_server(tmp_path, port, database_url)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", server)
        token = httpx.post(
            f"http://127.0.0.1:{port}/api/auth/token",
            json={"username": "staff", "password": "staff-demo-pass"},
        ).json()["access_token"]
        acknowledged = asyncio.run(burst(port, token, 1.0, server))
    finally:
        kill_group(server)
    assert len(acknowledged) >= 5, "the burst should have stored some applications first"

    port = free_port()
    server = start_server(tmp_path, port, database_url)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", server)
        base = f"http://127.0.0.1:{port}"
        token = httpx.post(
            f"{base}/api/auth/token", json={"username": "staff", "password": "staff-demo-pass"}
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=base, headers=headers, timeout=10) as http:
            listed: list[dict[str, object]] = []
            while True:  # every page of the case list
                page = http.get("/api/cases", params={"limit": 500, "offset": len(listed)})
                batch = page.json()["cases"]
                listed.extend(batch)
                if len(batch) < 500:
                    break
            stored: dict[str, list[str]] = {}
            for summary in listed:
                case = http.get(f"/api/cases/{summary['case_number']}").json()
                if not str(case["claim_number"]).startswith("BURST-"):
                    continue  # the seed case
                stored.setdefault(case["claim_number"], []).append(case["case_number"])
                # No half-stored case: its item and its document are there and readable.
                assert len(case["items"]) == 1 and len(case["documents"]) == 1
                doc = case["documents"][0]["document_id"]
                assert (
                    http.get(f"/api/cases/{case['case_number']}/documents/{doc}").status_code == 200
                )
    finally:
        kill_group(server)

    for claim, case_number in acknowledged.items():
        assert stored.get(claim) == [case_number], claim  # present, exactly once
    assert all(len(numbers) == 1 for numbers in stored.values())


def test_a_worker_that_dies_mid_job_loses_no_job(tmp_path: Path, database_url: str) -> None:
    settings = Settings(database_url=database_url, data_dir=tmp_path / "data", environment="test")
    services = bootstrap(database_url)
    run = load_seed_case(services, until="issued")
    queue = build_job_queue(settings, services)
    job_id = queue.enqueue("render_pdf", {"case_number": run.case_number})

    # What a worker does when it takes the job: the message leaves huey's queue and the
    # ledger counts an attempt. Then it "dies" before finishing.
    message = queue.huey.dequeue()
    assert message is not None and queue.huey.pending_count() == 0
    assert queue.store.start_job(job_id) is not None
    assert queue.job(job_id).status == "pending"  # type: ignore[union-attr]

    # A fresh worker process starts: it re-queues what the dead one never finished.
    env = {
        **os.environ,
        "OPENIMR_DATA_DIR": str(tmp_path / "data"),
        "OPENIMR_DATABASE_URL": database_url,
        "OPENIMR_ENVIRONMENT": "test",
    }
    code = WORKER_CODE
    worker = subprocess.Popen(
        [sys.executable, "-c", code], env=env, cwd=tmp_path, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and queue.job(job_id).status != "done":  # type: ignore[union-attr]
            assert worker.poll() is None, "the worker exited"
            time.sleep(0.2)
    finally:
        kill_group(worker)
    job = queue.job(job_id)
    assert job is not None and job.status == "done" and job.attempts == 2
    pdf = letters_dir(settings) / f"{run.case_number}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    services.close()


def test_a_sigkilled_worker_process_loses_no_job(tmp_path: Path, database_url: str) -> None:
    """The same with a real worker process killed while it holds the job."""
    settings = Settings(database_url=database_url, data_dir=tmp_path / "data", environment="test")
    services = bootstrap(database_url)
    run = load_seed_case(services, until="issued")
    queue = build_job_queue(settings, services)
    env = {
        **os.environ,
        "OPENIMR_DATA_DIR": str(tmp_path / "data"),
        "OPENIMR_DATABASE_URL": database_url,
        "OPENIMR_ENVIRONMENT": "test",
    }
    code = WORKER_CODE

    def worker() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-c", code], env=env, cwd=tmp_path, start_new_session=True
        )

    first = worker()
    job_id = queue.enqueue("render_pdf", {"case_number": run.case_number})
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job = queue.job(job_id)
            if job is not None and job.attempts >= 1:
                break
            time.sleep(0.005)
    finally:
        kill_group(first)  # killed as soon as it took the job (or, at worst, just after)
    second = worker()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and queue.job(job_id).status != "done":  # type: ignore[union-attr]
            time.sleep(0.2)
    finally:
        kill_group(second)
    assert queue.job(job_id).status == "done"  # type: ignore[union-attr]
    assert (letters_dir(settings) / f"{run.case_number}.pdf").exists()
    services.close()
