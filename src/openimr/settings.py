"""Settings: the only module that reads the environment (prefix OPENIMR_)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import model_validator
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

    @model_validator(mode="after")
    def _fill_and_check(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{(self.data_dir / 'openimr.db').as_posix()}"
        if self.environment == "production":
            if self.database_url.startswith("sqlite"):
                raise ValueError("production needs a PostgreSQL OPENIMR_DATABASE_URL, not SQLite")
            if self.secret_key == DEFAULT_SECRET:
                raise ValueError("production needs OPENIMR_SECRET_KEY set to a real secret")
        return self
