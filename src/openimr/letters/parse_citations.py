"""Split a letter's "guideline:" paragraph into structured citations.

The paragraph is a run of stock sentences (DWC letters 2015-2017):
  "Decision based on MTUS <Guideline> <year>, Section(s): <s1>, <s2>, and <Guideline> <year>, ..."
  "Decision based on Non-MTUS Citation <free text>" (ODG, ACOEM 3rd ed., URLs, ...)
  "The <party> based their decision on recommendation(s) outside of the MTUS Guidelines."
  "The <party> did not cite any medical evidence for its decision."
The 2015 variant adds a quoted "Recommendation: ..." and a "Strength of Evidence: ..." line.
Sources follow product.md: MTUS, non-MTUS, outside-MTUS (no source named), none.
"""

from __future__ import annotations

import re

from openimr.letters.model import ParsedCitation

_SENTENCE_START = re.compile(
    r"(?=\bDecision based on\b)"
    r"|(?=\bThe (?:Claims Administrator|Expert Reviewer|expert reviewer|Reviewer|Professional"
    r" Reviewer|reviewer) (?:did not|based)\b)"
)
_NO_EVIDENCE = re.compile(r"did not cite any medical evidence", re.IGNORECASE)
_OUTSIDE = re.compile(
    r"outside (?:of )?the MTUS|did not base (?:their|its|his|her) decision on the MTUS",
    re.IGNORECASE,
)
_MTUS = re.compile(r"^Decision based on MTUS\b[:,]?\s*(?P<body>.*)$", re.IGNORECASE | re.DOTALL)
_NON_MTUS = re.compile(
    r"^Decision based on Non-?\s?MTUS(?: Citation)?[:,]?\s*(?P<body>.*)$", re.IGNORECASE | re.DOTALL
)
# An MTUS guideline name ends in its edition year: "Low Back Complaints 2004".
_EDITION = re.compile(
    r"\b(?P<year>(?:19|20)\d\d)(?:\s+Guidelines?)?(?=\s*(?:,|\.|;|$|\s+Page|\s+and\b))"
)
_SECTIONS = re.compile(r"Section\(?s?\)?:\s*", re.IGNORECASE)
_PAGES = re.compile(
    r"\b(?:Page\(?s?\)?:?|pages?|pgs?\.?|p\.)\s*(?P<pages>\d+(?:\s*[-–,]\s*\d+)*)", re.IGNORECASE
)
STRENGTH = re.compile(
    r"\bStrength of Evidence:\s*(?P<strength>.+?)\.?\s*$", re.IGNORECASE | re.DOTALL
)
_RECOMMENDATION = re.compile(r"(?:\b\d+\.\s*)?\bRecommendation:\s*", re.IGNORECASE)
_ODG = re.compile(
    r"Official Disability Guidelines\s*(?:\(ODG\))?|\bODG(?:-TWC)?\b(?:\s+guidelines)?",
    re.IGNORECASE,
)
_ACOEM = re.compile(
    r"American College of Occupational and Environmental Medicine\s*(?:\(ACOEM\))?"
    r"|\bACOEM\b(?:\s+Occupational Medicine Practice Guidelines)?"
    r"|\bOccupational Medicine Practice Guidelines\b",
    re.IGNORECASE,
)
_ORDINAL_EDITION = re.compile(r"\b(?P<ed>\d+(?:st|nd|rd|th))\s+ed(?:ition|\.)?", re.IGNORECASE)
_OTHER_GUIDELINES = re.compile(r"\s+and Other Medical Treatment Guidelines?\s+", re.IGNORECASE)


# MTUS Chronic Pain section names of the form "<topic>, <subtopic>" (CPMTG 2009/2016 table
# of contents): the letters copy them verbatim into "Section(s): A, B" lists.
_COMMA_TOPICS = frozenset(
    {"nsaids", "opioids", "tens", "crps", "topical analgesics", "ultrasound", "capsaicin"}
)
# A subtopic led by an abbreviation: "GI symptoms & cardiovascular risk".
_ABBREVIATION_LED = re.compile(r"^[A-Z]{2,}s?\s+[a-z]")


def _continues_section(previous: str, piece: str) -> bool:
    """Whether `piece` is the second half of a section name cut at its own comma.

    A lower-case piece always is ("TENS, chronic pain (...)", "Opioids, criteria for use");
    an abbreviation-led one only after a topic whose sections are named "<topic>, <subtopic>"
    ("NSAIDs, GI symptoms & cardiovascular risk"), so "Opioids, Muscle relaxants (for pain)"
    stays two sections.
    """
    if piece[0].islower():
        return True
    return previous.strip().lower() in _COMMA_TOPICS and bool(_ABBREVIATION_LED.match(piece))


