"""A draft clinical case summary from the case's records, every sentence traced to its source.

The IMR letter opens with a clinical case summary the expert reviewer writes from the case
file: the analysis must cite the employee's medical condition and the relevant documents in
the record (LC 4610.6(e)), and the reviewer decides on the records, never on the UR
decision's account alone (8 CCR 9792.10.6(b)(2)). Reviewers write the summary in a fixed
order: who the worker is, the injury and its date, the diagnoses, the UR decision and what it
referenced, then the course of care in date order, each visit's complaints, findings,
treatments and work status. This module drafts that summary from the record documents with
plain rules over the text (no generative model), so each sentence can be checked: it carries
the document, page and quoted span it came from. Negation and uncertainty use the ConText
scope of `assist.context`; the records are read by `assist.records` and `assist.visits`, with
the shared words of `assist.lexicon`.

It is a draft for the reviewer to edit, never the reviewer's own words. The assist package
does no database access: the service passes the stored documents in
(`records_from_case_documents`), the CLI reads a folder (`records_from_folder`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from openimr.assist.dates import dates_in
from openimr.assist.lexicon import AGE, age_of, drug_mention, rx
from openimr.assist.records import Passage, RecordDocument, RecordText, date_record, passages
from openimr.assist.visits import (
    NO_BENEFIT,
    UNCERTAIN_DIAGNOSIS,
    VERB_ORDER,
    Visit,
    diagnoses,
    lower_phrase,
    read_visit,
    treatments,
)
from openimr.domain.case import Case
from openimr.domain.errors import InvalidInput
from openimr.domain.vocabulary import PartyRole

# -- public types -------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseHeader:
    """Facts the service already holds about the case; used only where the records are silent."""

    applicant_age: int | None = None
    applicant_sex: str | None = None
    date_of_injury: date | None = None
    represented: bool | None = None


@dataclass(frozen=True)
class Source:
    """Where a sentence's fact came from: `quote` is an exact substring of that page's text
    (page numbers start at 1). Facts from the case header have document_id "case", no page."""

    document_id: str
    page: int | None
    quote: str

    def label(self) -> str:
        return self.document_id if self.page is None else f"{self.document_id} p{self.page}"

    def to_dict(self) -> dict[str, object]:
        return {"document_id": self.document_id, "page": self.page, "quote": self.quote}


@dataclass(frozen=True)
class SummarySentence:
    text: str
    sources: tuple[Source, ...]

    def to_dict(self) -> dict[str, object]:
        return {"text": self.text, "sources": [s.to_dict() for s in self.sources]}


@dataclass(frozen=True)
class DraftSummary:
    """Paragraphs of sentences. The first paragraph: the worker, injury, diagnoses, the UR
    decision and the appeal; the second: the course of care in date order."""

    paragraphs: tuple[tuple[SummarySentence, ...], ...]

    def sentences(self) -> list[SummarySentence]:
        return [s for paragraph in self.paragraphs for s in paragraph]

    def text(self, with_sources: bool = True) -> str:
        """The draft as prose; with `with_sources`, each sentence ends with e.g. "[D4 p1]"."""
        out = []
        for paragraph in self.paragraphs:
            parts = []
            for sentence in paragraph:
                labels = list(dict.fromkeys(s.label() for s in sentence.sources))
                suffix = f" [{'; '.join(labels)}]" if with_sources and labels else ""
                parts.append(sentence.text + suffix)
            out.append(" ".join(parts))
        return "\n\n".join(out)

    def to_dict(self) -> dict[str, object]:
        return {"paragraphs": [[s.to_dict() for s in p] for p in self.paragraphs]}


def case_header(case: Case) -> CaseHeader:
    """What the case aggregate already knows about the worker, for `draft_case_summary`."""
    return CaseHeader(
        applicant_age=case.applicant_age,
        applicant_sex=case.applicant_sex,
        date_of_injury=case.date_of_injury,
        represented=bool(case.parties_with_role(PartyRole.REPRESENTATIVE)),
    )


def _source(record: RecordText, unit: Passage) -> Source:
    return Source(record.doc.document_id, unit.page, unit.quote)


# -- small text helpers --------------------------------------------------------------------


def long_date(value: date) -> str:
    """'April 8, 2011', the letters' way of writing a date."""
    return f"{value:%B} {value.day}, {value.year}"


def _join(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]} and {items[1]}"
    return ", ".join(items[:-1]) + ", and " + items[-1]


def _plural(items: Sequence[str]) -> bool:
    if len(items) != 1:
        return True
    only = items[0].lower()
    if only.startswith(("a ", "an ")):
        return False
    return only.endswith("s") and not only.endswith(("ss", "sis", "us"))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


# -- the worker, the injury, the diagnoses ---------------------------------------------------

