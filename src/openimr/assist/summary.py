"""A draft clinical case summary from the case's records, every sentence traced to its source.

The IMR letter opens with a clinical case summary the expert reviewer writes from the case
file: the analysis must cite the employee's medical condition and the relevant documents in
the record (LC 4610.6(e)), and the reviewer decides on the records, never on the UR
decision's account alone (8 CCR 9792.10.6(b)(2)). Reviewers write the summary in a fixed
order: who the worker is, the injury and its date, the diagnoses, the UR decision and what it
referenced, then the course of care in date order, each visit's complaints, findings,
treatments and work status. This module drafts that summary from the record documents with
plain rules over the text (no generative model), so each sentence can be checked: it carries
the document, page and quoted span it came from. Negation and uncertainty use the ConText
scope of `assist.context`; dates and work status reuse the patterns of `assist.facts`.

It is a draft for the reviewer to edit, never the reviewer's own words. The assist package
does no database access: the service passes the stored documents in
(`records_from_case_documents`), the CLI reads a folder (`records_from_folder`).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from openimr.assist.context import Assertion, assertion_of, normalise_text, split_sentences
from openimr.assist.dates import dates_in

# facts.py owns the work-status patterns; they are reused here, not copied.
from openimr.assist.facts import _WORK_PATTERNS
from openimr.domain.case import Case, CaseDocument
from openimr.domain.errors import InvalidInput, OpenIMRError
from openimr.domain.vocabulary import PartyRole

# -- public types -------------------------------------------------------------------------


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


@dataclass(frozen=True)
class CaseHeader:
    """Facts the service already holds about the case; used only where the records are silent."""

    applicant_age: int | None = None
    applicant_sex: str | None = None
    date_of_injury: date | None = None
    represented: bool | None = None


@dataclass(frozen=True)
class Source:
    """Where a sentence's fact came from: `quote` is an exact substring of that page's text
    (page numbers start at 1). Facts from the case header have document_id "case", no page."""

    document_id: str
    page: int | None
    quote: str

    def label(self) -> str:
        return self.document_id if self.page is None else f"{self.document_id} p{self.page}"

    def to_dict(self) -> dict[str, object]:
        return {"document_id": self.document_id, "page": self.page, "quote": self.quote}


@dataclass(frozen=True)
class SummarySentence:
    text: str
    sources: tuple[Source, ...]

    def to_dict(self) -> dict[str, object]:
        return {"text": self.text, "sources": [s.to_dict() for s in self.sources]}


@dataclass(frozen=True)
class DraftSummary:
    """Paragraphs of sentences. The first paragraph: the worker, injury, diagnoses, the UR
    decision and the appeal; the second: the course of care in date order."""

    paragraphs: tuple[tuple[SummarySentence, ...], ...]

    def sentences(self) -> list[SummarySentence]:
        return [s for paragraph in self.paragraphs for s in paragraph]

    def text(self, with_sources: bool = True) -> str:
        """The draft as prose; with `with_sources`, each sentence ends with e.g. "[D4 p1]"."""
        out = []
        for paragraph in self.paragraphs:
            parts = []
            for sentence in paragraph:
                labels = list(dict.fromkeys(s.label() for s in sentence.sources))
                suffix = f" [{'; '.join(labels)}]" if with_sources and labels else ""
                parts.append(sentence.text + suffix)
            out.append(" ".join(parts))
        return "\n\n".join(out)

    def to_dict(self) -> dict[str, object]:
        return {"paragraphs": [[s.to_dict() for s in p] for p in self.paragraphs]}


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


def case_header(case: Case) -> CaseHeader:
    """What the case aggregate already knows about the worker, for `draft_case_summary`."""
    return CaseHeader(
        applicant_age=case.applicant_age,
        applicant_sex=case.applicant_sex,
        date_of_injury=case.date_of_injury,
        represented=bool(case.parties_with_role(PartyRole.REPRESENTATIVE)),
    )


def _pdf_pages(raw: bytes, name: str) -> list[str]:
    # Same reading as letters.parse.extract_pdf_text (empty-password decryption), on bytes.
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InvalidInput(f"{name}: encrypted PDF that needs a password")
        pages = [page.extract_text() or "" for page in reader.pages]
    except InvalidInput:
        raise
    except Exception as exc:  # pypdf raises many kinds on damaged files; all mean "unreadable"
        raise InvalidInput(f"{name}: unreadable PDF ({type(exc).__name__}: {exc})") from exc
    if not pages:
        raise InvalidInput(f"{name}: PDF has no pages")
    return pages


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
class _Unit:
    """A sentence (or a whole labelled segment) of one page, normalised, with its raw quote."""

    page: int
    label: str
    section: str
    text: str
    quote: str
    whole_segment: bool


@dataclass
class _Record:
    doc: RecordDocument
    units: list[_Unit]
    date: date | None = None
    date_unit: _Unit | None = None


def _section_of(label: str) -> str:
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
        if _section_of(label) in ("diagnoses", "request"):
            # A list ends at the first line that does not continue it: prose often follows a
            # "Diagnoses:" line with no blank line between.
            for line_end in re.finditer(r"[.;]?[ \t]*\n(?=[ \t]*[A-Z])", page[start:]):
                cuts.add(start + line_end.end())
                break
    ordered = sorted(cuts)
    return [(labels.get(a, ""), a, b) for a, b in zip(ordered, ordered[1:], strict=False) if a < b]


def _units(doc: RecordDocument) -> list[_Unit]:
    units: list[_Unit] = []
    for page_no, page in enumerate(doc.pages, start=1):
        for label, start, end in _segments(page):
            raw = page[start:end]
            text = normalise_text(raw)
            if not text:
                continue
            section = _section_of(label) if label else "other"
            lead = len(raw) - len(raw.lstrip())
            units.append(_Unit(page_no, label, section, text, raw.strip(), whole_segment=True))
            cursor = start + lead
            for sentence in split_sentences(text):
                span = _locate(page, sentence.text, cursor)
                if span is None:  # cannot happen for normalise_text output; stay traceable
                    continue
                cursor = span[1]
                quote = page[span[0] : span[1]]
                units.append(_Unit(page_no, label, section, sentence.text, quote, False))
    return units


def _source(record: _Record, unit: _Unit) -> Source:
    return Source(record.doc.document_id, unit.page, unit.quote)


# -- small text helpers --------------------------------------------------------------------


def long_date(value: date) -> str:
    """'April 8, 2011', the letters' way of writing a date."""
    return f"{value:%B} {value.day}, {value.year}"


