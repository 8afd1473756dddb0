"""The administrator's account page: list accounts, create one, revoke an account's tokens.

The acts are `service.accounts`' (the calls POST /api/users and DELETE /api/users/{name}/tokens
make); this module only reads the form and shows the result.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from openimr.domain.errors import InvalidInput
from openimr.domain.vocabulary import Role
from openimr.service.accounts import (
    NewAccount,
    create_account,
    list_accounts,
    revoke_account_tokens,
)
from openimr.service.auth import User, actor_for
from openimr.web.render import render
from openimr.web.session import AdminPage, Csrf

router = APIRouter(include_in_schema=False)

FIELDS = ("username", "password", "role", "display_name", "reviewer_id", "party_key")


def _page(
    request: Request,
    user: User,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    ctx = request.app.state.ctx
    svc = ctx.services
    accounts = list_accounts(ctx.auth, svc.uow(), actor_for(user), svc.clock)
    return render(
        request,
        "admin_users.html",
        status_code=status_code,
        accounts=accounts,
        roles=[r.value for r in Role],
        values=values or {},
        errors=errors or {},
    )


@router.get("/admin/users")
def users_page(request: Request, user: AdminPage) -> Response:
    return _page(request, user)


@router.post("/admin/users")
def create_user(
    request: Request,
    user: AdminPage,
    _csrf: Csrf,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    display_name: Annotated[str, Form()] = "",
    reviewer_id: Annotated[str, Form()] = "",
    party_key: Annotated[str, Form()] = "",
) -> Response:
    ctx = request.app.state.ctx
    svc: Any = ctx.services
    kept = {  # shown again after an error; never the password
        "username": username,
        "role": role,
        "display_name": display_name,
        "reviewer_id": reviewer_id,
        "party_key": party_key,
    }
    try:
        if role not in {r.value for r in Role}:
            raise InvalidInput("choose a role", field="role")
        cmd = NewAccount(username, password, Role(role), display_name, reviewer_id, party_key)
        create_account(cmd, ctx.auth, svc.uow(), actor_for(user), svc.clock)
    except InvalidInput as err:
        field = str(err.details.get("field") or "username")
        errors = {field if field in FIELDS else "username": err.message}
        return _page(request, user, values=kept, errors=errors, status_code=422)
    return RedirectResponse("/admin/users?flash=account_created", status_code=303)


@router.post("/admin/users/{username}/tokens/revoke")
def revoke_tokens(request: Request, username: str, user: AdminPage, _csrf: Csrf) -> Response:
    ctx = request.app.state.ctx
    svc = ctx.services
    revoke_account_tokens(username, ctx.auth, svc.uow(), actor_for(user), svc.clock)
    return RedirectResponse("/admin/users?flash=tokens_revoked", status_code=303)
