"""Text writers for the two older letter layouts, so the parser can be tested on them.

No copy of these letters is in the project: the layouts are rebuilt from their documented
headers and section names (docs/regulations.md §6; data/dwc/README.md):

- ``maximus-2014``: "MAXIMUS FEDERAL SERVICES, INC." letterhead, HOW THE IMR FINAL
  DETERMINATION WAS MADE, DOCUMENTS REVIEWED, CLINICAL CASE SUMMARY, IMR DECISION(S) AND
  RATIONALE(S) with "Decision:", the two guideline lines and "Rationale for the Decision:".
- ``mpr-2013``: "MEDICAL PROFESSIONAL REVIEW", ISSUE AT DISPUTE, CASE SUMMARY, DOCUMENTS
  REVIEWED FOR DETERMINATION, MEDICAL TREATMENT GUIDELINE(S) RELIED UPON BY PROFESSIONAL
  REVIEWER AND WHY, RATIONALE FOR WHY THE REQUESTED TREATMENT/SERVICE IS/WAS NOT MEDICALLY
  NECESSARY, MEDICAL REVIEWER QUALIFICATIONS; items numbered across sections.

Both writers lay the text out as a PDF extraction would give it: lines wrapped at a fixed
width (breaking at hyphens), pages separated by form feeds, a running header and a
"Page N of M" footer on every page.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from datetime import date

from openimr.letters.model import ParsedCitation, ParsedItem, ParsedLetter

WIDTH = 88
PAGE_LINES = 48


def _us_date(value: str | None) -> str:
    return date.fromisoformat(value).strftime("%m/%d/%Y") if value else ""


def _wrap(text: str) -> list[str]:
    # break_on_hyphens mimics word processors: "follow-up" may end one line as "follow-".
    return textwrap.wrap(text, width=WIDTH, break_long_words=False, break_on_hyphens=True) or [""]


def _paragraphs(text: str | None) -> list[str]:
    lines: list[str] = []
    for paragraph in (text or "").split("\n\n"):
        if paragraph.strip():
            lines += [*_wrap(" ".join(paragraph.split())), ""]
    return lines


def citation_sentences(citations: Sequence[ParsedCitation], who: str) -> str:
    """A guideline paragraph in the stock sentence forms the parser reads back."""
    sentences: list[str] = []
    for c in citations:
        if c.source == "none":
            sentences.append(f"The {who} did not cite any medical evidence for its decision.")
        elif c.source == "outside-MTUS":
            sentences.append(
                f"The {who} based their decision on recommendation(s) outside of the MTUS"
                " Guidelines."
            )
        else:
            lead = (
                "Decision based on MTUS"
                if c.source == "MTUS"
                else "Decision based on Non-MTUS Citation"
            )
            body = " ".join(p for p in (c.guideline, c.edition) if p)
            if c.sections:
                body += ", Section(s): " + ", ".join(c.sections)
            if c.pages:
                body += ", Page(s): " + ", ".join(c.pages)
            sentence = f"{lead} {body}."
            if c.strength:
                sentence += f" Strength of Evidence: {c.strength}."
            sentences.append(sentence)
    if not sentences:
        sentences.append(f"The {who} did not cite any medical evidence for its decision.")
    return " ".join(sentences)


def item_line(item: ParsedItem) -> str:
    """The item's name; a modified request states original, authorized and remaining parts."""
    if item.original_request and item.authorized_portion:
        return (
            f"{item.original_request} was the original request. {item.authorized_portion} was"
            " authorized by the Claims Administrator. The remaining IMR eligible portion of the"
            f" original request, {item.description}"
        )
    return item.description


def _paginate(lines: list[str], running_header: str) -> str:
    """Split into pages with a running header and a "Page N of M" footer, joined by form feeds."""
    body = PAGE_LINES - 4
    chunks = [lines[i : i + body] for i in range(0, len(lines), body)] or [[]]
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        header = [running_header, ""] if number > 1 else []
        pages.append("\n".join([*header, *chunk, "", f"Page {number} of {len(chunks)}"]))
    return "\n\f".join(pages)


def _credentials(letter: ParsedLetter) -> list[str]:
    return [
        f"State(s) of Licensure: {', '.join(letter.reviewer.licensure)}",
        f"Certification(s)/Specialty: {', '.join(letter.reviewer.specialties)}",
    ]


