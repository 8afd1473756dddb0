"""The domain and the service know no programme: every jurisdiction-specific rule, word,
role or document kind is pack data (rules/data/<jurisdiction>/). This test reads the code of
`domain/` and `service/` (docstrings and comments aside, which may cite the law they explain)
for the names a programme would leave there: pack ids, citations, and the workers' comp
vocabulary kept in `domain/vocabulary.py` for older callers."""

from __future__ import annotations

import io
import tokenize
from pathlib import Path

from openimr.domain.vocabulary import DocumentKind, PartyRole
from openimr.rules.pack import jurisdictions, load_pack

SRC = Path(__file__).resolve().parents[2] / "src" / "openimr"
# Strings a jurisdiction-specific rule would carry: pack ids and citation markers.
FORBIDDEN_TEXT = (
    "ca_dwc", "ca_dmhc", "us_federal", "hi_external", "4610", "9792", "139.5", "1374.",
    "1368.", "147.136", "2590.715", "54.9815", "432E", "CCP 12", "MTUS", "DWC", "DMHC",
    "injured_worker", "claims_administrator", "requesting_physician", "enrollee",
    "health_plan", "ur_decision\"",
)  # fmt: skip
FORBIDDEN_NAMES = {"PartyRole", "DocumentKind", "DEFAULT_JURISDICTION"}
# domain/vocabulary.py keeps the workers' comp names for older callers (checked below).
EXEMPT = {SRC / "domain" / "vocabulary.py"}


def _code_tokens(path: Path) -> list[tokenize.TokenInfo]:
    """The tokens of `path` that are code: no comments, no docstrings."""
    tokens = list(tokenize.generate_tokens(io.StringIO(path.read_text("utf-8")).readline))
    code: list[tokenize.TokenInfo] = []
    previous = tokenize.NEWLINE
    for token in tokens:
        docstring = token.type == tokenize.STRING and previous in (
            tokenize.NEWLINE, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING
        )  # fmt: skip
        if token.type not in (tokenize.COMMENT, tokenize.NL) and not docstring:
            code.append(token)
        if token.type not in (tokenize.COMMENT, tokenize.NL):
            previous = token.type
    return code


def _offences(folder: str) -> list[str]:
    found = []
    for path in sorted((SRC / folder).rglob("*.py")):
        if path in EXEMPT:
            continue
        for token in _code_tokens(path):
            if token.type == tokenize.STRING:
                hits = [f for f in FORBIDDEN_TEXT if f.lower() in token.string.lower()]
                found += [f"{path.name}:{token.start[0]} {token.string[:60]} ({h})" for h in hits]
            elif token.type == tokenize.NAME and (
                token.string in FORBIDDEN_NAMES or "MTUS" in token.string
            ):
                found.append(f"{path.name}:{token.start[0]} {token.string}")
    return found


def test_the_domain_names_no_programme() -> None:
    assert _offences("domain") == []


def test_the_service_names_no_programme() -> None:
    assert _offences("service") == []


def test_the_test_would_see_a_rule_written_in_code(tmp_path: Path) -> None:
    """The reader of code tokens catches a string in code and ignores one in a docstring."""
    sample = tmp_path / "sample.py"
    sample.write_text('"""Cites LC 4610.6."""\nLIMIT = {"ca_dwc": 30}  # 4610\n')
    strings = [t.string for t in _code_tokens(sample) if t.type == tokenize.STRING]
    assert strings == ['"ca_dwc"']


def test_the_old_vocabulary_is_the_workers_comp_packs() -> None:
    pack = load_pack("ca_dwc").data
    assert {r.value for r in PartyRole} == {r.id for r in pack.party_roles}
    assert {k.value for k in DocumentKind} == {d.id for d in pack.document_kinds}
    assert "ca_dwc" in jurisdictions()
