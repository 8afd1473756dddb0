"""The written notices of a case: serve them, list them, read them.

Serving a notice is one transaction: the notice (its recipients chosen by role from
rules/data/<jurisdiction>/notices.yaml, its date of mailing, its service method and the
facts it states, such as the due date its clock gives) is kept on the case, its text is
hashed into the audit entry, and the clocks it starts run from its date of mailing. Reading
one is audited too. Staff see every notice; a party only those addressed to it; reviewers
none (they are the IMR organization's correspondence with the parties).
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Literal

from openimr.domain.case import Case
from openimr.domain.errors import InvalidInput, NotFound
from openimr.domain.notice import Notice, NoticeRecipient
from openimr.domain.vocabulary import NoticeKind, ServiceMethod
from openimr.letters.notices import render_notice_html, render_notice_pdf, render_notice_text
from openimr.letters.service_block import role_label
from openimr.rules.case_clocks import case_clocks
from openimr.rules.notices import load_notice_rules
from openimr.service.access import Actor, can_receive_notice, ensure_can_view, ensure_staff
from openimr.service.concurrency import ensure_version
from openimr.service.events import audit, record_events
from openimr.service.letters import MEDIA_TYPES, render
from openimr.service.ports import Clock, UnitOfWork

NoticeFormat = Literal["text", "html", "pdf"]


@dataclass(frozen=True)
class NoticeResult:
    case_number: str
    notice_id: str
    kind: NoticeKind
    mailed_on: date
    details: dict[str, object]
    version: int


@dataclass(frozen=True)
class NoticeSummary:
    """One line of a case's list of notices."""

    notice_id: str
    kind: NoticeKind
    title: str
    mailed_on: date
    served_by: ServiceMethod
    recipients: tuple[str, ...]  # "name (role)"


@dataclass(frozen=True)
class RenderedNotice:
    case_number: str
    notice_id: str
    format: str
    media_type: str
    content: bytes

    @property
    def filename(self) -> str:
        suffix = {"text": "txt", "html": "html", "pdf": "pdf"}[self.format]
        return f"{self.case_number}-{self.notice_id}.{suffix}"


# -- building a notice ---------------------------------------------------------------------


def notice_title(case: Case, kind: NoticeKind, on: date) -> str:
    return load_notice_rules(case.jurisdiction).for_kind(kind, on).title


def notice_kinds(case: Case, on: date) -> set[str]:
    """The kinds of notice the case's jurisdiction defines (for the page's actions)."""
    rules = load_notice_rules(case.jurisdiction)
    return {k.value for k in NoticeKind if rules.find(k, on) is not None}


def recipients_for(
    case: Case, kind: NoticeKind, on: date, roles: list[str] | None = None
) -> tuple[NoticeRecipient, ...]:
    """The case's parties the rule names for `kind` (narrowed to `roles` when given)."""
    allowed = load_notice_rules(case.jurisdiction).for_kind(kind, on).recipients
    wanted = [r for r in allowed if roles is None or r in roles]
    if roles is not None and (extra := [r for r in roles if r not in allowed]):
        raise InvalidInput(f"a {kind.value} notice does not go to {extra}", field="roles")
    found = tuple(
        NoticeRecipient(p.role, p.name, p.key, p.address)
        for role in wanted
        for p in case.parties_with_role(role)
    )
    if not found:
        raise InvalidInput(
            f"case {case.case_number} has no party a {kind.value} notice goes to "
            f"({', '.join(wanted)})",
            field="parties",
        )
    return found


def _clock_details(case: Case, draft: Notice, clock_name: str, key: str) -> dict[str, object]:
    """The due date a notice states: its clock computed as if the notice were served."""
    with_draft = dataclasses.replace(case, notices=[*case.notices, draft], events=[])
    clock = case_clocks(with_draft).get(clock_name)
    if clock is None or clock.due is None:
        return {}
    return {
        f"{key}_due": clock.due.isoformat(),
        f"{key}_basis": clock.basis,
        f"{key}_rule": clock.citation,
    }


def build_notice(
    case: Case,
    kind: NoticeKind,
    mailed_on: date,
    served_by: ServiceMethod,
    server_name: str,
    details: dict[str, object],
    *,
    roles: list[str] | None = None,
    due_from: tuple[str, str] | None = None,
) -> Notice:
    """A notice ready to serve: recipients, the due date its clock gives, its text's hash."""
    draft = Notice(
        notice_id=case.next_notice_id(),
        kind=kind,
        mailed_on=mailed_on,
        served_by=served_by,
        recipients=recipients_for(case, kind, mailed_on, roles),
        server_name=server_name,
        details=dict(details),
    )
    if due_from is not None:  # (clock name, detail key): the due date the notice states
        draft = dataclasses.replace(
            draft, details={**draft.details, **_clock_details(case, draft, *due_from)}
        )
    if kind is NoticeKind.FINAL_DETERMINATION:
        return draft  # the letter's hash is taken where the letter is rendered
    text = render_notice_text(case, draft, notice_title(case, kind, mailed_on))
    return dataclasses.replace(draft, content_sha256=hashlib.sha256(text.encode()).hexdigest())


