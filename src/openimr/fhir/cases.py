"""FHIR in and out of the service: a Bundle becomes an application; an issued case's
determination becomes a Bundle. Both go through the service's use cases, so access rules,
the audit log and the transactions are those of every other door."""

from __future__ import annotations

from datetime import date
from typing import Any

from openimr.fhir.bundle_in import case_file_from_bundle
from openimr.fhir.bundle_out import determination_bundle
from openimr.service.access import Actor
from openimr.service.intake import IntakeResult, submit_application
from openimr.service.ports import Clock, UnitOfWork
from openimr.service.queries import get_case, get_letter


def import_bundle(
    raw: bytes | str,
    *,
    jurisdiction: str,
    uow: UnitOfWork,
    actor: Actor,
    clock: Clock,
    received_on: date | None = None,
    review_type: str = "medical_necessity",
) -> IntakeResult:
    """Make a case from a FHIR R4 Bundle (idempotent, as every application is)."""
    case_file = case_file_from_bundle(
        raw,
        jurisdiction=jurisdiction,
        received_on=received_on or clock().date(),
        review_type=review_type,
    )
    return submit_application(case_file.application, uow, actor, clock)


def export_case(case_number: str, *, uow: UnitOfWork, actor: Actor, clock: Clock) -> dict[str, Any]:
    """The issued determination of a case, with its PDF letter, as a FHIR R4 Bundle."""
    view = get_case(case_number, uow, actor, clock)
    letter = get_letter(case_number, uow, actor, clock, fmt="pdf")
    return determination_bundle(view.case, letter.content, now=clock())
