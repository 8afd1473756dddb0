"""One place for each shared thing: the YAML loader, the PDF reader, the record-reading words."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import openimr
from openimr.assist import lexicon
from openimr.domain.errors import RuleDataError
from openimr.evidence.vocab import load_drugs

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


# -- drug names: drugs.yaml, read through assist/lexicon.py ----------------------------------

# Words that contain a drug's name but name something else: the morphine milligram equivalent
# is a dose measure, not a mention of morphine.
_NOT_A_DRUG_MENTION = re.compile(r"morphine equivalent", re.IGNORECASE)


def _drug_spelling_pattern() -> re.Pattern[str]:
    names = {
        name.strip().lower()
        for drug in load_drugs()
        for name in (drug.ingredient, *drug.names, *drug.long_acting_names)
        if name.strip()
    }
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _string_literals(source: str) -> list[tuple[int, str]]:
    """Every string constant of a module but its docstrings, with its line."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def drug_names_written_out(source: str) -> list[tuple[int, str]]:
    """The drug names of drugs.yaml that a module's string literals spell out, with the line."""
    spelled = _drug_spelling_pattern()
    return [
        (line, match.group(0))
        for line, text in _string_literals(source)
        for match in spelled.finditer(_NOT_A_DRUG_MENTION.sub(" ", text))
    ]


def test_no_assist_module_but_the_lexicon_spells_out_a_drug_name() -> None:
    # A drug list in a reader drifts from drugs.yaml: build it with the lexicon instead
    # (lexicon.drug_use_patterns, drug_spellings, class_spellings).
    found = {
        path.name: drug_names_written_out(path.read_text(encoding="utf-8"))
        for path in sorted((PACKAGE / "assist").glob("*.py"))
        if path.name != "lexicon.py"
    }
    assert {name: hits for name, hits in found.items() if hits} == {}


def test_the_drug_name_check_sees_a_written_out_list() -> None:
    source = (
        '"""Norco in a docstring is prose."""\n'
        'ON_OPIOIDS = rx(r"\\b(?:Norco|opioids?)\\b")\n'
        'MME = rx(r"morphine equivalent dose")\n'
    )
    assert drug_names_written_out(source) == [(2, "Norco")]


def test_the_lexicon_s_own_drug_words_are_drugs_of_the_drug_data() -> None:
    ingredients = {drug.ingredient for drug in load_drugs()}
    assert set(lexicon.SUSPENSION_KITS) <= set(lexicon.drug_names())
    assert set(lexicon.FIRST_LINE_NEUROPATHIC_INGREDIENTS) <= ingredients
    assert set(lexicon.OPIOID_ANTAGONISTS) <= ingredients
    with pytest.raises(RuleDataError, match="medication/no-such-class"):
        lexicon.class_spellings(["medication/no-such-class"])


def test_every_spelling_of_a_drug_of_the_class_reads_as_its_use() -> None:
    patterns = lexicon.drug_use_patterns()
    fact_of_class = {
        "medication/nsaid": "nsaid_use",
        "medication/benzodiazepine": "benzodiazepine_use",
        **dict.fromkeys(lexicon.OPIOID_CATEGORIES, "on_opioids"),
    }
    for drug in load_drugs():
        fact = fact_of_class.get(drug.category)
        if drug.ingredient in lexicon.FIRST_LINE_NEUROPATHIC_INGREDIENTS:
            fact = "first_line_neuropathic_agents_tried"
        if fact is None or drug.ingredient in lexicon.OPIOID_ANTAGONISTS:
            continue
        for name in (drug.ingredient, *drug.names, *drug.long_acting_names):
            assert patterns[fact].search(f"She was given {name.upper()} 10 mg."), (fact, name)


@pytest.mark.parametrize(
    "sentence",
    [
        "She takes naltrexone (Vivitrol) monthly.",  # blocks opioids
        "Narcan was prescribed.",
        "Sertraline (Zoloft) 50 mg daily.",  # an SSRI: not a first-line neuropathic agent
        "Lamotrigine was started.",
        "Ambien at night.",
    ],
)
def test_drugs_outside_the_classes_read_as_no_drug_use(sentence: str) -> None:
    assert [f for f, p in lexicon.drug_use_patterns().items() if p.search(sentence)] == []
