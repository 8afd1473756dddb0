"""Alembic environment: the URL comes from the caller (`openimr db upgrade`, tests, bootstrap).

Batch mode on SQLite (ALTER TABLE is limited there); type comparison on, so autogenerate
sees a changed column type.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, text

# Registers every table on Base.metadata: the case tables, accounts, the job ledger.
import openimr.store.accounts  # noqa: F401
import openimr.store.job_ledger  # noqa: F401
import openimr.store.tables  # noqa: F401
from openimr.store.base import Base
from openimr.store.engine import make_engine

target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",
    )


def _lock(connection: Connection) -> None:
    """Several workers may start at once: on PostgreSQL one migrates, the others wait
    and then find the schema at head (SQLite's BEGIN IMMEDIATE serializes them already)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(46105)"))


def run_migrations_online() -> None:
    config = context.config
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            _lock(connection)
            context.run_migrations()
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database URL given to the migrations")
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            sqlite = conn.dialect.name == "sqlite"
            if sqlite:
                _foreign_keys(conn, on=False)
            _configure(conn)
            with context.begin_transaction():
                _lock(conn)
                context.run_migrations()
            if sqlite:
                _foreign_keys(conn, on=True)
    finally:
        engine.dispose()


def _foreign_keys(conn: Connection, *, on: bool) -> None:
    """SQLite: batch mode rebuilds a table (copy, DROP, rename); with foreign keys on, the
    DROP would cascade and delete every child row (a case's parties, documents, items). The
    pragma only takes effect outside a transaction, so it is set on the driver connection
    before the migration's transaction and back after it, when the keys are checked."""
    raw = conn.connection.driver_connection
    assert raw is not None
    if on:
        broken = raw.execute("PRAGMA foreign_key_check").fetchall()
        raw.execute("PRAGMA foreign_keys=ON")
        if broken:
            raise RuntimeError(f"a migration left rows without their parent: {broken[:5]}")
    else:
        raw.execute("PRAGMA foreign_keys=OFF")


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported; pass a database URL")
run_migrations_online()
