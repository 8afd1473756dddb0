"""Process hygiene of `openimr serve` (the probe's finding 8): every child stops with the
server, and a restart after any crash comes up.

Before #16: SIGTERM to `openimr serve` left the job worker running, and after SIGKILL of a
`--workers 2` master the uvicorn workers kept serving and a restart failed with "Address
already in use". Each test runs the real command in its own process group.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from tests.served import free_port, start_openimr, wait_healthy

pytestmark = pytest.mark.slow


class Served:
    def __init__(self, tmp_path: Path, database_url: str) -> None:
        self.tmp_path = tmp_path
        self.database_url = database_url
        self.started: list[subprocess.Popen[bytes]] = []
        self.logs: list[Path] = []

    def start(self, port: int, workers: int | None = None) -> subprocess.Popen[bytes]:
        log = self.tmp_path / f"serve-{len(self.started)}.log"
        proc = start_openimr(
            self.database_url,
            data_dir=self.tmp_path / "data",
            cwd=self.tmp_path,
            port=port,
            log_path=log,
            secret_key="process-test-secret",
            workers=workers,
        )
        self.started.append(proc)
        self.logs.append(log)
        return proc

    def log(self, n: int = -1) -> str:
        return self.logs[n].read_text(errors="replace")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    # Processes, not databases, are under test here: SQLite is enough.
    runs = Served(tmp_path, f"sqlite:///{tmp_path / 'serve.db'}")
    yield runs
    for proc in runs.started:  # whatever a failing test left behind
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def family(proc: subprocess.Popen[bytes]) -> list[psutil.Process]:
    """The server's process and every descendant (job worker, uvicorn workers)."""
    root = psutil.Process(proc.pid)
    return [root, *root.children(recursive=True)]


def gone(processes: list[psutil.Process], timeout: float = 30) -> list[int]:
    """The pids still alive (not zombies) after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        alive = [p.pid for p in processes if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.2)


def children_ready(proc: subprocess.Popen[bytes], expected: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while len(family(proc)) < expected and time.monotonic() < deadline:
        time.sleep(0.2)


@pytest.mark.parametrize(("signum", "workers"), [(signal.SIGTERM, None), (signal.SIGINT, 2)])
def test_a_stopping_signal_stops_every_child_and_exits_cleanly(
    served: Served, signum: int, workers: int | None
) -> None:
    port = free_port()
    proc = served.start(port, workers)
    wait_healthy(f"http://127.0.0.1:{port}", proc)
    children_ready(proc, 2 + (workers or 0))
    everyone = family(proc)
    assert len(everyone) >= 2  # the server and at least its job worker
    os.kill(proc.pid, signum)  # the master only, as systemd or Ctrl-C on a service would
    assert proc.wait(timeout=30) == 0
    assert gone(everyone) == [], served.log()
    assert not (served.tmp_path / "data" / "openimr-serve.pid").exists()


def test_after_sigkill_of_a_two_worker_master_the_workers_stop_and_a_restart_comes_up(
    served: Served,
) -> None:
    port = free_port()
    first = served.start(port, workers=2)
    wait_healthy(f"http://127.0.0.1:{port}", first)
    children_ready(first, 4)
    everyone = family(first)
    assert len(everyone) >= 4  # master, job worker, two uvicorn workers
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    assert gone(everyone) == []  # nobody keeps serving on the port
    second = served.start(port, workers=2)  # the same port, the same data directory
    wait_healthy(f"http://127.0.0.1:{port}", second)
    assert "removed the stale pid file" in served.log()
    os.kill(second.pid, signal.SIGTERM)
    assert second.wait(timeout=30) == 0


def test_a_second_server_on_the_same_data_directory_is_refused(served: Served) -> None:
    port = free_port()
    first = served.start(port)
    wait_healthy(f"http://127.0.0.1:{port}", first)
    second = served.start(free_port())
    assert second.wait(timeout=60) == 2
    assert f"already running (pid {first.pid}, port {port})" in served.log()
    os.kill(first.pid, signal.SIGTERM)
    assert first.wait(timeout=30) == 0


def test_a_port_taken_by_another_program_is_named(served: Served) -> None:
    import socket

    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        proc = served.start(port)
        assert proc.wait(timeout=60) == 2
    assert f"127.0.0.1:{port} is in use by another program" in served.log()
