"""The README stays true: its quick start, its settings table and its command list."""

from __future__ import annotations

import re

import typer.main

from openimr.cli import app
from openimr.settings import Settings
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def _quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "the quick start has a shell block"
    return [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_the_quick_start_has_exactly_two_commands_and_both_exist() -> None:
    commands = _quick_start_commands()
    assert commands == ["scripts/run", "scripts/test"]
    for command in commands:
        assert (REPO / command).is_file()


def test_ci_runs_the_readme_test_command() -> None:
    assert "scripts/test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_every_setting_is_documented() -> None:
    for name in Settings.model_fields:
        assert f"OPENIMR_{name.upper()}" in README, f"setting {name} missing from the README"


def _command_paths() -> list[str]:
    root = typer.main.get_command(app)
    paths: list[str] = []
    for name, command in root.commands.items():  # type: ignore[attr-defined]
        sub = getattr(command, "commands", None)
        if sub:
            paths += [f"openimr {name} {child}" for child in sub]
        else:
            paths.append(f"openimr {name}")
    return paths


def test_every_command_is_shown_in_the_readme() -> None:
    missing = [path for path in _command_paths() if path not in README]
    assert not missing, f"commands missing from the README: {missing}"


def test_every_command_the_readme_shows_exists() -> None:
    known = set(_command_paths())
    shown = set(re.findall(r"^openimr [a-z]+(?: [a-z]+)?", README, re.M))
    unknown = {s for s in shown if s not in known and not any(k.startswith(s) for k in known)}
    assert not unknown, f"the README shows commands that do not exist: {unknown}"
