"""DMHC health-plan decisions: ingest speed, stats speed, and the p_overturn model by time.

Run: .venv/bin/python benchmarks/bench_dmhc.py

1. Ingest the 19,245 DMHC decisions (../shared/data/dmhc) into a fresh corpus store and
   compute `corpus stats` over them (seconds, decisions/s).
2. The category model measured honestly by time (`openimr assist dmhc-evaluate`): settings
   chosen on 2011-2012 with the model learnt on 2001-2010; then learnt on 2001-2012 and
   scored once on 2013-2016: AUC, Brier and the base rate's Brier, overall and per year.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("OPENIMR_SHARED", REPO.parent / "shared"))
DATA = SHARED / "data" / "dmhc" / "imr-determinations-2001-2016.csv"


def main() -> int:
    if not DATA.exists():
        print(f"bench_dmhc: skipped, {DATA} is absent")
        return 0
    from openimr.assist.dmhc import evaluate, load_decisions
    from openimr.corpus.ingest import ingest
    from openimr.corpus.stats import compute_stats
    from openimr.corpus.store import CorpusStore

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        summary = ingest([DATA], Path(tmp) / "store")
        ingest_s = time.perf_counter() - started
        assert summary.dmhc is not None
        started = time.perf_counter()
        stats = compute_stats(CorpusStore.open(Path(tmp) / "store"))
        stats_s = time.perf_counter() - started
    assert stats.dmhc is not None
    n = summary.dmhc.in_store
    print(
        f"dmhc ingest: {n} decisions in {ingest_s:.2f} s ({n / ingest_s:.0f}/s); "
        f"stats {stats_s:.2f} s; overturned {stats.dmhc.overall.overturn_rate:.3f}"
    )

    decisions, sha = load_decisions([DATA])
    started = time.perf_counter()
    result = evaluate(decisions, 2012, sha)
    seconds = time.perf_counter() - started
    t = result.test
    print(
        f"dmhc p_overturn: learnt {result.learn_years[0]}-{result.learn_years[1]} "
        f"(C={result.c}, half-life {result.half_life} y, chosen on 2011-2012), "
        f"measured {result.test_years[0]}-{result.test_years[1]} on {t.decisions} decisions "
        f"[{seconds:.0f} s]"
    )
    print(
        f"  AUC {t.auc:.3f}   Brier {t.brier:.4f}   base-rate Brier {t.base_rate_brier:.4f}   "
        f"overturn rate {t.overturn_rate:.3f}, mean p {t.mean_p:.3f}"
    )
    for year, s in sorted(result.by_year.items()):
        print(
            f"  {year}: n={s.decisions} AUC {s.auc:.3f} Brier {s.brier:.4f} "
            f"(base {s.base_rate_brier:.4f}) rate {s.overturn_rate:.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
