"""The seed case's whole life, from the data in seed_data.py.

`run_seed_example(out_dir)` takes the seed case from intake to publication on a fresh SQLite
database and writes the five files of `openimr example seed`. `load_seed_case(services)`
puts the same case into a running service's database (idempotent), up to a chosen state.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, Literal

from openimr.domain.errors import InvalidInput
from openimr.domain.vocabulary import CaseState, Role
from openimr.examples.seed_data import SeedCase, demo_panel, seed_data
from openimr.service.access import Actor
from openimr.service.assign import AssignmentResult, AssignReviewer, assign_reviewer
from openimr.service.bootstrap import Services, bootstrap, register_reviewers
from openimr.service.intake import (
    ItemInput,
    PartyInput,
    ReceiveRecords,
    SubmitApplication,
    determine_eligibility,
    receive_records,
    submit_application,
)
from openimr.service.issue import IssueDetermination, issue_determination
from openimr.service.letters import render
from openimr.service.notices import SendAssignmentNotice, send_notice_of_assignment
from openimr.service.publish import PublishDetermination, publish_determination
from openimr.service.review import ItemDecision, RecordReview, record_review

STAFF = Actor("seed-staff", Role.STAFF, name="Sam Seedclerk")


# -- the life of the case ----------------------------------------------------------------


class StepClock:
    """The example's clock: each step happens on the day the timeline gives it."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def at(self, day: date, hour: int = 10) -> None:
        self.now = datetime.combine(day, time(hour), tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


Stage = Literal[
    "received", "eligible", "assigned", "records_received", "reviewed", "issued", "published"
]
_ORDER: list[str] = [
    "received",
    "eligible",
    "assigned",
    "records_received",
    "reviewed",
    "issued",
    "published",
]


def _application(seed: SeedCase) -> SubmitApplication:
    c = seed.case
    return SubmitApplication(
        jurisdiction=c.jurisdiction,
        priority=c.priority,
        date_of_injury=c.date_of_injury,
        ur_decision_date=c.ur_decision_date,
        ur_decision_served_by=c.ur_decision_served_by,
        application_received_on=c.application_received_on,
        application_signed=c.application_signed,
        dispute_type=c.dispute_type,
        claim_number=c.claim_number,
        applicant_age=c.applicant_age,
        applicant_sex=c.applicant_sex,
        condition=c.condition,
        facts=dict(c.facts),
        items=[ItemInput(i.description, i.original_request, i.authorized_portion) for i in c.items],
        parties=[PartyInput(p.role, p.name, p.key, p.organization, p.address) for p in c.parties],
        documents=[d.upload() for d in c.documents],
    )


def _review(seed: SeedCase, case_number: str) -> RecordReview:
    return RecordReview(
        case_number=case_number,
        clinical_case_summary=seed.review.clinical_case_summary,
        items=[
            ItemDecision(
                item_id=i.item_id,
                decision=i.decision,
                claims_administrator_guideline=[
                    c.citation() for c in i.claims_administrator_guideline
                ],
                imr_guideline=[c.citation() for c in i.imr_guideline],
                rationale=i.rationale,
                strength_of_evidence=i.strength_of_evidence,
            )
            for i in seed.review.items
        ],
    )


@dataclass
class SeedRun:
    case_number: str
    reviewer_id: str | None = None
    assignment: AssignmentResult | None = None
    eligibility_findings: list[str] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)


