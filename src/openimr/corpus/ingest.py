"""Bulk ingest of published letters into a corpus store, in this process or on Dask.

The input is split into chunks of files. Each chunk is one task: it hashes, parses and
flattens its letters and writes them as its own Parquet part files, then returns only a
small receipt (case numbers, hashes, errors). The driver never sees letter rows, so memory
stays bounded however many letters there are; it keeps the manifest (one entry per case
number) and a few chunks in flight.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import math
import os
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from tqdm import tqdm

from openimr.corpus.dmhc import DmhcIngest, discover_dmhc, ingest_dmhc
from openimr.corpus.schema import ERRORS, ITEMS, LETTERS, Categoriser, error_row, letter_rows
from openimr.corpus.store import CorpusStore, ManifestEntry

LETTER_SUFFIXES = {".pdf", ".txt"}
MAX_CHUNK = 500
# Rewrite the store once more than this share of its letter rows are superseded versions.
COMPACT_ABOVE = 0.3


@dataclass(frozen=True)
class ChunkSpec:
    """One task: the files to ingest, where to write them, and their input order."""

    part_id: str
    paths: tuple[str, ...]
    first_seq: int  # input position of paths[0]; later input wins for a repeated case


@dataclass(frozen=True)
class KnownHashes:
    """Content hashes already in the store (wrapped so Dask ships it as one object)."""

    hashes: frozenset[str]


@dataclass(frozen=True)
class StoredLetter:
    case_number: str
    content_hash: str
    path: str
    seq: int


@dataclass
class ChunkReceipt:
    """What a chunk task hands back to the driver: no rows, only bookkeeping."""

    part_id: str
    files: int = 0
    stored: list[StoredLetter] = field(default_factory=list)
    unchanged: list[tuple[str, int]] = field(default_factory=list)  # (content hash, seq)
    items: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    error_hashes: list[str | None] = field(default_factory=list)  # parallel to errors
    task_seconds: float = 0.0  # wall time of the task in its worker
    task_cpu_seconds: float = 0.0  # CPU time of the task (below wall time: CPU was contended)


@dataclass
class IngestSummary:
    files: int = 0
    stored: int = 0  # letters written by this run (new or replacing)
    replaced: int = 0  # of which replaced an earlier version of the same case
    unchanged: int = 0  # skipped: same content already stored
    failed: int = 0
    items: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    letters_in_store: int = 0
    seconds: float = 0.0  # hashing, parsing and writing the parts
    task_seconds: float = 0.0  # summed over chunk tasks: time workers spent on them
    task_cpu_seconds: float = 0.0  # ... and the CPU time they got in that time
    index_seconds: float = 0.0
    compacted: bool = False
    dmhc: DmhcIngest | None = None  # the DMHC decision files of this run, if any

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "stored": self.stored,
            "replaced": self.replaced,
            "unchanged": self.unchanged,
            "failed": self.failed,
            "items": self.items,
            "letters_in_store": self.letters_in_store,
            "seconds": round(self.seconds, 3),
            "index_seconds": round(self.index_seconds, 3),
            "task_seconds": round(self.task_seconds, 3),
            "task_cpu_seconds": round(self.task_cpu_seconds, 3),
            "compacted": self.compacted,
            "errors": [{"path": p, "error": e} for p, e in self.errors],
            "dmhc": None if self.dmhc is None else self.dmhc.to_dict(),
        }


# -- finding the files -------------------------------------------------------------------


def discover(inputs: Iterable[str | Path]) -> Iterator[str]:
    """Letter files under the given paths: files as given, folders searched recursively.

    A folder contributes only `.pdf` and `.txt` files; a file named explicitly is always
    tried (and fails loudly if it is no letter). A missing path is yielded too, so that
    its error is recorded like any other.
    """
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                if found.is_file() and found.suffix.lower() in LETTER_SUFFIXES:
                    yield str(found.resolve())
        else:
            yield str(path.resolve()) if path.exists() else str(path)


def chunk_size_for(n_files: int, workers: int) -> int:
    """Chunks small enough to keep every worker busy (4 per worker), at most MAX_CHUNK."""
    return max(1, min(MAX_CHUNK, math.ceil(n_files / max(1, workers * 4))))


def plan_chunks(files: list[str], size: int, run_id: str) -> Iterator[ChunkSpec]:
    for number, start in enumerate(range(0, len(files), size)):
        yield ChunkSpec(f"{run_id}-{number:06d}", tuple(files[start : start + size]), start)


# -- one chunk (runs in a worker) -------------------------------------------------------


@functools.cache
def default_categoriser() -> Categoriser:
    """The service category of an item description, from the evidence item normaliser.

    One per process (each Dask worker builds its own), so its cache lasts the whole run.
    """
    from openimr.evidence.normalise import normalise_item

    # Published descriptions repeat a lot ("Norco 10/325mg #60"); normalising is ~1 ms.
    @functools.lru_cache(maxsize=65536)
    def categorise(description: str) -> str | None:
        return normalise_item(description).category

    return categorise


def file_hash(path: str) -> str:
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def process_chunk(
    spec: ChunkSpec, known: KnownHashes, store_root: str, categorise: Categoriser | None = None
) -> ChunkReceipt:
    """Hash and parse the chunk's files, then write its part files (runs in a worker)."""
    from openimr.letters.parse import parse_letter_file

    started, cpu_started = time.perf_counter(), time.process_time()
    parsed: list[tuple[dict[str, Any], str, int]] = []
    receipt = ChunkReceipt(part_id=spec.part_id, files=len(spec.paths))
    for offset, path in enumerate(spec.paths):
        digest: str | None = None
        try:
            digest = file_hash(path)
            if digest in known.hashes:
                receipt.unchanged.append((digest, spec.first_seq + offset))
                continue
            letter = parse_letter_file(path).model_dump(mode="json")
        except Exception as err:  # noqa: BLE001 - one bad file must not stop the batch
            receipt.errors.append((path, _describe(err, path)))
            receipt.error_hashes.append(digest)
            continue
        letter["path"] = path
        parsed.append((letter, digest, spec.first_seq + offset))
    write_chunk(CorpusStore(Path(store_root)), receipt, parsed, categorise)
    receipt.task_seconds = time.perf_counter() - started
    receipt.task_cpu_seconds = time.process_time() - cpu_started
    return receipt


