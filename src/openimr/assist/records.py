"""The case's records as text: files and stored documents in, pages and passages out.

The expert reviewer decides on the records of the case file (8 CCR 9792.10.5, the documents
the IMRO receives; 8 CCR 9792.10.6(b)(2), never on the UR decision's account alone). This
module reads them: a folder of text or PDF files (`records_from_folder`, the CLI) or the
documents the service stores (`records_from_case_documents`), each a `RecordDocument` of page
texts. `passages` then cuts a record's pages into labelled segments and sentences that keep
their raw quote and page, so that whatever a reader takes from them can be traced back; and
`date_record` finds the record's own date. The assist package does no database access: the
service passes the stored bytes in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from openimr.assist.context import normalise_text, split_sentences
from openimr.assist.dates import dates_in
from openimr.domain.case import CaseDocument
from openimr.domain.errors import InvalidInput, OpenIMRError, UnreadablePdf
from openimr.pdftext import pdf_pages


@dataclass(frozen=True)
class RecordDocument:
    """One document of the case file as text: `pages` are the page texts, first page first."""

    document_id: str
    title: str
    kind: str  # a DocumentKind value: progress_report, rfa, ur_decision, application, ...
    author: str | None
    date: date | None
    pages: tuple[str, ...]
    filename: str | None = None


# -- reading records ----------------------------------------------------------------------

_TEXT_SUFFIXES = {".txt", ".text", ".md", ".pdf", ""}


def records_from_folder(path: Path | str, errors: list[str] | None = None) -> list[RecordDocument]:
    """Every text or PDF record in `path` (sorted by file name), numbered D1, D2, ...

    The folder stands for the case file sent to the IMRO (8 CCR 9792.10.5). Hidden files are
    ignored. An unreadable file is reported in `errors` with its name and skipped; the rest go on.
    A folder that does not exist, or holds no record at all, raises InvalidInput.
    """
    folder = Path(path)
    if not folder.is_dir():
        raise InvalidInput(f"{folder}: not a folder of records", field="records_dir")
    files = sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in _TEXT_SUFFIXES
    )
    if not files:
        raise InvalidInput(f"{folder}: no .txt or .pdf records in it", field="records_dir")
    records: list[RecordDocument] = []
    for number, file in enumerate(files, start=1):
        try:
            raw = file.read_bytes()
            records.append(
                record_from_bytes(f"D{number}", raw, filename=file.name, source=str(file))
            )
        except OSError as exc:
            _report(errors, f"{file}: cannot read file ({exc.strerror or exc})")
        except OpenIMRError as exc:
            _report(errors, exc.message)
    return records


def _report(errors: list[str] | None, message: str) -> None:
    if errors is None:
        raise InvalidInput(message)
    errors.append(message)


def record_from_bytes(
    document_id: str,
    raw: bytes,
    *,
    filename: str | None = None,
    title: str | None = None,
    kind: str | None = None,
    author: str | None = None,
    document_date: date | None = None,
    source: str | None = None,
) -> RecordDocument:
    """A RecordDocument from a stored file's bytes (PDF by its %PDF header, else UTF-8 text).

    The service calls this with each CaseDocument's bytes and metadata; what it does not know
    (kind, title, date) is read from the text. Raises InvalidInput naming the file when the
    bytes are not a readable record.
    """
    name = source or filename or document_id
    if not raw.strip():
        raise InvalidInput(f"{name}: empty file", field=document_id)
    if raw.lstrip()[:5] == b"%PDF-":
        pages = _pdf_pages(raw, name)
    elif (filename or "").lower().endswith(".pdf"):
        raise InvalidInput(f"{name}: not a PDF (no %PDF header)", field=document_id)
    else:
        if b"\x00" in raw[:4096]:
            raise InvalidInput(f"{name}: binary file, not a text record", field=document_id)
        pages = raw.decode("utf-8", errors="replace").split("\f")
    if not any(p.strip() for p in pages):
        raise InvalidInput(f"{name}: no text in the record (scanned image?)", field=document_id)
    text = "\n".join(pages)
    return RecordDocument(
        document_id=document_id,
        title=title or _guess_title(text, filename),
        kind=kind or _guess_kind(text, filename),
        author=author,
        date=document_date,
        pages=tuple(pages),
        filename=filename,
    )


def records_from_case_documents(
    documents: Iterable[tuple[CaseDocument, bytes]], errors: list[str] | None = None
) -> list[RecordDocument]:
    """RecordDocuments from the case file as the service stores it: (CaseDocument, bytes).

    The service reads the bytes (its document store) and passes them in; nothing here touches
    the database. An unreadable document goes to `errors` naming its id and file; the rest go on.
    """
    records: list[RecordDocument] = []
    for document, raw in documents:
        name = f"document {document.document_id} ({document.filename or document.title})"
        try:
            records.append(
                record_from_bytes(
                    document.document_id,
                    raw,
                    filename=document.filename,
                    title=document.title,
                    kind=document.kind.value,
                    author=document.author,
                    document_date=document.document_date,
                    source=name,
                )
            )
        except OpenIMRError as exc:
            _report(errors, exc.message)
    return records


def _pdf_pages(raw: bytes, name: str) -> list[str]:
    try:
        return pdf_pages(raw, name)
    except UnreadablePdf as exc:
        raise InvalidInput(exc.message) from exc


_KIND_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    # The application names the UR decision it disputes, so it is recognised first.
    ("application", re.compile(r"application for independent medical review|form IMR", re.I)),
    ("ur_decision", re.compile(r"utilization review|\bUR (?:determination|decision)", re.I)),
    ("rfa", re.compile(r"request for authorization|form RFA|^RFA\b", re.I)),
    ("imaging_report", re.compile(r"\b(?:MRI|radiology|x-ray|CT) (?:report|of the)\b", re.I)),
    ("progress_report", re.compile(r"progress (?:report|note)|\bPR-2\b|office visit", re.I)),
)


def _guess_kind(text: str, filename: str | None) -> str:
    """The kind named in the record's heading lines, else its first paragraph, else its
    file name ("ur-decision-2015-05-15.txt")."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    name = re.sub(r"[-_.]+", " ", filename or "")
    for head in ("\n".join(lines[:3]), text[:600], name):
        for kind, cue in _KIND_CUES:
            if cue.search(head):
                return kind
    return "medical_record"


