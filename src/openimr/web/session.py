"""Who is at the browser: the signed session cookie, CSRF checks and role gates."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from openimr.domain.errors import PermissionDenied
from openimr.domain.vocabulary import Role
from openimr.runtime.cookies import PRELOGIN_COOKIE, SESSION_COOKIE, CookieSigner
from openimr.service.auth import User


class LoginRequired(Exception):
    """Raised by page dependencies; answered with a redirect to /login."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


class CsrfFailed(Exception):
    """A form arrived without the token of the session that showed it."""


def session_secret(request: Request) -> str | None:
    signer: CookieSigner = request.app.state.ctx.signer
    return signer.unsign_session(request.cookies.get(SESSION_COOKIE))


def optional_user(request: Request) -> User | None:
    if hasattr(request.state, "user"):
        return request.state.user  # type: ignore[no-any-return]
    raw = session_secret(request)
    ctx = request.app.state.ctx
    user = ctx.guarded(ctx.auth.user_for_session, raw) if raw else None
    request.state.user = user
    return user


def page_user(request: Request) -> User:
    user = optional_user(request)
    if user is None:
        raise LoginRequired(request.url.path)
    return user


def page_role(*roles: Role) -> Callable[..., User]:
    def dependency(user: Annotated[User, Depends(page_user)]) -> User:
        if user.role not in roles:
            raise PermissionDenied(f"role {user.role.value} may not open this page")
        return user

    return dependency


def csrf_token_for(request: Request) -> str:
    """The token forms on this page must send back."""
    signer = request.app.state.ctx.signer
    raw = session_secret(request)
    if raw is None:
        raw = getattr(request.state, "prelogin_raw", None) or signer.unsign_prelogin(
            request.cookies.get(PRELOGIN_COOKIE)
        )
    return signer.csrf_token(raw) if raw else ""


async def check_csrf(request: Request) -> None:
    """Refuse a state-changing form whose token does not match this browser's session."""
    form = await request.form()
    token = form.get("csrf_token") or request.headers.get("x-csrf-token")
    signer = request.app.state.ctx.signer
    raw = session_secret(request) or signer.unsign_prelogin(request.cookies.get(PRELOGIN_COOKIE))
    if not signer.csrf_ok(raw, token if isinstance(token, str) else None):
        raise CsrfFailed()


PageUser = Annotated[User, Depends(page_user)]
StaffPage = Annotated[User, Depends(page_role(Role.STAFF, Role.ADMIN))]
AdminPage = Annotated[User, Depends(page_role(Role.ADMIN))]
ReviewerPage = Annotated[User, Depends(page_role(Role.REVIEWER))]
Csrf = Annotated[None, Depends(check_csrf)]
