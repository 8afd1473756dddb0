"""The draft's opening and closing: the worker, the injury, the diagnoses, the UR decision,
the appeal, and at the end the request under review.

Reviewers open the clinical case summary with who the worker is (age, sex, occupation), the
injury (date and how it happened), the diagnoses (with ICD-10 codes when the record gives
them) and the UR decision (date, each item and its outcome, the reason and the guideline it
cited), and end with the request the IMR decides (LC 4610.5(c)(3): the disputed items).
"""

from __future__ import annotations

import re
from datetime import date

from openimr.assist.dates import dates_in
from openimr.assist.dispute import Decided, decisions, guideline, rationale, requested_items
from openimr.assist.draft import CaseHeader, Source, SummarySentence, join, long_date, sentence
from openimr.assist.encounters import Diagnosis, clean_sentence, diagnoses_of, provider_of
from openimr.assist.lexicon import AGE, DIAGNOSIS_BODY_PART, age_of, rx
from openimr.assist.records import Passage, RecordText

_SEX = rx(r"\b(male|female|man|woman)\b|\b(Mr|Mrs|Ms)\.\s")
_REPRESENTED = rx(r"\battorney\b|applicant'?s counsel|represented by|law (?:office|firm)")
_MECHANISM = rx(
    r"\blift(?:ed|ing)?\b|\bfell\b|\bfall\b|slipp|twist|robb|transferr|\bcaught\b|struck|"
    r"missed a step|carrying|repetitive|cumulative|pulling|pushing|tripped|assault|collision"
)
_INJURY_WORDS = rx(r"injur|\bon \d{1,2}/\d{1,2}/\d{2,4}|\bsince\b")
_INJURY = rx(
    r"date of (?:the )?(?:injury|accident|loss)|\bDOI\b|injur(?:y|ed)|"
    r"(?:occupational|industrial|work) claim|claim (?:from|dated|of)"
)
Located = tuple[RecordText, Passage]


def _value(unit: Passage) -> str:
    return re.sub(r"^[^:]*:\s*", "", unit.text).strip()


def _field(records: list[RecordText], section: str) -> tuple[str, Located] | None:
    """A header field ("Occupation: ...") from the newest record that gives it."""
    for record in sorted(records, key=lambda r: r.date or date.min, reverse=True):
        for unit in record.units:
            if unit.whole_segment and unit.section == section and _value(unit):
                return _value(unit), (record, unit)
    return None


def injury_dates(records: list[RecordText]) -> list[tuple[date, RecordText, Passage]]:
    """Every date of injury the records' headers give."""
    found = []
    for record in records:
        for unit in record.units:
            if unit.whole_segment and unit.section == "injury_date":
                when = dates_in(unit.text)
                if when:
                    found.append((when[0][0], record, unit))
    return found


def injury(records: list[RecordText]) -> tuple[date, Located] | None:
    """The date of injury: a header field, else a sentence naming the injury with a date."""
    headed = injury_dates(records)
    if headed:
        when, record, unit = headed[0]
        return when, (record, unit)
    for record in records:
        for unit in record.units:
            match = _INJURY.search(unit.text)
            if not match:
                continue
            after = [d for d, pos in dates_in(unit.text) if pos >= match.start()]
            if after:
                return after[0], (record, unit)
    return None


