"""Publishing the redacted determination (LC 4610.6, publication; docs/regulations.md §6.2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from openimr.domain.vocabulary import CaseState
from openimr.service.access import Actor, ensure_staff
from openimr.service.concurrency import ensure_version
from openimr.service.events import audit, record_events
from openimr.service.letters import render
from openimr.service.ports import Clock, UnitOfWork


@dataclass(frozen=True)
class PublishDetermination:
    case_number: str
    published_on: date
    expected_version: int | None = None


@dataclass(frozen=True)
class PublishResult:
    case_number: str
    state: CaseState
    published_on: date
    public_text: str
    version: int


def publish_determination(
    cmd: PublishDetermination, uow: UnitOfWork, actor: Actor, clock: Clock
) -> PublishResult:
    """Publish the redacted letter: no names, addresses, claim or case-file identifiers,
    dates of birth or reviewer identity (LC 4610.6, publication)."""
    ensure_staff(actor, "publish a determination")
    with uow:
        case = uow.cases.get(cmd.case_number)
        ensure_version(case, cmd.expected_version)
        case.publish(cmd.published_on, clock())
        reviewer = uow.reviewers.get(case.assigned_reviewer_id or "")
        text = render(case, reviewer, "text", public=True).content.decode()
        uow.cases.save(case)
        record_events(uow, case, actor)
        audit(uow, "RedactedLetterPublished", actor, clock(), case.case_number)
        uow.commit()
        return PublishResult(case.case_number, case.state, cmd.published_on, text, case.version)