def write_chunk(
    store: CorpusStore,
    receipt: ChunkReceipt,
    parsed: list[tuple[dict[str, Any], str, int]],
    categorise: Categoriser | None,
) -> None:
    """Flatten parsed letters (dict, content hash, input position) into the chunk's parts."""
    categorise = categorise or default_categoriser()
    now = datetime.now(UTC)
    letters: dict[str, tuple[dict[str, Any], list[dict[str, Any]], StoredLetter]] = {}
    for letter, digest, seq in parsed:
        path = str(letter.get("path") or "")
        if not letter.get("case_number"):
            receipt.errors.append((path, "no case number found, so the letter cannot be stored"))
            receipt.error_hashes.append(digest)
            continue
        try:
            letter_row, item_rows = letter_rows(
                letter,
                part_id=receipt.part_id,
                content_hash=digest,
                categorise=categorise,
                ingested_at=now,
            )
        except Exception as err:  # noqa: BLE001 - e.g. the categoriser failing on one item
            receipt.errors.append((path, f"cannot store the parsed letter: {_describe(err, path)}"))
            receipt.error_hashes.append(digest)
            continue
        stored = StoredLetter(letter["case_number"], digest, path, seq)
        # A case repeated inside the chunk: the later one wins, as it would across chunks.
        letters[stored.case_number] = (letter_row, item_rows, stored)
    for _, item_rows, stored in letters.values():
        receipt.stored.append(stored)
        receipt.items += len(item_rows)
    errors = [
        error_row(path, digest, message, receipt.part_id)
        for (path, message), digest in zip(receipt.errors, receipt.error_hashes, strict=True)
    ]
    _write(store, "letters", receipt.part_id, [v[0] for v in letters.values()], LETTERS)
    _write(store, "items", receipt.part_id, [r for v in letters.values() for r in v[1]], ITEMS)
    _write(store, "errors", receipt.part_id, errors, ERRORS)


