"""`create_app(settings)`: the FastAPI application (JSON API, web pages, /healthz).

The one place that mounts both front doors, `openimr.api` (JSON) and `openimr.web` (pages),
on one app; they share the `openimr.runtime` context and never import each other.

Nothing happens at import: the database engine, the services and the job queue
are built here from the `Settings` value passed in, and kept on `app.state.ctx`.
"""

from __future__ import annotations

import time
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from openimr.api.errors import error_body, install_error_handlers
from openimr.api.routes import register_api_routes
from openimr.inputs import limits_of
from openimr.runtime.context import AppContext, build_context
from openimr.runtime.limits import RequestLimits
from openimr.runtime.proxy import TrustedProxyHeaders, parse_networks
from openimr.settings import Settings
from openimr.web.pages import register_web_routes

API_DESCRIPTION = (
    "Independent Medical Review: intake, eligibility, reviewer assignment, records, review, "
    "final determination letters, publication, the published-decision corpus and decision "
    "support. Authenticate with `POST /api/auth/token` and send `Authorization: Bearer <token>`."
)


# Inline style attributes are allowed (a few layout tweaks); scripts come only from /static.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; frame-src 'self'; frame-ancestors 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'"
)


class SecurityHeaders:
    """No framing by other sites, no MIME sniffing of documents, scripts only from here;
    and a `Server-Timing` header with the time the app took (read by the load benchmark).

    A plain ASGI middleware (not BaseHTTPMiddleware): it only adds headers, at no cost.
    """

    HEADERS = [
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"SAMEORIGIN"),
        (b"referrer-policy", b"same-origin"),
    ]

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        started = time.perf_counter()

        # Nothing but the static files may be kept by the browser or a proxy: a case page
        # must not come back from the cache after logout (Back button) or to the next user.
        cacheable = scope.get("path", "").startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.extend(self.HEADERS)
                if not cacheable:
                    headers.append((b"cache-control", b"no-store"))
                took = (time.perf_counter() - started) * 1000
                headers.append((b"server-timing", f"app;dur={took:.1f}".encode()))
                headers.append((b"content-security-policy", CSP.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(settings: Settings, ctx: AppContext | None = None) -> FastAPI:
    """Build the app; `ctx` lets tests pass a prepared context."""
    context = ctx or build_context(settings)

    app = FastAPI(
        title="openimr",
        version="0.1.0",
        description=API_DESCRIPTION,
        openapi_url="/openapi.json",
        docs_url=None,  # Swagger UI would load its scripts from a CDN at run time
        redoc_url=None,
    )
    app.state.ctx = context
    install_error_handlers(app)

    # Limits before any route reads the body (413 / 422), with the security headers on.
    app.add_middleware(
        RequestLimits,
        max_body_bytes=settings.max_request_mb * 1024 * 1024,
        limits=limits_of(settings),
    )
    app.add_middleware(SecurityHeaders)
    # Outermost: every layer below sees the real client address (per-address login limits).
    app.add_middleware(TrustedProxyHeaders, networks=parse_networks(settings.trusted_proxies))

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
