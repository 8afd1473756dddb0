"""What the record does not settle, said in the draft rather than settled silently.

A reviewer must know where the record disagrees with itself or is incomplete: two pain
scores for the same day in different notes (UR may have relied on one of them), an
examination copied forward word for word from an earlier visit, an addendum that changes
what a note said, two dates of injury, and a record that could not be read (a scanned page
with no text and no OCR). Each finding names both sources; the reviewer decides what to make
of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher

from openimr.assist.dates import dates_in
from openimr.assist.encounters import Encounter, about, clean_sentence, describe
from openimr.assist.records import Passage, RecordDocument, RecordText

# Two examinations at least this alike (by words) read as one copied into the other.
COPIED_FORWARD_RATIO = 0.92
_CHANGES = re.compile(r"correct|should read|amend|\bnot\b|in error|replaces?", re.I)


@dataclass(frozen=True)
class Finding:
    """One thing the record does not settle: the sentence and the passages it names (the
    first is the passage at issue; `named` are those that name the records: date, author)."""

    text: str
    units: tuple[tuple[RecordText, Passage], ...]
    named: tuple[tuple[RecordText, Passage | None], ...] = ()


def pain_contradictions(encounters: list[Encounter]) -> list[Finding]:
    """Different pain scores for the same day in different records."""
    by_day: dict[date, list[Encounter]] = {}
    for encounter in encounters:
        if encounter.pain and encounter.date:
            by_day.setdefault(encounter.date, []).append(encounter)
    found = []
    for day, same_day in sorted(by_day.items()):
        scores = {e.pain[0] for e in same_day if e.pain}
        if len(scores) < 2:
            continue
        parts = [f"{e.pain[0]} in the {describe(e)}" for e in same_day if e.pain]
        found.append(
            Finding(
                f"The record gives different pain scores for {long_date(day)}: "
                f"{_join(parts)}; the draft does not choose between them.",
                tuple((e.record, e.pain[1]) for e in same_day if e.pain),
                tuple(u for e in same_day for u in about(e)),
            )
        )
    return found


def copied_exams(encounters: list[Encounter]) -> list[Finding]:
    """A later examination worded (nearly) as an earlier one: copied forward, not repeated."""
    found = []
    earlier: list[Encounter] = []
    for encounter in encounters:
        if encounter.exam is None or encounter.date is None:
            continue
        words = _words(encounter.exam[0])
        for before in earlier:
            assert before.exam is not None
            if before.date == encounter.date or len(words) < 12:
                continue
            ratio = SequenceMatcher(None, _words(before.exam[0]), words).ratio()
            if ratio >= COPIED_FORWARD_RATIO:
                same = "word for word" if ratio == 1.0 else "almost word for word"
                assert before.date is not None and encounter.date is not None
                found.append(
                    Finding(
                        f"The examination in the {describe(encounter)} of "
                        f"{long_date(encounter.date)} repeats {same} the examination of "
                        f"{long_date(before.date)}: it may have been copied forward rather "
                        "than repeated.",
                        (
                            (encounter.record, encounter.exam[1][0]),
                            (before.record, before.exam[1][0]),
                        ),
                        (*about(encounter), *about(before)),
                    )
                )
                break
        earlier.append(encounter)
    return found


def addenda(encounters: list[Encounter]) -> list[Finding]:
    """Each addendum, with what it changes when it corrects the note."""
    found = []
    for encounter in encounters:
        for unit in encounter.addenda:
            when = dates_in(unit.text)
            dated = f" dated {long_date(when[0][0])}" if when else ""
            of = f" of {long_date(encounter.date)}" if encounter.date else ""
            change = " changes the note" if _CHANGES.search(unit.text) else " adds to the note"
            body = clean_sentence(re.sub(r"^[^:]{0,40}:\s*", "", unit.text), keep_heading=True)
            body = re.sub(r"\s*[A-Z]\. [A-Z][a-z]+, M\.D\.$", "", body)
            found.append(
                Finding(
                    f"An addendum{dated} to the {describe(encounter)}{of}{change}: {body}",
                    ((encounter.record, unit),),
                    tuple(about(encounter)),
                )
            )
    return found


def injury_dates(dates: list[tuple[date, RecordText, Passage]]) -> list[Finding]:
    distinct = sorted({d for d, _, _ in dates})
    if len(distinct) < 2:
        return []
    seen: dict[date, tuple[RecordText, Passage]] = {}
    for value, record, unit in dates:
        seen.setdefault(value, (record, unit))
    listed = _join([f"{long_date(d)} ({seen[d][0].doc.document_id})" for d in distinct])
    return [
        Finding(
            f"The records give different dates of injury: {listed}.",
            tuple(seen[d] for d in distinct),
        )
    ]


def unread_notice(doc: RecordDocument) -> str:
    """The sentence naming a record, or pages of it, that nobody could read."""
    name = doc.filename or doc.title or doc.document_id
    pages = ", ".join(str(p) for p in doc.unread_pages)
    which = (
        "it has"
        if doc.unread
        else f"page {pages} has"
        if "," not in pages
        else (f"pages {pages} have")
    )
    return (
        f"Document {doc.document_id} ({name}) was not read: {which} no text layer (a scanned "
        "image) and no OCR was available; the reviewer must read it."
    )


def ocr_notice(doc: RecordDocument) -> str:
    name = doc.filename or doc.title or doc.document_id
    pages = ", ".join(str(p) for p in doc.ocr_pages)
    return (
        f"Document {doc.document_id} ({name}) is a scan; its text (page {pages}) was read by "
        "OCR and may contain reading errors."
    )


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9/.]+", text.lower())


def long_date(value: date) -> str:
    return f"{value:%B} {value.day}, {value.year}"


def _join(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + ", and " + items[-1]