def _join(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]} and {items[1]}"
    return ", ".join(items[:-1]) + ", and " + items[-1]


def _plural(items: Sequence[str]) -> bool:
    if len(items) != 1:
        return True
    only = items[0].lower()
    if only.startswith(("a ", "an ")):
        return False
    return only.endswith("s") and not only.endswith(("ss", "sis", "us"))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_phrase(text: str) -> str:
    """Lower-case a phrase but keep acronyms and drug names' capitals (ODG, MRI, TENS)."""
    words = []
    for word in text.split():
        core = re.sub(r"[^A-Za-z]", "", word)
        words.append(word if len(core) >= 2 and core.isupper() else word.lower())
    return " ".join(words)


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# -- the worker, the injury, the diagnoses ---------------------------------------------------

_AGE = _rx(r"\b(\d{2})[- ]year[- ]old\b|\bage:?\s*(\d{2})\b")
_SEX = _rx(r"\b(male|female|man|woman)\b|\b(Mr|Mrs|Ms)\.\s")
_INJURY = _rx(
    r"date of (?:the )?(?:injury|accident|loss)|\bDOI\b|injur(?:y|ed)|"
    r"(?:occupational|industrial|work) claim|claim (?:from|dated|of)"
)
_REPRESENTED = _rx(r"\battorney\b|applicant'?s counsel|represented by|law (?:office|firm)")
_TTD = _rx(r"temporar\w* total\w*|total\w* temporar\w*|\bTTD\b")
_OFF_WORK = "The applicant was kept off work"
_FULL_DUTY = _rx(r"full duty|regular duty|usual and customary|without restrictions")
_ICD = re.compile(r"\(?\b[A-TV-Z]\d{2}(?:\.[0-9A-Z]{1,4})?\b\)?|\bICD-?10:?")


def _diagnosis_items(text: str) -> list[str]:
    """Items of a diagnosis list: '1. Chronic low back pain. 2. Sleep disturbance.'"""
    body = re.sub(r"^[^:]{0,40}:\s*", "", text)
    body = _ICD.sub(" ", body)
    items = []
    for piece in re.split(r"(?:^|\s)\d{1,2}[.)]\s+|;|,|\.(?:\s|$)|\band\b", body):
        item = piece.strip(" .,:-\"'\u201c\u201d")
        item = re.sub(r"\s+", " ", item)
        if re.fullmatch(r"(?:initial|subsequent) encounter|sequela", item, re.I):
            continue  # ICD-10 qualifiers, not diagnoses
        if item and 1 <= len(item.split()) <= 8 and re.search(r"[A-Za-z]{3}", item):
            items.append(_lower_phrase(item))
    return items


_UNCERTAIN_DX = _rx(r"rule out|r/o\b|possible|probable|suspected|questionable|history of")
_DIAGNOSED = _rx(
    r"diagnos(?:ed with|is of|es of|es include[sd]?|is:|es:|"
    r"(?:is|es) (?:is|are|was|were)(?: (?:documented|noted|listed|given) as)?)\s+([^.;]+)"
)


def _diagnoses(record: _Record) -> list[tuple[str, _Unit]]:
    found: list[tuple[str, _Unit]] = []
    for unit in record.units:
        if unit.section == "diagnoses" and unit.whole_segment:
            found.extend((item, unit) for item in _diagnosis_items(unit.text))
        elif not unit.whole_segment and unit.section != "diagnoses":
            match = _DIAGNOSED.search(unit.text)
            if match and assertion_of(unit.text, match.span(1)) is Assertion.AFFIRMED:
                found.extend((item, unit) for item in _diagnosis_items(match.group(1)))
    return found


# -- complaints, findings, treatments, work status -------------------------------------------

