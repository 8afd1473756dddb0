"""The corpus store on disk: stats on a known set, replacement, skipping, compaction, report."""

from __future__ import annotations

import copy
from pathlib import Path

import duckdb
import pytest

from openimr.corpus.ingest import add_letters
from openimr.corpus.report import render_report
from openimr.corpus.search import ItemIndex
from openimr.corpus.stats import RateRow, compute_stats
from openimr.corpus.store import CorpusStore
from openimr.domain.errors import InvalidInput, NotFound
from tests.unit.corpus.letters import KNOWN_SET, categorise, item, letter


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "store"
    add_letters(copy.deepcopy(KNOWN_SET), directory, categorise=categorise)
    return directory


def _by_key(rows: list[RateRow]) -> dict[str, tuple[int, int, int]]:
    return {r.key: (r.items, r.upheld, r.overturned) for r in rows}


def test_stats_of_a_known_set_are_exact(store_dir: Path) -> None:
    stats = compute_stats(CorpusStore.open(store_dir))
    assert (stats.letters, stats.items, stats.errors) == (3, 5, 0)
    assert (stats.overall.upheld, stats.overall.overturned) == (2, 3)
    assert stats.overall.overturn_rate == pytest.approx(0.6)
    assert _by_key(stats.by_category) == {
        "imaging/mri": (1, 1, 0),
        "medication/opioid": (1, 0, 1),
        "therapy/pt": (1, 0, 1),
        "dme": (1, 1, 0),
        "therapy/acupuncture": (1, 0, 1),
    }
    assert _by_key(stats.by_guideline) == {
        "MTUS: Chronic Pain Medical Treatment": (2, 0, 2),
        "non-MTUS: Official Disability Guidelines": (2, 1, 1),
        "MTUS: Shoulder Complaints": (1, 1, 0),
        "no evidence cited": (1, 0, 1),
    }
    assert _by_key(stats.by_source) == {"MTUS": (3, 1, 2), "non-MTUS": (2, 1, 1), "none": (1, 0, 1)}
    assert _by_key(stats.by_specialty) == {
        "Family Practice": (3, 1, 2),
        "Orthopedic Surgery": (2, 1, 1),
        "Sports Medicine": (2, 1, 1),
    }
    assert _by_key(stats.by_month) == {"2016-12": (2, 1, 1), "2017-01": (3, 1, 2)}
    assert _by_key(stats.by_priority) == {"standard": (4, 2, 2), "expedited": (1, 0, 1)}
    assert stats.items_per_letter == {
        "mean": pytest.approx(5 / 3, abs=1e-3),
        "median": 2.0,
        "max": 2.0,
    }
    assert stats.items_per_letter_histogram == {1: 1, 2: 2}
    assert (stats.letters_citing_no_evidence, stats.items_citing_no_evidence) == (1, 1)
    assert stats.share_letters_citing_no_evidence == pytest.approx(1 / 3)


def test_reingesting_a_case_replaces_its_letter_and_items(store_dir: Path) -> None:
    changed = letter("CM-1", [item("MRI of the right shoulder without contrast", "overturned")])
    summary = add_letters([changed], store_dir, categorise=categorise)
    assert (summary.stored, summary.replaced) == (1, 1)
    stats = compute_stats(CorpusStore.open(store_dir))
    assert (stats.letters, stats.items) == (3, 4)
    assert _by_key(stats.by_category)["imaging/mri"] == (1, 0, 1)
    assert "medication/opioid" not in _by_key(stats.by_category)


def test_unchanged_letters_are_skipped(store_dir: Path) -> None:
    summary = add_letters(copy.deepcopy(KNOWN_SET), store_dir, categorise=categorise)
    assert (summary.unchanged, summary.stored, summary.replaced) == (3, 0, 0)
    assert compute_stats(CorpusStore.open(store_dir)).letters == 3


def test_the_later_of_two_versions_in_one_batch_wins(tmp_path: Path) -> None:
    first = letter("CM-7", [item("Norco", "upheld")])
    second = letter("CM-7", [item("Norco", "overturned")])
    add_letters([first, second], tmp_path / "s", categorise=categorise)
    stats = compute_stats(CorpusStore.open(tmp_path / "s"))
    assert (stats.letters, stats.overall.overturned, stats.overall.upheld) == (1, 1, 0)


