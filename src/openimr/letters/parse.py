"""Parse IMR final determination letters (PDF or text) into `ParsedLetter`.

Four layouts are known (docs/regulations.md §6, data/dwc/README.md):

- ``dwc-2016``: opens with a "Case Number:" header block, then HOW THE IMR FINAL
  DETERMINATION WAS MADE, CLINICAL CASE SUMMARY, IMR ISSUES, DECISIONS AND RATIONALES
  (the DWC letters of 2016-2017).
- ``dwc-2015``: the same sections, with a quoted recommendation and a "Strength of Evidence"
  line in the guideline paragraph (the seed letter; its public copy has no header block).
- ``maximus-2014``: opens with "MAXIMUS FEDERAL SERVICES, INC." letterhead; adds DOCUMENTS
  REVIEWED and titles the items IMR DECISION(S) AND RATIONALE(S).
- ``mpr-2013``: opens with "MEDICAL PROFESSIONAL REVIEW"; ISSUE AT DISPUTE, CASE SUMMARY,
  DOCUMENTS REVIEWED FOR DETERMINATION, MEDICAL TREATMENT GUIDELINE(S) RELIED UPON BY
  PROFESSIONAL REVIEWER AND WHY, RATIONALE FOR WHY ..., MEDICAL REVIEWER QUALIFICATIONS, with
  the items numbered across those sections.

Parsing goes by section headers and the layouts' stock labels, never by line positions, so a
letter with a section missing still yields what it has, plus `warnings`.
"""

from __future__ import annotations

import re
from pathlib import Path

from openimr.domain.errors import InvalidInput, LetterParseError, UnreadablePdf
from openimr.inputs import decode_text
from openimr.letters.model import ParsedItem, ParsedLetter
from openimr.letters.parse_citations import parse_guideline_paragraph
from openimr.letters.parse_fields import (
    CASE_NUMBER,
    parse_applicant,
    parse_header,
    parse_reviewer,
)
from openimr.letters.parse_items import find_item_openings, parse_item_name, parse_items
from openimr.letters.parse_text import (
    DocumentVocabulary,
    clean_block,
    document_vocabulary,
    is_section_header,
    join_lines,
    normalise,
    remove_furniture,
)
from openimr.pdftext import pdf_text

__all__ = [
    "detect_layout",
    "extract_pdf_text",
    "parse_letter_file",
    "parse_letter_text",
]


# -- input ----------------------------------------------------------------------------


def extract_pdf_text(path: Path | str) -> str:
    """The text of a PDF, pages separated by form feeds (`openimr.pdftext`, PDFium).

    The published DWC letters are encrypted with an empty password; it is tried.
    """
    return _pdf_letter_text(Path(path), Path(path))


def _pdf_letter_text(source: bytes | Path, path: Path) -> str:
    try:
        return pdf_text(source, str(path))
    except UnreadablePdf as exc:
        raise LetterParseError(exc.message, path=str(path)) from exc


