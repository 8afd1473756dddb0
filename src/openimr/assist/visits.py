"""What one record says: complaints, findings, diagnoses, treatments and work status.

A visit note, an RFA or a report states what the worker complained of, what the examination
found, the diagnoses, what was tried, prescribed, requested or stopped, and whether the worker
works. `read_visit` reads those from a record's passages (`assist.records`), each phrase kept
with the passage it came from; negated findings ("no spasm") are kept as absent and uncertain
ones dropped, by the ConText scope of `assist.context`. The shared words (regions, work status,
pain scores, drug names) come from `assist.lexicon`. The summary drafter (`assist.summary`)
turns a visit into sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from openimr.assist.context import Assertion, assertion_of
from openimr.assist.lexicon import (
    FULL_DUTY,
    PAIN_SCORE,
    REGION_PHRASE,
    TEMPORARY_TOTAL_DISABILITY,
    drug_mention,
    rx,
    work_status,
)
from openimr.assist.records import Passage, RecordText

OFF_WORK = "The applicant was kept off work"


def lower_phrase(text: str) -> str:
    """Lower-case a phrase but keep acronyms and drug names' capitals (ODG, MRI, TENS)."""
    words = []
    for word in text.split():
        core = re.sub(r"[^A-Za-z]", "", word)
        words.append(word if len(core) >= 2 and core.isupper() else word.lower())
    return " ".join(words)


_ICD = re.compile(r"\(?\b[A-TV-Z]\d{2}(?:\.[0-9A-Z]{1,4})?\b\)?|\bICD-?10:?")


def _diagnosis_items(text: str) -> list[str]:
    """Items of a diagnosis list: '1. Chronic low back pain. 2. Sleep disturbance.'"""
    body = re.sub(r"^[^:]{0,40}:\s*", "", text)
    body = _ICD.sub(" ", body)
    items = []
    for piece in re.split(r"(?:^|\s)\d{1,2}[.)]\s+|;|,|\.(?:\s|$)|\band\b", body):
        item = piece.strip(" .,:-\"'\u201c\u201d")
        item = re.sub(r"\s+", " ", item)
        if re.fullmatch(r"(?:initial|subsequent) encounter|sequela", item, re.I):
            continue  # ICD-10 qualifiers, not diagnoses
        if item and 1 <= len(item.split()) <= 8 and re.search(r"[A-Za-z]{3}", item):
            items.append(lower_phrase(item))
    return items


UNCERTAIN_DIAGNOSIS = rx(r"rule out|r/o\b|possible|probable|suspected|questionable|history of")
_DIAGNOSED = rx(
    r"diagnos(?:ed with|is of|es of|es include[sd]?|is:|es:|"
    r"(?:is|es) (?:is|are|was|were)(?: (?:documented|noted|listed|given) as)?)\s+([^.;]+)"
)


def diagnoses(record: RecordText) -> list[tuple[str, Passage]]:
    found: list[tuple[str, Passage]] = []
    for unit in record.units:
        if unit.section == "diagnoses" and unit.whole_segment:
            found.extend((item, unit) for item in _diagnosis_items(unit.text))
        elif not unit.whole_segment and unit.section != "diagnoses":
            match = _DIAGNOSED.search(unit.text)
            if match and assertion_of(unit.text, match.span(1)) is Assertion.AFFIRMED:
                found.extend((item, unit) for item in _diagnosis_items(match.group(1)))
    return found


# -- complaints, findings, treatments, work status -------------------------------------------

_SYMPTOM = rx(
    r"\b(?:" + REGION_PHRASE + r"(?:\s+and\s+" + REGION_PHRASE + r")?\s+pain"
    r"|pain (?:in|of|involving) (?:the |his |her )?" + REGION_PHRASE + r""
    r"|insomnia|sleep (?:disturbance|difficult(?:y|ies)|problems|disruption)"
    r"|(?:trouble|difficulty) sleeping|anxiety|depression|depressive symptoms|headaches?"
    r"|numbness|tingling|paresthesias?|weakness|stiffness|swelling|radiating pain"
    r"|radicular (?:pain|symptoms)|muscle spasms?|fatigue|dizziness|heartburn|dyspepsia"
    r"|(?:GI|gastrointestinal) upset|bowel (?:or|and|/) bladder (?:changes|symptoms|dysfunction"
    r"|incontinence)|incontinence)\b"
)
_COMPLAINT_CUE = rx(
    r"complain|report|present|continu|persist|ongoing|describ|endors|denie|symptom|"
    r"\bpain\b|rated"
)


