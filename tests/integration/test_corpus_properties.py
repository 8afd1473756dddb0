"""Properties of the store over generated letter sets: groups add up, later versions win."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openimr.corpus.ingest import add_letters
from openimr.corpus.search import ItemIndex
from openimr.corpus.stats import compute_stats
from openimr.corpus.store import CorpusStore
from tests.unit.corpus.letters import CHRONIC_PAIN, NO_EVIDENCE, ODG, categorise, item, letter

DESCRIPTIONS = ["MRI lumbar spine", "Norco 10/325", "Physical therapy x6", "Acupuncture", "TENS"]

items_strategy = st.lists(
    st.builds(
        item,
        st.sampled_from(DESCRIPTIONS),
        st.sampled_from(["upheld", "overturned", None]),
        st.just("rationale"),
        st.lists(st.sampled_from([CHRONIC_PAIN, ODG, NO_EVIDENCE]), max_size=2),
    ),
    min_size=0,
    max_size=4,
)
letters_strategy = st.lists(
    st.builds(
        letter,
        st.sampled_from([f"CM-{n}" for n in range(6)]),
        items_strategy,
        decision_date=st.sampled_from(["2016-12-01", "2017-01-15", "2017-02-28"]),
        priority=st.sampled_from(["standard", "expedited"]),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(letters_strategy)
def test_groups_add_up_and_the_last_version_of_each_case_is_kept(letters: list[dict]) -> None:
    last = {entry["case_number"]: entry for entry in letters}
    with tempfile.TemporaryDirectory() as scratch:
        store_dir = Path(scratch) / "store"
        add_letters(letters, store_dir, categorise=categorise, build_index=False)
        stats = compute_stats(CorpusStore.open(store_dir))
        expected_items = sum(len(entry["items"]) for entry in last.values())
        assert stats.letters == len(last)
        assert stats.items == expected_items
        for rows in (stats.by_category, stats.by_month, stats.by_priority):
            assert sum(r.items for r in rows) == expected_items
        decided = [i["decision"] for e in last.values() for i in e["items"] if i["decision"]]
        assert stats.overall.overturned == decided.count("overturned")
        assert stats.overall.upheld == decided.count("upheld")

        again = add_letters(
            list(last.values()), store_dir, categorise=categorise, build_index=False
        )
        assert (again.unchanged, again.stored) == (len(last), 0)

        index = ItemIndex.from_store(store_dir)
        assert len(index) == expected_items
        for case in last:
            hits = index.search(
                "MRI Norco therapy acupuncture TENS", k=50, exclude_case_number=case
            )
            assert all(h.case_number != case for h in hits)