_SEX = rx(r"\b(male|female|man|woman)\b|\b(Mr|Mrs|Ms)\.\s")
_INJURY = rx(
    r"date of (?:the )?(?:injury|accident|loss)|\bDOI\b|injur(?:y|ed)|"
    r"(?:occupational|industrial|work) claim|claim (?:from|dated|of)"
)
_REPRESENTED = rx(r"\battorney\b|applicant'?s counsel|represented by|law (?:office|firm)")


# -- the UR decision and the application ----------------------------------------------------

_DENIED = rx(r"non-?certif\w*|not certified|\bdenied\b|\bdenial\b|not approved|\bdeclined\b")
_MODIFIED = rx(r"\bmodif\w+")
_APPROVED = rx(r"\bcertified\b|\bapproved\b|\bauthorized\b")
_GUIDELINE = rx(
    r"\b(?:ODG|MTUS|ACOEM|Official Disability Guidelines|Chronic Pain Medical Treatment "
    r"Guidelines)\b"
)
_DOC_WORDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (rx(r"progress (?:note|report)s?"), "progress note"),
    (rx(r"office visit|visit note"), "office visit note"),
    (rx(r"\bRFA\b|request for authorization"), "RFA"),
    (rx(r"\b(?:medical )?report\b"), "report"),
)


def _ur_sentences(record: RecordText, injury: date | None) -> list[SummarySentence]:
    sentences = [u for u in record.units if not u.whole_segment]
    decision_units = [u for u in sentences if u.section == "decision"] or sentences
    verb, verb_unit = "addressed", None
    for unit in decision_units:
        for pattern, word in (
            (_DENIED, "failed to approve"),
            (_MODIFIED, "modified"),
            (_APPROVED, "approved"),
        ):
            if pattern.search(unit.text):
                verb, verb_unit = word, unit
                break
        if verb_unit:
            break
    items = _request_items(record)
    if not items:
        for unit in decision_units:
            items.extend((item, unit) for item, _ in treatments(unit.text))
    when = f" dated {long_date(record.date)}" if record.date else ""
    what = _join(list(dict.fromkeys(i for i, _ in items))) or "the disputed treatment"
    sources = [_source(record, u) for u in [verb_unit, *(u for _, u in items)] if u]
    if record.date_unit:
        sources.insert(0, _source(record, record.date_unit))
    out = [
        SummarySentence(
            f"In a Utilization Review report{when}, the claims administrator {verb} a request "
            f"for {what}.",
            _dedupe(sources),
        )
    ]
    referenced = _referenced(record, sentences, injury)
    if referenced:
        out.append(referenced)
    for unit in sentences:
        match = _GUIDELINE.search(unit.text)
        if match:
            cited = unit.text[match.start() :].rstrip(". ")
            out.append(
                SummarySentence(
                    f"The claims administrator cited {cited}.", (_source(record, unit),)
                )
            )
            break
    return out


def _referenced(
    record: RecordText, sentences: list[Passage], injury: date | None
) -> SummarySentence | None:
    for unit in sentences:
        dates = [d for d, _ in dates_in(unit.text) if d != record.date and d != injury]
        kinds = [name for pattern, name in _DOC_WORDS if pattern.search(unit.text)]
        if not dates or not kinds:
            continue
        when = dates[0]
        article = "an" if f"{when:%B}"[0] in "AEIOU" else "a"
        return SummarySentence(
            f"The claims administrator referenced {article} {long_date(when)} "
            f"{_join(list(dict.fromkeys(kinds)))} in its determination.",
            (_source(record, unit),),
        )
    return None


def _application_sentence(record: RecordText) -> SummarySentence:
    for unit in record.units:
        if not unit.whole_segment and _REPRESENTED.search(unit.text):
            return SummarySentence(
                "The applicant's attorney subsequently appealed.", (_source(record, unit),)
            )
    first = next(u for u in record.units if not u.whole_segment)
    when = f" on {long_date(record.date)}" if record.date else ""
    return SummarySentence(
        f"The applicant applied for Independent Medical Review{when}.", (_source(record, first),)
    )


# -- putting it together ----------------------------------------------------------------------


def _dedupe(sources: Iterable[Source]) -> tuple[Source, ...]:
    return tuple(dict.fromkeys(sources))


def _injury(records: list[RecordText]) -> tuple[date, Passage, RecordText] | None:
    for record in records:
        for unit in record.units:
            if unit.whole_segment and unit.section != "injury":
                continue
            match = _INJURY.search(unit.text)
            if not match:
                continue
            after = [(d, pos) for d, pos in dates_in(unit.text) if pos >= match.start()]
            if after:
                return after[0][0], unit, record
    return None


