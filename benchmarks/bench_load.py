"""Load benchmark of `openimr serve`: case reads and intake writes, 32 concurrent clients.

Starts the real service in a subprocess (SQLite file, then PostgreSQL when reachable),
drives it over loopback with an async httpx load generator, and prints requests/s,
p50/p99 latency and errors for each phase. Targets (issue 7): >= 300 reads/s and
>= 100 intake writes/s with p99 < 100 ms on 2 cores, zero errors.

    .venv/bin/python benchmarks/bench_load.py [--duration 10] [--clients 32] [--workers 1]
        [--only sqlite|postgres] [--postgres-url postgresql+psycopg://postgres@127.0.0.1/postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

DEFAULT_PG = os.environ.get(
    "OPENIMR_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
BENCH_DB = "openimr_bench"


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    server_cpu: float = 0.0  # CPU seconds the server's processes spent in the phase

    def report(self) -> str:
        n = len(self.latencies)
        if not n:
            return f"{self.name:<14} no successful request, {self.errors} errors"
        ordered = sorted(self.latencies)
        p50 = statistics.median(ordered) * 1000
        p99 = ordered[min(n - 1, int(n * 0.99))] * 1000
        cpu_ms = 1000 * self.server_cpu / n
        return (
            f"{self.name:<14} {n / self.seconds:8.1f} req/s  p50 {p50:6.1f} ms  "
            f"p99 {p99:6.1f} ms  errors {self.errors}  ({n} requests in {self.seconds:.1f} s; "
            f"server CPU {cpu_ms:.2f} ms/request)"
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(database_url: str, data_dir: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "OPENIMR_DATA_DIR": str(data_dir),
        "OPENIMR_ENVIRONMENT": "test",
        "OPENIMR_SECRET_KEY": "bench-secret",
    }
    cmd = [
        sys.executable, "-m", "openimr.cli", "serve", "--port", str(port),
        "--database-url", database_url, "--workers", str(workers),
    ]  # fmt: skip
    log = (data_dir / "server.log").open("wb")
    return subprocess.Popen(
        cmd, cwd=data_dir, env=env, stdout=log, stderr=log, start_new_session=True
    )


def wait_healthy(base: str, proc: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode}")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit("the server did not become healthy")


def stop(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


def application(n: int) -> dict[str, object]:
    return {
        "priority": "standard",
        "date_of_injury": "2024-01-10",
        "ur_decision_date": "2026-11-02",
        "ur_decision_served_by": "electronic",
        "application_received_on": "2026-11-20",
        "application_signed": True,
        "claim_number": f"LOAD-{n:07d}",
        "items": [{"description": "Physical therapy, 6 sessions, lumbar spine"}],
        "parties": [{"role": "injured_worker", "name": f"Worker {n}", "key": f"person:load-{n}"}],
        "documents": [{"filename": "ur.txt", "kind": "ur_decision"}],
    }


def server_cpu_seconds(pid: int) -> float:
    """User + system CPU of the server process and its children (web workers, job worker)."""
    import psutil

    try:
        root = psutil.Process(pid)
        total = 0.0
        for proc in [root, *root.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                times = proc.cpu_times()
                total += times.user + times.system
        return total
    except psutil.Error:
        return 0.0


async def run_phase(  # type: ignore[no-untyped-def]
    base: str, token: str, name: str, clients: int, duration: float, make, pid: int
) -> Phase:
    phase = Phase(name)
    cpu_before = server_cpu_seconds(pid)
    counter = iter(range(10**9))
    deadline = time.perf_counter() + duration
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client(http: httpx.AsyncClient) -> None:
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            try:
                response = await make(http, next(counter))
                ok = response.status_code < 400
            except httpx.HTTPError:
                ok = False
            if ok:
                phase.latencies.append(time.perf_counter() - t0)
            else:
                phase.errors += 1

    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30, limits=limits) as http:
        started = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(clients)))
        phase.seconds = time.perf_counter() - started
    phase.server_cpu = server_cpu_seconds(pid) - cpu_before
    return phase


async def bench(base: str, clients: int, duration: float, pid: int) -> list[Phase]:
    async with httpx.AsyncClient(base_url=base) as http:
        token = (
            await http.post(
                "/api/auth/token", json={"username": "staff", "password": "staff-demo-pass"}
            )
        ).json()["access_token"]
        cases = (await http.get("/api/cases", headers={"Authorization": f"Bearer {token}"})).json()[
            "cases"
        ]
    case_number = cases[0]["case_number"]

    async def read(http: httpx.AsyncClient, n: int) -> httpx.Response:
        return await http.get(f"/api/cases/{case_number}")

    async def intake(http: httpx.AsyncClient, n: int) -> httpx.Response:
        files = [("files", ("ur.txt", f"UR decision {n}".encode(), "text/plain"))]
        data = {"application": json.dumps(application(n))}
        return await http.post("/api/cases", data=data, files=files)

    await run_phase(base, token, "warm-up", clients, 2, read, pid)
    reads = await run_phase(base, token, "case reads", clients, duration, read, pid)
    writes = await run_phase(base, token, "intake writes", clients, duration, intake, pid)
    return [reads, writes]


def fresh_postgres(url: str) -> str | None:
    """Create an empty bench database next to `url`; None when PostgreSQL is unreachable."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    try:
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)"))
            conn.execute(text(f"CREATE DATABASE {BENCH_DB}"))
        admin.dispose()
    except Exception as err:  # edge: report and skip the PostgreSQL run
        print(f"postgres: skipped ({err.__class__.__name__}: {str(err).splitlines()[0]})")
        return None
    return make_url(url).set(database=BENCH_DB).render_as_string(hide_password=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--only", choices=["sqlite", "postgres"], default=None)
    parser.add_argument("--postgres-url", default=DEFAULT_PG)
    args = parser.parse_args()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average before the run: {load:.2f} (other work on the machine skews figures)")
    print(
        f"cpus {os.cpu_count()}  clients {args.clients}  duration {args.duration}s  "
        f"workers {args.workers}"
    )
    targets = []
    work = Path(tempfile.mkdtemp(prefix="openimr-bench-"))
    if args.only in (None, "sqlite"):
        targets.append(("sqlite", f"sqlite:///{work / 'sqlite' / 'openimr.db'}", work / "sqlite"))
    if args.only in (None, "postgres"):
        url = fresh_postgres(args.postgres_url)
        if url:
            targets.append(("postgres", url, work / "postgres"))
    try:
        for label, url, data_dir in targets:
            data_dir.mkdir(parents=True, exist_ok=True)
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            proc = start(url, data_dir, port, args.workers)
            try:
                wait_healthy(base, proc)
                phases = asyncio.run(bench(base, args.clients, args.duration, proc.pid))
            finally:
                stop(proc)
            for phase in phases:
                print(f"{label:<9} {phase.report()}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
