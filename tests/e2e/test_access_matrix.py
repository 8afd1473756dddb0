"""Every route of the app × seven roles against the declared policy (tests/access_matrix.py).

The routes are read from the app's router, so a route added without a line in `POLICY`
fails here. On a published case: each role gets through exactly where the policy says; no
answer a party, another reviewer or the public can get names the reviewer; nothing an
outsider can get names the worker or the claim; an outsider's answer on the case equals the
answer on a case that does not exist. On a signed, unissued case: no party sees the decision.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from openimr.domain.vocabulary import Role
from tests.access_matrix import (
    ANON,
    LEAKY_REVIEW,
    POLICY,
    ROLES,
    STAFF,
    Callers,
    Secrets,
    Target,
    app_routes,
    format_findings,
    run_matrix,
)
from tests.e2e.api_support import PASSWORD, SEED_REVIEWER, Service, seeded_service
from tests.e2e.test_api_confidentiality import _post
from tests.e2e.test_web_pages import login

REVIEWER_IDENTITY = ("Riley Imaginary", "CA-FAKE-0001", "TX-FAKE-0001", SEED_REVIEWER)
CASE_IDENTITY = ("Jordan", "Fictional", "FICT-CLM-2011-004417")
DECISION = ("home heat or cold serves as well",)  # LEAKY_REVIEW's rationale


def _prepared(tmp_path: Path, stage: str) -> tuple[Service, Target, Callers]:
    service, case = seeded_service(tmp_path, f"sqlite:///{tmp_path / 'm.db'}", "records_received")
    assert _post(service, "reviewer", case, "review", LEAKY_REVIEW).status_code == 200
    if stage == "published":
        assert _post(service, "staff", case, "issue").status_code == 200
        assert _post(service, "staff", case, "publish").status_code == 200
    service.add_user("victim", Role.STAFF)
    app = service.client.app
    staff = service.headers("staff")
    documents = service.client.get(f"/api/cases/{case}", headers=staff).json()["documents"]
    notices = service.client.get(f"/api/cases/{case}/notices", headers=staff).json()["notices"]
    job = service.client.post("/api/jobs/deadline-scan", headers=staff).json()
    victim_tokens = service.client.get("/api/auth/tokens", headers=service.headers("victim"))
    target = Target(
        case_number=case,
        missing_case=case[:5] + "0999999",
        document_id=documents[0]["document_id"],
        notice_id=notices[0]["notice_id"],
        job_id=job["job_id"],
        victim_token_id=victim_tokens.json()[0]["token_id"],
    )

    def sign_in(role: str) -> tuple[TestClient, TestClient]:
        if role == ANON:
            return TestClient(app), TestClient(app)
        token = service.client.post(
            "/api/auth/token", json={"username": role, "password": PASSWORD}
        ).json()["access_token"]
        web = TestClient(app)
        login(web, role)
        return TestClient(app, headers={"Authorization": f"Bearer {token}"}), web

    return service, target, Callers(sign_in)


def test_every_route_declares_who_may_call_it(tmp_path: Path) -> None:
    service, _ = seeded_service(tmp_path, f"sqlite:///{tmp_path / 'r.db'}")
    routes = app_routes(service.client.app)  # type: ignore[arg-type]
    assert len(routes) >= 80  # the router was read (every API operation and page)
    undeclared = [key for key in routes if key not in POLICY]
    assert not undeclared, f"declare who may call these in tests/access_matrix.py: {undeclared}"
    stale = [key for key in POLICY if key not in routes]
    assert not stale, f"POLICY names routes the app no longer has: {stale}"


@pytest.mark.slow
def test_on_a_published_case_every_route_answers_every_role_as_declared(tmp_path: Path) -> None:
    service, target, callers = _prepared(tmp_path, "published")
    secrets = Secrets(REVIEWER_IDENTITY, CASE_IDENTITY)
    matrix = run_matrix(app_routes(service.client.app), callers, target, secrets)  # type: ignore[arg-type]
    assert not matrix.findings, format_findings(matrix)
    # The checks are not vacuous: what is withheld from some is there for others.
    staff_case = matrix.answers[("GET /api/cases/{case_number}", STAFF)].text()
    assert "Riley Imaginary" in staff_case and "FICT-CLM-2011-004417" in staff_case
    party_letter = matrix.answers[("GET /cases/{case_number}/letter.pdf", "party")].text()
    assert "Jordan" in party_letter and "[redacted]" in party_letter
    assert len(matrix.answers) == len(app_routes(service.client.app)) * len(ROLES)  # type: ignore[arg-type]


@pytest.mark.slow
def test_before_issue_no_party_or_outsider_gets_anything_of_the_decision(tmp_path: Path) -> None:
    service, target, callers = _prepared(tmp_path, "signed")
    secrets = Secrets(REVIEWER_IDENTITY, CASE_IDENTITY, DECISION)
    matrix = run_matrix(
        app_routes(service.client.app),  # type: ignore[arg-type]
        callers,
        target,
        secrets,
        check_policy=False,  # the letter routes answer 409 before issue, by design
        published=False,  # and the public letter must not tell that the case exists
    )
    assert not matrix.findings, format_findings(matrix)
    assert DECISION[0] in matrix.answers[("GET /api/cases/{case_number}", STAFF)].text()
    assert DECISION[0] in matrix.answers[("GET /api/cases/{case_number}", "reviewer")].text()
