"""The one JSON error shape of /api/ and the status each error class maps to."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from openimr.api.errors import install_error_handlers, status_for
from openimr.domain.errors import (
    AuthenticationFailed,
    ConcurrentUpdate,
    DeadlinePassed,
    Ineligible,
    InvalidInput,
    InvalidTransition,
    NotFound,
    OpenIMRError,
    PermissionDenied,
    TooManyAttempts,
)
from tests.e2e.api_support import make_service


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (NotFound("x"), 404),
        (InvalidInput("x", field="f"), 422),
        (InvalidTransition("x"), 409),
        (ConcurrentUpdate("x"), 409),
        (Ineligible("x"), 409),
        (DeadlinePassed("x"), 409),
        (PermissionDenied("x"), 403),
        (AuthenticationFailed("x"), 401),
        (TooManyAttempts("x"), 429),
        (OpenIMRError("x"), 400),
    ],
)
def test_each_error_class_maps_to_its_status(error: OpenIMRError, status: int) -> None:
    assert status_for(error) == status


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
