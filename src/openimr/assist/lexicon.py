"""The words assist reads case records with: one pattern per idea, shared by every reader.

The record readers — the criteria facts (`facts`, `treatment_facts`), the region scope of a
finding (`regions`) and the case-summary drafter (`visits`, `summary`) — ask the same small
questions of the same text: which body region a sentence names, the worker's work status,
a pain score, the worker's age, which drugs are named. Each question has one pattern here,
so the readers cannot drift apart (style.md, "Second look": a second copy of a pattern is a
bug waiting to drift). Drug names are not listed here: they come from the evidence package's
drug data (`evidence/data/drugs.yaml`), the same names the item normaliser uses, chosen by the
drug's category or ingredient; no other assist module spells one out
(tests/unit/test_one_source_of_truth.py).

Patterns are compiled case-insensitive. Dates are read by `assist.dates`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from functools import cache, partial
from pathlib import Path

from openimr.assist.context import Assertion, assertion_of
from openimr.datafile import StrictModel, load_model
from openimr.domain.errors import RuleDataError
from openimr.evidence.vocab import DrugEntry, load_drugs


def rx(pattern: str) -> re.Pattern[str]:
    """A case-insensitive pattern: records write "Lumbar", "lumbar" and "LUMBAR"."""
    return re.compile(pattern, re.IGNORECASE)


# -- body regions -----------------------------------------------------------------------------

# The body areas a record names, in the order that breaks ties between equally named areas.
# Spinal levels count for their segment ("L5-S1", "C5"); `leg` and `arm` are the limbs the
# spinal nerve roots supply (`regions.NEURO_AREAS` pairs each segment with its limb).
REGIONS: dict[str, re.Pattern[str]] = {
    "lumbar": rx(r"lumbar|low(?:er)? back|lumbosacral|\bLBP\b|sciatica|\bL[1-5]\b|\bS1\b"),
    "cervical": rx(r"cervical|\bneck\b|\bC[2-8]\b"),
    "thoracic": rx(r"thoracic|mid[- ]back|upper back|\bT\d{1,2}\b"),
    "shoulder": rx(r"shoulders?|rotator cuff|glenohumeral|acromio\w+"),
    "knee": rx(r"knees?|menisc\w+|patell\w+|\bACL\b|\bMCL\b"),
    "hip": rx(r"\bhips?\b|groin|pelvi\w+"),
    "wrist_hand": rx(r"wrists?|\bhands?\b|fingers?|thumbs?|carpal|\bCTS\b"),
    "elbow": rx(r"elbows?|epicondyl\w+|cubital"),
    "ankle_foot": rx(r"ankles?|\bfoot\b|\bfeet\b|toes?|plantar|heels?|achilles"),
    "head": rx(r"\bhead\b|headaches?|concussion|migraine|brain"),
    "leg": rx(
        r"\blegs?\b|lower (?:extremit|limb)\w*|thighs?|\bcalf\b|calves|buttocks?|gluteal|sciatic\w*"
    ),
    "arm": rx(r"\barms?\b|upper (?:extremit|limb)\w*|forearms?"),
}
# Not a body area, but a part of the claim the record lists beside them.
PSYCH = rx(r"depress\w+|anxiety|psychiatric|PTSD")

# Evidence region ids (evidence/data/categories.yaml) -> the area of the same name above.
AREA_OF_EVIDENCE_REGION: dict[str, str] = {
    "lumbar-spine": "lumbar",
    "cervical-spine": "cervical",
    "thoracic-spine": "thoracic",
    "shoulder": "shoulder",
    "knee": "knee",
    "hip-pelvis": "hip",
    "forearm-wrist-hand": "wrist_hand",
    "elbow": "elbow",
    "ankle-foot": "ankle_foot",
    "head": "head",
}

# The side a region phrase may open with: "left", "right", "bilateral".
SIDE = r"(?:(?:left|right|bilateral)\s+)?"
# A motion segment of the lumbar spine as diagnoses write it: "L4-L5", "L5-S1".
LUMBAR_SEGMENT = r"\bL\d-[LS]\d\b"

# A region as complaint phrases write it: "left shoulder", "low back", "bilateral knees".
REGION_PHRASE = (
    SIDE + r"(?:(?:low(?:er)?|upper|mid)[- ])?(?:back|neck|shoulders?|"
    r"arms?|elbows?|wrists?|hands?|hips?|knees?|ankles?|feet|foot|legs?|lumbar|cervical|"
    r"thoracic|jaw|groin|chest|abdominal|pelvic)"
)
# A body part as a diagnosis names it, spine segments whole ("left shoulder", "lumbar spine",
# "L5-S1"): the case summary lists the parts its diagnoses name in these words.
DIAGNOSIS_BODY_PART = rx(
    r"\b" + SIDE + r"(?:lumbar spine|cervical spine|thoracic spine|low back|"
    r"shoulder|knee|wrist|hand|hip|ankle|elbow|neck)s?\b|" + LUMBAR_SEGMENT + r"|lumbar|cervical"
)


def areas_named(text: str) -> set[str]:
    """The body areas a sentence names."""
    return {name for name, pattern in REGIONS.items() if pattern.search(text)}


def body_regions(text: str) -> list[str]:
    """Body areas (and psych) named in the text, most-mentioned first."""
    counts = {name: len(pattern.findall(text)) for name, pattern in REGIONS.items()}
    counts["psych"] = len(PSYCH.findall(text))
    return [name for name, n in sorted(counts.items(), key=lambda kv: -kv[1]) if n]


# -- work status ------------------------------------------------------------------------------

# First match wins, in this order: "not working" must not read as "working".
WORK_STATUS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "off_work",
        rx(
            r"off (?:of )?work|temporar(?:y|ily) totall?y? disab\w+|totally temporarily disab\w+|"
            r"\bTTD\b|not (?:currently )?working|not returned to work|has not (?:returned|worked)|"
            r"unable to work|no longer working|remains? off|on disability|disability leave|"
            r"permanent(?:ly)? (?:and )?(?:totally )?disabled|unemployed|retired"
        ),
    ),
    (
        "modified_duty",
        rx(
            r"modified (?:duty|work)|light duty|restricted duty|work restrictions|"
            r"limitations in place"
        ),
    ),
    (
        "working",
        rx(
            r"returned to (?:full |regular |modified |usual |his |her )*(?:work|duty|duties|job)|"
            r"(?:is|was|remains|continues|continued) (?:\w+ ){0,2}working|full (?:duty|work)|"
            r"regular duty|"
            r"working (?:full[- ]time|part[- ]time|full duty|regular duty)|back at work|"
            r"return(?:ed)? to work"
        ),
    ),
)
TEMPORARY_TOTAL_DISABILITY = rx(r"temporar\w* total\w*|total\w* temporar\w*|\bTTD\b")
FULL_DUTY = rx(r"full duty|regular duty|usual and customary|without restrictions")


def work_status(text: str) -> tuple[str, re.Match[str]] | None:
    """The work status a sentence affirms ("off_work", "modified_duty", "working"), with the
    words that say it; None when it states none or only negates one."""
    for status, pattern in WORK_STATUS:
        match = pattern.search(text)
        if not match:
            continue
        assertion = assertion_of(text, match.span())
        if status == "off_work" and match.group(0).lower().startswith(
            ("not ", "has not", "unable")
        ):
            assertion = Assertion.AFFIRMED  # the negation is part of the phrase itself
        if assertion is Assertion.AFFIRMED:
            return status, match
    return None


# -- pain, age, counts ------------------------------------------------------------------------

# "7/10", "6-7/10", "8 out of 10"; group 1 the score (or the low end), group 2 the high end.
# Never a date: the "3/10" of "reassessed on 3/10/2016" is March 10th, not a pain score.
PAIN_SCORE = rx(
    r"(?<![/\d])\b(\d{1,2}(?:\.\d)?)(?:\s*(?:-|to)\s*(\d{1,2}(?:\.\d)?))?\s*(?:/|out of)\s*10\b"
    r"(?![/\d-])"
)
PAIN_WORDS = rx(r"pain|VAS|visual analog|rated|rating")


def pain_scores(text: str) -> list[float]:
    """Every pain score on the 0-10 scale a sentence gives (a range counts by its high end)."""
    scores = []
    for match in PAIN_SCORE.finditer(text):
        high = float(match.group(2) or match.group(1))
        if high <= 10:
            scores.append(high)
    return scores


# "54-year-old", "54 year old", "Age: 54".
AGE = rx(r"\b(\d{2})[- ]year[- ]old\b|\bage:?\s*(\d{2})\b")


def age_of(match: re.Match[str]) -> int:
    """The age an `AGE` match gives."""
    return int(match.group(1) or match.group(2))


# Numbers written as words in counts of visits and durations ("six sessions", "twelve weeks").
COUNT_WORDS: dict[str, int] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14, "sixteen": 16,
    "eighteen": 18, "twenty": 20, "twenty-four": 24,
}  # fmt: skip
# Vague counts, read where an approximate figure is enough (how long relief lasted).
VAGUE_COUNTS: dict[str, int] = {"several": 3, "a few": 2}


# A renewal or an additional course ("additional PT", "continue Norco", "refills"): it must show
# functional improvement from the earlier one (8 CCR 9792.20(f); 9792.24.1(d) for acupuncture),
# and it is a new request, never a duplicate of the course already authorized.
CONTINUATION = rx(
    r"\b(?:additional|continued|continuing|continue|ongoing|further|more|extra|renewal|refills?|"
    r"repeat|second|third|remaining|x\s?\d+ more)\b"
)


# -- drugs ------------------------------------------------------------------------------------


@cache
def drug_names() -> tuple[str, ...]:
    """Every drug spelling of the evidence drug data (generic, brand, long-acting), longest
    first so that "ms contin" wins over "contin"."""
    names = {
        name.strip().lower()
        for drug in load_drugs()
        for name in (*drug.names, *drug.long_acting_names)
        if name.strip()
    }
    return tuple(sorted(names, key=lambda n: (-len(n), n)))


def drug_spellings(ingredients: Iterable[str]) -> list[str]:
    """The spellings of the drugs with these ingredients ("hydrocodone" -> norco, vicodin...)."""
    wanted = {i.lower() for i in ingredients}
    names: list[str] = []
    for drug in load_drugs():
        if drug.ingredient.lower() in wanted:
            names += [drug.ingredient, *drug.names, *drug.long_acting_names]
    return names


def _spellings(drugs: Iterable[DrugEntry]) -> list[str]:
    """Every spelling of these drugs (ingredient, names, long-acting names), longest first."""
    names = {
        name.strip().lower()
        for drug in drugs
        for name in (drug.ingredient, *drug.names, *drug.long_acting_names)
        if name.strip()
    }
    return sorted(names, key=lambda n: (-len(n), n))


def class_spellings(categories: Iterable[str], excluding: Iterable[str] = ()) -> list[str]:
    """The spellings of every drug the drug data files under these categories, but for the
    ingredients excluded, longest first."""
    wanted, unwanted = set(categories), set(excluding)
    known = {drug.category for drug in load_drugs()}
    if not wanted <= known:
        raise RuleDataError(f"drugs.yaml: no drug has the category {sorted(wanted - known)}")
    return _spellings(
        d for d in load_drugs() if d.category in wanted and d.ingredient not in unwanted
    )


def ingredient_spellings(ingredients: Iterable[str]) -> list[str]:
    """The spellings of the drugs with these ingredients, longest first."""
    wanted = set(ingredients)
    known = {drug.ingredient for drug in load_drugs()}
    if not wanted <= known:
        raise RuleDataError(f"drugs.yaml: no drug has the ingredient {sorted(wanted - known)}")
    return _spellings(d for d in load_drugs() if d.ingredient in wanted)


def words_or_drugs(words: Iterable[str], drugs: Iterable[str]) -> re.Pattern[str]:
    """A pattern for any of these words (regular expressions: "opioids?") or drug spellings,
    each a whole word."""
    alternatives = [*words, *(re.escape(name) for name in drugs)]
    return rx(r"\b(?:" + "|".join(alternatives) + r")\b")


# The drug-use facts of the criteria (`facts`): a class word ("opioids") or the name of a drug
# of the class, generic or brand, as the drug data spells it.
#
# Opioid use: the opioid categories of the drug data. Naloxone and naltrexone share the
# buprenorphine category there (the guideline section that covers them) but they block opioids:
# a worker prescribed them is not thereby on opioids.
OPIOID_CATEGORIES = (
    "medication/opioid",
    "medication/opioid-long-acting",
    "medication/tramadol",
    "medication/buprenorphine",
)
OPIOID_ANTAGONISTS = ("naloxone", "naltrexone")
# First-line agents for neuropathic pain: these anticonvulsants and the tricyclic and SNRI
# antidepressants. The drug data's categories are the item normaliser's (its antidepressant
# category also holds SSRIs, bupropion, mirtazapine), so these are chosen by ingredient.
FIRST_LINE_NEUROPATHIC_INGREDIENTS = (
    "gabapentin",
    "pregabalin",
    "topiramate",
    "carbamazepine",
    "amitriptyline",
    "nortriptyline",
    "duloxetine",
    "venlafaxine",
)


@cache
def drug_use_patterns() -> dict[str, re.Pattern[str]]:
    """The pattern of each drug-use fact, by the fact's name."""
    return {
        "nsaid_use": words_or_drugs([r"NSAIDs?"], class_spellings(["medication/nsaid"])),
        "benzodiazepine_use": words_or_drugs(
            [r"benzodiazepines?"], class_spellings(["medication/benzodiazepine"])
        ),
        "first_line_neuropathic_agents_tried": words_or_drugs(
            [r"anticonvulsants?", r"tricyclics?"],
            ingredient_spellings(FIRST_LINE_NEUROPATHIC_INGREDIENTS),
        ),
        "on_opioids": words_or_drugs(
            [r"opioids?", r"opiates?", r"narcotics?"],
            class_spellings(OPIOID_CATEGORIES, excluding=OPIOID_ANTAGONISTS),
        ),
    }


