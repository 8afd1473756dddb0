"""The second corpus source: California DMHC Independent Medical Review decisions.

The Department of Managed Health Care publishes every health-plan IMR decision since 2001
as open data ("Independent Medical Review (IMR) Determinations, Trend"; H&S Code 1374.30 ff.):
one row per decision with its categories, review type and outcome, no text. `read_dmhc`
checks each row (a bad row is an error naming its line and column; the rest go on) and
`ingest_dmhc` writes the good rows as one Parquet part of the store's `dmhc` table.

Three tables, beside the letters':
- `dmhc`: one row per decision and ingest run; the live view keeps, per reference id, the
  row of the latest run (so a corrected file replaces the old rows without rewriting);
- `dmhc_runs`: one row per CSV ingested (path, content hash, counts): a file whose content
  hash is already there is skipped as unchanged;
- `dmhc_errors`: the bad rows of each run; the live view shows those of each path's latest
  run only.
"""

from __future__ import annotations

import csv
import hashlib
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from openimr.domain.errors import InvalidInput

# The source's ten columns, in its order, with the field each becomes.
COLUMNS: dict[str, str] = {
    "Reference ID": "reference_id",
    "Report Year": "report_year",
    "Diagnosis Category": "diagnosis_category",
    "Diagnosis Sub Category": "diagnosis_subcategory",
    "Treatment Category": "treatment_category",
    "Treatment Sub Category": "treatment_subcategory",
    "Determination": "decision",
    "Type": "review_type",
    "Age Range": "age_range",
    "Patient Gender": "gender",
}

# The outcome words of the source, in the project's vocabulary: the reviewer upheld or
# overturned the health plan's denial.
DETERMINATIONS = {
    "Overturned Decision of Health Plan": "overturned",
    "Upheld Decision of Health Plan": "upheld",
}
REVIEW_TYPES = {
    "Medical Necessity": "medical_necessity",
    "Experimental/Investigational": "experimental_investigational",
    "Urgent Care": "urgent_care",
}
# MN / EI / UR, the two digits of the report year, a dash and a number (MN16-22639).
_REFERENCE = re.compile(r"^[A-Z]{2}(\d{2})-\d+$")
_FIRST_YEAR = 2001  # the IMR system began on 2001-01-01 (H&S 1374.30(a))

DMHC = pa.schema(
    [
        ("reference_id", pa.string()),
        ("part_id", pa.string()),
        ("report_year", pa.int32()),
        ("diagnosis_category", pa.string()),
        ("diagnosis_subcategory", pa.string()),
        ("treatment_category", pa.string()),
        ("treatment_subcategory", pa.string()),
        ("decision", pa.string()),  # upheld | overturned
        ("review_type", pa.string()),  # medical_necessity | experimental_investigational | ...
        ("age_range", pa.string()),
        ("gender", pa.string()),
        ("path", pa.string()),
        ("line", pa.int32()),
        ("ingested_at", pa.timestamp("us", tz="UTC")),
    ]
)

DMHC_RUNS = pa.schema(
    [
        ("path", pa.string()),
        ("content_hash", pa.string()),
        ("part_id", pa.string()),
        ("rows", pa.int32()),
        ("errors", pa.int32()),
        ("ingested_at", pa.timestamp("us", tz="UTC")),
    ]
)

DMHC_ERRORS = pa.schema(
    [
        ("path", pa.string()),
        ("line", pa.int32()),
        ("error", pa.string()),
        ("part_id", pa.string()),
        ("ingested_at", pa.timestamp("us", tz="UTC")),
    ]
)

DMHC_TABLES: dict[str, pa.Schema] = {
    "dmhc": DMHC,
    "dmhc_runs": DMHC_RUNS,
    "dmhc_errors": DMHC_ERRORS,
}


@dataclass(frozen=True)
class DmhcDecision:
    """One DMHC IMR decision as the open data gives it (no text, no dates but the year)."""

    reference_id: str
    report_year: int
    diagnosis_category: str | None
    diagnosis_subcategory: str | None
    treatment_category: str | None
    treatment_subcategory: str | None
    decision: str
    review_type: str
    age_range: str | None
    gender: str | None

    @property
    def overturned(self) -> bool:
        return self.decision == "overturned"


@dataclass(frozen=True)
class RowError:
    line: int
    message: str