def split_list(text: str) -> list[str]:
    """Split "A, B (x, y), C; D" on commas/semicolons outside parentheses.

    Section names such as "TENS, chronic pain (...)" carry their own comma: a piece that
    continues the one before it (`_continues_section`) is joined back onto it.
    """
    pieces: list[str] = []
    depth = 0
    current = ""
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]" and depth:
            depth -= 1
        if ch in ",;" and depth == 0:
            pieces.append(current)
            current = ""
        else:
            current += ch
    pieces.append(current)
    out: list[str] = []
    for piece in (p.strip(" .") for p in pieces):
        if piece.lower().startswith("and "):
            piece = piece[4:].strip()
        if not piece:
            continue
        if out and _continues_section(out[-1], piece):
            out[-1] = f"{out[-1]}, {piece}"
        else:
            out.append(piece)
    return out


def _pages(text: str) -> list[str]:
    pages: list[str] = []
    for match in _PAGES.finditer(text):
        pages.extend(p.strip() for p in re.split(r",", match.group("pages")) if p.strip())
    return pages


def _mtus_guideline_name(name: str) -> str:
    name = re.sub(
        r"^(?:the\s+)?(?:ACOEM\s+)?(?:Chapter\s+\d+\s*)?", "", name.strip(" ,."), flags=re.I
    )
    return re.sub(r"\s+Guidelines?$", "", name).strip(" ,.")


def parse_mtus(body: str) -> list[ParsedCitation]:
    """MTUS citations from "Low Back Complaints 2004, Section(s): Summary, and Chronic ..."."""
    citations: list[ParsedCitation] = []
    rest = body.strip().rstrip(".")
    while rest:
        year = _EDITION.search(rest)
        if not year:
            head = re.split(r"\s*(?:Section\(?s?\)?:|Page\(?s?\)?:)", rest, maxsplit=1)[0]
            sections = []
            sec = _SECTIONS.search(rest)
            if sec:
                sections = split_list(re.split(r"\s*Page\(?s?\)?:", rest[sec.end() :])[0])
            # Older form: "Chronic Pain Medical Treatment Guidelines <section> Page(s): 78".
            named = re.match(r"(?P<name>.+?\bGuidelines?)\s+(?P<section>\S.*)$", head.strip())
            if named and not sections:
                head, sections = named.group("name"), [named.group("section").strip(" ,.")]
            citations.append(
                ParsedCitation(
                    source="MTUS",
                    guideline=_mtus_guideline_name(head) or None,
                    sections=sections,
                    pages=_pages(rest),
                    text=f"MTUS {rest}".strip(),
                )
            )
            break
        name = rest[: year.start()]
        after = rest[year.end() :]
        # This citation runs until ", and <Next Guideline> <year>" or the end.
        boundary = re.search(r",?\s+and\s+(?=[A-Z][^,]*(?:,[^,]*)*?\b(?:19|20)\d\d\b)", after)
        own = after[: boundary.start()] if boundary else after
        sec = _SECTIONS.search(own)
        sections = split_list(re.split(r"\s*Page\(?s?\)?:", own[sec.end() :])[0]) if sec else []
        citations.append(
            ParsedCitation(
                source="MTUS",
                guideline=_mtus_guideline_name(name) or None,
                edition=year.group("year"),
                sections=sections,
                pages=_pages(own),
                text=f"MTUS {(name + rest[year.start() : year.end()] + own).strip(' ,.')}",
            )
        )
        rest = after[boundary.end() :].strip() if boundary else ""
    return citations


def parse_non_mtus(body: str) -> list[ParsedCitation]:
    """Free-text non-MTUS citation(s): ODG, ACOEM 3rd ed., other named guidelines, URLs."""
    parts = _OTHER_GUIDELINES.split(body.strip())
    return [_non_mtus_one(part.strip().rstrip(".")) for part in parts if part.strip().rstrip(".")]


