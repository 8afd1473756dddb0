"""Settings: the only module that reads the environment (prefix OPENIMR_)."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "dev-only-secret-change-me"


def default_data_dir() -> Path:
    return Path.cwd() / ".openimr"


class Settings(BaseSettings):
    """Typed settings. Precedence: defaults < environment/.env < command-line flags."""

    model_config = SettingsConfigDict(env_prefix="OPENIMR_", env_file=".env", extra="forbid")

    database_url: str = ""  # empty: a SQLite file under data_dir
    data_dir: Path = Path(".openimr")
    corpus_dir: Path | None = None  # a corpus store made by `openimr corpus ingest`
    secret_key: str = DEFAULT_SECRET
    # A typo ("prod") is refused at startup rather than silently skipping the production checks.
    environment: Literal["local", "test", "production"] = "local"
    log_level: str = "INFO"
    queue_url: str = ""  # empty: huey on SQLite under data_dir; redis://... for Redis
    smtp_url: str = ""  # empty: notifications in the app only; smtp://host:port to e-mail them
    mail_from: str = "openimr <no-reply@localhost>"
    base_url: str = "http://127.0.0.1:8000"  # links in e-mails

    # The audit log (SECURITY.md). Its HMAC key and the checkpoint signing key live outside
    # the database; unset paths default to files under data_dir, made on first use locally.
    audit_key: str = Field(default="", repr=False)  # the key itself (>= 32 characters)
    audit_key_file: Path | None = None  # one key per line; the last seals new entries
    audit_signing_key_file: Path | None = None  # Ed25519, PEM (PKCS#8)
    audit_checkpoint_dir: Path | None = None  # where signed checkpoints are written
    audit_checkpoint_minutes: int = Field(default=60, ge=0)  # the worker's period; 0: never
    audit_log_name: str = Field(default="openimr audit log", min_length=1, max_length=200)

    # Limits on what arrives (SECURITY.md): refused early with 413 or 422 naming the field.
    max_request_mb: int = Field(default=60, ge=1)  # a whole request body (uploads included)
    max_upload_mb: int = Field(default=25, ge=1)  # one uploaded document; one batch input file
    max_json_depth: int = Field(default=32, ge=2, le=1000)  # nesting of arrays and objects
    max_line_kb: int = Field(default=512, ge=1)  # one JSON-lines record, one JSON form field
    max_text_chars: int = Field(default=100_000, ge=1000)  # one free-text value

    # Login and tokens (SECURITY.md).
    token_lifetime_minutes: int = Field(default=60, ge=1, le=43_200)  # API bearer tokens
    # Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-
    # separated); from anyone else the header is ignored.
    trusted_proxies: str = ""

    @model_validator(mode="after")
    def _fill_and_check(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{(self.data_dir / 'openimr.db').as_posix()}"
        if self.environment == "production":
            if self.database_url.startswith("sqlite"):
                raise ValueError("production needs a PostgreSQL OPENIMR_DATABASE_URL, not SQLite")
            if self.secret_key == DEFAULT_SECRET:
                raise ValueError("production needs OPENIMR_SECRET_KEY set to a real secret")
            if not (self.audit_key or self.audit_key_file):
                raise ValueError(
                    "production needs the audit log's HMAC key outside the database: "
                    "OPENIMR_AUDIT_KEY or OPENIMR_AUDIT_KEY_FILE"
                )
            if self.audit_signing_key_file is None or self.audit_checkpoint_dir is None:
                raise ValueError(
                    "production needs OPENIMR_AUDIT_SIGNING_KEY_FILE and "
                    "OPENIMR_AUDIT_CHECKPOINT_DIR (off the database's host, write-once)"
                )
        for part in self.trusted_proxies.replace(";", ",").split(","):
            if part.strip():
                try:
                    ipaddress.ip_network(part.strip(), strict=False)
                except ValueError as err:
                    raise ValueError(
                        f"OPENIMR_TRUSTED_PROXIES: {part.strip()!r} is not an address or network"
                    ) from err
        if self.audit_key and len(self.audit_key) < 32:
            raise ValueError("OPENIMR_AUDIT_KEY needs at least 32 characters")
        return self

    # -- where the audit log's keys and checkpoints are ---------------------------------
    @property
    def audit_key_path(self) -> Path:
        return self.audit_key_file or self.data_dir / "audit.key"

    @property
    def audit_signing_key_path(self) -> Path:
        return self.audit_signing_key_file or self.data_dir / "audit-signing-key.pem"

    @property
    def audit_checkpoint_path(self) -> Path:
        return self.audit_checkpoint_dir or self.data_dir / "checkpoints"
