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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from openimr.assist.context import normalise_text, split_sentences
from openimr.assist.dates import dates_in
from openimr.assist.sections import document_type, section_category
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
    doc_type: str = "medical_record"  # from its heading: first_report, consult, ... (sections)
    unread_pages: tuple[int, ...] = ()  # pages with no text that no OCR read (1-based)
    ocr_pages: tuple[int, ...] = ()  # pages whose text came from OCR

    @property
    def unread(self) -> bool:
        """True when no page of the record could be read."""
        return bool(self.unread_pages) and len(self.unread_pages) == len(self.pages)


# Reads the pages of a PDF that have no text layer: (PDF bytes, 1-based page numbers) ->
# {page: text}. The CLI passes one when an OCR tool is installed (openimr.ocr).
PageReader = Callable[[bytes, list[int]], dict[int, str]]


# -- reading records ----------------------------------------------------------------------

_TEXT_SUFFIXES = {".txt", ".text", ".md", ".pdf", ""}


def records_from_folder(
    path: Path | str, errors: list[str] | None = None, *, ocr: PageReader | None = None
) -> list[RecordDocument]:
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
                record_from_bytes(f"D{number}", raw, filename=file.name, source=str(file), ocr=ocr)
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
    ocr: PageReader | None = None,
) -> RecordDocument:
    """A RecordDocument from a stored file's bytes (PDF by its %PDF header, else UTF-8 text).

    The service calls this with each CaseDocument's bytes and metadata; what it does not know
    (kind, title, date) is read from the text. A PDF page without a text layer (a scan) is
    read by `ocr` when given, else listed in `unread_pages`: the draft names it, it is never
    silently skipped. Raises InvalidInput naming the file when the bytes are not a record.
    """
    name = source or filename or document_id
    if not raw.strip():
        raise InvalidInput(f"{name}: empty file", field=document_id)
    unread: tuple[int, ...] = ()
    by_ocr: tuple[int, ...] = ()
    if raw.lstrip()[:5] == b"%PDF-":
        pages = _pdf_pages(raw, name)
        blank = [n for n, page in enumerate(pages, start=1) if not page.strip()]
        if blank and ocr is not None:
            read = {n: t for n, t in ocr(raw, blank).items() if t.strip()}
            pages = [read.get(n, page) for n, page in enumerate(pages, start=1)]
            by_ocr = tuple(sorted(read))
        unread = tuple(n for n, page in enumerate(pages, start=1) if not page.strip())
    elif (filename or "").lower().endswith(".pdf"):
        raise InvalidInput(f"{name}: not a PDF (no %PDF header)", field=document_id)
    else:
        if b"\x00" in raw[:4096]:
            raise InvalidInput(f"{name}: binary file, not a text record", field=document_id)
        pages = raw.decode("utf-8", errors="replace").split("\f")
    if not any(p.strip() for p in pages) and not unread:
        raise InvalidInput(f"{name}: no text in the record", field=document_id)
    text = "\n".join(pages)
    return RecordDocument(
        document_id=document_id,
        title=title or _guess_title(text, filename),
        kind=kind or _guess_kind(text, filename),
        author=author,
        date=document_date,
        pages=tuple(pages),
        filename=filename,
        doc_type=document_type(text, filename),
        unread_pages=unread,
        ocr_pages=by_ocr,
    )


