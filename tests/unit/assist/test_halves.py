"""The development / held-out halves: a fixed rule on the case number, nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from openimr.assist.halves import half_of, letters_of, split_letters


def test_the_half_depends_only_on_the_case_number() -> None:
    assert half_of("CM16-0219557") == half_of(" cm16-0219557 ")
    assert {half_of(f"CM17-{n:07d}") for n in range(40)} == {"development", "held_out"}


def test_a_letter_without_a_case_number_is_held_out() -> None:
    development, held = split_letters([{"case_number": None}, {}])
    assert development == [] and len(held) == 2


def test_letters_of_no_half_keeps_every_letter() -> None:
    letters = [{"case_number": f"CM17-{n:07d}"} for n in range(10)]
    assert len(letters_of(letters, None)) == 10
    parts = letters_of(letters, "development") + letters_of(letters, "held_out")
    assert sorted(x["case_number"] for x in parts) == sorted(x["case_number"] for x in letters)


def test_the_dev_letters_split_64_to_54(dwc_text_dir: Path) -> None:
    numbers = [p.stem for p in dwc_text_dir.glob("*.txt")]
    if len(numbers) != 118:
        pytest.skip(f"expected the 118 dev letters, found {len(numbers)}")
    development = [n for n in numbers if half_of(n) == "development"]
    assert len(development) == 64
