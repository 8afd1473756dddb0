"""Who may see and do what (least privilege), as service rules the API and web reuse.

A reviewer sees only the cases assigned to them; a party only the cases it is a party
to, and never the reviewer's identity (LC 4610.6(f)). Staff and admins see every case.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from openimr.domain.case import Case
from openimr.domain.errors import NotFound, PermissionDenied
from openimr.domain.notice import Notice
from openimr.domain.vocabulary import CaseState, Role
from openimr.letters.redact import withhold_reviewer

STAFF_ROLES = frozenset({Role.STAFF, Role.ADMIN})
# From issue on the letter is the parties'; before, the decision is the IMR organization's.
DETERMINATION_ISSUED = frozenset({CaseState.ISSUED, CaseState.PUBLISHED})


@dataclass(frozen=True)
class Actor:
    """Who is asking: a user with one role, linked to a reviewer or a party when relevant."""

    user_id: str
    role: Role
    reviewer_id: str | None = None
    party_key: str | None = None
    name: str | None = None  # how a proof of service names the person (display name)

    @property
    def label(self) -> str:
        """How the audit log names the actor."""
        return f"{self.role.value}:{self.user_id}"

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES


SYSTEM = Actor("system", Role.ADMIN)


def can_view_case(actor: Actor, case: Case) -> bool:
    """Staff: every case; reviewer: assigned cases; party: its own cases.

    A case a party filed is that party's at once; the other parties it names see it once
    the IMR organization has decided its eligibility, so nobody can put a case into another
    party's list by naming them in an application.
    """
    if actor.is_staff:
        return True
    if actor.role is Role.REVIEWER:
        return actor.reviewer_id is not None and case.assigned_reviewer_id == actor.reviewer_id
    if actor.role is Role.PARTY:
        if actor.party_key is None or actor.party_key not in case.party_keys():
            return False
        return (
            case.filed_by is None
            or case.filed_by == actor.party_key
            or case.state is not CaseState.RECEIVED
        )
    return False


def can_see_determination(actor: Actor, case: Case) -> bool:
    """Parties see the decision from the letter's issue on (8 CCR 9792.10.6); the reviewer
    and the IMR organization see it from signature."""
    if actor.role is Role.PARTY:
        return case.state in DETERMINATION_ISSUED
    return True


def can_see_reviewer_identity(actor: Actor, case: Case) -> bool:
    """LC 4610.6(f): the reviewer's identity stays with the IMR organization."""
    if actor.is_staff:
        return True
    return actor.role is Role.REVIEWER and case.assigned_reviewer_id == actor.reviewer_id


def can_receive_notice(actor: Actor, notice: Notice) -> bool:
    """Staff: every notice; a party: the notices addressed to it; reviewers: none."""
    if actor.is_staff:
        return True
    return actor.role is Role.PARTY and notice.is_addressed_to(actor.party_key)


def not_found(case_number: str) -> NotFound:
    """The one answer for "no such case" and "not yours": existence is not disclosed."""
    return NotFound(f"no case {case_number}", case_number=case_number)


def ensure_can_view(actor: Actor, case: Case) -> None:
    """NotFound — the very error an unknown number gets — when `actor` may not see `case`."""
    if not can_view_case(actor, case):
        raise not_found(case.case_number)


def ensure_staff(actor: Actor, action: str) -> None:
    """Intake decisions, assignment, issue and publication are the IMR organization's acts."""
    if not actor.is_staff:
        raise PermissionDenied(f"{actor.label} may not {action}: staff only", action=action)


def ensure_can_submit(
    actor: Actor, parties: list[tuple[str, str]], filers: frozenset[str], who: str
) -> None:
    """Staff enter applications; a party files one only in a role that may file (`filers`:
    the pack's patient and representative roles, e.g. the injured worker or the enrollee and
    their representative) and as a party the application names. `who` says it in words."""
    if actor.is_staff:
        return
    if actor.role is Role.PARTY and any(
        role in filers and key == actor.party_key for role, key in parties
    ):
        return
    raise PermissionDenied(
        f"{actor.label} may not file this application: an application is filed by {who} it names",
        action="intake",
    )


def ensure_assigned_reviewer(actor: Actor, case: Case) -> None:
    """Only the assigned expert reviewer signs the determination (8 CCR 9792.10.6)."""
    ensure_can_view(actor, case)
    if actor.role is not Role.REVIEWER or actor.reviewer_id != case.assigned_reviewer_id:
        raise PermissionDenied(
            f"{actor.label} is not the expert reviewer assigned to case {case.case_number}",
            case_number=case.case_number,
        )


def as_seen_by(actor: Actor, case: Case, reviewer_identity: Sequence[str] = ()) -> Case:
    """`case` as `actor` may see it. Without the right to know the reviewer, a copy: no
    reviewer id, and the determination — only from issue on for a party — with the
    reviewer's id and `reviewer_identity` (name, licence numbers) withheld wherever the
    reviewer wrote them (LC 4610.6(f)). Every response that can reach a party is built
    from this copy."""
    if can_see_reviewer_identity(actor, case):
        return case
    determination = case.determination
    if determination is not None:
        determination = (
            withhold_reviewer(determination, reviewer_identity, case.case_number)
            if can_see_determination(actor, case)
            else None
        )
    # Who was taken off the case is reviewer identity too (LC 4610.6(f)).
    return dataclasses.replace(
        case,
        assigned_reviewer_id=None,
        determination=determination,
        events=[],
        released_reviewers=[],
    )