# Compounded oral-suspension kits of drugs sold as tablets (cyclobenzaprine, tramadol,
# ranitidine, diphenhydramine, gabapentin), each a name of its drug in the drug data: the
# named kits are suspensions whatever the request says.
SUSPENSION_KITS = ("tabradol", "synapryn", "deprizine", "dicopanol", "fanatrex")
ORAL_SUSPENSION = rx(
    r"oral suspension|\bsuspension\b|\b(?:" + "|".join(map(re.escape, SUSPENSION_KITS)) + r")\b"
)


@cache
def drug_mention() -> re.Pattern[str]:
    """A drug named in the text, with its strength when written after it ("Norco 10/325 mg")."""
    alternatives = "|".join(re.escape(name) for name in drug_names())
    return rx(r"\b(?:" + alternatives + r")\b(?:\s+\d[\d./]*\s*(?:mg|mcg|%))?")


# -- abbreviations ----------------------------------------------------------------------------


class _Abbreviation(StrictModel):
    pattern: str
    expansion: str
    ignore_case: bool = False


class _AbbreviationFile(StrictModel):
    written_on: date
    entries: tuple[_Abbreviation, ...]


ABBREVIATIONS_FILE = Path(__file__).parent / "data" / "abbreviations.yaml"


@cache
def _abbreviations() -> tuple[tuple[re.Pattern[str], str], ...]:
    data = load_model(ABBREVIATIONS_FILE, _AbbreviationFile, what="abbreviations")
    return tuple(
        (
            re.compile(entry.pattern, re.IGNORECASE if entry.ignore_case else 0),
            re.sub(r"\$(\d)", r"\\\1", entry.expansion),
        )
        for entry in data.entries
    )


def expand_abbreviations(text: str) -> str:
    """The record's shorthand written out ("Rec R shldr arthroscopy w/ SAD" -> "recommends
    right shoulder arthroscopy with subacromial decompression"), for the draft's sentences;
    quotes keep the record's own words."""
    for pattern, expansion in _abbreviations():
        text = pattern.sub(partial(_expand, expansion=expansion), text)
    return re.sub(r"\s{2,}", " ", text)


def _expand(match: re.Match[str], expansion: str) -> str:
    # "(TTD)" after the words it abbreviates stays as written: no "disabled (disabled (TTD))".
    text, start, end = match.string, match.start(), match.end()
    words = match.expand(expansion).split()
    if (
        text[start - 1 : start] == "("
        and text[end : end + 1] == ")"
        and words
        and words[0].lower() in text[max(0, start - 60) : start].lower()
    ):
        return match.group(0)
    return match.expand(expansion)
