"""FHIR R4 case files: `openimr fhir import|export` and `POST /api/fhir/Bundle`.

A health-plan case comes in as a Bundle, lives its life through the service, and its
determination goes out as a Bundle with the letter's PDF; a bundle that does not validate is
refused naming the entry, the resource and the element, and nothing is stored."""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from typer.testing import CliRunner

from openimr.cli import app
from openimr.domain.vocabulary import Decision, Role, ServiceMethod
from openimr.service.access import Actor
from openimr.service.assign import AssignReviewer, assign_reviewer
from openimr.service.bootstrap import Services, bootstrap, register_reviewers
from openimr.service.intake import ReceiveRecords, determine_eligibility, receive_records
from openimr.service.issue import IssueDetermination, issue_determination
from openimr.service.review import record_review
from tests.e2e.api_support import make_service
from tests.factories import make_review, make_reviewer
from tests.fhir_bundles import dmhc_bundle

runner = CliRunner()
STAFF = Actor("staff", Role.STAFF)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 2, 2, 9, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def live_the_case(services: Services, case_number: str) -> None:
    """Eligibility, assignment, records, review and issue of an imported case."""
    clock = Clock()
    register_reviewers([make_reviewer()], services.uow(), clock)
    result = determine_eligibility(case_number, services.uow(), STAFF, clock)
    assert result.eligible, result.findings
    assign_reviewer(AssignReviewer(case_number, date(2026, 2, 5)), services.uow(), STAFF, clock)
    receive_records(
        ReceiveRecords(case_number, date(2026, 2, 9), ServiceMethod.ELECTRONIC),
        services.uow(),
        STAFF,
        clock,
    )
    review = make_review(case_number)
    review = replace(review, items=[replace(review.items[0], decision=Decision.OVERTURNED)])
    reviewer = Actor("r1", Role.REVIEWER, reviewer_id="R1")
    record_review(review, services.uow(), reviewer, clock)
    issue_determination(
        IssueDetermination(case_number, date(2026, 3, 1)), services.uow(), STAFF, clock
    )


def check_export(bundle: dict[str, Any]) -> None:
    Bundle.model_validate(bundle)  # a valid R4 Bundle
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds == ["Patient", "Organization", "Coverage", "ClaimResponse", "DocumentReference"]
    response = bundle["entry"][3]["resource"]
    assert response["disposition"] == "Overturned Decision of Health Plan"
    reason = response["item"][0]["adjudication"][0]["reason"]["coding"][0]
    assert (reason["code"], reason["display"]) == (
        "overturned",
        "Overturned Decision of Health Plan",
    )
    pdf = base64.b64decode(bundle["entry"][4]["resource"]["content"][0]["attachment"]["data"])
    assert pdf.startswith(b"%PDF")


def test_a_bundle_in_through_the_cli_and_its_determination_out(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fhir.db'}"
    source = tmp_path / "bundle.json"
    source.write_text(json.dumps(dmhc_bundle()))
    result = runner.invoke(
        app,
        ["fhir", "import", str(source), "--jurisdiction", "ca_dmhc", "--received", "2026-02-02",
         "--database-url", url],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    made = json.loads(result.stdout)
    assert (made["jurisdiction"], made["state"], made["created"]) == ("ca_dmhc", "received", True)
    early = runner.invoke(app, ["fhir", "export", made["case_number"], "--database-url", url])
    assert early.exit_code == 2 and "no signed determination yet" in early.stderr
    services = bootstrap(url, migrate=False)
    try:
        with services.uow() as uow:
            case = uow.cases.get(made["case_number"])
        assert case.facts["member_id"] == "FICT-MBR-552019"
        assert [i.description for i in case.items] == ["Lumbar epidural steroid injection, L5-S1"]
        assert {d.kind for d in case.documents} == {"grievance_decision", "medical_record"}
        live_the_case(services, made["case_number"])
    finally:
        services.close()
    out = tmp_path / "determination.json"
    result = runner.invoke(
        app, ["fhir", "export", made["case_number"], "--out", str(out), "--database-url", url]
    )
    assert result.exit_code == 0, result.output
    check_export(json.loads(out.read_text()))


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (lambda b: b["entry"][0]["resource"].update(birthDate="1978-13-45"),
         "entry[0] Patient/p1: birthDate"),
        (lambda b: b["entry"][4]["resource"].pop("patient"), "entry[4] Claim/claim1: patient"),
        (lambda b: b["entry"][4]["resource"].update(colour="red"), "entry[4] Claim/claim1: colour"),
        (lambda b: b["entry"].append({"resource": {"resourceType": "Nope"}}),
         "entry[9]: 'Nope' is not a FHIR R4 resource type"),
        (lambda b: b["entry"].pop(5), "exactly one ClaimResponse"),
        (lambda b: b["entry"][7]["resource"]["content"][0]["attachment"].update(url="Binary/zz"),
         "entry[7] DocumentReference/doc2: content[0].attachment.url"),
    ],
)  # fmt: skip
def test_a_bundle_that_does_not_validate_names_resource_and_path(
    tmp_path: Path, breakage: Any, message: str
) -> None:
    bundle = dmhc_bundle()
    breakage(bundle)
    source = tmp_path / "bad.json"
    source.write_text(json.dumps(bundle))
    url = f"sqlite:///{tmp_path / 'bad.db'}"
    result = runner.invoke(
        app, ["fhir", "import", str(source), "--jurisdiction", "ca_dmhc", "--database-url", url]
    )
    assert result.exit_code == 2
    assert message in result.stderr, result.stderr
    services = bootstrap(url, migrate=False)
    try:
        with services.uow() as uow:
            assert uow.cases.list() == []  # nothing stored
    finally:
        services.close()