def _worker(records: list[RecordText]) -> dict[str, tuple[object, Passage, RecordText]]:
    found: dict[str, tuple[object, Passage, RecordText]] = {}
    # Newest first: the age closest to the review is the one the letter gives.
    for record in sorted(records, key=lambda r: r.date or date.min, reverse=True):
        for unit in record.units:
            if unit.whole_segment:
                continue
            age = AGE.search(unit.text)
            if age and "age" not in found:
                found["age"] = (age_of(age), unit, record)
            sex = _SEX.search(unit.text)
            if sex and "sex" not in found:
                word = (sex.group(1) or sex.group(2)).lower()
                found["sex"] = ("male" if word in ("male", "man", "mr") else "female", unit, record)
            if "represented" not in found and _REPRESENTED.search(unit.text):
                found["represented"] = (True, unit, record)
    return found


def _header(records: list[RecordText], case: CaseHeader | None) -> SummarySentence:
    worker = _worker(records)
    sources: list[Source] = []
    case = case or CaseHeader()

    def from_case(name: str, value: object) -> object:
        sources.append(Source("case", None, f"{name}: {value}"))
        return value

    age: object = None
    if "age" in worker:
        age, unit, rec = worker["age"]
        sources.append(_source(rec, unit))
    elif case.applicant_age is not None:
        age = from_case("applicant_age", case.applicant_age)
    sex: object = None
    if "sex" in worker:
        sex, unit, rec = worker["sex"]
        sources.append(_source(rec, unit))
    elif case.applicant_sex:
        sex = from_case("applicant_sex", case.applicant_sex)
    represented = False
    if "represented" in worker:
        represented = True
        sources.append(_source(worker["represented"][2], worker["represented"][1]))
    elif case.represented:
        represented = bool(from_case("represented", True))
    claimed: dict[str, str] = {}
    for record in records:
        if record.doc.kind in ("ur_decision", "application"):
            continue
        for item, unit in diagnoses(record):
            if UNCERTAIN_DIAGNOSIS.match(item):
                continue  # "rule out rotator cuff tear" is not a diagnosis the claim is for
            if item.lower() not in claimed:
                claimed[item.lower()] = item
                sources.append(_source(record, unit))
    injury = _injury(records)
    injury_date: date | None = None
    if injury:
        injury_date = injury[0]
        sources.append(_source(injury[2], injury[1]))
    elif case.date_of_injury:
        injury_date = case.date_of_injury
        from_case("date_of_injury", case.date_of_injury.isoformat())

    described = " ".join(
        w
        for w in (
            "represented" if represented else "",
            f"{age}-year-old" if age else "",
            str(sex or ""),
        )
        if w
    )
    if described == "represented":
        described = "represented worker"
    article = "an" if re.match(r"8|11\b|18\b", described) else "a"
    subject = f"The applicant is {article} {described} who" if described else "The applicant"
    claim = "has filed a claim"
    if claimed:
        claim += f" for {_join(list(claimed.values()))}"
    injury_text = ""
    if injury_date:
        joiner = " reportedly associated with" if claimed else " for"
        injury_text = f"{joiner} an industrial injury of {long_date(injury_date)}"
    return SummarySentence(f"{subject} {claim}{injury_text}.", _dedupe(sources))


