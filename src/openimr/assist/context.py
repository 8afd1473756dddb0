"""Sentences and a small ConText-style assertion scope (negated / uncertain / affirmed).

ConText (Harkema et al., J Biomed Inform 2009) marks a clinical concept as negated, uncertain
or hypothetical when it falls inside the scope of a trigger phrase: a pre-trigger ("no", "denies",
"rule out") opens a scope that runs forward; a post-trigger ("was not documented") runs
backward; a termination term ("but", "however", ";") closes a scope. This is our own small
implementation of that idea, tuned to the wording of clinical case summaries in IMR letters
("failed to outline any improvement in function", "no documentation of…").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Assertion(StrEnum):
    """How a sentence asserts a concept."""

    AFFIRMED = "affirmed"
    NEGATED = "negated"
    UNCERTAIN = "uncertain"
    # Not ConText: the concept is never mentioned in a substantive record. For facts the
    # requester must document (8 CCR 9792.20(f) functional improvement, red flags, failed
    # care...), silence in the record reads as "not documented".
    NOT_DOCUMENTED = "not_documented"


@dataclass(frozen=True)
class Sentence:
    """One sentence of the record with its character offsets in the normalised text."""

    text: str
    start: int
    end: int


# Abbreviations whose trailing period must not end a sentence.
_ABBREVIATIONS = (
    "dr",
    "m.d",
    "d.o",
    "ph.d",
    "psy.d",
    "mr",
    "mrs",
    "ms",
    "vs",
    "e.g",
    "i.e",
    "etc",
    "approx",
    "no",
    "st",
    "pg",
    "p",
    "pp",
    "mg",
    "hr",
    "sec",
    "fig",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
)
_SENTENCE_END = re.compile(r"[.!?](?=\s+(?:[A-Z\"'(]|\d{1,2}/))|[.!?]$")


def normalise_text(text: str) -> str:
    """Join hard-wrapped lines and collapse whitespace: letters wrap at ~95 columns."""
    text = re.sub(r"-\s*\n\s*(?=\d)", "-", text)  # dates broken at a hyphen: "11-21-\n2016"
    return re.sub(r"\s+", " ", text).strip()


def split_sentences(text: str) -> list[Sentence]:
    """Split normalised text into sentences, keeping offsets; abbreviations do not end one."""
    sentences: list[Sentence] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        word = re.search(r"([A-Za-z.]+)\.$", text[start:end])
        if word and word.group(1).lower().rstrip(".") in _ABBREVIATIONS:
            continue
        chunk = text[start:end].strip()
        if chunk:
            offset = text.index(chunk, start)
            sentences.append(Sentence(chunk, offset, offset + len(chunk)))
        start = end
    tail = text[start:].strip()
    if tail:
        offset = text.index(tail, start)
        sentences.append(Sentence(tail, offset, offset + len(tail)))
    return sentences


def _alternation(phrases: tuple[str, ...]) -> re.Pattern[str]:
    ordered = sorted(phrases, key=len, reverse=True)  # longest first: "no evidence of" before "no"
    return re.compile(r"\b(?:" + "|".join(ordered) + r")\b", re.IGNORECASE)


# Pre-triggers: the scope runs forward from the trigger to a terminator or the sentence end.
_NEGATION_PRE = _alternation(
    (
        r"no",
        r"not",
        r"nor",
        r"never",
        r"without",
        r"denie[sd]",
        r"deny",
        r"denying",
        r"negative for",
        r"free of",
        r"absence of",
        r"absent",
        r"lack of",
        r"lacks?",
        r"lacking",
        r"no evidence of",
        r"no documentation of",
        r"no mention of",
        r"neither",
        r"none",
        r"cannot",
        r"can't",
        r"did not",
        r"does not",
        r"do not",
        r"has not",
        r"have not",
        r"had not",
        r"was not",
        r"were not",
        r"is not",
        r"are not",
        r"has yet to",
        r"failed to (?:outline|document|report|describe|establish|demonstrate|identify|"
        r"show|provide|state|mention|indicate|clearly|furnish|detail|note|quantify|"
        r"specify|articulate|evidence|substantiate|attach|include)",
        r"unable to (?:document|establish|demonstrate|identify)",
        r"ruled out",
        r"resolved",
    )
)
_UNCERTAIN_PRE = _alternation(
    (
        r"rule out",
        r"r/o",
        r"possible",
        r"possibly",
        r"probable",
        r"suspected",
        r"suspect",
        r"suspicious for",
        r"questionable",
        r"question of",
        r"may have",
        r"might",
        r"could be",
        r"consider",
        r"considering",
        r"if",
        r"unless",
        r"in the event",
        r"would",
        r"should",
        r"to evaluate for",
        r"evaluate for",
        r"versus",
        r"unclear whether",
        r"unclear if",
        r"uncertain",
    )
)
# Post-triggers: the concept comes before the trigger.
_NEGATION_POST = _alternation(
    (
        r"(?:was|were|is|are|has been|have been) not (?:documented|reported|noted|evident|"
        r"present|described|outlined|established|demonstrated|appreciated|found|seen|provided)",
        r"(?:was|were|is|are) (?:absent|negative|unremarkable|lacking|not evident)",
        r"not (?:documented|reported|noted|evident|present|appreciated)",
        r"(?:was|were) denied by the patient",
        r"(?:was|were|is|are|has been) ruled out",
    )
)
_UNCERTAIN_POST = _alternation(
    (
        r"(?:was|were|is|are) (?:suspected|questioned|possible|unclear|uncertain)",
        # a requirement, not a finding: "evidence of functional improvement was required"
        r"(?:was|were|is|are|would be|will be) (?:required|needed)",
        r"(?:is|was) not clear",
        r"not clearly (?:documented|established|stated)",
    )
)
# Terminators close a scope: a new clause that may assert something else.
_TERMINATOR = re.compile(
    r"\b(?:but|however|although|though|yet|which|whereas|while|except|apart from|aside from|"
    r"other than|despite|still)\b|[;:]|,\s*(?:and|so)\b",
    re.IGNORECASE,
)
# A few phrases look like triggers but are not ("no change" in pain still asserts the pain).
_PSEUDO = _alternation(
    (
        r"not only",
        r"no change",
        r"no longer",
        r"not certain if",
        r"no improvement",
        r"without improvement",
        r"if necessary",
        r"if needed",
        r"not medically necessary",
        r"whether or not",
    )
)


def _pseudo_spans(sentence: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _PSEUDO.finditer(sentence)]


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def _next_terminator(sentence: str, start: int) -> int:
    term = _TERMINATOR.search(sentence, start)
    return term.start() if term else len(sentence)


def _previous_terminator(sentence: str, end: int) -> int:
    last = 0
    for term in _TERMINATOR.finditer(sentence, 0, end):
        last = term.end()
    return last


def assertion_of(sentence: str, span: tuple[int, int]) -> Assertion:
    """How `sentence` asserts the concept at character `span` (ConText scope rules).

    Negation wins over uncertainty when both reach the concept: "no evidence of possible
    radiculopathy" is recorded as negated, the conservative reading for a criterion.
    """
    begin, end = span
    pseudo = _pseudo_spans(sentence)
    if _inside(begin, pseudo):
        return Assertion.AFFIRMED
    result = Assertion.AFFIRMED
    for pattern, kind in (
        (_UNCERTAIN_PRE, Assertion.UNCERTAIN),
        (_NEGATION_PRE, Assertion.NEGATED),
    ):
        for trig in pattern.finditer(sentence, 0, begin + 1):
            if _inside(trig.start(), pseudo) or trig.end() > begin:
                continue
            if _next_terminator(sentence, trig.end()) >= end:
                result = (
                    kind if kind is Assertion.NEGATED or result is Assertion.AFFIRMED else result
                )
    for pattern, kind in (
        (_UNCERTAIN_POST, Assertion.UNCERTAIN),
        (_NEGATION_POST, Assertion.NEGATED),
    ):
        for trig in pattern.finditer(sentence, end):
            if _previous_terminator(sentence, trig.start()) <= begin:
                result = (
                    kind if kind is Assertion.NEGATED or result is Assertion.AFFIRMED else result
                )
    return result
