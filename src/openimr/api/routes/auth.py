"""/api/auth: bearer tokens for the JSON API."""

from __future__ import annotations

from fastapi import APIRouter, Request

from openimr.api.deps import AdminUser, Auth, CurrentUser
from openimr.api.schemas_auth import TokenPublic, TokenRequest, UserCreate, UserPublic

router = APIRouter(prefix="/api", tags=["auth"])


@router.post("/auth/token", response_model=TokenPublic)
def create_token(body: TokenRequest, request: Request, auth: Auth) -> TokenPublic:
    """Exchange a username and password for a bearer token (rate limited)."""
    remote = request.client.host if request.client else ""
    user = auth.login(body.username, body.password, remote)
    token, expires = auth.issue_api_token(user)
    return TokenPublic(access_token=token, expires_at=expires)


@router.get("/me", response_model=UserPublic)
def read_me(user: CurrentUser) -> UserPublic:
    """Who the token belongs to."""
    return UserPublic(username=user.username, role=user.role, display_name=user.display_name)


@router.post("/users", response_model=UserPublic, status_code=201)
def create_user(body: UserCreate, auth: Auth, _admin: AdminUser) -> UserPublic:
    """Create an account (admin only)."""
    user = auth.create_user(
        body.username,
        body.password,
        body.role,
        display_name=body.display_name,
        reviewer_id=body.reviewer_id,
        party_key=body.party_key,
    )
    return UserPublic(username=user.username, role=user.role, display_name=user.display_name)


@router.get("/users", response_model=list[UserPublic])
def list_users(auth: Auth, _admin: AdminUser) -> list[UserPublic]:
    """Every account (admin only)."""
    return [
        UserPublic(username=u.username, role=u.role, display_name=u.display_name)
        for u in auth.users()
    ]
