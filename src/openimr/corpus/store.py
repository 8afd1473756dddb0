"""The corpus store on disk: Parquet part files, a manifest, and DuckDB views over them.

Layout of a store directory::

    store.json                    format version and generation (changes on every write)
    manifest.parquet              case_number -> live part_id, content_hash, path
    parts/letters/<part>.parquet  one file per ingest chunk
    parts/items/<part>.parquet
    parts/errors/<part>.parquet
    corpus.duckdb                 the same views, for analysts (`duckdb corpus.duckdb`)
    index/                        the saved bm25s search index (see `search.py`)

Replacement without rewriting: a re-ingested letter goes to a new part and the manifest
points its case number there; the views join rows to the manifest on (case_number,
part_id), so the old rows vanish from every query. `compact()` later rewrites the live rows
into one file per table and deletes the rest.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from openimr.corpus.dmhc import DMHC_TABLES, dmhc_view_statements
from openimr.corpus.schema import TABLES, IndexedItem, item_text
from openimr.domain.errors import InvalidInput, NotFound

FORMAT = 1
_META = "store.json"
_MANIFEST = "manifest.parquet"
_DATABASE = "corpus.duckdb"
_EMPTY_PART = "_empty.parquet"  # schema-only, so a glob over a table always matches a file
# The letters' tables and the DMHC decisions' (a second source, see corpus/dmhc.py).
ALL_TABLES: dict[str, pa.Schema] = {**TABLES, **DMHC_TABLES}

MANIFEST_SCHEMA = pa.schema(
    [
        ("case_number", pa.string()),
        ("part_id", pa.string()),
        ("content_hash", pa.string()),
        ("path", pa.string()),
    ]
)


@dataclass(frozen=True)
class ManifestEntry:
    """Where the live version of one case lives, and the hash of the file it came from."""

    part_id: str
    content_hash: str
    path: str


class CorpusStore:
    """A store directory; every reader and writer of the corpus goes through this object."""

    def __init__(self, root: Path) -> None:
        self.root = root

    # -- opening --------------------------------------------------------------------------

    @classmethod
    def create(cls, root: Path) -> CorpusStore:
        """Open the store at `root`, making an empty one when the directory holds none."""
        store = cls(root)
        if (root / _META).exists():
            return cls.open(root)
        if root.exists() and not root.is_dir():
            raise InvalidInput(f"store path {root} is a file, not a directory", field="store")
        if root.is_dir() and any(root.iterdir()):
            # Never scatter store files into a folder that holds something else (letters?).
            raise InvalidInput(
                f"{root} is not empty and is not a corpus store; give a new or empty directory",
                field="store",
            )
        store._add_missing_tables()
        store.write_manifest({})
        return store

    def _add_missing_tables(self) -> None:
        """Give every table its folder and schema-only part (a store made before the DMHC
        tables existed gets them on open)."""
        for table, schema in ALL_TABLES.items():
            folder = self.part_dir(table)
            if not (folder / _EMPTY_PART).exists():
                folder.mkdir(parents=True, exist_ok=True)
                pq.write_table(schema.empty_table(), folder / _EMPTY_PART)

    @classmethod
    def open(cls, root: Path) -> CorpusStore:
        """Open an existing store; a clear error when `root` is not one."""
        if not root.is_dir():
            raise NotFound(
                f"no corpus store at {root}: the directory does not exist "
                "(create it with `openimr corpus ingest PATH... --store DIR`)",
                field="store",
            )
        meta_path = root / _META
        if not meta_path.exists():
            raise NotFound(
                f"{root} is not a corpus store ({_META} missing); "
                "create one with `openimr corpus ingest PATH... --store DIR`",
                field="store",
            )
        try:
            meta = json.loads(meta_path.read_text())
        except json.JSONDecodeError as err:
            raise InvalidInput(f"{meta_path}: not valid JSON ({err})", field="store") from err
        if meta.get("format") != FORMAT:
            raise InvalidInput(
                f"{meta_path}: store format {meta.get('format')!r}, this openimr reads {FORMAT}",
                field="store",
            )
        store = cls(root)
        store._add_missing_tables()
        return store

    def part_dir(self, table: str) -> Path:
        return self.root / "parts" / table

    def part_path(self, table: str, part_id: str) -> Path:
        return self.part_dir(table) / f"{part_id}.parquet"

    # -- manifest -------------------------------------------------------------------------

    def generation(self) -> str:
        """An id that changes whenever the manifest is rewritten (used to spot a stale index)."""
        return str(json.loads((self.root / _META).read_text())["generation"])

    def load_manifest(self) -> dict[str, ManifestEntry]:
        table = pq.read_table(self.root / _MANIFEST)
        return {
            row["case_number"]: ManifestEntry(row["part_id"], row["content_hash"], row["path"])
            for row in table.to_pylist()
        }

    def write_manifest(self, manifest: dict[str, ManifestEntry]) -> None:
        """Replace the manifest atomically, then bump the generation."""
        table = pa.table(
            {
                "case_number": list(manifest),
                "part_id": [e.part_id for e in manifest.values()],
                "content_hash": [e.content_hash for e in manifest.values()],
                "path": [e.path for e in manifest.values()],
            },
            schema=MANIFEST_SCHEMA,
        )
        tmp = self.root / f"{_MANIFEST}.tmp"
        pq.write_table(table, tmp)
        os.replace(tmp, self.root / _MANIFEST)
        meta = {"format": FORMAT, "generation": uuid.uuid4().hex}
        tmp_meta = self.root / f"{_META}.tmp"
        tmp_meta.write_text(json.dumps(meta))
        os.replace(tmp_meta, self.root / _META)

    # -- querying -------------------------------------------------------------------------

    def connect(self) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB connection with the corpus views over this store's files."""
        con = duckdb.connect()
        for statement in view_statements(self.root):
            con.execute(statement)
        return con

    def write_database(self) -> Path:
        """(Re)write `corpus.duckdb`: the same views, persisted for use outside openimr."""
        path = self.root / _DATABASE
        tmp = self.root / f"{_DATABASE}.tmp"
        tmp.unlink(missing_ok=True)
        con = duckdb.connect(str(tmp))
        try:
            for statement in view_statements(self.root.resolve()):
                con.execute(statement)
        finally:
            con.close()
        os.replace(tmp, path)
        return path

    def iter_search_items(self, batch_rows: int = 5000) -> Iterator[tuple[IndexedItem, str]]:
        """(entry, text) pairs for the search index, streamed from the live items."""
        con = self.connect()
        try:
            reader = con.sql(
                """
                SELECT i.case_number, i.description, i.decision,
                       strftime(l.decision_date, '%Y-%m-%d') AS decision_date,
                       to_json(i.imr_guideline)::VARCHAR AS citations, i.rationale
                FROM items i JOIN letters l USING (case_number)
                ORDER BY i.case_number, i.item_no
                """
            ).to_arrow_reader(batch_rows)
            for batch in reader:
                for row in batch.to_pylist():
                    entry = IndexedItem(
                        case_number=row["case_number"],
                        description=row["description"] or "",
                        decision=row["decision"] or "",
                        decision_date=row["decision_date"],
                        citations_json=row["citations"] or "[]",
                    )
                    yield entry, item_text(row["description"], row["rationale"])
        finally:
            con.close()

    # -- compaction -----------------------------------------------------------------------

    def dead_fraction(self) -> float:
        """Share of stored letter rows that the manifest no longer points at."""
        con = self.connect()
        try:
            total = con.execute("SELECT count(*) FROM all_letters").fetchone()
            live = con.execute("SELECT count(*) FROM letters").fetchone()
        finally:
            con.close()
        total_n = int(total[0]) if total else 0
        live_n = int(live[0]) if live else 0
        return 0.0 if total_n == 0 else 1 - live_n / total_n

    def compact(self) -> None:
        """Rewrite live rows into one part per table and delete every other part file.

        DuckDB streams each COPY, so memory stays bounded however large the corpus is.
        Orphan parts of an interrupted ingest (never in the manifest) go too.
        """
        part_id = f"compact-{uuid.uuid4().hex[:12]}"
        con = self.connect()
        try:
            for table in ("letters", "items", "errors"):
                target = self.part_path(table, part_id)
                con.execute(
                    f"COPY (SELECT * REPLACE ('{part_id}' AS part_id) FROM {table}) "
                    f"TO '{_sql_path(target)}' (FORMAT parquet)"
                )
            # DMHC rows keep their own part ids: their views read them from the rows.
            for table, query in (
                ("dmhc", "SELECT * FROM dmhc"),
                ("dmhc_runs", "SELECT * FROM dmhc_runs"),
                ("dmhc_errors", "SELECT * FROM dmhc_errors"),
            ):
                target = self.part_path(table, part_id)
                con.execute(f"COPY ({query}) TO '{_sql_path(target)}' (FORMAT parquet)")
        finally:
            con.close()
        manifest = {
            case: ManifestEntry(part_id, entry.content_hash, entry.path)
            for case, entry in self.load_manifest().items()
        }
        self.write_manifest(manifest)
        keep = {_EMPTY_PART, f"{part_id}.parquet"}
        for table in ALL_TABLES:
            for file in self.part_dir(table).glob("*.parquet"):
                if file.name not in keep:
                    file.unlink()
        self.write_database()