def _describe(err: Exception, path: str) -> str:
    """The reason a file failed, without repeating its path (the error line names it)."""
    if isinstance(err, OSError):
        return f"cannot read file: {err.strerror or err}"
    text = str(err) or type(err).__name__
    for prefix in (f"{path}: ", f"{Path(path).name}: "):
        text = text.removeprefix(prefix)
    return text if type(err).__name__ == "LetterParseError" else f"{type(err).__name__}: {text}"


def _write(
    store: CorpusStore, table: str, part_id: str, rows: list[dict[str, Any]], schema: pa.Schema
) -> None:
    if not rows:
        return
    target = store.part_path(table, part_id)
    tmp = target.with_suffix(".tmp")
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), tmp)
    os.replace(tmp, target)  # a half-written file never matches the *.parquet glob


# -- the driver ------------------------------------------------------------------------


class _Run:
    """The driver's side of one ingest: the manifest, the summary, and the final writes."""

    def __init__(self, store: CorpusStore, files: int, progress: bool) -> None:
        self.store = store
        self.manifest = store.load_manifest()
        self.before = dict(self.manifest)
        self.case_of_hash = {e.content_hash: case for case, e in self.manifest.items()}
        self.known = KnownHashes(frozenset(self.case_of_hash))
        self.run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
        self.summary = IngestSummary(files=files)
        self.seq_of: dict[str, int] = {}  # case number -> input position of the version kept
        self.started = time.perf_counter()
        self.bar = tqdm(
            total=files, unit="letter", desc="ingest", file=sys.stderr, disable=not progress
        )

    def take(self, receipt: ChunkReceipt) -> None:
        self.summary.unchanged += len(receipt.unchanged)
        self.summary.items += receipt.items
        self.summary.errors.extend(receipt.errors)
        self.summary.task_seconds += receipt.task_seconds
        self.summary.task_cpu_seconds += receipt.task_cpu_seconds
        for letter in receipt.stored:
            self._keep(
                letter.case_number,
                letter.seq,
                ManifestEntry(receipt.part_id, letter.content_hash, letter.path),
            )
        for digest, seq in receipt.unchanged:
            # An unchanged file still counts as its case's latest input: it must win over
            # an earlier file of this run that holds another version of the same case.
            case = self.case_of_hash[digest]
            self._keep(case, seq, self.before[case])
        self.bar.update(receipt.files)

    def _keep(self, case: str, seq: int, entry: ManifestEntry) -> None:
        if self.seq_of.get(case, -1) > seq:
            return  # a later input of this run already holds this case
        self.seq_of[case] = seq
        self.manifest[case] = entry

    def finish(self, build_index: bool) -> IngestSummary:
        """Publish the new manifest, compact when worthwhile, rebuild views and index."""
        self.bar.close()
        summary = self.summary
        summary.seconds = time.perf_counter() - self.started
        written = [c for c in self.seq_of if self.manifest[c] != self.before.get(c)]
        summary.stored = len(written)
        summary.replaced = sum(1 for case in written if case in self.before)
        summary.failed = len(summary.errors)
        summary.letters_in_store = len(self.manifest)
        self.store.write_manifest(self.manifest)
        if self.store.dead_fraction() > COMPACT_ABOVE:
            self.store.compact()
            summary.compacted = True
        else:
            self.store.write_database()
        if build_index:
            from openimr.corpus.search import ItemIndex

            index_started = time.perf_counter()
            ItemIndex.from_store(self.store.root)
            summary.index_seconds = time.perf_counter() - index_started
        return summary


