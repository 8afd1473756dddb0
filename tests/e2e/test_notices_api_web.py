"""Notices through the API and the web pages: served, listed, downloaded by those entitled."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.api_support import SEED_REVIEWER, Service, seeded_service
from tests.e2e.test_web_pages import browser, form_fields, login


def _post(service: Service, who: str, url: str, body: dict[str, object] | None = None):  # type: ignore[no-untyped-def]
    response = service.client.post(url, json=body or {}, headers=service.headers(who))
    assert response.status_code == 200, response.text
    return response.json()


def test_notices_are_served_listed_and_downloaded_through_the_api(
    tmp_path: Path, database_url: str
) -> None:
    service, case = seeded_service(tmp_path, database_url)
    base = f"/api/cases/{case}"
    asked = _post(
        service,
        "staff",
        f"{base}/information-requests",
        {"asked": ["The signed DWC Form IMR"], "served_by": "electronic"},
    )
    assert asked["kind"] == "information_request" and asked["details"]["answer_due"]
    assert _post(service, "staff", f"{base}/eligibility")["state"] == "eligible"
    served = _post(service, "staff", f"{base}/notices/assignment", {"served_by": "mail"})
    assert served["details"]["records_due"] and served["notice_id"] == "N2"
    case_json = service.client.get(base, headers=service.headers("staff")).json()
    records = next(c for c in case_json["clocks"] if c["name"] == "records")
    assert records["status"] == "running" and records["rule_id"] == "records/mailed"

    listed = service.client.get(f"{base}/notices", headers=service.headers("party")).json()
    assert [n["kind"] for n in listed["notices"]] == ["information_request", "assignment"]
    for fmt, media in (("text", "text/plain"), ("html", "text/html"), ("pdf", "application/pdf")):
        got = service.client.get(
            f"{base}/notices/N2?format={fmt}", headers=service.headers("party")
        )
        assert got.status_code == 200 and got.headers["content-type"].startswith(media)
    assert got.content.startswith(b"%PDF")
    # Not a party to the case, or a reviewer: the case (and its notices) are not there.
    denied = service.client.get(f"{base}/notices/N2", headers=service.headers("other-party"))
    assert denied.status_code == 404
    denied = service.client.get(f"{base}/notices/N2", headers=service.headers("reviewer"))
    assert denied.status_code == 404
    missing = service.client.get(f"{base}/notices/N9", headers=service.headers("staff"))
    assert missing.status_code == 404

    trail = service.client.get(f"{base}/audit", headers=service.headers("staff")).json()
    actions = [e["action"] for e in trail]
    assert actions.count("NoticeIssued") == 2 and "NoticeRead" in actions


def test_a_notice_that_cannot_be_sent_now_is_a_conflict(tmp_path: Path, database_url: str) -> None:
    service, case = seeded_service(tmp_path, database_url)
    response = service.client.post(
        f"/api/cases/{case}/notices/assignment",
        json={"served_by": "mail"},
        headers=service.headers("staff"),
    )
    assert response.status_code == 409  # not eligible yet
    response = service.client.post(
        f"/api/cases/{case}/notices/assignment",
        json={"served_by": "pigeon"},
        headers=service.headers("staff"),
    )
    assert response.status_code == 422


def test_the_case_page_lists_the_notices_and_a_party_downloads_its_own(
    tmp_path: Path, database_url: str
) -> None:
    service, case = seeded_service(tmp_path, database_url, until="eligible")
    staff = browser(service)
    login(staff, "staff")
    page = staff.get(f"/cases/{case}")
    assert "Send the notice of assignment" in page.text
    page = staff.post(
        f"/cases/{case}/notices/assignment",
        data={**form_fields(page.text), "mailed_on": "2026-11-23", "served_by": "electronic"},
    )
    assert page.status_code == 200
    assert 'data-kind="assignment"' in page.text and "Notice of Assignment" in page.text
    assert "Claims administrator" in staff.get(f"/cases/{case}/notices/N1").text
    assert SEED_REVIEWER not in staff.get(f"/cases/{case}/notices/N1.txt").text

    party = browser(service)
    login(party, "party")
    mine = party.get(f"/my-cases/{case}")
    assert 'data-kind="assignment"' in mine.text
    pdf = party.get(f"/cases/{case}/notices/N1.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    other = browser(service)
    login(other, "other-party")
    assert other.get(f"/cases/{case}/notices/N1.txt").status_code == 404
