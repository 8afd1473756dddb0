"""What a party, another party and another reviewer may learn — the probe's findings 1-4 and 8.

Every test here failed before the fix it names (checked once against the code before #16):
the public JSON letter was unredacted, a client chose its case number, a party read the
decision before issue, the reviewer's identity written into the summary reached the party's
JSON, a party could put a case into another party's list, and 403-versus-404 told anyone
which case numbers exist.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.access_matrix import LEAKY_REVIEW
from tests.e2e.api_support import (
    SEED_REVIEWER,
    Service,
    application,
    intake_files,
    seeded_service,
)
from tests.e2e.test_web_pages import browser, login

# What identifies the seed case's people: the worker, the claim, a document author, and
# the assigned reviewer (Dr. Riley Imaginary, licences *-FAKE-0001, id R-PM-001).
WORKER = ["Jordan", "Fictional"]
CLAIM = "FICT-CLM-2011-004417"
AUTHOR = "Avery Placeholder"
REVIEWER_IDENTITY = ["Riley Imaginary", "CA-FAKE-0001", "TX-FAKE-0001", SEED_REVIEWER]


def _post(
    service: Service, who: str, case: str, action: str, body: dict[str, Any] | None = None
) -> Any:
    """POST /api/cases/{case}/{action} at the case's current version."""
    version = service.client.get(f"/api/cases/{case}", headers=service.headers("staff"))
    payload = {**(body or {}), "expected_version": version.json()["version"]}
    return service.client.post(
        f"/api/cases/{case}/{action}", json=payload, headers=service.headers(who)
    )


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Service, str]]:
    """The seed case signed with LEAKY_REVIEW, not yet issued (shared; tests move it on)."""
    tmp = tmp_path_factory.mktemp("confidential")
    service, case = seeded_service(Path(tmp), f"sqlite:///{tmp / 'c.db'}", "records_received")
    response = _post(service, "reviewer", case, "review", LEAKY_REVIEW)
    assert response.status_code == 200, response.text
    yield service, case


def _get(service: Service, who: str, path: str) -> Any:
    return service.client.get(path, headers=service.headers(who))


def _absent(text: str, words: list[str]) -> None:
    for word in words:
        assert word.lower() not in text.lower(), word


# -- finding 3: the decision is the parties' from issue on ------------------------------


def test_a_party_reads_neither_decision_nor_letter_before_issue(
    signed: tuple[Service, str],
) -> None:
    service, case = signed
    assert _get(service, "party", f"/api/cases/{case}").json()["determination"] is None
    for fmt in ("text", "html", "pdf", "json"):
        response = _get(service, "party", f"/api/cases/{case}/letter?format={fmt}")
        assert response.status_code == 409, fmt
        assert "Upheld" not in response.text and "upheld" not in response.text
    page = browser(service)
    login(page, "party")
    for path in ("letter", "letter.txt", "letter.html", "letter.pdf"):
        response = page.get(f"/cases/{case}/{path}")
        assert response.status_code == 409, path
        assert "Upheld" not in response.text
    assert "Upheld" not in page.get(f"/my-cases/{case}").text
    # The reviewer and staff see the signed determination before issue.
    assert _get(service, "staff", f"/api/cases/{case}/letter").status_code == 200
    assert _get(service, "reviewer", f"/api/cases/{case}").json()["determination"] is not None


# -- findings 4 and 1: every response that can reach a party is redacted ----------------


def test_after_issue_the_partys_json_never_shows_the_reviewers_identity(
    signed: tuple[Service, str],
) -> None:
    service, case = signed
    assert _post(service, "staff", case, "issue").status_code == 200
    body = _get(service, "party", f"/api/cases/{case}").text
    assert "Upheld" in body or "upheld" in body
    _absent(body, REVIEWER_IDENTITY)
    for fmt in ("text", "html", "json"):
        letter = _get(service, "party", f"/api/cases/{case}/letter?format={fmt}")
        assert letter.status_code == 200, fmt
        _absent(letter.text, REVIEWER_IDENTITY)
    data = _get(service, "party", f"/api/cases/{case}/letter?format=json").json()
    assert "[redacted]" in data["clinical_case_summary"]
    assert "Jordan Q. Fictional" in data["clinical_case_summary"]  # the party's own letter
    # Staff keep the reviewer's own words.
    assert "Riley Imaginary" in _get(service, "staff", f"/api/cases/{case}").text


def test_the_public_json_letter_is_redacted_like_the_public_text(
    signed: tuple[Service, str],
) -> None:
    service, case = signed
    case_now = _get(service, "staff", f"/api/cases/{case}").json()
    if case_now["state"] == "reviewed":
        assert _post(service, "staff", case, "issue").status_code == 200
    assert _post(service, "staff", case, "publish").status_code == 200
    for who in ("other-party", "other-reviewer", "party"):
        response = _get(service, who, f"/api/cases/{case}/letter?format=json&public=true")
        assert response.status_code == 200, who
        _absent(response.text, [*WORKER, CLAIM, AUTHOR, *REVIEWER_IDENTITY])
        data = json.loads(response.text)
        assert data["items"][0]["decision"] == "upheld"
        assert all("document_id" not in d for d in data["documents_reviewed"])
    text = _get(service, "other-party", f"/api/cases/{case}/letter?format=text&public=true").text
    _absent(text, [*WORKER, CLAIM, AUTHOR, *REVIEWER_IDENTITY])


