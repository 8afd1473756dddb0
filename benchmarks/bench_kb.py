"""Figures of the guideline knowledge base and the evidence engine (issue 4).

Run: .venv/bin/python benchmarks/bench_kb.py

1. Normaliser coverage: share of the disputed items of the dev letters (../shared/data/dwc/text)
   that get a category other than "unknown" (target >= 97%).
2. Normaliser accuracy on the hand-labelled sample kept in tests/unit/evidence/data/.
3. First-ranked MTUS guideline vs the reviewer's first MTUS citation, for the dev items that cite
   the MTUS (target >= 85%), overall and per category. The engine sees only what a reviewer gets
   before deciding: the item text, the date of injury and the UR decision date. No fact from
   the decision or rationale is used. The letters are split in two halves (even / odd position
   by case number); the KB's editorial priorities were written looking at the even half only,
   so the odd half is the held-out figure.
"""

from __future__ import annotations

import sys
import time
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _kb_letters import LetterItem, read_items  # noqa: E402

from openimr.evidence import evaluate, normalise_item  # noqa: E402

SHARED = ROOT.parent / "shared"
LETTERS = SHARED / "data" / "dwc" / "text"
LABELLED = (
    ROOT / "tests" / "unit" / "evidence" / "data" / "labelled_items.yaml",  # sample A (development)
    ROOT / "tests" / "unit" / "evidence" / "data" / "labelled_items_b.yaml",  # sample B (held out)
)


def _key(name: str) -> str:
    """Guideline names compare without punctuation/case ("Forearm, Wrist, and Hand ...")."""
    return "".join(ch for ch in name.lower() if ch.isalnum())


def _iso(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def coverage(items: list[LetterItem]) -> None:
    unknown = [it for it in items if normalise_item(it.description).category == "unknown"]
    share = 1 - len(unknown) / len(items)
    print(
        f"normaliser coverage: {len(items) - len(unknown)}/{len(items)} items categorised "
        f"= {share:.1%} (target >= 97%)"
    )
    for it in unknown:
        print(f"  unknown: {it.case}: {it.description[:90]}")


def labelled_accuracy() -> None:
    for path in LABELLED:
        _labelled(path)


def _labelled(path: Path) -> None:
    name = path.name
    if not path.exists():
        print(f"labelled sample missing ({path})")
        return
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))["items"]
    cat_ok = sum(1 for r in rows if normalise_item(r["text"]).category == r["category"])
    with_region = [r for r in rows if "region" in r]
    reg_ok = sum(1 for r in with_region if normalise_item(r["text"]).body_region == r["region"])
    print(
        f"labelled {name}: {len(rows)} items; category accuracy {cat_ok}/{len(rows)} "
        f"= {cat_ok / len(rows):.1%}; primary body region accuracy {reg_ok}/{len(with_region)} "
        f"= {reg_ok / max(1, len(with_region)):.1%}"
    )
    for r in rows:
        got = normalise_item(r["text"])
        if got.category != r["category"]:
            print(f"  miss: {r['text'][:70]!r}: expected {r['category']}, got {got.category}")


def first_mtus_match(items: list[LetterItem], label: str) -> None:
    cited = [it for it in items if it.first_mtus]
    per_cat: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses: Counter[str] = Counter()
    hit = hit_edition = 0
    for it in cited:
        when = _iso(it.ur_denial_date) or date(2016, 12, 1)
        item = normalise_item(it.description)
        result = evaluate(item, {}, when, date_of_injury=_iso(it.date_of_injury))
        top = result.first_mtus()
        ok = top is not None and _key(top.guideline) == _key(it.first_mtus[0])  # type: ignore[index]
        hit += ok
        hit_edition += bool(ok and top is not None and top.edition == it.first_mtus[1])  # type: ignore[index]
        per_cat[item.category][0] += ok
        per_cat[item.category][1] += 1
        if not ok:
            engine = top.guideline if top else None
            misses[f"{item.category}: engine {engine} / reviewer {it.first_mtus[0]}"] += 1  # type: ignore[index]
    share = hit / max(1, len(cited))
    print(
        f"first MTUS guideline = reviewer's first MTUS citation [{label}]: "
        f"{hit}/{len(cited)} = {share:.1%} (target >= 85%); "
        f"with the same edition: {hit_edition / max(1, len(cited)):.1%}"
    )
    for cat, (ok, n) in sorted(per_cat.items(), key=lambda kv: -kv[1][1]):
        print(f"  {cat:38s} {ok:3d}/{n:<3d} {ok / n:.0%}")
    for miss, n in misses.most_common(12):
        print(f"  miss x{n}: {miss}")


def main() -> int:
    if not LETTERS.exists():
        print(f"skip: {LETTERS} not found (the dev letters live in ../shared)")
        labelled_accuracy()
        return 0
    started = time.perf_counter()
    files = sorted(LETTERS.glob("*.txt"))
    per_file = [read_items(f) for f in files]
    items = [it for group in per_file for it in group]
    print(f"{len(files)} dev letters, {len(items)} disputed items")
    coverage(items)
    labelled_accuracy()
    even = [it for group in per_file[::2] for it in group]
    odd = [it for group in per_file[1::2] for it in group]
    first_mtus_match(items, "all dev letters")
    first_mtus_match(even, "even half, seen while writing KB priorities")
    first_mtus_match(odd, "odd half, held out")
    print(f"time: {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
