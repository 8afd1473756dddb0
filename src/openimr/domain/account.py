"""A user account as the service sees it: who may log in, with which role."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UserRecord:
    """One account. A reviewer account names its panel reviewer, a party account its party;
    the password is kept only as an argon2 hash."""

    id: int
    username: str
    password_hash: str
    role: str
    display_name: str
    reviewer_id: str | None
    party_key: str | None
    active: bool