def _guess_title(text: str, filename: str | None) -> str:
    for line in text.splitlines()[:8]:
        clean = line.strip()
        if re.search(r"REPORT|NOTE|REQUEST|DETERMINATION|APPLICATION|EVALUATION", clean):
            return clean[:100]
    return filename or next((ln.strip()[:100] for ln in text.splitlines() if ln.strip()), "")


# -- units of text: labelled segments and sentences, with their raw positions ---------------

# "Subjective:" at a line start, or "Age:" after two or more spaces in a form-like line.
_LABEL = re.compile(
    r"(?m)(?:^[ \t]*|[ \t]{2,})([A-Z][A-Za-z/'()&-]*(?: [A-Za-z/'()&-]+){0,4}):(?=\s)"
)
_BLANK = re.compile(r"\n[ \t]*\n|\n(?=[ \t]*[^a-z\n]{4,}\n)")

_SECTIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("injury", re.compile(r"injury|\bdoi\b", re.I)),
    ("age", re.compile(r"^age$|\bdob\b|birth", re.I)),
    ("date", re.compile(r"date|\bdos\b", re.I)),
    ("request", re.compile(r"request|disputed", re.I)),
    ("work", re.compile(r"work|disability|duty", re.I)),
    ("complaints", re.compile(r"subjective|complaint|history|hpi|presenting|symptom", re.I)),
    ("findings", re.compile(r"objective|exam|finding|physical", re.I)),
    ("diagnoses", re.compile(r"diagnos|assessment|impression|\bdx\b", re.I)),
    ("plan", re.compile(r"plan|treatment|medication|recommend|\brx\b|prescri|therap", re.I)),
    ("decision", re.compile(r"determination|decision|outcome", re.I)),
    ("guideline", re.compile(r"guideline|criteria", re.I)),
    ("rationale", re.compile(r"rationale|reason", re.I)),
)
# "Date of injury: ..." is about the injury, "Date of UR decision" is not this record's date.
_OWN_DATE_LABEL = re.compile(
    r"^(?:date(?: of (?:service|visit|exam\w*|report|request|determination|evaluation|"
    r"consultation))?|(?:visit|exam|report|service|determination) date|dos)$",
    re.I,
)


