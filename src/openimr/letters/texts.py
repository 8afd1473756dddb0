"""The fixed wording of the final determination letter: each jurisdiction's `letter.yaml`.

The sentences are data, not code, so a jurisdiction or an IMR organization can reword them
without touching the renderer. Every pack keeps its letter in
`rules/data/<jurisdiction>/letter.yaml`; only what no jurisdiction owns stays packaged here
(`data/state_names.yaml`, how a letter spells a reviewer's state of licensure). The file is
validated on load; a bad file raises RuleDataError naming the file and the field, a pack
without a letter is refused, and an appeal notice that does not cite what its pack says it
must is refused.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from openimr.datafile import StrictModel, load_model
from openimr.domain.errors import RuleDataError
from openimr.rules.loader import rule_path

STATE_NAMES_FILE = "state_names.yaml"
HeaderValue = Literal[
    "case_number",
    "assigned_on",
    "date_of_injury",
    "decision_date",
    "decision_under_review",
    "priority",
    "application_received",
    "review_type",
]


class HeaderRow(StrictModel):
    """One row of the letter's header: a label and the case date or number it shows (or a
    case fact of the pack, `fact`)."""

    label: str
    value: HeaderValue | None = None
    fact: str | None = None

    @model_validator(mode="after")
    def _one_source(self) -> HeaderRow:
        if (self.value is None) == (self.fact is None):
            raise ValueError("a header row shows either a `value` or a `fact`")
        return self


class LetterText(StrictModel):
    """Every fixed sentence the letter prints, with the rules it rests on."""

    effective_from: date
    citations: list[str]
    # `dwc`: the published California workers' comp layout (the letter parser reads it);
    # `plain`: one header row a line, the pack's headings.
    layout: Literal["dwc", "plain"]
    title: str
    header: list[HeaderRow] = Field(min_length=1)
    headings: dict[str, str] = Field(default_factory=dict)  # how_made, summary, ... overrides
    payer_label: str  # "Claims Administrator", "Health Plan": whose guideline the letter shows
    review_label: str  # "IMR guideline:", the reviewer's evidence line
    organization: str
    how_made: str
    credentials_intro: str
    summary_intro: str
    decisions_intro: str
    documents_intro: str
    no_documents: str
    appeal_rights: list[str]
    appeal_must_cite: str | None = None  # a citation the appeal notice may never leave out
    implementation: str
    redaction_mark: str
    state_names: dict[str, str] = Field(default_factory=dict)
    # How a named citation of each source opens ("Based on"), when not the published forms.
    citation_leads: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _appeal_cites_what_it_must(self) -> LetterText:
        # The appeal's ground is the law the pack names; a notice that forgets it is wrong data.
        cite = self.appeal_must_cite
        if cite and not any(cite in p for p in self.appeal_rights):
            raise ValueError(f"the appeal notice must cite {cite}")
        return self

    def state_name(self, code_or_name: str) -> str:
        """'CA' -> 'California'; a full name passes through unchanged."""
        return self.state_names.get(code_or_name.strip().upper(), code_or_name.strip())

    def how_made_paragraph(self) -> str:
        return self.how_made.format(organization=self.organization)


class StateNames(StrictModel):
    state_names: dict[str, str] = Field(min_length=1)


def load_letter_text(path: Path) -> LetterText:
    """Read and validate a letter-text file."""
    return load_model(path, LetterText, what="letter text")


@lru_cache(maxsize=1)
def state_names() -> dict[str, str]:
    """The packaged USPS codes and state names, for letters whose pack lists none."""
    source = resources.files("openimr.letters").joinpath("data", STATE_NAMES_FILE)
    with resources.as_file(source) as packaged:
        return load_model(packaged, StateNames, what="state names").state_names


def validate_letters(jurisdictions: list[str]) -> None:
    """Every pack's letter and notice wording loads, and every case fact the letter's header
    shows is one of the pack's (run at start-up beside the packs' own validation)."""
    from openimr.letters.notice_text import notice_text
    from openimr.rules.pack import load_pack

    for jurisdiction in jurisdictions:
        notice_text(jurisdiction)
        text = letter_text(jurisdiction)
        facts = {f.id for f in load_pack(jurisdiction).data.case_facts}
        for row in text.header:
            if row.fact is not None and row.fact not in facts:
                raise RuleDataError(
                    f"{jurisdiction}/letter.yaml: header row {row.label!r} shows fact "
                    f"{row.fact!r}, which the pack does not declare",
                    field=f"header.{row.label}",
                )


@lru_cache(maxsize=16)
def letter_text(jurisdiction: str) -> LetterText:
    """The wording of a jurisdiction's letter (its pack's letter.yaml), loaded once per
    process; US state names come from the packaged list when the pack's letter has none."""
    path = rule_path("letter.yaml", jurisdiction)
    if not path.exists():
        raise RuleDataError(
            f"pack {jurisdiction} has no letter.yaml", file=str(path), field="letter.yaml"
        )
    text = load_letter_text(path)
    if text.state_names:
        return text
    return text.model_copy(update={"state_names": state_names()})