_REGION = (
    r"(?:(?:left|right|bilateral)\s+)?(?:(?:low(?:er)?|upper|mid)[- ])?(?:back|neck|shoulders?|"
    r"arms?|elbows?|wrists?|hands?|hips?|knees?|ankles?|feet|foot|legs?|lumbar|cervical|"
    r"thoracic|jaw|groin|chest|abdominal|pelvic)"
)
_SYMPTOM = _rx(
    r"\b(?:" + _REGION + r"(?:\s+and\s+" + _REGION + r")?\s+pain"
    r"|pain (?:in|of|involving) (?:the |his |her )?" + _REGION + r""
    r"|insomnia|sleep (?:disturbance|difficult(?:y|ies)|problems|disruption)"
    r"|(?:trouble|difficulty) sleeping|anxiety|depression|depressive symptoms|headaches?"
    r"|numbness|tingling|paresthesias?|weakness|stiffness|swelling|radiating pain"
    r"|radicular (?:pain|symptoms)|muscle spasms?|fatigue|dizziness|heartburn|dyspepsia"
    r"|(?:GI|gastrointestinal) upset|bowel (?:or|and|/) bladder (?:changes|symptoms|dysfunction"
    r"|incontinence)|incontinence)\b"
)
_COMPLAINT_CUE = _rx(
    r"complain|report|present|continu|persist|ongoing|describ|endors|denie|symptom|"
    r"\bpain\b|rated"
)
# "7/10" but not the "11/10" of a date "11/10/2016".
_PAIN_SCORE = _rx(
    r"(?<![/\d])\b(\d{1,2}(?:\.\d)?)(?:\s*(?:-|to)\s*\d{1,2})?\s*(?:/|out of)\s*10\b(?![/\d-])"
)


@dataclass(frozen=True)
class _Finding:
    pattern: re.Pattern[str]
    present: str | None  # fixed wording when present; None: the matched phrase itself
    absent: str | None
    polar: bool = False  # the phrase says positive/negative itself


_FINDINGS: tuple[_Finding, ...] = (
    _Finding(
        _rx(
            r"\btenderness(?: (?:to|on) palpation)?(?: (?:over|of|about|at|in|along|on) "
            r"(?:the )?(?:(?!\b(?:was|were|is|are|noted)\b)[^,.;]){2,60}?)?"
            r"(?=\s*(?:[,.;]|$|\band\b|\bwith\b|\bbilaterally\b|\b(?:was|were|is) noted\b))"
        ),
        None,
        None,
    ),
    _Finding(
        _rx(
            r"(?:limited|reduced|decreased|restricted|diminished|painful)\s+(?:(?:lumbar|"
            r"cervical|thoracic|shoulder|knee|hip|wrist)\s+)?range of motion|(?:(?:lumbar|"
            r"cervical|thoracic|shoulder|knee|hip|wrist)\s+)?range of motion (?:is |was |"
            r"remains |remained )?(?:limited|reduced|decreased|restricted)"
        ),
        "limited range of motion",
        "no limitation of range of motion",
    ),
    _Finding(_rx(r"\bfull range of motion\b"), "full range of motion", None),
    _Finding(
        _rx(r"(?:muscle |paraspinal |paravertebral )?spasms?\b"),
        "muscle spasm",
        "no muscle spasm",
    ),
    _Finding(
        _rx(r"straight[- ]leg[- ]rais(?:e|ing)(?: test)?|\bSLR\b"),
        "positive straight leg raising",
        "negative straight leg raising",
    ),
    _Finding(
        _rx(r"(?:focal )?neurologic(?:al)? deficits?"),
        "a neurological deficit",
        "no focal neurological deficit",
    ),
    _Finding(
        _rx(r"(?:decreased|diminished|reduced|altered) sensation(?: [^,.;]{0,40})?"), None, None
    ),
    _Finding(_rx(r"\bintact sensation\b|sensation (?:is |was )?intact"), "intact sensation", None),
    _Finding(
        _rx(r"(?:weakness|decreased strength|reduced strength)(?: (?:of|in) [^,.;]{0,40})?"),
        None,
        None,
    ),
    _Finding(
        _rx(r"(?:diminished|decreased|absent|reduced|hypoactive) (?:deep tendon )?reflexes"),
        None,
        None,
    ),
    _Finding(_rx(r"\b(?:antalgic|guarded|slow) gait\b"), None, None),
    _Finding(_rx(r"\b(?:effusion|crepitus|guarding|atrophy)\b"), None, None),
    # Named provocative tests carry their own polarity: "Impingement sign is positive".
    _Finding(
        _rx(
            r"\b(?:positive|negative) [A-Za-z'-]+(?: [A-Za-z'-]+)?(?: sign| test| maneuver)\b|"
            r"\b[A-Za-z'-]+(?: [A-Za-z'-]+)? (?:sign|test|maneuver) (?:is |was |were )?"
            r"(?:positive|negative)\b"
        ),
        None,
        None,
        polar=True,
    ),
)
_EXAM_CUE = _rx(
    r"\bexam\w*|palpation|tender|range of motion|straight leg|\bSLR\b|reflex|gait|\bsign\b|"
    r"\btest\b|maneuver|atrophy|effusion|crepitus|spasm"
)

