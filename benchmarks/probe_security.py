"""Security probe of a live `openimr serve` (issue #16): prints a findings table.

    .venv/bin/python benchmarks/probe_security.py [--examples 200] [--database-url URL]

Prepares a database (SQLite in a temporary folder unless --database-url) with the seed case
and an account per role, starts `openimr serve` on it, and over HTTP:

- the route × role matrix of tests/access_matrix.py on the signed (unissued) case, then on
  the issued and published one: policy, reviewer identity, worker/claim to outsiders,
  decision before issue, existence disclosed, 5xx;
- CSRF: every web form posted without its token by every role; the API with a session
  cookie and no bearer token;
- tokens and sessions: a tampered, a revoked token and a tampered session cookie;
- XSS: a payload in every text field of an application, then every page showing the case;
- case-number injection into every case route;
- login throttling against rotating `X-Forwarded-For`;
- oversized bodies (declared and streamed);
- lost updates: 200 races of two reviewers' saves of a draft at the same version;
- schemathesis over every operation as staff, reviewer, party and anonymous.

Every finding is a line `finding  count`; an empty table means the probe found nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.access_matrix import (  # noqa: E402
    ANON,
    CSRF,
    LEAKY_REVIEW,
    POLICY,
    ROLES,
    Callers,
    Matrix,
    Secrets,
    Target,
    run_matrix,
)
from tests.served import free_port, start_openimr, wait_healthy  # noqa: E402

PASSWORD = "probe-password-2026"
SECRET = "probe-secret-key-0123456789"
REVIEWER_IDENTITY = ("Riley Imaginary", "CA-FAKE-0001", "TX-FAKE-0001", "R-PM-001")
CASE_IDENTITY = ("Jordan", "Fictional", "FICT-CLM-2011-004417")
DECISION = ("home heat or cold serves as well",)
XSS = '"><svg onload=alert(9)><script>alert(9)</script>'
BAD_NUMBERS = [
    'Z"><svg onload=alert(9)>',
    "../../etc/passwd",
    "CM15-0000001' OR '1'='1",
    "CM15-0000001;DROP TABLE cases",
    "%2e%2e%2fCM15-0000001",
    "CM15-0000001\x00",
    "C" * 5000,
    "cm15-0000001",
]
ACCOUNTS = {
    "admin": ("admin", None, None),
    "staff": ("staff", None, None),
    "reviewer": ("reviewer", "R-PM-001", None),
    "other-reviewer": ("reviewer", "R-OM-003", None),
    "party": ("party", None, "person:jordan-q-fictional"),
    "other-party": ("party", None, "person:someone-else"),
    "victim": ("staff", None, None),
}


def prepare(database_url: str, data_dir: Path, races: int) -> tuple[str, int, int]:
    """The seed case with records received, an account per role; then, on the app in this
    process (before the server's job worker would release a reviewer whose 2015 deadline
    has passed), `races` races of two draft saves, and the reviewer's signature."""
    from openimr.domain.vocabulary import Role
    from openimr.examples import load_seed_case
    from openimr.service.auth import AuthService
    from openimr.service.bootstrap import account_store, audit_keys, bootstrap
    from openimr.settings import Settings

    settings = Settings(
        database_url=database_url, data_dir=data_dir, environment="test", secret_key=SECRET
    )
    services = bootstrap(database_url, migrate=True, audit_keys=audit_keys(settings))
    run = load_seed_case(services, until="records_received")
    auth = AuthService(account_store(services))
    for username, (role, reviewer_id, party_key) in ACCOUNTS.items():
        auth.create_user(
            username, PASSWORD, Role(role), reviewer_id=reviewer_id, party_key=party_key
        )
    services.close()

    from fastapi.testclient import TestClient

    from openimr.server import create_app

    app = create_app(settings)
    probe = Probe("http://testserver", run.case_number)
    probe.client = lambda **kw: TestClient(app, **kw)  # type: ignore[method-assign]
    figures = probe.races(races)
    response = probe.act("reviewer", "review", LEAKY_REVIEW)
    assert response.status_code == 200, response.text
    for kind, count in probe.findings.items():
        print(f"prepare: {kind}: {count}", file=sys.stderr)
    app.state.ctx.services.close()
    return run.case_number, *figures


