"""The app's context: settings plus the services built from them (one per app)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text

from openimr.domain.errors import OpenIMRError
from openimr.service.auth import AuthService
from openimr.service.bootstrap import Services, bootstrap
from openimr.service.jobs import JobQueue, build_job_queue
from openimr.service.workbench import AssistUnavailable
from openimr.settings import Settings
from openimr.web.security import CookieSigner


@dataclass
class AppContext:
    settings: Settings
    services: Services
    auth: AuthService
    signer: CookieSigner
    jobs: JobQueue | None = None  # None: no background queue (tests that do not need one)
    extras: dict[str, Any] = field(default_factory=dict)  # lazily built: corpus index, assist

    def database_reachable(self) -> bool:
        try:
            with self.services.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception:  # edge: any driver error means "not reachable"
            return False
        return True


class SerializedUnitOfWork:
    """A unit of work that holds a process-wide lock for its transaction.

    SQLite admits one writer at a time, and every use case writes (at least its audit
    entry). Letting dozens of request threads race for the file lock makes them spin in
    SQLite's busy handler; queueing them on a lock in the process is far faster and fair.
    """

    def __init__(self, inner: Any, lock: threading.RLock) -> None:
        self._inner = inner
        self._lock = lock

    def __enter__(self) -> Any:
        self._lock.acquire()
        try:
            self._inner.__enter__()
        except BaseException:
            self._lock.release()
            raise
        return self

    def __exit__(self, *exc: Any) -> None:
        try:
            self._inner.__exit__(*exc)
        finally:
            self._lock.release()

    def __getattr__(self, name: str) -> Any:  # cases, reviewers, documents, audit, commit
        return getattr(self._inner, name)


def build_context(settings: Settings, *, with_jobs: bool = True) -> AppContext:
    """Connect (no migration: `openimr serve` and the tests migrate first)."""
    services = bootstrap(settings.database_url, migrate=False)
    if services.engine.dialect.name == "sqlite":
        lock = threading.RLock()
        inner = services.uow_factory
        services.uow_factory = lambda: SerializedUnitOfWork(inner(), lock)  # type: ignore[assignment,return-value]
    return AppContext(
        settings=settings,
        services=services,
        auth=AuthService.from_engine(services.engine),
        signer=CookieSigner(settings.secret_key),
        jobs=build_job_queue(settings, services) if with_jobs else None,
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

        helper = assistant(ctx)
        proposals = helper.propose_case(CaseInput.model_validate(line))
        return [p.model_dump(mode="json") for p in proposals]

    return run


def decision_index(ctx: AppContext) -> Any | None:
    """The published-decision search index: the configured corpus store, else the decided
    items the assist package ships with its model (the dev letters); None when neither."""
    if ctx.extras.get("index") is None:
        from openimr.corpus.search import ItemIndex

        if ctx.settings.corpus_dir is not None:
            ctx.extras["index"] = ItemIndex.from_store(ctx.settings.corpus_dir)
        else:
            from openimr.assist.model import PRECEDENTS_FILE, packaged_model_dir

            packaged = packaged_model_dir() / PRECEDENTS_FILE
            if packaged.is_file():
                letters = json.loads(packaged.read_text(encoding="utf-8"))
                ctx.extras["index"] = ItemIndex.from_letters(letters)
    return ctx.extras.get("index")
