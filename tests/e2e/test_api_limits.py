"""Limits where input arrives — the probe's findings 5 (API part) and 8 (uploads).

Before #16: a form field holding JSON nested 5,000 deep gave 500 (RecursionError) on
`POST /api/cases` and `records/upload`; a 200 MB upload was read whole before its 422; the
web intake form had no size limit. Each test below failed then.
"""

from __future__ import annotations

import json
import select
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.api_support import Service, application, intake_files, seeded_service
from tests.e2e.test_web_pages import TOKEN, browser, login
from tests.served import free_port, start_openimr, wait_healthy

DEEP = "[" * 5000 + "]" * 5000


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Service, str]]:
    tmp = tmp_path_factory.mktemp("limits")
    yield seeded_service(Path(tmp), f"sqlite:///{tmp / 'l.db'}", "records_received")


def post_form(service: Service, path: str, field: str, value: str) -> dict[str, object]:
    response = service.client.post(
        path, data={field: value}, files=intake_files(), headers=service.headers("staff")
    )
    assert response.status_code == 422, response.text
    return response.json()["error"]  # type: ignore[no-any-return]


def test_deeply_nested_json_in_a_form_field_is_422_naming_it(service: tuple[Service, str]) -> None:
    svc, case = service
    error = post_form(svc, "/api/cases", "application", DEEP)
    assert error["details"]["field"] == "application.nesting"  # type: ignore[index]
    assert "5000 levels" in str(error["message"])
    error = post_form(svc, f"/api/cases/{case}/records/upload", "records", DEEP)
    assert error["details"]["field"] == "records.nesting"  # type: ignore[index]


def test_deeply_nested_json_bodies_are_422_not_500(service: tuple[Service, str]) -> None:
    svc, case = service
    for path in (f"/api/cases/{case}/review", f"/api/cases/{case}/issue", "/api/auth/token"):
        response = svc.client.post(
            path,
            content=DEEP.encode(),
            headers={**svc.headers("staff"), "content-type": "application/json"},
        )
        assert response.status_code == 422, (path, response.text)
        assert response.json()["error"]["details"]["field"] == "body"


def test_an_overlong_text_is_422_naming_the_field(service: tuple[Service, str]) -> None:
    svc, case = service
    review = {"clinical_case_summary": "x" * 100_001, "items": [], "expected_version": 1}
    response = svc.client.post(
        f"/api/cases/{case}/review", json=review, headers=svc.headers("reviewer")
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"]["field"] == "clinical_case_summary"
    body = application(description="y" * 100_001)
    error = post_form(svc, "/api/cases", "application", json.dumps(body))
    assert error["details"]["field"] == "application.items[0].description"  # type: ignore[index]


def test_an_upload_over_the_file_limit_is_refused_naming_the_file(
    service: tuple[Service, str],
) -> None:
    svc, _ = service
    big = b"a" * (25 * 1024 * 1024 + 1)
    response = svc.client.post(
        "/api/cases",
        data={"application": json.dumps(application())},
        files=intake_files({"ur.txt": big}),
        headers=svc.headers("staff"),
    )
    assert response.status_code == 422
    assert "ur.txt: larger than 25 MB" in response.json()["error"]["message"]


def test_the_web_intake_form_refuses_an_oversized_file(service: tuple[Service, str]) -> None:
    svc, _ = service
    page = browser(svc)
    login(page, "staff")
    form = page.get("/intake").text
    token = TOKEN.search(form).group(1)  # type: ignore[union-attr]
    response = page.post(
        "/intake",
        data={
            "csrf_token": token,
            "priority": "standard",
            "date_of_injury": "2024-01-10",
            "ur_decision_date": "2026-11-02",
            "ur_decision_served_by": "electronic",
            "application_received_on": "2026-11-20",
            "items": "MRI",
            "worker_name": "Pat Example",
            "worker_key": "person:pat-example",
        },
        files={"ur_file": ("ur.txt", b"a" * (25 * 1024 * 1024 + 1), "text/plain")},
    )
    assert response.status_code == 422
    assert "larger than 25 MB" in response.text


# -- against the real server: refused before the body is read ------------------------------


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    tmp = tmp_path_factory.mktemp("served-limits")
    port = free_port()
    proc = start_openimr(
        f"sqlite:///{tmp / 's.db'}",
        data_dir=tmp / "data",
        cwd=tmp,
        port=port,
        log_path=tmp / "server.log",
        secret_key="limits-test-secret",
    )
    try:
        wait_healthy(f"http://127.0.0.1:{port}", proc)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _send_until_answered(port: int, head: bytes, chunk: bytes, total: int) -> tuple[int, bytes]:
    """Send `head`, then whole `chunk`s up to `total` bytes until the server answers;
    returns the bytes of body sent and the first line of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(head)
        sent = 0
        while sent < total:
            ready, _, _ = select.select([sock], [], [], 0)
            if ready:
                break
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break  # the server answered and closed: read the answer
            sent += len(chunk)
        answer = sock.recv(65536)
        return sent, answer.split(b"\r\n", 1)[0]


@pytest.mark.slow
@pytest.mark.parametrize("path", ["/api/cases", "/intake"])
def test_a_200_mb_upload_is_refused_before_it_is_read(served: int, path: str) -> None:
    total = 200 * 1024 * 1024
    head = (
        f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
        f"Content-Length: {total}\r\n\r\n"
    ).encode()
    sent, status = _send_until_answered(served, head, b"\0" * 65536, total)
    assert status.startswith(b"HTTP/1.1 413"), status
    assert sent < 8 * 1024 * 1024  # answered at the headers, not after 200 MB


@pytest.mark.slow
def test_a_chunked_upload_is_cut_off_at_the_limit(served: int) -> None:
    total = 200 * 1024 * 1024
    part = (
        b'--b\r\nContent-Disposition: form-data; name="files"; filename="big.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\n"
    )
    head = (
        b"POST /api/cases HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n" + f"{len(part):x}\r\n".encode() + part + b"\r\n"
    )
    chunk = b"10000\r\n" + b"a" * 0x10000 + b"\r\n"
    sent, status = _send_until_answered(served, head, chunk, total)
    assert status.startswith(b"HTTP/1.1 413"), status
    assert sent < 100 * 1024 * 1024  # the 60 MB limit, not 200 MB
