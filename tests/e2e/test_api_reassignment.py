"""Decline and recusal through the API; the queued assignment pass gives the case to another."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.api_support import SEED_REVIEWER, seeded_service
from tests.factories import make_reviewer


def test_the_reviewer_declines_and_the_pass_gives_the_case_to_another(
    tmp_path: Path, database_url: str
) -> None:
    service, case = seeded_service(tmp_path, database_url, until="assigned")
    headers = service.headers("reviewer")
    before = service.client.get(f"/api/cases/{case}", headers=headers).json()
    body = {
        "reviewer_id": SEED_REVIEWER,
        "kind": "decline",
        "reason": "on leave from Monday",
        "expected_version": before["version"],
    }
    # Another reviewer may not take the seed reviewer off (not theirs: 404), nor may a party.
    url = f"/api/cases/{case}/release"
    other = service.client.post(url, json=body, headers=service.headers("other-reviewer"))
    assert other.status_code == 404
    party = service.client.post(url, json=body, headers=service.headers("party"))
    assert party.status_code in (403, 404)
    released = service.client.post(f"/api/cases/{case}/release", json=body, headers=headers)
    assert released.status_code == 200, released.text
    assert released.json()["state"] == "eligible"
    # The reviewer no longer sees the case; the release is in the audit trail with its reason.
    assert service.client.get(f"/api/cases/{case}", headers=headers).status_code == 404
    trail = service.client.get(f"/api/cases/{case}/audit", headers=service.headers("staff"))
    entries = [e for e in trail.json() if e["action"] == "ReviewerReleased"]
    assert entries and "on leave from Monday" in str(entries[-1])
    # The release queued an assignment pass (what the worker runs). The demo panel has no
    # other qualified reviewer: the case waits, and says why.
    pending = service.ctx.jobs.store.pending_jobs()
    assert any(j.kind == "assign_waiting" for j in pending)
    assert service.ctx.jobs.run(pending[-1].id).status == "done"
    trail = service.client.get(f"/api/cases/{case}/audit", headers=service.headers("staff"))
    waiting = [e for e in trail.json() if e["action"] == "AssignmentWaiting"]
    assert waiting and "excluded by the case" in str(waiting[-1])
    # A new reviewer joins the panel: the next pass gives the case to them.
    uow = service.ctx.services.uow()
    with uow:
        uow.reviewers.add(make_reviewer(reviewer_id="R-NEW", specialties=["Pain Medicine"]))
        uow.commit()
    service.ctx.jobs.run(service.ctx.jobs.enqueue("assign_waiting"))
    after = service.client.get(f"/api/cases/{case}", headers=service.headers("staff")).json()
    assert after["state"] == "assigned", after


def test_a_release_without_a_reason_or_of_the_wrong_reviewer_is_refused(
    tmp_path: Path, database_url: str
) -> None:
    service, case = seeded_service(tmp_path, database_url, until="assigned")
    staff = service.headers("staff")
    empty = {"reviewer_id": SEED_REVIEWER, "kind": "recusal", "reason": ""}
    assert (
        service.client.post(f"/api/cases/{case}/release", json=empty, headers=staff).status_code
        == 422
    )
    wrong = {"reviewer_id": "R-NOBODY", "kind": "recusal", "reason": "x"}
    assert (
        service.client.post(f"/api/cases/{case}/release", json=wrong, headers=staff).status_code
        == 409
    )
    bad_kind = {"reviewer_id": SEED_REVIEWER, "kind": "holiday", "reason": "x"}
    assert (
        service.client.post(f"/api/cases/{case}/release", json=bad_kind, headers=staff).status_code
        == 422
    )