# -- finding 2: case numbers are the server's ------------------------------------------


def test_a_client_cannot_choose_a_case_number(tmp_path: Path) -> None:
    service, _ = seeded_service(tmp_path, f"sqlite:///{tmp_path / 'n.db'}")
    body = application(worker_key="person:jordan-q-fictional")
    body["case_number"] = "CM26-0000005"
    response = service.client.post(
        "/api/cases",
        data={"application": json.dumps(body)},
        files=intake_files(),
        headers=service.headers("party"),
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"]["field"] == "application.case_number"
    # Staff intake is never blocked: the server numbers every case in the CMyy-nnnnnnn format.
    response = service.client.post(
        "/api/cases",
        data={"application": json.dumps(application())},
        files=intake_files(),
        headers=service.headers("staff"),
    )
    assert response.status_code == 201, response.text
    assert response.json()["case_number"] == "CM26-0000002"


@pytest.mark.parametrize(
    "number",
    ['Z"><svg onload=alert(9)>', "CM26-000001", "cm26-0000001", "CM26-0000001x", "CM26 0000001"],
)
def test_a_malformed_case_number_in_a_path_is_refused_naming_the_field(
    signed: tuple[Service, str], number: str
) -> None:
    service, _ = signed
    for path in ("", "/letter", "/audit"):
        response = _get(service, "staff", f"/api/cases/{number}{path}")
        assert response.status_code == 422, (number, path)
        assert response.json()["error"]["details"]["field"] == "case_number"
        assert "<svg" not in response.headers.get("content-disposition", "")


# -- finding 8: existence is not disclosed; nobody files into another's list ---------------

CASE_ROUTES = [
    ("GET", ""),
    ("GET", "/letter"),
    ("GET", "/letter?public=true"),
    ("GET", "/letter?format=json&public=true"),
    ("GET", "/documents/D1"),
    ("GET", "/assist"),
    ("POST", "/review"),
]


@pytest.mark.parametrize(("method", "path"), CASE_ROUTES)
@pytest.mark.parametrize("who", ["other-party", "other-reviewer"])
def test_not_yours_answers_exactly_like_not_there(
    tmp_path: Path, who: str, method: str, path: str
) -> None:
    service, case = seeded_service(tmp_path, f"sqlite:///{tmp_path / 'e.db'}", "records_received")
    missing = "CM15-0999999"

    def ask(number: str) -> Any:
        if method == "GET":
            return _get(service, who, f"/api/cases/{number}{path}")
        return service.client.post(
            f"/api/cases/{number}{path}", json=LEAKY_REVIEW, headers=service.headers(who)
        )

    mine, absent = ask(case), ask(missing)
    assert mine.status_code == absent.status_code == 404
    assert mine.json() == json.loads(absent.text.replace(missing, case))


def test_a_party_cannot_file_into_another_partys_list(tmp_path: Path) -> None:
    service, _ = seeded_service(tmp_path, f"sqlite:///{tmp_path / 'f.db'}")
    victim = "person:jordan-q-fictional"  # the key of the account "party"

    def file(who: str, parties: list[dict[str, str]]) -> Any:
        body = application(worker_key=victim)
        body["parties"] = parties
        return service.client.post(
            "/api/cases",
            data={"application": json.dumps(body)},
            files=intake_files(),
            headers=service.headers(who),
        )

    worker = {"role": "injured_worker", "name": "Jordan Q. Fictional", "key": victim}
    # Naming oneself as the employer (or any role but the filer's) is not enough to file.
    as_employer = {"role": "employer", "name": "X", "key": "person:someone-else"}
    assert file("other-party", [worker, as_employer]).status_code == 403
    # Named as the representative it may file; the worker sees the case only once the IMR
    # organization has decided eligibility.
    as_rep = {"role": "representative", "name": "X", "key": "person:someone-else"}
    filed = file("other-party", [worker, as_rep])
    assert filed.status_code == 201, filed.text
    number = filed.json()["case_number"]
    listed = [c["case_number"] for c in _get(service, "party", "/api/cases").json()["cases"]]
    assert number not in listed
    assert _get(service, "party", f"/api/cases/{number}").status_code == 404
    assert _get(service, "other-party", f"/api/cases/{number}").status_code == 200
    decided = service.client.post(
        f"/api/cases/{number}/eligibility", headers=service.headers("staff")
    )
    assert decided.status_code == 200
    listed = [c["case_number"] for c in _get(service, "party", "/api/cases").json()["cases"]]
    assert number in listed
