"""Every batch command, fuzzed: no input ends in a traceback, every bad record is one clear
line naming the file, the line (or record) and the field, the exit codes are the documented
ones, and a JSON-lines batch goes on past a bad line.

The probe (finding 5) found 10 of 59 bad inputs ending in a traceback — `panel assign` on
non-UTF-8 and UTF-16 files, JSON nested deep in `assist batch` and `panel assign` — and
silently accepted an invalid-UTF-8 letter and batch line, the date 2016-13-45 and a garbage
CSV panel; folder mode skipped files without a word. Exit codes (README): 0 every record
done, 1 some records failed and the rest were done, 2 the input could not be used at all.
"""

from __future__ import annotations

import json
import traceback
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from openimr.cli import app

runner = CliRunner()
FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

GOOD_CASE = {
    "id": "good",
    "date_of_injury": "2016-10-13",
    "ur_denial_date": "2016-11-03",
    "priority": "standard",
    "clinical_case_summary": "Low back pain for six months; physical therapy did not help.",
    "items": [{"id": "1", "description": "MRI of the lumbar spine without contrast"}],
}
GOOD_CLOCKS = {"id": "good", "events": {"ur_decision": "2024-01-29", "ur_service": "mail"}}
GOOD_REVIEWER = {
    "id": "R1",
    "profession": "MD",
    "specialties": ["Occupational Medicine"],
    "board_certifications": ["Occupational Medicine"],
    "licenses": [{"state": "CA", "expires": "2027-06-30"}],
    "years_active_practice": 12,
    "hours_per_week": 30,
    "capacity": 5,
}
GOOD_CASES = {
    "as_of": "2026-12-01",
    "cases": [
        {
            "id": "C1",
            "priority": "standard",
            "due": "2026-12-31",
            "condition": "chronic low back pain",
            "items": [{"description": "Hot/cold unit, lumbar"}],
            "parties": ["org:employer-x"],
        }
    ],
}


def deep(n: int) -> str:
    return "[" * n + "]" * n


# -- what a bad record can be --------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
bad_dates = st.sampled_from(
    ["2016-13-45", "2016-02-30", "13/10/2016", "20161013", "", "2016-1-5", "tomorrow", "0000-00-00"]
)


