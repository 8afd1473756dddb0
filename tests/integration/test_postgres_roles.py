"""SECURITY.md's PostgreSQL hardening, run for real: as the application role the service
works, and every way around the audit log's triggers is refused.

The probe bypassed the triggers with `SET session_replication_role = replica` as the
database owner; `openimr db roles` gives the tables to an owner role and the application a
role that can only read and append to the audit log.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from openimr.cli import app
from openimr.service.bootstrap import audit_keys, bootstrap, verify_audit_log
from openimr.service.intake import submit_application
from openimr.settings import Settings
from openimr.store.migrate import upgrade
from tests.factories import T0, make_application
from tests.unit.service.test_lifecycle_service import STAFF

pytestmark = pytest.mark.postgres

ATTACKS = [
    "UPDATE audit_log SET actor = 'admin:mallory' WHERE seq = 1",
    "DELETE FROM audit_log WHERE seq = 1",
    "TRUNCATE audit_log",
    "ALTER TABLE audit_log DISABLE TRIGGER USER",
    "DROP TRIGGER audit_log_no_update ON audit_log",
    "SET session_replication_role = replica",
    "ALTER TABLE audit_log ADD COLUMN note text",
    "DROP TABLE audit_log",
    "UPDATE alembic_version SET version_num = '0001_core'",
]


@pytest.fixture
def app_url(database_url: str, request: pytest.FixtureRequest) -> str:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has no roles: this test runs on the PostgreSQL database")
    upgrade(database_url)
    url = make_url(database_url)
    schema = str(url.query["options"]).removeprefix("-csearch_path=")
    tag = uuid.uuid4().hex[:8]
    app_role, owner_role = f"openimr_app_{tag}", f"openimr_owner_{tag}"
    sql = CliRunner().invoke(
        app, ["db", "roles", "--app-role", app_role, "--owner-role", owner_role, "--schema", schema]
    )
    assert sql.exit_code == 0, sql.output
    admin = create_engine(database_url)
    with admin.begin() as conn:
        conn.exec_driver_sql(sql.stdout)

    def drop_roles() -> None:
        with admin.begin() as conn:
            for role in (app_role, owner_role):
                conn.execute(text(f"DROP OWNED BY {role} CASCADE"))
                conn.execute(text(f"DROP ROLE {role}"))
        admin.dispose()

    request.addfinalizer(drop_roles)
    return url.set(username=app_role).render_as_string(hide_password=False)


def test_the_service_runs_as_the_application_role(app_url: str, tmp_path: Path) -> None:
    upgrade(app_url)  # `openimr serve` migrates on start: at head it only reads
    settings = Settings(database_url=app_url, data_dir=tmp_path)
    services = bootstrap(app_url, migrate=False, audit_keys=audit_keys(settings))
    try:
        result = submit_application(make_application(), services.uow(), STAFF, services.clock)
        with services.uow() as uow:
            assert uow.cases.get(result.case_number).state.value == "received"
            uow.audit.append("CaseRead", actor="staff:1", at=T0, case_number=None, data={})
            uow.commit()
        assert verify_audit_log(services).entries == 2
    finally:
        services.close()


@pytest.mark.parametrize("attack", ATTACKS)
def test_the_application_role_cannot_get_around_the_audit_log(
    app_url: str, tmp_path: Path, attack: str
) -> None:
    settings = Settings(database_url=app_url, data_dir=tmp_path)
    services = bootstrap(app_url, migrate=False, audit_keys=audit_keys(settings))
    try:
        with services.uow() as uow:
            uow.audit.append("CaseRead", actor="staff:1", at=T0, case_number=None, data={})
            uow.commit()
        with pytest.raises(DBAPIError) as err, services.engine.begin() as conn:
            conn.execute(text(attack))
        message = str(err.value.orig).lower()
        assert "permission denied" in message or "must be owner" in message, message
        assert verify_audit_log(services).ok
    finally:
        services.close()


def test_a_role_name_that_is_not_plain_is_refused() -> None:
    result = CliRunner().invoke(app, ["db", "roles", "--app-role", "x; DROP TABLE cases"])
    assert result.exit_code == 2 and "not a plain PostgreSQL name" in result.output
