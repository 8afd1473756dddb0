"""Every route of the app × every role, against a declared policy (test and live probe).

The routes come from the app's router (`fastapi.routing.iter_route_contexts`), never from a
hand list, so a new route without a line in `POLICY` fails the matrix. The same code drives
an in-process `TestClient` (tests/e2e/test_access_matrix.py) and a live `openimr serve` over
HTTP (benchmarks/probe_security.py): both are `httpx.Client`s.

A call "gets through" when the app did not refuse the caller: no 401/403/404, no redirect
to /login. Posts carry no form fields beyond the CSRF token (and JSON routes no body), so a
caller who gets through meets a 409 or a 422 and nothing changes; the role gate and the
"may see this case" check come first.
"""

from __future__ import annotations

import base64
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from starlette.routing import Mount

from tests.fhir_bundles import dmhc_bundle

ANON = "anonymous"
ADMIN = "admin"
STAFF = "staff"
REVIEWER = "reviewer"  # assigned to the case
OTHER_REVIEWER = "other-reviewer"
PARTY = "party"  # the case's injured worker
OTHER_PARTY = "other-party"
ROLES = (ANON, ADMIN, STAFF, REVIEWER, OTHER_REVIEWER, PARTY, OTHER_PARTY)

# A reviewer who writes their own name, licence and id into the summary and the rationale,
# and the worker's name and claim number as records do.
LEAKY_REVIEW: dict[str, Any] = {
    "clinical_case_summary": (
        "Reviewed by Dr. Riley Imaginary (licence CA-FAKE-0001, panel id R-PM-001). "
        "Jordan Q. Fictional, claim FICT-CLM-2011-004417, has chronic low back pain."
    ),
    "items": [
        {
            "item_id": "1",
            "decision": "upheld",
            "claims_administrator_guideline": [{"source": "non-MTUS", "guideline": "ODG"}],
            "imr_guideline": [
                {"source": "non-MTUS", "guideline": "ODG", "text": "as read by TX-FAKE-0001"}
            ],
            "rationale": "I, Riley Imaginary, find home heat or cold serves as well.",
        }
    ],
}

# Who gets through, by route. Sets of roles, named by what they mean.
NOBODY: frozenset[str] = frozenset()
EVERYONE = frozenset(ROLES)
LOGGED_IN = EVERYONE - {ANON}
OFFICE = frozenset({ADMIN, STAFF})
ADMINS = frozenset({ADMIN})
REVIEWERS = frozenset({REVIEWER, OTHER_REVIEWER})
PARTIES = frozenset({PARTY, OTHER_PARTY})
CASE_READERS = OFFICE | {REVIEWER, PARTY}  # who may see the seeded case
CASE_REVIEWER = frozenset({REVIEWER})
CASE_PARTY = frozenset({PARTY})

ANY_ANSWER = None  # a login or logout form: no role gate to check (leaks and 5xx still are)