def worker_sentences(
    records: list[RecordText], clinical: list[RecordText], case: CaseHeader | None
) -> tuple[list[SummarySentence], set[Passage]]:
    """Who the worker is and how the injury happened; also the passages used, so the course
    of care does not repeat the mechanism."""
    case = case or CaseHeader()
    used: list[tuple[RecordText, Passage | None]] = []
    case_sources: list[Source] = []
    age = _age(records, used)
    if age is None and case.applicant_age is not None:
        age = case.applicant_age
        case_sources.append(Source("case", None, f"applicant_age: {age}"))
    sex = _sex(records, used)
    if sex is None and case.applicant_sex:
        sex = case.applicant_sex
        case_sources.append(Source("case", None, f"applicant_sex: {sex}"))
    occupation = _field(records, "occupation")
    job = ""
    if occupation:
        job = re.split(r",|\s\(", occupation[0])[0].strip()
        job = job[:1].lower() + job[1:]
        used.append(occupation[1])
    represented = next(
        (
            (r, u)
            for r in records
            for u in r.units
            if u.whole_segment and _REPRESENTED.search(u.text)
        ),
        None,
    )
    if represented:
        used.append(represented)
    elif case.represented:
        case_sources.append(Source("case", None, "represented: True"))
    hurt = injury(records)
    when = ""
    if hurt:
        used.append(hurt[1])
        cause = re.search(r"\(([^)]{3,40})\)", hurt[1][1].text)
        how = f" ({cause.group(1)})" if cause and "fictional" not in cause.group(1) else ""
        when = f" with an industrial injury of {long_date(hurt[0])}{how}"
    elif case.date_of_injury:
        when = f" with an industrial injury of {long_date(case.date_of_injury)}"
        case_sources.append(Source("case", None, f"date_of_injury: {case.date_of_injury}"))
    words = [
        "represented" if represented or case.represented else "",
        f"{age}-year-old" if age else "",
        sex or "",
        job or ("worker" if not sex else ""),
    ]
    described = " ".join(w for w in words if w)
    article = "an" if re.match(r"8|11\b|18\b|[aeiou]", described) else "a"
    first = sentence(f"The applicant is {article} {described}{when}.", used)
    first = SummarySentence(first.text, first.sources + tuple(case_sources))
    out = [first]
    mechanism = _mechanism(clinical)
    skip: set[Passage] = set()
    if mechanism:
        record, unit = mechanism
        out.append(sentence(f"Mechanism of injury: {clean_sentence(unit.text)}", [mechanism]))
        skip.add(unit)
    return out, skip


def _age(records: list[RecordText], used: list[tuple[RecordText, Passage | None]]) -> int | None:
    for record in sorted(records, key=lambda r: r.date or date.min, reverse=True):
        for unit in record.units:
            if unit.whole_segment and unit.section not in ("age", "complaints", "other"):
                continue
            match = AGE.search(unit.text)
            if match:
                used.append((record, unit))
                return age_of(match)
    born = _field(records, "birth")
    newest = max((r.date for r in records if r.date), default=None)
    if born and newest:
        dob = dates_in(born[0])
        if dob:
            value = dob[0][0]
            used.append(born[1])
            return (
                newest.year - value.year - ((newest.month, newest.day) < (value.month, value.day))
            )
    return None


def _sex(records: list[RecordText], used: list[tuple[RecordText, Passage | None]]) -> str | None:
    given = _field(records, "sex")
    if given:
        used.append(given[1])
        word = given[0].split()[0].lower().rstrip(".")
        return {"m": "male", "f": "female"}.get(word, word)
    for record in records:
        for unit in record.units:
            match = _SEX.search(unit.text) if not unit.whole_segment else None
            if match:
                used.append((record, unit))
                word = (match.group(1) or match.group(2)).lower()
                return "male" if word in ("male", "man", "mr") else "female"
    return None


def _mechanism(clinical: list[RecordText]) -> Located | None:
    """The first sentence of the earliest clinical record that tells how the injury happened."""
    for record in clinical:
        for unit in record.units:
            if unit.whole_segment or unit.section not in ("mechanism", "complaints", "other"):
                continue
            if _MECHANISM.search(unit.text) and (
                unit.section == "mechanism" or _INJURY_WORDS.search(unit.text)
            ):
                return record, unit
    return None


def diagnosis_sentences(clinical: list[RecordText]) -> list[SummarySentence]:
    """The diagnoses the treating records give, each once, with its ICD-10 code; the newest
    wording of a code wins (a tear "suspected" at first is confirmed later)."""
    by_key: dict[str, tuple[Diagnosis, RecordText]] = {}
    order: list[str] = []
    for record in clinical:
        for diagnosis in diagnoses_of(record):
            key = diagnosis.code or re.sub(r"\W+", " ", diagnosis.wording.lower()).strip()
            if key not in by_key:
                order.append(key)
            by_key[key] = (diagnosis, record)
    coded_words = " ".join(d.wording.lower() for d, _ in by_key.values() if d.code)
    items: list[str] = []
    units: list[tuple[RecordText, Passage | None]] = []
    for key in order:
        diagnosis, record = by_key[key]
        if diagnosis.code is None and diagnosis.wording.lower() in coded_words:
            continue
        wording = diagnosis.wording[:1].lower() + diagnosis.wording[1:]
        if re.match(r"[A-Z]{2,}", diagnosis.wording):
            wording = diagnosis.wording
        items.append(f"{wording} ({diagnosis.code})" if diagnosis.code else wording)
        units.append((record, diagnosis.unit))
    if not items:
        return []
    out = [sentence(f"The diagnoses in the records are {join(items, ';')}.", units)]
    parts = list(
        dict.fromkeys(
            m.group(0).lower() for item in items for m in DIAGNOSIS_BODY_PART.finditer(item)
        )
    )
    if parts:
        out.append(sentence(f"The body parts these diagnoses name: {join(parts)}.", units))
    return out


