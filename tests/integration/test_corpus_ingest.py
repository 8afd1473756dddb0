"""Ingesting real letter files: parsing, replacement, skipping, bad files, and Dask."""

from __future__ import annotations

import shutil
from pathlib import Path

from openimr.corpus.ingest import discover, ingest
from openimr.corpus.stats import compute_stats
from openimr.corpus.store import CorpusStore

FIRST = "CM16-0219557"  # one item, "Facet joint injections L4-5, L5-S1: Upheld"


def _letters(source: Path, count: int, target: Path) -> Path:
    """Copy `count` dev letters into a scratch folder (tests may then alter or add files)."""
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.glob("*.txt"))[:count]:
        shutil.copy(path, target / path.name)
    return target


def test_ingest_stores_one_row_per_letter_and_per_item(dwc_text_dir: Path, tmp_path: Path) -> None:
    folder = _letters(dwc_text_dir, 4, tmp_path / "in")
    summary = ingest([folder], tmp_path / "store", build_index=False)
    assert (summary.files, summary.stored, summary.failed) == (4, 4, 0)
    con = CorpusStore.open(tmp_path / "store").connect()
    letters = con.execute("SELECT case_number, item_count FROM letters ORDER BY 1").fetchall()
    items = con.execute("SELECT count(*) FROM items").fetchone()
    facet = con.execute(
        "SELECT description, decision, category FROM items WHERE case_number = ?", [FIRST]
    ).fetchall()
    assert [case for case, _ in letters][0] == FIRST
    assert items == (sum(n for _, n in letters),)
    assert facet == [("Facet joint injections L4-5, L5-S1", "upheld", facet[0][2])]
    assert facet[0][2] is not None  # the evidence normaliser gave it a category


def test_reingesting_a_changed_letter_replaces_it(dwc_text_dir: Path, tmp_path: Path) -> None:
    folder = _letters(dwc_text_dir, 3, tmp_path / "in")
    store_dir = tmp_path / "store"
    ingest([folder], store_dir, build_index=False)
    letter = folder / f"{FIRST}.txt"
    letter.write_text(letter.read_text().replace(":  Upheld", ":  Overturned", 1))
    summary = ingest([folder], store_dir, build_index=False)
    assert (summary.stored, summary.replaced, summary.unchanged) == (1, 1, 2)
    con = CorpusStore.open(store_dir).connect()
    rows = con.execute("SELECT decision FROM items WHERE case_number = ?", [FIRST]).fetchall()
    assert rows == [("overturned",)]
    assert con.execute("SELECT count(*) FROM letters").fetchone() == (3,)


def test_reingesting_unchanged_letters_parses_nothing(dwc_text_dir: Path, tmp_path: Path) -> None:
    folder = _letters(dwc_text_dir, 3, tmp_path / "in")
    ingest([folder], tmp_path / "store", build_index=False)
    summary = ingest([folder], tmp_path / "store", build_index=False)
    assert (summary.unchanged, summary.stored, summary.replaced) == (3, 0, 0)


def test_bad_files_are_recorded_and_the_batch_goes_on(dwc_text_dir: Path, tmp_path: Path) -> None:
    folder = _letters(dwc_text_dir, 2, tmp_path / "in")
    (folder / "empty.txt").write_text("")
    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.4\n\x00\x01 not really a pdf")
    (folder / "notes.txt").write_text("Shopping list: milk, eggs.\n")
    summary = ingest([folder, tmp_path / "missing.txt"], tmp_path / "store", build_index=False)
    assert summary.stored == 2
    failed = {Path(path).name: reason for path, reason in summary.errors}
    assert set(failed) == {"empty.txt", "corrupt.pdf", "notes.txt", "missing.txt"}
    assert all(reason for reason in failed.values())
    stats = compute_stats(CorpusStore.open(tmp_path / "store"))
    assert (stats.letters, stats.errors) == (2, 4)


def test_dask_with_two_workers_stores_what_one_process_stores(
    dwc_text_dir: Path, tmp_path: Path
) -> None:
    folder = _letters(dwc_text_dir, 20, tmp_path / "in")
    local = ingest([folder], tmp_path / "local", build_index=False)
    on_dask = ingest([folder], tmp_path / "dask", workers=2, build_index=False)
    assert (on_dask.stored, on_dask.items, on_dask.failed) == (local.stored, local.items, 0)
    assert len(list((tmp_path / "dask" / "parts" / "letters").glob("*-*.parquet"))) > 1
    a = compute_stats(CorpusStore.open(tmp_path / "local")).to_dict()
    b = compute_stats(CorpusStore.open(tmp_path / "dask")).to_dict()
    assert a == b


def test_encrypted_pdf_letters_are_ingested(dwc_pdf_dir: Path, tmp_path: Path) -> None:
    pdfs = sorted(dwc_pdf_dir.glob("*.pdf"))[:2]
    summary = ingest(pdfs, tmp_path / "store", build_index=False)
    assert (summary.stored, summary.failed) == (2, 0)


def test_folders_contribute_only_pdf_and_txt_files(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    for name in ("a.txt", "sub/b.PDF", "c.json", "sub/d.docx"):
        (tmp_path / name).write_text("x")
    found = sorted(Path(p).name for p in discover([tmp_path]))
    assert found == ["a.txt", "b.PDF"]
    assert list(discover([tmp_path / "c.json"])) == [str((tmp_path / "c.json").resolve())]


def test_ingest_runs_on_an_existing_cluster_given_its_scheduler_address(
    dwc_text_dir: Path, tmp_path: Path
) -> None:
    from distributed import LocalCluster

    folder = _letters(dwc_text_dir, 4, tmp_path / "in")
    with LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=None) as cluster:
        summary = ingest(
            [folder], tmp_path / "store", scheduler=cluster.scheduler_address, build_index=False
        )
    assert (summary.stored, summary.failed) == (4, 0)