def test_compaction_keeps_live_rows_and_drops_replaced_parts(store_dir: Path) -> None:
    store = CorpusStore.open(store_dir)
    add_letters(
        [letter("CM-2", [item("Hot/cold unit purchase", "overturned")])],
        store_dir,
        categorise=categorise,
        build_index=False,
    )
    assert store.dead_fraction() > 0
    before = compute_stats(store).to_dict()
    store.compact()
    assert store.dead_fraction() == 0
    assert len(list(store.part_dir("letters").glob("*.parquet"))) == 2  # schema file + 1 part
    assert compute_stats(store).to_dict() == before


def test_letter_without_case_number_is_an_error_row(tmp_path: Path) -> None:
    summary = add_letters([letter(None, [item("MRI", "upheld")])], tmp_path / "s")
    assert summary.failed == 1
    assert "no case number" in summary.errors[0][1]
    assert compute_stats(CorpusStore.open(tmp_path / "s")).errors == 1


def test_duckdb_database_file_has_the_views(store_dir: Path) -> None:
    con = duckdb.connect(str(store_dir / "corpus.duckdb"), read_only=True)
    try:
        row = con.execute("SELECT count(*) FROM items").fetchone()
        cites = con.execute("SELECT count(*) FROM citations WHERE source = 'MTUS'").fetchone()
    finally:
        con.close()
    assert row == (5,)
    assert cites == (3,)


def test_search_index_is_saved_in_the_store_and_reloaded(store_dir: Path) -> None:
    meta = store_dir / "index" / "meta.json"
    assert meta.exists()
    written = meta.stat().st_mtime_ns
    hits = ItemIndex.from_store(store_dir).search("acupuncture", k=1)
    assert hits[0].case_number == "CM-3"
    assert meta.stat().st_mtime_ns == written  # loaded, not rebuilt


def test_stale_search_index_is_rebuilt(store_dir: Path) -> None:
    add_letters(
        [letter("CM-8", [item("Lidoderm patches", "upheld")])],
        store_dir,
        categorise=categorise,
        build_index=False,
    )
    hits = ItemIndex.from_store(store_dir).search("Lidoderm", k=1)
    assert [h.case_number for h in hits] == ["CM-8"]


def test_report_is_html_with_embedded_png_charts(store_dir: Path) -> None:
    html = render_report(compute_stats(CorpusStore.open(store_dir)))
    assert html.startswith("<!doctype html>")
    assert html.count('<img alt="') >= 5
    assert 'src="data:image/png;base64,iVBOR' in html  # PNG magic, base64-encoded
    assert "Chronic Pain Medical Treatment" in html


def test_opening_a_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="no corpus store"):
        CorpusStore.open(tmp_path / "nowhere")
    (tmp_path / "plain").mkdir()
    with pytest.raises(NotFound, match="not a corpus store"):
        CorpusStore.open(tmp_path / "plain")


def test_a_non_empty_folder_that_is_no_store_is_refused(tmp_path: Path) -> None:
    (tmp_path / "letter.txt").write_text("not a store")
    with pytest.raises(InvalidInput, match="not empty and is not a corpus store"):
        add_letters([], tmp_path)


def test_items_without_any_citation_have_their_own_guideline_group(tmp_path: Path) -> None:
    add_letters(
        [letter("CM-5", [item("Tramadol", "upheld", imr=[])])],
        tmp_path / "s",
        categorise=categorise,
        build_index=False,
    )
    stats = compute_stats(CorpusStore.open(tmp_path / "s"))
    assert _by_key(stats.by_guideline) == {"no citation found": (1, 1, 0)}
    assert _by_key(stats.by_source) == {"no citation found": (1, 1, 0)}
    assert stats.items_citing_no_evidence == 1


def test_a_letter_the_categoriser_fails_on_is_an_error_and_the_rest_are_stored(
    tmp_path: Path,
) -> None:
    def fragile(description: str) -> str:
        if "Norco" in description:
            raise ValueError("cannot read a dose")
        return categorise(description)

    summary = add_letters(copy.deepcopy(KNOWN_SET), tmp_path / "s", categorise=fragile)
    assert (summary.stored, summary.failed) == (2, 1)
    assert "cannot read a dose" in summary.errors[0][1]


def test_an_unchanged_later_file_wins_over_an_earlier_changed_one(tmp_path: Path) -> None:
    stored = letter("CM-7", [item("Norco", "overturned")])
    add_letters([stored], tmp_path / "s", categorise=categorise, build_index=False)
    older = letter("CM-7", [item("Norco", "upheld")])
    summary = add_letters([older, copy.deepcopy(stored)], tmp_path / "s", categorise=categorise)
    assert (summary.stored, summary.unchanged) == (0, 1)
    assert compute_stats(CorpusStore.open(tmp_path / "s")).overall.overturned == 1