def read_letter_text(path: Path, notes: list[str] | None = None) -> str:
    """The text of a letter file: PDF by signature or suffix, otherwise decoded text —
    UTF-8, or UTF-16/32 by its byte-order mark; text in another encoding is read as
    Windows-1252 (letters saved on Windows) with a note in `notes` naming the first byte
    that is not UTF-8, never silently."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LetterParseError(
            f"{path}: cannot read file ({exc.strerror or exc})", path=str(path)
        ) from exc
    if not raw.strip():
        raise LetterParseError(f"{path}: empty file", path=str(path))
    if raw.lstrip()[:5] == b"%PDF-" or path.suffix.lower() == ".pdf":
        if raw.lstrip()[:5] != b"%PDF-":
            raise LetterParseError(f"{path}: not a PDF (no %PDF header)", path=str(path))
        return _pdf_letter_text(raw, path)
    try:
        return decode_text(raw, str(path))
    except InvalidInput as err:
        if not raw.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
            if b"\x00" in raw[:4096]:
                raise LetterParseError(
                    f"{path}: binary file, neither text nor PDF", path=str(path)
                ) from err
            text = raw.decode("cp1252", errors="replace")
            if text.count("\ufffd") <= max(3, len(text) // 1000):
                if notes is not None:
                    notes.append(f"{err.message}: read as Windows-1252")
                return text
        raise LetterParseError(err.message, path=str(path)) from err


def parse_letter_file(path: Path | str) -> ParsedLetter:
    """Parse one letter file (PDF or text); raises LetterParseError naming file and reason."""
    path = Path(path)
    notes: list[str] = []
    letter = parse_letter_text(read_letter_text(path, notes), path=str(path))
    letter.warnings = [*notes, *letter.warnings]
    return letter


# -- layouts --------------------------------------------------------------------------

_LEGACY_MAXIMUS = re.compile(r"^\s*MAXIMUS FEDERAL SERVICES,? INC\.?", re.MULTILINE)
_LEGACY_MPR = re.compile(r"^\s*MEDICAL PROFESSIONAL REVIEW\b", re.MULTILINE)
_DWC_MARKERS = re.compile(
    r"HOW THE IMR FINAL DETERMINATION WAS MADE|IMR ISSUES, DECISIONS AND RATIONALES"
    r"|^\s*Case Number:",
    re.MULTILINE,
)
_STRENGTH_LINE = re.compile(r"Strength of Evidence:", re.IGNORECASE)


def detect_layout(text: str) -> str | None:
    """The layout id of a letter's text, or None when it is no known IMR letter."""
    top = "\n".join(line for line in text.split("\n")[:15])
    if _LEGACY_MPR.search(top):
        return "mpr-2013"
    if _LEGACY_MAXIMUS.search(top):
        return "maximus-2014"
    if _DWC_MARKERS.search(text):
        return "dwc-2015" if _STRENGTH_LINE.search(text) else "dwc-2016"
    return None


# -- sections -------------------------------------------------------------------------

_STOCK_INTROS = (
    re.compile(
        r"^The expert reviewer developed the following clinical case summary.*?records:\s*",
        re.I | re.S,
    ),
    re.compile(
        r"^The Final Determination was based on decisions for the disputed.*?below:\s*", re.I | re.S
    ),
)


def split_sections(lines: list[str]) -> list[tuple[str, int, int]]:
    """(title, first title line, first body line) of every ALL-CAPS header line.

    A title wrapped over two lines ("RATIONALE FOR WHY ... IS/WAS NOT" + "MEDICALLY
    NECESSARY:") is joined into one.
    """
    heads: list[tuple[str, int, int]] = []
    index = 0
    while index < len(lines):
        if is_section_header(lines[index]):
            title = lines[index].strip()
            nxt = index + 1
            while nxt < len(lines) and is_section_header(lines[nxt]) and not title.endswith(":"):
                title = f"{title} {lines[nxt].strip()}"
                nxt += 1
            heads.append((title, index, nxt))
            index = nxt
            continue
        index += 1
    return heads


# Titles of the layouts' own sections. A section runs to the next of these, so an ALL-CAPS
# line inside a summary ("MRI OF THE LUMBAR SPINE") stays part of the summary.
_KNOWN_TITLES = (
    "DETERMINATION WAS MADE",
    "CASE SUMMARY",
    "DECISION",
    "DOCUMENTS REVIEWED",
    "APPEAL",
    "ISSUE AT DISPUTE",
    "GUIDELINE",
    "RATIONALE",
    "QUALIFICATIONS",
)


def _section(
    sections: list[tuple[str, int, int]], n_lines: int, *needles: str
) -> tuple[int, int] | None:
    """(first body line, end) of the first section whose title holds one of `needles`."""
    for index, (title, _, body) in enumerate(sections):
        if any(needle in title.upper() for needle in needles):
            for later_title, later_head, _ in sections[index + 1 :]:
                if any(known in later_title.upper() for known in _KNOWN_TITLES):
                    return body, later_head
            return body, n_lines
    return None


def _strip_intro(lines: list[str], intro: re.Pattern[str]) -> list[str]:
    """Drop a stock opening sentence that may wrap over several (even double-spaced) lines."""
    head = ""
    for index, line in enumerate(lines[:12]):
        if not line.strip():
            continue
        head = f"{head} {line.strip()}".strip()
        match = intro.match(head)
        if match:
            rest = head[match.end() :]
            return ([rest] if rest.strip() else []) + lines[index + 1 :]
    return lines


