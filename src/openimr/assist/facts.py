"""Case facts from the clinical case summary, each with the sentence it came from.

The guideline criteria (MTUS, 8 CCR 9792.20 et seq.) ask a small set of questions of the record:
how long since the injury (phase of care), what was tried and whether it helped, whether
"functional improvement" (8 CCR 9792.20(f)) is documented, work status, red flags, neurological
findings, imaging, surgery, and opioid monitoring. This module answers those questions with
regular expressions plus the ConText assertion scope of `openimr.assist.context`, and keeps
the quoted sentence for every answer so the reviewer can check it.

A fact's `value` is True (asserted), False (negated: "no documentation of…", "denies…") or None
(uncertain: "rule out…", "possible…"). Absent facts are simply missing: the criteria engine then
reports the criterion as `insufficient` rather than guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from openimr.assist import treatment_facts
from openimr.assist.context import (
    Assertion,
    Sentence,
    assertion_of,
    normalise_text,
    split_sentences,
)
from openimr.assist.dates import DATE, date_from_match, parse_date
from openimr.assist.lexicon import (
    AGE,
    AREA_OF_EVIDENCE_REGION,
    COUNT_WORDS,
    PAIN_WORDS,
    REGIONS,
    age_of,
    body_regions,
    drug_use_patterns,
    pain_scores,
    rx,
    work_status,
)
from openimr.assist.regions import speaks_for
from openimr.evidence.phase import POSTSURGICAL_WEEKS, is_chronic, phase_of_care


@dataclass(frozen=True)
class Fact:
    """One answer about the record, with the sentence that gives it."""

    name: str
    value: bool | float | str | None
    assertion: Assertion
    evidence: str

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "value": self.value,
            "assertion": self.assertion.value,
            "evidence": self.evidence,
        }


@dataclass
class CaseFacts:
    """Every fact found in one record, keyed by fact name, mentions in text order."""

    mentions: dict[str, list[Fact]] = field(default_factory=dict)
    resolved: dict[str, Fact] = field(default_factory=dict)
    substantive: bool = False  # the record says enough for silence to mean "not documented"
    sentences: tuple[Sentence, ...] = ()  # the record's sentences (item-specific rules reread them)

    def get(self, name: str) -> Fact | None:
        return self.resolved.get(name)

    def value(self, name: str) -> bool | float | str | None:
        fact = self.resolved.get(name)
        return None if fact is None else fact.value

    def values(self) -> dict[str, bool | float | str]:
        """Known facts only (uncertain or absent facts are left out: the engine sees them as
        unknown and reports `insufficient`)."""
        return {k: f.value for k, f in self.resolved.items() if f.value is not None}

    def add(self, fact: Fact) -> None:
        self.mentions.setdefault(fact.name, []).append(fact)


@dataclass(frozen=True)
class _Concept:
    """A yes/no concept: a pattern, and which reading wins when mentions disagree.

    `prefer="negated"` for documentation criteria: one explicit "no functional improvement
    was documented" outweighs a vague positive elsewhere, the way reviewers read the record.
    """

    name: str
    pattern: re.Pattern[str]
    prefer: Assertion = Assertion.AFFIRMED


_FUNCTION_WORDS = (
    r"(?:function(?:al|ality|ing)?|activities of daily living|ADLs?|walking|sitting|standing|"
    r"sleep|daily activities|work|activity tolerance)"
)
# Drug use (NSAIDs, benzodiazepines, first-line neuropathic agents, opioids): the drug data's
# spellings, by class (lexicon.drug_use_patterns).
_DRUG_USE = drug_use_patterns()
_CONCEPTS: tuple[_Concept, ...] = (
    _Concept(
        "functional_improvement_documented",
        rx(
            r"functional (?:improvement|gains?|benefit|restoration progress)|"
            r"improve(?:ment|ments|d)? (?:in|of) (?:\w+ ){0,2}" + _FUNCTION_WORDS + r"|"
            r"(?:improved|increased|better) (?:\w+ ){0,2}" + _FUNCTION_WORDS + r"|"
            r"(?:able|ability) to (?:perform|do|tolerate|walk|sit|stand|work)(?: more)?|"
            r"(?:gains?|improvement) in (?:range of motion|strength|mobility)"
        ),
        Assertion.NEGATED,
    ),
    _Concept(
        "pain_relief_documented",
        rx(
            r"(?:pain|symptom)s? relief|relief of (?:pain|symptoms)|"
            r"(?:reduc|decreas|diminish|lessen)(?:ed|es|tion|ing|e)? (?:in |of |the |her |his )*"
            r"(?:pain|symptoms)|decrement in pain|analgesi[ac] (?:benefit|effect)|"
            r"(?:helpful|beneficial|effective|helped|helps|benefit(?:ed)? from)|"
            r"\d{2,3}\s?% (?:relief|improvement|reduction)"
        ),
        Assertion.NEGATED,
    ),
    _Concept(
        "red_flags",
        rx(
            r"red[- ]flags?|cauda equina|bowel (?:or|and|/) bladder|saddle anesthesia|"
            r"(?:suspected |possible )?(?:fracture|tumou?r|malignancy|cancer|infection|"
            r"progressive neurologic(?:al)? deficits?)|"
            # ACOEM knee and ankle chapters: inability to bear weight suggests a fracture.
            r"(?:unable to|inability to|could not|cannot) bear weight"
        ),
    ),
    _Concept(
        "radiculopathy",
        # signs on examination (or the diagnosis itself), not symptoms: pain "radiating to the
        # thigh" or "sciatica" is the worker's complaint, and reviewers ask for objective signs
        rx(
            r"radiculopathy|"
            r"positive (?:straight[- ]leg[- ]rais\w*|SLR|Spurling\w*)|dermatomal|"
            # the same signs written finding-first: "straight leg raise was positive"
            r"(?:straight[- ]leg[- ]rais\w*|\bSLR\b|Spurling\w*)(?:'s)?(?: test| sign| maneuver)?"
            r" (?:is |was |were )?positive"
        ),
    ),
    _Concept(
        "focal_neurologic_deficit",
        rx(
            # findings on examination; numbness or tingling the worker reports is a symptom
            r"(?:decreased|diminished|reduced|altered|"
            r"absent) (?:\w+ ){0,2}(?:sensation|sensory|reflex(?:es)?|strength)|hyporeflexia|"
            r"(?:motor|muscle|focal) weakness|positive (?:Tinel\w*|Phalen\w*)|"
            r"neurologic(?:al)? (?:deficits?|findings|compromise)|"
            r"nerve (?:root )?(?:compromise|impingement|compression)"
        ),
    ),
    _Concept(
        "radiculopathy_corroborated",
        rx(
            r"radiographically confirmed|(?:MRI|EMG|electrodiagnostic|nerve conduction|CT)"
            r"[^.]{0,80}(?:radiculopathy|nerve root (?:impingement|compression)|"
            r"neuroforaminal (?:stenosis|narrowing)|foraminal (?:stenosis|narrowing)|"
            r"disc (?:herniation|protrusion|extrusion))"
        ),
    ),
    _Concept(
        "internal_derangement_suspected",
        rx(
            r"\btears?\b|instability|locking|catching|giv(?:es|ing) way|mechanical symptoms|"
            # joint line tenderness is the examination sign of a meniscal tear (knee)
            r"joint line tenderness|tenderness (?:\w+ ){0,3}joint line|"
            r"effusion|subluxation|dislocation|positive (?:McMurray|Lachman|drawer|impingement|"
            r"Neer|Hawkins|Speed|Yergason|O'?Brien|apprehension)\w*|"
            r"(?:McMurray|Lachman|drawer|Neer|Hawkins|Speed|Yergason|O'?Brien|apprehension)"
            r"(?:'s)? (?:test |sign )?(?:is |was |were )?positive"
        ),
    ),
    _Concept(
        "significant_change_in_symptoms",
        rx(
            # "pain worsens with standing" names an aggravating factor, not a change over time
            r"worsen(?:s|ed|ing)?\b(?!\s+(?:with|by|when|on|upon|during|if|while|after)\b)|"
            r"deteriorat\w*|"
            r"increas(?:e|es|ed|ing) (?:in )?(?:pain|symptoms|numbness|weakness)\b"
            r"(?!\s+(?:with|by|when|on|upon|during|if|while|after)\b)|"
            r"new (?:onset|symptoms|complaints|injury|findings)|significant change|progressive"
        ),
    ),
    _Concept(
        "progressive_neurologic_deficit",
        rx(r"progressive (?:neurologic\w*|weakness|numbness|deficits?|myelopathy)|myelopathy"),
    ),
    _Concept(
        "instability_fracture_deformity",
        rx(r"instability|spondylolisthesis|fracture|scoliosis|deformity|listhesis"),
    ),
    _Concept("plateau_after_therapy", rx(r"plateau\w*")),
    _Concept(
        "work_goal_defined",
        rx(
            r"return[- ]to[- ]work (?:goal|plan)|job (?:offer|description|to return to)|"
            r"(?:goal|plan) (?:is |of )?(?:to )?return(?:ing)? to work"
        ),
    ),
    _Concept(
        "homebound",
        rx(
            r"homebound|home-?bound|bed-?bound|confined to (?:the )?home|"
            # cannot leave the bed or home without help (CMS homebound sense)
            r"(?:not able|unable) to (?:transfer|ambulate|walk|get out of bed) independently|"
            r"not safe (?:to (?:go|return|be discharged) )?(?:for )?home|"
            r"requir\w+ (?:\w+ )?assistance (?:with|for) (?:transfers|ambulation|mobility)"
        ),
    ),
    _Concept(
        "weight_bearing_limited",
        rx(
            r"(?:morbid(?:ly)?|extreme(?:ly)?) obes\w+|non-?weight[- ]bearing|"
            r"BMI (?:of )?(?:3[5-9]|[4-6]\d)|unable to (?:bear weight|tolerate land)"
        ),
    ),
    _Concept(
        "electrodiagnostic_confirmed",
        rx(
            r"(?:EMG|NCS|NCV|electrodiagnostic|nerve conduction)[^.]{0,60}"
            r"(?:confirm\w*|consistent with|showed|revealed|demonstrated|positive)"
        ),
    ),
    _Concept(
        "pain_medication_reduced_or_not_tolerated",
        rx(
            r"(?:intoleran\w+|unable to tolerate|did not tolerate|not tolerate) "
            r"(?:\w+ ){0,3}(?:medications?|NSAIDs?|opioids?)|"
            r"(?:reduc|wean|taper)\w* (?:\w+ ){0,3}(?:medications?|opioids?|analgesics?)"
        ),
    ),
    _Concept("motivated_to_change", rx(r"motivated|motivation")),
    _Concept(
        "successful_trial",
        rx(
            r"successful trial|trial (?:was|of \w+ was) successful|"
            r"benefit\w* from (?:the |a )?trial"
        ),
    ),
    _Concept("psych_clearance", rx(r"psycholog\w+ (?:clearance|cleared|evaluation cleared)")),
    _Concept("acute_exacerbation", rx(r"flare(?:-?ups?)?|exacerbation")),
    _Concept("nsaid_use", _DRUG_USE["nsaid_use"]),
    _Concept("benzodiazepine_use", _DRUG_USE["benzodiazepine_use"]),
    _Concept(
        "first_line_neuropathic_agents_tried", _DRUG_USE["first_line_neuropathic_agents_tried"]
    ),
    _Concept(
        "neuropathic_pain",
        rx(
            r"neuropath(?:ic|y)|radiculopathy|radicular|CRPS|complex regional pain|"
            r"reflex sympathetic|postherpetic|neuralgia|burning pain"
        ),
    ),
    _Concept(
        "prior_imaging",
        rx(
            r"\b(?:MRI|MR imaging|magnetic resonance|CT scan|CAT scan|x-?rays?|radiographs?|"
            r"radiographic(?:ally)?|bone scan|ultrasound|EMG|NCS|NCV|electrodiagnostic)"
            r"(?: \w+){0,6} (?:dated|of|revealed|showed|demonstrated|noted|was|were|"
            r"performed|confirmed|read|on)\b|radiographically confirmed"
        ),
    ),
    _Concept(
        "surgery_planned",
        rx(
            r"(?:pending|planned|scheduled|upcoming|proposed|awaiting|candidate for|"
            r"consider(?:ing|ed)?|pursue|pursuing|authoriz\w+ for|request(?:ed)? for) "
            r"(?:\w+ ){0,4}(?:surgery|surgical|arthroscop\w+|fusion|discectomy|"
            r"laminectomy|decompression|arthroplasty|replacement|release|repair)|"
            r"surgery (?:was|is|has been) (?:scheduled|planned|authorized|approved|recommended)|"
            # an evaluation for a surgery means the surgery is being considered
            r"(?:evaluat\w*|consult\w*|assess\w*) for (?:possible |a |an |the )?(?:\w+ ){0,3}"
            r"(?:surgery|surgical|fusion|discectomy|arthroplasty|replacement|decompression)|"
            r"surgical (?:consult\w*|evaluation|candidate|opinion)|"
            r"(?:pre-?operative|preop)"
        ),
    ),
    _Concept(
        "surgery_past",
        rx(
            r"status[- ]post|\bs/p\b|post-?operative(?:ly)?|post-?surgical|"
            r"(?:underwent|had undergone|has undergone|had|prior|previous|earlier) (?:\w+ ){0,4}"
            r"(?:surgery|arthroscop\w+|fusion|discectomy|laminectomy|decompression|"
            r"arthroplasty|replacement|release|repair|ORIF|hemilaminotomy|microdiscectomy)"
        ),
    ),
    _Concept(
        "urine_drug_screen_done",
        rx(
            r"urine drug (?:screens?|tests?|testing|toxicology)|\bUDS\b|\bUDT\b|"
            r"drug (?:screens?|testing)|toxicology (?:screens?|testing|reports?)|urine toxicology"
        ),
    ),
    _Concept("cures_checked", rx(r"\bCURES\b|prescription drug monitoring|\bPDMP\b|\bPMP\b")),
    _Concept(
        "opioid_agreement",
        rx(r"(?:opioid|pain|narcotic|medication) (?:agreement|contract)"),
    ),
    _Concept(
        "aberrant_behaviour",
        rx(
            r"aberrant|drug[- ]seeking|inconsistent (?:urine|drug|UDS|results)|"
            r"(?:misuse|diversion|abuse) of|doctor shopping|early refills?"
        ),
    ),
    _Concept(
        "side_effects",
        rx(r"side[- ]effects?|adverse effects?|sedation|constipation|drowsiness|dizziness"),
    ),
    _Concept(
        "gi_risk_factors",
        rx(
            r"\bGERD\b|gastritis|gastro-?esophageal reflux|dyspepsia|heartburn|reflux|"
            r"(?:GI|gastrointestinal|stomach) (?:upset|distress|symptoms|bleed\w*|issues|"
            r"complaints|irritation|side effects)|peptic ulcer|ulcers?\b|epigastric"
        ),
    ),
    _Concept(
        "insomnia_documented",
        rx(
            r"insomnia|sleep (?:disturbance|disorder|difficult\w*|problems|issues|disruption)|"
            r"difficulty (?:sleeping|falling asleep|staying asleep)|trouble sleeping"
        ),
    ),
    _Concept(
        "mental_health_symptoms",
        rx(r"depress\w+|anxiety|psychological|psychiatric|PTSD|post-?traumatic stress"),
    ),
    _Concept(
        "osteoarthritis", rx(r"osteoarthritis|arthrosis|degenerative joint disease|\bDJD\b|\bOA\b")
    ),
    _Concept(
        "myofascial_trigger_points",
        rx(r"trigger points?|twitch response|myofascial"),
    ),
    _Concept("home_exercise_program", rx(r"home exercise(?: program(?:me)?)?|\bHEP\b")),
    _Concept(
        "prior_physical_therapy",
        rx(r"physical therapy|\bPT\b|physiotherapy|occupational therapy"),
    ),
    _Concept("prior_chiropractic", rx(r"chiropract\w+|manipulation")),
    _Concept("prior_acupuncture", rx(r"acupuncture")),
    _Concept(
        "prior_injections",
        rx(
            r"(?:epidural|facet|trigger point|steroid|cortisone|corticosteroid|"
            r"medial branch|joint) (?:steroid )?(?:injections?|blocks?)|\bESIs?\b"
        ),
    ),
    _Concept("on_opioids", _DRUG_USE["on_opioids"]),
)

# Yes/no facts that the requesting physician must document (see extract_facts).
CLOSED_WORLD_FACTS: tuple[str, ...] = (
    *(c.name for c in _CONCEPTS if c.name != "prior_imaging"),
    "prior_conservative_care_failed",
    "prior_imaging_same_region",
)

# Treatments whose effect matters to the criteria (trial must fail before the next step).
_TREATMENT_FAILED = rx(
    r"(?:failed|failure of|failing|unsuccessful|ineffective|exhausted|no (?:relief|benefit|"
    r"improvement) (?:from|with)|without (?:relief|benefit|improvement)|did not (?:help|"
    r"improve|provide)|not (?:helpful|beneficial|effective)|refractory to|despite|minimal "
    r"(?:relief|benefit|improvement)|temporary relief|plateaued|limited (?:relief|benefit))"
)
_CONSERVATIVE = rx(
    r"conservative (?:care|treatment|management|therapy|measures)|physical therapy|"
    r"medications?|NSAIDs|chiropract\w+|acupuncture|injections?|home exercise|bracing|rest|"
    r"activity modification|time"
)

_PERCENT_RELIEF = rx(
    r"(\d{1,3})\s?(?:%|percent) (?:pain )?(?:relief|improvement|reduction|decrease)"
)
# "12 sessions of physical therapy", "six physical therapy visits", "twelve (12) PT sessions"
_VISITS_DONE = rx(
    r"\b(\d{1,2}|" + "|".join(sorted(COUNT_WORDS, key=len, reverse=True)) + r")"
    r"(?: \(\d{1,2}\))? (?:prior |previous |completed |sessions? of |visits? of |treatments? of )*"
    r"(?:sessions?|visits?|treatments?)? ?(?:of )?(?:post-?operative |postoperative |"
    r"post-?surgical |additional |formal )?(physical therapy|PT|physiotherapy|"
    r"chiropractic(?: manipulative)?(?: therapy| treatment)?|acupuncture|massage|"
    r"occupational therapy|aquatic therapy)"
)
_PREAMBLE = rx(r"^.{0,40}developed the following clinical case summary[^:]*:\s*")


def _count(word: str) -> float:
    return float(word) if word.isdigit() else float(COUNT_WORDS[word.lower()])


def _therapy_key(name: str) -> str:
    lowered = name.lower()
    if lowered.startswith(("physical", "pt", "physio", "occupational", "aquatic")):
        return "physical_therapy"
    if lowered.startswith("chiro"):
        return "chiropractic"
    return lowered.split()[0]


_INJURY_DATE = rx(r"(?:injury|injured|accident|date of injury)\D{0,30}?(?:of|on|dated)? ?")
_RETRO = rx(r"retrospective|retro\b|\bDOS\b|date of service|dispensed on|dispensed")


def _iso(value: str | date | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return datetime.strptime(value[:10], "%Y-%m-%d").date()
    except ValueError:
        return None


def extract_facts(
    summary: str,
    *,
    date_of_injury: str | date | None = None,
    request_date: str | date | None = None,
    item_description: str | None = None,
    item_region: str | None = None,
    drug_ingredients: tuple[str, ...] = (),
) -> CaseFacts:
    """Answer the criteria's questions from the clinical case summary (8 CCR 9792.20 terms).

    `date_of_injury` and `request_date` (UR decision or request date) come from the case file
    when known; otherwise they are read from the summary. `item_description` adds the item's own
    facts (retrospective request); `item_region` (an evidence region id such as
    "lumbar-spine") decides whether earlier imaging was of the same region.

    A yes/no fact the requester must document that a substantive summary never mentions is
    recorded False with assertion `not_documented` (IMR reads silence in the complete record
    as "not documented"); a thin summary leaves it unknown, so criteria come out
    `insufficient` rather than guessed. `drug_ingredients` (the normalised item's) lets
    `medication_duration_weeks` find the requested drug in the record.
    """
    request = _iso(request_date)
    record = _read_record(summary or "", _iso(date_of_injury), request)
    facts = CaseFacts(
        mentions={k: list(v) for k, v in record.mentions.items()},
        resolved=dict(record.resolved),
        substantive=record.substantive,
        sentences=record.sentences,
    )
    if drug_ingredients and item_description:
        _set(
            facts,
            treatment_facts.medication_duration(
                record.sentences,
                treatment_facts.drug_names(drug_ingredients, item_description),
                request,
                parse_date,
                lambda text: bool(_REQUEST_SENTENCE.search(text)),
                record.substantive,
            ),
        )
    if item_description and _RETRO.search(item_description):
        facts.resolved["retrospective_request"] = Fact(
            "retrospective_request", True, Assertion.AFFIRMED, item_description.strip()
        )
    _same_region_imaging(facts, item_region)
    _scope_to_region(facts, item_region)
    if record.substantive:
        for name in CLOSED_WORLD_FACTS:
            if name not in facts.resolved:
                facts.resolved[name] = Fact(name, False, Assertion.NOT_DOCUMENTED, "")
    return facts


@lru_cache(maxsize=64)
def _read_record(summary: str, injury: date | None, request: date | None) -> CaseFacts:
    """The item-independent facts of one record (cached: a case has several items)."""
    text = _PREAMBLE.sub("", normalise_text(summary))
    sentences = split_sentences(text)
    facts = CaseFacts()
    for sentence in sentences:
        _concept_facts(sentence, facts)
        _work_facts(sentence, facts)
        _pain_scores(sentence, facts)
        _treatment_effects(sentence, facts)
    _resolve(facts)
    _date_facts(sentences, facts, injury, request)
    _treatment_history(sentences, facts)
    facts.sentences = tuple(sentences)
    age = AGE.search(text)
    if age:
        facts.resolved["age"] = Fact(
            "age", float(age_of(age)), Assertion.AFFIRMED, _around(text, age)
        )
    regions = body_regions(text)
    if regions:
        facts.resolved["body_regions"] = Fact(
            "body_regions", ",".join(regions), Assertion.AFFIRMED, ""
        )
    facts.substantive = len(text.split()) >= SUBSTANTIVE_WORDS
    return facts


def _set(facts: CaseFacts, found: treatment_facts.Found | None) -> None:
    if found is not None:
        facts.resolved[found.name] = Fact(found.name, found.value, found.assertion, found.evidence)


def _treatment_history(sentences: list[Sentence], facts: CaseFacts) -> None:
    """Surgery type and certification, block results, injection relief (treatment_facts)."""
    past = [m.evidence for m in facts.mentions.get("surgery_past", []) if m.value is True]
    _set(facts, treatment_facts.surgery_type(past))
    _set(
        facts,
        treatment_facts.primary_procedure([s.text for s in sentences], past[-1] if past else None),
    )
    history = [s for s in sentences if not _REQUEST_SENTENCE.search(s.text)]
    _set(facts, treatment_facts.diagnostic_block(history))
    _set(facts, treatment_facts.relief_duration(history))


# A summary shorter than this says too little for silence to mean "not documented".
SUBSTANTIVE_WORDS = 60

# Findings that belong to a body region: an item sees only those of its own region
# (openimr.assist.regions). Nerve findings use the spinal segment and its limb; derangement
# findings use the joint.
_NEURO_FACTS = (
    "radiculopathy",
    "focal_neurologic_deficit",
    "progressive_neurologic_deficit",
    "radiculopathy_corroborated",
)
_JOINT_FACTS = ("internal_derangement_suspected",)


def _scope_to_region(facts: CaseFacts, item_region: str | None) -> None:
    """Re-resolve the region-bound findings from the sentences that may speak for the item's
    region; with none left the finding is not documented for that region."""
    if not item_region:
        return
    preference = {c.name: c.prefer for c in _CONCEPTS}
    for names, joint in ((_NEURO_FACTS, False), (_JOINT_FACTS, True)):
        for name in names:
            mentions = facts.mentions.get(name)
            if not mentions:
                continue
            kept = [m for m in mentions if speaks_for(m.evidence, item_region, joint=joint)]
            if kept:
                facts.resolved[name] = _choose(kept, preference.get(name, Assertion.AFFIRMED))
            else:
                facts.resolved.pop(name, None)  # the closed-world rule may fill it below


def _same_region_imaging(facts: CaseFacts, item_region: str | None) -> None:
    """prior_imaging_same_region: an earlier study mentioned for the item's region."""
    pattern = REGIONS.get(AREA_OF_EVIDENCE_REGION.get(item_region or "", ""))
    for mention in facts.mentions.get("prior_imaging", []):
        if mention.value is True and (pattern is None or pattern.search(mention.evidence)):
            facts.resolved["prior_imaging_same_region"] = Fact(
                "prior_imaging_same_region", True, Assertion.AFFIRMED, mention.evidence
            )
            return


# Sentences about the request or the UR decision name what is asked for, not what was done:
# "a request for lumbar facet injections" is no evidence of prior injections.
_REQUEST_SENTENCE = rx(
    r"utilization review|\bUR\b|claims administrator|request\w*|\bRFA\b|authoriz\w+|"
    r"non-?certif\w+|denied|appeal\w*|recommend\w*|(?:treatment )?plan\w*|"
    r"would like|will (?:start|begin|undergo|continue)|order(?:ed|ing)|referr\w+|"
    r"pending|proposed|intent on|pursu\w+"
)
_HISTORY_FACTS = frozenset(
    {
        "prior_physical_therapy",
        "prior_chiropractic",
        "prior_acupuncture",
        "prior_injections",
        "surgery_past",
        "prior_imaging",
        "prior_conservative_care_failed",
    }
)


def _around(text: str, match: re.Match[str]) -> str:
    """The sentence around a match, for evidence quotes found on the whole text."""
    begin = text.rfind(". ", 0, match.start()) + 2 if text.rfind(". ", 0, match.start()) >= 0 else 0
    end = text.find(". ", match.end())
    return text[begin : end + 1 if end >= 0 else len(text)]


def _concept_facts(sentence: Sentence, facts: CaseFacts) -> None:
    about_request = bool(_REQUEST_SENTENCE.search(sentence.text))
    for concept in _CONCEPTS:
        if about_request and concept.name in _HISTORY_FACTS:
            continue
        for match in concept.pattern.finditer(sentence.text):
            assertion = assertion_of(sentence.text, match.span())
            value = {Assertion.AFFIRMED: True, Assertion.NEGATED: False}.get(assertion)
            facts.add(Fact(concept.name, value, assertion, sentence.text))
            break  # one mention per sentence is enough evidence


def _work_facts(sentence: Sentence, facts: CaseFacts) -> None:
    found = work_status(sentence.text)
    if found is not None:
        facts.add(Fact("work_status", found[0], Assertion.AFFIRMED, sentence.text))


def _pain_scores(sentence: Sentence, facts: CaseFacts) -> None:
    if not PAIN_WORDS.search(sentence.text):
        return
    for score in pain_scores(sentence.text):
        facts.add(Fact("pain_score", score, Assertion.AFFIRMED, sentence.text))


def _treatment_effects(sentence: Sentence, facts: CaseFacts) -> None:
    if _REQUEST_SENTENCE.search(sentence.text):
        return
    percent = _PERCENT_RELIEF.search(sentence.text)
    if percent and assertion_of(sentence.text, percent.span()) is Assertion.AFFIRMED:
        facts.add(
            Fact("pain_relief_percent", float(percent.group(1)), Assertion.AFFIRMED, sentence.text)
        )
    for visits in _VISITS_DONE.finditer(sentence.text):
        therapy = _therapy_key(visits.group(2))
        facts.add(
            Fact(f"visits_{therapy}", _count(visits.group(1)), Assertion.AFFIRMED, sentence.text)
        )
    if _TREATMENT_FAILED.search(sentence.text) and _CONSERVATIVE.search(sentence.text):
        facts.add(Fact("prior_conservative_care_failed", True, Assertion.AFFIRMED, sentence.text))


def _resolve(facts: CaseFacts) -> None:
    preference = {c.name: c.prefer for c in _CONCEPTS}
    for name, mentions in facts.mentions.items():
        if name == "pain_score" or name.startswith("visits_") or name == "pain_relief_percent":
            facts.resolved[name] = mentions[-1]  # the latest visit in a dated narrative
            continue
        if name == "work_status":
            facts.resolved[name] = mentions[-1]
            continue
        facts.resolved[name] = _choose(mentions, preference.get(name, Assertion.AFFIRMED))
    if "work_status" in facts.resolved:
        status = facts.resolved["work_status"]
        facts.resolved["return_to_work"] = Fact(
            "return_to_work", status.value == "working", status.assertion, status.evidence
        )


def _choose(mentions: list[Fact], prefer: Assertion) -> Fact:
    """The mention that decides a yes/no concept: the preferred reading, else any certain one."""
    chosen = next((m for m in mentions if m.assertion is prefer), None)
    if chosen is None:
        chosen = next((m for m in mentions if m.assertion is not Assertion.UNCERTAIN), None)
    return chosen or mentions[0]


def _date_facts(
    sentences: list[Sentence],
    facts: CaseFacts,
    injury: date | None,
    request: date | None,
) -> None:
    injury_evidence = ""
    for sentence in sentences:
        mention = _INJURY_DATE.search(sentence.text)
        if not mention:
            continue
        found = DATE.search(sentence.text, mention.start())
        if found:
            if injury is None:
                injury = date_from_match(found)
            injury_evidence = sentence.text
            break
    if request is None:
        for sentence in sentences:
            if re.search(r"utilization review", sentence.text, re.IGNORECASE):
                request = parse_date(sentence.text)
                if request:
                    break
    if injury is not None:
        facts.resolved["date_of_injury"] = Fact(
            "date_of_injury", injury.isoformat(), Assertion.AFFIRMED, injury_evidence
        )
    weeks: float | None = None
    if injury is not None and request is not None and request >= injury:
        weeks = (request - injury).days / 7
        facts.resolved["duration_weeks_since_injury"] = Fact(
            "duration_weeks_since_injury", round(weeks, 1), Assertion.AFFIRMED, injury_evidence
        )
    surgery = facts.resolved.get("surgery_past")
    recent = False
    if surgery is not None and surgery.value is True:
        when = parse_date(surgery.evidence)
        if when is not None and request is not None and request >= when:
            weeks_after = (request - when).days / 7
            facts.resolved["weeks_since_surgery"] = Fact(
                "weeks_since_surgery", round(weeks_after, 1), Assertion.AFFIRMED, surgery.evidence
            )
            recent = weeks_after <= POSTSURGICAL_WEEKS
        facts.resolved["post_operative"] = Fact(
            "post_operative", True, Assertion.AFFIRMED, surgery.evidence
        )
    phase = phase_of_care(weeks, post_operative=recent)
    if phase is not None:
        evidence = surgery.evidence if recent and surgery else injury_evidence
        facts.resolved["phase"] = Fact("phase", phase.value, Assertion.AFFIRMED, evidence)
    if weeks is not None:
        facts.resolved["chronic_pain"] = Fact(
            "chronic_pain", is_chronic(weeks), Assertion.AFFIRMED, injury_evidence
        )
