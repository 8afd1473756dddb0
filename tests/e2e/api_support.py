"""Helpers for the service tests: an app on a fresh database, users of every role, tokens."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from openimr.domain.vocabulary import Role
from openimr.examples import load_seed_case
from openimr.server import create_app
from openimr.service.auth import AuthService
from openimr.service.bootstrap import account_store
from openimr.settings import Settings
from openimr.store.migrate import upgrade

PASSWORD = "correct-horse-battery"


@dataclass
class Service:
    """An app on a fresh database with a client and a bearer token per role."""

    client: TestClient
    settings: Settings
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def ctx(self):  # type: ignore[no-untyped-def]
        return self.client.app.state.ctx  # type: ignore[attr-defined]

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def add_user(
        self,
        username: str,
        role: Role,
        reviewer_id: str | None = None,
        party_key: str | None = None,
    ) -> str:
        self.ctx.auth.create_user(
            username, PASSWORD, role, reviewer_id=reviewer_id, party_key=party_key
        )
        response = self.client.post(
            "/api/auth/token", json={"username": username, "password": PASSWORD}
        )
        assert response.status_code == 200, response.text
        self.tokens[username] = response.json()["access_token"]
        return self.tokens[username]


def make_service(tmp_path: Path, database_url: str, migrate: bool = True) -> Service:
    if migrate:
        upgrade(database_url)
    settings = Settings(
        database_url=database_url,
        data_dir=tmp_path / "data",
        environment="test",
        secret_key="test-secret-key-for-e2e",
    )
    app = create_app(settings)
    # A cheap argon2 cost keeps the tests fast; the production parameters are the library's.
    app.state.ctx.auth = AuthService(
        account_store(app.state.ctx.services), hasher=PasswordHasher(time_cost=1, memory_cost=1024)
    )
    client = TestClient(app)
    return Service(client=client, settings=settings)


SEED_REVIEWER = "R-PM-001"  # the one qualified reviewer of the demo panel
OTHER_REVIEWER = "R-OM-003"
SEED_WORKER = "person:jordan-q-fictional"


def seeded_service(
    tmp_path: Path, database_url: str, until: str = "received"
) -> tuple[Service, str]:
    """A service holding the seed case up to `until`, and a user of every role.

    On SQLite the seeded database is built once per stage and copied for each test
    (migrations and the seed run take most of a second; a file copy takes a millisecond).
    """
    if not database_url.startswith("sqlite:///"):
        return _build_seeded(tmp_path, database_url, until)
    if until not in _TEMPLATES:
        folder = Path(tempfile.mkdtemp(prefix="openimr-template-"))
        atexit.register(shutil.rmtree, folder, True)
        template, case = _build_seeded(folder, f"sqlite:///{folder / 'template.db'}", until)
        template.ctx.services.close()  # the last connection closes: the WAL is checkpointed
        _TEMPLATES[until] = (folder / "template.db", case, dict(template.tokens))
    source, case, tokens = _TEMPLATES[until]
    shutil.copyfile(source, database_url.removeprefix("sqlite:///"))
    service = make_service(tmp_path, database_url, migrate=False)
    service.tokens.update(tokens)
    return service, case


_TEMPLATES: dict[str, tuple[Path, str, dict[str, str]]] = {}


def _build_seeded(tmp_path: Path, database_url: str, until: str) -> tuple[Service, str]:
    service = make_service(tmp_path, database_url)
    run = load_seed_case(service.ctx.services, until=until)  # type: ignore[arg-type]
    service.add_user("staff", Role.STAFF)
    service.add_user("admin", Role.ADMIN)
    service.add_user("reviewer", Role.REVIEWER, reviewer_id=SEED_REVIEWER)
    service.add_user("other-reviewer", Role.REVIEWER, reviewer_id=OTHER_REVIEWER)
    service.add_user("party", Role.PARTY, party_key=SEED_WORKER)
    service.add_user("other-party", Role.PARTY, party_key="person:someone-else")
    return service, run.case_number


def application(
    worker_key: str = "person:pat-example",
    description: str = "MRI of the lumbar spine without contrast",
    claim_number: str = "CLM-1",
    documents: list[dict[str, object]] | None = None,
) -> dict[str, object]:
    """A valid DWC Form IMR as the API takes it (fictional people)."""
    return {
        "priority": "standard",
        "date_of_injury": "2024-01-10",
        "ur_decision_date": "2026-11-02",
        "ur_decision_served_by": "electronic",
        "application_received_on": "2026-11-20",
        "application_signed": True,
        "claim_number": claim_number,
        "condition": "low back pain",
        "items": [{"description": description}],
        "parties": [
            {"role": "injured_worker", "name": "Pat Example", "key": worker_key},
            {"role": "employer", "name": "Acme Widgets", "key": "org:acme-widgets"},
            {"role": "claims_administrator", "name": "Fictional Claims", "key": "org:fict-claims"},
            {
                "role": "requesting_physician",
                "name": "Dr. Lee Sample",
                "key": "person:dr-lee-sample",
            },
        ],
        "documents": documents
        if documents is not None
        else [{"filename": "ur.txt", "kind": "ur_decision", "title": "UR decision"}],
    }


def intake_files(names: dict[str, bytes] | None = None) -> list[tuple[str, tuple[str, bytes, str]]]:
    names = names if names is not None else {"ur.txt": b"UR decision: non-certified.\n"}
    return [
        ("files", (name, content, "application/pdf" if name.endswith(".pdf") else "text/plain"))
        for name, content in names.items()
    ]
