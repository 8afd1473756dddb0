"""The fixed wording of the notices, loaded from `data/notice_text.yaml` and validated.

Sentences are data, not code: an IMR organization rewords them (and sets its own name and
address, 8 CCR 9792.10.4(b)(1)) without touching the renderer. Every notice kind must have
its text; a bad file raises RuleDataError naming the file and the field.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pydantic import Field, model_validator

from openimr.datafile import StrictModel, load_model
from openimr.domain.vocabulary import NoticeKind, ServiceMethod

DEFAULT_FILE = "notice_text.yaml"


class Organization(StrictModel):
    name: str
    address: str


class Headings(StrictModel):
    date_of_mailing: str
    recipients: str
    proof_of_service: str
    case_number: str


class KindText(StrictModel):
    """A notice body: paragraphs, then an optional numbered list, then more paragraphs."""

    before: list[str]
    list_key: str | None = None  # a list of the notice's details printed as numbered lines
    after: list[str] = Field(default_factory=list)


class NoticeText(StrictModel):
    written_on: date
    organization: Organization
    headings: Headings
    service_methods: dict[ServiceMethod, str]
    proof_of_service: dict[str, str]  # by jurisdiction, with a `default`
    kinds: dict[NoticeKind, KindText]

    @model_validator(mode="after")
    def _every_kind_and_method(self) -> NoticeText:
        missing = [k.value for k in NoticeKind if k not in self.kinds]
        if missing:
            raise ValueError(f"kinds: no text for {missing}")
        methods = [m.value for m in ServiceMethod if m not in self.service_methods]
        if methods:
            raise ValueError(f"service_methods: no wording for {methods}")
        if "default" not in self.proof_of_service:
            raise ValueError("proof_of_service: no `default` text")
        return self

    def proof_of_service_for(self, jurisdiction: str) -> str:
        """The proof-of-service wording of `jurisdiction` (the default when it has none)."""
        return self.proof_of_service.get(jurisdiction, self.proof_of_service["default"])


def load_notice_text(path: Path | None = None) -> NoticeText:
    """Read and validate a notice-text file (the packaged one when `path` is None)."""
    if path is not None:
        return load_model(path, NoticeText, what="notice text")
    source = resources.files("openimr.letters").joinpath("data", DEFAULT_FILE)
    with resources.as_file(source) as packaged:
        return load_model(packaged, NoticeText, what="notice text")


@lru_cache(maxsize=1)
def notice_text() -> NoticeText:
    """The packaged wording, loaded once per process."""
    return load_notice_text()
