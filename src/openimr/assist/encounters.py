"""One record read as a reviewer reads it: who wrote it, when, and what each section says.

A record (`assist.records`) is cut into sections by the sectionizer (`assist.sections`): the
complaints, the examination, the impression of a study, the assessment, the procedure, the
plan, the work status. `read_encounter` keeps, section by section, the record's own sentences
(its abbreviations written out by `lexicon.expand_abbreviations`), each with the passage it
came from, and leaves out what is not about this worker's care now: an imaging report's
clinical history (why the study was ordered), family history, therapy goals, and the risks
discussed before a procedure (a hypothetical in ConText's terms: "R/B/A discussed incl
infection, stiffness" says nothing the worker has). Drafting stays extractive on purpose: a
sentence the record wrote, with its shorthand expanded, cannot invert a finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from openimr.assist.dates import DATE, date_from_match, dates_in
from openimr.assist.lexicon import PAIN_SCORE, expand_abbreviations, rx
from openimr.assist.records import Passage, RecordText
from openimr.assist.sections import STUDY_TYPES

# Sections whose sentences describe the worker's care, in the order a visit is summarised.
CARE_SECTIONS = (
    "complaints",
    "other",  # unlabelled narrative: kept in the record's order, near its start
    "visits",
    "past_history",
    "findings",
    "testing",
    "imaging",
    "imaging_findings",
    "impression",
    "procedure",
    "diagnoses",
    "medications",
    "plan",
    "work",
)
# What each section is called in the draft.
SECTION_NAMES = {
    "complaints": "History",
    "visits": "Visits",
    "past_history": "History",
    "findings": "Examination",
    "testing": "Testing",
    "imaging": "Imaging",
    "imaging_findings": "Findings",
    "impression": "Impression",
    "procedure": "Procedure",
    "diagnoses": "Assessment",
    "medications": "Medications",
    "plan": "Plan",
    "work": "Work status",
    "other": "",
}
# Risks, benefits and alternatives discussed: a list of what might happen, not findings.
RISKS_DISCUSSED = rx(
    r"R/B/A|risks?,? (?:and )?benefits|risks (?:were |was )?discussed|risks? (?:include|including)"
    r"|discussed (?:the )?risks|\bdiscussed\b[^.]{0,40}\bincl(?:uding|\b)"
)
_CREDENTIAL = rx(
    r"\b(?:M\.?D\.?|D\.?O\.?|PA-C|P\.?T\.?|DPT|Ph\.?D\.?|Psy\.?D\.?|D\.?C\.?|N\.?P\.?|"
    r"OTR/?L?|LCSW|MFT|RN|FNP)(?=[\s,;)]|$)"
)
_NAME = re.compile(r"^(?:Dr\.?\s+)?[A-Z][a-z'-]+(?:\s+[A-Z]\.)?(?:\s+[A-Z][A-Za-z'-]+){1,2}")
SIGNATURE = re.compile(
    r"^(?:Dr\.?\s+)?[A-Z][A-Za-z.'-]*(?:\s+[A-Z][A-Za-z.'-]*){1,3},?\s*(?:M\.?D\.?|D\.?O\.?|"
    r"PA-C|PT, DPT|DPT|Ph\.?D\.?|D\.?C\.?)\.?$|^Dr\.? [A-Z][a-z]+(?: [A-Z]\.)? [A-Z][a-z'-]+\.?$"
)
# A pain score that is not today's (the worst, the score without medication, before a shot).
_QUALIFIED_SCORE = rx(
    r"at (?:its )?worst|at best|without (?:med|the)|w/o|with med|w/ med|before|\bwas\b|initial|"
    r"pre-|post-|previous|prior|baseline|\bfrom\b|average"
)
# A therapy note's header rarely names the discipline; its title does.
_THERAPY_TITLE = rx(r"physical therapy|occupational therapy|chiropractic|acupuncture|psychotherapy")


def _specialty_of_title(record: RecordText) -> str | None:
    if record.doc.doc_type != "therapy_note":
        return None
    named = _THERAPY_TITLE.search(record.doc.title)
    return named.group(0).lower() if named else None


@dataclass(frozen=True)
class Provider:
    """Who wrote the record: name, credential and specialty as its header gives them."""

    name: str
    credential: str
    specialty: str | None
    unit: Passage

    def describe(self) -> str:
        """'Marcus Bell, M.D. (orthopaedic surgery)'."""
        who = f"{self.name}, {self.credential}" if self.credential else self.name
        return f"{who} ({self.specialty})" if self.specialty else who


@dataclass
class Line:
    """One sentence of the record as the draft writes it, with the passages it rests on."""

    section: str
    text: str
    units: list[Passage]


@dataclass
class Encounter:
    """What one record says about the worker's care, section by section."""

    record: RecordText
    provider: Provider | None
    lines: list[Line] = field(default_factory=list)
    addenda: list[Passage] = field(default_factory=list)
    pain: tuple[str, Passage] | None = None  # today's pain score, "7/10"
    exam: tuple[str, list[Passage]] | None = None  # the examination's words, for comparison

    @property
    def date(self) -> date | None:
        return self.record.date

    def sections(self) -> dict[str, list[Line]]:
        out: dict[str, list[Line]] = {}
        for line in self.lines:
            out.setdefault(line.section, []).append(line)
        return out