def records_from_case_documents(
    documents: Iterable[tuple[CaseDocument, bytes]],
    errors: list[str] | None = None,
    *,
    ocr: PageReader | None = None,
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
                    kind=document.kind,
                    author=document.author,
                    document_date=document.document_date,
                    source=name,
                    ocr=ocr,
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
        if re.search(
            r"REPORT|NOTE|REQUEST|DETERMINATION|APPLICATION|EVALUATION|CONSULTATION|FOLLOW-UP|"
            r"VISIT|SUMMARY|\bMRI\b|\bCT\b|X-RAY",
            clean,
        ) and not re.search(r"STATE OF CALIFORNIA", clean):
            return clean[:100]
    return filename or next((ln.strip()[:100] for ln in text.splitlines() if ln.strip()), "")


# -- units of text: labelled segments and sentences, with their raw positions ---------------

# "Subjective:" at a line start, or "Age:" after two or more spaces in a form-like line.
_LABEL = re.compile(
    r"(?m)(?:^[ \t]*|[ \t]{2,})([A-Z][A-Za-z0-9/'()&-]*(?: [A-Za-z0-9/'()&.-]+){0,4}):(?=\s)"
)
# "Patient: Raymond Voss DOB: 07/14/1965 Sex: M" - PDF text keeps one space between a form's
# fields; a header field's name after a value starts a field of its own.
_FIELD_AFTER_VALUE = re.compile(r"(?<=[^\s:]) ([A-Z][A-Za-z]*(?: [a-z]+){0,3}):(?=\s)")
_SPINE_LEVEL = re.compile(r"^[CTLS]\d{1,2}(?:-[CTLS]?\d{1,2})?$")
# "... no prior treatment. Family history: ..." - a known heading after a sentence's end.
_INLINE_LABEL = re.compile(r"(?<=[.] )([A-Z][a-z]+(?: [a-z]+){0,2}):(?=\s)")
# A blank line, or a heading line (capitals, no sentence end: "MRI RIGHT SHOULDER"); PDF text
# often has no blank lines, and "61)." or "PT, HEP, CSI." ending a wrapped sentence is no heading.
_BLANK = re.compile(r"\n[ \t]*\n|\n(?=[ \t]*(?=[^a-z\n]*[A-Z]{2})[^a-z\n]{3,}[^a-z\n.,;:][ \t]*\n)")


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


def section_of(label: str, doc_type: str = "medical_record") -> str:
    """The section category of a heading, by the sectionizer's rules (assist.sections)."""
    return section_category(label, doc_type) if label else "other"


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


# A line in capitals (a parenthesis aside): "PROGRESS REPORT (fictional example)".
_HEADING_LINE = re.compile(r"(?m)^[ \t]*[A-Z][A-Z0-9 '&/,()#-]*[A-Z)](?:[ \t]*\([^)\n]*\))?[ \t]*$")

_HEADER_FIELDS = frozenset(
    {
        "worker", "age", "birth", "sex", "occupation", "employer", "injury_date", "provider",
        "referral", "own_date", "other_date", "insurer",
    }
)  # fmt: skip


def _segments(page: str, doc_type: str) -> list[tuple[str, int, int]]:
    """(label, start, end) of the page's labelled or blank-line-separated segments."""
    cuts = {0, len(page)}
    labels: dict[int, str] = {}
    for match in _LABEL.finditer(page):
        cuts.add(match.start(1))
        labels[match.start(1)] = match.group(1)
    for match in _INLINE_LABEL.finditer(page):
        if section_of(match.group(1), doc_type) != "other":
            cuts.add(match.start(1))
            labels[match.start(1)] = match.group(1)
    for match in _FIELD_AFTER_VALUE.finditer(page):
        if section_of(match.group(1), doc_type) in _HEADER_FIELDS:
            cuts.add(match.start(1))
            labels[match.start(1)] = match.group(1)
    for start in [s for s, label in labels.items() if _SPINE_LEVEL.match(label)]:
        del labels[start]  # "C5-6: disc extrusion" is a finding, not a heading
        cuts.discard(start)
    for match in _BLANK.finditer(page):
        cuts.add(match.end())
    for match in _HEADING_LINE.finditer(page):  # a title line is a segment of its own
        if not re.search(r"[a-z]", re.sub(r"\([^)\n]*\)", "", match.group(0))):
            cuts.update((match.start(), match.end()))
    for start, label in labels.items():
        if section_of(label, doc_type) in _HEADER_FIELDS:
            # "Physician: ..." is one line; PDF text has no blank line to end it.
            eol = page.find("\n", start)
            if eol > 0:
                cuts.add(eol + 1)
        elif section_of(label, doc_type) in ("diagnoses", "request"):
            # A list ends at the first line that does not continue it: prose often follows a
            # "Diagnoses:" line with no blank line between.
            for line_end in re.finditer(r"[.;]?[ \t]*\n(?=[ \t]*[A-Z])", page[start:]):
                cuts.add(start + line_end.end())
                break
    ordered = sorted(cuts)
    return [(labels.get(a, ""), a, b) for a, b in zip(ordered, ordered[1:], strict=False) if a < b]


# Sections that run on past a blank line until the next heading ("Impression:" then a
# numbered list, one item a paragraph), as a sectionizer reads them.
_RUNS_ON = frozenset(
    {
        "complaints", "findings", "impression", "imaging_findings", "diagnoses", "plan",
        "procedure", "testing", "imaging", "work", "medications", "visits", "decision",
        "rationale", "addendum", "mechanism",
    }
)  # fmt: skip


def passages(doc: RecordDocument) -> list[Passage]:
    """The record's segments (whole_segment) and their sentences, with section and quote."""
    units: list[Passage] = []
    for page_no, page in enumerate(doc.pages, start=1):
        running = ""  # the heading an unlabelled paragraph continues
        for label, start, end in _segments(page, doc.doc_type):
            raw = page[start:end]
            text = normalise_text(raw)
            if not text:
                continue
            if label:
                running = label if section_of(label, doc.doc_type) in _RUNS_ON else ""
            elif text.upper() == text and re.search(r"[A-Z]{3}", text):
                running = ""  # a heading line closes the section
            elif section_of(running, doc.doc_type) != "diagnoses" or re.match(r"\d{1,2}[.)]", text):
                label = running  # a diagnosis list runs on only with its numbered items
            section = section_of(label, doc.doc_type)
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
        if unit.whole_segment and unit.section == "own_date":
            found = dates_in(unit.text)
            if found and given in (None, found[0][0]):
                record.date, record.date_unit = found[0][0], unit
                return
    if given is not None:  # the date the service recorded for the document
        record.date = given
        return
    for unit in record.units:
        if not unit.whole_segment or unit.section in ("injury_date", "birth", "other_date"):
            continue
        for value, _ in dates_in(unit.text):
            if value != injury:
                record.date, record.date_unit = value, unit
                return
