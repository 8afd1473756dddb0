"""Issuing the final determination to the parties (LC 4610.6(e)-(f); 8 CCR 9792.10.6)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from openimr.domain.vocabulary import CaseState
from openimr.service.access import Actor, ensure_staff
from openimr.service.concurrency import ensure_version
from openimr.service.events import audit, record_events
from openimr.service.letters import render
from openimr.service.notify import notify_parties
from openimr.service.ports import Clock, UnitOfWork


@dataclass(frozen=True)
class IssueDetermination:
    case_number: str
    issued_on: date
    expected_version: int | None = None


@dataclass(frozen=True)
class IssueResult:
    case_number: str
    state: CaseState
    decision_date: date
    letter_text: str
    version: int


def issue_determination(
    cmd: IssueDetermination, uow: UnitOfWork, actor: Actor, clock: Clock
) -> IssueResult:
    """Issue the signed determination's letter (8 CCR 9792.10.6); dated `issued_on`.

    The letter is rendered inside the transaction: a letter that cannot be rendered
    (or would name the reviewer) leaves the case unissued.
    """
    ensure_staff(actor, "issue a determination")
    with uow:
        case = uow.cases.get(cmd.case_number)
        ensure_version(case, cmd.expected_version)
        case.issue(cmd.issued_on, clock())
        reviewer = uow.reviewers.get(case.assigned_reviewer_id or "")
        text = render(case, reviewer, "text", public=False).content.decode()
        uow.cases.save(case)
        record_events(uow, case, actor)
        audit(
            uow,
            "LetterIssued",
            actor,
            clock(),
            case.case_number,
            decision_date=cmd.issued_on,
            letter_sha256=hashlib.sha256(text.encode()).hexdigest(),
        )
        notify_parties(
            uow,
            [p.key for p in case.parties],
            "letter_issued",
            case.case_number,
            f"The final determination of IMR case {case.case_number} has been issued; "
            "the letter is ready to read.",
            clock(),
        )
        uow.commit()
        return IssueResult(case.case_number, case.state, cmd.issued_on, text, case.version)
