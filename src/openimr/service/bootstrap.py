"""The composition root: builds the engine, the unit-of-work factory, the clock, and the
account store and job ledger on the same engine.

Only this module knows the concrete adapters; the rest of the service layer sees the ports
of `service/ports.py`.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import Engine

from openimr.domain.audit import AuditKey, AuditKeyRing, ChainReport
from openimr.domain.errors import NotFound
from openimr.domain.reviewer import ExpertReviewer
from openimr.service.access import SYSTEM, Actor
from openimr.service.checkpoints import (
    AuditLogReport,
    SignedCheckpoint,
    audit_log,
    write_checkpoint,
)
from openimr.service.events import audit
from openimr.service.ports import AccountStore, CheckpointStore, Clock, JobLedger, UnitOfWork
from openimr.settings import Settings
from openimr.store.accounts import SqlAccountStore
from openimr.store.checkpoints import FileCheckpointStore
from openimr.store.engine import make_engine, make_session_factory
from openimr.store.job_ledger import SqlJobLedger
from openimr.store.keyfiles import (
    public_key_path,
    read_audit_keys,
    read_public_key,
    read_signing_key,
)
from openimr.store.migrate import current_revision, upgrade
from openimr.store.roles import app_role_sql
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
    audit_keys: AuditKeyRing

    def uow(self) -> UnitOfWork:
        return self.uow_factory()

    def close(self) -> None:
        self.engine.dispose()


def bootstrap(
    database_url: str,
    *,
    migrate: bool = True,
    clock: Clock = utc_now,
    audit_keys: AuditKeyRing | None = None,
) -> Services:
    """Connect to `database_url` (migrating it to head unless told not to).

    `audit_keys` seal the audit log (`audit_keys(settings)`); without them a random key is
    made for this run only — right for a database that lives one run (the seed example, a
    test), wrong for any other: its entries could not be verified after the process ends.
    """
    if migrate:
        upgrade(database_url)
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    keys = audit_keys or AuditKeyRing((AuditKey.of(secrets.token_bytes(32)),))
    return Services(engine, lambda: SqlUnitOfWork(factory, keys), clock, database_url, keys)


def audit_keys(settings: Settings, *, create: bool = True) -> AuditKeyRing:
    """The audit log's HMAC keys from the settings: OPENIMR_AUDIT_KEY (current) after any in
    the key file, else the key file — made with a new random key when missing and `create`
    (never in production, where the settings demand one)."""
    secrets_: list[bytes] = []
    path = settings.audit_key_path
    if settings.audit_key_file is not None or not settings.audit_key:
        secrets_ = read_audit_keys(
            path, create=create and not settings.audit_key and settings.environment != "production"
        )
    if settings.audit_key:
        secrets_.append(settings.audit_key.encode())
    return AuditKeyRing(tuple(AuditKey.of(s) for s in secrets_))


def checkpoint_store(settings: Settings) -> CheckpointStore:
    """Where signed checkpoints are written (a directory; an object-store mount in production)."""
    return FileCheckpointStore(settings.audit_checkpoint_path)


def checkpoint_signer(settings: Settings, *, create: bool = True) -> Ed25519PrivateKey:
    """The checkpoint signing key (made on first use outside production)."""
    return read_signing_key(
        settings.audit_signing_key_path, create=create and settings.environment != "production"
    )


def checkpoint_public_key(settings: Settings, path: Path | None = None) -> Ed25519PublicKey | None:
    """The key checkpoints are checked with: `path` when given, else the public half of the
    configured signing key (None when there is none)."""
    if path is not None:
        return read_public_key(path)
    public = public_key_path(settings.audit_signing_key_path)
    for candidate in (public, settings.audit_signing_key_path):
        if candidate.exists():
            return read_public_key(candidate)
    return None


def migrate_database(database_url: str, revision: str = "head") -> None:
    """Apply the schema migrations up to `revision` (`openimr db upgrade`)."""
    upgrade(database_url, revision)


def postgres_roles_sql(app_role: str, owner_role: str, schema: str = "public") -> str:
    """`openimr db roles`: least-privilege PostgreSQL roles (SECURITY.md)."""
    return app_role_sql(app_role, owner_role, schema)


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
    """Check the whole chain of the audit log with the services' keys (read only)."""
    _ensure_migrated(services)
    uow = SqlUnitOfWork(make_session_factory(services.engine), services.audit_keys)
    with uow:
        return uow.audit.verify()


def _ensure_migrated(services: Services) -> None:
    if current_revision(services.engine) is None:
        raise NotFound(
            "this database has no openimr tables; run `openimr db upgrade` first",
            database_url=services.database_url,
        )


def signer_name(settings: Settings) -> str:
    """The checkpoints' key name: the log's name without spaces (a signed-note key name has
    none)."""
    return re.sub(r"[\s+]+", "-", settings.audit_log_name.strip())


def audit_the_log(
    services: Services, settings: Settings, public_key: Path | None = None
) -> AuditLogReport:
    """`openimr audit verify`: the chain with the keys, against every signed checkpoint."""
    _ensure_migrated(services)
    return audit_log(
        services.uow(),
        services.audit_keys,
        checkpoint_store(settings),
        checkpoint_public_key(settings, public_key),
        origin=settings.audit_log_name,
        signer_name=signer_name(settings),
    )


def checkpoint_the_log(services: Services, settings: Settings) -> SignedCheckpoint:
    """`openimr audit checkpoint` and the worker's periodic job: sign and store the head."""
    _ensure_migrated(services)
    return write_checkpoint(
        services.uow(),
        checkpoint_store(settings),
        checkpoint_signer(settings),
        services.clock,
        origin=settings.audit_log_name,
        signer_name=signer_name(settings),
    )