_DRUGS = (
    "Xanax|alprazolam|Prilosec|omeprazole|Protonix|pantoprazole|Nexium|ranitidine|Zantac|"
    "Flexeril|cyclobenzaprine|Soma|carisoprodol|Skelaxin|metaxalone|tizanidine|Zanaflex|"
    "baclofen|methocarbamol|Robaxin|Ultracet|Ultram|tramadol|Norco|hydrocodone|Vicodin|Percocet|"
    "oxycodone|OxyContin|morphine|MS Contin|fentanyl|Duragesic|methadone|hydromorphone|Dilaudid|"
    "tapentadol|Nucynta|buprenorphine|Butrans|codeine|Tylenol(?: #3)?|acetaminophen|Naprosyn|"
    "naproxen|Anaprox|ibuprofen|Motrin|meloxicam|Mobic|diclofenac|Voltaren|celecoxib|Celebrex|"
    "etodolac|Lodine|nabumetone|Relafen|ketoprofen|gabapentin|Neurontin|pregabalin|Lyrica|"
    "duloxetine|Cymbalta|amitriptyline|Elavil|nortriptyline|trazodone|Desyrel|Ambien|zolpidem|"
    "Lunesta|eszopiclone|Restoril|temazepam|Valium|diazepam|Klonopin|clonazepam|Ativan|"
    "lorazepam|sertraline|Zoloft|fluoxetine|Prozac|citalopram|escitalopram|Lexapro|venlafaxine|"
    "Effexor|bupropion|Wellbutrin|Lidoderm|lidocaine|Terocin|Flector|capsaicin|Medrol|"
    "prednisone|topiramate|Topamax|sumatriptan|Imitrex|Fioricet|ondansetron|Zofran|Colace|"
    "docusate|Senokot|Dendracin|Menthoderm|Theramine|Sentra"
)
_DRUG = _rx(r"\b(?:" + _DRUGS + r")\b(?:\s+\d[\d./]*\s*(?:mg|mcg|%))?")
_THERAPIES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        _rx(r"hot(?:\s*/\s*|\s+and\s+|\s*&\s*)cold(?: therapy)? (?:unit|device|machine|system)"),
        "a hot and cold unit",
    ),
    (_rx(r"physical therapy|physiotherapy|\bPT\b"), "physical therapy"),
    (_rx(r"acupuncture"), "acupuncture"),
    (
        _rx(
            r"manipulative therapy|chiropractic(?: manipulative)?(?: therapy| treatment| care)?|"
            r"\bmanipulation"
        ),
        "manipulative therapy",
    ),
    (_rx(r"massage(?: therapy)?"), "massage therapy"),
    (_rx(r"home exercise(?: program)?|\bHEP\b"), "a home exercise program"),
    (_rx(r"\bTENS(?: unit)?\b|transcutaneous electrical"), "a TENS unit"),
    (_rx(r"epidural steroid injections?|\bESIs?\b"), "an epidural steroid injection"),
    (_rx(r"trigger point injections?"), "trigger point injections"),
    (_rx(r"facet (?:joint )?(?:injections?|blocks?)|medial branch blocks?"), "facet injections"),
    (_rx(r"\bMRI\b|magnetic resonance imaging"), "an MRI"),
    (_rx(r"\bEMG\b|\bNCS\b|\bNCV\b|electrodiagnostic"), "electrodiagnostic testing"),
    (_rx(r"urine drug (?:screen|test)\w*|\bUDS\b"), "a urine drug screen"),
    (
        _rx(
            r"cognitive behaviou?ral therapy|\bCBT\b|psychotherapy|psycholog\w+ (?:evaluation|"
            r"consultation|treatment)"
        ),
        "psychological treatment",
    ),
    (_rx(r"functional restoration program|\bFRP\b"), "a functional restoration program"),
    (_rx(r"\b(?:lumbar |back |knee |wrist )?brace\b|\bbracing\b"), "a brace"),
)
_TOPICAL = _rx(
    r"topical (?:compound(?:ed|s)?)(?: (?:cream|agents?|medications?|creams))?|"
    r"compounded (?:topical )?(?:creams?|agents?|medications?)"
)
_REGION_AFTER = _rx(
    r"^(?:\s+for home use)?,?\s+(for|to|of|on) (?:the |his |her )?((?:left |right |bilateral )?"
    r"(?:lumbar spine|cervical spine|thoracic spine|low(?:er)? back|neck|knees?|shoulders?|"
    r"wrists?|hips?|ankles?|hands?|elbows?|feet|foot|lumbar|cervical))\b"
)
_VERBS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("discontinued", _rx(r"discontinu|\bstopped\b")),
    ("requested", _rx(r"request|authoriz|\bRFA\b|seeking|sought")),
    ("dispensed", _rx(r"dispens")),
    ("continued", _rx(r"continu|refill|renew")),
    ("prescribed", _rx(r"prescri|\bstart|initiat|\bbegan|\bbegin|trial of|ordered")),
    ("tried", _rx(r"\btried|\bprior\b|previous|history of|in the past|had (?:undergone|received)")),
    ("recommended", _rx(r"recommend|endorse|advise|refer|\bplan\b|\bwill\b")),
)
_NO_BENEFIT = _rx(
    r"without (?:relief|benefit|improvement)|no (?:relief|benefit|improvement)|did not help|"
    r"\bfailed\b|unsuccessful|ineffective"
)
_VERB_ORDER = (
    "tried",
    "prescribed",
    "dispensed",
    "continued",
    "recommended",
    "requested",
    "listed",
    "discontinued",
)