def _non_mtus_one(part: str) -> ParsedCitation:
    if _SECTIONS.search(part) or re.search(r"\bPage\(s\):", part):
        return _non_mtus_structured(part)
    guideline: str | None = None
    edition: str | None = None
    rest = part
    if _ODG.search(part):
        guideline = "ODG"
        rest = _ODG.sub(" ", part, count=1)
        year = re.match(r"\s*(?P<y>(?:19|20)\d\d)\b", rest)
        if year:
            edition = year.group("y")
            rest = rest[year.end() :]
    elif _ACOEM.search(part):
        guideline = "ACOEM"
        rest = _ACOEM.sub(" ", part, count=1)
        ordinal = _ORDINAL_EDITION.search(rest)
        if ordinal:
            edition = ordinal.group("ed")
            rest = rest[: ordinal.start()] + rest[ordinal.end() :]
    elif not re.match(r"https?://|www\.", part):
        guideline = None
    pages = _pages(rest)
    rest = _PAGES.sub(" ", rest)
    sections = [s for s in split_list(re.sub(r"[:]", ",", rest)) if s not in {"-", "–"}]
    sections = [s.strip(" -–:") for s in sections if s.strip(" -–:")]
    if guideline is None:
        # Another source: keep its words as the guideline ("www.mdguidelines.com"), and a
        # trailing year as its edition.
        guideline = part.strip() or None
        year = re.search(r"\s+(?P<y>(?:19|20)\d\d)$", part.strip())
        if year and guideline:
            guideline, edition = part.strip()[: year.start()], year.group("y")
        sections = []
    return ParsedCitation(
        source="non-MTUS",
        guideline=guideline,
        edition=edition,
        sections=sections,
        pages=pages,
        text=part.strip(),
    )


def _non_mtus_structured(part: str) -> ParsedCitation:
    """ "<Guideline> <edition>, Section(s): a, b, Page(s): 12" (the form our own letters use)."""
    head = re.split(r",?\s*(?:Section\(s\)|Page\(s\)):", part, maxsplit=1)[0].strip(" ,")
    sec = _SECTIONS.search(part)
    sections = split_list(re.split(r",?\s*Page\(s\):", part[sec.end() :])[0]) if sec else []
    page_match = re.search(r"Page\(s\):\s*(?P<pages>.+)$", part)
    pages = split_list(page_match.group("pages")) if page_match else []
    edition = None
    trailing = re.search(
        r"\s+(?P<ed>(?:19|20)\d\d|\d+(?:st|nd|rd|th)(?:\s+ed(?:ition|\.)?)?)$", head
    )
    if trailing:
        edition = re.sub(r"\s+ed(?:ition|\.)?$", "", trailing.group("ed"))
        head = head[: trailing.start()]
    return ParsedCitation(
        source="non-MTUS",
        guideline=head or None,
        edition=edition,
        sections=sections,
        pages=pages,
        text=part.strip(),
    )


def parse_guideline_paragraph(text: str) -> list[ParsedCitation]:
    """All citations of one "... guideline:" paragraph, in the order written."""
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return []
    sentences = [s.strip() for s in _SENTENCE_START.split(text) if s and s.strip()]
    citations: list[ParsedCitation] = []
    outside_statement: str | None = None
    for sentence in sentences:
        if _NO_EVIDENCE.search(sentence):
            citations.append(ParsedCitation(source="none", text=sentence))
            continue
        if _OUTSIDE.search(sentence) and not sentence.lower().startswith("decision based on"):
            outside_statement = sentence
            continue
        # The 2015 form closes a citation with a quoted recommendation and its strength.
        strength = None
        strength_match = STRENGTH.search(sentence)
        if strength_match:
            strength = strength_match.group("strength").strip().rstrip(".")
            sentence = sentence[: strength_match.start()].strip()
        recommendation = ""
        rec_match = _RECOMMENDATION.search(sentence)
        if rec_match:
            recommendation = sentence[rec_match.end() :].strip()
            sentence = sentence[: rec_match.start()].strip()
        non_mtus = _NON_MTUS.match(sentence)
        mtus = _MTUS.match(sentence)
        found = (
            parse_non_mtus(non_mtus.group("body"))
            if non_mtus
            else parse_mtus(mtus.group("body"))
            if mtus
            else []
        )
        if not found and citations:
            found = [citations.pop()]  # a stray sentence belongs to the citation before it
            found[0].text = f"{found[0].text} {sentence}".strip()
        if found:
            if strength and found[-1].strength is None:
                found[-1].strength = strength
            if recommendation:
                found[-1].text = f"{found[-1].text}. Recommendation: {recommendation}"
        citations.extend(found)
    if outside_statement and not any(c.source == "non-MTUS" for c in citations):
        citations.insert(0, ParsedCitation(source="outside-MTUS", text=outside_statement))
    return citations
