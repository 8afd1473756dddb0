"""Issuing the final determination to the parties (LC 4610.6(e)-(f); 8 CCR 9792.10.6).

The letter goes to the parties notices.yaml names, on the date of mailing, by the method
recorded; the letter ends with that date, its recipients and the proof of service, because
the appeal clock runs from service (8 CCR 10575(c)).
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from datetime import date

from openimr.domain.vocabulary import CaseState, NoticeKind, ServiceMethod
from openimr.service.access import Actor, ensure_staff
from openimr.service.concurrency import ensure_version
from openimr.service.events import audit, record_events
from openimr.service.letters import render
from openimr.service.notices import build_notice, serve, server_name
from openimr.service.notify import notify_parties
from openimr.service.ports import Clock, UnitOfWork


@dataclass(frozen=True)
class IssueDetermination:
    case_number: str
    issued_on: date  # the date of mailing (or sending)
    expected_version: int | None = None
    served_by: ServiceMethod = ServiceMethod.MAIL
    server_name: str | None = None


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
        notice = build_notice(
            case,
            NoticeKind.FINAL_DETERMINATION,
            cmd.issued_on,
            cmd.served_by,
            server_name(actor, cmd.server_name),
            {},
        )
        case.notices.append(notice)  # render the letter with its service block ...
        text = render(case, reviewer, "text", public=False).content.decode()
        case.notices.pop()  # ... then serve it with the hash of that text
        digest = hashlib.sha256(text.encode()).hexdigest()
        serve(uow, case, dataclasses.replace(notice, content_sha256=digest), actor, clock)
        uow.cases.save(case)
        record_events(uow, case, actor)
        audit(
            uow,
            "LetterIssued",
            actor,
            clock(),
            case.case_number,
            decision_date=cmd.issued_on,
            notice_id=notice.notice_id,
            served_by=cmd.served_by,
            letter_sha256=digest,
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