@dataclass(frozen=True)
class _Finding:
    pattern: re.Pattern[str]
    present: str | None  # fixed wording when present; None: the matched phrase itself
    absent: str | None
    polar: bool = False  # the phrase says positive/negative itself


_FINDINGS: tuple[_Finding, ...] = (
    _Finding(
        rx(
            r"\btenderness(?: (?:to|on) palpation)?(?: (?:over|of|about|at|in|along|on) "
            r"(?:the )?(?:(?!\b(?:was|were|is|are|noted)\b)[^,.;]){2,60}?)?"
            r"(?=\s*(?:[,.;]|$|\band\b|\bwith\b|\bbilaterally\b|\b(?:was|were|is) noted\b))"
        ),
        None,
        None,
    ),
    _Finding(
        rx(
            r"(?:limited|reduced|decreased|restricted|diminished|painful)\s+(?:(?:lumbar|"
            r"cervical|thoracic|shoulder|knee|hip|wrist)\s+)?range of motion|(?:(?:lumbar|"
            r"cervical|thoracic|shoulder|knee|hip|wrist)\s+)?range of motion (?:is |was |"
            r"remains |remained )?(?:limited|reduced|decreased|restricted)"
        ),
        "limited range of motion",
        "no limitation of range of motion",
    ),
    _Finding(rx(r"\bfull range of motion\b"), "full range of motion", None),
    _Finding(
        rx(r"(?:muscle |paraspinal |paravertebral )?spasms?\b"),
        "muscle spasm",
        "no muscle spasm",
    ),
    _Finding(
        rx(r"straight[- ]leg[- ]rais(?:e|ing)(?: test)?|\bSLR\b"),
        "positive straight leg raising",
        "negative straight leg raising",
    ),
    _Finding(
        rx(r"(?:focal )?neurologic(?:al)? deficits?"),
        "a neurological deficit",
        "no focal neurological deficit",
    ),
    _Finding(
        rx(r"(?:decreased|diminished|reduced|altered) sensation(?: [^,.;]{0,40})?"), None, None
    ),
    _Finding(rx(r"\bintact sensation\b|sensation (?:is |was )?intact"), "intact sensation", None),
    _Finding(
        rx(r"(?:weakness|decreased strength|reduced strength)(?: (?:of|in) [^,.;]{0,40})?"),
        None,
        None,
    ),
    _Finding(
        rx(r"(?:diminished|decreased|absent|reduced|hypoactive) (?:deep tendon )?reflexes"),
        None,
        None,
    ),
    _Finding(rx(r"\b(?:antalgic|guarded|slow) gait\b"), None, None),
    _Finding(rx(r"\b(?:effusion|crepitus|guarding|atrophy)\b"), None, None),
    # Named provocative tests carry their own polarity: "Impingement sign is positive".
    _Finding(
        rx(
            r"\b(?:positive|negative) [A-Za-z'-]+(?: [A-Za-z'-]+)?(?: sign| test| maneuver)\b|"
            r"\b[A-Za-z'-]+(?: [A-Za-z'-]+)? (?:sign|test|maneuver) (?:is |was |were )?"
            r"(?:positive|negative)\b"
        ),
        None,
        None,
        polar=True,
    ),
)
_EXAM_CUE = rx(
    r"\bexam\w*|palpation|tender|range of motion|straight leg|\bSLR\b|reflex|gait|\bsign\b|"
    r"\btest\b|maneuver|atrophy|effusion|crepitus|spasm"
)

