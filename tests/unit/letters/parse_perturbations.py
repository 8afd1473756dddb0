"""Perturbations of a letter's text that must not change what the parser reads from it.

Real letters we do not have differ from the dev letters in how their PDFs were laid out:
other line widths, page breaks in other places (with page-number footers), other spacing
and line endings. Each function here takes a letter's text and returns such a variant; it
knows the layout only as a reader does (blank lines, ALL-CAPS titles, labels that open a
paragraph), never through the parser. `fingerprint` projects a parse onto the fields that
must stay the same. Used by `test_parse_perturbations.py` (a few letters) and
`benchmarks/bench_parse.py` (all of them).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from openimr.letters.model import ParsedLetter
from openimr.letters.parse_text import squash

# Lines that open a paragraph of their own in every layout (a PDF starts a new line there).
_OPENS_PARAGRAPH = re.compile(
    r"^\s*(?:(?:[A-Z][A-Za-z.&-]*\s+){1,3}guideline:|Decision rationale:|State\(s\) of Licensure:"
    r"|Certification\(s\)/Specialty:|The Expert Reviewer has the following credentials:"
    r"|The Final Determination was based on|The expert reviewer developed|Decision:"
    r"|Rationale for the Decision:)"
)
# Rows of the credentials table: each is a line of its own unless it wraps mid-list.
_TABLE_ROW = re.compile(r"^\s*(?:State\(s\) of Licensure|Certification\(s\)/Specialty):")
_ENDS_ITEM_LINE = re.compile(r"(?:Upheld|Overturned)\.?\s*$", re.IGNORECASE)
_ENDS_MID_PHRASE = re.compile(r"(?:[,&/-]|\b(?:and|or|of|the|a|to|for|with|in))$")
_CAPS_TITLE = re.compile(r"^[A-Z0-9 ,()'&/:-]{8,}$")


def _is_title(line: str) -> bool:
    stripped = line.strip()
    return bool(_CAPS_TITLE.match(stripped)) and len(stripped.split()) >= 2


def _paragraphs(text: str) -> list[tuple[str, list[str]]]:
    """(kind, lines) runs: "blank", "title" or "text" paragraphs, as a reader would see them.

    A text paragraph ends at a blank line, before a title or a paragraph-opening label, after
    an item line's decision, or after a line clearly shorter than the page width that ends a
    sentence or at least no phrase (the last line of a paragraph, or of a "Label: value" line,
    in a letter without blank lines).
    """
    lines = text.replace("\r\n", "\n").split("\n")
    width = max((len(line.rstrip()) for line in lines), default=80)
    runs: list[tuple[str, list[str]]] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            runs.append(("text", current.copy()))
            current.clear()

    for line in lines:
        if not line.strip():
            flush()
            runs.append(("blank", [line]))
            continue
        if _is_title(line):
            flush()
            runs.append(("title", [line]))
            continue
        if _OPENS_PARAGRAPH.match(line):
            flush()
        current.append(line)
        stripped = line.rstrip()
        if (
            _ENDS_ITEM_LINE.search(stripped)
            or (stripped.endswith((".", ":")) and len(stripped) < 0.7 * width)
            or (len(stripped) < 0.6 * width and not _ENDS_MID_PHRASE.search(stripped))
            or (_TABLE_ROW.match(current[0]) and not _ENDS_MID_PHRASE.search(stripped))
        ):
            flush()
    flush()
    return runs


def _wrap(lines: list[str], width: int) -> list[str]:
    """Greedy re-wrap of one paragraph; a word split at a line-end hyphen stays split there."""
    tokens: list[tuple[str, bool]] = []
    for line in lines:
        words = line.split()
        for index, word in enumerate(words):
            # Keep "follow-" + "up" apart: joining it here would change the word the parser
            # has to repair, not the layout.
            tokens.append((word, index == len(words) - 1 and word.endswith("-")))
    out: list[str] = []
    current = ""
    for word, hard in tokens:
        if current and len(current) + 1 + len(word) > width:
            out.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
        if hard:
            out.append(current)
            current = ""
    if current:
        out.append(current)
    return out


def rewrap(text: str, width: int) -> str:
    """The letter re-wrapped at `width` columns; the header block wraps as one flow of text."""
    runs = _paragraphs(text)
    out: list[str] = []
    header: list[str] = []
    in_header = True
    for kind, lines in runs:
        if in_header and kind == "title":
            in_header = False
            out.extend(_wrap(header, width))
        if in_header:
            if kind == "text":
                header.extend(lines)
            continue
        out.extend(_wrap(lines, width) if kind == "text" else [ln.strip() for ln in lines])
    if in_header:
        out.extend(_wrap(header, width))
    return "\n".join(out) + "\n"


def _breaks(n_lines: int, rng: random.Random, every: tuple[int, int]) -> list[int]:
    positions: list[int] = []
    at = rng.randint(*every)
    while at < n_lines - 3:
        positions.append(at)
        at += rng.randint(*every)
    return positions


def repaginate(text: str, style: str, seed: int = 0, every: tuple[int, int] = (25, 45)) -> str:
    """The letter with page breaks at other (random, seeded) lines, even mid-sentence.

    Styles: "formfeed" (a "Page N of M" footer, then a form feed, as PDF extraction gives),
    "blank" (no form feed: blank lines around a "Page N of M" line), "case-footer" (form
    feed after a footer holding the case number and the page number), "running-title" (a
    title line opens every page after the first, and a bare page number ends each page).
    """
    rng = random.Random(seed)
    lines = text.replace("\r\n", "\n").rstrip("\n").split("\n")
    cuts = _breaks(len(lines), rng, every)
    total = len(cuts) + 1
    case = re.search(r"\b[A-Z]{2}\d{2}-\d{4,10}\b", text)
    case_number = case.group(0) if case else "CM00-0000000"
    out: list[str] = []
    previous = 0
    for page, cut in enumerate([*cuts, len(lines)], start=1):
        if page > 1 and style == "running-title":
            out.append("Independent Medical Review Final Determination Letter")
        out.extend(lines[previous:cut])
        previous = cut
        if page == total:
            break
        if style == "formfeed":
            out.extend([f"Page {page} of {total}", "\f"])
        elif style == "blank":
            out.extend(["", " ", f"Page {page} of {total}", ""])
        elif style == "case-footer":
            out.extend([f"{case_number}    Page {page} of {total}", "\f"])
        elif style == "running-title":
            out.extend([f"{page}", "\f"])
        else:
            raise ValueError(f"unknown page-break style {style!r}")
    # "...\n\fnext page": the form feed opens the next page's first line.
    return "\n".join(out).replace("\n\f\n", "\n\f") + "\n"


def respace(text: str, style: str, seed: int = 0) -> str:
    """The letter with other whitespace: "double" spaces between words, "trailing" blanks
    at line ends, "crlf" line endings, or "tabs" (a tab for some spaces)."""
    rng = random.Random(seed)
    lines = text.split("\n")
    if style == "double":
        return "\n".join(
            re.sub(r"(?<=\S) (?=\S)", lambda _m: "  " if rng.random() < 0.3 else " ", line)
            for line in lines
        )
    if style == "trailing":
        return "\n".join(line + " " * rng.randint(0, 3) for line in lines)
    if style == "crlf":
        return "\r\n".join(lines)
    if style == "tabs":
        return "\n".join(
            re.sub(r"(?<=\S) (?=\S)", lambda _m: "\t" if rng.random() < 0.1 else " ", line)
            for line in lines
        )
    raise ValueError(f"unknown whitespace style {style!r}")


PERTURBATIONS: dict[str, Callable[[str], str]] = {
    "wrap-60": lambda t: rewrap(t, 60),
    "wrap-80": lambda t: rewrap(t, 80),
    "wrap-110": lambda t: rewrap(t, 110),
    "pages-formfeed": lambda t: repaginate(t, "formfeed", seed=1),
    "pages-blank": lambda t: repaginate(t, "blank", seed=2),
    "pages-case-footer": lambda t: repaginate(t, "case-footer", seed=3),
    "pages-running-title": lambda t: repaginate(t, "running-title", seed=4),
    "spaces-double": lambda t: respace(t, "double", seed=5),
    "spaces-trailing": lambda t: respace(t, "trailing", seed=6),
    "spaces-crlf": lambda t: respace(t, "crlf"),
    "spaces-tabs": lambda t: respace(t, "tabs", seed=7),
    "all-combined": lambda t: respace(
        repaginate(rewrap(t, 72), "case-footer", seed=8), "double", seed=9
    ),
}


def fingerprint(letter: ParsedLetter) -> dict[str, object]:
    """The fields a change of layout must leave alone (strings whitespace-normalised)."""

    def citations(cites: list) -> list[tuple[object, ...]]:
        return [
            (
                c.source,
                c.guideline and squash(c.guideline),
                c.edition,
                [squash(s) for s in c.sections],
                c.pages,
            )
            for c in cites
        ]

    return {
        "header": (
            letter.case_number,
            letter.date_assigned,
            letter.date_of_injury,
            letter.decision_date,
            letter.ur_denial_date,
            letter.application_received,
            letter.priority,
        ),
        "licensure": letter.reviewer.licensure,
        "specialties": letter.reviewer.specialties,
        "applicant": (letter.applicant.age, letter.applicant.sex),
        "items": [
            (
                squash(item.description),
                item.original_request and squash(item.original_request),
                item.authorized_portion and squash(item.authorized_portion),
                item.decision,
                citations(item.claims_administrator_guideline),
                citations(item.imr_guideline),
            )
            for item in letter.items
        ],
    }


def differences(before: dict[str, object], after: dict[str, object]) -> list[str]:
    """Human-readable keys (and item numbers) where two fingerprints differ."""
    out = [key for key in before if key != "items" and before[key] != after[key]]
    items_before, items_after = before["items"], after["items"]
    assert isinstance(items_before, list) and isinstance(items_after, list)
    if len(items_before) != len(items_after):
        out.append(f"items: {len(items_before)} -> {len(items_after)}")
    else:
        out.extend(
            f"item {n}"
            for n, (a, b) in enumerate(zip(items_before, items_after, strict=True), 1)
            if a != b
        )
    return out
