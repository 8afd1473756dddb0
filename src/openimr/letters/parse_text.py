"""Text clean-up for letter parsing: page furniture, section headers, paragraph reflow.

Letters reach us as text extracted from PDFs: lines wrapped at the page width, blank lines
where a page broke (sometimes mid-sentence), running headers and page numbers, and words
split at a hyphen across two lines. These helpers turn that back into clean lines and
paragraphs; they know nothing about any one layout.
"""

from __future__ import annotations

import re
from collections import Counter

PAGE_BREAK = "\f"

_PAGE_LINE = re.compile(r"^\s*(?:page\s+\d+(?:\s*of\s+\d+)?|-\s*\d+\s*-)\s*$", re.IGNORECASE)
_BARE_NUMBER = re.compile(r"^\s*\d{1,3}(?:\s*/\s*\d{1,3})?\s*$")
# A line that ends a sentence: used to tell a paragraph break from a page break mid-sentence.
_SENTENCE_END = re.compile(r"[.!?:;][\"”')\]]*$")
_LINE_END_HYPHEN = re.compile(r"([A-Za-z0-9]+)-$")
_LEADING_WORD = re.compile(r"[A-Za-z]+")
_SPACES = re.compile(r"[ \t]+")
_CAPS_WORD = re.compile(r"[A-Z][A-Z'&/()\-]+")


def normalise(text: str) -> str:
    """Unify newlines and odd spaces, and strip trailing blanks from every line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\u00ad", "").replace("\ufeff", "")
    text = text.replace("\u2010", "-").replace("\u2011", "-")
    return "\n".join(line.rstrip() for line in text.split("\n"))


def _digits_blind(line: str) -> str:
    return re.sub(r"\d+", "#", line.strip().lower())


def remove_furniture(lines: list[str], case_number: str | None = None) -> list[str]:
    """Drop page numbers and running headers/footers, and the page-break marks themselves.

    Pages are separated by form feeds (`extract_pdf_text`). Running lines are the first or
    last two lines of a page that recur (digits ignored) on several pages, or that repeat
    the case number on a later page; "Page N of M" lines go wherever they are, bare numbers
    only at a page's top or bottom. Blank lines that only framed furniture go with it.
    """
    pages: list[list[str]] = [[]]
    for line in lines:
        parts = line.split(PAGE_BREAK)
        if parts[0] or len(parts) == 1:  # the empty remnant before a form feed is no line
            pages[-1].append(parts[0])
        for rest in parts[1:]:
            pages.append([rest])
    running: set[str] = set()
    if len(pages) > 1:
        edge_counts: Counter[str] = Counter()
        for page in pages:
            filled = [ln for ln in page if ln.strip()]
            for ln in set(filled[:2] + filled[-2:]):
                edge_counts[_digits_blind(ln)] += 1
        # A coincidence (the same item label opening two pages) must not pass for a running
        # header: ask for three pages, a numbered line ("Page # of #"), or a short title
        # without a label's colon on every page.
        running = {
            key
            for key, n in edge_counts.items()
            if len(key) <= 100
            and (
                (n >= 3 and n * 2 >= len(pages))
                or (n >= 2 and "page #" in key)
                or (n == len(pages) and len(key) <= 60 and ":" not in key)
            )
        }
    out: list[str] = []
    for number, page in enumerate(pages):
        # A page break adds no blank line: a paragraph that ends with a page has its own.
        filled_positions = [i for i, ln in enumerate(page) if ln.strip()]
        top, bottom = set(filled_positions[:2]), set(filled_positions[-2:])
        edges = top | bottom
        furniture = {
            i
            for i in range(len(page))
            if _PAGE_LINE.match(page[i])
            or (
                i in edges
                and (
                    _BARE_NUMBER.match(page[i])
                    or _digits_blind(page[i]) in running
                    # A short line repeating the case number: a running header or footer
                    # (not the first page's own header block).
                    or (
                        case_number
                        and len(pages) > 1
                        and (number or (i in bottom and i not in top))
                        and case_number in page[i]
                        and len(page[i]) <= 80
                    )
                )
            )
        }
        for i in sorted(furniture):
            for step in (-1, 1):  # the blank lines framing a furniture line
                j = i + step
                while 0 <= j < len(page) and not page[j].strip() and j not in furniture:
                    furniture.add(j)
                    j += step
        out.extend(line for i, line in enumerate(page) if i not in furniture)
    return out


def is_section_header(line: str) -> bool:
    """An ALL-CAPS line of at least two words, e.g. "CLINICAL CASE SUMMARY"."""
    stripped = line.strip()
    if not stripped or stripped.upper() != stripped:
        return False
    words = _CAPS_WORD.findall(stripped)
    return len(words) >= 2 and sum(len(w) for w in words) >= 8


def ends_sentence(line: str) -> bool:
    return bool(_SENTENCE_END.search(line.rstrip()))


def join_lines(lines: list[str], vocabulary: DocumentVocabulary | None = None) -> str:
    """Join wrapped lines into one string, repairing words split at a line-end hyphen.

    A line ending in "word-" joins the next line without a space ("follow-" + "up").
    The hyphen itself is dropped only when the document uses the unhyphenated word
    elsewhere and never the hyphenated one ("guide-" + "lines" -> "guidelines").
    """
    pieces: list[str] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        previous = pieces[-1] if pieces else ""
        if not previous.endswith("-"):
            pieces.append((" " if pieces else "") + line)
            continue
        match = _LINE_END_HYPHEN.search(previous)
        if not match:  # a free-standing dash ("Low Back -") is no split word
            pieces.append(" " + line)
            continue
        tail = _LEADING_WORD.match(line)
        if (
            tail
            and vocabulary is not None
            and match.group(1).isalpha()
            and line[0].islower()
            and (match.group(1) + tail.group(0)).lower() in vocabulary
            and f"{match.group(1)}-{tail.group(0)}".lower() not in vocabulary
        ):
            pieces[-1] = previous[:-1]
        pieces.append(line)
    return _SPACES.sub(" ", "".join(pieces)).strip()


class DocumentVocabulary:
    """Lower-cased words of a document (hyphenated words kept whole), built on first use.

    Only a line-end hyphen needs it, so most letters never pay for it.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._words: set[str] | None = None

    def __contains__(self, word: object) -> bool:
        if self._words is None:
            self._words = {w.lower() for w in re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)*", self._text)}
        return word in self._words


def document_vocabulary(text: str) -> DocumentVocabulary:
    return DocumentVocabulary(text)


def paragraphs(lines: list[str], vocabulary: DocumentVocabulary | None = None) -> list[str]:
    """Group lines into clean paragraphs.

    A blank line ends a paragraph only when the line before it ends a sentence: a blank
    line in the middle of a sentence is a page break, not a paragraph break.
    """
    groups: list[list[str]] = []
    current: list[str] = []
    pending_break = False
    for line in lines:
        if not line.strip():
            pending_break = bool(current)
            continue
        if pending_break and current and ends_sentence(current[-1]):
            groups.append(current)
            current = []
        pending_break = False
        current.append(line)
    if current:
        groups.append(current)
    return [p for p in (join_lines(g, vocabulary) for g in groups) if p]


def clean_block(lines: list[str], vocabulary: DocumentVocabulary | None = None) -> str:
    """Lines -> clean paragraphs separated by one blank line."""
    return "\n\n".join(paragraphs(lines, vocabulary))


def squash(text: str) -> str:
    """Whitespace-normalise: one space between words, and none after a line-end hyphen."""
    return re.sub(r"\s+", " ", re.sub(r"(?<=[A-Za-z0-9])-\s+", "-", text)).strip()
