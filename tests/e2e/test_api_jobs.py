"""Background jobs through the API: deadline alerts and reminders, the durable job ledger."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.api_support import seeded_service


def test_the_deadline_scan_reminds_once_about_overdue_records(
    tmp_path: Path, database_url: str
) -> None:
    # The seed case was assigned in 2015: its records clock (8 CCR 9792.10.5) ran out long ago.
    service, case = seeded_service(tmp_path, database_url, until="assigned")
    queued = service.client.post("/api/jobs/deadline-scan", headers=service.headers("staff"))
    assert queued.status_code == 202
    job_id = queued.json()["job_id"]
    assert queued.json()["status"] == "pending"

    assert service.ctx.jobs.run(job_id).status == "done"  # what the worker does with it
    job = service.client.get(f"/api/jobs/{job_id}", headers=service.headers("staff")).json()
    assert job["status"] == "done" and job["attempts"] == 1

    alerts = service.client.get("/api/alerts", headers=service.headers("staff")).json()
    mine = [a for a in alerts if a["case_number"] == case]
    assert len(mine) == 1
    assert mine[0]["kind"] == "reminder" and mine[0]["threshold"] == "overdue"
    assert "9792.10.5" in mine[0]["message"] or "records" in mine[0]["message"]

    again = service.client.post("/api/jobs/deadline-scan", headers=service.headers("staff")).json()
    service.ctx.jobs.run(again["job_id"])
    alerts = service.client.get(f"/api/alerts?case_number={case}", headers=service.headers("staff"))
    assert len(alerts.json()) == 1  # idempotent: one alert per case, clock and threshold


def test_a_finished_job_is_not_run_twice(tmp_path: Path, database_url: str) -> None:
    service, _ = seeded_service(tmp_path, database_url, until="assigned")
    job_id = service.ctx.jobs.enqueue("deadline_scan")
    assert service.ctx.jobs.run(job_id).status == "done"
    assert service.ctx.jobs.run(job_id).status == "skipped"


def test_the_queue_shows_the_alert_beside_the_case(tmp_path: Path, database_url: str) -> None:
    from tests.e2e.test_web_pages import browser, login

    service, case = seeded_service(tmp_path, database_url, until="assigned")
    service.ctx.jobs.run(service.ctx.jobs.enqueue("deadline_scan"))
    client = browser(service)
    login(client, "staff")
    page = client.get("/queue")
    assert "badge-overdue" in page.text  # the overdue records clock is red, and says so
    assert "Reminder to the claims administrator" in page.text


def test_only_staff_start_jobs_or_read_them(tmp_path: Path, database_url: str) -> None:
    service, _ = seeded_service(tmp_path, database_url)
    job_id = service.ctx.jobs.enqueue("deadline_scan")
    for who in ("reviewer", "party"):
        assert (
            service.client.post("/api/jobs/deadline-scan", headers=service.headers(who)).status_code
            == 403
        )
        assert (
            service.client.get(f"/api/jobs/{job_id}", headers=service.headers(who)).status_code
            == 403
        )
    assert service.client.get("/api/jobs/nope", headers=service.headers("staff")).status_code == 404


def test_the_periodic_sweep_requeues_stale_jobs_and_scans_the_clocks(
    tmp_path: Path, database_url: str
) -> None:
    from datetime import timedelta

    service, _ = seeded_service(tmp_path, database_url, until="assigned")
    jobs = service.ctx.jobs
    stale = jobs.enqueue("deadline_scan")
    jobs.huey.flush()  # the message is lost (as if its worker died holding it)
    assert jobs.sweep(lease=timedelta(0)) == 1  # re-queued from the ledger
    assert jobs.huey.pending_count() == 1
    assert jobs.run(stale).status == "done"


def test_jobs_travel_through_redis_when_configured(tmp_path: Path, database_url: str) -> None:
    import os

    import pytest

    from openimr.service.jobs import build_job_queue
    from openimr.settings import Settings

    redis_url = os.environ.get("OPENIMR_TEST_REDIS_URL")
    if not redis_url:
        pytest.skip("OPENIMR_TEST_REDIS_URL is not set (CI sets it)")
    service, _ = seeded_service(tmp_path, database_url, until="assigned")
    settings = Settings(
        database_url=database_url,
        data_dir=tmp_path / "data",
        queue_url=redis_url,
        environment="test",
    )
    queue = build_job_queue(settings, service.ctx.services)
    queue.huey.flush()
    job_id = queue.enqueue("deadline_scan")
    assert queue.huey.pending_count() == 1
    task = queue.huey.dequeue()
    queue.huey.execute(task)  # what a consumer does with the message
    assert queue.job(job_id).status == "done"  # type: ignore[union-attr]
    queue.huey.flush()


def test_an_unknown_queue_url_is_a_clear_error(tmp_path: Path) -> None:
    import pytest

    from openimr.domain.errors import InvalidInput
    from openimr.service.jobs import make_huey
    from openimr.settings import Settings

    settings = Settings(data_dir=tmp_path, queue_url="amqp://nope", environment="test")
    with pytest.raises(InvalidInput, match="OPENIMR_QUEUE_URL"):
        make_huey(settings)
