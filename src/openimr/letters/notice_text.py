"""The fixed wording of the notices, loaded from data and validated.

Sentences are data, not code: an IMR organization rewords them (and sets its own name and
address) without touching the renderer. What every jurisdiction shares (the organization,
the headings, how each method of service is described, a proof of service that names no law)
is packaged here (`data/notice_text.yaml`); a jurisdiction's notices are worded in its pack
(`rules/data/<jurisdiction>/notice_text.yaml`), as its letter is (`letter.yaml`), with its own
proof of service where it has one. Every notice the pack serves (its `notices.yaml`) must
have its text, and no text may be for a notice the pack does not serve; a bad file raises
RuleDataError naming the file and the field.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pydantic import Field, model_validator

from openimr.datafile import StrictModel, load_model
from openimr.domain.errors import RuleDataError
from openimr.domain.vocabulary import NoticeKind, ServiceMethod
from openimr.rules.loader import rule_path
from openimr.rules.notices import load_notice_rules

COMMON_FILE = "notice_text.yaml"
PACK_FILE = "notice_text.yaml"


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


class CommonNoticeText(StrictModel):
    """What the notices of every jurisdiction share (letters/data/notice_text.yaml)."""

    written_on: date
    organization: Organization
    headings: Headings
    service_methods: dict[ServiceMethod, str]
    proof_of_service: str  # for a pack whose notice_text.yaml has none

    @model_validator(mode="after")
    def _every_method(self) -> CommonNoticeText:
        methods = [m.value for m in ServiceMethod if m not in self.service_methods]
        if methods:
            raise ValueError(f"service_methods: no wording for {methods}")
        return self


class PackNoticeText(StrictModel):
    """A jurisdiction's notice wording (rules/data/<jurisdiction>/notice_text.yaml)."""

    written_on: date
    proof_of_service: str | None = None  # the pack's own; else the common one
    kinds: dict[NoticeKind, KindText] = Field(default_factory=dict)


class NoticeText(StrictModel):
    """The wording one jurisdiction's notices use: the common parts and the pack's."""

    organization: Organization
    headings: Headings
    service_methods: dict[ServiceMethod, str]
    proof_of_service: str
    kinds: dict[NoticeKind, KindText]


def _needed_kinds(jurisdiction: str) -> set[NoticeKind]:
    """The notices the pack serves that have a body of their own (the final determination
    renders as the letter)."""
    served = {r.kind for r in load_notice_rules(jurisdiction).rules}
    return served - {NoticeKind.FINAL_DETERMINATION}


def load_common_notice_text(path: Path | None = None) -> CommonNoticeText:
    """Read and validate the shared notice wording (the packaged file when `path` is None)."""
    if path is not None:
        return load_model(path, CommonNoticeText, what="notice text")
    source = resources.files("openimr.letters").joinpath("data", COMMON_FILE)
    with resources.as_file(source) as packaged:
        return load_model(packaged, CommonNoticeText, what="notice text")


def load_notice_text(path: Path, jurisdiction: str) -> PackNoticeText:
    """Read and validate a pack's notice wording: a text for every notice `jurisdiction`
    serves, none for a notice it does not."""
    text = load_model(path, PackNoticeText, what="notice text")
    needed = _needed_kinds(jurisdiction)
    missing = sorted(k.value for k in needed if k not in text.kinds)
    if missing:
        raise RuleDataError(
            f"{path}: kinds: no text for {missing}, which {jurisdiction} serves",
            file=str(path),
            field="kinds",
        )
    extra = sorted(k.value for k in text.kinds if k not in needed)
    if extra:
        raise RuleDataError(
            f"{path}: kinds: text for {extra}, which {jurisdiction} serves as no notice of "
            "its own (notices.yaml; the final determination is the letter)",
            file=str(path),
            field="kinds",
        )
    return text


@lru_cache(maxsize=16)
def notice_text(jurisdiction: str) -> NoticeText:
    """The wording of `jurisdiction`'s notices, loaded once per process. A pack that serves
    only the final determination needs no notice_text.yaml."""
    common = load_common_notice_text()
    path = rule_path(PACK_FILE, jurisdiction)
    if path.exists():
        own = load_notice_text(path, jurisdiction)
    else:
        if _needed_kinds(jurisdiction):
            raise RuleDataError(
                f"pack {jurisdiction} serves notices but has no {PACK_FILE}",
                file=str(path),
                field=PACK_FILE,
            )
        own = PackNoticeText(written_on=common.written_on)
    return NoticeText(
        organization=common.organization,
        headings=common.headings,
        service_methods=common.service_methods,
        proof_of_service=own.proof_of_service or common.proof_of_service,
        kinds=own.kinds,
    )
