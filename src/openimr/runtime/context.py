"""The app's context: settings plus the services built from them (one per app).

Built once by `openimr.server.create_app` (or a test) and kept on `app.state.ctx`; the JSON
API's dependencies and the web pages' handlers both read it from there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from openimr.domain.errors import AssistUnavailable, OpenIMRError
from openimr.letters.texts import validate_letters
from openimr.rules.loader import DEFAULT_JURISDICTION
from openimr.rules.pack import load_pack, validate_all_packs
from openimr.runtime.cookies import CookieSigner
from openimr.runtime.writer_lock import SerializedUnitOfWork, WriterLock
from openimr.service.auth import AuthService
from openimr.service.bootstrap import Services, account_store, audit_keys, bootstrap
from openimr.service.decisions import PublishedDecisions
from openimr.service.jobs import JobQueue, build_job_queue
from openimr.settings import Settings


@dataclass
class AppContext:
    settings: Settings
    services: Services
    auth: AuthService
    signer: CookieSigner
    jobs: JobQueue | None = None  # None: no background queue (tests that do not need one)
    extras: dict[str, Any] = field(default_factory=dict)  # lazily built: corpus index, assist
    writer_lock: WriterLock | None = None  # SQLite only: one writer at a time

    async def run_db(self, call: Callable[..., Any], *args: Any) -> Any:
        """Run a short use case (a read or an intake: a few milliseconds) from an async route,
        on the event loop itself.

        Measured (benchmarks/bench_load.py): handing these to the thread pool cost more CPU
        than the use case (thread hops, threads fighting over the GIL and, on SQLite, the
        writer lock), and cut throughput by a third on SQLite and by half on PostgreSQL. A
        process thus runs one such transaction at a time, like a sync worker; parallelism
        comes from `--workers`. Slow work (PDF letters) stays on sync routes in threads.
        """
        return call(*args)

    def guarded(self, call: Callable[..., Any], *args: Any) -> Any:
        """Run a short database call (login, session, token) in line with the use cases."""
        if self.writer_lock is None:
            return call(*args)
        self.writer_lock.acquire()
        try:
            return call(*args)
        finally:
            self.writer_lock.release()

    def database_reachable(self) -> bool:
        try:
            with self.services.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception:  # edge: any driver error means "not reachable"
            return False
        return True


def build_context(settings: Settings, *, with_jobs: bool = True) -> AppContext:
    """Connect (no migration: `openimr serve` and the tests migrate first). Every
    jurisdiction pack is validated first: a broken pack stops start-up naming the file."""
    validate_letters(validate_all_packs())
    services = bootstrap(settings.database_url, migrate=False, audit_keys=audit_keys(settings))
    lock = None
    if services.engine.dialect.name == "sqlite":
        database = services.engine.url.database
        on_disk = database not in (None, "", ":memory:")
        lock = WriterLock(Path(f"{database}.writer-lock") if on_disk else None)
        inner = services.uow_factory
        services.uow_factory = lambda: SerializedUnitOfWork(inner(), lock)
    return AppContext(
        settings=settings,
        services=services,
        auth=AuthService(
            account_store(services),
            token_lifetime=timedelta(minutes=settings.token_lifetime_minutes),
        ),
        signer=CookieSigner(settings.secret_key),
        jobs=build_job_queue(settings, services) if with_jobs else None,
        writer_lock=lock,
    )


def assistant(ctx: AppContext) -> Any:
    """The decision-support assistant, loaded once per app (packaged model, optional corpus)."""
    if "assistant" not in ctx.extras:
        from openimr.assist.propose import Assistant

        try:
            ctx.extras["assistant"] = Assistant.load(corpus_dir=ctx.settings.corpus_dir)
        except (OSError, ValueError, OpenIMRError) as err:
            raise AssistUnavailable(f"decision support is not available here: {err}") from err
    return ctx.extras["assistant"]


def proposer(ctx: AppContext) -> Callable[[dict[str, Any]], list[dict[str, Any]]]:
    """`assist batch` semantics for one case line, as plain dicts."""

    def run(line: dict[str, Any]) -> list[dict[str, Any]]:
        from openimr.assist.schema import CaseInput

        # Which decision support a case gets is its pack's choice (pack.yaml).
        pack = load_pack(str(line.get("jurisdiction") or DEFAULT_JURISDICTION))
        if pack.data.decision_support == "category_rates":
            from openimr.assist.dmhc import category_proposals

            return category_proposals(line)
        helper = assistant(ctx)
        proposals = helper.propose_case(CaseInput.model_validate(line))
        return [p.model_dump(mode="json") for p in proposals]

    return run


def published(ctx: AppContext) -> PublishedDecisions:
    """The published-decision search and counts for this app (built on first use)."""
    if "published" not in ctx.extras:
        ctx.extras["published"] = PublishedDecisions(ctx.settings.corpus_dir)
    return ctx.extras["published"]  # type: ignore[no-any-return]