@dataclass
class DmhcRead:
    """The decisions of one file (with their line numbers) and its bad rows."""

    decisions: list[tuple[int, DmhcDecision]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def is_dmhc_header(header: list[str]) -> bool:
    return [h.strip().lstrip("\ufeff") for h in header] == list(COLUMNS)


def _blank(value: str) -> str | None:
    value = value.strip()
    return value or None


def _decision(row: dict[str, str]) -> DmhcDecision:
    """One row checked and normalised; InvalidInput names the column that is wrong."""
    reference = row["Reference ID"].strip()
    match = _REFERENCE.match(reference)
    if not match:
        raise InvalidInput(
            f"Reference ID {reference!r} is not like MN16-22639", field="Reference ID"
        )
    try:
        year = int(row["Report Year"])
    except ValueError as err:
        raise InvalidInput(
            f"Report Year {row['Report Year']!r} is not a year", field="Report Year"
        ) from err
    if year < _FIRST_YEAR or year % 100 != int(match.group(1)):
        raise InvalidInput(
            f"Report Year {year} does not fit reference {reference} (IMR began in 2001)",
            field="Report Year",
        )
    determination = row["Determination"].strip()
    if determination not in DETERMINATIONS:
        raise InvalidInput(
            f"Determination {determination!r} is neither of {sorted(DETERMINATIONS)}",
            field="Determination",
        )
    kind = row["Type"].strip()
    if kind not in REVIEW_TYPES:
        raise InvalidInput(f"Type {kind!r} is none of {sorted(REVIEW_TYPES)}", field="Type")
    age = _blank(row["Age Range"])
    return DmhcDecision(
        reference_id=reference,
        report_year=year,
        diagnosis_category=_blank(row["Diagnosis Category"]),
        diagnosis_subcategory=_blank(row["Diagnosis Sub Category"]),
        treatment_category=_blank(row["Treatment Category"]),
        treatment_subcategory=_blank(row["Treatment Sub Category"]),
        decision=DETERMINATIONS[determination],
        review_type=REVIEW_TYPES[kind],
        age_range=age.replace("_", "-") if age else None,  # the source writes 11_20
        gender=_blank(row["Patient Gender"]),
    )


def read_dmhc(path: Path) -> DmhcRead:
    """Every decision of a DMHC CSV; a bad row is an error with its line, the rest go on.

    A file that is not such a CSV at all (unreadable, wrong columns) raises InvalidInput
    naming the file.
    """
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as err:
        raise InvalidInput(f"{path}: cannot read ({err.strerror or err})", field="path") from err
    out = DmhcRead()
    seen: dict[str, int] = {}
    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
        except (csv.Error, UnicodeDecodeError) as err:
            raise InvalidInput(f"{path}: not a readable CSV ({err})", field="path") from err
        if header is None or not is_dmhc_header(header):
            raise InvalidInput(
                f"{path}: not a DMHC IMR file: the header must be {', '.join(COLUMNS)}",
                field="path",
            )
        try:
            for values in reader:
                line = reader.line_num
                if not any(v.strip() for v in values):
                    continue
                if len(values) != len(COLUMNS):
                    out.errors.append(
                        RowError(line, f"{len(values)} columns, expected {len(COLUMNS)}")
                    )
                    continue
                try:
                    decision = _decision(dict(zip(COLUMNS, values, strict=True)))
                except InvalidInput as err:
                    out.errors.append(
                        RowError(line, f"column {err.details['field']}: {err.message}")
                    )
                    continue
                if decision.reference_id in seen:
                    first = seen[decision.reference_id]
                    out.errors.append(
                        RowError(line, f"Reference ID {decision.reference_id} repeats line {first}")
                    )
                    continue
                seen[decision.reference_id] = line
                out.decisions.append((line, decision))
        except (csv.Error, UnicodeDecodeError) as err:
            out.errors.append(RowError(reader.line_num, f"unreadable row ({err})"))
    return out


def discover_dmhc(inputs: list[Path]) -> Iterator[Path]:
    """The CSV files among `inputs`: files named `.csv`, and `.csv` files under folders."""
    for path in inputs:
        if path.is_dir():
            yield from (p for p in sorted(path.rglob("*.csv")) if p.is_file())
        elif path.suffix.lower() == ".csv":
            yield path


@dataclass
class DmhcIngest:
    """What `ingest_dmhc` did: files read, rows stored, files unchanged, bad rows."""

    files: int = 0
    stored: int = 0
    unchanged: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)  # (path:line, reason)
    in_store: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "stored": self.stored,
            "unchanged": self.unchanged,
            "failed": len(self.errors),
            "decisions_in_store": self.in_store,
            "errors": [{"path": p, "error": e} for p, e in self.errors],
        }


