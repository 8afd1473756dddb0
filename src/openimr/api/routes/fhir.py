"""/api/fhir: health-plan case files in as FHIR R4 Bundles, determinations out as Bundles.

Every handler: request -> one call -> response; the FHIR mapping lives in `openimr.fhir`,
who may do what in the service layer.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from fastapi import APIRouter, Query, Request

from openimr.api.deps import Ctx, CurrentUser, Svc
from openimr.api.schemas import IntakePublic
from openimr.domain.errors import InvalidInput
from openimr.fhir.cases import export_case, import_bundle
from openimr.service.auth import actor_for

router = APIRouter(prefix="/api/fhir", tags=["fhir"])

MAX_BUNDLE_BYTES = 25 * 1024 * 1024


@router.post("/Bundle", response_model=IntakePublic, status_code=201)
async def post_bundle(
    request: Request,
    svc: Svc,
    ctx: Ctx,
    user: CurrentUser,
    jurisdiction: str = Query(..., max_length=40, description="The pack of the case's law."),
    review_type: str = Query("medical_necessity", max_length=60),
    received_on: date | None = Query(None, description="Default: today."),
) -> IntakePublic:
    """Make a case from a FHIR R4 Bundle (Patient, Coverage, Claim, ClaimResponse,
    DocumentReference/Binary). A bundle that does not validate answers 422 naming the entry,
    the resource and the element; nothing is stored."""
    raw = await request.body()
    if len(raw) > MAX_BUNDLE_BYTES:
        raise InvalidInput("the bundle is larger than 25 MB", field="bundle")
    call = partial(
        import_bundle,
        jurisdiction=jurisdiction,
        uow=svc.uow(),
        actor=actor_for(user),
        clock=svc.clock,
        received_on=received_on,
        review_type=review_type,
    )
    result = await ctx.run_db(call, raw)
    return IntakePublic(
        case_number=result.case_number,
        state=result.state,
        created=result.created,
        version=result.version,
    )


@router.get("/cases/{case_number}/Bundle")
def get_bundle(case_number: str, svc: Svc, user: CurrentUser) -> dict[str, Any]:
    """The issued determination of a case as a FHIR R4 Bundle, the letter's PDF inline."""
    return export_case(case_number, uow=svc.uow(), actor=actor_for(user), clock=svc.clock)