def _visit_sentences(record: RecordText, previous_dx: set[str]) -> list[SummarySentence]:
    """The sentences for one visit note (or RFA), starting "On <date>, ..."."""
    visit = read_visit(record)

    def src(units: Iterable[Passage]) -> tuple[Source, ...]:
        return _dedupe(_source(record, u) for u in units)

    when = long_date(record.date) if record.date else None
    opener = f"On {when}, " if when else f"In an undated record ({record.doc.title}), "
    out: list[SummarySentence] = []

    def add(text: str, units: Iterable[Passage]) -> None:
        nonlocal opener
        if opener:
            # "On May 8, 2015, the applicant…", but drug names keep their capital.
            keep = drug_mention().match(text) or re.match(r"[A-Z]{2,}\b", text)
            text = opener + (text if keep else text[:1].lower() + text[1:])
        opener = ""
        out.append(SummarySentence(_capital(text), src(units)))

    if record.doc.kind == "rfa":
        requested = {
            item: unit
            for verb_items in visit.treatments.values()
            for item, unit in verb_items.items()
        }
        items = _request_items(record) or list(requested.items())
        if items:
            date_part = f" dated {when}" if when else ""
            out.append(
                SummarySentence(
                    f"A Request for Authorization{date_part} asked for "
                    f"{_join([i for i, _ in items])}.",
                    src(
                        [*([record.date_unit] if record.date_unit else []), *(u for _, u in items)]
                    ),
                )
            )
        return out

    if visit.complaints:
        text = f"the applicant reported {_join(list(visit.complaints))}"
        units = list(visit.complaints.values())
        if visit.pain_score:
            text += f", with pain rated {visit.pain_score[0]}"
            units.append(visit.pain_score[1])
        add(text + ".", [*([record.date_unit] if record.date_unit else []), *units])
    if visit.denied:
        add(f"The applicant denied {_join(list(visit.denied))}.", visit.denied.values())
    if visit.findings:
        add(f"Examination noted {_join(list(visit.findings))}.", visit.findings.values())
    new_dx = [d for d in visit.diagnoses if d not in previous_dx]
    if visit.diagnoses and new_dx:
        names = [_display_dx(d, visit) for d in visit.diagnoses]
        add(f"The diagnoses listed were {_join(names)}.", visit.diagnoses.values())
    previous_dx.update(visit.diagnoses)
    for verb in VERB_ORDER:
        named = visit.treatments.get(verb)
        if not named:
            continue
        names = list(named)
        if verb == "requested":
            text = f"The attending provider sought authorization for {_join(names)}."
        elif verb == "tried":
            failed = any(NO_BENEFIT.search(u.text) for u in named.values())
            text = f"Earlier treatment had included {_join(names)}"
            text += ", without relief." if failed else "."
        elif verb == "listed":
            text = f"The applicant's medications included {_join(names)}."
        else:
            be = "were" if _plural(names) else "was"
            text = f"{_capital(_join(names))} {be} {verb}."
        add(text, named.values())
    if visit.work:
        add(
            visit.work[0],
            [visit.work[1], *([visit.extra_work_unit] if visit.extra_work_unit else [])],
        )
    if not out:
        add(
            f"the record ({record.doc.title or record.doc.kind}) gave no complaint, finding, "
            "treatment or work status the draft could read.",
            [u for u in record.units[:1]],
        )
    return out


def _display_dx(key: str, visit: Visit) -> str:
    unit = visit.diagnoses[key]
    match = re.search(re.escape(key), unit.text, re.I)
    return lower_phrase(match.group(0)) if match else key


def _request_items(record: RecordText) -> list[tuple[str, Passage]]:
    """The items of "Request:" / "Requested treatment:" lines, each cut at its first comma
    ("Hot/Cold unit for the lumbar spine, for home use")."""
    items: list[tuple[str, Passage]] = []
    for unit in record.units:
        if not (unit.whole_segment and unit.section == "request"):
            continue
        if re.search(r"date|physician|provider|doctor|\bDr\b", unit.label, re.I):
            continue
        body = re.sub(r"^[^:]{0,40}:\s*", "", unit.text)
        for piece in re.split(r";|(?:^|\s)\d{1,2}[.)]\s+", body):
            item = re.split(r",|\.\s|\.$|\bas requested\b|\bper\b|\bfrom the\b", piece)[0]
            if item.strip():
                items.append((lower_phrase(item.strip()), unit))
    return items


def draft_case_summary(
    records: Sequence[RecordDocument], *, case: CaseHeader | None = None
) -> DraftSummary:
    """Draft the clinical case summary of an IMR letter from the case's records.

    The analysis cites the condition and the record's documents (LC 4610.6(e)); the summary
    is drawn from the records themselves (8 CCR 9792.10.6(b)(2)). The order is the letters':
    the worker, injury and diagnoses; the UR decision, what it referenced and the appeal;
    then the course of care in date order. Every sentence carries the document, page and
    quoted span it came from; negated findings ("no spasm") are written as absent, uncertain
    ones left out. `case` fills in the worker's age, sex, injury date or representation
    only when no record states them (its sources then read "case").
    """
    if not records:
        raise InvalidInput("no records to summarise", field="records")
    parsed = [RecordText(doc, passages(doc)) for doc in records]
    injury_found = _injury(parsed)
    injury = injury_found[0] if injury_found else (case.date_of_injury if case else None)
    for record in parsed:
        date_record(record, injury)
    # Date order; on the same day the visit note comes before its RFA.
    by_date = sorted(
        enumerate(parsed),
        key=lambda pair: (
            pair[1].date is None,
            pair[1].date or date.min,
            pair[1].doc.kind == "rfa",
            pair[0],
        ),
    )
    ordered = [record for _, record in by_date]

    first: list[SummarySentence] = [_header(ordered, case)]
    for record in ordered:
        if record.doc.kind == "ur_decision":
            first.extend(_ur_sentences(record, injury))
    for record in ordered:
        if record.doc.kind == "application":
            first.append(_application_sentence(record))

    course: list[SummarySentence] = []
    seen_dx: set[str] = set()
    for record in ordered:
        if record.doc.kind in ("ur_decision", "application"):
            continue
        course.extend(_visit_sentences(record, seen_dx))
    paragraphs = tuple(p for p in (tuple(first), tuple(course)) if p)
    return DraftSummary(paragraphs)
