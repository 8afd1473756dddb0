"""The JSON API takes the seed case through its whole life, role by role, with conflicts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.api_support import (
    SEED_REVIEWER,
    Service,
    application,
    intake_files,
    seeded_service,
)

REVIEW = {
    "clinical_case_summary": "A worker with chronic low back pain asks for a hot/cold unit.",
    "items": [
        {
            "item_id": "1",
            "decision": "upheld",
            "claims_administrator_guideline": [
                {
                    "source": "non-MTUS",
                    "guideline": "ODG",
                    "edition": "2015",
                    "sections": ["Low Back"],
                }
            ],
            "imr_guideline": [
                {
                    "source": "non-MTUS",
                    "guideline": "ODG",
                    "edition": "2015",
                    "sections": ["Cold/heat packs"],
                }
            ],
            "rationale": "Home heat or cold serves as well as a powered unit.",
        }
    ],
}


def _version(service: Service, case_number: str) -> int:
    response = service.client.get(f"/api/cases/{case_number}", headers=service.headers("staff"))
    return int(response.json()["version"])


def _post(service: Service, who: str, path: str, body: dict[str, object] | None = None):  # type: ignore[no-untyped-def]
    return service.client.post(path, json=body or {}, headers=service.headers(who))


def test_staff_take_the_seed_case_from_intake_to_published(
    tmp_path: Path, database_url: str
) -> None:
    service, case = seeded_service(tmp_path, database_url)
    base = f"/api/cases/{case}"
    assert _post(service, "staff", f"{base}/eligibility").json()["state"] == "eligible"

    candidates = service.client.get(
        f"{base}/assignment/candidates", headers=service.headers("staff")
    )
    assert candidates.status_code == 200
    body = candidates.json()
    assert [c["reviewer_id"] for c in body["candidates"]] == [SEED_REVIEWER]
    assert body["excluded"] and all(e["reasons"] for e in body["excluded"])

    assigned = _post(service, "staff", f"{base}/assignment", {"reviewer_id": SEED_REVIEWER})
    assert assigned.json()["state"] == "assigned"
    records = _post(
        service,
        "staff",
        f"{base}/records",
        {"received_on": "2026-11-27", "served_by": "electronic"},
    )
    assert records.json()["state"] == "records_received"

    assert _post(service, "reviewer", f"{base}/review", REVIEW).json()["state"] == "reviewed"
    issued = _post(service, "staff", f"{base}/issue")
    assert issued.status_code == 200 and issued.json()["state"] == "issued"

    for fmt, media in (("text", "text/plain"), ("html", "text/html"), ("pdf", "application/pdf")):
        letter = service.client.get(f"{base}/letter?format={fmt}", headers=service.headers("party"))
        assert letter.status_code == 200 and letter.headers["content-type"].startswith(media)
    text = service.client.get(f"{base}/letter", headers=service.headers("party")).text
    assert "Hot/Cold unit for the lumbar spine: Upheld" in text
    assert SEED_REVIEWER not in text

    assert _post(service, "staff", f"{base}/publish").json()["state"] == "published"
    public = service.client.get(
        f"{base}/letter?public=true", headers=service.headers("other-party")
    )
    assert public.status_code == 200
    assert "Jordan" not in public.text and "FICT-CLM" not in public.text


@pytest.mark.parametrize(
    ("who", "status"), [("reviewer", 403), ("party", 403), ("other-party", 403)]
)
def test_only_staff_decide_eligibility(
    tmp_path: Path, database_url: str, who: str, status: int
) -> None:
    service, case = seeded_service(tmp_path, database_url)
    response = _post(service, who, f"/api/cases/{case}/eligibility")
    assert response.status_code == status
    assert response.json()["error"]["code"] == "forbidden"


def test_only_the_assigned_reviewer_signs(tmp_path: Path, database_url: str) -> None:
    service, case = seeded_service(tmp_path, database_url, until="records_received")
    for who, status in (("other-reviewer", 404), ("staff", 403), ("party", 403)):
        response = _post(service, who, f"/api/cases/{case}/review", REVIEW)
        assert response.status_code == status, who


def test_a_reviewer_cannot_assign_issue_or_publish(tmp_path: Path, database_url: str) -> None:
    service, case = seeded_service(tmp_path, database_url, until="reviewed")
    for path in ("assignment", "issue", "publish"):
        response = _post(service, "reviewer", f"/api/cases/{case}/{path}")
        assert response.status_code == 403, path


def test_issuing_before_the_review_is_an_illegal_transition(
    tmp_path: Path, database_url: str
) -> None:
    service, case = seeded_service(tmp_path, database_url, until="eligible")
    response = _post(service, "staff", f"/api/cases/{case}/issue")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invalid_transition"


def test_two_users_editing_the_same_case_get_a_conflict_not_a_lost_update(
    tmp_path: Path, database_url: str
) -> None:
    service, case = seeded_service(tmp_path, database_url, until="assigned")
    seen = _version(service, case)  # both staff members loaded the case at this version
    body = {"received_on": "2026-11-27", "served_by": "electronic", "expected_version": seen}
    first = _post(service, "staff", f"/api/cases/{case}/records", body)
    second = _post(
        service, "admin", f"/api/cases/{case}/records", {**body, "received_on": "2026-11-26"}
    )
    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "conflict"
    after = service.client.get(f"/api/cases/{case}", headers=service.headers("staff")).json()
    assert after["records_received_on"] == "2026-11-27"


def test_assigning_a_conflicted_reviewer_is_refused_with_the_reason(
    tmp_path: Path, database_url: str
) -> None:
    service, case = seeded_service(tmp_path, database_url, until="eligible")
    response = _post(service, "staff", f"/api/cases/{case}/assignment", {"reviewer_id": "R-OM-002"})
    assert response.status_code == 422
    assert "R-OM-002" in response.json()["error"]["message"]


def test_intake_with_documents_is_idempotent(tmp_path: Path, database_url: str) -> None:
    service, _ = seeded_service(tmp_path, database_url)
    data = {"application": __import__("json").dumps(application())}
    first = service.client.post(
        "/api/cases", data=data, files=intake_files(), headers=service.headers("staff")
    )
    again = service.client.post(
        "/api/cases", data=data, files=intake_files(), headers=service.headers("staff")
    )
    assert first.status_code == 201 and first.json()["created"] is True
    assert again.status_code == 201 and again.json()["created"] is False
    assert again.json()["case_number"] == first.json()["case_number"]
    case = service.client.get(
        f"/api/cases/{first.json()['case_number']}", headers=service.headers("staff")
    )
    assert [d["title"] for d in case.json()["documents"]] == ["UR decision"]


def test_a_party_files_only_its_own_application(tmp_path: Path, database_url: str) -> None:
    import json

    service, _ = seeded_service(tmp_path, database_url)
    own = {"application": json.dumps(application(worker_key="person:jordan-q-fictional"))}
    other = {"application": json.dumps(application(worker_key="person:not-me"))}
    ok = service.client.post(
        "/api/cases", data=own, files=intake_files(), headers=service.headers("party")
    )
    refused = service.client.post(
        "/api/cases", data=other, files=intake_files(), headers=service.headers("party")
    )
    reviewer = service.client.post(
        "/api/cases", data=own, files=intake_files(), headers=service.headers("reviewer")
    )
    assert ok.status_code == 201
    assert refused.status_code == 403
    assert reviewer.status_code == 403


def test_an_unreadable_pdf_refuses_the_whole_application_naming_the_file(
    tmp_path: Path, database_url: str
) -> None:
    import json

    service, _ = seeded_service(tmp_path, database_url)
    before = service.client.get("/api/cases", headers=service.headers("staff")).json()["count"]
    docs = [
        {"filename": "ur.txt", "kind": "ur_decision"},
        {"filename": "broken.pdf", "kind": "medical_record"},
    ]
    response = service.client.post(
        "/api/cases",
        data={"application": json.dumps(application(documents=docs))},
        files=intake_files({"ur.txt": b"UR: denied", "broken.pdf": b"%PDF-1.4 not really"}),
        headers=service.headers("staff"),
    )
    assert response.status_code == 422
    assert "broken.pdf" in response.json()["error"]["message"]
    after = service.client.get("/api/cases", headers=service.headers("staff")).json()["count"]
    assert after == before


def test_an_application_that_is_not_json_names_the_field(tmp_path: Path, database_url: str) -> None:
    service, _ = seeded_service(tmp_path, database_url)
    response = service.client.post(
        "/api/cases", data={"application": "{not json"}, headers=service.headers("staff")
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"]["field"].startswith("application")


def test_an_upload_not_described_in_the_application_is_refused(
    tmp_path: Path, database_url: str
) -> None:
    import json

    service, _ = seeded_service(tmp_path, database_url)
    response = service.client.post(
        "/api/cases",
        data={"application": json.dumps(application(documents=[]))},
        files=intake_files({"stray.txt": b"hello"}),
        headers=service.headers("staff"),
    )
    assert response.status_code == 422
    assert "stray.txt" in response.json()["error"]["message"]


def test_records_arrive_with_their_documents(tmp_path: Path, database_url: str) -> None:
    import json

    service, case = seeded_service(tmp_path, database_url, until="assigned")
    body = {
        "received_on": "2026-11-27",
        "served_by": "electronic",
        "documents": [{"filename": "pt-notes.txt", "kind": "progress_report", "title": "PT notes"}],
    }
    response = service.client.post(
        f"/api/cases/{case}/records/upload",
        data={"records": json.dumps(body)},
        files=intake_files({"pt-notes.txt": b"Six sessions of physical therapy."}),
        headers=service.headers("staff"),
    )
    assert response.status_code == 200, response.text
    assert response.json()["state"] == "records_received"
    titles = [d["title"] for d in _case(service, case)["documents"]]
    assert "PT notes" in titles


def test_a_bad_record_file_stores_nothing_of_the_records(tmp_path: Path, database_url: str) -> None:
    import json

    service, case = seeded_service(tmp_path, database_url, until="assigned")
    body = {
        "received_on": "2026-11-27",
        "served_by": "electronic",
        "documents": [{"filename": "scan.pdf", "kind": "medical_record"}],
    }
    response = service.client.post(
        f"/api/cases/{case}/records/upload",
        data={"records": json.dumps(body)},
        files=intake_files({"scan.pdf": b"not a pdf"}),
        headers=service.headers("staff"),
    )
    assert response.status_code == 422 and "scan.pdf" in response.json()["error"]["message"]
    after = _case(service, case)
    assert after["state"] == "assigned" and after["records_received_on"] is None


def _case(service: Service, case: str) -> dict[str, object]:
    response = service.client.get(f"/api/cases/{case}", headers=service.headers("staff"))
    return response.json()  # type: ignore[no-any-return]
