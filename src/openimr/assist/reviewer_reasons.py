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
- Each code has phrase patterns (`_PATTERNS`), strong (specific to the code) or weak. A
  sentence that draws the conclusion ("Given...", "Due to the lack of...", "Absent...,
  the request is not...") weighs more: the rationale leans on it.
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
from openimr.evidence.schema import ReasonCode

DECISIVE = 1.5  # a reason that settles the item by itself (its surgery was not certified)
STRONG = 1.0
SOFT = 0.7  # specific, but usually said beside the reason the rationale leans on
WEAK = 0.45

# (code, weight, pattern). Order within a code does not matter: a sentence counts its best hit.
_PATTERNS: tuple[tuple[ReasonCode, float, re.Pattern[str]], ...] = (
    # -- dependent on a service that is not certified -------------------------------------
    (
        "dependent_on_denied",
        DECISIVE,
        rx(
            r"\b(?:as|since|because|given(?: that)?)\s+(?:the\s+)?(?:requested\s+|primary\s+|"
            r"associated\s+|proposed\s+)?(?:surgical (?:intervention|procedure)|surgery|"
            r"procedure|operation|request for [\w /-]{2,40}?)\s+(?:is|was|has been)\s+not\s+"
            r"(?:medically necessary|supported|certified|indicated|authori[sz]ed|appropriate)|"
            r"ancillary service|associated (?:surgical )?services? (?:is|are) not|"
            r"(?:not appropriate|not supported|not necessary) and therefore|"
            r"surgery (?:is|was|has been) not (?:certified|medically necessary|supported)"
        ),
    ),
    # -- the guideline does not recommend it ------------------------------------------------
    (
        "not_recommended",
        STRONG,
        rx(
            r"under ?study|experimental|investigational|"
            r"not (?:been )?(?:proven|shown) to be (?:effective|beneficial)|"
            r"(?:lack of|insufficient|no) (?:sufficient |published |quality )?(?:literature |"
            r"scientific )?(?:evidence|studies|research) (?:to support|of (?:its )?efficacy|"
            r"to evidence)|insufficient studies|"
            r"(?:guidelines?|MTUS|ODG|ACOEM) (?:do|does) not (?:support|recommend)(?! the use of "
            r"[\w ]{0,30} (?:for|beyond|longer|more) )|"
            r"not supported by (?:the )?(?:evidence[- ]based )?guidelines|"
            r"(?:deemed|is|are|was|were|remains?) [\"“]?not recommended[\"”]?"
            r"(?!\s+(?:for (?:longer|more) than|beyond|for (?:use )?(?:longer|over)|"
            r"(?:for )?(?:long[- ]term|chronic|prolonged)|as (?:a )?(?:primary|first[- ]line)|"
            r"until|unless|without|prior to|before|in the absence))|"
            r"(?:tolerate|take) (?:similar )?medications? in (?:pill|tablet|oral)|"
            r"pill/tablet form|oral suspension|unfavorable (?:\w+ )?(?:position|recommendation)|"
            r"compound(?:ed)? (?:drugs?|products?|medications?|analgesics?)[^.]{0,60}not "
            r"recommended|at odds with|no proven efficacy|not FDA[- ]approved"
        ),
    ),
    (
        "not_recommended",
        WEAK,
        rx(
            r"not recommended|do not recommend|does not recommend|not supported by|"
            r"no (?:additional )?benefit (?:over|beyond)|"
            r"guidelines do not (?:support|recommend)|routine use is not"
        ),
    ),
    # -- monitoring and risk assessment ------------------------------------------------------
    (
        "monitoring_not_documented",
        STRONG,
        rx(
            r"urine drug (?:screens?|tests?|testing|toxicology)|\bUDS\b|\bUDT\b|\bCURES\b|"
            r"(?:opioid|pain|narcotic|medication) (?:agreement|contract)|aberrant|"
            r"risk (?:of|for) (?:addiction|abuse|misuse|aberrant)|(?:opioid )?risk assessment|"
            r"screening for (?:risk|drug|substance)|"
            r"(?:continued |ongoing )?monitoring (?:and|of|for)|"
            r"four a'?s|4 a'?s"
        ),
    ),
    # -- functional improvement from the same treatment -------------------------------------
    (
        "no_functional_improvement",
        STRONG,
        rx(
            r"(?:objective |documented |clinically significant )?functional (?:improvement|"
            r"gains?|benefit|response)|objective (?:improvement|gains|measures|functional)|"
            r"(?:quantified|numerical|measurable) (?:evidence of )?(?:numerical )?pain relief|"
            r"(?:no|lack of|without) (?:\w+ ){0,3}(?:improvement|benefit|efficacy|relief) "
            r"(?:from|with|of|in response to|as a result of|on) (?:the )?(?:prior|previous|"
            r"initial|recent|past|ongoing|current|this|use|treatment|sessions|therapy|regimen|"
            r"medication)|"
            r"(?:is|was|were) benefit(?:ing|ed) from|efficacy (?:of the (?:medication|"
            r"treatment))? (?:was|is) not|(?:therapy|treatment) outcome|response to (?:the )?"
            r"(?:prior|previous|initial|recent|previously)|documentation of benefit|"
            r"(?:without|no) (?:any )?(?:documentation of )?(?:subjective or objective )?"
            r"improvement|(?:30|50)\s?% (?:pain )?(?:relief|reduction|improvement)|"
            r"sessions completed to date and outcome"
        ),
    ),
    (
        "no_functional_improvement",
        WEAK,
        rx(r"improvement in (?:pain|function)|pain relief|efficacy|benefit from"),
    ),
    # -- conservative / first-line care not tried or finished -------------------------------
    (
        "conservative_care_not_exhausted",
        STRONG,
        rx(
            r"(?:trial(?:ed)?|tried) and failed|fail(?:ed|ure of|ure to respond to) (?:a |an |"
            r"the |any )?(?:proper |adequate |appropriate |exhaustive |complete )?(?:course of )?"
            r"(?:conservative|first[- ]line|non-?opioid|oral|classic|more classic|lower level)|"
            r"exhausted (?:\w+ ){0,2}conservative|conservative (?:care|treatment|therapy|"
            r"management|course|measures)[^.]{0,60}(?:not|prior|before|fail|exhaust|complet|"
            r"response|trial)|"
            r"(?:prior to|before|until) (?:the )?(?:completion|complet\w+)|previously "
            r"(?:authori[sz]ed|recommended|certified) (?:conservative|physical|therapy|treatment|"
            r"course)|(?:is|was) (?:currently )?undergoing (?:treatment with |previously )?|"
            r"contingent upon (?:the )?(?:patient|worker)'?s? response|"
            r"failure of (?:antidepressants|anticonvulsants|first)|"
            r"(?:unable to|cannot|inability to) (?:use|tolerate|take) (?:\w+ ){0,3}oral|"
            r"(?:30|thirty)[- ]day (?:home[- ]based |home )?trial|"
            r"(?:nondiagnostic|non-diagnostic) nature of (?:previous )?plain|"
            r"plain (?:films|radiographs) (?:were|are|have|had)? ?(?:not|nondiagnostic)|"
            r"absent clinical documentation of conservative|response to (?:the )?conservative|"
            r"complet\w* (?:a )?(?:\w+ ){0,2}conservative|"
            r"authori[sz]ed (?:an? |the )?(?:initial|\d+)[^.]{0,40}(?:trial|sessions|visits)|"
            r"(?:contraindication|intolerance)(?: or an? (?:contraindication|intolerance))? to "
            r"(?:the use of )?oral|"
            r"not (?:yet )?(?:completed|finished) (?:the )?(?:previously|initial|authori)|"
            r"first[- ]line (?:therapy|treatment|agents?|medications?)[^.]{0,40}(?:not|fail|prior)"
        ),
    ),
    (
        "conservative_care_not_exhausted",
        WEAK,
        rx(
            r"conservative (?:care|treatment|therapy|management)|first[- ]line|"
            r"plain (?:films|x-rays|radiographs)"
        ),
    ),
    # -- quantity beyond the guideline -------------------------------------------------------
    (
        "quantity_exceeds",
        STRONG,
        rx(
            r"exceed(?:s|ed|ing)? (?:the )?(?:recommended |guideline |maximum )?(?:guidelines?|"
            r"recommendations?|number|limits?|amount|visits|sessions)|in excess of|"
            r"(?:\d+|initial|additional|requested)[^.]{0,40}\bexceeds\b|"
            r"(?:quantity|number) (?:of \w+ )?(?:requested )?(?:exceeds|is excessive|"
            r"is not supported)|(?:MME|morphine equivalent)[^.]{0,40}(?:exceed|above|over)"
        ),
    ),
    (
        "quantity_exceeds",
        WEAK,
        rx(
            r"up to \d+ (?:visits|sessions|treatments)|"
            r"\d+ ?(?:-|to) ?\d+ (?:visits|sessions|treatments)"
        ),
    ),
    # -- duration beyond the guideline -------------------------------------------------------
    (
        "duration_exceeds",
        STRONG,
        rx(
            r"short[- ](?:term|course)(?: use| treatment| therapy)?[^.]{0,40}(?:exceed|beyond|"
            r"only|not)|only (?:recommended )?for (?:a )?short|"
            r"exceeding the (?:guideline )?recommend\w+ for short|"
            r"(?:longer|more) than \d+(?:\s?(?:-|to)\s?\d+)? (?:weeks|days|months)|"
            r"beyond \d+(?:\s?(?:-|to)\s?\d+)? (?:weeks|days|months)|"
            r"long[- ]term use (?:is )?(?:not|of)|(?:prolonged|chronic|continued|long[- ]term) "
            r"use (?:is|of)[^.]{0,30}not recommended|since at least [^.]{0,40}exceed"
        ),
    ),
    (
        "duration_exceeds",
        WEAK,
        rx(
            r"short[- ](?:term|course)|long[- ]term|2\s?-\s?3 weeks|prolonged use|extend opioid use"
        ),
    ),
    # -- already done, nothing changed -------------------------------------------------------
    (
        "repeat_without_change",
        STRONG,
        rx(
            r"(?:was|were|has been|had been|have been) (?:previously|already) (?:authori[sz]ed|"
            r"approved|certified)(?! (?:by the claims administrator )?(?:after|an? initial|"
            r"\d|for \d|a trial|an? \d))|duplicat\w+|redundant|"
            r"(?:already|previously) (?:had|received|undergone|performed|completed)\b|"
            r"(?:prior|previous|recent) (?:\w+ ){0,2}(?:MRI|CT|x-?rays?|imaging|stud(?:y|ies)|"
            r"scan|radiographs?)(?: (?:of|dated|in|from|which|that|revealed|showed))|"
            r"(?:had|received|underwent) (?:an? |the )?(?:\w+ ){0,3}(?:MRI|CT scan|x-?ray|study)"
            r"[^.]{0,30}(?:previously|dated|of unknown date|in \d)|"
            r"significant changes? in (?:signs|symptoms|findings)[^.]{0,60}not|"
            r"no (?:significant |new )?change in (?:symptoms|findings)"
        ),
    ),
    (
        "repeat_without_change",
        WEAK,
        rx(r"repeat (?:MRI|imaging|study)|significant change|already"),
    ),
    # -- the request itself is unclear -------------------------------------------------------
    (
        "request_unclear",
        STRONG,
        rx(
            r"(?:does|did) not (?:indicate|specify|state) the (?:nature|type|"
            r"frequency|quantity|number|duration|body part|dosage|strength)|"
            r"(?:frequency|quantity|dosage|dose|strength|duration|body part|number of sessions)"
            r"[^.]{0,20}(?:was|were|is|are) not (?:specified|stated|provided|noted|clear)|"
            r"(?:rationale|reason) for (?:this|the) specific|"
            r"(?:treatment )?goals? (?:were|was) (?:neither|not) (?:stated|formulated|provided)|"
            r"specifying when|unknown quantity|require a rationale for their use|"
            r"how (?:the|said)? ?[\w ]{0,30} (?:was|were|would) (?:to )?benefit"
        ),
    ),
    (
        "request_unclear",
        SOFT,
        rx(
            r"(?:unclear|not clear) (?:if|whether) this is (?:a )?(?:first|new|an initial)|"
            r"\bno RFA\b"
        ),
    ),
    (
        "request_unclear",
        WEAK,
        rx(r"not (?:clearly )?(?:specified|stated)|unclear|no (?:clear )?rationale"),
    ),
    # -- the findings or diagnosis that would indicate it ------------------------------------
    (
        "indication_not_documented",
        STRONG,
        rx(
            r"red[- ]flags?|(?:neurolog\w*|nerve|motor|sensory) (?:deficits?|findings|"
            r"compromise|impairment|dysfunction|abnormalit\w+)|radiculopathy|radicular|"
            r"(?:objective|clinical|examination|exam|physical) (?:\w+ ){0,2}(?:findings|signs|"
            r"deficits|evidence)|diagnos\w+ (?:of|to|was|is)|candidate for (?:surgery|surgical)|"
            r"(?:consider|contemplat\w+|willingness)[^.]{0,40}surg\w+|(?:surgery|surgical "
            r"intervention) (?:is|was|being) (?:not )?(?:considered|contemplated|planned)|"
            r"(?:GI|gastrointestinal) (?:risk|events?|complaints|symptoms|bleed)|peptic ulcer|"
            r"osteoarthritis|(?:acute )?muscle spasms?|acute spasm|neuropathic pain|"
            r"tissue insult|internal derangement|knee derangement|instability|"
            r"(?:complaints|symptoms) (?:of|regarding|to) (?:the |this )?(?:region|\w+ (?:spine|"
            r"shoulder|knee))|significant (?:complaints|deficits|findings)|"
            r"(?:return to work|work hardening|regular work)|(?:medical|clinical) need|"
            r"adjunct to (?:a )?(?:program|physical|functional)|"
            r"no (?:\w+ ){0,3}(?:suspicion|characteristic signs)|not (?:\w+ ){0,2}suspected|"
            r"medications? (?:is|are|was|were) (?:being )?reduced|(?:reduction|reduced) or "
            r"(?:intoleran\w+|not tolerated)|(?:unable|not able) to tolerate (?:pain )?"
            r"medications?(?! in)|"
            r"does not meet (?:the )?criteria|(?:pain|symptoms) (?:affecting|at night|night ?time)|"
            r"severe injury|what medications|(?:CRPS|complex regional)|specific clinical rationale"
        ),
    ),
    (
        "indication_not_documented",
        WEAK,
        rx(
            r"rationale|medical necessity (?:for|of) [^.]{0,60}(?:not|un)|"
            r"not (?:substantiated|established|supported)|physical exam\w*"
        ),
    ),
    # -- something else (a contraindication, a duplicate drug, too many modalities at once) --
    (
        "other",
        SOFT,
        rx(
            r"contraindicat\w+(?! or a)|multiple (?:physical )?modalities|"
            r"previously using|at the same time is not"
        ),
    ),
)

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
        for code, weight, pattern in _PATTERNS:
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