# Headings the draft names itself ("Examination: ..."), so the record's own is dropped; any
# other heading says what the sentence is about and is kept ("MME: 40 mg/day").
_GENERIC_HEADING = rx(
    r"^(?:s|o|a|p|subjective(?: complaints)?|objective(?: findings)?|assessment|plan|history|"
    r"hpi|exam|examination|physical exam\w*|impression|findings|diagnos[ie]s|dx|medications?|"
    r"work|work status|procedure|interval(?: history)?|imaging|treatment(?: plan)?|complaints?|"
    r"rationale(?: for item \d+)?|addendum.*|history of (?:the )?injury|determination|"
    r"decision|request(?:ed treatment)?|guidelines?(?: cited)?|recommendations?|testing|"
    r"monitoring|visits|goals|chief complaints?|disability status|physical examination)$"
)


def clean_sentence(text: str, *, keep_heading: bool = False) -> str:
    """The record's sentence for the draft: its heading dropped ("O: ..."), shorthand written
    out, a capital first letter and a full stop."""
    text = text.strip()
    heading = re.match(r"^([A-Z][A-Za-z0-9/'()&. -]{0,40}?):\s+(?=\S)", text)
    if heading and not (keep_heading and not _GENERIC_HEADING.match(heading.group(1).strip())):
        text = text[heading.end() :]
    text = re.sub(r"^\d{1,2}[.)]\s+|(?<=\.)\s+\d{1,2}[.)]$", "", text)  # list numbers "1." "2."
    text = expand_abbreviations(text).strip(" ;,")
    text = re.sub(r"\s*\(fictional\)", "", text)
    if not text:
        return ""
    text = re.sub(r"(\. )([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)
    text = DATE.sub(_long_date, text)
    text = text[:1].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def _long_date(match: re.Match[str]) -> str:
    """'06/02/2023' -> 'June 2, 2023' (the letters' way); what is no date stays as written."""
    value = date_from_match(match)
    return f"{value:%B} {value.day}, {value.year}" if value else match.group(0)


def provider_of(record: RecordText) -> Provider | None:
    """The record's author from its header ("Physician: Marcus Bell, M.D., Orthopaedic
    Surgery"); for a UR decision, its reviewer; for an RFA, the requesting physician."""
    units = [u for u in record.units if u.whole_segment and u.section == "provider"]
    if record.doc.doc_type == "ur_decision":  # the UR's own reviewer, not the requester
        units = [u for u in units if re.match(r"\s*reviewer", u.label, re.I)] or units
    for unit in units:
        value = re.sub(r"^[^:]*:\s*", "", unit.text).strip()
        value = re.sub(r"\s*\(fictional\)", "", value)
        name = _NAME.match(value)
        if not name:
            continue
        rest = value[name.end() :]
        credentials = _CREDENTIAL.findall(rest.split("supervising")[0])
        specialty = None
        remainder = _CREDENTIAL.sub("", rest.split("supervising")[0])
        words = re.sub(r"\s*\(([^)]*)\)", r", \1", remainder)  # "Surgery (Foot and Ankle)"
        words = re.sub(r"\s+", " ", words).strip(" .,")
        if words:
            specialty = expand_abbreviations(words).lower()
        specialty = specialty or _specialty_of_title(record)
        return Provider(name.group(0), ", ".join(credentials), specialty, unit)
    for unit in reversed(record.units):  # no header names the author: the signature does
        if not unit.whole_segment and SIGNATURE.match(unit.text.strip()):
            signed = unit.text.strip().rstrip(".")
            signer = re.split(r",\s*", signed)[0]
            credential = signed[len(signer) :].strip(" ,")
            return Provider(signer, credential, _specialty_of_title(record), unit)
    return None


def read_encounter(record: RecordText) -> Encounter:
    """The lines of a clinical record (a visit, a study, a therapy or procedure note)."""
    encounter = Encounter(record, provider_of(record))
    doc_type = record.doc.doc_type
    exam_units: list[Passage] = []
    for unit in record.units:
        if unit.section == "addendum":
            if unit.whole_segment:
                encounter.addenda.append(unit)
            continue
        if unit.whole_segment:
            continue
        section = unit.section
        if section not in CARE_SECTIONS:
            continue
        if section == "other" and not _clinical_other(unit):
            continue  # a letterhead, a title, a line too short to say anything clinical
        if (
            section == "imaging_findings"
            and doc_type in ("imaging_report", "electrodiagnostic")
            and any(u.section == "impression" for u in record.units)
        ):
            continue  # the impression says what the study found; the findings are detail
        if RISKS_DISCUSSED.search(unit.text) or SIGNATURE.match(unit.text.strip()):
            continue
        if re.fullmatch(r"[^:]{1,40}:", unit.text.strip()):
            continue  # a heading alone ("Impression:")
        text = clean_sentence(unit.text, keep_heading=True)
        if len(re.findall(r"[A-Za-z]{2,}", text)) < 1:
            continue
        if section in ("other", "findings", "complaints"):
            section = _section_by_content(unit.text) or section
        encounter.lines.append(Line(section, text, [unit]))
        if section == "findings":
            exam_units.append(unit)
        if section in ("complaints", "other") and encounter.pain is None:
            encounter.pain = _todays_pain(unit)
    if exam_units:
        words = " ".join(u.text for u in exam_units)
        words = re.sub(r"^[A-Za-z ]{1,30}:\s*", "", words)
        encounter.exam = (words, exam_units)
    return encounter


def _clinical_other(unit: Passage) -> bool:
    """An unlabelled sentence of a note worth keeping: a sentence, not a title, a letterhead
    ("Harborline Occupational Health (fictional)") or a signature."""
    text = re.sub(r"\s*\(fictional(?: example)?\)", "", unit.text).strip()
    # A title or form header keeps its asides in parentheses ("DOCTOR'S FIRST REPORT OF
    # OCCUPATIONAL INJURY OR ILLNESS (Form 5021)"): judge the words outside them.
    bare = re.sub(r"\s*\([^)]*\)", "", text).strip()
    if not re.search(r"[a-z]", bare):  # a heading in capitals
        return False
    words = bare.rstrip(".").split()
    if len(words) < 4:
        return False
    # Every word capitalised and no verb-like lower-case word: a name, a letterhead, a title.
    return not all(w[:1].isupper() or w.lower() in _TITLE_LINKS for w in words)


# The small words a title in capitals keeps in lower case ("Request for Authorization").
_TITLE_LINKS = frozenset({"&", "-", "of", "and", "or", "for", "the", "to", "in", "on", "a"})


def _section_by_content(text: str) -> str | None:
    """A study reported inside a visit note ("X-rays left knee, standing, today: ...")."""
    if re.match(r"(?:[A-Za-z]+: )?(?:x-?rays?\b|MRI\b|EMG\b|CT\b|radiographs?\b)", text, re.I):
        return "imaging"
    return None


def _todays_pain(unit: Passage) -> tuple[str, Passage] | None:
    for match in PAIN_SCORE.finditer(unit.text):
        before = unit.text[max(0, match.start() - 30) : match.start()]
        after = unit.text[match.end() : match.end() + 25]
        if _QUALIFIED_SCORE.search(before + " " + after.split(",")[0]):
            continue
        if re.search(r"\b(?:leg|arm)\s+pain\s*$", before, re.I):
            continue  # a second region's score; the first is the complaint's
        return match.group(0).replace(" ", ""), unit
    return None


def title_of(record: RecordText) -> str:
    """The record's own title in sentence case: 'orthopaedic follow-up', 'MRI right shoulder
    without contrast'."""
    title = re.sub(r"\s*\((?:fictional|fictional example)\)", "", record.doc.title).strip()
    words = []
    for word in title.split():
        core = re.sub(r"[^A-Za-z]", "", word)
        keep = core in ("MRI", "EMG", "NCS", "CT", "PR", "RFA", "DWC", "IMR", "UR") or any(
            c.isdigit() for c in word
        )
        words.append(word if keep else word.lower())
    return " ".join(words) or record.doc.document_id


def title_unit(record: RecordText) -> Passage | None:
    """The passage that carries the record's title."""
    raw = record.doc.title.strip()
    for unit in record.units:
        if raw and raw in unit.quote:
            return unit
    return record.units[0] if record.units else None


def describe(encounter: Encounter) -> str:
    """'orthopaedic follow-up (Marcus Bell, M.D.)' - how the draft names a record."""
    title = title_of(encounter.record)
    who = encounter.provider
    return f"{title} ({who.name}, {who.credential})" if who and who.credential else title


def about(encounter: Encounter) -> list[tuple[RecordText, Passage | None]]:
    """The passages that name a record: its date, its author and its title."""
    record = encounter.record
    who = encounter.provider
    return [
        (record, record.date_unit),
        (record, who.unit if who else None),
        (record, title_unit(record)),
    ]


# -- diagnoses with their ICD-10 codes -------------------------------------------------------

ICD10 = re.compile(r"\b([A-TV-Z]\d{2}(?:\.[0-9A-Z]{1,4})?)\b")
_UNCERTAIN = rx(r"\brule out\b|\br/o\b|\bpossible\b|\bprobable\b|\bquestionable\b")


@dataclass(frozen=True)
class Diagnosis:
    wording: str
    code: str | None
    unit: Passage


def diagnoses_of(record: RecordText) -> list[Diagnosis]:
    """The diagnoses a record lists (its assessment), each with its ICD-10 code when given;
    rule-outs are not diagnoses."""
    found: list[Diagnosis] = []
    for unit in record.units:
        listed = unit.section == "diagnoses" or (
            unit.section == "impression" and record.doc.doc_type not in STUDY_TYPES
        )  # a clinic note's "IMPRESSION:" is its assessment; a study's is what it found
        if not (unit.whole_segment and listed):
            continue
        body = re.sub(r"^[^:]{0,40}:\s*", "", unit.text)
        for piece in re.split(r"(?:^|\s)\d{1,2}[.)]\s+|;\s*|\.\s+(?=[A-Z])", body):
            piece = piece.strip(" .")
            if not piece:
                continue
            for item in _split_coded(piece):
                found.append(Diagnosis(*item, unit))
    return found


def _split_coded(piece: str) -> list[tuple[str, str | None]]:
    """'R shoulder impingement (M75.41), partial thickness RC tear (S46.011A)' -> two items."""
    out: list[tuple[str, str | None]] = []
    parts = re.split(r"(?<=\))\s*(?:,|;|\band\b|\bwith\b|\bdue to\b|\bsecondary to\b)\s*", piece)
    for part in parts:
        if _UNCERTAIN.search(part):
            continue
        codes = ICD10.findall(part)
        wording = re.sub(r"\(?\b(?:ICD-?10:?\s*)?[A-TV-Z]\d{2}(?:\.[0-9A-Z]{1,4})?\b\)?", "", part)
        wording = re.sub(r"\s+,", ",", re.sub(r"\s+", " ", wording)).strip(" ,.;-")
        wording = expand_abbreviations(wording)
        if not re.search(r"[A-Za-z]{3}", wording):
            continue
        if codes:
            out.extend((wording, code) for code in codes[:1])
        elif len(wording.split()) <= 6 and not re.search(
            r"\d|\b(?:over|has|have|with no)\b", wording
        ):
            out.append((wording, None))  # an uncoded diagnosis is short; longer is narrative
    return out


def first_date(text: str) -> date | None:
    found = dates_in(text)
    return found[0][0] if found else None
