"""Process hygiene for `openimr serve`: children die with their parent, and a pid file tells
a running server from one that crashed.

Before #16, SIGTERM to `openimr serve` left its job worker running (uvicorn re-raises the
signal after its graceful stop, so the code that would stop the worker never ran), and after
a SIGKILL of a `--workers 2` master its uvicorn workers kept serving on the port, so a restart
failed with "Address already in use". Now:

- every child (the huey job worker, each uvicorn worker) calls `die_with_parent()`: on Linux
  the kernel sends it SIGTERM when its parent dies (`PR_SET_PDEATHSIG`), and a watchdog thread
  notices the parent gone on any platform; a child that does not stop within its grace is
  ended hard;
- the master stops its children itself on SIGTERM and SIGINT (`stop_process`: SIGTERM, a
  grace, then SIGKILL);
- `ServePidFile` records the master and its job worker with their start times: a live server
  on the same data directory is refused with its pid and port, a stale file (the master was
  killed) is replaced, and any worker it names that is somehow still alive is stopped first.
  The listening socket has SO_REUSEADDR (uvicorn), so the port is free the moment the
  processes holding it are gone.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
WATCH_SECONDS = 0.5
GRACE_SECONDS = 10.0


def die_with_parent(parent: int | None = None, grace: float = GRACE_SECONDS) -> None:
    """Make this process stop when `parent` (default: the current parent) dies: SIGTERM
    to itself (graceful), then a hard exit if it is still alive `grace` seconds later."""
    parent = parent or os.getppid()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCH_SECONDS)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(grace)
        os._exit(1)

    threading.Thread(target=watch, name="openimr-lifeline", daemon=True).start()
    if os.getppid() != parent:  # the parent died before the kernel was told to watch it
        os.kill(os.getpid(), signal.SIGTERM)


def start_time(pid: int) -> str | None:
    """When process `pid` started (Linux: clock ticks since boot, from /proc), so a pid reused
    by another process is not taken for ours; None when it does not exist or is unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None if not _alive(pid) else "?"
    # Field 22, counted after the command name, which is in parentheses and may hold spaces.
    return stat.rsplit(")", 1)[1].split()[19]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def same_process(pid: int, started: str | None) -> bool:
    """Whether `pid` is still the process that started at `started`."""
    now = start_time(pid)
    return now is not None and (started is None or now == started or now == "?")


def stop_process(pid: int, started: str | None = None, grace: float = GRACE_SECONDS) -> bool:
    """SIGTERM, wait up to `grace`, then SIGKILL; True when the process was ours and is gone."""
    if not same_process(pid, started):
        return False
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and same_process(pid, started):
        _reap(pid)
        time.sleep(0.05)
    if same_process(pid, started):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    _reap(pid)
    return True


def _reap(pid: int) -> None:
    """Collect a child that has exited (a zombie still 'exists' until its parent waits)."""
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


class ServeRunning(Exception):
    def __init__(self, pid: int, port: int | None) -> None:
        super().__init__(f"openimr serve is already running (pid {pid}, port {port})")
        self.pid = pid
        self.port = port


@dataclass
class ServePidFile:
    """`data_dir/openimr-serve.pid`: the master's pid, port and start time, and its workers'."""

    path: Path

    def claim(self, port: int) -> list[str]:
        """Take the pid file for this process; returns notes on what was cleaned up. Raises
        ServeRunning when a live server holds it."""
        notes: list[str] = []
        old = self._read()
        if old is not None:
            pid = int(old.get("pid", 0))
            if pid and pid != os.getpid() and same_process(pid, old.get("start")):
                raise ServeRunning(pid, old.get("port"))
            for child in old.get("children", []):
                if stop_process(int(child["pid"]), child.get("start")):
                    notes.append(f"stopped worker {child['pid']} left by pid {pid}")
            notes.append(f"removed the stale pid file of pid {pid} (no longer running)")
        self._write({"pid": os.getpid(), "start": start_time(os.getpid()), "port": port})
        return notes

    def add_child(self, pid: int) -> None:
        data = self._read() or {}
        children = [c for c in data.get("children", []) if c.get("pid") != pid]
        children.append({"pid": pid, "start": start_time(pid)})
        self._write({**data, "children": children})

    def release(self) -> None:
        data = self._read()
        if data is not None and data.get("pid") == os.getpid():
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()

    def _read(self) -> dict[str, Any] | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            return {}  # unreadable: treat as stale
        return data if isinstance(data, dict) else {}

    def _write(self, data: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(data), encoding="utf-8")
        partial.replace(self.path)


def port_free(host: str, port: int) -> bool:
    """Whether `host:port` can be listened on (with SO_REUSEADDR, as the server will)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True
