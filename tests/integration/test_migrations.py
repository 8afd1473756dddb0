"""Every schema change is a migration: an empty database upgraded to head matches the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

import openimr.store.accounts  # noqa: F401
import openimr.store.job_ledger  # noqa: F401
import openimr.store.tables  # noqa: F401
from openimr.store.base import Base
from openimr.store.engine import make_engine
from openimr.store.migrate import current_revision, head_revision, upgrade


def test_upgrade_to_head_leaves_nothing_for_autogenerate(database_url: str) -> None:
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        assert current_revision(engine) == head_revision(database_url)
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, Base.metadata)
        assert diff == []
    finally:
        engine.dispose()


def test_first_revision_is_0001_core(database_url: str) -> None:
    upgrade(database_url, "0001_core")
    engine = make_engine(database_url)
    try:
        assert current_revision(engine) == "0001_core"
    finally:
        engine.dispose()


def test_upgrading_twice_is_harmless(database_url: str) -> None:
    upgrade(database_url)
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM cases")).scalar_one() == 0
    finally:
        engine.dispose()


def test_sqlite_connections_enforce_foreign_keys(tmp_path: pytest.TempPathFactory) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/fk.db")
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
            assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
    finally:
        engine.dispose()


def test_old_cases_keep_their_parties_and_their_noarfi_becomes_a_notice(database_url: str) -> None:
    """A case assigned before packs and notices were kept survives the later migrations whole:
    SQLite's table rebuild (0006) no longer cascades away its parties, and its recorded NOARFI
    becomes the notice of assignment that starts its records clock (0009)."""
    from datetime import date

    from openimr.domain.vocabulary import NoticeKind, ServiceMethod
    from openimr.rules.case_clocks import case_clocks
    from openimr.service.bootstrap import bootstrap

    upgrade(database_url, "0005_workbench")
    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO cases (id, case_number, dispute_key, state, priority, "
                    "date_of_injury, ur_decision_date, ur_decision_served_by, "
                    "application_received_on, application_signed, dispute_type, condition, "
                    "assigned_on, noarfi_served_by, eligibility_findings, version, created_at, "
                    "updated_at) VALUES (1, 'CM15-0000009', 'k', 'assigned', 'standard', "
                    "'2014-03-03', '2015-05-15', 'mail', '2015-06-01', :yes, "
                    "'medical_necessity', '', '2015-06-04', 'mail', '[]', 1, "
                    "'2015-06-01 10:00:00+00', '2015-06-01 10:00:00+00')"
                ),
                {"yes": True},
            )
            for n, (role, name) in enumerate(
                [("injured_worker", "Pat Testworker"), ("ur_physician", "Dr. UR")]
            ):
                conn.execute(
                    text(
                        "INSERT INTO case_parties (case_id, position, role, name, key) "
                        "VALUES (1, :n, :role, :name, :key)"
                    ),
                    {"n": n, "role": role, "name": name, "key": f"person:{n}"},
                )
    finally:
        engine.dispose()
    upgrade(database_url)
    services = bootstrap(database_url)
    with services.uow() as uow:
        case = uow.cases.get("CM15-0000009")
    assert case.jurisdiction == "ca_dwc"
    assert [p.name for p in case.parties] == ["Pat Testworker", "Dr. UR"]
    (notice,) = case.notices
    assert notice.kind is NoticeKind.ASSIGNMENT and notice.served_by is ServiceMethod.MAIL
    assert [r.name for r in notice.recipients] == ["Pat Testworker"]  # not the UR physician
    assert case_clocks(case)["records"].due_on == date(2015, 6, 19)
