"""A draft clinical case summary from the case's records, every sentence traced to its source.

The IMR letter opens with a clinical case summary the expert reviewer writes from the case
file: the analysis must cite the employee's medical condition and the relevant documents in
the record (LC 4610.6(e)), and the reviewer decides on the records, never on the UR
decision's account alone (8 CCR 9792.10.6(b)(2)). The draft follows the order reviewers
write in: the worker, the injury and the diagnoses (`assist.opening`); the UR decision; the
course of care in date order, each record with its author and specialty, complaints and
scores, examination, studies, procedures and their response, assessment, plan and work status
(`assist.encounters`); what the record does not settle (`assist.unsettled`); and last the
request under review. Records are read by `assist.records` and `assist.sections`; the words by
`assist.lexicon`. No generative model: each sentence is the record's own, its shorthand
written out, and carries the document, page and quoted span it came from.

It is a draft for the reviewer to edit, never the reviewer's own words. The assist package
does no database access: the service passes the stored documents in
(`records_from_case_documents`), the CLI reads a folder (`records_from_folder`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from openimr.assist import unsettled
from openimr.assist.draft import (
    DRAFT_NOTICE,
    CaseHeader,
    DraftSummary,
    Source,
    SummarySentence,
    article,
    case_header,
    long_date,
    sentence,
)
from openimr.assist.encounters import (
    CARE_SECTIONS,
    SECTION_NAMES,
    Encounter,
    about,
    read_encounter,
    title_of,
)
from openimr.assist.lexicon import drug_mention
from openimr.assist.opening import (
    application_sentence,
    diagnosis_sentences,
    injury,
    injury_dates,
    request_sentence,
    rfa_sentence,
    ur_sentences,
    worker_sentences,
)
from openimr.assist.records import Passage, RecordDocument, RecordText, date_record, passages
from openimr.domain.errors import InvalidInput

__all__ = [
    "DRAFT_NOTICE",
    "CaseHeader",
    "DraftSummary",
    "Source",
    "SummarySentence",
    "case_header",
    "draft_case_summary",
    "long_date",
]

_PAPERS = ("ur_decision", "rfa", "application")


def role(record: RecordText) -> str:
    """What a record is in the dispute: a UR decision, an RFA, the application, or care."""
    if record.doc.kind in _PAPERS:
        return record.doc.kind
    return record.doc.doc_type if record.doc.doc_type in _PAPERS else "care"


def draft_case_summary(
    records: Sequence[RecordDocument], *, case: CaseHeader | None = None
) -> DraftSummary:
    """Draft the clinical case summary of an IMR letter from the case's records.

    Records no one could read (`RecordDocument.unread`) are named in the draft, never
    dropped silently; pages read by OCR are flagged. `case` fills in the worker's age, sex,
    injury date or representation only when no record states them (its sources read "case").
    """
    if not records:
        raise InvalidInput("no records to summarise", field="records")
    parsed = [RecordText(doc, passages(doc)) for doc in records if not doc.unread]
    found = injury(parsed)
    when_hurt = found[0] if found else (case.date_of_injury if case else None)
    for record in parsed:
        date_record(record, when_hurt)
    # Date order; on the same day the visit comes before its RFA and the UR after both.
    ordered = [
        r
        for _, r in sorted(
            enumerate(parsed),
            key=lambda p: (p[1].date is None, p[1].date or date.min, role(p[1]) != "care", p[0]),
        )
    ]
    care = [r for r in ordered if role(r) == "care"]
    urs = [r for r in ordered if role(r) == "ur_decision"]
    rfas = [r for r in ordered if role(r) == "rfa"]

    paragraphs: list[tuple[str, list[SummarySentence]]] = []
    opening, used = worker_sentences(ordered, care, case) if parsed else ([], set())
    opening += diagnosis_sentences([r for r in ordered if role(r) in ("care", "rfa")])
    paragraphs.append(("The worker, the injury and the diagnoses", opening))
    dispute = [s for ur in urs for s in ur_sentences(ur)]
    dispute += [
        s for r in ordered if role(r) == "application" for s in [application_sentence(r)] if s
    ]
    paragraphs.append(("The Utilization Review decision", dispute))

    encounters = [read_encounter(r) for r in care]
    copied = unsettled.copied_exams(encounters)
    copied_dates = {_copied_key(f): f for f in copied}
    by_record = {id(e.record): e for e in encounters}
    last_assessment: list[str] = []
    for record in ordered:
        if role(record) == "rfa":
            rfa = rfa_sentence(record)
            if rfa:
                paragraphs.append(("", [rfa]))
            continue
        if role(record) != "care":
            continue
        encounter = by_record[id(record)]
        sentences, last_assessment = _encounter_sentences(
            encounter, used, last_assessment, copied_dates
        )
        paragraphs.append(("", sentences))

    open_points = [
        *unsettled.pain_contradictions(encounters),
        *copied,
        *unsettled.addenda(encounters),
        *unsettled.injury_dates(injury_dates(ordered)),
    ]
    notes = [sentence(f.text, [*f.units, *f.named]) for f in open_points]
    for doc in records:
        if doc.unread_pages:
            page = doc.unread_pages[0]
            notes.append(
                SummarySentence(unsettled.unread_notice(doc), (Source(doc.document_id, page, ""),))
            )
        if doc.ocr_pages:
            page = doc.ocr_pages[0]
            notes.append(
                SummarySentence(unsettled.ocr_notice(doc), (Source(doc.document_id, page, ""),))
            )
    paragraphs.append(("What the record does not settle", notes))
    closing = request_sentence(urs, rfas)
    paragraphs.append(("The request under review", [closing] if closing else []))
    kept = [(title, tuple(body)) for title, body in paragraphs if body]
    return DraftSummary(tuple(b for _, b in kept), tuple(t for t, _ in kept))


def _copied_key(finding: unsettled.Finding) -> tuple[str, int]:
    record, unit = finding.units[0]
    return record.doc.document_id, unit.page


def _encounter_sentences(
    encounter: Encounter,
    used: set[Passage],
    last_assessment: list[str],
    copied: dict[tuple[str, int], unsettled.Finding],
) -> tuple[list[SummarySentence], list[str]]:
    """One record's sentences: who wrote what when, with the complaint and its score; then
    each section in a reviewer's order, one sentence per section (complaints one each, so
    that what the worker denied never shares a sentence with what they reported)."""
    record = encounter.record
    title = title_of(record)
    who = encounter.provider
    verb = "reported" if record.doc.doc_type in ("imaging_report", "electrodiagnostic") else "wrote"
    named = f"{article(title)} {title}"
    if who and record.date:
        text = f"On {long_date(record.date)}, {who.describe()} {verb} {named}"
    elif who:
        text = f"In an undated record, {who.describe()} {verb} {named}"
    elif record.date:
        text = f"On {long_date(record.date)}, {named} was written"
    else:
        text = f"An undated record: {named}"
    head = about(encounter)
    sections = encounter.sections()
    pain = encounter.pain[1] if encounter.pain else None
    lead = next(
        (
            ln
            for ln in [*sections.get("complaints", []), *sections.get("other", [])]
            if pain in ln.units and not set(ln.units) & used
        ),
        None,
    )
    if lead is not None:
        text += f"; the applicant reported: {_lower_first(lead.text)}"
        head += [(record, u) for u in lead.units]
    elif sections.get("procedure"):  # a procedure note opens with what was done
        lead = sections["procedure"][0]
        text += f": {_lower_first(lead.text).rstrip('.')}"
        head += [(record, u) for u in lead.units]
    opener = sentence(text if text.endswith(".") else text + ".", head)
    if record.date and record.date_unit is None:  # the date the service recorded
        given = Source(record.doc.document_id, None, f"document date: {record.date.isoformat()}")
        opener = SummarySentence(opener.text, (given, *opener.sources))
    out = [opener]
    assessment = [line.text for line in sections.get("diagnoses", [])]
    for section in CARE_SECTIONS:
        lines = [
            ln for ln in sections.get(section, []) if ln is not lead and not set(ln.units) & used
        ]
        if not lines or (section == "diagnoses" and assessment == last_assessment):
            continue
        name = SECTION_NAMES[section]
        units: list[tuple[RecordText, Passage | None]] = [
            (record, u) for ln in lines for u in ln.units
        ]
        if section == "findings":
            finding = copied.get((record.doc.document_id, lines[0].units[0].page))
            if finding is not None and finding.units[0][1] in [u for _, u in units]:
                earlier = finding.units[1][0]
                if earlier.date:
                    name = f"Examination (worded as on {long_date(earlier.date)})"
                    units.append((earlier, earlier.date_unit))
        if section in ("complaints", "other"):  # one sentence each: never "reports X; denies Y"
            for index, line in enumerate(lines):
                first = index == 0 and name
                text = f"{name}: {_lower_first(line.text)}" if first else line.text
                out.append(sentence(text, [(record, u) for u in line.units]))
            continue
        parts = [line.text.rstrip(".") for line in lines]
        body = "; ".join([_lower_first(parts[0]), *(_lower_first(p) for p in parts[1:])])
        text = f"{name}: {body}." if name else f"{body[:1].upper()}{body[1:]}."
        out.append(sentence(text, units))
    return out, assessment or last_assessment


def _lower_first(text: str) -> str:
    """'Examination: right shoulder: ...' but 'History: MRI of ...' and 'Plan: Norco ...'."""
    first = text.split(" ", 1)[0]
    if re.match(r"[A-Z][a-z]+$", first) and not drug_mention().match(text):
        return text[:1].lower() + text[1:]
    return text
