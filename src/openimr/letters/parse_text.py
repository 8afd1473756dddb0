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

# "Page 2 of 5" (the footer wherever it sits), "Page 2" and "- 2 -" (only at a page edge).
_PAGE_PHRASE = re.compile(r"\bpage\s+\d+\s*of\s*\d+\b", re.IGNORECASE)
_PAGE_ONLY = re.compile(r"^\s*(?:page\s+\d+|-\s*\d+\s*-)\s*$", re.IGNORECASE)
_BARE_NUMBER = re.compile(r"^\s*\d{1,3}(?:\s*/\s*\d{1,3})?\s*$")
# A line that ends a sentence: used to tell a paragraph break from a page break mid-sentence.
_SENTENCE_END = re.compile(r"[.!?:;][\"”')\]]*$")
_LINE_END_HYPHEN = re.compile(r"([A-Za-z0-9]+)-$")
_LEADING_WORD = re.compile(r"[A-Za-z]+")
_SPACES = re.compile(r"[ \t]+")
_CAPS_WORD = re.compile(r"[A-Z][A-Z'&/()\-]+")


def normalise(text: str) -> str:
    """Unify newlines and odd spaces, and strip trailing blanks from every line.

    Runs of spaces and tabs become one space: PDF extraction pads words unevenly ("Date
    Assigned:  11/18/2016"), and no label or value depends on how wide a gap was.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\u00ad", "").replace("\ufeff", "")
    text = text.replace("\u2010", "-").replace("\u2011", "-")
    text = _SPACES.sub(" ", text)
    return "\n".join(line.rstrip() for line in text.split("\n"))


def _digits_blind(line: str) -> str:
    return re.sub(r"\d+", "#", line.strip().lower())


# Lines a letter's reader needs, which no repetition may turn into furniture: item lines
# (": Upheld"), labelled paragraphs, the credentials, and the layouts' own section titles.
_CONTENT_LINE = re.compile(
    r"(?:Upheld|Overturned)\.?\s*$"
    r"|^\s*(?:[A-Z][A-Za-z.&-]*\s+){1,3}guideline:"
    r"|^\s*(?:Decision rationale|Rationale for the Decision|Decision|Rationale):"
    r"|State\(s\) of Licensure|Certification\(s\)",
    re.IGNORECASE,
)
SECTION_TITLES = (
    "DETERMINATION WAS MADE",
    "CASE SUMMARY",
    "DECISIONS AND RATIONALES",
    "DECISION(S) AND RATIONALE(S)",
    "DOCUMENTS REVIEWED",
    "APPEAL",
    "ISSUE AT DISPUTE",
    "RELIED UPON",
    "RATIONALE FOR WHY",
    "QUALIFICATIONS",
)
# A running title names the document, in title case, with nothing else on the line.
_TITLE_WORDS = re.compile(r"Independent Medical Review|Final Determination")
_TITLE_SMALL_WORDS = frozenset({"of", "and", "the", "for", "-", "&"})


def _is_running_title(line: str) -> bool:
    stripped = line.strip()
    return (
        len(stripped) <= 80
        and _TITLE_WORDS.search(stripped) is not None
        and all(w[:1].isupper() or w in _TITLE_SMALL_WORDS for w in stripped.split())
    )


def looks_like_content(line: str) -> bool:
    """Whether a line is part of what a letter says, whatever page edge it sits at."""
    stripped = line.strip()
    if _CONTENT_LINE.search(stripped):
        return True
    return is_section_header(stripped) and any(t in stripped.upper() for t in SECTION_TITLES)


def _is_prose(line: str) -> bool:
    stripped = line.strip()
    return stripped.endswith((".", ",")) and len(stripped.split()) >= 6


def _is_page_footer(line: str, case_number: str | None) -> bool:
    """ "Page 2 of 5", alone or in a short footer ("CM16-0230548   Page 2 of 5")."""
    match = _PAGE_PHRASE.search(line)
    if not match or len(line.strip()) > 100 or looks_like_content(line):
        return False
    rest = line[: match.start()] + " " + line[match.end() :]
    if case_number:
        rest = rest.replace(case_number, " ")
    # Prose quoting a page ("see page 3 of 5 of the report") has lower-case words around it.
    return not re.search(r"\b(?!of\b|and\b)[a-z][a-z]+", rest)


def _split_pages(lines: list[str]) -> list[list[str]]:
    """Pages at form feeds (`extract_pdf_text` puts one at the start of each new page)."""
    pages: list[list[str]] = [[]]
    for line in lines:
        parts = line.split(PAGE_BREAK)
        if parts[0] or len(parts) == 1:  # the empty remnant before a form feed is no line
            pages[-1].append(parts[0])
        for rest in parts[1:]:
            pages.append([rest])
    return pages


def _running_lines(pages: list[list[str]]) -> set[tuple[str, str]]:
    """(edge, digits-blind line) pairs that recur at the same page edge as running lines.

    Conservative on purpose: a real content line ("Claims Administrator guideline: ...", a
    stock closing sentence of two rationales) can sit at a page edge twice by chance. A line
    counts when it sits at the same edge on three or more pages and on most of them, or on
    every page of a two-page letter; it must be short, and neither content-looking nor
    prose (a sentence of six words or more).
    """
    counts: Counter[tuple[str, str]] = Counter()
    for page in pages:
        filled = [ln for ln in page if ln.strip()]
        for edge, edge_lines in (("top", filled[:2]), ("bottom", filled[-2:])):
            for ln in set(edge_lines):
                if len(ln.strip()) <= 80 and not looks_like_content(ln) and not _is_prose(ln):
                    counts[(edge, _digits_blind(ln))] += 1
    n_pages = len(pages)
    return {
        key
        for key, n in counts.items()
        if (n >= 3 and n * 2 > n_pages) or (n == n_pages == 2 and ":" not in key[1])
    }


def remove_furniture(lines: list[str], case_number: str | None = None) -> list[str]:
    """Drop page numbers and running headers/footers, and the page-break marks themselves.

    Pages are separated by form feeds (`extract_pdf_text`). Furniture is: a "Page N of M"
    footer anywhere (alone or with the case number); at a page's top or bottom two lines, a
    bare page number, a short line repeating the case number (after the first page's own
    header block), a running title ("... Final Determination ..."), or a line repeated at the
    same edge on most pages (`_running_lines`). A line that looks like content is never
    furniture. Blank lines that only framed furniture go with it.
    """
    pages = _split_pages(lines)
    running = _running_lines(pages) if len(pages) > 1 else set()
    # The first line naming the case number is the letter's own header, never furniture.
    first_case_line = next(
        (
            (number, i)
            for number, page in enumerate(pages)
            for i, ln in enumerate(page)
            if case_number and case_number in ln
        ),
        None,
    )

    def is_case_line(number: int, i: int) -> bool:
        line = pages[number][i]
        return bool(
            case_number
            and case_number in line
            and len(line.strip()) <= 80
            and (number, i) != first_case_line
            and not looks_like_content(line)
        )

    out: list[str] = []
    for number, page in enumerate(pages):
        # A page break adds no blank line: a paragraph that ends with a page has its own.
        filled_positions = [i for i, ln in enumerate(page) if ln.strip()]
        top, bottom = set(filled_positions[:2]), set(filled_positions[-2:])
        furniture: set[int] = set()
        for i, line in enumerate(page):
            if not line.strip():
                continue
            if _is_page_footer(line, case_number):
                furniture.add(i)
                continue
            if (i not in top and i not in bottom) or looks_like_content(line):
                continue
            key = _digits_blind(line)
            numbered = bool(_PAGE_ONLY.match(line) or _BARE_NUMBER.match(line))
            repeated = len(pages) > 1 and (
                (i in top and ("top", key) in running)
                or (i in bottom and ("bottom", key) in running)
                or is_case_line(number, i)
                or _is_running_title(line)
            )
            if numbered or repeated:
                furniture.add(i)
        # With no form feeds a page break is a footer between blank lines: a case-number
        # line next to a page-number line goes with it.
        for i in sorted(furniture):
            for step in (-1, 1):
                j = i + step
                while 0 <= j < len(page) and not page[j].strip():
                    j += step
                if 0 <= j < len(page) and is_case_line(number, j):
                    furniture.add(j)
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
