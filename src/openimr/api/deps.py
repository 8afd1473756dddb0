"""What routes need, as `Annotated` dependencies (tests swap them via dependency_overrides)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from openimr.domain.errors import AuthenticationFailed, PermissionDenied
from openimr.domain.vocabulary import Role
from openimr.service.auth import AuthService, User
from openimr.service.bootstrap import Services

_bearer = HTTPBearer(auto_error=False, description="A token from POST /api/auth/token")


async def get_context(request: Request) -> Any:
    """The service context built by create_app (see server.py AppContext)."""
    return request.app.state.ctx


async def get_auth(request: Request) -> AuthService:
    auth: AuthService = request.app.state.ctx.auth
    return auth


async def current_user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    """The API is authenticated by bearer token only (cookies belong to the web pages).

    Async on purpose: a token is almost always answered from the auth service's short
    cache, and a sync dependency would cost a hop through the thread pool per request;
    only a cache miss goes to a thread.
    """
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise AuthenticationFailed("missing bearer token")
    ctx = request.app.state.ctx
    auth: AuthService = ctx.auth
    user: User | None
    hit, user = auth.cached_user_for_token(credentials.credentials)
    if not hit:  # the database is asked off the event loop, in line with other writers
        user = await run_in_threadpool(
            ctx.guarded, ctx.auth.user_for_token, credentials.credentials
        )
    if user is None:
        raise AuthenticationFailed("invalid or expired token")
    return user


def require(*roles: Role) -> Callable[..., Any]:
    """A dependency admitting only the given roles (least privilege per route)."""

    async def dependency(user: Annotated[User, Depends(current_user)]) -> User:
        if user.role not in roles:
            raise PermissionDenied(f"role {user.role.value} may not do this", role=user.role.value)
        return user

    return dependency


async def get_services(request: Request) -> Services:
    return request.app.state.ctx.services  # type: ignore[no-any-return]


Ctx = Annotated[Any, Depends(get_context)]
Svc = Annotated[Services, Depends(get_services)]
Auth = Annotated[AuthService, Depends(get_auth)]
CurrentUser = Annotated[User, Depends(current_user)]
StaffUser = Annotated[User, Depends(require(Role.STAFF, Role.ADMIN))]
AdminUser = Annotated[User, Depends(require(Role.ADMIN))]