def mutated(good: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """`good` with one field replaced by a value of any type, or a bad date."""
    return st.builds(
        lambda key, value: {**good, key: value},
        st.sampled_from(sorted(good)),
        json_values | bad_dates,
    )


def bad_lines(good: dict[str, Any]) -> st.SearchStrategy[bytes]:
    """A line that is not a valid record: bad JSON, other encodings, nesting, types, dates."""
    text = json.dumps(good)
    return st.one_of(
        st.binary(min_size=1, max_size=80).filter(lambda b: b"\n" not in b and b.strip()),
        st.builds(lambda n: deep(n).encode(), st.integers(min_value=40, max_value=5000)),
        st.builds(lambda v: json.dumps(v).encode(), mutated(good)),
        st.just(text.encode("utf-16")),  # UTF-16 inside a UTF-8 file
        st.just(text.replace("pain", "p\xe4in").encode("latin-1")),  # invalid UTF-8
        st.just(text.encode()[:-3] + b"\xff\xfe"),
        st.builds(lambda v: json.dumps(v).encode(), json_values),
    )


def no_traceback(result: Result) -> None:
    """The command ended by its own exit, never by an exception."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        trace = "".join(traceback.format_exception(result.exception))
        pytest.fail(f"traceback:\n{trace}")
    assert "Traceback" not in result.output


def json_lines(result: Result) -> list[dict[str, Any]]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def check_error_records(records: list[dict[str, Any]], path: Path) -> None:
    for record in records:
        if "error" in record:
            assert record["file"] == str(path)
            assert isinstance(record["line"], int) and record["line"] >= 1
            assert record.get("field"), record
            assert record["error"].startswith(f"{path}:{record['line']}: "), record


# -- JSON-lines batches: assist batch, clocks -------------------------------------------------


@FUZZ
@given(bad=bad_lines(GOOD_CASE))
def test_assist_batch_names_every_bad_line_and_goes_on(tmp_path: Path, bad: bytes) -> None:
    path = tmp_path / "cases.jsonl"
    good = json.dumps(GOOD_CASE).encode()
    path.write_bytes(good + b"\n" + bad + b"\n" + good + b"\n")
    result = runner.invoke(app, ["assist", "batch", str(path)])
    no_traceback(result)
    records = json_lines(result)
    check_error_records(records, path)
    assert result.exit_code == (1 if any("error" in r for r in records) else 0)
    # Both good cases were proposed for: the batch went on past the bad line.
    assert sum(r.get("case_id") == "good" and "proposal" in r for r in records) >= 2


@FUZZ
@given(bad=bad_lines(GOOD_CLOCKS))
def test_clocks_names_every_bad_line_and_goes_on(tmp_path: Path, bad: bytes) -> None:
    path = tmp_path / "clocks.jsonl"
    good = json.dumps(GOOD_CLOCKS).encode()
    path.write_bytes(good + b"\n" + bad + b"\n" + good + b"\n")
    result = runner.invoke(app, ["clocks", str(path)])
    no_traceback(result)
    records = json_lines(result)
    check_error_records(records, path)
    assert result.exit_code == (1 if any("error" in r for r in records) else 0)
    assert records[0].get("id") == records[-1].get("id") == "good" and "clocks" in records[-1]


@pytest.mark.parametrize("command", [["assist", "batch"], ["clocks"]])
@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "utf-32"])
def test_a_batch_file_with_a_byte_order_mark_is_read(
    tmp_path: Path, command: list[str], encoding: str
) -> None:
    good = GOOD_CASE if command == ["assist", "batch"] else GOOD_CLOCKS
    path = tmp_path / "in.jsonl"
    path.write_bytes((json.dumps(good) + "\n").encode(encoding))
    result = runner.invoke(app, [*command, str(path)])
    no_traceback(result)
    assert result.exit_code == 0, result.output


def test_a_5_mb_line_is_refused_at_once_and_the_batch_goes_on(tmp_path: Path) -> None:
    huge = {**GOOD_CASE, "id": "huge", "clinical_case_summary": "pain " * 1_000_000}
    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps(huge) + "\n" + json.dumps(GOOD_CASE) + "\n")
    result = runner.invoke(app, ["assist", "batch", str(path)])
    no_traceback(result)
    first, *rest = json_lines(result)
    assert result.exit_code == 1
    assert first["line"] == 1 and "longer than 512 KB" in first["error"]
    assert any(r.get("case_id") == "good" for r in rest)


def test_an_impossible_date_is_an_error_not_ignored(tmp_path: Path) -> None:
    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps({**GOOD_CASE, "date_of_injury": "2016-13-45"}) + "\n")
    result = runner.invoke(app, ["assist", "batch", str(path)])
    (record,) = json_lines(result)
    assert result.exit_code == 1
    assert record["field"] == "date_of_injury" and "2016-13-45" in record["error"]


# -- whole-file JSON: panel assign, import, recheck --------------------------------------------

bad_documents = st.one_of(
    st.binary(max_size=200),
    st.builds(lambda n: deep(n).encode(), st.integers(min_value=40, max_value=5000)),
    st.builds(lambda v: json.dumps(v).encode(), json_values),
    st.builds(
        lambda r: json.dumps({"reviewers": [r, GOOD_REVIEWER]}).encode(), mutated(GOOD_REVIEWER)
    ),
    st.builds(
        lambda enc: json.dumps({"reviewers": [GOOD_REVIEWER]}).encode(enc),
        st.sampled_from(["utf-16", "utf-16-le", "utf-32", "latin-1", "utf-8-sig"]),
    ),
    st.just(json.dumps({"reviewers": [{**GOOD_REVIEWER, "name": "Dr. Jos\xe9"}]}).encode("cp1252")),
)


def check_whole_file(result: Result, path: Path) -> None:
    no_traceback(result)
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
        assert errors, result.stderr
        assert all(str(path) in line for line in errors), errors


@FUZZ
@given(document=bad_documents)
def test_panel_assign_names_the_file_and_record_of_any_bad_reviewer_file(
    tmp_path: Path, document: bytes
) -> None:
    reviewers = tmp_path / "reviewers.json"
    reviewers.write_bytes(document)
    cases = tmp_path / "cases.json"
    cases.write_text(json.dumps(GOOD_CASES))
    result = runner.invoke(
        app, ["panel", "assign", "--reviewers", str(reviewers), "--cases", str(cases)]
    )
    check_whole_file(result, reviewers)


@FUZZ
@given(case=mutated(GOOD_CASES["cases"][0]), head=mutated({"as_of": "2026-12-01"}))
def test_panel_assign_names_every_bad_case(
    tmp_path: Path, case: dict[str, Any], head: dict[str, Any]
) -> None:
    reviewers = tmp_path / "reviewers.json"
    reviewers.write_text(json.dumps({"reviewers": [GOOD_REVIEWER]}))
    cases = tmp_path / "cases.json"
    cases.write_text(json.dumps({**head, "cases": [case, {**case, "id": "C2"}]}))
    result = runner.invoke(
        app, ["panel", "assign", "--reviewers", str(reviewers), "--cases", str(cases)]
    )
    check_whole_file(result, cases)


@FUZZ
@given(
    document=bad_documents
    | st.binary(max_size=300).map(lambda b: b"id,profession\n" + b)
    | st.text(max_size=200).map(str.encode)
)
@pytest.mark.parametrize("suffix", [".json", ".csv"])
def test_panel_import_and_recheck_refuse_garbage_naming_the_file(
    tmp_path: Path, suffix: str, document: bytes
) -> None:
    source = tmp_path / f"panel{suffix}"
    source.write_bytes(document)
    check_whole_file(runner.invoke(app, ["panel", "import", str(source)]), source)
    check_whole_file(
        runner.invoke(app, ["panel", "recheck", str(source), "--as-of", "2026-12-01"]), source
    )


def test_a_garbage_csv_panel_is_refused_not_read_as_an_empty_one(tmp_path: Path) -> None:
    source = tmp_path / "panel.csv"
    source.write_text("garbage,more garbage\n1,2\n;;;\n")
    result = runner.invoke(app, ["panel", "import", str(source)])
    assert result.exit_code == 2
    assert f"{source}:1: the header lacks id" in result.stderr
    source.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00garbage")
    result = runner.invoke(app, ["panel", "import", str(source)])
    assert result.exit_code == 2 and f"{source}:1: not UTF-8 text" in result.stderr
    header_only = tmp_path / "empty.csv"
    header_only.write_text("id,profession,specialties,years_active_practice,hours_per_week\n")
    result = runner.invoke(app, ["panel", "import", str(header_only)])
    assert result.exit_code == 2 and "no reviewer rows" in result.stderr


def test_every_bad_csv_row_is_named_by_its_line(tmp_path: Path) -> None:
    source = tmp_path / "panel.csv"
    source.write_text(
        "id,profession,specialties,years_active_practice,hours_per_week,licenses\n"
        "R1,MD,Occupational Medicine,12,30,CA:2027-06-30\n"
        "R2,MD,Occupational Medicine,many,30,CA:2027-06-30\n"
        "R3,MD,Occupational Medicine,12,30,CA:2016-13-45\n"
    )
    result = runner.invoke(app, ["panel", "import", str(source)])
    assert result.exit_code == 2
    errors = result.stderr.splitlines()
    assert any(
        f"{source}: line 3: reviewers[1]" in e and "years_active_practice" in e for e in errors
    )
    assert any(f"{source}: line 4: reviewers[2]" in e and "licenses" in e for e in errors)


# -- folders of files: letter parse, assist summarize, corpus ingest ---------------------------

bad_files = st.one_of(
    st.binary(max_size=300),
    st.builds(lambda b: b"%PDF-1.4\n" + b, st.binary(max_size=300)),
    st.just(
        "Case Number: CM16-0000001\nHOW THE IMR FINAL DETERMINATION WAS MADE\n".encode("utf-16")
    ),
    st.just("Case Number: CM16-0000001\nCLINICAL CASE SUMMARY\nJos\xe9\n".encode("cp1252")),
    st.text(max_size=300).map(str.encode),
)


@FUZZ
@given(content=bad_files)
def test_letter_parse_gives_one_line_per_file_and_names_skipped_ones(
    tmp_path: Path, content: bytes
) -> None:
    folder = tmp_path / "letters"
    folder.mkdir(exist_ok=True)
    (folder / "a.txt").write_bytes(content)
    (folder / "b.pdf").write_bytes(content)
    (folder / "c.bin").write_bytes(content)
    result = runner.invoke(app, ["letter", "parse", str(folder)])
    no_traceback(result)
    assert result.exit_code in (0, 1)
    records = json_lines(result)
    assert [Path(r["path"]).name for r in records] == ["a.txt", "b.pdf"]
    for record in records:
        if "error" in record:
            assert record["path"] in record["error"], record
    assert f"skipped {folder / 'c.bin'}" in result.stderr


@FUZZ
@given(content=bad_files)
def test_assist_summarize_names_each_unreadable_record(tmp_path: Path, content: bytes) -> None:
    folder = tmp_path / "records"
    folder.mkdir(exist_ok=True)
    (folder / "1-note.txt").write_text("11/24/2014 Dr. Casey Specimen: low back pain, off work.\n")
    (folder / "2-scan.pdf").write_bytes(content)
    (folder / "3-note.txt").write_bytes(content)
    result = runner.invoke(app, ["assist", "summarize", str(folder), "--no-ocr"])
    no_traceback(result)
    assert result.exit_code in (0, 1, 2)
    for line in result.stderr.splitlines():
        if line.startswith(("error", "skipped", "unread")):
            assert str(folder) in line, line


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(content=bad_files)
def test_corpus_ingest_names_each_bad_file_and_stores_the_rest(
    tmp_path: Path, content: bytes
) -> None:
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    (folder / "bad.txt").write_bytes(content)
    store = tmp_path / "store"
    result = runner.invoke(
        app, ["corpus", "ingest", str(folder), "--store", str(store), "--no-progress", "--json"]
    )
    no_traceback(result)
    assert result.exit_code in (0, 1)
    for line in result.stderr.splitlines():
        if line.startswith("error:"):
            assert str(folder / "bad.txt") in line


# -- single-file inputs: a FHIR bundle, a summary for kb match ---------------------------------


@FUZZ
@given(document=bad_documents)
def test_fhir_import_refuses_any_bad_bundle_without_a_traceback(
    tmp_path: Path, document: bytes
) -> None:
    bundle = tmp_path / "bundle.json"
    bundle.write_bytes(document)
    result = runner.invoke(
        app,
        [
            "fhir",
            "import",
            str(bundle),
            "--jurisdiction",
            "ca_dmhc",
            "--database-url",
            f"sqlite:///{tmp_path / 'f.db'}",
        ],
    )
    no_traceback(result)
    assert result.exit_code == 2 and result.stderr.startswith("error: "), result.output


@FUZZ
@given(content=bad_files)
def test_kb_match_reads_a_summary_or_names_why_not(tmp_path: Path, content: bytes) -> None:
    summary = tmp_path / "summary.txt"
    summary.write_bytes(content)
    result = runner.invoke(app, ["kb", "match", "MRI lumbar spine", "--summary", str(summary)])
    no_traceback(result)
    assert result.exit_code in (0, 2)
    if result.exit_code == 2:
        assert str(summary) in result.stderr
