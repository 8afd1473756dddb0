"""Every read route, role by role: least privilege, and parties never learn the reviewer."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.api_support import SEED_REVIEWER, Service, seeded_service


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Service, str]]:
    """One service with the seed case issued (read-only tests share it)."""
    tmp = tmp_path_factory.mktemp("roles")
    url = f"sqlite:///{tmp / 'roles.db'}"
    service, case = seeded_service(Path(tmp), url, until="issued")
    yield service, case


def get(service: Service, who: str | None, path: str):  # type: ignore[no-untyped-def]
    headers = service.headers(who) if who else {}
    return service.client.get(path, headers=headers)


def test_healthz_answers_when_the_database_is_reachable(issued: tuple[Service, str]) -> None:
    service, _ = issued
    assert service.client.get("/healthz").json() == {"status": "ok"}


def test_openapi_lists_the_use_cases(issued: tuple[Service, str]) -> None:
    service, _ = issued
    paths = set(service.client.get("/openapi.json").json()["paths"])
    for path in (
        "/api/cases",
        "/api/cases/{case_number}/eligibility",
        "/api/cases/{case_number}/assignment",
        "/api/cases/{case_number}/records",
        "/api/cases/{case_number}/review",
        "/api/cases/{case_number}/issue",
        "/api/cases/{case_number}/publish",
        "/api/cases/{case_number}/letter",
        "/api/cases/{case_number}/assist",
        "/api/decisions",
    ):
        assert path in paths, path


@pytest.mark.parametrize("path", ["/api/cases", "/api/me", "/api/cases/X/letter"])
def test_the_api_needs_a_bearer_token(issued: tuple[Service, str], path: str) -> None:
    service, _ = issued
    response = get(service, None, path)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_a_forged_token_is_refused(issued: tuple[Service, str]) -> None:
    service, _ = issued
    response = service.client.get("/api/me", headers={"Authorization": "Bearer forged"})
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("who", "sees_seed"),
    [
        ("staff", True),
        ("admin", True),
        ("reviewer", True),
        ("other-reviewer", False),
        ("party", True),
        ("other-party", False),
    ],
)
def test_each_role_lists_only_the_cases_it_may_see(
    issued: tuple[Service, str], who: str, sees_seed: bool
) -> None:
    service, case = issued
    numbers = [c["case_number"] for c in get(service, who, "/api/cases").json()["cases"]]
    assert (case in numbers) is sees_seed


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("staff", 200),
        ("reviewer", 200),
        ("party", 200),
        ("other-reviewer", 404),  # not told the case exists
        ("other-party", 404),
    ],
)
def test_reading_a_case(issued: tuple[Service, str], who: str, status: int) -> None:
    service, case = issued
    assert get(service, who, f"/api/cases/{case}").status_code == status


def test_a_party_never_sees_the_reviewer(issued: tuple[Service, str]) -> None:
    service, case = issued
    body = get(service, "party", f"/api/cases/{case}").json()
    assert body["assigned_reviewer_id"] is None
    assert body["determination"]["signed_by"] is None
    assert SEED_REVIEWER not in str(body)
    staff = get(service, "staff", f"/api/cases/{case}").json()
    assert staff["assigned_reviewer_id"] == SEED_REVIEWER


def test_unknown_case_is_404(issued: tuple[Service, str]) -> None:
    service, _ = issued
    response = get(service, "staff", "/api/cases/CM00-0000000")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(("who", "status"), [("staff", 200), ("reviewer", 403), ("party", 403)])
def test_only_staff_read_the_audit_trail(
    issued: tuple[Service, str], who: str, status: int
) -> None:
    service, case = issued
    response = get(service, who, f"/api/cases/{case}/audit")
    assert response.status_code == status
    if status == 200:
        actions = [e["action"] for e in response.json()]
        assert "ApplicationReceived" in actions and "DeterminationIssued" in actions


def test_every_read_of_a_case_is_audited(issued: tuple[Service, str]) -> None:
    service, case = issued
    get(service, "party", f"/api/cases/{case}")
    trail = get(service, "staff", f"/api/cases/{case}/audit").json()
    assert any(e["action"] == "CaseRead" and e["actor"] == "party:party" for e in trail)


@pytest.mark.parametrize(
    ("who", "status"), [("staff", 200), ("reviewer", 200), ("party", 200), ("other-party", 404)]
)
def test_documents_follow_the_case_rules(
    issued: tuple[Service, str], who: str, status: int
) -> None:
    service, case = issued
    doc = get(service, "staff", f"/api/cases/{case}").json()["documents"][0]["document_id"]
    assert get(service, who, f"/api/cases/{case}/documents/{doc}").status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [("staff", 200), ("party", 200), ("other-party", 404), ("other-reviewer", 404)],
)
def test_the_full_letter_goes_only_to_those_on_the_case(
    issued: tuple[Service, str], who: str, status: int
) -> None:
    service, case = issued
    assert get(service, who, f"/api/cases/{case}/letter").status_code == status


def test_the_public_letter_waits_for_publication(issued: tuple[Service, str]) -> None:
    service, case = issued
    assert get(service, "other-party", f"/api/cases/{case}/letter?public=true").status_code == 404


@pytest.mark.parametrize(("who", "status"), [("staff", 200), ("reviewer", 403), ("party", 403)])
def test_only_staff_screen_reviewers(issued: tuple[Service, str], who: str, status: int) -> None:
    service, case = issued
    assert get(service, who, f"/api/cases/{case}/assignment/candidates").status_code == status


@pytest.mark.parametrize(("who", "status"), [("party", 403), ("other-reviewer", 404)])
def test_decision_support_is_not_for_parties_or_other_reviewers(
    issued: tuple[Service, str], who: str, status: int
) -> None:
    service, case = issued
    assert get(service, who, f"/api/cases/{case}/assist").status_code == status


def test_decision_support_for_the_assigned_reviewer(issued: tuple[Service, str]) -> None:
    service, case = issued
    response = get(service, "reviewer", f"/api/cases/{case}/assist")
    if response.status_code == 503 and response.json()["error"]["code"] == "assist_unavailable":
        pytest.skip(
            f"decision support unavailable here: {response.json()['error']['message'][:200]}"
        )
    assert response.status_code == 200
    body = response.json()
    assert "Hot/Cold" in body["draft_case_summary"] or "[D" in body["draft_case_summary"]
    (proposal,) = body["proposals"]
    assert proposal["proposal"] in ("uphold", "overturn", "insufficient")
    assert {"citations", "criteria", "precedents", "rationale"} <= set(proposal)


@pytest.mark.parametrize(("who", "status"), [("staff", 200), ("reviewer", 403), ("party", 403)])
def test_only_staff_read_alerts(issued: tuple[Service, str], who: str, status: int) -> None:
    service, _ = issued
    assert get(service, who, "/api/alerts").status_code == status


@pytest.mark.parametrize(("who", "status"), [("admin", 200), ("staff", 403), ("party", 403)])
def test_only_admins_manage_accounts(issued: tuple[Service, str], who: str, status: int) -> None:
    service, _ = issued
    assert get(service, who, "/api/users").status_code == status


def test_an_admin_creates_an_account_that_can_log_in(issued: tuple[Service, str]) -> None:
    service, _ = issued
    body = {"username": "newstaff", "password": "a-long-password", "role": "staff"}
    created = service.client.post("/api/users", json=body, headers=service.headers("admin"))
    assert created.status_code == 201
    token = service.client.post(
        "/api/auth/token", json={"username": "newstaff", "password": "a-long-password"}
    )
    assert token.status_code == 200
    duplicate = service.client.post("/api/users", json=body, headers=service.headers("admin"))
    assert duplicate.status_code == 422


def test_a_reviewer_account_must_name_its_panel_reviewer(issued: tuple[Service, str]) -> None:
    service, _ = issued
    body = {"username": "rev2", "password": "a-long-password", "role": "reviewer"}
    response = service.client.post("/api/users", json=body, headers=service.headers("admin"))
    assert response.status_code == 422
    assert response.json()["error"]["details"]["field"] == "reviewer_id"


def test_decision_search_is_public(issued: tuple[Service, str]) -> None:
    service, _ = issued
    response = service.client.get("/api/decisions?q=hot%20cold%20unit")
    if response.status_code == 404:
        assert "corpus" in response.json()["error"]["message"]
        return
    assert response.status_code == 200
    hits = response.json()["hits"]
    assert hits and {"case_number", "description", "decision"} <= set(hits[0])


def test_wrong_password_is_401_and_repeated_failures_are_throttled(
    issued: tuple[Service, str],
) -> None:
    service, _ = issued
    statuses = [
        service.client.post(
            "/api/auth/token", json={"username": "admin", "password": "wrong"}
        ).status_code
        for _ in range(6)
    ]
    assert statuses[:5] == [401] * 5
    assert statuses[5] == 429
    # Throttled even with the right password until the window passes.
    right = service.client.post(
        "/api/auth/token", json={"username": "admin", "password": "correct-horse-battery"}
    )
    assert right.status_code == 429


@pytest.mark.skipif(
    not os.environ.get("OPENIMR_TEST_DATABASE_URL"), reason="PostgreSQL not configured"
)
def test_the_roles_hold_on_postgresql(tmp_path: Path, database_url: str) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("the SQLite run is the module fixture above")
    service, case = seeded_service(tmp_path, database_url, until="issued")
    assert get(service, "party", f"/api/cases/{case}").json()["assigned_reviewer_id"] is None
    assert get(service, "other-party", f"/api/cases/{case}").status_code == 404
