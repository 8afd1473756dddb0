"""What routes need, as `Annotated` dependencies (tests swap them via dependency_overrides)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request
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

    Every request asks the database (one primary-key read), so a revoked or expired token
    is refused at once. Async on purpose: the read runs on the event loop like the short
    use cases (`AppContext.run_db`), without a hop through the thread pool; a read needs no
    SQLite writer lock.
    """
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise AuthenticationFailed("missing bearer token")
    auth: AuthService = request.app.state.ctx.auth
    user = auth.user_for_token(credentials.credentials)
    if user is None:
        raise AuthenticationFailed("invalid, expired or revoked token")
    return user


async def bearer_token(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    """The raw bearer token of the request (after `current_user` accepted it)."""
    if credentials is None:
        raise AuthenticationFailed("missing bearer token")
    return credentials.credentials


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
BearerToken = Annotated[str, Depends(bearer_token)]
StaffUser = Annotated[User, Depends(require(Role.STAFF, Role.ADMIN))]
AdminUser = Annotated[User, Depends(require(Role.ADMIN))]