_THERAPIES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        rx(r"hot(?:\s*/\s*|\s+and\s+|\s*&\s*)cold(?: therapy)? (?:unit|device|machine|system)"),
        "a hot and cold unit",
    ),
    (rx(r"physical therapy|physiotherapy|\bPT\b"), "physical therapy"),
    (rx(r"acupuncture"), "acupuncture"),
    (
        rx(
            r"manipulative therapy|chiropractic(?: manipulative)?(?: therapy| treatment| care)?|"
            r"\bmanipulation"
        ),
        "manipulative therapy",
    ),
    (rx(r"massage(?: therapy)?"), "massage therapy"),
    (rx(r"home exercise(?: program)?|\bHEP\b"), "a home exercise program"),
    (rx(r"\bTENS(?: unit)?\b|transcutaneous electrical"), "a TENS unit"),
    (rx(r"epidural steroid injections?|\bESIs?\b"), "an epidural steroid injection"),
    (rx(r"trigger point injections?"), "trigger point injections"),
    (rx(r"facet (?:joint )?(?:injections?|blocks?)|medial branch blocks?"), "facet injections"),
    (rx(r"\bMRI\b|magnetic resonance imaging"), "an MRI"),
    (rx(r"\bEMG\b|\bNCS\b|\bNCV\b|electrodiagnostic"), "electrodiagnostic testing"),
    (rx(r"urine drug (?:screen|test)\w*|\bUDS\b"), "a urine drug screen"),
    (
        rx(
            r"cognitive behaviou?ral therapy|\bCBT\b|psychotherapy|psycholog\w+ (?:evaluation|"
            r"consultation|treatment)"
        ),
        "psychological treatment",
    ),
    (rx(r"functional restoration program|\bFRP\b"), "a functional restoration program"),
    (rx(r"\b(?:lumbar |back |knee |wrist )?brace\b|\bbracing\b"), "a brace"),
)
_TOPICAL = rx(
    r"topical (?:compound(?:ed|s)?)(?: (?:cream|agents?|medications?|creams))?|"
    r"compounded (?:topical )?(?:creams?|agents?|medications?)"
)
_REGION_AFTER = rx(
    r"^(?:\s+for home use)?,?\s+(for|to|of|on) (?:the |his |her )?((?:left |right |bilateral )?"
    r"(?:lumbar spine|cervical spine|thoracic spine|low(?:er)? back|neck|knees?|shoulders?|"
    r"wrists?|hips?|ankles?|hands?|elbows?|feet|foot|lumbar|cervical))\b"
)
_VERBS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("discontinued", rx(r"discontinu|\bstopped\b")),
    ("requested", rx(r"request|authoriz|\bRFA\b|seeking|sought")),
    ("dispensed", rx(r"dispens")),
    ("continued", rx(r"continu|refill|renew")),
    ("prescribed", rx(r"prescri|\bstart|initiat|\bbegan|\bbegin|trial of|ordered")),
    ("tried", rx(r"\btried|\bprior\b|previous|history of|in the past|had (?:undergone|received)")),
    ("recommended", rx(r"recommend|endorse|advise|refer|\bplan\b|\bwill\b")),
)
NO_BENEFIT = rx(
    r"without (?:relief|benefit|improvement)|no (?:relief|benefit|improvement)|did not help|"
    r"\bfailed\b|unsuccessful|ineffective"
)
VERB_ORDER = (
    "tried",
    "prescribed",
    "dispensed",
    "continued",
    "recommended",
    "requested",
    "listed",
    "discontinued",
)


def treatments(text: str) -> list[tuple[str, tuple[int, int]]]:
    """(item, span) of every drug, therapy or device named in `text`, in text order."""
    found: list[tuple[str, tuple[int, int]]] = []
    taken: list[tuple[int, int]] = []

    def free(span: tuple[int, int]) -> bool:
        return all(span[1] <= a or span[0] >= b for a, b in taken)

    for match in drug_mention().finditer(text):
        found.append((match.group(0), match.span()))
        taken.append(match.span())
    for match in _TOPICAL.finditer(text):
        if free(match.span()):
            many = re.search(r"s\b", match.group(0)) or re.search(
                r"several|multiple|various", text, re.I
            )
            found.append(
                ("topical compounds" if many else "a topical compounded medication", match.span())
            )
            taken.append(match.span())
    for pattern, name in _THERAPIES:
        for match in pattern.finditer(text):
            if not free(match.span()):
                continue
            region = _REGION_AFTER.search(text[match.end() :])
            item = f"{name} {region.group(1)} the {region.group(2).lower()}" if region else name
            found.append((item, match.span()))
            taken.append(match.span())
    return sorted(found, key=lambda f: f[1])


def _verb(unit: Passage) -> str | None:
    """What the sentence says was done with the treatments it names; in a labelled plan
    without a verb ("Medications: Norco, Soma") they are listed, in narrative nothing."""
    for verb, pattern in _VERBS:
        if pattern.search(unit.text):
            return verb
    if unit.section == "other":
        return None
    return "listed" if re.search(r"medication", unit.label, re.I) else "recommended"


