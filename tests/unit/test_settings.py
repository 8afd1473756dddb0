"""Settings refuse what would silently weaken a deployment."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from openimr.settings import Settings


def test_an_unknown_environment_name_stops_startup() -> None:
    # "prod" used to pass as a free string and skip the production checks below.
    with pytest.raises(ValidationError, match="environment"):
        Settings(environment="prod")  # type: ignore[arg-type]


def test_production_refuses_sqlite_and_the_default_secret() -> None:
    with pytest.raises(ValidationError, match="PostgreSQL"):
        Settings(environment="production", secret_key="a-real-secret-for-this-test")
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(environment="production", database_url="postgresql+psycopg://db/openimr")


def test_production_with_postgres_and_a_real_secret_starts() -> None:
    settings = Settings(
        environment="production",
        database_url="postgresql+psycopg://db/openimr",
        secret_key="a-real-secret-for-this-test",
    )
    assert settings.environment == "production"