class Probe:
    def __init__(self, base: str, case: str) -> None:
        self.base = base
        self.case = case
        self.findings: dict[str, int] = {}
        self.examples: list[str] = []
        self.tokens: dict[str, str] = {}

    def find(self, kind: str, detail: str, count: int = 1) -> None:
        if count:
            self.findings[kind] = self.findings.get(kind, 0) + count
            self.examples.append(f"{kind}: {detail}")

    def client(self, **kw: Any) -> httpx.Client:
        return httpx.Client(base_url=self.base, timeout=60, **kw)

    def token(self, role: str) -> str:
        response = self.client().post(
            "/api/auth/token", json={"username": role, "password": PASSWORD}
        )
        response.raise_for_status()
        return str(response.json()["access_token"])

    def web(self, role: str) -> httpx.Client:
        web = self.client()
        if role == ANON:
            return web
        page = web.get("/login").text
        found = CSRF.search(page)
        assert found is not None
        data = {"username": role, "password": PASSWORD, "csrf_token": found.group(1), "next": ""}
        response = web.post("/login", data=data, follow_redirects=False)
        assert response.status_code == 303, response.text
        return web

    def sign_in(self, role: str) -> tuple[httpx.Client, httpx.Client]:
        if role == ANON:
            return self.client(), self.client()
        api = self.client(headers={"Authorization": f"Bearer {self.token(role)}"})
        return api, self.web(role)

    def api(self, role: str) -> httpx.Client:
        if role not in self.tokens:
            self.tokens[role] = self.token(role)
        return self.client(headers={"Authorization": f"Bearer {self.tokens[role]}"})

    def version(self) -> int:
        return int(self.api("staff").get(f"/api/cases/{self.case}").json()["version"])

    def act(self, role: str, action: str, body: dict[str, Any] | None = None) -> httpx.Response:
        payload = {**(body or {}), "expected_version": self.version()}
        return self.api(role).post(f"/api/cases/{self.case}/{action}", json=payload)

    # -- the matrix -------------------------------------------------------------
    def target(self) -> Target:
        staff = self.api("staff")
        documents = staff.get(f"/api/cases/{self.case}").json()["documents"]
        notices = staff.get(f"/api/cases/{self.case}/notices").json()["notices"]
        job = staff.post("/api/jobs/deadline-scan").json()
        fresh = {"Authorization": f"Bearer {self.token('victim')}"}  # the last matrix revoked
        victim = self.client(headers=fresh).get("/api/auth/tokens").json()
        return Target(
            case_number=self.case,
            missing_case=self.case[:5] + "0999999",
            document_id=documents[0]["document_id"],
            notice_id=notices[0]["notice_id"],
            job_id=job["job_id"],
            victim_token_id=victim[0]["token_id"],
        )

    def matrix(self, published: bool) -> Matrix:
        routes = list(POLICY)  # a live server: the routes as declared (the test checks both)
        secrets = Secrets(REVIEWER_IDENTITY, CASE_IDENTITY, () if published else DECISION)
        matrix = run_matrix(
            routes,
            Callers(self.sign_in),
            self.target(),
            secrets,
            check_policy=published,
            published=published,
        )
        for kind, detail in matrix.findings:
            self.find(kind, detail)
        return matrix

    # -- CSRF, tokens, sessions ---------------------------------------------------
    def csrf(self) -> int:
        tried = 0
        forms = [k for k in POLICY if k.startswith("POST /") and not k.startswith("POST /api/")]
        for role in ROLES:
            web = self.web(role)
            for key in forms:
                if key in ("POST /login", "POST /session/renew", "POST /logout"):
                    continue
                url = key.split(" ", 1)[1].replace("{case_number}", self.case)
                data = {"version": str(self.version()), "csrf_token": "forged"}
                response = web.post(url, data=data, json=None)
                tried += 1
                ok = response.status_code in (401, 403) or (
                    response.status_code == 303
                    and response.headers["location"].startswith("/login")
                )
                if not ok:
                    self.find("CSRF: form accepted without its token", f"{key} as {role}")
            if role != ANON:  # the API ignores the session cookie
                response = web.get("/api/cases")
                tried += 1
                if response.status_code != 401:
                    self.find("API accepts a session cookie", f"as {role}")
        # logout with a forged token must not end the session (logout CSRF is harmless
        # but must not be a way in); a cross-site login form must be refused
        web = self.client()
        response = web.post("/login", data={"username": "staff", "password": PASSWORD})
        tried += 1
        if response.status_code == 303:
            self.find("CSRF: login without a token", "POST /login")
        return tried

    def tokens_and_sessions(self) -> int:
        good = self.token("staff")
        tampered = good[:-2] + ("AA" if not good.endswith("AA") else "BB")
        checks = 0
        for bad in (tampered, good + "x", "-", "null", good.upper()):
            checks += 1
            r = self.client(headers={"Authorization": f"Bearer {bad}"}).get("/api/me")
            if r.status_code != 401:
                self.find("tampered token accepted", repr(bad[:12]))
        revoked = self.token("staff")
        with self.client(headers={"Authorization": f"Bearer {revoked}"}) as api:
            api.delete("/api/auth/token")
            checks += 1
            if api.get("/api/me").status_code != 401:
                self.find("revoked token accepted", "DELETE /api/auth/token then /api/me")
        # an admin revokes every token of an account at once
        victim = self.token("victim")
        self.api("admin").delete("/api/users/victim/tokens")
        checks += 1
        if self.client(headers={"Authorization": f"Bearer {victim}"}).get("/api/me").is_success:
            self.find("token revoked by an admin still accepted", "victim")
        web = self.web("staff")
        from openimr.runtime.cookies import SESSION_COOKIE

        cookie = web.cookies.get(SESSION_COOKIE) or ""
        for forged in (cookie[:-3] + "abc", cookie + "x", "x" * 40):
            checks += 1
            r = self.client(cookies={SESSION_COOKIE: forged}).get("/queue")
            if r.status_code != 303:
                self.find("tampered session cookie accepted", forged[:12])
        token = CSRF.search(web.get("/queue").text)
        web.post("/logout", data={"csrf_token": token.group(1) if token else ""})
        checks += 1
        r = self.client(cookies={SESSION_COOKIE: cookie}).get("/queue")
        if r.status_code != 303:
            self.find("session still valid after logout", "/queue")
        return checks

    # -- XSS and injection -----------------------------------------------------------
    def xss(self) -> int:
        body = {
            "priority": "standard",
            "date_of_injury": "2024-01-10",
            "ur_decision_date": "2026-11-02",
            "ur_decision_served_by": "electronic",
            "application_received_on": "2026-11-20",
            "application_signed": True,
            "claim_number": f"X{XSS}",
            "condition": XSS,
            "items": [{"description": f"Therapy {XSS}"}],
            "parties": [
                {"role": "injured_worker", "name": f"W {XSS}", "key": "person:jordan-q-fictional"},
                {"role": "employer", "name": f"E {XSS}", "key": "org:xss"},
            ],
            "documents": [{"filename": "ur.txt", "kind": "ur_decision", "title": XSS}],
        }
        response = self.api("staff").post(
            "/api/cases",
            data={"application": json.dumps(body)},
            files=[("files", ("ur.txt", f"UR {XSS}".encode(), "text/plain"))],
        )
        if response.status_code != 201:
            self.find("XSS probe: application refused", response.text[:200])
            return 0
        number = response.json()["case_number"]
        checked = 0
        for role, paths in {
            "staff": ["/queue", f"/cases/{number}", f"/cases/{number}/assignment", "/workload"],
            "party": ["/my-cases"],
        }.items():
            web = self.web(role)
            for path in paths:
                page = web.get(path, follow_redirects=True)
                checked += 1
                if "<svg onload" in page.text or "<script>alert" in page.text:
                    self.find("XSS: payload unescaped in a page", f"{path} as {role}")
        return checked

    def injection(self) -> int:
        checked = 0
        keys = [k for k in POLICY if k.startswith("GET ") and "{case_number}" in k]
        staff_api, staff_web = self.api("staff"), self.web("staff")
        for number in BAD_NUMBERS:
            for key in keys:
                path = key.split(" ", 1)[1]
                url = (
                    path.replace("{case_number}", quote(number, safe=""))
                    .replace("{document_id}", "D1")
                    .replace("{notice_id}", "N1")
                    .replace("{suffix}", "pdf")
                    .replace("{page}", "1")
                )
                client = staff_api if url.startswith("/api/") else staff_web
                try:
                    r = client.get(url)
                except httpx.HTTPError as err:
                    self.find("case-number injection: transport error", f"{url}: {err}")
                    continue
                checked += 1
                if r.status_code >= 500:
                    self.find("case-number injection: server error", f"{url} -> {r.status_code}")
                elif r.status_code == 200 and number != "cm15-0000001":
                    self.find("case-number injection: answered 200", url[:80])
                html = r.headers.get("content-type", "").startswith("text/html")
                if html and "<svg onload" in r.text:  # JSON errors may quote it: not markup
                    self.find("case-number injection: payload unescaped in a page", url[:80])
        return checked

    # -- login throttling, body limits ---------------------------------------------
    def throttling(self) -> int:
        statuses = []
        for n in range(12):
            r = self.client(headers={"X-Forwarded-For": f"203.0.113.{n}"}).post(
                "/api/auth/token", json={"username": "admin", "password": f"wrong-{n}"}
            )
            statuses.append(r.status_code)
        if 429 not in statuses:
            self.find("login throttle bypassed by X-Forwarded-For", str(statuses))
        # the real admin is not locked out from an address that logged in before
        return len(statuses)

    def oversized(self) -> int:
        big = 70 * 1024 * 1024  # above the 60 MB default
        started = time.monotonic()
        # Declared: the headers say 70 MB; the answer must come before any body is sent.
        url = httpx.URL(self.base)
        with socket.create_connection((url.host, url.port or 80), timeout=30) as sock:
            sock.sendall(
                (
                    f"POST /api/cases HTTP/1.1\r\nHost: {url.host}\r\n"
                    f"Authorization: Bearer {self.token('staff')}\r\n"
                    "Content-Type: multipart/form-data; boundary=x\r\n"
                    f"Content-Length: {big}\r\n\r\n"
                ).encode()
            )
            status_line = sock.recv(200).split(b"\r\n", 1)[0].decode("latin-1")
        if " 413 " not in status_line + " ":
            self.find("oversized body (declared) not refused with 413", status_line)

        def chunks() -> Any:
            yield (
                b'--x\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\n'
                b"Content-Type: text/plain\r\n\r\n"
            )
            for _ in range(big // (1024 * 1024)):
                yield b"x" * (1024 * 1024)

        try:
            r = self.api("staff").post(
                "/api/cases",
                content=chunks(),
                headers={"content-type": "multipart/form-data; boundary=x"},
            )
            if r.status_code != 413:
                self.find("oversized body (streamed) not refused with 413", str(r.status_code))
        except httpx.HTTPError:
            pass  # the server closed the connection early: refused
        if time.monotonic() - started > 30:
            self.find("oversized body read slowly", f"{time.monotonic() - started:.0f} s")
        return 2

    # -- lost updates ------------------------------------------------------------------
    def races(self, n: int) -> tuple[int, int]:
        """Two browser tabs of the reviewer save the draft at the same version, n times:
        exactly one may win each race."""
        tabs = [self.web("reviewer"), self.web("reviewer")]
        page = tabs[0].get(f"/reviews/{self.case}").text
        token = CSRF.search(page)
        assert token is not None
        url = f"/reviews/{self.case}/draft"

        def save(tab: httpx.Client, version: int | None, text: str) -> httpx.Response:
            return tab.post(
                url,
                json={"values": {"summary": text}, "version": version},
                headers={"x-csrf-token": token.group(1)},
            )

        first = save(tabs[0], None, "start")
        if first.status_code != 200:
            self.find("race probe: draft save refused", first.text[:200])
            return 0, 0
        version = int(first.json()["version"])
        lost = 0
        with ThreadPoolExecutor(2) as pool:
            for i in range(n):
                a, b = pool.map(
                    lambda t, v=version: save(t[0], v, t[1]),
                    [(tabs[0], f"a{i}"), (tabs[1], f"b{i}")],
                )
                won = [r for r in (a, b) if r.status_code == 200]
                if len(won) != 1:
                    lost += 1
                    self.find(
                        "lost update (both or neither save won)", f"{a.status_code}/{b.status_code}"
                    )
                version = int(won[0].json()["version"]) if won else version + 1
        return n, lost

    # -- schemathesis -------------------------------------------------------------------
    def schemathesis(self, examples: int) -> tuple[int, int]:
        import schemathesis

        schema = schemathesis.openapi.from_url(f"{self.base}/openapi.json")
        counts = {"cases": 0, "errors": 0}
        # Tokens first: the fuzzing of POST /api/auth/token is a password spray from this
        # address, which the login throttle answers (429) for the next 15 minutes.
        headers = {
            role: {} if role == ANON else {"Authorization": f"Bearer {self.token(role)}"}
            for role in ("staff", "reviewer", "party", ANON)
        }
        for role, auth in headers.items():
            for result in schema.get_all_operations():
                self._fuzz_one(result.ok(), role, auth, examples, counts)
        return counts["cases"], counts["errors"]

    def _fuzz_one(
        self,
        operation: Any,
        role: str,
        headers: dict[str, str],
        examples: int,
        counts: dict[str, int],
    ) -> None:
        from hypothesis import HealthCheck, given, settings

        @given(case=operation.as_strategy())
        @settings(
            max_examples=examples,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def fuzz(case: Any) -> None:
            try:
                response = case.call(base_url=self.base, headers=headers, timeout=60)
            except Exception as err:  # noqa: BLE001 - a dropped connection is a finding
                counts["errors"] += 1
                self.find("schemathesis: no answer", f"{case.method} {case.path}: {err}")
                return
            counts["cases"] += 1
            if response.status_code >= 500:
                counts["errors"] += 1
                self.find(
                    "schemathesis: 5xx",
                    f"{case.method} {case.formatted_path} as {role} -> {response.status_code}",
                )

        fuzz()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=200, help="schemathesis per operation")
    parser.add_argument("--races", type=int, default=200)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="openimr-probe-"))
    database_url = args.database_url or f"sqlite:///{folder / 'probe.db'}"
    os.environ["OPENIMR_DATA_DIR"] = str(folder / "data")
    case, races, lost = prepare(database_url, folder / "data", args.races)
    port = free_port()
    server = start_openimr(
        database_url,
        data_dir=folder / "data",
        cwd=folder,
        port=port,
        log_path=folder / "server.log",
        secret_key=SECRET,
    )
    figures: dict[str, Any] = {}
    started = time.monotonic()
    try:
        base = f"http://127.0.0.1:{port}"
        wait_healthy(base, server)
        probe = Probe(base, case)
        figures["draft save races"], figures["lost updates"] = races, lost
        signed = probe.matrix(published=False)
        assert probe.act("staff", "issue").status_code == 200
        assert probe.act("staff", "publish").status_code == 200
        published = probe.matrix(published=True)
        figures["matrix calls"] = len(signed.answers) + len(published.answers)
        figures["routes x roles"] = f"{len(POLICY)} x {len(ROLES)}"
        figures["csrf checks"] = probe.csrf()
        figures["token/session checks"] = probe.tokens_and_sessions()
        figures["xss pages checked"] = probe.xss()
        figures["case-number injections"] = probe.injection()
        figures["login tries (rotating XFF)"] = probe.throttling()
        figures["oversized bodies"] = probe.oversized()
        cases, errors = probe.schemathesis(args.examples)
        figures["schemathesis cases"] = cases
        figures["schemathesis 5xx"] = errors
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    figures["seconds"] = round(time.monotonic() - started)

    print("probe_security: figures")
    for name, value in figures.items():
        print(f"  {name:<32} {value}")
    print("probe_security: findings (finding, count)")
    if not probe.findings:
        print("  (none)")
    for kind, count in sorted(probe.findings.items()):
        print(f"  {kind:<60} {count}")
    for line in probe.examples[:40]:
        print(f"    e.g. {line}")
    if not args.keep:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
    sys.exit(1 if probe.findings else 0)


if __name__ == "__main__":
    main()
