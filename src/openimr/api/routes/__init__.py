"""The JSON API routers, registered on the app in one place."""

from __future__ import annotations

from fastapi import FastAPI

from openimr.api.routes import auth, cases, fhir, jurisdictions, notices, reads
from openimr.api.schemas_auth import ErrorPublic

ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    status: {"model": ErrorPublic, "description": text}
    for status, text in (
        (401, "Not authenticated"),
        (403, "Forbidden for this role"),
        (404, "Not found"),
        (409, "Conflict: illegal transition or concurrent update"),
        (422, "Invalid input"),
    )
}


def register_api_routes(app: FastAPI) -> None:
    for module in (auth, cases, fhir, jurisdictions, notices, reads):
        app.include_router(module.router, responses=ERROR_RESPONSES)
