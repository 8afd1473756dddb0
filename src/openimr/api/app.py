"""`create_app(settings)`: the FastAPI application (JSON API, web pages, /healthz).

Nothing happens at import: the database engine, the services and the job queue
are built here from the `Settings` value passed in, and kept on `app.state.ctx`.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from openimr.api.context import AppContext, build_context
from openimr.api.errors import error_body, install_error_handlers
from openimr.settings import Settings

API_DESCRIPTION = (
    "Independent Medical Review: intake, eligibility, reviewer assignment, records, review, "
    "final determination letters, publication, the published-decision corpus and decision "
    "support. Authenticate with `POST /api/auth/token` and send `Authorization: Bearer <token>`."
)


def create_app(settings: Settings, ctx: AppContext | None = None) -> FastAPI:
    """Build the app; `ctx` lets tests pass a prepared context."""
    from openimr.api.routes import register_api_routes
    from openimr.web.pages import register_web_routes

    context = ctx or build_context(settings)
    app = FastAPI(
        title="openimr",
        version="0.1.0",
        description=API_DESCRIPTION,
        openapi_url="/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.ctx = context
    install_error_handlers(app)

    @app.get("/healthz", tags=["service"], summary="200 when the database answers")
    def healthz() -> Any:
        """Liveness and readiness: the database answers a trivial query."""
        if context.database_reachable():
            return {"status": "ok"}
        return JSONResponse(
            error_body("unavailable", "the database is not reachable"), status_code=503
        )

    register_api_routes(app)
    register_web_routes(app, context)
    return app
