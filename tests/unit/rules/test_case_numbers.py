"""The jurisdiction's case-number format: made by the server, checked wherever read."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openimr.domain.errors import InvalidInput
from openimr.rules.case_numbers import case_number_format, check_case_number, is_case_number


def test_the_server_numbers_cases_as_the_published_letters_do() -> None:
    fmt = case_number_format()
    assert fmt.make(date(2016, 11, 3), 213037) == "CM16-0213037"
    assert fmt.make(date(2026, 1, 2), 1) == "CM26-0000001"
    assert fmt.verified and "CM16-0213037" in fmt.source


def test_a_serial_beyond_the_digits_is_refused() -> None:
    with pytest.raises(InvalidInput):
        case_number_format().make(date(2026, 1, 2), 10**7)


@given(st.dates(min_value=date(2000, 1, 1)), st.integers(min_value=1, max_value=9_999_999))
def test_every_number_the_server_makes_passes_the_check(on: date, serial: int) -> None:
    number = case_number_format().make(on, serial)
    assert check_case_number(number) == number


@given(st.text(max_size=30))
def test_anything_else_is_refused_naming_the_field(text: str) -> None:
    if is_case_number(text):
        return
    with pytest.raises(InvalidInput) as err:
        check_case_number(text, field="path.case_number")
    assert err.value.details["field"] == "path.case_number"