POLICY: dict[str, frozenset[str] | None] = {
    # service
    "GET /openapi.json": EVERYONE,
    "GET /healthz": EVERYONE,
    "GET /static/{path}": EVERYONE,
    # API: accounts and tokens
    "POST /api/auth/token": ANY_ANSWER,
    "DELETE /api/auth/token": LOGGED_IN,
    "GET /api/auth/tokens": LOGGED_IN,
    "DELETE /api/auth/tokens/{token_id}": NOBODY,  # the id of another account's token
    "DELETE /api/users/{username}/tokens": ADMINS,
    "GET /api/me": LOGGED_IN,
    "POST /api/users": ADMINS,
    "GET /api/users": ADMINS,
    # API: intake and the case's life
    "POST /api/cases": OFFICE,  # an application naming someone else: parties file for themselves
    "POST /api/fhir/Bundle": OFFICE,
    "POST /api/cases/{case_number}/eligibility": OFFICE,
    "POST /api/cases/{case_number}/assignment": OFFICE,
    "POST /api/cases/{case_number}/release": OFFICE | CASE_REVIEWER,
    "POST /api/cases/{case_number}/records": OFFICE,
    "POST /api/cases/{case_number}/records/upload": OFFICE,
    "POST /api/cases/{case_number}/review": CASE_REVIEWER,
    "POST /api/cases/{case_number}/issue": OFFICE,
    "POST /api/cases/{case_number}/publish": OFFICE,
    "POST /api/cases/{case_number}/notices/assignment": OFFICE,
    "POST /api/cases/{case_number}/information-requests": OFFICE,
    "POST /api/cases/{case_number}/expedite": OFFICE,
    "POST /api/cases/{case_number}/deferral/end": OFFICE,
    # API: reads
    "GET /api/cases": LOGGED_IN,
    "GET /api/cases/{case_number}": CASE_READERS,
    "GET /api/cases/{case_number}/audit": OFFICE,
    "GET /api/cases/{case_number}/documents/{document_id}": CASE_READERS,
    "GET /api/cases/{case_number}/letter": CASE_READERS,
    "GET /api/cases/{case_number}/assignment/candidates": OFFICE,
    "GET /api/cases/{case_number}/assist": OFFICE | CASE_REVIEWER,
    "GET /api/cases/{case_number}/notices": CASE_READERS,
    "GET /api/cases/{case_number}/notices/{notice_id}": OFFICE | CASE_PARTY,
    "GET /api/fhir/cases/{case_number}/Bundle": CASE_READERS,
    "GET /api/jurisdictions": EVERYONE,  # the rule packs are public law
    "GET /api/jurisdictions/{jurisdiction}": EVERYONE,
    "GET /api/decisions": EVERYONE,  # the published corpus
    "GET /api/alerts": OFFICE,
    "POST /api/jobs/deadline-scan": OFFICE,
    "GET /api/jobs/{job_id}": OFFICE,
    # web: login and session
    "GET /": LOGGED_IN,
    "GET /login": EVERYONE,
    "POST /login": ANY_ANSWER,
    "POST /session/renew": ANY_ANSWER,
    "POST /logout": ANY_ANSWER,
    "GET /notifications": LOGGED_IN,
    # web: the administrator's accounts page
    "GET /admin/users": ADMINS,
    "POST /admin/users": ADMINS,  # no fields: an admin meets a 422 and nothing is created
    "POST /admin/users/{username}/tokens/revoke": ADMINS,
    # web: the office
    "GET /queue": OFFICE,
    "GET /workload": OFFICE,
    "GET /intake": OFFICE,
    "POST /intake": OFFICE,
    "GET /cases/{case_number}": LOGGED_IN,  # others are sent on to their own view of it
    "POST /cases/{case_number}/eligibility": OFFICE,
    "POST /cases/{case_number}/eligibility/reopen": OFFICE,
    "GET /cases/{case_number}/assignment": OFFICE,
    "POST /cases/{case_number}/assignment": OFFICE,
    "POST /cases/{case_number}/records": OFFICE,
    "POST /cases/{case_number}/issue": OFFICE,
    "POST /cases/{case_number}/publish": OFFICE,
    "POST /cases/{case_number}/documents": OFFICE,
    "POST /cases/{case_number}/notices/assignment": OFFICE,
    "POST /cases/{case_number}/information-request": OFFICE,
    "POST /cases/{case_number}/expedite": OFFICE,
    "POST /cases/{case_number}/deferral/end": OFFICE,
    # web: the case file, for whoever may see the case
    "GET /cases/{case_number}/documents/{document_id}": CASE_READERS,
    "GET /cases/{case_number}/documents/{document_id}/view": CASE_READERS,
    "GET /cases/{case_number}/documents/{document_id}/pages/{page}.png": CASE_READERS,
    "GET /cases/{case_number}/search": CASE_READERS,
    "GET /cases/{case_number}/notices/{notice_id}": OFFICE | CASE_PARTY,
    "GET /cases/{case_number}/notices/{notice_id}.{suffix}": OFFICE | CASE_PARTY,
    "GET /cases/{case_number}/letter": CASE_READERS,
    "GET /cases/{case_number}/letter.txt": CASE_READERS,
    "GET /cases/{case_number}/letter.html": CASE_READERS,
    "GET /cases/{case_number}/letter.pdf": CASE_READERS,
    # web: the reviewer
    "GET /reviews": REVIEWERS,
    "GET /reviews/{case_number}": CASE_REVIEWER,
    "POST /reviews/{case_number}": CASE_REVIEWER,
    "POST /reviews/{case_number}/draft": CASE_REVIEWER,
    "POST /reviews/{case_number}/release": CASE_REVIEWER,
    "POST /reviews/{case_number}/records-request": CASE_REVIEWER,
    # web: parties and the public
    "GET /my-cases": LOGGED_IN,
    "GET /my-cases/{case_number}": CASE_READERS,
    "GET /cases/{case_number}/letter/public": EVERYONE,
    "GET /cases/{case_number}/letter/public.txt": EVERYONE,
    "GET /decisions": EVERYONE,
    "GET /decisions/{case_number}": ANY_ANSWER,  # the imported corpus, redacted as published
    "GET /analytics": EVERYONE,
}