def load_seed_case(
    services: Services,
    *,
    until: Stage = "issued",
    clock: StepClock | None = None,
    jurisdiction: str | None = None,
) -> SeedRun:
    """Put a worked case (the workers' comp seed case, or `jurisdiction`'s) and the demo
    panel into `services`' database, up to `until`.

    Idempotent: steps the case has already taken are skipped, so a service may call it on
    every start.
    """
    seed = seed_data(jurisdiction)
    tl = seed.timeline
    clock = clock or StepClock()
    stop = _ORDER.index(until)
    uow = services.uow
    clock.at(seed.case.application_received_on, 9)
    register_reviewers(demo_panel(), uow(), clock)
    intake = submit_application(_application(seed), uow(), STAFF, clock)
    run = SeedRun(intake.case_number)
    state = intake.state

    def reached(stage: str) -> bool:
        return _ORDER.index(stage) > stop or _rank(state) >= _ORDER.index(stage)

    if not reached("eligible"):
        result = determine_eligibility(run.case_number, uow(), STAFF, clock)
        run.eligibility_findings = [f"{f.reason} ({f.citation})" for f in result.findings]
        state = result.state
        if not result.eligible:
            return run
    if not reached("assigned"):
        if tl.assignment_notice_on is not None:
            clock.at(tl.assignment_notice_on)
            send_notice_of_assignment(
                SendAssignmentNotice(
                    run.case_number, tl.assignment_notice_on, tl.assignment_notice_served_by
                ),
                uow(),
                STAFF,
                clock,
            )
        clock.at(tl.assigned_on)
        run.assignment = assign_reviewer(
            AssignReviewer(run.case_number, tl.assigned_on, noarfi_served_by=tl.noarfi_served_by),
            uow(),
            STAFF,
            clock,
        )
        state = run.assignment.state
    if not reached("records_received"):
        clock.at(tl.records_received_on)
        state = receive_records(
            ReceiveRecords(
                run.case_number,
                tl.records_received_on,
                tl.records_served_by,
                [d.upload() for d in tl.records],
            ),
            uow(),
            STAFF,
            clock,
        ).state
    with uow() as u:
        run.reviewer_id = u.cases.get(run.case_number).assigned_reviewer_id
    if not reached("reviewed"):
        clock.now = tl.signed_at
        reviewer = Actor(f"reviewer-{run.reviewer_id}", Role.REVIEWER, reviewer_id=run.reviewer_id)
        state = record_review(_review(seed, run.case_number), uow(), reviewer, clock).state
    if not reached("issued"):
        clock.at(tl.issued_on)
        state = issue_determination(
            IssueDetermination(run.case_number, tl.issued_on, served_by=tl.determination_served_by),
            uow(),
            STAFF,
            clock,
        ).state
    if not reached("published"):
        clock.at(tl.published_on)
        state = publish_determination(
            PublishDetermination(run.case_number, tl.published_on), uow(), STAFF, clock
        ).state
    return run


def _rank(state: CaseState) -> int:
    """How far along `_ORDER` a state is (-1 for ineligible or withdrawn)."""
    return _ORDER.index(state.value) if state.value in _ORDER else -1


def run_seed_example(
    out_dir: Path, database_url: str | None = None, jurisdiction: str | None = None
) -> SeedRun:
    """A worked case's whole life (the seed case, or `jurisdiction`'s), intake to
    publication, on a fresh database; writes the five files to `out_dir`.

    letter.txt, letter.html, letter.pdf, letter-public.txt (redacted) and determination.json.
    The database is a new SQLite file in a temporary directory unless `database_url` is given.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="openimr-seed-") as tmp:
        url = database_url or f"sqlite:///{Path(tmp) / 'seed.db'}"
        services = bootstrap(url)
        try:
            run = load_seed_case(services, until="published", jurisdiction=jurisdiction)
            if run.eligibility_findings:
                raise InvalidInput(
                    "the seed case was found ineligible: " + "; ".join(run.eligibility_findings)
                )
            with services.uow() as uow:
                case = uow.cases.get(run.case_number)
                reviewer = uow.reviewers.get(case.assigned_reviewer_id or "")
            outputs = {
                "letter.txt": render(case, reviewer, "text", public=False).content,
                "letter.html": render(case, reviewer, "html", public=False).content,
                "letter.pdf": render(case, reviewer, "pdf", public=False).content,
                "letter-public.txt": render(case, reviewer, "text", public=True).content,
                "determination.json": render(case, reviewer, "json", public=False).content,
            }
        finally:
            services.close()
    for name, content in outputs.items():
        path = out_dir / name
        path.write_bytes(content)
        run.files[name] = path
    return run


def determination_json(path: Path) -> dict[str, Any]:
    """Read back a determination.json (for tests and callers)."""
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