def _treatments(text: str) -> list[tuple[str, tuple[int, int]]]:
    """(item, span) of every drug, therapy or device named in `text`, in text order."""
    found: list[tuple[str, tuple[int, int]]] = []
    taken: list[tuple[int, int]] = []

    def free(span: tuple[int, int]) -> bool:
        return all(span[1] <= a or span[0] >= b for a, b in taken)

    for match in _DRUG.finditer(text):
        found.append((match.group(0), match.span()))
        taken.append(match.span())
    for match in _TOPICAL.finditer(text):
        if free(match.span()):
            many = re.search(r"s\b", match.group(0)) or re.search(
                r"several|multiple|various", text, re.I
            )
            found.append(
                ("topical compounds" if many else "a topical compounded medication", match.span())
            )
            taken.append(match.span())
    for pattern, name in _THERAPIES:
        for match in pattern.finditer(text):
            if not free(match.span()):
                continue
            region = _REGION_AFTER.search(text[match.end() :])
            item = f"{name} {region.group(1)} the {region.group(2).lower()}" if region else name
            found.append((item, match.span()))
            taken.append(match.span())
    return sorted(found, key=lambda f: f[1])


def _verb(unit: _Unit) -> str | None:
    """What the sentence says was done with the treatments it names; in a labelled plan
    without a verb ("Medications: Norco, Soma") they are listed, in narrative nothing."""
    for verb, pattern in _VERBS:
        if pattern.search(unit.text):
            return verb
    if unit.section == "other":
        return None
    return "listed" if re.search(r"medication", unit.label, re.I) else "recommended"


@dataclass
class _Visit:
    complaints: dict[str, _Unit] = field(default_factory=dict)
    denied: dict[str, _Unit] = field(default_factory=dict)
    pain_score: tuple[str, _Unit] | None = None
    findings: dict[str, _Unit] = field(default_factory=dict)
    diagnoses: dict[str, _Unit] = field(default_factory=dict)
    treatments: dict[str, dict[str, _Unit]] = field(default_factory=dict)
    work: tuple[str, _Unit] | None = None
    extra_work_unit: _Unit | None = None


def _read_visit(record: _Record) -> _Visit:
    visit = _Visit()
    for item, unit in _diagnoses(record):
        visit.diagnoses.setdefault(item.lower(), unit)
    for unit in record.units:
        if unit.whole_segment:
            continue
        if unit.section in ("complaints", "other") and (
            unit.section == "complaints" or _COMPLAINT_CUE.search(unit.text)
        ):
            _complaints(unit, visit)
        if unit.section == "findings" or (unit.section == "other" and _EXAM_CUE.search(unit.text)):
            _findings(unit, visit)
        if unit.section in ("plan", "request", "other"):
            verb = _verb(unit)
            if verb is None:  # unlabelled narrative with no treatment verb: not a plan
                continue
            for item, span in _treatments(unit.text):
                if assertion_of(unit.text, span) is Assertion.AFFIRMED:
                    visit.treatments.setdefault(verb, {}).setdefault(item, unit)
        if visit.work is None and unit.section in ("work", "plan", "other"):
            visit.work = _work(unit)
    if visit.work and visit.work[0] == _OFF_WORK + ".":
        # "Off work. Temporarily totally disabled until..." states TTD in the next sentence.
        work_unit = visit.work[1]
        for unit in record.units:
            if (
                unit.label == work_unit.label
                and unit.page == work_unit.page
                and not (unit.whole_segment)
                and _TTD.search(unit.text)
            ):
                visit.work = (f"{_OFF_WORK}, on temporary total disability.", work_unit)
                visit.extra_work_unit = unit
                break
    return visit


def _complaints(unit: _Unit, visit: _Visit) -> None:
    for match in _SYMPTOM.finditer(unit.text):
        phrase = _lower_phrase(match.group(0))
        if phrase.startswith("pain "):
            phrase = re.sub(r"^pain (?:in|of|involving) (?:the |his |her )?", "", phrase) + " pain"
        assertion = assertion_of(unit.text, match.span())
        if assertion is Assertion.AFFIRMED:
            visit.complaints.setdefault(phrase, unit)
        elif assertion is Assertion.NEGATED:
            visit.denied.setdefault(phrase, unit)
    score = _PAIN_SCORE.search(unit.text)
    if score and visit.pain_score is None:
        visit.pain_score = (score.group(0).replace(" ", ""), unit)


