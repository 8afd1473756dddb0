"""The jurisdiction's IMR case number: how the server makes one and how a read one is checked.

The format is data (`rules/data/ca_dwc/case_numbers.yaml`): "CM", the two-digit year the
application was received, a hyphen, a seven-digit serial (CM16-0213037). Only the server
assigns case numbers; any number that arrives from outside (a URL, a form, a command line, a
letter) is checked here before it is used, so a crafted one ("../x", "<svg ...>") never
reaches a query, a file name or a page.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from pathlib import Path

from pydantic import Field

from openimr.datafile import StrictModel, load_model
from openimr.domain.errors import InvalidInput

DEFAULT_PATH = Path(__file__).parent / "data" / "ca_dwc" / "case_numbers.yaml"


class CaseNumberFormat(StrictModel):
    """One jurisdiction's case-number format."""

    jurisdiction: str
    pattern: str
    prefix: str = Field(pattern=r"^[A-Z]{1,4}$")
    serial_digits: int = Field(ge=4, le=12)
    source: str
    verified: bool

    def make(self, received_on: date, serial: int) -> str:
        """The number of the `serial`-th application, received on `received_on`."""
        if serial < 1 or serial >= 10**self.serial_digits:
            raise InvalidInput(
                f"case-number serial {serial} does not fit {self.serial_digits} digits",
                field="case_number",
            )
        return f"{self.prefix}{received_on.year % 100:02d}-{serial:0{self.serial_digits}d}"

    def matches(self, text: str) -> bool:
        return _compiled(self.pattern).fullmatch(text) is not None

    def check(self, text: str, *, field: str = "case_number") -> str:
        """`text` when it is a case number of this format; InvalidInput naming `field` if not."""
        if not isinstance(text, str) or not self.matches(text):
            shown = repr(text[:40]) if isinstance(text, str) else type(text).__name__
            raise InvalidInput(
                f"{field}: {shown} is not a case number (expected e.g. "
                f"{self.prefix}26-{1:0{self.serial_digits}d})",
                field=field,
            )
        return text


@lru_cache(maxsize=8)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


@lru_cache(maxsize=4)
def case_number_format(path: Path = DEFAULT_PATH) -> CaseNumberFormat:
    """The format of the case numbers (validated on load; cached)."""
    return load_model(path, CaseNumberFormat, what="case-number format")


def check_case_number(text: str, *, field: str = "case_number") -> str:
    """`text` if it is a well-formed case number, else InvalidInput naming `field`."""
    return case_number_format().check(text, field=field)


def is_case_number(text: str) -> bool:
    return case_number_format().matches(text)
