"""The reviewers' own reasons: which deciding reason a rationale states, with its words.

Every published determination gives, per item, the expert reviewer's rationale, and the
rationale says why: which condition of the guideline failed and which fact of the record made
it fail. This module reads a rationale and labels it with the codes of
../shared/docs/reasons.md — one primary (the reason the rationale leans on most; on a tie,
the first stated) and up to two secondary — each with the phrase that carries it.

How it reads, in words a reviewer would recognise:
- The rationale is cut into sentences. A sentence that applies the guideline to this worker
  ("there is no documentation of...", "the patient has not...", "in this case...") weighs
  more than one that restates the guideline ("the MTUS recommends..."): a guideline's
  "not recommended for longer than 3 weeks" is the rule, the case sentence is the reason.
- Each code has phrase patterns (`assist.reviewer_phrases.PATTERNS`), strong (specific
  to the code) or weak. A sentence that draws the conclusion ("Given...", "Due to the
  lack of...", "Absent..., the request is not...") weighs more: the rationale leans on it.
- An overturned item's primary reason is `criteria_met`; an upheld item's never is.

Rules, not a fitted model: 290 rationales are too few to learn phrase weights that would hold
on letters written by other reviewers, while the phrases themselves (reasons.md's "typical
words") are the reviewers' shared vocabulary. The rules were written on the development half
of the dev letters and checked against a hand-labelled gold file of its 167 items
(tests/unit/assist/data/reasons_gold_dev.yaml).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from openimr.assist.context import normalise_text, split_sentences
from openimr.assist.lexicon import rx
from openimr.assist.reviewer_phrases import PATTERNS
from openimr.evidence.schema import ReasonCode

_MET = rx(
    r"(?<!not )(?<!not be )(?:is|are|was|be|deemed|considered) (?:medically )?(?:necessary|"
    r"appropriate|reasonable|indicated|supported)(?! (?:by|when|if|for longer))|"
    r"criteria (?:have|has|are|were) (?:been )?met|(?:meets|met) (?:the |this |these |published )?"
    r"(?:criteria|guidelines?|requirements)|guidelines (?:have|are) (?:been )?met|qualifies|"
    r"is consistent with guideline|compatible with|supported by the records|I am reversing"
)
# A sentence that restates the guideline rather than applying it to this worker.
_GUIDELINE_OPENING = rx(
    r"^(?:according to|per|pursuant to|as noted|the (?:california |ca )?(?:MTUS|ODG|ACOEM|"
    r"official|american)|(?:california |ca[- ])?MTUS|ODG|ACOEM|guidelines?|regarding)\b"
)
# A sentence that applies the guideline to this worker (as opposed to restating it).
_CASE = rx(
    r"\b(?:in this case|in the case of|this (?:patient|worker|claimant|individual|injured|"
    r"applicant|medication|drug|request|treatment|service|modality)|"
    r"the (?:patient|worker|claimant|applicant|injured worker|individual|employee)|"
    r"(?:he|she) (?:has|had|was|is|should)|(?:his|her) |"
    r"the (?:submitted |available |provided |reviewed )?(?:medical )?(?:records?|documentation|"
    r"notes?|clinical (?:notes?|information|documentation))|"
    r"(?:treating|requesting|attending) (?:physician|provider)|"
    r"there (?:is|was|were|are) (?:no|a lack|lack|not|insufficient)|"
    r"(?:was|were|is) not (?:documented|provided|noted|specified|included|shown)|"
    r"(?:no|lack of) documentation|physical exam\w* (?:revealed|showed|findings|did)|"
    r"review of|given (?:that|the)|due to the lack|"
    r"absent |without (?:documented|documentation|further|evidence)|"
    r"the (?:current |requested |original )?request)\b|^however\b"
)
_GUIDELINE = rx(
    r"\b(?:guidelines?|MTUS|ODG|ACOEM|recommend(?:s|ed)?|states?)\b|"
    r"\b(?:is|are) (?:not )?(?:indicated|recommended|designated) (?:for|as|in)\b"
)
# A sentence that draws the conclusion: the rationale leans on the reason it names.
_CONCLUSION = rx(
    r"^(?:given|due to|without|absent|because|since|as the|therefore|thus|until|in the absence|"
    r"based on the lack|with no|lacking)\b|\b(?:thus|therefore|consequently)\b"
)
# Reasons that are a gap in the record need a negative in their sentence: "physical exam
# revealed muscle spasms" states a finding, "revealed no evidence of spasm" a missing one.
_NEGATIVE = rx(
    r"\b(?:no|not|nor|neither|none|lack\w*|without|absent|absence|fail\w*|unclear|insufficient|"
    r"cannot|unable|missing|inadequate|undocumented|contingent upon)\b|n't\b"
)
_GAP_CODES = frozenset(
    {
        "indication_not_documented",
        "conservative_care_not_exhausted",
        "no_functional_improvement",
        "monitoring_not_documented",
        "request_unclear",
    }
)
# The conclusion every rationale ends on ("the request for X is not medically necessary")
# names no reason; nor does the item's own name inside a sentence.
_VERDICT = rx(
    r"^(?:given the above|as such|therefore|thus|based on)?[, ]*(?:the )?request[^.]{0,200}"
    r"(?:is|was) (?:determined to )?(?:be )?(?:not )?medically necessary\.?$"
)
_TIE = 0.05  # scores this close count as equal: the first stated wins
_SECONDARY_MIN = 0.6
_MAX_SECONDARY = 2


@dataclass(frozen=True)
class Hit:
    """One code found in one sentence: how much it weighs and the words that carry it."""

    code: ReasonCode
    weight: float
    position: int  # sentence index
    phrase: str


@dataclass
class ReviewerReasons:
    """The deciding reasons of one rationale."""

    primary: ReasonCode
    phrase: str
    secondary: list[tuple[ReasonCode, str]] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)

    def codes(self) -> list[ReasonCode]:
        return [self.primary, *(code for code, _ in self.secondary)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "primary": {"code": self.primary, "phrase": self.phrase},
            "secondary": [{"code": c, "phrase": p} for c, p in self.secondary],
        }


def _sentence_weight(sentence: str) -> float:
    """1 for a sentence about this worker, 0.4 for one restating the guideline; a sentence
    that draws the conclusion weighs a third more."""
    if _GUIDELINE_OPENING.search(sentence):
        weight = 0.4
    else:
        weight = 1.0 if _CASE.search(sentence) or not _GUIDELINE.search(sentence) else 0.4
    if _CONCLUSION.search(sentence):
        weight += 0.35
    return weight


def _phrase(sentence: str, match: re.Match[str]) -> str:
    """The clause of the sentence around a match, trimmed to a readable length."""
    cut = max(sentence.rfind(",", 0, match.start()), sentence.rfind(";", 0, match.start()))
    start = 0 if cut < 0 or match.start() - cut > 120 else cut + 1
    ends = [i for i in (sentence.find(",", match.end()), sentence.find(";", match.end())) if i >= 0]
    end = min(ends) if ends else len(sentence)
    if end - match.end() > 120:
        end = match.end()
    return sentence[start:end].strip().rstrip(".")


def _sentences(rationale: str, description: str | None) -> list[str]:
    text = normalise_text(rationale)
    if description and len(description.strip()) > 3:
        # the item's own name ("Deprizine (unknown quantity)") is not a reason
        text = re.sub(re.escape(" ".join(description.split())), "the request", text, flags=re.I)
    return [s.text for s in split_sentences(text)]


def hits(rationale: str, description: str | None = None) -> list[Hit]:
    """Every code the rationale's sentences name, with its weight and words."""
    found: list[Hit] = []
    for position, sentence in enumerate(_sentences(rationale, description)):
        if _VERDICT.search(sentence):
            continue
        scale = _sentence_weight(sentence)
        negative = bool(_NEGATIVE.search(sentence))
        best: dict[ReasonCode, Hit] = {}
        for code, weight, pattern in PATTERNS:
            match = pattern.search(sentence)
            if match is None:
                continue
            gap = 1.0 if negative or code not in _GAP_CODES else 0.3
            hit = Hit(code, weight * scale * gap, position, _phrase(sentence, match))
            if code not in best or hit.weight > best[code].weight:
                best[code] = hit
        found.extend(best.values())
    return found