# -- the parse ------------------------------------------------------------------------


def parse_letter_text(text: str, path: str | None = None) -> ParsedLetter:
    """Parse the text of one letter; raises LetterParseError when it is no IMR letter."""
    where = path or "<text>"
    text = normalise(text)
    if not text.strip():
        raise LetterParseError(f"{where}: empty letter", path=path)
    layout = detect_layout(text)
    if layout is None:
        raise LetterParseError(
            f"{where}: not an IMR determination letter (no known layout header or section)",
            path=path,
        )
    case_number = CASE_NUMBER.search(text)
    lines = remove_furniture(text.split("\n"), case_number.group(0) if case_number else None)
    vocabulary = document_vocabulary(text)
    warnings: list[str] = []
    if layout == "mpr-2013":
        letter = _parse_mpr(lines, vocabulary, warnings)
    else:
        letter = _parse_sectioned(lines, vocabulary, warnings)
    letter.path = path
    letter.layout = layout
    _check_complete(letter, warnings, where)
    letter.warnings = warnings
    return letter


def _parse_sectioned(
    lines: list[str], vocabulary: DocumentVocabulary, warnings: list[str]
) -> ParsedLetter:
    """dwc-2016, dwc-2015 and maximus-2014: header block, then titled sections."""
    sections = split_sections(lines)
    body_titles = ("DETERMINATION WAS MADE", "CASE SUMMARY", "DECISION", "DOCUMENTS REVIEWED")
    first_body = next(
        (head for title, head, _ in sections if any(t in title.upper() for t in body_titles)),
        len(lines),
    )
    header = parse_header(lines[:first_body])
    summary_span = _section(sections, len(lines), "CASE SUMMARY")
    summary = None
    if summary_span:
        body = _strip_intro(lines[summary_span[0] : summary_span[1]], _STOCK_INTROS[0])
        summary = clean_block(body, vocabulary) or None
    else:
        warnings.append("no CLINICAL CASE SUMMARY section")
    decisions_span = _section(
        sections, len(lines), "DECISIONS AND RATIONALES", "DECISION(S) AND RATIONALE", "DECISION"
    )
    items: list[ParsedItem] = []
    if decisions_span:
        body = _strip_intro(lines[decisions_span[0] :], _STOCK_INTROS[1])
        items = parse_items(body, vocabulary, warnings)
    else:
        warnings.append("no IMR ISSUES, DECISIONS AND RATIONALES section")
    # The credentials come before the summary (or, failing one, before the decisions).
    before = summary_span or decisions_span
    return ParsedLetter(
        **header,  # type: ignore[arg-type]
        reviewer=parse_reviewer(lines[: before[0]] if before else lines),
        applicant=parse_applicant(summary),
        clinical_case_summary=summary,
        items=items,
    )


_NUMBERED = re.compile(r"^\s*(?P<n>\d{1,2})[.)]\s+")


def _numbered_blocks(lines: list[str]) -> dict[int, list[str]]:
    """Split "1. ...", "2. ..." blocks of a section by their numbers.

    Only the next number in sequence opens a block, and, when the section spaces its
    blocks with blank lines, only after one or after a finished sentence (a page break
    takes the blank line with it): a wrapped line may well begin "2. ".
    """
    blocks: dict[int, list[str]] = {}
    current: int | None = None
    filled = [i for i, line in enumerate(lines) if line.strip()]
    spaced = bool(filled) and any(not ln.strip() for ln in lines[filled[0] : filled[-1]])
    previous_blank = True
    previous = ""
    for line in lines:
        match = _NUMBERED.match(line)
        opens = match is not None and int(match.group("n")) == (current or 0) + 1
        finished = re.search(r"[.!?][\"')]*$", previous.rstrip()) is not None
        if match and opens and (previous_blank or not spaced or finished):
            current = int(match.group("n"))
            blocks[current] = [line[match.end() :]]
        elif current is not None:
            blocks[current].append(line)
        previous_blank = not line.strip()
        previous = line if line.strip() else previous
    return blocks


