"""Who may see and do what (least privilege), as service rules the API and web reuse.

A reviewer sees only the cases assigned to them; a party only the cases it is a party
to, and never the reviewer's identity (LC 4610.6(f)). Staff and admins see every case.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from openimr.domain.case import Case
from openimr.domain.errors import PermissionDenied
from openimr.domain.notice import Notice
from openimr.domain.vocabulary import Role

STAFF_ROLES = frozenset({Role.STAFF, Role.ADMIN})


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
    """Staff: every case; reviewer: assigned cases; party: its own cases."""
    if actor.is_staff:
        return True
    if actor.role is Role.REVIEWER:
        return actor.reviewer_id is not None and case.assigned_reviewer_id == actor.reviewer_id
    if actor.role is Role.PARTY:
        return actor.party_key is not None and actor.party_key in case.party_keys()
    return False


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


def ensure_can_view(actor: Actor, case: Case) -> None:
    if not can_view_case(actor, case):
        raise PermissionDenied(
            f"{actor.label} may not see case {case.case_number}", case_number=case.case_number
        )


def ensure_staff(actor: Actor, action: str) -> None:
    """Intake decisions, assignment, issue and publication are the IMR organization's acts."""
    if not actor.is_staff:
        raise PermissionDenied(f"{actor.label} may not {action}: staff only", action=action)


def ensure_can_submit(actor: Actor, party_keys: list[str]) -> None:
    """Staff enter applications; a party may file only an application it is a party to."""
    if actor.is_staff:
        return
    if actor.role is Role.PARTY and actor.party_key in party_keys:
        return
    raise PermissionDenied(f"{actor.label} may not file this application", action="intake")


def ensure_assigned_reviewer(actor: Actor, case: Case) -> None:
    """Only the assigned expert reviewer signs the determination (8 CCR 9792.10.6)."""
    if actor.role is not Role.REVIEWER or actor.reviewer_id != case.assigned_reviewer_id:
        raise PermissionDenied(
            f"{actor.label} is not the expert reviewer assigned to case {case.case_number}",
            case_number=case.case_number,
        )


def as_seen_by(actor: Actor, case: Case) -> Case:
    """A copy of `case` with the reviewer's identity removed when `actor` may not see it."""
    if can_see_reviewer_identity(actor, case):
        return case
    determination = case.determination
    if determination is not None:
        determination = dataclasses.replace(determination, signed_by="")
    return dataclasses.replace(
        case, assigned_reviewer_id=None, determination=determination, events=[]
    )
