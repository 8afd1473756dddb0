"""Request and response schemas of the authentication routes."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from openimr.domain.vocabulary import Role


class TokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=200)


class TokenPublic(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime


class ApiTokenPublic(BaseModel):
    token_id: str = Field(description="16 hex digits naming the token (not the token)")
    created_at: datetime
    expires_at: datetime
    current: bool = Field(description="the token this request was sent with")


class RevokedPublic(BaseModel):
    revoked: int


class UserPublic(BaseModel):
    username: str
    role: Role
    display_name: str


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=8, max_length=200)
    role: Role
    display_name: str = Field(default="", max_length=200)
    reviewer_id: str | None = Field(default=None, max_length=80)
    party_key: str | None = Field(default=None, max_length=200)


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: dict[str, object]


class ErrorPublic(BaseModel):
    """The one error shape every /api/ route answers with."""

    error: ErrorDetail
