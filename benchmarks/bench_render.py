"""Benchmark the final determination letter: letters rendered per second, text, HTML and PDF.

    .venv/bin/python benchmarks/bench_render.py [--seconds S]

Inputs: the seed case and generated determinations (1-25 items, every citation form), made
once up front by the renderer's test factory; each format is then rendered in a loop for
about S seconds (default 5; PDF at least 5 letters) on one core. Also times the public
(redacted) text version and the text round trip through the parser.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the test factory lives in tests/

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from tests.unit.letters.render_cases import (  # noqa: E402
    letter_inputs,
    seed_case,
    seed_determination,
)

from openimr.domain.case import Case  # noqa: E402
from openimr.domain.determination import Determination  # noqa: E402
from openimr.letters.render import (  # noqa: E402
    render_letter_html,
    render_letter_pdf,
    render_letter_text,
)

Inputs = tuple[Case, Determination]


def make_inputs(n: int) -> list[Inputs]:
    out: list[Inputs] = [(seed_case(), seed_determination())]

    @settings(
        max_examples=n,
        phases=[Phase.generate],
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(letter_inputs())
    def collect(inputs: Inputs) -> None:
        out.append(inputs)

    collect()
    return out


def rate(
    name: str,
    work: Callable[[Inputs], object],
    inputs: list[Inputs],
    seconds: float,
    minimum: int = 20,
) -> None:
    order = list(inputs)
    random.Random(0).shuffle(order)
    times: list[float] = []
    started = time.perf_counter()
    k = 0
    while time.perf_counter() - started < seconds or len(times) < minimum:
        case, determination = order[k % len(order)]
        t0 = time.perf_counter()
        work((case, determination))
        times.append(time.perf_counter() - t0)
        k += 1
    total = sum(times)
    print(
        f"{name:<26} {len(times) / total:8.1f} letters/s   "
        f"median {statistics.median(times) * 1000:7.1f} ms   n={len(times)}"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    inputs = make_inputs(40)
    items = [len(d.items) for _, d in inputs]
    print(f"{len(inputs)} letters, {statistics.mean(items):.1f} items on average (1-25)")
    rate("text", lambda i: render_letter_text(*i), inputs, args.seconds)
    rate(
        "text, public (redacted)",
        lambda i: render_letter_text(*i, public=True),
        inputs,
        args.seconds,
    )
    rate("html", lambda i: render_letter_html(*i), inputs, args.seconds)
    render_letter_pdf(*inputs[0])  # import WeasyPrint and warm its font cache first
    rate("pdf", lambda i: render_letter_pdf(*i), inputs, args.seconds, minimum=5)
    try:
        from openimr.letters.parse import parse_letter_text
    except ImportError:
        print("round trip: skip (openimr.letters.parse not available)")
        return 0
    rate(
        "text render + parse",
        lambda i: parse_letter_text(render_letter_text(*i)),
        inputs,
        args.seconds,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
