"""The item normaliser: a disputed item as a letter or RFA words it -> a structured item.

"Norco 10/325mg #60" becomes {category: medication/opioid, drug: hydrocodone, strength 10 mg,
count 60}; "Physical therapy 2x6 lumbar spine" becomes {therapy/physical, lumbar-spine, 2 per
week for 6 weeks = 12 visits}. The category decides which guideline entries apply
(docs/guidelines.md §4). An item we cannot place is `unknown` with the reason, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from functools import cache

from openimr.evidence.vocab import DrugEntry, load_drugs, load_normaliser_rules

UNKNOWN = "unknown"

# Word numbers as requests spell them ("two times a week for six weeks", "Twelve sessions").
_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fourteen": 14,
    "sixteen": 16,
    "eighteen": 18,
    "twenty": 20,
    "twenty-four": 24,
    "once": 1,
    "twice": 2,
}
_NUM = r"(\d+(?:\.\d+)?|" + "|".join(sorted(_WORDS, key=len, reverse=True)) + r")"


@dataclass(frozen=True)
class NormalisedItem:
    """One disputed item in structured form (the input of `openimr.evidence.evaluate`)."""

    text: str
    category: str
    reason: str  # why this category (the rule that fired) or why unknown
    intervention: str
    body_region: str | None = None
    body_regions: tuple[str, ...] = ()
    laterality: str | None = None  # left, right, bilateral
    visits: int | None = None  # total sessions/visits requested
    frequency_per_week: float | None = None
    duration_weeks: float | None = None
    rental_days: int | None = None
    purchase: bool = False
    drug: str | None = None  # ingredient (first opioid/active ingredient)
    ingredients: tuple[str, ...] = ()
    strength_mg: float | None = None
    count: int | None = None  # "#60"
    units_per_day: float | None = None
    days_supply: int | None = None
    long_acting: bool = False
    mme_per_unit: float | None = None
    mme_per_day: float | None = None
    retrospective: bool = False
    associated_surgical_service: bool = False
    post_operative: bool = False
    modified_request: bool = False  # text was a modified-request form; fields describe its IMR part

    @property
    def known(self) -> bool:
        return self.category != UNKNOWN

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["body_regions"] = list(self.body_regions)
        data["ingredients"] = list(self.ingredients)
        return data


# --- body regions ----------------------------------------------------------------------------


@cache
def _region_res() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((r.id, re.compile(r.pattern, re.I)) for r in load_normaliser_rules().regions)


def find_regions(text: str) -> tuple[str, ...]:
    """All body regions named in `text`, in order of first mention."""
    hits: list[tuple[int, str]] = []
    for rid, rx in _region_res():
        m = rx.search(text)
        if m:
            hits.append((m.start(), rid))
    return tuple(rid for _, rid in sorted(hits))


def find_laterality(text: str) -> str | None:
    low = text.lower()
    if re.search(r"bilateral|both|\bb/l\b", low) or ("left" in low and "right" in low):
        return "bilateral"
    if re.search(r"\bleft\b|\blt\b", low):
        return "left"
    if re.search(r"\bright\b|\brt\b", low):
        return "right"
    return None


# --- categories (non-drug) -------------------------------------------------------------------


@cache
def _rule_res() -> tuple[tuple[str, str, bool, re.Pattern[str]], ...]:
    """(category, intervention label, wins over drug names?, pattern) from data/normalise.yaml."""
    return tuple(
        (r.category, r.intervention, r.before_drugs, re.compile(r.pattern, re.I))
        for r in load_normaliser_rules().rules
    )


_RETRO = re.compile(
    r"retro(?:spective|active)?\b|\bDOS\b|date of service|dispensed on|\bdispensed\b", re.I
)
_ASSOCIATED = re.compile(
    r"^\s*(?:associated surgical services?|associated services?|ancillary)\s*:?\s*", re.I
)
_POSTOP = re.compile(r"post[- ]?op|post[- ]?surg|postoperative|after surgery", re.I)
_MEDICATION_SHAPE = re.compile(
    r"\d+(?:\.\d+)?\s*(?:mg|mcg|ml|gm|g|%|meq|iu|units?)\b|#\s*\d+|\b(?:tab|tabs|tablets?|caps?|capsules?|cream|gel|ointment|lotion|patch(?:es)?|suspension|solution|refills?|oral|topical|po)\b",
    re.I,
)
_SESSIONS = re.compile(r"\b(?:times|x)\s*\d|\bsessions?\b|\bvisits?\b", re.I)
# Modified requests as letters word them: the IMR-eligible part follows these phrases.
_MODIFIED = re.compile(
    r"(?:remaining IMR eligible portion of the original request|the original request),\s*(.+?)"
    r"(?:\s+is)?\s*:?\s*$",
    re.I,
)
_NOISE = re.compile(r"\b(?:qty|quantity)\s*:?\s*", re.I)


@cache
def _drug_index() -> tuple[tuple[re.Pattern[str], DrugEntry, bool], ...]:
    """Every drug spelling as a word-bounded pattern; longest spellings first."""
    rows: list[tuple[str, DrugEntry, bool]] = []
    for drug in load_drugs():
        rows.extend((name, drug, False) for name in drug.names)
        rows.extend((name, drug, True) for name in drug.long_acting_names)
    rows.sort(key=lambda r: len(r[0]), reverse=True)
    return tuple(
        (re.compile(r"(?<![A-Za-z])" + re.escape(name) + r"(?![A-Za-z])", re.I), drug, la)
        for name, drug, la in rows
    )


def find_drugs(text: str) -> list[tuple[int, DrugEntry, bool]]:
    """Drugs named in `text` as (position, entry, long-acting spelling?), by position."""
    found: dict[str, tuple[int, DrugEntry, bool]] = {}
    taken: list[tuple[int, int]] = []
    for rx, drug, la in _drug_index():
        for m in rx.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue  # a longer spelling already claimed these characters
            taken.append((m.start(), m.end()))
            if drug.ingredient not in found or m.start() < found[drug.ingredient][0]:
                found[drug.ingredient] = (m.start(), drug, la)
    return sorted(found.values(), key=lambda r: r[0])


def _num(token: str) -> float:
    word = token.lower()
    return float(_WORDS[word]) if word in _WORDS else float(token)


_RANGE = _NUM + r"(?:\s*(?:to|-)\s*" + _NUM + r")?"  # "2" or "1 to 2" (upper bound used)
# "2 times a week for 6 weeks", "3x/week x 4 weeks", "two visits per week times six weeks"
_PER_WEEK = re.compile(
    _RANGE
    + r"\s*(?:x|times?|visits?|sessions?)\s*(?:a|per|/|each)?\s*(?:week|wk)s?\b"
    + r"(?:\s*(?:for|x|times|over|\*)\s*"
    + _RANGE
    + r"\s*(?:weeks?|wks?)?)?"
)
_BARE_SCHEDULE = re.compile(r"(?<![\d/.])(\d)\s*(?:x|times)\s*(\d{1,2})(?![\d%])")  # "2x6"
_EXPLICIT_TOTAL = re.compile(r"\(\s*(\d+)\s*\)|#\s*(\d+)")  # "(8)", "#6"
_COUNT_BEFORE = re.compile(
    _RANGE + r"\s*(?:additional\s+|more\s+|initial\s+|\w+\s+)?(?:sessions?|visits?|treatments?)\b"
)  # "12 sessions", "six acupuncture visits", "12-18 sessions"
_COUNT_AFTER = re.compile(
    r"(?:times|x)\s*(\d+)\b(?!\s*(?:a|per)\b)"
    r"|(?:sessions?|visits?|treatments?)\s*,?\s*(?:of|x|times|#|:)?\s*(\d+)\b"
)  # "times 6", "sessions, 12"


def parse_schedule(text: str) -> tuple[float | None, float | None, int | None]:
    """(frequency per week, duration in weeks, total visits) from therapy wording.

    Handles "2x6", "2 times a week for 6 weeks", "two times a week times six weeks",
    "1 to 2 times per week for 4 weeks" (the upper bound), "#6", "6 sessions", "12 visits",
    "times 6", "(8)".
    """
    low = text.lower().replace("×", "x")
    freq = dur = None
    m = _PER_WEEK.search(low)
    if m:
        freq = _num(m.group(2) or m.group(1))
        if m.group(3):
            dur = _num(m.group(4) or m.group(3))
    elif bare := _BARE_SCHEDULE.search(low):
        freq, dur = float(bare.group(1)), float(bare.group(2))
    if freq is not None and dur is not None:
        return freq, dur, round(freq * dur)
    # An explicit total "(8)" or "#6" beats a count written in words elsewhere.
    if total := _EXPLICIT_TOTAL.search(low):
        return freq, dur, int(total.group(1) or total.group(2))
    if before := _COUNT_BEFORE.search(low):
        return freq, dur, round(_num(before.group(2) or before.group(1)))
    if after := _COUNT_AFTER.search(low):
        return freq, dur, int(after.group(1) or after.group(2))
    return freq, dur, None


_FREQ_PER_DAY = (
    (r"\b(?:qid|four times (?:a|per) day|4 times (?:a|per) day|q6h?|every 6 hours)\b", 4.0),
    (r"\b(?:tid|three times (?:a|per) day|3 times (?:a|per) day|q8h?|every 8 hours)\b", 3.0),
    (
        r"\b(?:bid|twice (?:a )?daily|twice (?:a|per) day|(?:two|2) times (?:a|per) day"
        r"|q12h?|every 12 hours)\b",
        2.0,
    ),
    (r"\b(?:q4-6h?|every 4-6 hours|every 4 to 6 hours)\b", 4.0),
    (r"\b(?:q4h?|every 4 hours)\b", 6.0),
    (
        r"\b(?:qd|qhs|hs|once (?:a )?daily|daily|at bedtime|nightly|every day|q24h?|once a day)\b",
        1.0,
    ),
)


def parse_units_per_day(text: str) -> float | None:
    """Tablets (or doses) per day from sig wording ("one tablet twice daily", "1 po tid")."""
    low = text.lower()
    for pattern, per_day in _FREQ_PER_DAY:
        if re.search(pattern, low):
            m = re.search(_NUM + r"\s*(?:tabs?|tablets?|caps?|capsules?|pills?|po)\b", low)
            units = _num(m.group(1)) if m else 1.0
            return units * per_day
    return None


def _strength(text: str, position: int) -> float | None:
    """The first strength after the drug name: "10/325mg" -> 10, "7.5-325mg" -> 7.5."""
    tail = text[position:]
    m = re.search(r"(\d+(?:\.\d+)?)\s*(?:mg|mcg)?\s*[/-]\s*\d+(?:\.\d+)?\s*(?:mg|mcg)", tail, re.I)
    m1 = re.search(r"(\d+(?:\.\d+)?)\s*(?:mg|mcg|mcg/hr?|mcg/h)\b", tail, re.I)
    if m and (not m1 or m.start() <= m1.start()):
        return float(m.group(1))
    if m1:
        return float(m1.group(1))
    m3 = re.search(r"tylenol\s*#\s*([34])", text, re.I)
    if m3:
        return 30.0 if m3.group(1) == "3" else 60.0
    return None


def _count(text: str) -> int | None:
    m = re.search(
        r"#\s*(\d+)|(?:qty|quantity)\s*:?\s*(\d+)|\b(\d+)\s*(?:tablets|tabs|capsules|caps|patches|pills)\b",
        text,
        re.I,
    )
    if not m:
        return None
    return int(next(g for g in m.groups() if g))


def _days_supply(text: str) -> int | None:
    m = re.search(r"(\d+)[- ]?days?(?:'|’)?\s*(?:supply)?", text, re.I)
    return int(m.group(1)) if m and not re.search(r"rental|rent", text, re.I) else None


def _rental_days(text: str) -> int | None:
    m = re.search(
        r"(\d+)[- ]?(day|week|month)s?\s*(?:rental|rent)"
        r"|(?:rental|rent)\w*\s*(?:for\s*)?(\d+)[- ]?(day|week|month)",
        text,
        re.I,
    )
    if not m:
        return None
    n = int(m.group(1) or m.group(3))
    unit = (m.group(2) or m.group(4)).lower()
    return n * {"day": 1, "week": 7, "month": 30}[unit]


def _is_compound(text: str, drugs: list[tuple[int, DrugEntry, bool]]) -> bool:
    """Several active ingredients in one topical (or the word "compound") = compounded."""
    if re.search(r"compound", text, re.I):
        return True
    topical = re.search(
        r"cream|gel|ointment|lotion|topical|transdermal|\d\s*%|\bgm\b|grams?\b", text, re.I
    )
    actives = {d.ingredient for _, d, _ in drugs if d.ingredient != "acetaminophen"}
    return bool(topical) and len(actives) >= 2


_ORAL_ONLY = frozenset(
    {
        "medication/muscle-relaxant",
        "medication/anticonvulsant",
        "medication/antidepressant",
        "medication/tramadol",
    }
)


def _drug_item(
    text: str, drugs: list[tuple[int, DrugEntry, bool]], base: NormalisedItem
) -> NormalisedItem:
    pos, first, la_spelling = drugs[0]
    ingredients = tuple(d.ingredient for _, d, _ in drugs)
    if _is_compound(text, drugs):
        return replace(
            base,
            category="medication/compound-topical",
            reason=f"compounded topical: ingredients {', '.join(ingredients)}",
            intervention="compounded topical (" + " / ".join(ingredients) + ")",
            drug=first.ingredient,
            ingredients=ingredients,
            count=_count(text),
        )
    # An opioid anywhere in a combination decides the category (Norco = hydrocodone + APAP).
    opioid = next(((p, d, la) for p, d, la in drugs if d.mme_factor is not None), None)
    pos, main, la_spelling = opioid or drugs[0]
    category = main.category
    topical_form = re.search(
        r"\b(?:gel|cream|ointment|lotion|topical|patch(?:es)?|transdermal|solution)\b|\d\s*%",
        text,
        re.I,
    )
    if main.category == "medication/nsaid" and topical_form:
        category = "medication/topical-nsaid"
    # These classes have no commercial topical form: a cream or gel of one is compounded.
    if main.category in _ORAL_ONLY and re.search(
        r"\b(?:cream|gel|ointment|lotion)\b|\d\s*%", text, re.I
    ):
        category = "medication/compound-topical"
    long_acting = la_spelling or bool(
        main.mme_factor is not None
        and re.search(r"\b(?:ER|XR|SR|CR|ext(?:ended)?[- ]release|LA)\b", text)
    )
    if long_acting and category == "medication/opioid":
        category = "medication/opioid-long-acting"
    strength = _strength(text, pos)
    units_per_day = parse_units_per_day(text)
    count = _count(text)
    days = _days_supply(text)
    if units_per_day is None and count and days:
        units_per_day = count / days
    mme_unit = mme_day = None
    if main.mme_factor is not None and strength is not None:
        mme_unit = round(strength * main.mme_factor, 3)
        if main.mme_unit == "mcg/hr":
            mme_day = mme_unit  # a patch delivers its rate all day
        elif units_per_day is not None:
            mme_day = round(mme_unit * units_per_day, 1)
    return replace(
        base,
        category=category,
        reason=f"drug '{main.ingredient}' (lexicon)"
        + (", long-acting form" if long_acting else ""),
        intervention=main.ingredient,
        drug=main.ingredient,
        ingredients=ingredients,
        strength_mg=strength,
        count=count,
        units_per_day=units_per_day,
        days_supply=days,
        long_acting=long_acting,
        mme_per_unit=mme_unit,
        mme_per_day=mme_day,
    )


def normalise_item(text: str) -> NormalisedItem:
    """Place one disputed item in the category vocabulary (data/categories.yaml).

    Returns category "unknown" with the reason when no rule recognises the wording: the
    item is then reported, never silently guessed (issue 4, bad input).
    """
    raw = " ".join((text or "").split())
    modified = _MODIFIED.search(raw)
    eligible = modified.group(1) if modified else raw
    associated = bool(_ASSOCIATED.search(eligible))
    body = _NOISE.sub("", _ASSOCIATED.sub("", eligible))
    regions = find_regions(body)
    freq, dur, visits = parse_schedule(body)
    base = NormalisedItem(
        text=raw,
        category=UNKNOWN,
        reason="no category rule, drug name or drug-request shape recognised in the text",
        intervention="",
        body_region=regions[0] if regions else None,
        body_regions=regions,
        laterality=find_laterality(body),
        retrospective=bool(_RETRO.search(body)),
        associated_surgical_service=associated,
        # A service requested in association with a surgery belongs to its peri-operative phase.
        post_operative=bool(_POSTOP.search(body)) or associated,
        rental_days=_rental_days(body),
        purchase=bool(re.search(r"purchase|\bbuy\b", body, re.I)),
        modified_request=modified is not None,
    )
    if not body:
        return replace(base, reason="empty item text")
    drugs = find_drugs(body)
    first_rule = next((r for r in _rule_res() if r[3].search(body)), None)
    if drugs and not (first_rule and first_rule[2]):
        return _drug_item(body, drugs, base)
    override = None
    if first_rule and associated and first_rule[0] in ("therapy/physical", "therapy/occupational"):
        override = (
            "therapy/post-surgical",
            "therapy requested as a service associated with a surgery",
        )
    if first_rule and first_rule[0] == "dme/hot-cold-unit" and _SESSIONS.search(body):
        override = (
            "therapy/passive-modality",
            "heat/cold given in sessions is in-clinic care, not equipment",
        )
    if override:
        first_rule = next(r for r in _rule_res() if r[0] == override[0])
    if first_rule:
        cat, label, _, rx = first_rule
        hit = rx.search(body)
        therapy = cat.startswith(("therapy/", "program/")) or cat in {
            "psych/psychotherapy",
            "therapy/biofeedback",
        }
        return replace(
            base,
            category=cat,
            reason=override[1] if override else f"matched '{hit.group(0) if hit else ''}'",
            intervention=label,
            visits=visits if therapy or cat.startswith("evaluation/") else None,
            frequency_per_week=freq if therapy else None,
            duration_weeks=dur if therapy else None,
        )
    if _MEDICATION_SHAPE.search(body):
        return replace(
            base,
            category="medication/other",
            reason=(
                "has the shape of a drug request (strength, count or form) "
                "but the drug is not in our lexicon"
            ),
            intervention=body.split()[0].lower(),
            strength_mg=_strength(body, 0),
            count=_count(body),
        )
    if names_a_service(body):
        # Every request names some service: one no rule knows is still filed, as another
        # service, so the reviewer sees it placed (and that no guideline entry covers it).
        return replace(
            base,
            category="service/other",
            reason="no rule recognises this service; filed as another service",
            intervention=body.lower(),
        )
    return base


# Words that name no service: a placeholder, a filler or a reference elsewhere.
_NO_SERVICE = frozenset(
    [
        "n/a",
        "na",
        "none",
        "unknown",
        "blank",
        "tbd",
        "tba",
        "see",
        "attached",
        "attachment",
        "other",
        "item",
        "items",
        "request",
        "requested",
        "requests",
        "the",
        "of",
        "and",
        "for",
        "to",
        "a",
        "an",
        "as",
        "per",
        "above",
        "below",
        "same",
        "previous",
        "not",
        "applicable",
        "specified",
        "listed",
    ]
)


def names_a_service(text: str) -> bool:
    """True when the text has a word that may name a service (not a placeholder like
    "N/A", "see attached", "unknown"): only such text may be left without a category."""
    words = re.findall(r"[a-z][a-z'/-]{2,}", text.lower())
    return any(word not in _NO_SERVICE for word in words)


__all__ = [
    "UNKNOWN",
    "NormalisedItem",
    "find_drugs",
    "find_regions",
    "normalise_item",
    "parse_schedule",
]
