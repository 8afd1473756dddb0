"""The audit log on a real database: append-only below the application, tamper-evident."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from openimr.cli import app
from openimr.service.bootstrap import Services, bootstrap, verify_audit_log
from tests.factories import T0


@pytest.fixture
def services(database_url: str) -> Services:
    services = bootstrap(database_url)
    for n in range(4):
        with services.uow() as uow:
            uow.audit.append("CaseRead", actor="staff:1", at=T0, case_number="CM-1", data={"n": n})
            uow.commit()
    yield services  # type: ignore[misc]
    services.close()


def test_the_database_refuses_to_update_an_audit_entry(services: Services) -> None:
    with pytest.raises(DBAPIError, match="append-only"), services.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'admin:mallory' WHERE seq = 2"))


def test_the_database_refuses_to_delete_an_audit_entry(services: Services) -> None:
    with pytest.raises(DBAPIError, match="append-only"), services.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq = 4"))


def test_verify_passes_on_an_untouched_log(services: Services) -> None:
    report = verify_audit_log(services)
    assert report.ok and report.entries == 4


def _tamper(services: Services, statement: str, **params: object) -> None:
    """Go around the triggers, as someone with direct database access could."""
    with services.engine.begin() as conn:
        if services.engine.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER audit_log_no_update"))
            conn.execute(text("DROP TRIGGER audit_log_no_delete"))
        else:
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
        conn.execute(text(statement), params)


def test_verify_names_the_first_tampered_entry(services: Services) -> None:
    _tamper(services, "UPDATE audit_log SET data = :data WHERE seq = 3", data='{"n":7}')
    report = verify_audit_log(services)
    assert report.first_broken_seq == 3


def test_verify_notices_a_deleted_entry(services: Services) -> None:
    _tamper(services, "DELETE FROM audit_log WHERE seq = 2")
    assert verify_audit_log(services).first_broken_seq == 3


def test_audit_verify_command_exits_1_naming_the_broken_entry(services: Services) -> None:
    runner = CliRunner()
    ok = runner.invoke(app, ["audit", "verify", "--database-url", services.database_url])
    assert ok.exit_code == 0, ok.output
    assert "4 entries" in ok.output
    _tamper(services, "UPDATE audit_log SET actor = 'x' WHERE seq = 1")
    broken = runner.invoke(app, ["audit", "verify", "--database-url", services.database_url])
    assert broken.exit_code == 1
    assert "entry 1" in broken.output


def test_audit_verify_on_an_empty_database_says_to_upgrade(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    result = CliRunner().invoke(app, ["audit", "verify", "--database-url", url])
    assert result.exit_code == 2
    assert "openimr db upgrade" in result.output


def test_db_upgrade_command_creates_the_tables(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'new.db'}"
    result = CliRunner().invoke(app, ["db", "upgrade", "--database-url", url])
    assert result.exit_code == 0, result.output
    services = bootstrap(url, migrate=False)
    try:
        assert verify_audit_log(services).entries == 0
    finally:
        services.close()
