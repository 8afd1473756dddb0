"""An administrator's management of accounts: list them, create one, revoke its API tokens.

The account rules themselves are `service.auth.AuthService`'s (the same calls as
POST /api/users and DELETE /api/users/{name}/tokens); this module adds the admin-only gate
and the audit entry each act leaves. A listing never carries a password hash: `User` has
none. The service has no way to disable an account or reset a password, so neither is here.
"""

from __future__ import annotations

from dataclasses import dataclass

from openimr.domain.errors import InvalidInput, PermissionDenied
from openimr.domain.vocabulary import Role
from openimr.service.access import Actor
from openimr.service.auth import AuthService, User
from openimr.service.events import audit
from openimr.service.ports import Clock, UnitOfWork


@dataclass(frozen=True)
class Account:
    """One account as an administrator sees it: the public fields and its notification e-mail."""

    user: User
    email: str | None


@dataclass(frozen=True)
class NewAccount:
    username: str
    password: str
    role: Role
    display_name: str = ""
    reviewer_id: str | None = None
    party_key: str | None = None


# The longest each field may be: the limits of POST /api/users (api/schemas_auth.py UserCreate),
# so a form and the API refuse alike; AuthService checks the rest (username, password length,
# a reviewer's reviewer id, a party's key, a taken username).
MAX_LENGTH = {"password": 200, "display_name": 200, "reviewer_id": 80, "party_key": 200}


def ensure_admin(actor: Actor, action: str) -> None:
    """Accounts are the administrator's: staff manage cases, not who may log in."""
    if actor.role is not Role.ADMIN:
        raise PermissionDenied(f"{actor.label} may not {action}: admin only", action=action)


def list_accounts(auth: AuthService, uow: UnitOfWork, actor: Actor, clock: Clock) -> list[Account]:
    """Every account with its e-mail, by username; reading the list is audited."""
    ensure_admin(actor, "list accounts")
    users = sorted(auth.users(), key=lambda u: u.username)
    with uow:
        accounts = [Account(u, uow.notifications.email_of(u.username)) for u in users]
        audit(uow, "AccountsListed", actor, clock(), None, count=len(accounts))
        uow.commit()
    return accounts


def create_account(
    cmd: NewAccount, auth: AuthService, uow: UnitOfWork, actor: Actor, clock: Clock
) -> User:
    """Create an account through `AuthService.create_user` (its validation: InvalidInput
    naming the field); the audit entry names the account and its role, never the password."""
    ensure_admin(actor, "create accounts")
    for name, limit in MAX_LENGTH.items():
        if len(getattr(cmd, name) or "") > limit:
            raise InvalidInput(
                f"{name.replace('_', ' ')} has at most {limit} characters", field=name
            )
    user = auth.create_user(
        cmd.username,
        cmd.password,
        cmd.role,
        display_name=cmd.display_name,
        reviewer_id=cmd.reviewer_id or None,
        party_key=cmd.party_key or None,
    )
    with uow:
        audit(
            uow,
            "AccountCreated",
            actor,
            clock(),
            None,
            username=user.username,
            role=user.role,
            reviewer_id=user.reviewer_id,
            party_key=user.party_key,
        )
        uow.commit()
    return user


def revoke_account_tokens(
    username: str, auth: AuthService, uow: UnitOfWork, actor: Actor, clock: Clock
) -> int:
    """Revoke every API token of `username` (NotFound for no such account); audited with
    how many went."""
    ensure_admin(actor, "revoke an account's tokens")
    revoked = auth.revoke_all_tokens(username)
    with uow:
        audit(uow, "AccountTokensRevoked", actor, clock(), None, username=username, revoked=revoked)
        uow.commit()
    return revoked