# What each call sends beyond the CSRF token: enough to pass validation, so the role gate and
# the "may see this case" check decide; always a stale version (0), so nothing changes.
STALE = 0
APPLICATION = {
    "priority": "standard",
    "date_of_injury": "2024-01-10",
    "ur_decision_date": "2026-11-02",
    "ur_decision_served_by": "electronic",
    "application_received_on": "2026-11-20",
    "application_signed": True,
    "claim_number": "MATRIX-1",
    "items": [{"description": "Physical therapy, 6 sessions"}],
    "parties": [{"role": "injured_worker", "name": "Sam Matrix", "key": "person:sam-matrix"}],
    "documents": [{"filename": "ur.txt", "kind": "ur_decision"}],
}
REVIEW = {
    "clinical_case_summary": "Matrix probe.",
    "items": [
        {
            "item_id": "1",
            "decision": "overturned",
            "claims_administrator_guideline": [{"source": "non-MTUS", "guideline": "ODG"}],
            "imr_guideline": [{"source": "non-MTUS", "guideline": "ODG"}],
            "rationale": "Matrix probe.",
        }
    ],
    "expected_version": STALE,
}
REQUESTS: dict[str, dict[str, Any]] = {
    "POST /api/auth/token": {"json": {"username": "nobody", "password": "wrong"}},
    "POST /api/users": {
        "json": {"username": "matrix-user", "password": "matrix-pass-123456", "role": "staff"}
    },
    "POST /api/cases": {
        "data": {"application": json.dumps(APPLICATION)},
        "files": [("files", ("ur.txt", b"UR decision", "text/plain"))],
    },
    "POST /api/fhir/Bundle": {
        "json": dmhc_bundle(),
        "params": {"jurisdiction": "ca_dmhc"},
    },
    "POST /api/cases/{case_number}/eligibility": {"json": {}},  # takes no version
    "POST /api/cases/{case_number}/assignment": {"json": {"expected_version": STALE}},
    "POST /api/cases/{case_number}/release": {
        "json": {
            "reviewer_id": "R-PM-001",
            "kind": "decline",
            "reason": "matrix",
            "expected_version": STALE,
        }
    },
    "POST /api/cases/{case_number}/records": {
        "json": {"received_on": "2026-12-01", "served_by": "mail", "expected_version": STALE}
    },
    "POST /api/cases/{case_number}/records/upload": {
        "data": {
            "records": json.dumps(
                {
                    "received_on": "2026-12-01",
                    "served_by": "mail",
                    "expected_version": STALE,
                    "documents": [{"filename": "r.txt", "kind": "medical_record"}],
                }
            )
        },
        "files": [("files", ("r.txt", b"records", "text/plain"))],
    },
    "POST /api/cases/{case_number}/review": {"json": REVIEW},
    "POST /api/cases/{case_number}/issue": {"json": {"expected_version": STALE}},
    "POST /api/cases/{case_number}/publish": {"json": {"expected_version": STALE}},
    "POST /api/cases/{case_number}/notices/assignment": {
        "json": {"served_by": "mail", "expected_version": STALE}
    },
    "POST /api/cases/{case_number}/information-requests": {
        "json": {"asked": ["the MRI report"], "expected_version": STALE}
    },
    "POST /api/cases/{case_number}/expedite": {"json": {"expected_version": STALE}},
    "POST /api/cases/{case_number}/deferral/end": {"json": {"expected_version": STALE}},
    "GET /api/decisions": {"params": {"q": "lumbar"}},
    "POST /login": {"data": {"username": "nobody", "password": "wrong"}},
    "POST /session/renew": {"json": {}},
    "POST /cases/{case_number}/eligibility": {"data": {"version": STALE}},
    "POST /cases/{case_number}/eligibility/reopen": {"data": {"version": STALE, "reason": "x"}},
    "POST /cases/{case_number}/assignment": {"data": {"version": STALE, "reviewer_id": "R-PM-001"}},
    "POST /cases/{case_number}/records": {
        "data": {"version": STALE, "received_on": "2026-12-01", "served_by": "mail"}
    },
    "POST /cases/{case_number}/issue": {"data": {"version": STALE}},
    "POST /cases/{case_number}/publish": {"data": {"version": STALE}},
    "POST /cases/{case_number}/documents": {
        "data": {"version": STALE, "kind": "medical_record"},
        "files": [("files", ("r.txt", b"records", "text/plain"))],
    },
    "POST /cases/{case_number}/notices/assignment": {
        "data": {"version": STALE, "mailed_on": "2026-12-01", "served_by": "mail"}
    },
    "POST /cases/{case_number}/information-request": {
        "data": {"version": STALE, "asked": "the MRI report", "served_by": "mail"}
    },
    "POST /cases/{case_number}/expedite": {"data": {"version": STALE, "served_by": "mail"}},
    "POST /cases/{case_number}/deferral/end": {"data": {"version": STALE, "on": "2026-12-01"}},
    "POST /reviews/{case_number}": {"data": {"version": STALE}},
    "POST /reviews/{case_number}/draft": {"json": {"values": {}, "version": STALE}},
    "POST /reviews/{case_number}/release": {
        "data": {"version": STALE, "kind": "decline", "reason": "matrix"}
    },
    "POST /reviews/{case_number}/records-request": {"data": {"what": "the MRI report"}},
}