def _parse_mpr(
    lines: list[str], vocabulary: DocumentVocabulary, warnings: list[str]
) -> ParsedLetter:
    """mpr-2013: items numbered in ISSUE AT DISPUTE, guidelines and rationales by number."""
    sections = split_sections(lines)
    issue = _section(sections, len(lines), "ISSUE AT DISPUTE")
    first_body = issue[0] - 1 if issue else len(lines)
    header = parse_header(lines[:first_body])
    summary_span = _section(sections, len(lines), "CASE SUMMARY")
    summary = (
        clean_block(lines[summary_span[0] : summary_span[1]], vocabulary) if summary_span else None
    )
    if not summary:
        warnings.append("no CASE SUMMARY section")
    guideline_span = _section(
        sections, len(lines), "GUIDELINE(S) RELIED UPON", "GUIDELINES RELIED UPON"
    )
    rationale_span = _section(sections, len(lines), "RATIONALE FOR WHY")
    qualifications = _section(sections, len(lines), "REVIEWER QUALIFICATIONS")
    items: list[ParsedItem] = []
    if issue is None:
        warnings.append("no ISSUE AT DISPUTE section")
    else:
        issue_lines = lines[issue[0] : issue[1]]
        openings = find_item_openings(issue_lines)
        guideline_blocks = (
            _numbered_blocks(lines[guideline_span[0] : guideline_span[1]]) if guideline_span else {}
        )
        rationale_blocks = (
            _numbered_blocks(lines[rationale_span[0] : rationale_span[1]]) if rationale_span else {}
        )
        for number, opening in enumerate(openings, start=1):
            description, original, authorized = parse_item_name(opening.name)
            ca_text, imr_text = _mpr_guidelines(guideline_blocks.get(number, []), vocabulary)
            rationale = clean_block(rationale_blocks.get(number, []), vocabulary) or None
            if rationale is None:
                warnings.append(f"item {number} ({description[:40]}): no rationale")
            imr = parse_guideline_paragraph(imr_text)
            items.append(
                ParsedItem(
                    description=description,
                    original_request=original,
                    authorized_portion=authorized,
                    decision=opening.decision,  # type: ignore[arg-type]
                    claims_administrator_guideline=parse_guideline_paragraph(ca_text),
                    imr_guideline=imr,
                    strength_of_evidence=next((c.strength for c in imr if c.strength), None),
                    rationale=rationale,
                )
            )
    if qualifications is None:
        warnings.append("no MEDICAL REVIEWER QUALIFICATIONS section")
    reviewer_lines = lines[qualifications[0] : qualifications[1]] if qualifications else lines
    return ParsedLetter(
        **header,  # type: ignore[arg-type]
        reviewer=parse_reviewer(reviewer_lines),
        applicant=parse_applicant(summary),
        clinical_case_summary=summary,
        items=items,
    )


def _mpr_guidelines(block: list[str], vocabulary: DocumentVocabulary) -> tuple[str, str]:
    """A numbered guideline block: "Claims Administrator guideline:" then the reviewer's."""
    text = join_lines(block, vocabulary)
    match = re.search(
        r"Claims Administrator guidelines?:\s*(?P<ca>.*?)(?=(?:Professional|Expert|IMR)"
        r" Reviewer guidelines?:|$)",
        text,
        re.IGNORECASE,
    )
    reviewer = re.search(
        r"(?:Professional|Expert|IMR) Reviewer guidelines?:\s*(?P<imr>.*)$", text, re.I
    )
    ca = match.group("ca").strip() if match else ""
    imr = reviewer.group("imr").strip() if reviewer else ("" if match else text)
    return ca, imr


def _check_complete(letter: ParsedLetter, warnings: list[str], where: str) -> None:
    """Warn on each missing header field; refuse a "letter" with nothing of a letter in it."""
    for field in ("case_number", "decision_date", "date_of_injury", "ur_denial_date"):
        if getattr(letter, field) is None:
            warnings.append(f"no {field.replace('_', ' ')} found")
    if not letter.items:
        warnings.append("no disputed items found")
    if letter.case_number is None and not letter.items and not letter.clinical_case_summary:
        raise LetterParseError(
            f"{where}: truncated or not a letter: no case number, summary or decided items found",
            path=letter.path,
        )
