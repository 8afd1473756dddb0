"""`openimr.commands.serve:app add`: the command that creates accounts (e.g. the first admin)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from openimr.commands.serve import app


def test_an_account_created_on_the_command_line_can_log_in(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    args = [
        "add",
        "root",
        "--role",
        "admin",
        "--password",
        "a-long-password",
        "--database-url",
        url,
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "created admin account root" in result.output
    again = runner.invoke(app, args)
    assert again.exit_code == 2 and "already exists" in again.output

    from tests.e2e.api_support import make_service

    service = make_service(tmp_path, url)
    token = service.client.post(
        "/api/auth/token", json={"username": "root", "password": "a-long-password"}
    )
    assert token.status_code == 200


def test_a_reviewer_account_without_its_panel_id_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    args = [
        "add",
        "rev",
        "--role",
        "reviewer",
        "--password",
        "a-long-password",
        "--database-url",
        url,
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "reviewer" in result.output


def test_revoke_tokens_ends_every_api_token_of_an_account(tmp_path: Path) -> None:
    from tests.e2e.api_support import make_service

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    add = ["add", "ann", "--role", "staff", "--password", "a-long-password", "--database-url", url]
    assert runner.invoke(app, add).exit_code == 0
    service = make_service(tmp_path, url)
    login = {"username": "ann", "password": "a-long-password"}
    tokens = [
        service.client.post("/api/auth/token", json=login).json()["access_token"] for _ in "ab"
    ]
    result = runner.invoke(app, ["revoke-tokens", "ann", "--database-url", url])
    assert result.exit_code == 0 and "revoked 2 API token(s) of ann" in result.output
    for token in tokens:
        assert (
            service.client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code
            == 401
        )
    missing = runner.invoke(app, ["revoke-tokens", "nobody", "--database-url", url])
    assert missing.exit_code == 2 and "no account" in missing.output


def test_users_email_sets_where_notifications_go(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from openimr.cli import app

    url = f"sqlite:///{tmp_path / 'mail.db'}"
    runner = CliRunner()
    added = runner.invoke(
        app,
        ["users", "add", "rita", "--role", "staff", "--database-url", url],
        input="rita-password\nrita-password\n",
    )
    assert added.exit_code == 0, added.output
    ok = runner.invoke(app, ["users", "email", "rita", "rita@example.test", "--database-url", url])
    assert ok.exit_code == 0 and "rita@example.test" in ok.output
    bad = runner.invoke(app, ["users", "email", "rita", "not an address", "--database-url", url])
    assert bad.exit_code == 2 and "not an e-mail address" in bad.output
    nobody = runner.invoke(app, ["users", "email", "zed", "z@example.test", "--database-url", url])
    assert nobody.exit_code == 2 and "no user" in nobody.output