def ingest(
    inputs: Iterable[str | Path],
    store_dir: Path,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = False,
    build_index: bool = True,
    categorise: Categoriser | None = None,
) -> IngestSummary:
    """Ingest letter files into the store at `store_dir` (created when absent).

    `workers=None` and no `scheduler`: in this process. Otherwise on Dask: a LocalCluster
    of `workers` single-threaded processes, or the cluster at `scheduler` (whose workers
    must see the same file system). `categorise` must be picklable for Dask.
    """
    store = CorpusStore.create(store_dir)
    paths = [Path(p) for p in inputs]
    # DMHC decision files (CSV) are the second source; everything else is a letter.
    tables = list(discover_dmhc(paths))
    letter_inputs = [p for p in paths if not (p.suffix.lower() == ".csv" and not p.is_dir())]
    dmhc = _ingest_dmhc(store, tables) if tables else None
    files = list(discover(letter_inputs))
    if tables and not files:
        summary = IngestSummary(letters_in_store=len(store.load_manifest()), dmhc=dmhc)
        store.write_database()
        return summary
    run = _Run(store, len(files), progress)
    chunks = plan_chunks(files, chunk_size_for(len(files), workers or 1), run.run_id)
    root = str(store.root.resolve())
    try:
        if workers is None and scheduler is None:
            for spec in chunks:
                run.take(process_chunk(spec, run.known, root, categorise))
        else:
            _run_on_dask(chunks, run.known, root, categorise, workers or 1, scheduler, run.take)
    finally:
        run.bar.close()
    summary = run.finish(build_index)
    summary.dmhc = dmhc
    return summary


def _ingest_dmhc(store: CorpusStore, files: list[Path]) -> DmhcIngest:
    con = store.connect()
    try:
        known = {str(h) for (h,) in con.execute("SELECT content_hash FROM dmhc_runs").fetchall()}
    finally:
        con.close()
    summary = ingest_dmhc(files, store.part_dir, known)
    con = store.connect()
    try:
        row = con.execute("SELECT count(*) FROM dmhc").fetchone()
    finally:
        con.close()
    summary.in_store = int(row[0]) if row else 0
    return summary


def add_letters(
    letters: Iterable[dict[str, Any]],
    store_dir: Path,
    *,
    build_index: bool = True,
    categorise: Categoriser | None = None,
) -> IngestSummary:
    """Store letters already parsed (`letter parse` dicts), as `ingest` stores files.

    For callers that hold letters rather than files (a service publishing its own letters,
    tests). The content hash is that of the dict's canonical JSON.
    """
    store = CorpusStore.create(store_dir)
    run = _Run(store, 0, progress=False)
    batch: list[tuple[dict[str, Any], str, int]] = []
    number = 0
    for seq, letter in enumerate(letters):
        canonical = json.dumps(letter, sort_keys=True, default=str).encode()
        digest = hashlib.sha256(canonical).hexdigest()
        run.summary.files += 1
        if digest in run.known.hashes:
            run.take(ChunkReceipt(part_id="", unchanged=[(digest, seq)]))
            continue
        batch.append((letter, digest, seq))
        if len(batch) == MAX_CHUNK:
            _add_batch(store, run, batch, number, categorise)
            number += 1
    if batch:
        _add_batch(store, run, batch, number, categorise)
    return run.finish(build_index)


def _add_batch(
    store: CorpusStore,
    run: _Run,
    batch: list[tuple[dict[str, Any], str, int]],
    number: int,
    categorise: Categoriser | None,
) -> None:
    receipt = ChunkReceipt(part_id=f"{run.run_id}-{number:06d}", files=len(batch))
    write_chunk(store, receipt, batch, categorise)
    run.take(receipt)
    batch.clear()


def _run_on_dask(
    chunks: Iterator[ChunkSpec],
    known: KnownHashes,
    root: str,
    categorise: Categoriser | None,
    workers: int,
    scheduler: str | None,
    take: Callable[[ChunkReceipt], None],
) -> None:
    """Run the chunk tasks on Dask, keeping two per worker in flight (bounded memory)."""
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        client = Client(cluster)
    else:
        client = Client(scheduler)
    try:
        n_workers = len(client.scheduler_info().get("workers", {})) or workers
        known_ref = client.scatter(known, broadcast=True)
        pending = as_completed()
        for spec in islice(chunks, 2 * n_workers):
            pending.add(client.submit(process_chunk, spec, known_ref, root, categorise, pure=False))
        for future in pending:
            take(future.result())
            future.release()
            spec_next = next(chunks, None)
            if spec_next is not None:
                pending.add(
                    client.submit(process_chunk, spec_next, known_ref, root, categorise, pure=False)
                )
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