# Routes that end the caller's own session or token: the role logs in again after them.
ENDS_SESSION = {"DELETE /api/auth/token", "POST /logout", "POST /login"}


def app_routes(app: FastAPI) -> list[str]:
    """'METHOD /path' of every route the app serves (HEAD aside), mounts as '/{path}'."""
    keys: list[str] = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, Mount):
            keys.append(f"GET {route.path}/{{path}}")
            continue
        for method in sorted(getattr(context, "methods", None) or ()):
            if method != "HEAD":
                keys.append(f"{method} {context.path}")
    return keys


@dataclass
class Target:
    """What the path parameters stand for: the seeded case and its things."""

    case_number: str
    missing_case: str
    document_id: str
    notice_id: str
    job_id: str
    static_file: str = "app.css"
    victim: str = "victim"  # an account whose tokens an admin may revoke
    victim_token_id: str = "no-such-token"  # one of its tokens, which nobody else may revoke

    def fill(self, path: str, case_number: str | None = None) -> str:
        values = {
            "case_number": case_number or self.case_number,
            "document_id": self.document_id,
            "notice_id": self.notice_id,
            "suffix": "pdf",
            "page": "1",
            "job_id": self.job_id,
            "token_id": self.victim_token_id,
            "username": self.victim,
            "jurisdiction": "ca_dwc",
            "path": self.static_file,
        }
        return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)


@dataclass
class Answer:
    status: int
    location: str
    content_type: str
    body: bytes

    @property
    def got_through(self) -> bool:
        if self.status in (401, 403, 404):
            return False
        return not (self.status in (302, 303, 307) and self.location.startswith("/login"))

    def text(self) -> str:
        """The readable text of the body (PDFs through pypdf; images as nothing)."""
        if self.content_type.startswith("image/"):
            return ""
        if self.content_type.startswith("application/pdf"):
            return pdf_text(self.body)
        text = self.body.decode("utf-8", "replace")
        if self.content_type.startswith("application/json"):
            # PDFs inline in JSON (a FHIR attachment) are read too.
            text += "\n".join(pdf_text(base64.b64decode(m)) for m in INLINE_PDF.findall(text))
        return text


INLINE_PDF = re.compile(r'"(JVBERi[A-Za-z0-9+/=]+)"')  # base64 of "%PDF"


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


Login = Callable[[str], tuple[httpx.Client, httpx.Client]]
"""role -> (API client with its bearer token, browser client with its session cookie)."""

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Callers:
    """A logged-in pair of clients per role, renewed after a route that ends the session."""

    def __init__(self, login: Login) -> None:
        self._login = login
        self._clients: dict[str, tuple[httpx.Client, httpx.Client]] = {}
        self._csrf: dict[str, str] = {}

    def clients(self, role: str) -> tuple[httpx.Client, httpx.Client]:
        if role not in self._clients:
            self._clients[role] = self._login(role)
            self._csrf.pop(role, None)
        return self._clients[role]

    def csrf(self, role: str) -> str:
        if role not in self._csrf:
            _, web = self.clients(role)
            page = web.get("/login").text
            found = CSRF.search(page)
            if found is None:  # logged in: /login sends you home; any form page carries it
                found = CSRF.search(web.get("/notifications").text)
            self._csrf[role] = found.group(1) if found else ""
        return self._csrf[role]

    def renew(self, role: str) -> None:
        self._clients.pop(role, None)
        self._csrf.pop(role, None)

    def call(self, role: str, key: str, url: str) -> Answer:
        method, _ = key.split(" ", 1)
        api, web = self.clients(role)
        client = api if url.startswith("/api/") else web
        kwargs: dict[str, Any] = {"follow_redirects": False, **REQUESTS.get(key, {})}
        if method == "POST" and client is web:
            token = self.csrf(role)
            if "json" in kwargs:
                kwargs["headers"] = {"x-csrf-token": token}
            else:
                kwargs["data"] = {**kwargs.get("data", {}), "csrf_token": token}
        response = client.request(method, url, **kwargs)
        if key in ENDS_SESSION:
            self.renew(role)
        return Answer(
            status=response.status_code,
            location=response.headers.get("location", ""),
            content_type=response.headers.get("content-type", ""),
            body=response.content,
        )