def _findings(unit: _Unit, visit: _Visit) -> None:
    taken: list[tuple[int, int]] = []
    for finding in _FINDINGS:
        for match in finding.pattern.finditer(unit.text):
            if any(not (match.end() <= a or match.start() >= b) for a, b in taken):
                continue
            taken.append(match.span())
            assertion = assertion_of(unit.text, match.span())
            negative = assertion is Assertion.NEGATED or bool(
                re.search(r"\bnegative\b", unit.text[match.end() : match.end() + 30], re.I)
            )
            if assertion is Assertion.UNCERTAIN:
                continue
            phrase = _lower_phrase(match.group(0))
            if finding.polar:
                turned = re.match(r"(.+?) (?:is |was |were )?(positive|negative)$", phrase)
                wording = f"{turned.group(2)} {turned.group(1)}" if turned else phrase
                visit.findings.setdefault(wording, unit)
                continue
            absent, present = finding.absent or f"no {phrase}", finding.present or phrase
            wording = absent if negative else present
            if wording == "limited range of motion":
                region = re.search(r"lumbar|cervical|thoracic|shoulder|knee|hip|wrist", phrase)
                wording = f"limited {region.group(0)} range of motion" if region else wording
            visit.findings.setdefault(wording, unit)


def _work(unit: _Unit) -> tuple[str, _Unit] | None:
    for status, pattern in _WORK_PATTERNS:
        match = pattern.search(unit.text)
        if not match:
            continue
        assertion = assertion_of(unit.text, match.span())
        if status == "off_work" and match.group(0).lower().startswith(
            ("not ", "has not", "unable")
        ):
            assertion = Assertion.AFFIRMED  # the negation is part of the phrase itself
        if assertion is not Assertion.AFFIRMED:
            continue
        if status == "off_work":
            ttd = ", on temporary total disability" if _TTD.search(unit.text) else ""
            return f"{_OFF_WORK}{ttd}.", unit
        if status == "modified_duty":
            return "Modified duty was recommended.", unit
        if _FULL_DUTY.search(unit.text):
            return "The applicant was working full duty.", unit
        return "The applicant was working.", unit
    return None


# -- the UR decision and the application ----------------------------------------------------

_DENIED = _rx(r"non-?certif\w*|not certified|\bdenied\b|\bdenial\b|not approved|\bdeclined\b")
_MODIFIED = _rx(r"\bmodif\w+")
_APPROVED = _rx(r"\bcertified\b|\bapproved\b|\bauthorized\b")
_GUIDELINE = _rx(
    r"\b(?:ODG|MTUS|ACOEM|Official Disability Guidelines|Chronic Pain Medical Treatment "
    r"Guidelines)\b"
)
_DOC_WORDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (_rx(r"progress (?:note|report)s?"), "progress note"),
    (_rx(r"office visit|visit note"), "office visit note"),
    (_rx(r"\bRFA\b|request for authorization"), "RFA"),
    (_rx(r"\b(?:medical )?report\b"), "report"),
)


def _ur_sentences(record: _Record, injury: date | None) -> list[SummarySentence]:
    sentences = [u for u in record.units if not u.whole_segment]
    decision_units = [u for u in sentences if u.section == "decision"] or sentences
    verb, verb_unit = "addressed", None
    for unit in decision_units:
        for pattern, word in (
            (_DENIED, "failed to approve"),
            (_MODIFIED, "modified"),
            (_APPROVED, "approved"),
        ):
            if pattern.search(unit.text):
                verb, verb_unit = word, unit
                break
        if verb_unit:
            break
    items = _request_items(record)
    if not items:
        for unit in decision_units:
            items.extend((item, unit) for item, _ in _treatments(unit.text))
    when = f" dated {long_date(record.date)}" if record.date else ""
    what = _join(list(dict.fromkeys(i for i, _ in items))) or "the disputed treatment"
    sources = [_source(record, u) for u in [verb_unit, *(u for _, u in items)] if u]
    if record.date_unit:
        sources.insert(0, _source(record, record.date_unit))
    out = [
        SummarySentence(
            f"In a Utilization Review report{when}, the claims administrator {verb} a request "
            f"for {what}.",
            _dedupe(sources),
        )
    ]
    referenced = _referenced(record, sentences, injury)
    if referenced:
        out.append(referenced)
    for unit in sentences:
        match = _GUIDELINE.search(unit.text)
        if match:
            cited = unit.text[match.start() :].rstrip(". ")
            out.append(
                SummarySentence(
                    f"The claims administrator cited {cited}.", (_source(record, unit),)
                )
            )
            break
    return out


def _referenced(
    record: _Record, sentences: list[_Unit], injury: date | None
) -> SummarySentence | None:
    for unit in sentences:
        dates = [d for d, _ in dates_in(unit.text) if d != record.date and d != injury]
        kinds = [name for pattern, name in _DOC_WORDS if pattern.search(unit.text)]
        if not dates or not kinds:
            continue
        when = dates[0]
        article = "an" if f"{when:%B}"[0] in "AEIOU" else "a"
        return SummarySentence(
            f"The claims administrator referenced {article} {long_date(when)} "
            f"{_join(list(dict.fromkeys(kinds)))} in its determination.",
            (_source(record, unit),),
        )
    return None


def _application_sentence(record: _Record) -> SummarySentence:
    for unit in record.units:
        if not unit.whole_segment and _REPRESENTED.search(unit.text):
            return SummarySentence(
                "The applicant's attorney subsequently appealed.", (_source(record, unit),)
            )
    first = next(u for u in record.units if not u.whole_segment)
    when = f" on {long_date(record.date)}" if record.date else ""
    return SummarySentence(
        f"The applicant applied for Independent Medical Review{when}.", (_source(record, first),)
    )


