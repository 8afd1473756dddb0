"""/api/auth: bearer tokens for the JSON API."""

from __future__ import annotations

from fastapi import APIRouter, Request

from openimr.api.deps import AdminUser, Auth, BearerToken, CurrentUser, Svc
from openimr.api.schemas_auth import (
    ApiTokenPublic,
    RevokedPublic,
    TokenPublic,
    TokenRequest,
    UserCreate,
    UserPublic,
)
from openimr.domain.errors import NotFound
from openimr.service.accounts import NewAccount, create_account, revoke_account_tokens
from openimr.service.auth import actor_for, token_id_of

router = APIRouter(prefix="/api", tags=["auth"])


@router.post("/auth/token", response_model=TokenPublic)
def create_token(body: TokenRequest, request: Request, auth: Auth) -> TokenPublic:
    """Exchange a username and password for a bearer token (rate limited)."""
    remote = request.client.host if request.client else ""
    user = auth.login(body.username, body.password, remote)
    token, expires = auth.issue_api_token(user)
    return TokenPublic(access_token=token, expires_at=expires)


@router.delete("/auth/token", response_model=RevokedPublic)
def revoke_this_token(user: CurrentUser, token: BearerToken, auth: Auth) -> RevokedPublic:
    """Revoke the token this request is sent with (log out of the API)."""
    return RevokedPublic(revoked=auth.revoke_token(user, raw=token))


@router.get("/auth/tokens", response_model=list[ApiTokenPublic])
def list_my_tokens(user: CurrentUser, token: BearerToken, auth: Auth) -> list[ApiTokenPublic]:
    """The caller's live API tokens (ids and times; a token is never shown again)."""
    mine = token_id_of(token)
    return [
        ApiTokenPublic(
            token_id=t.token_id,
            created_at=t.created_at,
            expires_at=t.expires_at,
            current=t.token_id == mine,
        )
        for t in auth.tokens(user)
    ]


@router.delete("/auth/tokens/{token_id}", response_model=RevokedPublic)
def revoke_my_token(token_id: str, user: CurrentUser, auth: Auth) -> RevokedPublic:
    """Revoke one of the caller's tokens by its id."""
    revoked = auth.revoke_token(user, token_id=token_id)
    if not revoked:
        raise NotFound(f"no live token {token_id[:16]!r} of yours", token_id=token_id[:16])
    return RevokedPublic(revoked=revoked)


@router.delete("/users/{username}/tokens", response_model=RevokedPublic)
def revoke_user_tokens(username: str, auth: Auth, svc: Svc, admin: AdminUser) -> RevokedPublic:
    """Revoke every API token of an account (admin only, audited): it takes effect on the
    next request."""
    revoked = revoke_account_tokens(username, auth, svc.uow(), actor_for(admin), svc.clock)
    return RevokedPublic(revoked=revoked)


@router.get("/me", response_model=UserPublic)
def read_me(user: CurrentUser) -> UserPublic:
    """Who the token belongs to."""
    return UserPublic(username=user.username, role=user.role, display_name=user.display_name)


@router.post("/users", response_model=UserPublic, status_code=201)
def create_user(body: UserCreate, auth: Auth, svc: Svc, admin: AdminUser) -> UserPublic:
    """Create an account (admin only, audited)."""
    cmd = NewAccount(
        body.username,
        body.password,
        body.role,
        display_name=body.display_name,
        reviewer_id=body.reviewer_id,
        party_key=body.party_key,
    )
    user = create_account(cmd, auth, svc.uow(), actor_for(admin), svc.clock)
    return UserPublic(username=user.username, role=user.role, display_name=user.display_name)


@router.get("/users", response_model=list[UserPublic])
def list_users(auth: Auth, _admin: AdminUser) -> list[UserPublic]:
    """Every account (admin only)."""
    return [
        UserPublic(username=u.username, role=u.role, display_name=u.display_name)
        for u in auth.users()
    ]