@dataclass
class Matrix:
    """The answers of one run, and what was wrong with them."""

    answers: dict[tuple[str, str], Answer] = field(default_factory=dict)
    findings: list[tuple[str, str]] = field(default_factory=list)  # (kind, detail)

    def find(self, kind: str, detail: str) -> None:
        self.findings.append((kind, detail))

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for kind, _ in self.findings:
            out[kind] = out.get(kind, 0) + 1
        return out


@dataclass(frozen=True)
class Secrets:
    """What must not reach whom."""

    reviewer_identity: tuple[str, ...]  # never to a party, another reviewer or the public
    case_identity: tuple[str, ...]  # the worker's name, the claim number: not to outsiders
    decision: tuple[str, ...] = ()  # before issue: never to a party


def _contains(text: str, words: Iterable[str]) -> list[str]:
    low = text.lower()
    return [w for w in words if w.lower() in low]


OUTSIDERS = (ANON, OTHER_REVIEWER, OTHER_PARTY)
NOT_THE_OFFICE = (ANON, OTHER_REVIEWER, PARTY, OTHER_PARTY)


def run_matrix(
    routes: Iterable[str],
    callers: Callers,
    target: Target,
    secrets: Secrets,
    *,
    policy: Mapping[str, frozenset[str] | None] = POLICY,
    check_policy: bool = True,
    published: bool = True,
) -> Matrix:
    """Call every route as every role; record what breaks the policy or leaks."""
    matrix = Matrix()
    keys = list(routes)
    for key in keys:
        if key not in policy:
            matrix.find("route without a declared policy", key)
    # Once published, the public routes (the public letter) say so; nothing else may tell,
    # and before publication nothing at all.
    public = (EVERYONE, ANY_ANSWER) if published else ()
    case_scoped = [k for k in keys if "{case_number}" in k and policy.get(k, NOBODY) not in public]
    for key in keys:
        method, path = key.split(" ", 1)
        allowed = policy.get(key, NOBODY)
        gated = check_policy and key in policy and allowed is not ANY_ANSWER
        for role in ROLES:
            answer = callers.call(role, key, target.fill(path))
            matrix.answers[(key, role)] = answer
            where = f"{key} as {role} -> {answer.status}"
            if answer.status >= 500:
                matrix.find("server error", where)
            if gated and answer.got_through != (role in (allowed or NOBODY)):
                kind = "let through against the policy" if answer.got_through else "refused"
                matrix.find(f"{kind}", where)
            text = answer.text()
            if role in NOT_THE_OFFICE and role != REVIEWER:
                for word in _contains(text, secrets.reviewer_identity):
                    matrix.find("reviewer identity shown", f"{where}: {word!r}")
            if role in OUTSIDERS:
                for word in _contains(text, secrets.case_identity):
                    matrix.find("worker or claim shown to an outsider", f"{where}: {word!r}")
            if role in (PARTY, OTHER_PARTY, ANON, OTHER_REVIEWER):
                for word in _contains(text, secrets.decision):
                    matrix.find("decision shown before issue", f"{where}: {word!r}")
    # Not entitled is not there: the answer on the case equals the answer on a missing one.
    for key in case_scoped:
        method, path = key.split(" ", 1)
        for role in OUTSIDERS:
            real = matrix.answers[(key, role)]
            missing = callers.call(role, key, target.fill(path, target.missing_case))
            if not same_answer(real, missing, target.case_number, target.missing_case):
                matrix.find(
                    "existence disclosed (answer differs from a missing case)",
                    f"{key} as {role}: {real.status} vs {missing.status}",
                )
    return matrix


def same_answer(real: Answer, missing: Answer, case_number: str, missing_number: str) -> bool:
    """Equal status, redirect and body once the case numbers are swapped."""
    if real.status != missing.status:
        return False
    if real.location != missing.location.replace(missing_number, case_number):
        return False
    a = real.body.decode("utf-8", "replace")
    b = missing.body.decode("utf-8", "replace").replace(missing_number, case_number)
    if real.content_type.startswith("application/json"):
        try:
            return bool(json.loads(a) == json.loads(b))
        except ValueError:
            return a == b
    return a == b


def format_findings(matrix: Matrix) -> str:
    return "\n".join(f"{kind}: {detail}" for kind, detail in matrix.findings)