# -- putting it together ----------------------------------------------------------------------


def _dedupe(sources: Iterable[Source]) -> tuple[Source, ...]:
    return tuple(dict.fromkeys(sources))


def _record_date(record: _Record, injury: date | None) -> None:
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


def _injury(records: list[_Record]) -> tuple[date, _Unit, _Record] | None:
    for record in records:
        for unit in record.units:
            if unit.whole_segment and unit.section != "injury":
                continue
            match = _INJURY.search(unit.text)
            if not match:
                continue
            after = [(d, pos) for d, pos in dates_in(unit.text) if pos >= match.start()]
            if after:
                return after[0][0], unit, record
    return None


def _worker(records: list[_Record]) -> dict[str, tuple[object, _Unit, _Record]]:
    found: dict[str, tuple[object, _Unit, _Record]] = {}
    # Newest first: the age closest to the review is the one the letter gives.
    for record in sorted(records, key=lambda r: r.date or date.min, reverse=True):
        for unit in record.units:
            if unit.whole_segment:
                continue
            age = _AGE.search(unit.text)
            if age and "age" not in found:
                found["age"] = (int(age.group(1) or age.group(2)), unit, record)
            sex = _SEX.search(unit.text)
            if sex and "sex" not in found:
                word = (sex.group(1) or sex.group(2)).lower()
                found["sex"] = ("male" if word in ("male", "man", "mr") else "female", unit, record)
            if "represented" not in found and _REPRESENTED.search(unit.text):
                found["represented"] = (True, unit, record)
    return found


def _header(records: list[_Record], case: CaseHeader | None) -> SummarySentence:
    worker = _worker(records)
    sources: list[Source] = []
    case = case or CaseHeader()

    def from_case(name: str, value: object) -> object:
        sources.append(Source("case", None, f"{name}: {value}"))
        return value

    age: object = None
    if "age" in worker:
        age, unit, rec = worker["age"]
        sources.append(_source(rec, unit))
    elif case.applicant_age is not None:
        age = from_case("applicant_age", case.applicant_age)
    sex: object = None
    if "sex" in worker:
        sex, unit, rec = worker["sex"]
        sources.append(_source(rec, unit))
    elif case.applicant_sex:
        sex = from_case("applicant_sex", case.applicant_sex)
    represented = False
    if "represented" in worker:
        represented = True
        sources.append(_source(worker["represented"][2], worker["represented"][1]))
    elif case.represented:
        represented = bool(from_case("represented", True))
    diagnoses: dict[str, str] = {}
    for record in records:
        if record.doc.kind in ("ur_decision", "application"):
            continue
        for item, unit in _diagnoses(record):
            if _UNCERTAIN_DX.match(item):
                continue  # "rule out rotator cuff tear" is not a diagnosis the claim is for
            if item.lower() not in diagnoses:
                diagnoses[item.lower()] = item
                sources.append(_source(record, unit))
    injury = _injury(records)
    injury_date: date | None = None
    if injury:
        injury_date = injury[0]
        sources.append(_source(injury[2], injury[1]))
    elif case.date_of_injury:
        injury_date = case.date_of_injury
        from_case("date_of_injury", case.date_of_injury.isoformat())

    described = " ".join(
        w
        for w in ("represented" if represented else "", f"{age}-year-old" if age else "", sex or "")
        if w
    )
    if described == "represented":
        described = "represented worker"
    article = "an" if re.match(r"8|11\b|18\b", described) else "a"
    subject = f"The applicant is {article} {described} who" if described else "The applicant"
    claim = "has filed a claim"
    if diagnoses:
        claim += f" for {_join(list(diagnoses.values()))}"
    injury_text = ""
    if injury_date:
        joiner = " reportedly associated with" if diagnoses else " for"
        injury_text = f"{joiner} an industrial injury of {long_date(injury_date)}"
    return SummarySentence(f"{subject} {claim}{injury_text}.", _dedupe(sources))