def test_the_api_takes_a_bundle_and_gives_the_determination_back(
    tmp_path: Path, database_url: str
) -> None:
    service = make_service(tmp_path, database_url)
    service.add_user("staff", Role.STAFF)
    headers = {**service.headers("staff"), "content-type": "application/fhir+json"}
    response = service.client.post(
        "/api/fhir/Bundle?jurisdiction=ca_dmhc&received_on=2026-02-02",
        content=json.dumps(dmhc_bundle()),
        headers=headers,
    )
    assert response.status_code == 201, response.text
    number = response.json()["case_number"]
    case = service.client.get(f"/api/cases/{number}", headers=service.headers("staff")).json()
    assert case["jurisdiction"] == "ca_dmhc" and case["facts"]["plan_decision"] == "2026-01-09"
    bad = dmhc_bundle()
    bad["entry"][0]["resource"]["gender"] = 7
    refused = service.client.post(
        "/api/fhir/Bundle?jurisdiction=ca_dmhc", content=json.dumps(bad), headers=headers
    )
    assert refused.status_code == 422
    assert "entry[0] Patient/p1: gender" in refused.json()["error"]["message"]
    assist = service.client.get(f"/api/cases/{number}/assist", headers=service.headers("staff"))
    assert assist.status_code == 200, assist.text
    (proposal,) = assist.json()["proposals"]
    assert proposal["proposal"] == "undecided" and 0 < proposal["p_overturn"] < 1
    assert "California DMHC IMR decisions" in proposal["rationale"]
    live_the_case(service.ctx.services, number)
    exported = service.client.get(
        f"/api/fhir/cases/{number}/Bundle", headers=service.headers("staff")
    )
    assert exported.status_code == 200, exported.text
    check_export(exported.json())


def test_the_jurisdictions_are_public_and_name_what_a_case_carries(tmp_path: Path) -> None:
    service = make_service(tmp_path, f"sqlite:///{tmp_path / 'j.db'}")
    packs = service.client.get("/api/jurisdictions")
    assert packs.status_code == 200
    by_id = {p["jurisdiction"]: p for p in packs.json()}
    assert set(by_id) == {"ca_dwc", "ca_dmhc", "us_federal", "hi_external"}
    federal = by_id["us_federal"]
    assert {"decision": "overturned", "word": "Reversed"} in federal["outcomes"]
    assert {"id": "claimant", "label": "Claimant", "kind": "patient"} in federal["party_roles"]
    one = service.client.get("/api/jurisdictions/ca_dmhc")
    assert one.json()["words"]["applicant"] == "enrollee"
    missing = service.client.get("/api/jurisdictions/xx_none")
    assert (
        missing.status_code == 422 and "unknown jurisdiction" in missing.json()["error"]["message"]
    )
