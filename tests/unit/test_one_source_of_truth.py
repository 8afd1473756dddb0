"""One place for each shared thing: the YAML loader, the PDF reader, the record-reading words."""

from __future__ import annotations

import re
from pathlib import Path

import openimr

PACKAGE = Path(openimr.__file__).parent


def _modules_matching(pattern: str) -> set[str]:
    found = set()
    for path in PACKAGE.rglob("*.py"):
        if re.search(pattern, path.read_text(encoding="utf-8"), re.MULTILINE):
            found.add(path.relative_to(PACKAGE).as_posix())
    return found


def test_only_the_data_file_loader_parses_yaml() -> None:
    assert _modules_matching(r"^\s*(?:import yaml|from yaml import)") == {"datafile.py"}


def test_only_pdftext_opens_a_pdf() -> None:
    assert _modules_matching(r"^\s*(?:import|from) pypdf") == {"pdftext.py"}


def test_no_reader_compiles_its_own_case_insensitive_helper() -> None:
    # assist/lexicon.py's `rx` is the one helper; a second `_rx` would start a second lexicon.
    assert _modules_matching(r"^def _rx\(") == set()


def test_one_phase_of_care_and_one_strict_base_model() -> None:
    assert _modules_matching(r"^def phase_of_care\(") == {"evidence/phase.py"}
    assert _modules_matching(r'ConfigDict\(extra="forbid", frozen=True\)') == {"datafile.py"}