def _visit_sentences(record: _Record, previous_dx: set[str]) -> list[SummarySentence]:
    """The sentences for one visit note (or RFA), starting "On <date>, ..."."""
    visit = _read_visit(record)

    def src(units: Iterable[_Unit]) -> tuple[Source, ...]:
        return _dedupe(_source(record, u) for u in units)

    when = long_date(record.date) if record.date else None
    opener = f"On {when}, " if when else f"In an undated record ({record.doc.title}), "
    out: list[SummarySentence] = []

    def add(text: str, units: Iterable[_Unit]) -> None:
        nonlocal opener
        if opener:
            # "On May 8, 2015, the applicant…", but drug names keep their capital.
            keep = _DRUG.match(text) or re.match(r"[A-Z]{2,}\b", text)
            text = opener + (text if keep else text[:1].lower() + text[1:])
        opener = ""
        out.append(SummarySentence(_capital(text), src(units)))

    if record.doc.kind == "rfa":
        requested = {
            item: unit
            for verb_items in visit.treatments.values()
            for item, unit in verb_items.items()
        }
        items = _request_items(record) or list(requested.items())
        if items:
            date_part = f" dated {when}" if when else ""
            out.append(
                SummarySentence(
                    f"A Request for Authorization{date_part} asked for "
                    f"{_join([i for i, _ in items])}.",
                    src(
                        [*([record.date_unit] if record.date_unit else []), *(u for _, u in items)]
                    ),
                )
            )
        return out

    if visit.complaints:
        text = f"the applicant reported {_join(list(visit.complaints))}"
        units = list(visit.complaints.values())
        if visit.pain_score:
            text += f", with pain rated {visit.pain_score[0]}"
            units.append(visit.pain_score[1])
        add(text + ".", [*([record.date_unit] if record.date_unit else []), *units])
    if visit.denied:
        add(f"The applicant denied {_join(list(visit.denied))}.", visit.denied.values())
    if visit.findings:
        add(f"Examination noted {_join(list(visit.findings))}.", visit.findings.values())
    new_dx = [d for d in visit.diagnoses if d not in previous_dx]
    if visit.diagnoses and new_dx:
        names = [_display_dx(d, visit) for d in visit.diagnoses]
        add(f"The diagnoses listed were {_join(names)}.", visit.diagnoses.values())
    previous_dx.update(visit.diagnoses)
    for verb in _VERB_ORDER:
        items = visit.treatments.get(verb)
        if not items:
            continue
        names = list(items)
        if verb == "requested":
            text = f"The attending provider sought authorization for {_join(names)}."
        elif verb == "tried":
            failed = any(_NO_BENEFIT.search(u.text) for u in items.values())
            text = f"Earlier treatment had included {_join(names)}"
            text += ", without relief." if failed else "."
        elif verb == "listed":
            text = f"The applicant's medications included {_join(names)}."
        else:
            be = "were" if _plural(names) else "was"
            text = f"{_capital(_join(names))} {be} {verb}."
        add(text, items.values())
    if visit.work:
        add(
            visit.work[0],
            [visit.work[1], *([visit.extra_work_unit] if visit.extra_work_unit else [])],
        )
    if not out:
        add(
            f"the record ({record.doc.title or record.doc.kind}) gave no complaint, finding, "
            "treatment or work status the draft could read.",
            [u for u in record.units[:1]],
        )
    return out


def _display_dx(key: str, visit: _Visit) -> str:
    unit = visit.diagnoses[key]
    match = re.search(re.escape(key), unit.text, re.I)
    return _lower_phrase(match.group(0)) if match else key


def _request_items(record: _Record) -> list[tuple[str, _Unit]]:
    """The items of "Request:" / "Requested treatment:" lines, each cut at its first comma
    ("Hot/Cold unit for the lumbar spine, for home use")."""
    items: list[tuple[str, _Unit]] = []
    for unit in record.units:
        if not (unit.whole_segment and unit.section == "request"):
            continue
        if re.search(r"date|physician|provider|doctor|\bDr\b", unit.label, re.I):
            continue
        body = re.sub(r"^[^:]{0,40}:\s*", "", unit.text)
        for piece in re.split(r";|(?:^|\s)\d{1,2}[.)]\s+", body):
            item = re.split(r",|\.\s|\.$|\bas requested\b|\bper\b|\bfrom the\b", piece)[0]
            if item.strip():
                items.append((_lower_phrase(item.strip()), unit))
    return items


def draft_case_summary(
    records: Sequence[RecordDocument], *, case: CaseHeader | None = None
) -> DraftSummary:
    """Draft the clinical case summary of an IMR letter from the case's records.

    The analysis cites the condition and the record's documents (LC 4610.6(e)); the summary
    is drawn from the records themselves (8 CCR 9792.10.6(b)(2)). The order is the letters':
    the worker, injury and diagnoses; the UR decision, what it referenced and the appeal;
    then the course of care in date order. Every sentence carries the document, page and
    quoted span it came from; negated findings ("no spasm") are written as absent, uncertain
    ones left out. `case` fills in the worker's age, sex, injury date or representation
    only when no record states them (its sources then read "case").
    """
    if not records:
        raise InvalidInput("no records to summarise", field="records")
    parsed = [_Record(doc, _units(doc)) for doc in records]
    injury_found = _injury(parsed)
    injury = injury_found[0] if injury_found else (case.date_of_injury if case else None)
    for record in parsed:
        _record_date(record, injury)
    # Date order; on the same day the visit note comes before its RFA.
    by_date = sorted(
        enumerate(parsed),
        key=lambda pair: (
            pair[1].date is None,
            pair[1].date or date.min,
            pair[1].doc.kind == "rfa",
            pair[0],
        ),
    )
    ordered = [record for _, record in by_date]

    first: list[SummarySentence] = [_header(ordered, case)]
    for record in ordered:
        if record.doc.kind == "ur_decision":
            first.extend(_ur_sentences(record, injury))
    for record in ordered:
        if record.doc.kind == "application":
            first.append(_application_sentence(record))

    course: list[SummarySentence] = []
    seen_dx: set[str] = set()
    for record in ordered:
        if record.doc.kind in ("ur_decision", "application"):
            continue
        course.extend(_visit_sentences(record, seen_dx))
    paragraphs = tuple(p for p in (tuple(first), tuple(course)) if p)
    return DraftSummary(paragraphs)
