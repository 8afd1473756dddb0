"""Machine-drafted text and the reviewer's signature.

Decision support drafts a case summary and rationales; the determination the reviewer
signs must be the reviewer's own words (LC 4610.6(c)-(d): the expert reviewer decides).
A draft shown in an editable field is wrapped in markers, so it stays visibly a draft
until the reviewer has read it and removed them; signing refuses text that still carries
a marker, the model's probability sentence, the draft's proposal wording or precedent case
numbers (another worker's case has no place in this worker's letter).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

DRAFT_START = "[DRAFT]"
DRAFT_END = "[/DRAFT]"

# What a machine draft says that a signed determination never should, each with the
# sentence that tells the reviewer what to fix.
_TRACES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"\[/?DRAFT\]", re.IGNORECASE),
        "still carries the [DRAFT] markers of machine-drafted text: read the passage, make "
        "it your own and remove the markers",
    ),
    (
        re.compile(r"estimated chance that a reviewer overturns|p\s*\(\s*overturn", re.I),
        "still states the model's estimated chance of an overturn, which is not a reason",
    ),
    (
        re.compile(r"proposed conclusion|for the reviewer to accept or edit", re.I),
        "still carries the draft's proposal wording ('Proposed conclusion…')",
    ),
)
CASE_NUMBER = re.compile(r"\bCM\d{2}-\d{5,7}\b")


def mark_draft(text: str) -> str:
    """A machine draft as it goes into an editable field: visibly marked."""
    text = text.strip()
    return f"{DRAFT_START} {text} {DRAFT_END}" if text else ""


def machine_traces(text: str, own_case_number: str | None = None) -> list[str]:
    """What in `text` shows it is still a machine draft (empty when it reads as signed
    words). Precedent case numbers count; the case's own number does not."""
    problems = [message for pattern, message in _TRACES if pattern.search(text)]
    others = sorted({n for n in CASE_NUMBER.findall(text) if n != own_case_number})
    if others:
        problems.append(
            "cites precedent case number(s) " + ", ".join(others) + ": other workers' cases "
            "are decision support, not part of this determination"
        )
    return problems


@dataclass(frozen=True)
class ReviewDraft:
    """The reviewer's unsigned work on a case (the workbench form's fields), saved as they
    type; `version` guards against two tabs overwriting each other (optimistic locking)."""

    case_number: str
    reviewer_id: str
    values: dict[str, str]
    version: int
    saved_at: datetime