def write_maximus_2014(letter: ParsedLetter, documents: Sequence[str] = ()) -> str:
    """The letter in the "MAXIMUS FEDERAL SERVICES, INC." layout."""
    lines = [
        "MAXIMUS FEDERAL SERVICES, INC.",
        "Independent Medical Review",
        "P.O. Box 138009",
        "Sacramento, CA 95813-8009",
        "",
        "Notice of Independent Medical Review Determination",
        "",
        f"IMR Case Number: {letter.case_number or ''}    Date of Injury: "
        f"{_us_date(letter.date_of_injury)}",
        f"Date Assigned: {_us_date(letter.date_assigned)}    UR Denial Date: "
        f"{_us_date(letter.ur_denial_date)}",
        f"Application Received: {_us_date(letter.application_received)}    Priority: "
        f"{(letter.priority or '').title()}",
        f"Decision Date: {_us_date(letter.decision_date)}",
        "",
        "HOW THE IMR FINAL DETERMINATION WAS MADE",
        *_wrap(
            "MAXIMUS Federal Services sent the complete case file to an expert reviewer, who has"
            " no affiliation with the employer, employee, providers or the claims administrator,"
            " has been in active clinical practice for more than five years and works at least"
            " 24 hours a week in active practice."
        ),
        "The expert reviewer has the following credentials:",
        *_credentials(letter),
        "",
        "DOCUMENTS REVIEWED",
        *(f"- {doc}" for doc in documents),
        "",
        "CLINICAL CASE SUMMARY",
        *_paragraphs(letter.clinical_case_summary),
        "IMR DECISION(S) AND RATIONALE(S)",
        "",
    ]
    for number, item in enumerate(letter.items, start=1):
        lines += [
            *_wrap(f"{number}. {item_line(item)}"),
            f"Decision: {(item.decision or '').title()}",
            *_wrap(
                "Claims Administrator guideline: "
                + citation_sentences(item.claims_administrator_guideline, "Claims Administrator")
            ),
            *_wrap(
                "MAXIMUS guideline: " + citation_sentences(item.imr_guideline, "Expert Reviewer")
            ),
            *_wrap(f"Rationale for the Decision: {' '.join((item.rationale or '').split())}"),
            "",
        ]
    return _paginate(lines, f"IMR Case Number {letter.case_number or ''}")


def write_mpr_2013(letter: ParsedLetter, documents: Sequence[str] = ()) -> str:
    """The letter in the "MEDICAL PROFESSIONAL REVIEW" layout."""
    lines = [
        "",
        "MEDICAL PROFESSIONAL REVIEW",
        "Independent Medical Review Final Determination",
        "",
        f"Case Number: {letter.case_number or ''}",
        f"Date of Injury: {_us_date(letter.date_of_injury)}    Date Assigned: "
        f"{_us_date(letter.date_assigned)}",
        f"UR Denial Date: {_us_date(letter.ur_denial_date)}    Application Received: "
        f"{_us_date(letter.application_received)}",
        f"Decision Date: {_us_date(letter.decision_date)}    Priority: "
        f"{(letter.priority or '').title()}",
        "",
        "ISSUE AT DISPUTE:",
    ]
    for number, item in enumerate(letter.items, start=1):
        lines += _wrap(f"{number}. {item_line(item)}: {(item.decision or '').title()}")
    lines += ["", "CASE SUMMARY:", *_paragraphs(letter.clinical_case_summary)]
    lines += ["DOCUMENTS REVIEWED FOR DETERMINATION:"]
    lines += [f"{n}. {doc}" for n, doc in enumerate(documents, start=1)]
    lines += [
        "",
        "MEDICAL TREATMENT GUIDELINE(S) RELIED UPON BY PROFESSIONAL",
        "REVIEWER AND WHY:",
    ]
    for number, item in enumerate(letter.items, start=1):
        lines += _wrap(
            f"{number}. Claims Administrator guideline: "
            + citation_sentences(item.claims_administrator_guideline, "Claims Administrator")
            + " Professional Reviewer guideline: "
            + citation_sentences(item.imr_guideline, "Expert Reviewer")
        )
        lines.append("")
    lines += [
        "",
        "RATIONALE FOR WHY THE REQUESTED TREATMENT/SERVICE IS/WAS NOT",
        "MEDICALLY NECESSARY:",
    ]
    for number, item in enumerate(letter.items, start=1):
        lines += [*_wrap(f"{number}. {' '.join((item.rationale or '').split())}"), ""]
    lines += [
        "",
        "MEDICAL REVIEWER QUALIFICATIONS:",
        *_credentials(letter),
        *_wrap(
            "The reviewer has been in active clinical practice for more than five years and is"
            " currently working at least 24 hours a week in active practice."
        ),
    ]
    return _paginate(lines, f"Case Number: {letter.case_number or ''}")
