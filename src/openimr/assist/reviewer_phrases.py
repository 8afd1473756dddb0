"""The phrases reviewers state their deciding reasons in (../shared/docs/reasons.md).

One table: per code of reasons.md, the patterns of a rationale sentence that state it, each
strong (specific to the code) or weak (said of several). The typical words of reasons.md come
first; the rest were written while reading the development half of the dev letters, kept to
general phrasing rather than one reviewer's template. `assist.reviewer_reasons` reads with it.
"""

from __future__ import annotations

import re

from openimr.assist.lexicon import rx
from openimr.evidence.schema import ReasonCode

DECISIVE = 1.5  # a reason that settles the item by itself (its surgery was not certified)
STRONG = 1.0
SOFT = 0.7  # specific, but usually said beside the reason the rationale leans on
WEAK = 0.45

# (code, weight, pattern). Order within a code does not matter: a sentence counts its best hit.
PATTERNS: tuple[tuple[ReasonCode, float, re.Pattern[str]], ...] = (
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
