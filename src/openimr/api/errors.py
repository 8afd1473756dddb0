"""One mapping from error classes to HTTP statuses, and one JSON error shape.

Every error the API returns has the body
``{"error": {"code": str, "message": str, "details": {...}}}`` — pinned by
tests/e2e/test_api_errors.py. The web pages reuse `status_for` and render the
same fields into error.html.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from openimr.domain.errors import (
    AuthenticationFailed,
    InvalidInput,
    NotFound,
    OpenIMRError,
    PermissionDenied,
    RuleDataError,
    StateConflict,
    TooManyAttempts,
    Unavailable,
)

# One status per branch of the tree drawn in openimr.domain.errors; subclasses inherit it.
STATUS_BY_ERROR: tuple[tuple[type[OpenIMRError], int], ...] = (
    (NotFound, 404),
    (InvalidInput, 422),
    (StateConflict, 409),
    (PermissionDenied, 403),
    (AuthenticationFailed, 401),
    (TooManyAttempts, 429),
    (Unavailable, 503),
    (RuleDataError, 500),
)

HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "too_many_attempts",
    503: "unavailable",
}


def status_for(error: OpenIMRError) -> int:
    for cls, status in STATUS_BY_ERROR:
        if isinstance(error, cls):
            return status
    return 400


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": jsonable_encoder(details or {})}}


def error_response(error: OpenIMRError) -> JSONResponse:
    status = status_for(error)
    headers = {}
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if status == 429:
        headers["Retry-After"] = str(error.details.get("retry_after_seconds", 60))
    return JSONResponse(
        error_body(error.code, error.message, error.details), status_code=status, headers=headers
    )


def _validation_details(exc: RequestValidationError) -> dict[str, Any]:
    problems = []
    for problem in exc.errors():
        loc = [str(p) for p in problem.get("loc", ())]
        problems.append({"field": ".".join(loc), "message": str(problem.get("msg", ""))})
    return {"problems": problems, "field": problems[0]["field"] if problems else None}


def install_error_handlers(app: FastAPI, is_api: Any = None) -> None:
    """Register the handlers; `is_api(request)` says whether to answer JSON (default: /api/)."""

    def wants_json(request: Request) -> bool:
        return is_api(request) if is_api else request.url.path.startswith("/api/")

    @app.exception_handler(OpenIMRError)
    async def _openimr(request: Request, exc: OpenIMRError) -> Any:
        if not wants_json(request) and hasattr(app.state, "render_error"):
            return app.state.render_error(request, exc.code, exc.message, status_for(exc))
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Any:
        details = _validation_details(exc)
        message = "invalid request: " + "; ".join(
            f"{p['field']}: {p['message']}" for p in details["problems"]
        )
        if not wants_json(request) and hasattr(app.state, "render_error"):
            return app.state.render_error(request, "invalid_input", message, 422)
        return JSONResponse(error_body("invalid_input", message, details), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Any:
        code = HTTP_CODES.get(exc.status_code, "error")
        message = str(exc.detail)
        if not wants_json(request) and hasattr(app.state, "render_error"):
            return app.state.render_error(request, code, message, exc.status_code)
        return JSONResponse(
            error_body(code, message), status_code=exc.status_code, headers=exc.headers
        )
