"""The papers of the dispute: the RFA's requested items and the UR decision on each.

A UR decision lists each requested item with its outcome ("1. Right shoulder arthroscopy ...:
Non-certified.", "Item 2: Post-operative occupational therapy, 12 visits: Modified to 8
visits.", or "Request: ... Determination: Non-certified."), then its rationale and the
guideline it relied on (8 CCR 9792.9.1(e)(5)). The RFA (DWC Form RFA) numbers what the
physician asked for. These readers return the record's own wording with the passage it
came from; `assist.summary` writes the sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from openimr.assist.encounters import SIGNATURE, clean_sentence
from openimr.assist.lexicon import expand_abbreviations, rx
from openimr.assist.records import Passage, RecordText

_OUTCOME = (
    r"(?:Non-?certified|Not certified|Certified|Approved|Authorized|Denied|Modified|"
    r"Partially certified)\b"
)
_NUMBERED_ITEM = re.compile(
    r"(?:(?<=\s)|^)(?:\d{1,2}[.)]|Item \d+:)\s+(?P<item>[^:]{3,240}?):\s+"
    r"(?P<outcome>" + _OUTCOME + r"[^.]*?(?:\.\d[^.]*?)*)\.(?=\s|$)",
    re.I,
)
_CODES = re.compile(
    r"\s*\((?:CPT|HCPCS)[^)]*\)|\s*[;,]?\s*ICD-?10:?\s*[A-Z]\d[\w.]*(?:,\s*[A-Z]\d[\w.]*)*"
    r"|\s*\([A-Z]\d{4}\)|\s*\(J\d{4}\)",
)
# An item's first word that is an ordinary word, so lower-cased mid-sentence; any other first
# word (a brand, an acronym) keeps its capital.
_COMMON_FIRST_WORDS = frozenset(
    [
        "right",
        "left",
        "bilateral",
        "repeat",
        "post-operative",
        "postoperative",
        "pre-operative",
        "cognitive",
        "physical",
        "occupational",
        "cold",
        "hot",
        "hot/cold",
        "home",
        "lumbar",
        "cervical",
        "thoracic",
        "urine",
        "topical",
        "additional",
        "outpatient",
        "inpatient",
        "diagnostic",
        "durable",
        "chiropractic",
        "acupuncture",
        "massage",
        "aquatic",
        "functional",
        "psychological",
        "psychiatric",
        "transforaminal",
        "epidural",
        "total",
        "partial",
        "arthroscopic",
        "open",
        "knee",
        "shoulder",
        "electrodiagnostic",
        "trigger",
        "facet",
        "medial",
        "radiofrequency",
        "spinal",
        "surgical",
        "office",
        "follow-up",
        "consultation",
        "referral",
        "physical",
        "therapy",
    ]
)
NOT_CERTIFIED = rx(r"non-?certif|not certif|denied|modif|partially")


@dataclass(frozen=True)
class Decided:
    """One requested item and what UR decided on it, in the decision's own words."""

    item: str
    outcome: str  # "non-certified", "modified to 8 visits", "certified"
    unit: Passage
    item_unit: Passage | None = None  # where the item is named, when not in `unit`

    @property
    def disputed(self) -> bool:
        """Non-certified or modified: what IMR can review (LC 4610.5)."""
        return bool(NOT_CERTIFIED.search(self.outcome))

    def verb(self) -> str:
        word = self.outcome.split()[0].lower().rstrip(",.")
        return {"approved": "certified", "authorized": "certified", "denied": "non-certified"}.get(
            word, word
        )


def decisions(record: RecordText) -> list[Decided]:
    """Every item the UR decision rules on, with its outcome."""
    found: list[Decided] = []
    segments = [u for u in record.units if u.whole_segment]
    for unit in segments:
        for match in _NUMBERED_ITEM.finditer(unit.text):
            item = _item_words(match.group("item"))
            found.append(Decided(item, match.group("outcome").strip(), unit))
    if found:
        return found
    requested = next((u for u in segments if u.section == "request"), None)
    decided = next((u for u in segments if u.section == "decision"), None)
    if requested and decided:
        item = _item_words(_body(requested.text).split(", as requested")[0])
        outcome = _body(decided.text).rstrip(".")
        found.append(Decided(item, outcome, decided, requested))
    return found


def request_unit(record: RecordText) -> Passage | None:
    return next((u for u in record.units if u.whole_segment and u.section == "request"), None)


def requested_items(record: RecordText) -> list[tuple[str, Passage]]:
    """The numbered items of an RFA's "Requested treatment:" (or one unnumbered item)."""
    items: list[tuple[str, Passage]] = []
    for unit in record.units:
        if not (unit.whole_segment and unit.section == "request"):
            continue
        body = _body(unit.text)
        pieces = re.split(r"(?:^|\s)\d{1,2}[.)]\s+", body)
        for piece in pieces:
            item = _item_words(piece)
            if item:
                items.append((item, unit))
    return items


def rationale(record: RecordText) -> list[Passage]:
    """The sentences of the decision's rationale."""
    return [
        u
        for u in record.units
        if not u.whole_segment and u.section == "rationale" and not SIGNATURE.match(u.text)
    ]


def guideline(record: RecordText) -> tuple[str, Passage] | None:
    """The guideline the decision cites, as it names it."""
    for unit in record.units:  # its first sentence: a signature may follow in PDF text
        if not unit.whole_segment and unit.section == "guideline":
            return _body(unit.text).rstrip("."), unit
    return None


def _body(text: str) -> str:
    return re.sub(r"^[^:]{0,40}:\s*", "", text).strip()


def _item_words(text: str) -> str:
    text = _CODES.sub("", text)
    text = re.split(r",? for home use|\.\s", text)[0]
    text = expand_abbreviations(text).strip(" .;,")
    first = text.split(" ", 1)[0].lower()
    if first in _COMMON_FIRST_WORDS:
        return first + text[len(first) :]
    return text  # "Norco 10/325 mg #120", "Euflexxa", "EMG/NCS" keep their capitals


def sentence_of(unit: Passage) -> str:
    return clean_sentence(unit.text)