# -- the UR decision, the application, the request under review ------------------------------


def ur_sentences(record: RecordText) -> list[SummarySentence]:
    """The decision, item by item; its reasons; the guideline it cited."""
    decided = decisions(record)
    reviewer = provider_of(record)
    when = f" dated {long_date(record.date)}" if record.date else ""
    by = ""
    if reviewer:
        by = (
            f" (reviewer {reviewer.name}, {reviewer.credential}"
            if reviewer.credential
            else (f" (reviewer {reviewer.name}")
        )
        by += f", {reviewer.specialty})" if reviewer.specialty else ")"
    clauses: list[str] = []
    for verb in ("non-certified", "modified", "certified"):
        group = [d for d in decided if d.verb() == verb]
        if not group:
            continue
        if verb == "modified":
            clauses.extend(_modified(d) for d in group)
        else:
            clauses.append(f"{verb} {join([d.item for d in group], ';')}")
    what = join(clauses, ";") if clauses else "decided on the request"
    units: list[tuple[RecordText, Passage | None]] = [(record, record.date_unit)]
    units += [(record, reviewer.unit if reviewer else None)]
    units += [(record, u) for d in decided for u in (d.item_unit, d.unit)]
    out = [
        sentence(
            f"In a Utilization Review determination{when}{by}, the claims administrator {what}.",
            units,
        )
    ]
    for index, unit in enumerate(rationale(record)):
        text = clean_sentence(unit.text)
        out.append(sentence(f"Rationale: {text}" if index == 0 else text, [(record, unit)]))
    cited = guideline(record)
    if cited:
        out.append(sentence(f"The determination cited {cited[0]}.", [(record, cited[1])]))
    return out


def _modified(decided: Decided) -> str:
    rest = re.sub(r"^modified\s*", "", decided.outcome, flags=re.I)
    comma = "," if "," in decided.item else ""
    return f"modified the request for {decided.item}{comma} {rest}".rstrip()


def application_sentence(record: RecordText) -> SummarySentence | None:
    for unit in record.units:
        if not unit.whole_segment and _REPRESENTED.search(unit.text):
            return sentence("The applicant's attorney subsequently appealed.", [(record, unit)])
    first = next((u for u in record.units if not u.whole_segment), None)
    when = f" on {long_date(record.date)}" if record.date else ""
    return sentence(
        f"The applicant applied for Independent Medical Review{when}.",
        [(record, first), (record, record.date_unit)],
    )


def rfa_sentence(record: RecordText) -> SummarySentence | None:
    items = requested_items(record)
    if not items:
        return None
    who = provider_of(record)
    when = f"On {long_date(record.date)}, " if record.date else ""
    by = who.describe() if who else "the requesting physician"
    listed = join([f"({n}) {item}" for n, (item, _) in enumerate(items, 1)], ";")
    units: list[tuple[RecordText, Passage | None]] = [(record, record.date_unit)]
    units += [(record, who.unit if who else None), *((record, u) for _, u in items)]
    text = f"{when}{by} requested authorization (Request for Authorization) for {listed}."
    return sentence(text[:1].upper() + text[1:], units)


def request_sentence(urs: list[RecordText], rfas: list[RecordText]) -> SummarySentence | None:
    """The request IMR decides: every item UR did not certify as requested."""
    disputed: list[tuple[RecordText, Decided]] = [
        (ur, d) for ur in urs for d in decisions(ur) if d.disputed
    ]
    if not disputed:
        return None
    items = join([f"{d.item} ({d.outcome[:1].lower() + d.outcome[1:]})" for _, d in disputed], ";")
    units: list[tuple[RecordText, Passage | None]] = [
        (ur, u) for ur, d in disputed for u in (d.item_unit, d.unit)
    ]
    ur = disputed[-1][0]
    decided = f" in the Utilization Review of {long_date(ur.date)}" if ur.date else ""
    units.append((ur, ur.date_unit))
    asked = ""
    if rfas and rfas[-1].date:
        asked = f", requested on {long_date(rfas[-1].date)}"
        units.append((rfas[-1], rfas[-1].date_unit))
    return sentence(
        f"The request under review{asked} and decided{decided}: {items}.",
        units,
    )
