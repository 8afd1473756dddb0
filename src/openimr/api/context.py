"""The app's context: settings plus the services built from them (one per app)."""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import text

try:  # POSIX: lets several server processes queue for the SQLite writer
    import fcntl
except ImportError:  # pragma: no cover - Windows: the thread lock alone
    fcntl = None  # type: ignore[assignment]

from openimr.domain.errors import AssistUnavailable, OpenIMRError
from openimr.service.auth import AuthService
from openimr.service.bootstrap import Services, bootstrap
from openimr.service.decisions import PublishedDecisions
from openimr.service.jobs import JobQueue, build_job_queue
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


HANDOFF = -1  # not a thread ident: the lock is on its way to the next waiter


class WriterLock:
    """One writer at a time: a first-come-first-served lock for the threads of this
    process, and an `flock` on a file beside the database for the other server processes
    (`--workers N`).

    SQLite admits one writer at a time, and every use case writes (at least its audit
    entry). Letting dozens of request threads race for SQLite's own lock makes them
    sleep and retry in its busy handler; waiting in line here is faster, and the line is
    fair (a plain lock lets a late thread overtake, which shows as a long latency tail).
    """

    def __init__(self, path: Path | None) -> None:
        self._mutex = threading.Lock()
        self._queue: deque[threading.Lock] = deque()
        self._owner: int | None = None  # thread ident, HANDOFF while passing it on
        self._depth = 0  # re-entrant in the owning thread
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600) if path and fcntl else None

    def acquire(self) -> None:
        me = threading.get_ident()
        with self._mutex:
            if self._owner == me:
                self._depth += 1
                return
            if self._owner is None and not self._queue:
                self._owner, self._depth = me, 1
                turn = None
            else:
                turn = threading.Lock()
                turn.acquire()
                self._queue.append(turn)
        if turn is not None:
            turn.acquire()  # released by the previous owner when it hands the lock over
            with self._mutex:
                self._owner, self._depth = me, 1
        if self._fd is not None and fcntl is not None:
            fcntl.flock(self._fd, fcntl.LOCK_EX)

    def release(self) -> None:
        with self._mutex:
            self._depth -= 1
            if self._depth:
                return
            if self._fd is not None and fcntl is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            if self._queue:
                self._owner = HANDOFF  # newcomers queue up behind the one being woken
                self._queue.popleft().release()
            else:
                self._owner = None


class SerializedUnitOfWork:
    """A unit of work that holds the writer lock for the whole of its transaction."""

    def __init__(self, inner: Any, lock: WriterLock) -> None:
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
    lock = None
    if services.engine.dialect.name == "sqlite":
        database = services.engine.url.database
        on_disk = database not in (None, "", ":memory:")
        lock = WriterLock(Path(f"{database}.writer-lock") if on_disk else None)
        inner = services.uow_factory
        services.uow_factory = lambda: SerializedUnitOfWork(inner(), lock)  # type: ignore[assignment,return-value]
    return AppContext(
        settings=settings,
        services=services,
        auth=AuthService.from_engine(services.engine),
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

        helper = assistant(ctx)
        proposals = helper.propose_case(CaseInput.model_validate(line))
        return [p.model_dump(mode="json") for p in proposals]

    return run


def published(ctx: AppContext) -> PublishedDecisions:
    """The published-decision search and counts for this app (built on first use)."""
    if "published" not in ctx.extras:
        ctx.extras["published"] = PublishedDecisions(ctx.settings.corpus_dir)
    return ctx.extras["published"]  # type: ignore[no-any-return]
