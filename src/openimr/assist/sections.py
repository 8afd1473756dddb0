"""What kind of document a record is, and which section a heading opens.

A clinician's note is read by its sections: the complaints of "S:" or "History:", the
examination of "O:" or "Objective findings:", the "Impression:" of an imaging report (not its
"Clinical history:", which is why the study was ordered), the "Plan:", the "Work status:".
This is a sectionizer in the manner of medspaCy's (rules as data: a heading's words map to a
category), over the document types of a workers' comp case file: the Doctor's First Report,
progress notes, consultations, imaging and electrodiagnostic reports, therapy and procedure
notes, the RFA, the UR decision and the QME/AME report. The rules live in
`assist/data/sections.yaml`; this module only loads and applies them.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from pathlib import Path

from openimr.datafile import StrictModel, load_model

SECTIONS_FILE = Path(__file__).parent / "data" / "sections.yaml"

# The document types a clinical encounter is drawn from (others are the dispute's papers).
CLINICAL_TYPES = frozenset(
    {
        "first_report",
        "progress_note",
        "consult",
        "post_operative",
        "therapy_note",
        "procedure_note",
        "qme_report",
        "medical_record",
    }
)
STUDY_TYPES = frozenset({"imaging_report", "electrodiagnostic"})


class DocumentTypeRule(StrictModel):
    type: str
    cue: str


class SectionRule(StrictModel):
    category: str
    pattern: str
    types: tuple[str, ...] | None = None  # only in these document types


class SectionFile(StrictModel):
    written_on: date
    document_types: tuple[DocumentTypeRule, ...]
    sections: tuple[SectionRule, ...]


@cache
def _rules() -> tuple[
    tuple[tuple[str, re.Pattern[str]], ...],
    tuple[tuple[str, re.Pattern[str], frozenset[str] | None], ...],
]:
    data = load_model(SECTIONS_FILE, SectionFile, what="section rules")
    types = tuple((r.type, re.compile(r.cue, re.I)) for r in data.document_types)
    sections = tuple(
        (r.category, re.compile(r.pattern, re.I), frozenset(r.types) if r.types else None)
        for r in data.sections
    )
    return types, sections


def document_type(text: str, filename: str | None = None) -> str:
    """The document type named in the record's heading lines, else in its file name
    ("07-ortho-followup-2023-07-17.txt"); "medical_record" when neither says."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    name = re.sub(r"[-_.]+", " ", filename or "")
    for head in ("\n".join(lines[:6]), name):
        for kind, cue in _rules()[0]:
            if cue.search(head):
                return kind
    return "medical_record"


def section_category(label: str, doc_type: str = "medical_record") -> str:
    """The category of the section a heading opens ("Objective findings" -> "findings");
    "other" when no rule knows it."""
    words = re.sub(r"\s+", " ", label.strip().rstrip(":")).strip()
    words = re.sub(r"\s*\(.*?\)\s*|\s+\d[\d/.-]*", " ", words).strip()
    for category, pattern, types in _rules()[1]:
        if types is not None and doc_type not in types:
            continue
        if pattern.search(words):
            return category
    return "other"