def _met_phrase(sentences: list[str]) -> str:
    for sentence in reversed(sentences):
        match = _MET.search(sentence)
        if match and "not medically necessary" not in sentence.lower():
            return _phrase(sentence, match)
    return sentences[-1] if sentences else ""


def label_rationale(
    rationale: str, decision: str | None = None, description: str | None = None
) -> ReviewerReasons:
    """The primary and secondary codes of one rationale (see the module docstring).

    A code's score is its strongest mention; it is stated where it is first mentioned with
    close to that strength (a passing mention in a guideline quote does not count as stating
    it). The primary is the highest score, the first stated on a tie.
    """
    found = hits(rationale, description)
    scores: dict[str, float] = {}
    for hit in found:
        scores[hit.code] = max(scores.get(hit.code, 0.0), hit.weight)
    first: dict[str, Hit] = {}
    for hit in found:
        if hit.code not in first and hit.weight >= 0.75 * scores[hit.code]:
            first[hit.code] = hit
    if decision == "overturned":
        return ReviewerReasons(
            "criteria_met", _met_phrase(_sentences(rationale, description)), [], scores
        )
    best = max(scores.values(), default=0.0)
    leaders = [code for code in scores if scores[code] >= best - _TIE]
    if not leaders:
        sentences = _sentences(rationale, description)
        return ReviewerReasons("other", sentences[-1] if sentences else "", [], scores)
    primary = min(leaders, key=lambda code: first[code].position)
    rest = sorted(
        (code for code in scores if code != primary and scores[code] >= _SECONDARY_MIN),
        key=lambda code: (-scores[code], first[code].position),
    )
    secondary = [(code, first[code].phrase) for code in rest][:_MAX_SECONDARY]
    return ReviewerReasons(primary, first[primary].phrase, secondary, scores)  # type: ignore[arg-type]


def _last_sentence(rationale: str) -> str:
    sentences = split_sentences(normalise_text(rationale))
    return sentences[-1].text if sentences else ""


def label_letters(letters: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One record per disputed item of parsed letters: its codes and their phrases."""
    out: list[dict[str, Any]] = []
    for letter in letters:
        for n, item in enumerate(letter.get("items") or [], start=1):
            rationale = str(item.get("rationale") or "")
            decision = item.get("decision")
            labelled = label_rationale(rationale, decision, item.get("description"))
            out.append(
                {
                    "case_number": letter.get("case_number"),
                    "item": n,
                    "description": item.get("description"),
                    "decision": decision,
                    **labelled.to_dict(),
                }
            )
    return out
