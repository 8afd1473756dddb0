"""Web routes: login/logout and the role's home page; the pages live in web/views_*.py."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from openimr.domain.errors import AuthenticationFailed, TooManyAttempts
from openimr.domain.vocabulary import Role
from openimr.runtime.cookies import PRELOGIN_COOKIE, SESSION_COOKIE, SESSION_MAX_AGE
from openimr.web.render import HERE, make_templates, render
from openimr.web.session import Csrf, CsrfFailed, LoginRequired, optional_user, session_secret

router = APIRouter(include_in_schema=False)

HOME_BY_ROLE = {
    Role.STAFF: "/queue",
    Role.ADMIN: "/queue",
    Role.REVIEWER: "/reviews",
    Role.PARTY: "/my-cases",
}


def _safe_next(url: str | None) -> str | None:
    """Only same-site paths: an open redirect would let a link phish our users."""
    if url and url.startswith("/") and not url.startswith("//") and "\\" not in url:
        return url
    return None


def _secure(request: Request) -> bool:
    return (
        request.app.state.ctx.settings.environment == "production" or request.url.scheme == "https"
    )


def _set_session_cookie(response: Response, request: Request, cookie: str) -> None:
    """The one place the session cookie's attributes are set (login and renewal alike)."""
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        max_age=SESSION_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
    )


@router.get("/")
def home(request: Request) -> Response:
    user = optional_user(request)
    if user is None:
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse(HOME_BY_ROLE[user.role], status_code=303)


@router.get("/login")
def login_page(request: Request, next: str | None = None, message: str | None = None) -> Response:
    signer = request.app.state.ctx.signer
    raw, cookie = signer.new_prelogin()
    request.state.prelogin_raw = raw
    response = render(request, "login.html", next_url=_safe_next(next) or "", message=message)
    response.set_cookie(
        PRELOGIN_COOKIE,
        cookie,
        max_age=3600,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
    )
    return response


@router.post("/login")
def login(
    request: Request,
    _csrf: Csrf,
    username: str = Form(""),
    password: str = Form(""),
    next: str = Form(""),
) -> Response:
    ctx = request.app.state.ctx
    remote = request.client.host if request.client else ""
    try:
        user = ctx.auth.login(username, password, remote)
    except (AuthenticationFailed, TooManyAttempts) as err:
        status = 429 if isinstance(err, TooManyAttempts) else 401
        request.state.user = None
        return render(request, "login.html", status_code=status, next_url=next, message=err.message)
    raw = ctx.auth.start_session(user)
    target = _safe_next(next) or HOME_BY_ROLE[user.role]
    response = RedirectResponse(target, status_code=303)
    _set_session_cookie(response, request, ctx.signer.sign_session(raw))
    response.delete_cookie(PRELOGIN_COOKIE)
    return response


@router.post("/session/renew")
async def renew_session(request: Request) -> Response:
    """Log in again from a page whose session expired, without leaving it (app.js): the
    form stays as typed. JSON only, with a header a cross-site form cannot send."""
    if request.headers.get("x-requested-with") != "openimr":
        return JSONResponse({"error": "bad_request"}, status_code=400)
    body = await request.json()
    username = str(body.get("username", "")) if isinstance(body, dict) else ""
    password = str(body.get("password", "")) if isinstance(body, dict) else ""
    ctx = request.app.state.ctx
    remote = request.client.host if request.client else ""
    try:
        user = ctx.auth.login(username, password, remote)
    except (AuthenticationFailed, TooManyAttempts) as err:
        status = 429 if isinstance(err, TooManyAttempts) else 401
        return JSONResponse({"error": err.code, "message": err.message}, status_code=status)
    raw = ctx.auth.start_session(user)
    response = JSONResponse({"csrf_token": ctx.signer.csrf_token(raw)})
    _set_session_cookie(response, request, ctx.signer.sign_session(raw))
    return response


@router.get("/notifications")
def notifications(request: Request) -> Response:
    from openimr.service.auth import actor_for
    from openimr.service.notify import my_notifications
    from openimr.web.session import page_user

    user = page_user(request)
    svc = request.app.state.ctx.services
    inbox = my_notifications(svc.uow(), actor_for(user), svc.clock, mark_read=True)
    return render(request, "notifications.html", inbox=inbox)


@router.post("/logout")
def logout(request: Request, _csrf: Csrf) -> Response:
    raw = session_secret(request)
    if raw:
        request.app.state.ctx.auth.end_session(raw)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


def register_web_routes(app: FastAPI, context: Any) -> None:
    """Mount static files, templates, the page routers and the page error handlers."""
    from openimr.web import (
        views_admin,
        views_case_file,
        views_cases,
        views_notices,
        views_public,
        views_review,
    )

    app.state.templates = make_templates()
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    def render_error(request: Request, code: str, message: str, status: int) -> Response:
        if status == 401:
            return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
        return render(
            request, "error.html", status_code=status, code=code, message=message, status=status
        )

    app.state.render_error = render_error

    @app.exception_handler(LoginRequired)
    async def _login_required(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={quote(exc.next_url)}", status_code=303)

    @app.exception_handler(CsrfFailed)
    async def _csrf_failed(request: Request, exc: CsrfFailed) -> Response:
        return render_error(
            request, "csrf_failed", "the form expired or came from elsewhere; reload the page", 403
        )

    app.include_router(router)
    for module in (
        views_cases,
        views_case_file,
        views_notices,
        views_review,
        views_public,
        views_admin,
    ):
        app.include_router(module.router)
