"""The web pages: login with CSRF, role gates, and the seed case's life through the forms."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from openimr.runtime.cookies import SESSION_COOKIE
from tests.e2e.api_support import PASSWORD, SEED_REVIEWER, Service, seeded_service

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')


def browser(service: Service) -> TestClient:
    """A second client on the same app (its own cookie jar), like another browser."""
    return TestClient(service.client.app)


def login(client: TestClient, username: str, password: str = PASSWORD) -> str:
    page = client.get("/login")
    token = TOKEN.search(page.text).group(1)  # type: ignore[union-attr]
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token, "next": ""},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return response.headers["location"]


def form_fields(page: str) -> dict[str, str]:
    return {
        "csrf_token": TOKEN.search(page).group(1),  # type: ignore[union-attr]
        "version": VERSION.search(page).group(1),  # type: ignore[union-attr]
    }


def test_pages_need_a_login_and_send_you_back_after(tmp_path: Path, database_url: str) -> None:
    service, _ = seeded_service(tmp_path, database_url)
    client = browser(service)
    response = client.get("/queue", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/queue"
    assert login(client, "staff") == "/queue"


def test_each_role_lands_on_its_own_home(tmp_path: Path, database_url: str) -> None:
    service, _ = seeded_service(tmp_path, database_url)
    assert login(browser(service), "staff") == "/queue"
    assert login(browser(service), "reviewer") == "/reviews"
    assert login(browser(service), "party") == "/my-cases"


def test_the_session_cookie_is_httponly_and_samesite(tmp_path: Path, database_url: str) -> None:
    service, _ = seeded_service(tmp_path, database_url)
    client = browser(service)
    page = client.get("/login")
    token = TOKEN.search(page.text).group(1)  # type: ignore[union-attr]
    response = client.post(
        "/login",
        data={"username": "staff", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    cookie = [h for h in response.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE)][0]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie


def test_a_login_form_without_its_csrf_token_is_refused(tmp_path: Path, database_url: str) -> None:
    service, _ = seeded_service(tmp_path, database_url)
    client = browser(service)
    client.get("/login")
    response = client.post(
        "/login", data={"username": "staff", "password": PASSWORD, "csrf_token": "x"}
    )
    assert response.status_code == 403


def test_a_state_change_without_the_csrf_token_is_refused(
    tmp_path: Path, database_url: str
) -> None:
    service, case = seeded_service(tmp_path, database_url)
    client = browser(service)
    login(client, "staff")
    response = client.post(f"/cases/{case}/eligibility", data={"version": "1"})
    assert response.status_code == 403
    assert "received" in client.get(f"/cases/{case}").text  # nothing changed


def test_a_forged_session_cookie_is_ignored(tmp_path: Path, database_url: str) -> None:
    service, _ = seeded_service(tmp_path, database_url)
    client = browser(service)
    client.cookies.set(SESSION_COOKIE, "forged.value.sig")
    assert client.get("/queue", follow_redirects=False).status_code == 303


def test_logging_out_revokes_the_session(tmp_path: Path, database_url: str) -> None:
    service, _ = seeded_service(tmp_path, database_url)
    client = browser(service)
    login(client, "staff")
    stolen = client.cookies.get(SESSION_COOKIE)
    page = client.get("/queue")
    client.post("/logout", data={"csrf_token": TOKEN.search(page.text).group(1)})  # type: ignore[union-attr]
    replay = browser(service)
    replay.cookies.set(SESSION_COOKIE, stolen or "")
    assert replay.get("/queue", follow_redirects=False).status_code == 303


def test_login_is_rate_limited(tmp_path: Path, database_url: str) -> None:
    service, _ = seeded_service(tmp_path, database_url)
    client = browser(service)
    statuses = []
    for _ in range(6):
        token = TOKEN.search(client.get("/login").text).group(1)  # type: ignore[union-attr]
        statuses.append(
            client.post(
                "/login", data={"username": "staff", "password": "nope", "csrf_token": token}
            ).status_code
        )
    assert statuses == [401] * 5 + [429]


def test_the_next_parameter_cannot_redirect_off_site(tmp_path: Path, database_url: str) -> None:
    service, _ = seeded_service(tmp_path, database_url)
    client = browser(service)
    token = TOKEN.search(client.get("/login?next=//evil.example").text).group(1)  # type: ignore[union-attr]
    response = client.post(
        "/login",
        data={
            "username": "staff",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "//evil.example",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/queue"


def test_parties_and_reviewers_cannot_open_staff_pages(tmp_path: Path, database_url: str) -> None:
    service, case = seeded_service(tmp_path, database_url)
    for who in ("party", "reviewer"):
        client = browser(service)
        login(client, who)
        for path in ("/queue", "/workload", "/intake", f"/cases/{case}/assignment"):
            assert client.get(path).status_code == 403, (who, path)


def test_the_seed_case_through_the_web_forms(tmp_path: Path, database_url: str) -> None:
    service, case = seeded_service(tmp_path, database_url)
    staff = browser(service)
    login(staff, "staff")
    queue = staff.get("/queue")
    assert f'data-case="{case}"' in queue.text

    page = staff.get(f"/cases/{case}")
    assert "Hot/Cold unit for the lumbar spine" in page.text and '/view"' in page.text
    page = staff.post(f"/cases/{case}/eligibility", data=form_fields(page.text))
    assert "Eligible" in page.text and "LC 4610.5" in page.text

    assignment = staff.get(f"/cases/{case}/assignment")
    assert SEED_REVIEWER in assignment.text
    assert "R-OM-002" in assignment.text  # excluded, with the reason shown
    page = staff.post(
        f"/cases/{case}/assignment",
        data={**form_fields(assignment.text), "reviewer_id": SEED_REVIEWER},
    )
    page = staff.post(
        f"/cases/{case}/records",
        data={**form_fields(page.text), "received_on": "2026-11-27", "served_by": "electronic"},
        files=[("files", ("pr2.txt", b"PR-2 progress report: low back pain, 6/10.", "text/plain"))],
    )
    assert "Records received" in page.text

    reviewer = browser(service)
    login(reviewer, "reviewer")
    bench = reviewer.get(f"/reviews/{case}")
    assert bench.status_code == 200
    assert 'id="assist-1"' in bench.text  # the assist panel for the one disputed item
    assert "Deciding reasons" in bench.text  # the question that decides the item, first
    assert "<q>the record does not" not in bench.text  # silence is never quoted
    signed = reviewer.post(
        f"/reviews/{case}",
        data={
            **form_fields(bench.text),
            "attest": "yes",
            "clinical_case_summary": "Chronic low back pain; a hot/cold unit is asked for.",
            "decision-1": "upheld",
            "guideline-1-source": "non-MTUS",
            "guideline-1-name": "ODG",
            "guideline-1-edition": "2015",
            "guideline-1-sections": "Low Back; Cold/heat packs",
            "rationale-1": "Home applications of heat or cold serve as well as a powered unit.",
        },
    )
    assert "Determination signed" in signed.text

    page = staff.get(f"/cases/{case}")
    page = staff.post(f"/cases/{case}/issue", data=form_fields(page.text))
    assert "issued" in page.text

    party = browser(service)
    login(party, "party")
    mine = party.get(f"/my-cases/{case}")
    assert "Upheld" in mine.text and SEED_REVIEWER not in mine.text
    pdf = party.get(f"/cases/{case}/letter.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    letter = party.get(f"/cases/{case}/letter")
    assert "HOW THE IMR FINAL DETERMINATION WAS MADE" in letter.text
    assert SEED_REVIEWER not in letter.text and "Riley" not in letter.text


def test_a_stale_form_gets_a_conflict_page(tmp_path: Path, database_url: str) -> None:
    service, case = seeded_service(tmp_path, database_url, until="eligible")
    first, second = browser(service), browser(service)
    login(first, "staff")
    login(second, "admin")
    page_one = first.get(f"/cases/{case}/assignment")
    page_two = second.get(f"/cases/{case}/assignment")
    ok = first.post(
        f"/cases/{case}/assignment",
        data={**form_fields(page_one.text), "reviewer_id": SEED_REVIEWER},
    )
    stale = second.post(
        f"/cases/{case}/assignment",
        data={**form_fields(page_two.text), "reviewer_id": SEED_REVIEWER},
    )
    assert ok.status_code == 200
    assert stale.status_code == 409
    assert "conflict" in stale.text or "changed since" in stale.text


def test_the_analytics_page_draws_its_charts(tmp_path: Path, database_url: str) -> None:
    service, _ = seeded_service(tmp_path, database_url, until="issued")
    client = browser(service)
    login(client, "staff")
    page = client.get("/analytics")
    assert page.status_code == 200
    assert page.text.count("<svg") >= 3 and "Upheld" in page.text


def test_the_decision_search_page_is_public(tmp_path: Path, database_url: str) -> None:
    service, _ = seeded_service(tmp_path, database_url)
    page = browser(service).get("/decisions?q=acupuncture")
    assert page.status_code == 200
    assert 'id="results"' in page.text
    if "No corpus is configured" not in page.text:
        assert "cupuncture" in page.text.split('id="results"')[1]  # a matching decided item


def test_staff_receive_a_new_application_with_its_files(tmp_path: Path, database_url: str) -> None:
    service, _ = seeded_service(tmp_path, database_url)
    client = browser(service)
    login(client, "staff")
    page = client.get("/intake")
    token = TOKEN.search(page.text).group(1)  # type: ignore[union-attr]
    form = {
        "csrf_token": token,
        "priority": "expedited",
        "date_of_injury": "2025-03-01",
        "ur_decision_date": "2026-11-10",
        "ur_decision_served_by": "electronic",
        "application_received_on": "2026-11-20",
        "items": "Lumbar MRI without contrast\nPhysical therapy, 8 sessions",
        "worker_name": "Pat Example",
        "worker_key": "person:pat-example",
        "claims_administrator": "Fictional Claims",
        "application_signed": "yes",
    }
    files = [
        ("ur_file", ("ur.txt", b"UR decision: non-certified", "text/plain")),
        ("record_files", ("note.txt", b"Progress note: low back pain", "text/plain")),
    ]
    response = client.post("/intake", data=form, files=files)
    assert response.status_code == 200
    assert "Application received" in response.text
    assert "Lumbar MRI without contrast" in response.text and "note.txt" in response.text


def test_pages_forbid_framing_by_other_sites(tmp_path: Path, database_url: str) -> None:
    service, _ = seeded_service(tmp_path, database_url)
    response = browser(service).get("/login")
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


def test_the_queue_answers_a_fragment_request_with_only_its_table(
    tmp_path: Path, database_url: str
) -> None:
    service, case = seeded_service(tmp_path, database_url)
    client = browser(service)
    login(client, "staff")
    fragment = client.get("/queue", headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<table id="queue-table"')
    assert f'data-case="{case}"' in fragment.text and "<html" not in fragment.text


def test_a_reviewer_cannot_open_the_workbench_of_a_case_not_assigned_to_them(
    tmp_path: Path, database_url: str
) -> None:
    service, case = seeded_service(tmp_path, database_url, until="records_received")
    other = browser(service)
    login(other, "other-reviewer")
    assert other.get(f"/reviews/{case}").status_code == 404  # not told the case exists
    assert case not in other.get("/reviews").text
    party = browser(service)
    login(party, "other-party")
    assert party.get(f"/my-cases/{case}").status_code == 404
    assert party.get(f"/cases/{case}/letter.pdf").status_code == 404


def test_only_an_admin_opens_the_accounts_page(tmp_path: Path, database_url: str) -> None:
    service, _ = seeded_service(tmp_path, database_url)
    anonymous = browser(service).get("/admin/users", follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == "/login?next=/admin/users"
    for who in ("staff", "reviewer", "party"):
        client = browser(service)
        login(client, who)
        assert client.get("/admin/users").status_code == 403, who
        assert 'href="/admin/users"' not in client.get("/decisions").text, who
    admin = browser(service)
    login(admin, "admin")
    page = admin.get("/admin/users")
    assert page.status_code == 200
    assert 'href="/admin/users"' in page.text  # the nav link, for admins only
    for shown in ("staff", "admin", "R-PM-001", "person:jordan-q-fictional", "Active"):
        assert shown in page.text
    assert "$argon2" not in page.text  # never a password hash


def test_an_admin_creates_an_account_and_revokes_its_tokens_from_the_page(
    tmp_path: Path, database_url: str
) -> None:
    service, _ = seeded_service(tmp_path, database_url)
    admin = browser(service)
    login(admin, "admin")
    token = TOKEN.search(admin.get("/admin/users").text).group(1)  # type: ignore[union-attr]
    fields = {"csrf_token": token, "username": "rev2", "role": "reviewer", "password": PASSWORD}

    # The service's rules, shown on the page naming the field; the password is not echoed.
    refused = admin.post("/admin/users", data=fields)
    assert refused.status_code == 422
    assert 'id="reviewer_id-error"' in refused.text
    assert "names its panel reviewer" in refused.text
    assert PASSWORD not in refused.text
    short = admin.post("/admin/users", data={**fields, "reviewer_id": "R-OM-003", "password": "x"})
    assert short.status_code == 422 and 'id="password-error"' in short.text
    taken = admin.post("/admin/users", data={**fields, "username": "staff", "reviewer_id": "R"})
    assert taken.status_code == 422 and "already exists" in taken.text
    assert admin.post("/admin/users", data={**fields, "csrf_token": "x"}).status_code == 403
    long_name = admin.post(
        "/admin/users", data={**fields, "reviewer_id": "R", "display_name": "x" * 201}
    )
    assert long_name.status_code == 422 and 'id="display_name-error"' in long_name.text
    no_role = admin.post("/admin/users", data={**fields, "role": "root"})
    assert no_role.status_code == 422 and 'id="role-error"' in no_role.text

    created = admin.post(
        "/admin/users", data={**fields, "reviewer_id": "R-OM-003"}, follow_redirects=False
    )
    assert created.status_code == 303
    assert created.headers["location"] == "/admin/users?flash=account_created"
    page = admin.get(created.headers["location"]).text
    assert "Account created." in page and 'data-username="rev2"' in page
    assert login(browser(service), "rev2") == "/reviews"

    # Revoke: the button asks first; the tokens stop working at once.
    api = service.client.post("/api/auth/token", json={"username": "rev2", "password": PASSWORD})
    bearer = {"Authorization": f"Bearer {api.json()['access_token']}"}
    assert service.client.get("/api/me", headers=bearer).status_code == 200
    assert 'action="/admin/users/rev2/tokens/revoke"' in page and "data-confirm=" in page
    revoked = admin.post(
        "/admin/users/rev2/tokens/revoke", data={"csrf_token": token}, follow_redirects=False
    )
    assert revoked.headers["location"] == "/admin/users?flash=tokens_revoked"
    assert service.client.get("/api/me", headers=bearer).status_code == 401
    missing = admin.post("/admin/users/nobody/tokens/revoke", data={"csrf_token": token})
    assert missing.status_code == 404

    # Staff cannot do it by posting either; both acts are in the audit log.
    staff = browser(service)
    login(staff, "staff")
    staff_token = TOKEN.search(staff.get("/queue").text).group(1)  # type: ignore[union-attr]
    forbidden = staff.post("/admin/users/admin/tokens/revoke", data={"csrf_token": staff_token})
    assert forbidden.status_code == 403
    with service.ctx.services.uow() as uow:
        actions = [e.action for e in uow.audit.entries()]
    assert actions.count("AccountCreated") == 1 and "AccountTokensRevoked" in actions
    # The API's act is the same service call, so it is audited as well.
    made = service.client.post(
        "/api/users",
        json={"username": "api-made", "password": PASSWORD, "role": "staff"},
        headers=service.headers("admin"),
    )
    assert made.status_code == 201, made.text
    with service.ctx.services.uow() as uow:
        assert [e.action for e in uow.audit.entries()].count("AccountCreated") == 2
