"""`openimr serve` as a real subprocess on a free port (crash tests, load benchmark)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_openimr(
    database_url: str,
    *,
    data_dir: Path,
    cwd: Path,
    port: int,
    log_path: Path,
    secret_key: str,
    workers: int | None = None,
) -> subprocess.Popen[bytes]:
    """Start `openimr serve` in a new process group, so one signal reaches the web server
    and its job worker together."""
    env = {
        **os.environ,
        "OPENIMR_DATA_DIR": str(data_dir),
        "OPENIMR_ENVIRONMENT": "test",
        "OPENIMR_SECRET_KEY": secret_key,
    }
    cmd = [sys.executable, "-m", "openimr.cli", "serve", "--port", str(port)]
    cmd += ["--database-url", database_url]
    if workers is not None:
        cmd += ["--workers", str(workers)]
    log = log_path.open("wb")
    return subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=log, start_new_session=True)


def wait_healthy(
    base_url: str, proc: subprocess.Popen[bytes], timeout: float = 60, poll: float = 0.2
) -> None:
    """Return once /healthz answers 200; raise if the server exits or never gets there."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"openimr serve exited with {proc.returncode}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(poll)
    raise RuntimeError("openimr serve did not become healthy")
