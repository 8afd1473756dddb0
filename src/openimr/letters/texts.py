"""The fixed wording of the final determination letter, loaded from `data/letter_text.yaml`.

The sentences are data, not code, so a jurisdiction or an IMR organization can reword them
without touching the renderer. The file is validated on load; a bad file raises RuleDataError
naming the file and the field (8 CCR 9792.10.6 content; LC 4610.6(h) appeal notice).
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pydantic import field_validator

from openimr.datafile import StrictModel, load_model

DEFAULT_FILE = "letter_text.yaml"


class LetterText(StrictModel):
    """Every fixed sentence the letter prints, with the rules it rests on."""

    effective_from: date
    citations: list[str]
    organization: str
    document_title: str  # how the proof of service names the letter
    how_made: str
    credentials_intro: str
    summary_intro: str
    decisions_intro: str
    documents_intro: str
    no_documents: str
    appeal_rights: list[str]
    implementation: str
    redaction_mark: str
    state_names: dict[str, str]

    @field_validator("appeal_rights")
    @classmethod
    def _appeal_cites_the_statute(cls, paragraphs: list[str]) -> list[str]:
        # LC 4610.6(h) is the ground of the appeal; a notice that forgets it is wrong data.
        if not any("4610.6(h)" in p for p in paragraphs):
            raise ValueError("the appeal notice must cite LC 4610.6(h)")
        return paragraphs

    def state_name(self, code_or_name: str) -> str:
        """'CA' -> 'California'; a full name passes through unchanged."""
        return self.state_names.get(code_or_name.strip().upper(), code_or_name.strip())

    def how_made_paragraph(self) -> str:
        return self.how_made.format(organization=self.organization)


def load_letter_text(path: Path | None = None) -> LetterText:
    """Read and validate a letter-text file (the packaged one when `path` is None)."""
    if path is not None:
        return load_model(path, LetterText, what="letter text")
    source = resources.files("openimr.letters").joinpath("data", DEFAULT_FILE)
    with resources.as_file(source) as packaged:
        return load_model(packaged, LetterText, what="letter text")


@lru_cache(maxsize=1)
def letter_text() -> LetterText:
    """The packaged wording, loaded once per process."""
    return load_letter_text()