def _sql_path(path: Path) -> str:
    return path.as_posix().replace("'", "''")


def view_statements(root: Path) -> list[str]:
    """The SQL that defines the corpus views over a store's Parquet files.

    `all_*` views see every stored row; `letters`, `items` and `citations` see only the
    live version of each case; `errors` shows, per path, the latest failure of a file
    that has not been stored successfully since.
    """

    def glob(table: str) -> str:
        return _sql_path(root / "parts" / table / "*.parquet")

    manifest = _sql_path(root / _MANIFEST)
    return [
        f"CREATE OR REPLACE VIEW manifest AS SELECT * FROM read_parquet('{manifest}')",
        f"CREATE OR REPLACE VIEW all_letters AS SELECT * FROM read_parquet('{glob('letters')}')",
        f"CREATE OR REPLACE VIEW all_items AS SELECT * FROM read_parquet('{glob('items')}')",
        f"CREATE OR REPLACE VIEW all_errors AS SELECT * FROM read_parquet('{glob('errors')}')",
        "CREATE OR REPLACE VIEW letters AS SELECT l.* FROM all_letters l "
        "JOIN manifest m ON l.case_number = m.case_number AND l.part_id = m.part_id",
        "CREATE OR REPLACE VIEW items AS SELECT i.* FROM all_items i "
        "JOIN manifest m ON i.case_number = m.case_number AND i.part_id = m.part_id",
        # One row per citation of the IMR guideline list (what the reviewer relied on).
        "CREATE OR REPLACE VIEW citations AS "
        "SELECT case_number, item_no, decision, category, position, "
        "citation.source AS source, citation.guideline AS guideline, "
        "citation.edition AS edition, citation.sections AS sections, citation.pages AS pages, "
        "citation.strength AS strength, citation.text AS text "
        "FROM (SELECT case_number, item_no, decision, category, "
        "unnest(imr_guideline) AS citation, generate_subscripts(imr_guideline, 1) AS position "
        "FROM items)",
        "CREATE OR REPLACE VIEW errors AS "
        "SELECT * EXCLUDE (rn) FROM ("
        "  SELECT *, row_number() OVER (PARTITION BY path ORDER BY ingested_at DESC) AS rn "
        "  FROM all_errors "
        "  WHERE path NOT IN (SELECT path FROM manifest)"
        ") WHERE rn = 1",
        *dmhc_view_statements(glob),
    ]
