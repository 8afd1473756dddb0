"""The one JSON error shape of /api/ and the status each error class maps to."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

import openimr
from openimr.api.errors import install_error_handlers, status_for
from openimr.domain import errors
from openimr.domain.errors import InvalidInput, OpenIMRError, TooManyAttempts
from tests.e2e.api_support import make_service

# Every error class openimr defines and the status it answers with. A new error class fails
# test_every_error_class_has_its_status_here until it is added, with the status it must have.
STATUS_OF: dict[type[OpenIMRError], int] = {
    errors.OpenIMRError: 400,
    errors.NotFound: 404,
    errors.InvalidInput: 422,
    errors.UnreadablePdf: 422,
    errors.LetterParseError: 422,
    errors.IdentityLeak: 422,
    errors.StateConflict: 409,
    errors.InvalidTransition: 409,
    errors.ConcurrentUpdate: 409,
    errors.Ineligible: 409,
    errors.DeadlinePassed: 409,
    errors.AuthenticationFailed: 401,
    errors.PermissionDenied: 403,
    errors.TooManyAttempts: 429,
    errors.Unavailable: 503,
    errors.AssistUnavailable: 503,
    errors.EmbeddingsUnavailable: 503,
    errors.RuleDataError: 500,
}


def _every_error_class() -> set[type[OpenIMRError]]:
    """OpenIMRError and every subclass of it defined anywhere in the package: every module is
    imported (a module needing an extra that is not installed is passed over), then the
    subclass tree is walked."""
    for module in pkgutil.walk_packages(openimr.__path__, prefix="openimr."):
        try:
            importlib.import_module(module.name)
        except ImportError:
            continue
    found: set[type[OpenIMRError]] = set()
    todo: list[type[OpenIMRError]] = [OpenIMRError]
    while todo:
        cls = todo.pop()
        if cls.__module__.startswith("openimr.") and cls not in found:
            found.add(cls)
            todo.extend(cls.__subclasses__())
    return found


def test_every_error_class_has_its_status_here() -> None:
    assert {c.__qualname__ for c in _every_error_class()} == {c.__qualname__ for c in STATUS_OF}


@pytest.mark.parametrize(
    ("error_class", "status"), list(STATUS_OF.items()), ids=[c.__name__ for c in STATUS_OF]
)
def test_each_error_class_maps_to_its_status(error_class: type[OpenIMRError], status: int) -> None:
    assert status_for(error_class("x")) == status


def test_the_error_tree_drawn_in_the_domain_gives_every_class_and_its_status() -> None:
    # openimr.domain.errors opens with a drawing of the tree: a branch's status on its line,
    # and a class without one answers with its branch's.
    drawn: dict[str, int] = {}
    branch_status = 400
    for line in (errors.__doc__ or "").splitlines():
        match = re.match(r"\s+(?:[│ ]*[├└]── )?(\w+)\s+(\d{3})?", line)
        if not match or not hasattr(errors, match.group(1)):
            continue
        if match.group(2):
            branch_status = int(match.group(2))
        drawn[match.group(1)] = branch_status
    assert drawn == {c.__name__: status for c, status in STATUS_OF.items()}


def _app_raising(error: Exception) -> TestClient:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/api/boom")
    def boom() -> None:
        raise error

    return TestClient(app)


def test_error_body_has_code_message_and_details_only() -> None:
    response = _app_raising(InvalidInput("priority is wrong", field="priority")).get("/api/boom")
    assert response.status_code == 422
    assert response.json() == {
        "error": {
            "code": "invalid_input",
            "message": "priority is wrong",
            "details": {"field": "priority"},
        }
    }


def test_request_validation_uses_the_same_shape_and_names_the_field(tmp_path: Path) -> None:
    service = make_service(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}")
    response = service.client.post("/api/auth/token", json={"username": "x"})
    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == "invalid_input"
    assert body["error"]["details"]["field"] == "body.password"


def test_unknown_route_uses_the_same_shape(tmp_path: Path) -> None:
    service = make_service(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}")
    response = service.client.get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_too_many_attempts_carries_retry_after() -> None:
    response = _app_raising(TooManyAttempts("slow down", retry_after_seconds=60)).get("/api/boom")
    assert response.status_code == 429
    assert response.headers["retry-after"] == "60"