def _hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def ingest_dmhc(files: list[Path], part_dir: Any, known_hashes: set[str]) -> DmhcIngest:
    """Write each CSV's good rows as one part of `dmhc` (plus its run and its bad rows).

    `part_dir(table)` gives the folder of a table's parts; `known_hashes` are the content
    hashes of CSVs already ingested, which are skipped. A file that is not a DMHC CSV at
    all is one error and the other files go on.
    """
    summary = DmhcIngest()
    for path in files:
        summary.files += 1
        resolved = path.resolve() if path.exists() else path
        try:
            digest = _hash(path)
        except OSError as err:
            summary.errors.append((str(path), f"cannot read ({err.strerror or err})"))
            continue
        if digest in known_hashes:
            summary.unchanged += 1
            continue
        try:
            read = read_dmhc(path)
        except InvalidInput as err:
            summary.errors.append((str(path), err.message))
            continue
        part_id = f"dmhc-{uuid.uuid4().hex[:12]}"
        now = datetime.now(UTC)
        rows = [
            {**_row(d), "part_id": part_id, "path": str(resolved), "line": line, "ingested_at": now}
            for line, d in read.decisions
        ]
        errors = [
            {"path": str(resolved), "line": e.line, "error": e.message, "part_id": part_id,
             "ingested_at": now}
            for e in read.errors
        ]  # fmt: skip
        run = {
            "path": str(resolved),
            "content_hash": digest,
            "part_id": part_id,
            "rows": len(rows),
            "errors": len(errors),
            "ingested_at": now,
        }
        # The run row goes last: a run is only known (and its file skipped) once complete.
        pq.write_table(
            pa.Table.from_pylist(rows, schema=DMHC), part_dir("dmhc") / f"{part_id}.parquet"
        )
        pq.write_table(
            pa.Table.from_pylist(errors, schema=DMHC_ERRORS),
            part_dir("dmhc_errors") / f"{part_id}.parquet",
        )
        pq.write_table(
            pa.Table.from_pylist([run], schema=DMHC_RUNS),
            part_dir("dmhc_runs") / f"{part_id}.parquet",
        )
        known_hashes.add(digest)
        summary.stored += len(rows)
        summary.errors += [(f"{path}:{e.line}", e.message) for e in read.errors]
    return summary


def _row(decision: DmhcDecision) -> dict[str, Any]:
    return {
        "reference_id": decision.reference_id,
        "report_year": decision.report_year,
        "diagnosis_category": decision.diagnosis_category,
        "diagnosis_subcategory": decision.diagnosis_subcategory,
        "treatment_category": decision.treatment_category,
        "treatment_subcategory": decision.treatment_subcategory,
        "decision": decision.decision,
        "review_type": decision.review_type,
        "age_range": decision.age_range,
        "gender": decision.gender,
    }


def dmhc_view_statements(glob: Any) -> list[str]:
    """The DMHC views: `glob(table)` is the SQL-quoted glob of a table's part files."""
    return [
        f"CREATE OR REPLACE VIEW all_dmhc AS SELECT * FROM read_parquet('{glob('dmhc')}')",
        f"CREATE OR REPLACE VIEW dmhc_runs AS SELECT * FROM read_parquet('{glob('dmhc_runs')}')",
        "CREATE OR REPLACE VIEW all_dmhc_errors AS "
        f"SELECT * FROM read_parquet('{glob('dmhc_errors')}')",
        # The latest run of each reference id wins (a corrected file replaces older rows).
        "CREATE OR REPLACE VIEW dmhc AS SELECT * EXCLUDE (rn) FROM ("
        "  SELECT *, row_number() OVER (PARTITION BY reference_id "
        "                               ORDER BY ingested_at DESC, part_id DESC) AS rn "
        "  FROM all_dmhc) WHERE rn = 1",
        "CREATE OR REPLACE VIEW dmhc_errors AS SELECT e.* FROM all_dmhc_errors e "
        "JOIN (SELECT path, arg_max(part_id, ingested_at) AS part_id FROM dmhc_runs "
        "      GROUP BY path) latest USING (path, part_id)",
    ]
