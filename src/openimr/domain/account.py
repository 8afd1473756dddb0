"""A user account as the service sees it: who may log in, with which role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


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


@dataclass(frozen=True)
class LoginHistory:
    """What the login attempts say about one try at logging in as `username` from an address.

    Failures count within the counting window — for the account and address together only
    since their last success; `known_address` says this address has logged in
    as this user before (recently), which keeps the real user's way in open while someone
    else hammers the account from elsewhere.
    """

    account_failures: int
    account_last_failure: datetime | None
    pair_failures: int  # this username from this address
    pair_last_failure: datetime | None
    address_failures: int  # from this address, any username, in the address window
    address_first_failure: datetime | None
    known_address: bool


@dataclass(frozen=True)
class ApiTokenRecord:
    """A live API token: only its hash is kept, never the token."""

    token_hash: str
    created_at: datetime
    expires_at: datetime

    @property
    def token_id(self) -> str:
        """A name for the token that reveals nothing of it (the first 16 hex of its hash)."""
        return self.token_hash[:16]