def serve(uow: UnitOfWork, case: Case, notice: Notice, actor: Actor, clock: Clock) -> None:
    """Keep `notice` on the case and audit it (inside the caller's transaction)."""
    case.add_notice(notice, clock())
    audit(
        uow,
        "NoticeIssued",
        actor,
        clock(),
        case.case_number,
        notice_id=notice.notice_id,
        kind=notice.kind,
        mailed_on=notice.mailed_on,
        served_by=notice.served_by,
        recipients=[r.party_key for r in notice.recipients],
        sha256=notice.content_sha256,
    )


def server_name(actor: Actor, name: str | None = None) -> str:
    """Who declares the proof of service: the name given, else the actor's display name."""
    return (name or actor.name or actor.user_id).strip()


def _result(case: Case, notice: Notice) -> NoticeResult:
    return NoticeResult(
        case.case_number, notice.notice_id, notice.kind, notice.mailed_on, notice.details, 0
    )


def _finish(uow: UnitOfWork, case: Case, notice: Notice, actor: Actor) -> NoticeResult:
    uow.cases.save(case)
    record_events(uow, case, actor)
    uow.commit()
    return dataclasses.replace(_result(case, notice), version=case.version)


# -- use cases -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SendAssignmentNotice:
    """8 CCR 9792.10.4(b): the IMRO tells the parties it has the dispute and asks for records."""

    case_number: str
    mailed_on: date
    served_by: ServiceMethod
    expected_version: int | None = None
    server_name: str | None = None


def send_notice_of_assignment(
    cmd: SendAssignmentNotice, uow: UnitOfWork, actor: Actor, clock: Clock
) -> NoticeResult:
    """Serve the notice of assignment: its date of mailing starts the records clock
    (8 CCR 9792.10.5(a)(1))."""
    ensure_staff(actor, "send the notice of assignment")
    with uow:
        case = uow.cases.get(cmd.case_number)
        ensure_version(case, cmd.expected_version)
        found = case.eligibility_decided_on
        details: dict[str, object] = {"eligibility_found_on": found.isoformat() if found else ""}
        notice = build_notice(
            case,
            NoticeKind.ASSIGNMENT,
            cmd.mailed_on,
            cmd.served_by,
            server_name(actor, cmd.server_name),
            details,
            due_from=("records", "records"),
        )
        serve(uow, case, notice, actor, clock)
        return _finish(uow, case, notice, actor)


@dataclass(frozen=True)
class RequestInformation:
    """8 CCR 9792.10.3(b): the Administrative Director asks the parties for information."""

    case_number: str
    requested_on: date
    served_by: ServiceMethod
    asked: list[str]
    roles: list[str] | None = None  # default: every party the rule names
    expected_version: int | None = None
    server_name: str | None = None


def request_information(
    cmd: RequestInformation, uow: UnitOfWork, actor: Actor, clock: Clock
) -> NoticeResult:
    """Serve a request for information; the answer is due in 5 business days (9792.10.3(c))."""
    ensure_staff(actor, "request information")
    asked = [a.strip() for a in cmd.asked if a.strip()]
    if not asked:
        raise InvalidInput("say what information is requested", field="asked")
    with uow:
        case = uow.cases.get(cmd.case_number)
        ensure_version(case, cmd.expected_version)
        notice = build_notice(
            case,
            NoticeKind.INFORMATION_REQUEST,
            cmd.requested_on,
            cmd.served_by,
            server_name(actor, cmd.server_name),
            {"asked": asked},
            roles=cmd.roles,
            due_from=("information_request", "answer"),
        )
        serve(uow, case, notice, actor, clock)
        return _finish(uow, case, notice, actor)


def eligibility_notice(
    case: Case, mailed_on: date, served_by: ServiceMethod, server_name: str
) -> Notice | None:
    """The written notice an eligibility decision calls for: ineligibility with its reasons
    and appeal route (9792.10.3(c); 8 CCR 10575), or deferral (9792.10.3(d)); None when
    eligible (the notice of assignment follows instead)."""
    reasons = [f"{f.reason} ({f.citation})" for f in case.eligibility_findings]
    if not case.eligibility_findings:
        return None
    if all(f.outcome == "deferred" for f in case.eligibility_findings):
        kind, clock_key = NoticeKind.DEFERRAL, None
    else:
        kind, clock_key = NoticeKind.INELIGIBILITY, ("appeal", "appeal")
    if kind.value not in notice_kinds(case, mailed_on):
        return None  # this jurisdiction's pack defines no such notice
    return build_notice(
        case, kind, mailed_on, served_by, server_name, {"reasons": reasons}, due_from=clock_key
    )