@dataclass(frozen=True)
class Passage:
    """A sentence (or a whole labelled segment) of one page, normalised, with its raw quote."""

    page: int
    label: str
    section: str
    text: str
    quote: str
    whole_segment: bool


@dataclass
class RecordText:
    """A record cut into passages, with its own date once `date_record` has found it."""

    doc: RecordDocument
    units: list[Passage]
    date: date | None = None
    date_unit: Passage | None = None


def section_of(label: str) -> str:
    for name, pattern in _SECTIONS:
        if pattern.search(label):
            return name
    return "other"


def _locate(raw: str, normalised: str, start: int) -> tuple[int, int] | None:
    """Where `normalised` (whitespace collapsed by normalise_text) lies in `raw`."""
    parts = []
    for char in normalised:
        if char == " ":
            parts.append(r"\s+")
        elif char == "-":
            parts.append(r"-\s*")  # normalise_text joins dates broken after a hyphen
        else:
            parts.append(re.escape(char))
    match = re.compile("".join(parts)).search(raw, start)
    return match.span() if match else None


def _segments(page: str) -> list[tuple[str, int, int]]:
    """(label, start, end) of the page's labelled or blank-line-separated segments."""
    cuts = {0, len(page)}
    labels: dict[int, str] = {}
    for match in _LABEL.finditer(page):
        cuts.add(match.start(1))
        labels[match.start(1)] = match.group(1)
    for match in _BLANK.finditer(page):
        cuts.add(match.end())
    for start, label in labels.items():
        if section_of(label) in ("diagnoses", "request"):
            # A list ends at the first line that does not continue it: prose often follows a
            # "Diagnoses:" line with no blank line between.
            for line_end in re.finditer(r"[.;]?[ \t]*\n(?=[ \t]*[A-Z])", page[start:]):
                cuts.add(start + line_end.end())
                break
    ordered = sorted(cuts)
    return [(labels.get(a, ""), a, b) for a, b in zip(ordered, ordered[1:], strict=False) if a < b]


def passages(doc: RecordDocument) -> list[Passage]:
    units: list[Passage] = []
    for page_no, page in enumerate(doc.pages, start=1):
        for label, start, end in _segments(page):
            raw = page[start:end]
            text = normalise_text(raw)
            if not text:
                continue
            section = section_of(label) if label else "other"
            lead = len(raw) - len(raw.lstrip())
            units.append(Passage(page_no, label, section, text, raw.strip(), whole_segment=True))
            cursor = start + lead
            for sentence in split_sentences(text):
                span = _locate(page, sentence.text, cursor)
                if span is None:  # cannot happen for normalise_text output; stay traceable
                    continue
                cursor = span[1]
                quote = page[span[0] : span[1]]
                units.append(Passage(page_no, label, section, sentence.text, quote, False))
    return units


def date_record(record: RecordText, injury: date | None) -> None:
    """The record's own date: the one given, else a 'Date of service:' label, else the first
    date in its text that is not the injury date or a date of birth."""
    given = record.doc.date
    for unit in record.units:
        if unit.whole_segment and unit.label and _OWN_DATE_LABEL.match(unit.label.strip()):
            found = dates_in(unit.text)
            if found and given in (None, found[0][0]):
                record.date, record.date_unit = found[0][0], unit
                return
    if given is not None:  # the date the service recorded for the document
        record.date = given
        return
    for unit in record.units:
        if not unit.whole_segment or unit.section in ("injury", "age"):
            continue
        if re.search(r"UR decision|birth|\bDOB\b", unit.label, re.I):
            continue
        for value, _ in dates_in(unit.text):
            if value != injury:
                record.date, record.date_unit = value, unit
                return
