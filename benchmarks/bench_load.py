"""Load benchmark of `openimr serve`: case reads and intake writes, 32 concurrent clients.

Starts the real service in a subprocess (SQLite file, then PostgreSQL when reachable),
drives it over loopback with an asyncio load generator (32 keep-alive connections; a
minimal HTTP/1.1 client, because httpx spent ~3.6 ms of CPU per request — more than the
server — and so measured itself), and prints requests/s, p50/p99 latency, errors, the
time spent inside the app (Server-Timing) and the CPU per request of server and generator.
Targets (issue 7): >= 300 reads/s and >= 100 intake writes/s with p99 < 100 ms on 2 cores,
zero errors. By default each client sends as soon as it has its answer (closed loop: the
figure is the maximum rate, and latency is mostly queueing); `--paced` offers exactly the
target rates and measures latency at them.

    .venv/bin/python benchmarks/bench_load.py [--duration 10] [--clients 32] [--workers 1]
        [--only sqlite|postgres] [--paced] [--postgres-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.served import free_port, start_openimr, wait_healthy  # noqa: E402

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
    server_times: list[float] = field(default_factory=list)  # the app's own time (Server-Timing)
    client_cpu: float = 0.0  # CPU seconds this load generator spent

    def report(self) -> str:
        n = len(self.latencies)
        if not n:
            return f"{self.name:<14} no successful request, {self.errors} errors"
        ordered = sorted(self.latencies)
        p50 = statistics.median(ordered) * 1000
        p99 = ordered[min(n - 1, int(n * 0.99))] * 1000
        cpu_ms = 1000 * self.server_cpu / n
        inside = sorted(self.server_times) or [float("nan")]
        in_p50 = statistics.median(inside)
        in_p99 = inside[min(len(inside) - 1, int(len(inside) * 0.99))]
        return (
            f"{self.name:<14} {n / self.seconds:8.1f} req/s  p50 {p50:6.1f} ms  "
            f"p99 {p99:6.1f} ms  errors {self.errors}  ({n} requests in {self.seconds:.1f} s; "
            f"in the app p50 {in_p50:.1f} ms p99 {in_p99:.1f} ms; "
            f"CPU per request: server {cpu_ms:.2f} ms, load generator "
            f"{1000 * self.client_cpu / n:.2f} ms)"
        )


def start(database_url: str, data_dir: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    return start_openimr(
        database_url,
        data_dir=data_dir,
        cwd=data_dir,
        port=port,
        log_path=data_dir / "server.log",
        secret_key="bench-secret",
        workers=workers,
    )


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


class Connection:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams.

    httpx costs the generator about as much CPU per request as the server spends
    answering it, so on two cores the generator, not the server, would set the pace;
    this costs a fraction of that. It speaks just enough HTTP for this benchmark
    (Content-Length bodies, no chunking, no redirects).
    """

    def __init__(self, host: str, port: int, token: str) -> None:
        self.host, self.port, self.token = host, port, token
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, body: bytes = b"", content_type: str = ""
    ) -> tuple[int, dict[str, str]]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\n"
            f"Authorization: Bearer {self.token}\r\nContent-Length: {len(body)}\r\n"
        )
        if content_type:
            head += f"Content-Type: {content_type}\r\n"
        self.writer.write(head.encode() + b"\r\n" + body)
        assert self.reader is not None
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("the server closed the connection")
        headers: dict[str, str] = {}
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        await self.reader.readexactly(int(headers.get("content-length", "0")))
        return int(status_line.split()[1]), headers

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def run_phase(  # type: ignore[no-untyped-def]
    base: str,
    token: str,
    name: str,
    clients: int,
    duration: float,
    make,
    pid: int,
    rate: float | None = None,
) -> Phase:
    """Closed loop (each client sends as soon as its last answer came) or, with `rate`,
    paced: the clients together offer `rate` requests/s and latency is counted from each
    request's scheduled time (so a stalled server is not hidden by clients waiting)."""
    phase = Phase(name)
    host, port = base.removeprefix("http://").split(":")
    cpu_before = server_cpu_seconds(pid)
    client_before = time.process_time()
    counter = iter(range(10**9))
    deadline = time.perf_counter() + duration

    async def client(k: int) -> None:
        conn = Connection(host, int(port), token)
        interval = clients / rate if rate else 0.0
        scheduled = time.perf_counter() + interval * k / clients
        try:
            while time.perf_counter() < deadline:
                if rate:
                    await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
                    t0 = scheduled
                    scheduled += interval
                else:
                    t0 = time.perf_counter()
                try:
                    status, headers = await make(conn, next(counter))
                    ok = status < 400
                except (OSError, ConnectionError, asyncio.IncompleteReadError):
                    conn.close()
                    conn = Connection(host, int(port), token)
                    ok = False
                if ok:
                    phase.latencies.append(time.perf_counter() - t0)
                    timing = headers.get("server-timing", "")
                    if "dur=" in timing:
                        phase.server_times.append(float(timing.split("dur=")[1]))
                else:
                    phase.errors += 1
        finally:
            conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(k) for k in range(clients)))
    phase.seconds = time.perf_counter() - started
    phase.server_cpu = server_cpu_seconds(pid) - cpu_before
    phase.client_cpu = time.process_time() - client_before
    return phase


def multipart(fields: dict[str, str], files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body and its content type."""
    boundary = "openimr-bench-boundary"
    parts = []
    for name, value in fields.items():
        disposition = f'Content-Disposition: form-data; name="{name}"'
        parts.append(f"--{boundary}\r\n{disposition}\r\n\r\n{value}\r\n".encode())
    for field_name, filename, content in files:
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{field_name}"; '
                f'filename="{filename}"\r\nContent-Type: text/plain\r\n\r\n'
            ).encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


async def bench(
    base: str, clients: int, duration: float, pid: int, rates: tuple[float, float] | None
) -> list[Phase]:
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

    async def read(conn: Connection, n: int) -> tuple[int, dict[str, str]]:
        return await conn.request("GET", f"/api/cases/{case_number}")

    async def intake(conn: Connection, n: int) -> tuple[int, dict[str, str]]:
        body, content_type = multipart(
            {"application": json.dumps(application(n))},
            [("files", "ur.txt", f"UR decision {n}".encode())],
        )
        return await conn.request("POST", "/api/cases", body, content_type)

    await run_phase(base, token, "warm-up", clients, 2, read, pid)
    read_rate, write_rate = rates or (None, None)
    reads = await run_phase(base, token, "case reads", clients, duration, read, pid, read_rate)
    writes = await run_phase(
        base, token, "intake writes", clients, duration, intake, pid, write_rate
    )
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
    parser.add_argument(
        "--paced",
        action="store_true",
        help="offer the target rates (300 reads/s, 100 intakes/s) instead of a closed loop",
    )
    args = parser.parse_args()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average before the run: {load:.2f} (other work on the machine skews figures)")
    print(
        f"cpus {os.cpu_count()}  clients {args.clients}  duration {args.duration}s  "
        f"workers {args.workers}  "
        f"{'paced at 300 reads/s, 100 intakes/s' if args.paced else 'closed loop'}"
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
                wait_healthy(base, proc, timeout=90, poll=0.3)
                rates = (300.0, 100.0) if args.paced else None
                phases = asyncio.run(bench(base, args.clients, args.duration, proc.pid, rates))
            finally:
                stop(proc)
            for phase in phases:
                print(f"{label:<9} {phase.report()}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
