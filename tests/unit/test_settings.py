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


PRODUCTION = {
    "environment": "production",
    "database_url": "postgresql+psycopg://db/openimr",
    "secret_key": "a-real-secret-for-this-test",
    "audit_key_file": "/etc/openimr/audit.key",
    "audit_signing_key_file": "/etc/openimr/audit-signing-key.pem",
    "audit_checkpoint_dir": "/mnt/worm/openimr-checkpoints",
}


def test_production_with_postgres_a_real_secret_and_audit_keys_starts() -> None:
    settings = Settings(**PRODUCTION)  # type: ignore[arg-type]
    assert settings.environment == "production"


@pytest.mark.parametrize(
    "missing", ["audit_key_file", "audit_signing_key_file", "audit_checkpoint_dir"]
)
def test_production_refuses_to_keep_the_audit_keys_by_default(missing: str) -> None:
    values = {k: v for k, v in PRODUCTION.items() if k != missing}
    with pytest.raises(ValidationError, match="AUDIT"):
        Settings(**values)  # type: ignore[arg-type]


def test_a_short_audit_key_is_refused() -> None:
    with pytest.raises(ValidationError, match="32"):
        Settings(audit_key="short")
