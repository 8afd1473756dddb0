"""The composition root: builds the engine, the unit-of-work factory, the clock, and the
account store and job ledger on the same engine.

Only this module knows the concrete adapters; the rest of the service layer sees the ports
of `service/ports.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine

from openimr.domain.audit import ChainReport
from openimr.domain.errors import NotFound
from openimr.domain.reviewer import ExpertReviewer
from openimr.service.access import SYSTEM, Actor
from openimr.service.events import audit
from openimr.service.ports import AccountStore, Clock, JobLedger, UnitOfWork
from openimr.store.accounts import SqlAccountStore
from openimr.store.engine import make_engine, make_session_factory
from openimr.store.job_ledger import SqlJobLedger
from openimr.store.migrate import current_revision, upgrade
from openimr.store.unit_of_work import SqlUnitOfWork


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    """What the use cases need: a fresh unit of work per call, and the clock."""

    engine: Engine
    uow_factory: Callable[[], UnitOfWork]
    clock: Clock
    database_url: str

    def uow(self) -> UnitOfWork:
        return self.uow_factory()

    def close(self) -> None:
        self.engine.dispose()


def bootstrap(database_url: str, *, migrate: bool = True, clock: Clock = utc_now) -> Services:
    """Connect to `database_url` (migrating it to head unless told not to)."""
    if migrate:
        upgrade(database_url)
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    return Services(engine, lambda: SqlUnitOfWork(factory), clock, database_url)


def migrate_database(database_url: str, revision: str = "head") -> None:
    """Apply the schema migrations up to `revision` (`openimr db upgrade`)."""
    upgrade(database_url, revision)


def account_store(services: Services) -> AccountStore:
    """Users, login sessions, API tokens and login attempts, on the services' database."""
    return SqlAccountStore(make_session_factory(services.engine))


def job_ledger(services: Services) -> JobLedger:
    """The job ledger and deadline alerts, on the services' database."""
    return SqlJobLedger(make_session_factory(services.engine))


def register_reviewers(
    reviewers: list[ExpertReviewer], uow: UnitOfWork, clock: Clock, actor: Actor = SYSTEM
) -> int:
    """Add reviewers to the panel, skipping ids already there; returns how many were added."""
    added = 0
    with uow:
        known = {r.reviewer_id for r in uow.reviewers.list(active_only=False)}
        for reviewer in reviewers:
            if reviewer.reviewer_id not in known:
                uow.reviewers.add(reviewer)
                added += 1
        audit(uow, "PanelUpdated", actor, clock(), None, added=added)
        uow.commit()
    return added


def verify_audit_log(services: Services) -> ChainReport:
    """Check the whole hash chain of the audit log (read only)."""
    if current_revision(services.engine) is None:
        raise NotFound(
            "this database has no openimr tables; run `openimr db upgrade` first",
            database_url=services.database_url,
        )
    uow = SqlUnitOfWork(make_session_factory(services.engine))
    with uow:
        return uow.audit.verify()
