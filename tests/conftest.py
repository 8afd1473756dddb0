"""Shared fixtures: where ../shared lies, and the test database URLs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("OPENIMR_SHARED", REPO.parent / "shared"))


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or a clean skip when it is not there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"../shared is absent here ({path} not found); CI has it")
    return path


@pytest.fixture
def dwc_text_dir() -> Path:
    return shared_path("data", "dwc", "text")


@pytest.fixture
def dwc_pdf_dir() -> Path:
    return shared_path("data", "dwc", "pdf")


@pytest.fixture
def seed_letter() -> Path:
    return shared_path("data", "seed", "imr-final-determination-hot-cold-unit.txt")


def _database_urls() -> list[str]:
    urls = ["sqlite"]
    if os.environ.get("OPENIMR_TEST_DATABASE_URL"):
        urls.append("postgres")
    return urls


@pytest.fixture(params=_database_urls())
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database per test: a SQLite file, and PostgreSQL when configured."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    from tests.pg import fresh_postgres_schema_url

    return fresh_postgres_schema_url(request, os.environ["OPENIMR_TEST_DATABASE_URL"])


@pytest.fixture(autouse=True)
def _data_dir_outside_the_repo(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Settings made without a data dir (a CLI command, `Settings()`) write their key files
    and queues under a temporary folder, never into the checkout."""
    if "OPENIMR_DATA_DIR" not in os.environ:
        monkeypatch.setenv("OPENIMR_DATA_DIR", str(tmp_path_factory.mktemp("openimr-data")))