@dataclass(frozen=True)
class ResumeDeferred:
    """Liability was resolved, or the claims administrator agrees the case is eligible."""

    case_number: str
    on: date
    agreed: bool = False
    expected_version: int | None = None


def resume_deferred(cmd: ResumeDeferred, uow: UnitOfWork, actor: Actor, clock: Clock) -> int:
    """Send a deferred application back to eligibility review (8 CCR 9792.10.3(d)); returns
    the case's new version."""
    ensure_staff(actor, "end a deferral")
    with uow:
        case = uow.cases.get(cmd.case_number)
        ensure_version(case, cmd.expected_version)
        case.resume_after_deferral(cmd.on, clock(), agreed=cmd.agreed)
        uow.cases.save(case)
        record_events(uow, case, actor)
        uow.commit()
        return case.version


@dataclass(frozen=True)
class ConvertToExpedited:
    """8 CCR 9792.10.4(c): the treating physician certified an imminent and serious threat."""

    case_number: str
    on: date
    served_by: ServiceMethod
    expected_version: int | None = None
    server_name: str | None = None


def convert_to_expedited(
    cmd: ConvertToExpedited, uow: UnitOfWork, actor: Actor, clock: Clock
) -> NoticeResult:
    """Make the review expedited and notify the parties; the records and decision clocks
    restart on the expedited periods from the conversion."""
    ensure_staff(actor, "convert a review to expedited")
    with uow:
        case = uow.cases.get(cmd.case_number)
        ensure_version(case, cmd.expected_version)
        case.convert_to_expedited(cmd.on, clock())
        notice = build_notice(
            case,
            NoticeKind.EXPEDITED_CONVERSION,
            cmd.on,
            cmd.served_by,
            server_name(actor, cmd.server_name),
            {"converted_on": cmd.on.isoformat()},
        )
        serve(uow, case, notice, actor, clock)
        return _finish(uow, case, notice, actor)


# -- reads ---------------------------------------------------------------------------------


def _visible(actor: Actor, case: Case) -> list[Notice]:
    return [n for n in case.notices if can_receive_notice(actor, n)]


def list_notices(
    case_number: str, uow: UnitOfWork, actor: Actor, clock: Clock
) -> list[NoticeSummary]:
    """The notices of a case `actor` is entitled to; the read is audited."""
    with uow:
        case = uow.cases.get(case_number)
        ensure_can_view(actor, case)
        notices = _visible(actor, case)
        audit(uow, "NoticesListed", actor, clock(), case_number, count=len(notices))
        uow.commit()
    return [
        NoticeSummary(
            n.notice_id,
            n.kind,
            notice_title(case, n.kind, n.mailed_on),
            n.mailed_on,
            n.served_by,
            tuple(
                f"{r.name} ({role_label(case.jurisdiction, r.role).lower()})" for r in n.recipients
            ),
        )
        for n in notices
    ]


def get_notice(
    case_number: str,
    notice_id: str,
    uow: UnitOfWork,
    actor: Actor,
    clock: Clock,
    fmt: NoticeFormat = "text",
) -> RenderedNotice:
    """One notice as text, HTML or PDF, for a staff member or a party it was sent to. The
    final determination renders as the letter with its service block."""
    with uow:
        case = uow.cases.get(case_number)
        ensure_can_view(actor, case)
        try:
            notice = case.notice(notice_id)
        except InvalidInput as err:
            raise NotFound(err.message, case_number=case_number) from err
        if not can_receive_notice(actor, notice):  # not yours answers as not there
            raise NotFound(f"case {case_number} has no notice {notice_id!r}")
        reviewer = None
        if notice.kind is NoticeKind.FINAL_DETERMINATION and case.assigned_reviewer_id:
            reviewer = uow.reviewers.get(case.assigned_reviewer_id)
        audit(uow, "NoticeRead", actor, clock(), case_number, notice_id=notice_id, format=fmt)
        uow.commit()
    if notice.kind is NoticeKind.FINAL_DETERMINATION:
        letter = render(case, reviewer, fmt, public=False)
        return RenderedNotice(case_number, notice_id, fmt, letter.media_type, letter.content)
    title = notice_title(case, notice.kind, notice.mailed_on)
    if fmt == "pdf":
        content = render_notice_pdf(case, notice, title)
    elif fmt == "html":
        content = render_notice_html(case, notice, title).encode()
    else:
        content = render_notice_text(case, notice, title).encode()
    return RenderedNotice(case_number, notice_id, fmt, MEDIA_TYPES[fmt], content)
