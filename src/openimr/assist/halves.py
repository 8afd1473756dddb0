"""The two halves of the dev letters: one to develop on, one held out until the end.

The project is measured on real letters it has never seen, so figures tuned on the letters we
have overstate it. The rule: a letter belongs to the **development** half when the SHA-256 of
its case number (upper-case ASCII, no spaces) read as a number is even, else to the
**held-out** half. It depends on nothing but the case number, so every command and test draws
the same halves, a new letter falls into one at random, and no one chose which letters land
where. On the 118 dev letters: 64 letters (167 items, 10 overturned) to develop on, 54
letters (125 items, 9 overturned) held out.

Rules, weights and thresholds are developed with grouped cross-validation inside the
development half; the held-out half is measured once, at the end (`openimr assist evaluate
--half held_out`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any, Literal

Half = Literal["development", "held_out"]
HALVES: tuple[Half, ...] = ("development", "held_out")


def half_of(case_number: str) -> Half:
    """Which half a case number falls in (see the module docstring for the rule)."""
    key = "".join(case_number.split()).upper().encode("ascii", "replace")
    return "development" if int(hashlib.sha256(key).hexdigest(), 16) % 2 == 0 else "held_out"


def split_letters(
    letters: Iterable[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(development, held_out) letters by their case number; a letter without one is held
    out, so it can never leak into development."""
    development: list[dict[str, Any]] = []
    held_out: list[dict[str, Any]] = []
    for letter in letters:
        number = str(letter.get("case_number") or "")
        (development if number and half_of(number) == "development" else held_out).append(letter)
    return development, held_out


def letters_of(letters: Iterable[dict[str, Any]], half: Half | None) -> list[dict[str, Any]]:
    """The letters of one half, or all of them when `half` is None."""
    development, held_out = split_letters(letters)
    if half is None:
        return development + held_out
    return development if half == "development" else held_out
