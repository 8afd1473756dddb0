"""One SQLite writer at a time, across the threads and the worker processes of a server."""

from __future__ import annotations

import os
import threading
from collections import deque
from pathlib import Path
from typing import Any

try:  # POSIX: lets several server processes queue for the SQLite writer
    import fcntl
except ImportError:  # pragma: no cover - Windows: the thread lock alone
    fcntl = None  # type: ignore[assignment]


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
