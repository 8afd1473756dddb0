"""Treatment-history facts the guideline criteria need beyond the yes/no concepts of facts.py.

Each rule here answers one question a criterion of the knowledge base asks, with the sentence
it came from, and stays silent (fact absent, criterion `insufficient`) when the record does
not say:

- `surgery_type`: which surgery a post-surgical request follows, as a key of the
  8 CCR 9792.24.3 postsurgical table;
- `primary_procedure_certified`: for an ancillary or peri-operative service, whether the
  surgery it supports was certified, done or scheduled (an associated service is necessary only
  if its surgery is);
- `diagnostic_block_positive` and `pain_relief_weeks`: the result of a diagnostic medial branch
  block and how long injection relief lasted (CPMTG "Epidural steroid injections", p. 46: repeat
  only with at least 50% relief for 6-8 weeks; facet neurotomy only after a positive block);
- `medication_duration_weeks`: how long the requested drug has been in use, from the earliest
  dated mention of it in the record (short-course criteria of CPMTG "Muscle relaxants" and the
  sleep-aid entries).

Negation and uncertainty come from the ConText scope of `openimr.assist.context`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from openimr.assist.context import Assertion, Sentence, assertion_of
from openimr.assist.lexicon import COUNT_WORDS, VAGUE_COUNTS, drug_spellings, rx


@dataclass(frozen=True)
class Found:
    """One answer: fact id, value, and the sentence of the record it came from."""

    name: str
    value: bool | float | str
    evidence: str
    assertion: Assertion = Assertion.AFFIRMED


# --- surgery type (8 CCR 9792.24.3 table keys) --------------------------------------------------

# Ordered: the first matching row wins, so specific procedures come before generic words
# (a cervical discectomy with fusion is a cervical fusion, not a lumbar discectomy).
_SURGERY_TYPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "carpal-tunnel-release",
        rx(r"carpal tunnel release|\bCTR\b|carpal tunnel (?:surgery|decompression)"),
    ),
    ("trigger-finger", rx(r"trigger (?:finger|thumb) (?:release|surgery)|A1 pulley release")),
    ("de-quervain-release", rx(r"de ?quervain'?s? (?:release|surgery|tenosynovitis release)")),
    (
        "rotator-cuff-complete-rupture",
        rx(r"(?:complete|massive) (?:rotator cuff )?(?:rupture|tear) repair"),
    ),
    ("rotator-cuff-open", rx(r"open (?:rotator cuff|acromioplasty|subacromial)")),
    # The arthroscopic row also covers an unqualified cuff repair or decompression: it is the
    # usual technique, and its course (24 visits) is the smaller of the two cuff rows.
    (
        "rotator-cuff-arthroscopic",
        rx(
            r"rotator cuff (?:repair|surgery)|subacromial decompression|acromioplasty|"
            r"shoulder arthroscop\w*|arthroscop\w*[^.]{0,60}shoulder|labral (?:repair|debridement)"
        ),
    ),
    ("adhesive-capsulitis", rx(r"manipulation under an(?:a)?esthesia|capsular release")),
    (
        "acl-repair",
        rx(r"\bACL (?:repair|reconstruction)|anterior cruciate ligament (?:repair|reconstruction)"),
    ),
    ("knee-arthroplasty", rx(r"knee (?:arthroplasty|replacement)|\bTKA\b|\bTKR\b")),
    ("hip-arthroplasty", rx(r"hip (?:arthroplasty|replacement)|\bTHA\b|\bTHR\b")),
    (
        "meniscectomy",
        rx(
            r"menisc\w*ectomy|menisc\w* (?:repair|debridement)|knee arthroscop\w*|"
            r"arthroscop\w*[^.]{0,60}knee"
        ),
    ),
    (
        "cervical-fusion",
        rx(
            r"\bACDF\b|anterior cervical discectomy|(?:cervical|C[2-7])[^.]{0,40}fusion|"
            r"fusion[^.]{0,30}(?:cervical|C[2-7])"
        ),
    ),
    (
        "lumbar-fusion",
        rx(r"\b[TPAX]LIF\b|(?:lumbar|L[1-5])[^.]{0,40}fusion|fusion[^.]{0,30}(?:lumbar|L[1-5])"),
    ),
    (
        "lumbar-discectomy",
        rx(r"(?:micro)?discectomy|laminectomy|(?:hemi)?laminotomy|foraminotomy"),
    ),
    (
        "lateral-epicondylitis",
        rx(
            r"lateral epicondyl\w* (?:release|repair|debridement|surgery)|"
            r"tennis elbow (?:release|surgery)"
        ),
    ),
    ("achilles-repair", rx(r"achilles (?:tendon )?(?:repair|reconstruction)")),
)


def surgery_type(past_surgery_sentences: Iterable[str]) -> Found | None:
    """The table row of the most recent past surgery named in the record; "other" when a
    surgery is documented but matches no row (8 CCR 9792.24.3: six-month period applies)."""
    last: Found | None = None
    fallback: str | None = None
    for text in past_surgery_sentences:
        fallback = fallback or text
        for key, pattern in _SURGERY_TYPES:
            if pattern.search(text):
                last = Found("surgery_type", key, text)
                break
    if last is not None:
        return last
    return Found("surgery_type", "other", fallback) if fallback else None


# --- the surgery an ancillary service supports -------------------------------------------------

_SURGERY_WORDS = (
    r"(?:surgery|surgical (?:procedure|intervention)|operation|release|arthroscop\w*|fusion|"
    r"discectomy|laminectomy|decompression|arthroplasty|replacement|repair|reconstruction|"
    r"meniscectomy|ORIF)"
)
_NOT_CERTIFIED = rx(
    _SURGERY_WORDS + r"[^.;]{0,80}?\b(?:was|were|has been|had been|is|being)\s+"
    r"(?:non-?certified|not (?:certified|authorized|approved)|denied)|"
    r"(?:non-?certified|denied|did not (?:certify|approve|authorize))\s+(?:the )?"
    r"(?:request (?:for )?)?"
    r"(?:\w+[ -]){0,5}" + _SURGERY_WORDS
)
_CERTIFIED = rx(
    _SURGERY_WORDS + r"[^.;]{0,80}?\b(?:was|were|has been|had been|is|being)\s+"
    r"(?:certified|authorized|approved|scheduled)|"
    r"(?<!non-)(?<!non)(?:certified|authorized|approved)\s+(?:the )?(?:request (?:for )?)?"
    r"(?:\w+[ -]){0,5}" + _SURGERY_WORDS + r"|"
    r"(?:scheduled|authorized|approved|certified) for (?:\w+[ -]){0,5}" + _SURGERY_WORDS
)


def primary_procedure(sentences: Iterable[str], surgery_done: str | None) -> Found | None:
    """Was the surgery that an ancillary service supports certified?

    True when the record says the surgery was certified, authorised or scheduled, or that it
    was performed (`surgery_done`, the sentence of a past surgery); False when it says the
    surgery was non-certified or denied. The latest statement wins (a denial later overturned
    or re-requested reads in date order).
    """
    found: Found | None = None
    for text in sentences:
        if _NOT_CERTIFIED.search(text):
            found = Found("primary_procedure_certified", False, text)
        elif _CERTIFIED.search(text):
            found = Found("primary_procedure_certified", True, text)
    if found is None and surgery_done:
        found = Found("primary_procedure_certified", True, surgery_done)
    return found


# --- diagnostic blocks and injection relief ----------------------------------------------------

_BLOCK = rx(r"(?:medial branch|facet|diagnostic|MBB)[^.]{0,20}?\bblocks?\b|\bMBBs?\b")
_PERCENT = rx(r"(\d{1,3})\s?(?:%|percent)")
_BLOCK_POSITIVE = rx(r"\bpositive\b|successful|(?:good|excellent|significant|substantial) relief")
_BLOCK_NEGATIVE = rx(
    r"\bnegative\b|no (?:relief|benefit|improvement)|did not (?:help|provide)|unsuccessful|"
    r"minimal (?:relief|benefit)|failed"
)
# Relief of at least this share after a diagnostic block reads as positive (guidelines.md
# row 41: about 70% or more before radiofrequency neurotomy).
BLOCK_POSITIVE_PERCENT = 70


def diagnostic_block(sentences: Iterable[Sentence]) -> Found | None:
    """Result of the latest diagnostic (medial branch / facet) block named in the record."""
    found: Found | None = None
    for sentence in sentences:
        text = sentence.text
        block = _BLOCK.search(text)
        if not block:
            continue
        percent = _PERCENT.search(text, block.start())
        if percent:
            value = float(percent.group(1)) >= BLOCK_POSITIVE_PERCENT
            found = Found("diagnostic_block_positive", value, text)
            continue
        if _BLOCK_NEGATIVE.search(text, block.start()):
            found = Found("diagnostic_block_positive", False, text)
            continue
        positive = _BLOCK_POSITIVE.search(text)
        if positive and assertion_of(text, positive.span()) is Assertion.AFFIRMED:
            found = Found("diagnostic_block_positive", True, text)
    return found


_NUMBER_WORDS = {**COUNT_WORDS, **VAGUE_COUNTS}
_AMOUNT = r"(\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|twelve|several|a few)"
_UNIT = r"(days?|weeks?|months?)"
_RELIEF_LASTING = rx(
    r"relief[^.]{0,50}?\b(?:for|lasting|lasted|that lasted|of|over)\s+(?:about |approximately |"
    r"around |nearly |up to |at least |over )?"
    + _AMOUNT
    + r"\s+"
    + _UNIT
    + r"|"
    + _AMOUNT
    + r"\s+"
    + _UNIT
    + r" of (?:\d{1,3}\s?% )?(?:pain )?relief"
)


def _weeks(amount: str, unit: str) -> float:
    count = float(amount) if amount.isdigit() else float(_NUMBER_WORDS[amount.lower()])
    unit = unit.lower()
    if unit.startswith("day"):
        return round(count / 7, 1)
    if unit.startswith("month"):
        return round(count * 52 / 12, 1)
    return count


def relief_duration(sentences: Iterable[Sentence]) -> Found | None:
    """How many weeks the relief from the last injection lasted (latest statement wins)."""
    found: Found | None = None
    for sentence in sentences:
        match = _RELIEF_LASTING.search(sentence.text)
        if not match or assertion_of(sentence.text, match.span()) is not Assertion.AFFIRMED:
            continue
        amount, unit = (match.group(1), match.group(2)) if match.group(1) else match.group(3, 4)
        found = Found("pain_relief_weeks", _weeks(amount, unit), sentence.text)
    return found


# --- how long the requested drug has been used -------------------------------------------------

_SINCE = rx(r"\bsince\b")
# A sentence that opens a visit or report by its date: "On 11/7/2016,", "Per the 12/13/16
# progress report", "According to the progress report dated October 26, 2016". A date of
# injury or surgery does not open a visit.
_VISIT_OPENING = rx(
    r"^(?:on|as of|at the|during the|per the|in the|according to the)?\s*(?:\w+ ){0,4}?"
    r"(?:(?:\d{1,2}[-/]\d{1,2}[-/]\d{2,4})|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|"
    r"dec)\w*\.? \d{1,2},? \d{4})(?![^,.]{0,40}\b(?:injur|accident|surger|operat))"
)
_FOR_DURATION = rx(
    r"\bfor (?:at least |over |about |approximately |the past |the last )?"
    + _AMOUNT
    + r"\s+(weeks?|months?|years?)"
)


def medication_duration(
    sentences: Iterable[Sentence],
    names: Iterable[str],
    request: date | None,
    parse_date: Callable[[str], date | None],
    is_request: Callable[[str], bool],
    substantive: bool,
) -> Found | None:
    """Weeks the requested drug has been in use, up to the request.

    From "for N months/years", "since <date>", or the earliest dated visit that documents
    the drug; 0 (a new start) when a substantive record never mentions the drug outside the
    request itself. A sentence without a date of its own takes the date of the visit the
    narrative is describing ("On 11/7/2016, the worker reported ... Medications included
    Norco"): summaries tell visits in turn, each opened by its date. A mention with no date
    at all leaves the duration unknown.
    """
    pattern = _names_pattern(names)
    if pattern is None:
        return None
    earliest: tuple[date, str] | None = None
    mentioned = False
    visit: date | None = None  # the date of the visit the narrative is on
    for sentence in sentences:
        text = sentence.text
        opened = _VISIT_OPENING.search(text)
        if opened:
            visit = parse_date(opened.group(0))
        hit = pattern.search(text)
        if not hit or is_request(text):
            continue
        if assertion_of(text, hit.span()) is Assertion.NEGATED:
            continue
        mentioned = True
        # "Norco for 6 months": the duration must follow the drug's name closely, so that
        # "pain for 10 months" elsewhere in the sentence is not read as drug use.
        duration = _FOR_DURATION.search(text, hit.end())
        if duration and duration.start() - hit.end() <= 60:
            unit = duration.group(2).lower()
            amount = duration.group(1)
            count = float(amount) if amount.isdigit() else float(_NUMBER_WORDS[amount.lower()])
            weeks = count * 52 if unit.startswith("year") else _weeks(amount, unit)
            return Found("medication_duration_weeks", round(weeks, 1), text)
        since = _SINCE.search(text)
        when = parse_date(text[since.end() :] if since else text) or visit
        in_time = when is not None and (request is None or when <= request)
        if in_time and (earliest is None or when < earliest[0]):  # type: ignore[operator]
            earliest = (when, text)  # type: ignore[assignment]
    if earliest is not None and request is not None:
        return Found(
            "medication_duration_weeks", round((request - earliest[0]).days / 7, 1), earliest[1]
        )
    if not mentioned and substantive:
        return Found("medication_duration_weeks", 0.0, "", Assertion.NOT_DOCUMENTED)
    return None


def _names_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    words = sorted({n.strip().lower() for n in names if len(n.strip()) >= 4}, key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)


def drug_names(ingredients: Iterable[str], item_text: str) -> list[str]:
    """Every spelling of the requested drug: the lexicon's names for its ingredients plus
    the first word of the request ("Norco 10/325" -> "norco")."""
    wanted = list(ingredients)
    names = drug_spellings(wanted)
    first = re.match(r"[A-Za-z][A-Za-z-]{3,}", item_text.strip())
    if first and wanted:
        names.append(first.group(0))
    return names


# --- part of the request already certified by utilization review ------------------------------

# IMR decides the disputed part of a request as it stands (LC 4610.5, 4610.6): where UR
# modified a request ("modified to an initial 6 sessions", "#6 was authorized, the remaining
# #2 is IMR eligible"), what reaches the reviewer is the part beyond what UR already found
# supported, usually the guideline's initial course. The clause must name the change or a
# counted/initial authorisation; a plain "was denied" is the dispute itself, not a part.
_PARTIAL = rx(
    r"\bmodif(?:y|ied|ication)\b(?!\s+(?:work|duty|activit|job|\w+ duty))|"
    r"partial(?:ly)? (?:certif|approv|authori)\w*|"
    r"(?:remaining|balance of the)\b[^.]{0,40}\b(?:IMR|eligible|portion|sessions|visits)|"
    r"(?:authori[sz]ed|approved|certified)\b[^.]{0,60}\b(?:initial|trial|\d+ (?:sessions|visits|"
    r"treatments))|(?:initial|trial|\d+ (?:sessions|visits|treatments))\b[^.]{0,60}"
    r"\b(?:(?<!non-)(?<!non)authori[sz]ed|(?<!non-)(?<!non)approved|(?<!non-)(?<!non)certified)"
)
_CLAUSE_SPLIT = re.compile(r";|,\s+(?:and|while|but)\s+|\.\s+", re.IGNORECASE)


def ur_certified_part(
    sentences: Iterable[Sentence], same_service: Callable[[str], bool]
) -> Found | None:
    """`ur_certified_part`: the record says UR already certified part of this very service
    (a modification to an initial course or a smaller quantity). `same_service(text)` tells
    whether a clause is about the disputed item (same category, same drug)."""
    for sentence in sentences:
        for clause in _CLAUSE_SPLIT.split(sentence.text):
            hit = _PARTIAL.search(clause)
            if hit and same_service(clause):
                if assertion_of(clause, hit.span()) is Assertion.NEGATED:
                    continue
                return Found("ur_certified_part", True, sentence.text)
    return None


# --- the same service already authorized --------------------------------------------------------

# A request for a service that UR (or an earlier IMR) already authorized is a duplicate: there
# is nothing left to decide (reasons.md `repeat_without_change`). The record must say so of
# this very service: "was previously approved", "the requested X was approved", "duplicate".
# A part, a trial or an initial course is not the whole service (`ur_certified_part`).
_APPROVED = rx(
    r"\bduplicat\w*|(?:previously|already) (?:been )?(?:approved|authori[sz]ed|certified)|"
    r"\brequested\b[^.;]{0,80}\b(?:was|were|has been|had been) (?:approved|authori[sz]ed|"
    r"certified)|(?:was|were|has been|had been) approved for (?:the |a |an )?(?!\d|trial|"
    r"initial|one|two|an? \d)[a-z]"
)
_NOT_WHOLE = rx(
    r"non-?certif\w*|\bdenied\b|not (?:approved|authori[sz]ed|certified)|modif\w+|partial\w*|"
    r"\btrial\b|\binitial\b|remaining|\bof the\b \d"
)


def already_authorized(
    sentences: Iterable[Sentence], same_service: Callable[[str], bool]
) -> Found | None:
    """`already_authorized`: the record says this very service was already authorized (or
    that the request duplicates one); `same_service(text)` tells whether a clause is about
    the disputed item."""
    for sentence in sentences:
        for clause in _CLAUSE_SPLIT.split(sentence.text):
            hit = _APPROVED.search(clause)
            if hit is None or _NOT_WHOLE.search(clause) or not same_service(clause):
                continue
            if assertion_of(clause, hit.span()) is Assertion.NEGATED:
                continue
            return Found("already_authorized", True, sentence.text)
    return None