@dataclass
class Visit:
    """What one record says, each phrase with the passage it came from."""

    complaints: dict[str, Passage] = field(default_factory=dict)
    denied: dict[str, Passage] = field(default_factory=dict)
    pain_score: tuple[str, Passage] | None = None
    findings: dict[str, Passage] = field(default_factory=dict)
    diagnoses: dict[str, Passage] = field(default_factory=dict)
    treatments: dict[str, dict[str, Passage]] = field(default_factory=dict)
    work: tuple[str, Passage] | None = None
    extra_work_unit: Passage | None = None


def read_visit(record: RecordText) -> Visit:
    visit = Visit()
    for item, unit in diagnoses(record):
        visit.diagnoses.setdefault(item.lower(), unit)
    for unit in record.units:
        if unit.whole_segment:
            continue
        if unit.section in ("complaints", "other") and (
            unit.section == "complaints" or _COMPLAINT_CUE.search(unit.text)
        ):
            _complaints(unit, visit)
        if unit.section == "findings" or (unit.section == "other" and _EXAM_CUE.search(unit.text)):
            _findings(unit, visit)
        if unit.section in ("plan", "request", "other"):
            verb = _verb(unit)
            if verb is None:  # unlabelled narrative with no treatment verb: not a plan
                continue
            for item, span in treatments(unit.text):
                if assertion_of(unit.text, span) is Assertion.AFFIRMED:
                    visit.treatments.setdefault(verb, {}).setdefault(item, unit)
        if visit.work is None and unit.section in ("work", "plan", "other"):
            visit.work = _work(unit)
    if visit.work and visit.work[0] == OFF_WORK + ".":
        # "Off work. Temporarily totally disabled until..." states TTD in the next sentence.
        work_unit = visit.work[1]
        for unit in record.units:
            if (
                unit.label == work_unit.label
                and unit.page == work_unit.page
                and not (unit.whole_segment)
                and TEMPORARY_TOTAL_DISABILITY.search(unit.text)
            ):
                visit.work = (f"{OFF_WORK}, on temporary total disability.", work_unit)
                visit.extra_work_unit = unit
                break
    return visit


def _complaints(unit: Passage, visit: Visit) -> None:
    for match in _SYMPTOM.finditer(unit.text):
        phrase = lower_phrase(match.group(0))
        if phrase.startswith("pain "):
            phrase = re.sub(r"^pain (?:in|of|involving) (?:the |his |her )?", "", phrase) + " pain"
        assertion = assertion_of(unit.text, match.span())
        if assertion is Assertion.AFFIRMED:
            visit.complaints.setdefault(phrase, unit)
        elif assertion is Assertion.NEGATED:
            visit.denied.setdefault(phrase, unit)
    score = PAIN_SCORE.search(unit.text)
    if score and visit.pain_score is None:
        visit.pain_score = (score.group(0).replace(" ", ""), unit)


def _findings(unit: Passage, visit: Visit) -> None:
    taken: list[tuple[int, int]] = []
    for finding in _FINDINGS:
        for match in finding.pattern.finditer(unit.text):
            if any(not (match.end() <= a or match.start() >= b) for a, b in taken):
                continue
            taken.append(match.span())
            assertion = assertion_of(unit.text, match.span())
            negative = assertion is Assertion.NEGATED or bool(
                re.search(r"\bnegative\b", unit.text[match.end() : match.end() + 30], re.I)
            )
            if assertion is Assertion.UNCERTAIN:
                continue
            phrase = lower_phrase(match.group(0))
            if finding.polar:
                turned = re.match(r"(.+?) (?:is |was |were )?(positive|negative)$", phrase)
                wording = f"{turned.group(2)} {turned.group(1)}" if turned else phrase
                visit.findings.setdefault(wording, unit)
                continue
            absent, present = finding.absent or f"no {phrase}", finding.present or phrase
            wording = absent if negative else present
            if wording == "limited range of motion":
                region = re.search(r"lumbar|cervical|thoracic|shoulder|knee|hip|wrist", phrase)
                wording = f"limited {region.group(0)} range of motion" if region else wording
            visit.findings.setdefault(wording, unit)


def _work(unit: Passage) -> tuple[str, Passage] | None:
    found = work_status(unit.text)
    if found is None:
        return None
    status = found[0]
    if status == "off_work":
        ttd = (
            ", on temporary total disability"
            if TEMPORARY_TOTAL_DISABILITY.search(unit.text)
            else ""
        )
        return f"{OFF_WORK}{ttd}.", unit
    if status == "modified_duty":
        return "Modified duty was recommended.", unit
    if FULL_DUTY.search(unit.text):
        return "The applicant was working full duty.", unit
    return "The applicant was working.", unit
