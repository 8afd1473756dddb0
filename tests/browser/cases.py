"""More cases for the browser tests: the seed application for another worker and claim
number (the organization numbers it), taken through the service up to a state."""

from __future__ import annotations

import dataclasses
from typing import Any

from openimr.domain.vocabulary import PartyRole, Priority, Role
from openimr.examples.seed import _application
from openimr.examples.seed_data import seed_data
from openimr.service.access import Actor
from openimr.service.assign import AssignReviewer, assign_reviewer
from openimr.service.intake import (
    PartyInput,
    ReceiveRecords,
    determine_eligibility,
    receive_records,
    submit_application,
)
from openimr.service.issue import IssueDetermination, issue_determination
from openimr.service.publish import PublishDetermination, publish_determination
from openimr.service.review import ItemDecision, RecordReview, record_review

STAFF = Actor("test-staff", Role.STAFF)
ORDER = ["received", "eligible", "assigned", "records_received", "reviewed", "issued", "published"]


def another_case(
    ctx: Any,
    worker: str,
    claim: str,
    until: str = "received",
    signed: bool = True,
    key: str | None = None,
    priority: Priority | None = None,
    disputed: str | None = None,
) -> str:
    seed = seed_data()
    cmd = _application(seed)
    parties = [
        PartyInput(p.role, worker, key or f"person:{worker.lower().replace(' ', '-')}")
        if p.role == PartyRole.INJURED_WORKER
        else p
        for p in cmd.parties
    ]
    items = cmd.items
    if disputed is not None:  # another service disputed, instead of the seed's first item
        items = [dataclasses.replace(items[0], description=disputed, original_request=disputed)]
    cmd = dataclasses.replace(
        cmd,
        items=items,
        claim_number=claim,
        parties=parties,
        application_signed=signed,
        priority=priority or cmd.priority,
    )
    svc = ctx.services
    uow, clock = svc.uow, svc.clock
    case_number = submit_application(cmd, uow(), STAFF, clock).case_number
    stop = ORDER.index(until)
    decide = stop >= 1 or not signed
    if decide and not determine_eligibility(case_number, uow(), STAFF, clock).eligible:
        return case_number
    today = clock().date()
    if stop >= 2:
        result = assign_reviewer(AssignReviewer(case_number, today), uow(), STAFF, clock)
        reviewer_id = result.reviewer_id
    if stop >= 3:
        records = [d.upload() for d in seed.timeline.records]
        receive_records(
            ReceiveRecords(case_number, today, seed.timeline.records_served_by, records),
            uow(),
            STAFF,
            clock,
        )
    if stop >= 4:
        reviewer = Actor("test-reviewer", Role.REVIEWER, reviewer_id=reviewer_id)
        item = seed.review.items[0]
        review = RecordReview(
            case_number,
            seed.review.clinical_case_summary,
            [
                ItemDecision(
                    "1",
                    item.decision,
                    [],
                    [c.citation() for c in item.imr_guideline],
                    item.rationale,
                )
            ],
        )
        record_review(review, uow(), reviewer, clock)
    if stop >= 5:
        issue_determination(IssueDetermination(case_number, today), uow(), STAFF, clock)
    if stop >= 6:
        publish_determination(PublishDetermination(case_number, today), uow(), STAFF, clock)
    return case_number
