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
