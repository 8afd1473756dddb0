"""The fields of a letter outside its items: header block, reviewer, applicant.

The header block is a set of labelled values ("Case Number:", "Date Assigned:", ...) that
PDF extraction wraps and reorders freely; the reviewer's credentials are two labelled lists
(LC 4610.6(f): qualifications stated, name withheld); the applicant's age and sex are read
from the clinical case summary.
"""

from __future__ import annotations

import re
from datetime import date

from openimr.letters.model import ParsedApplicant, ParsedReviewer
from openimr.letters.parse_text import is_section_header, join_lines

# -- header block ---------------------------------------------------------------------

_HEADER_LABELS: dict[str, tuple[str, ...]] = {
    "case_number": ("IMR Case Number", "Case Number", "Case No."),
    "date_assigned": ("Date Assigned",),
    "date_of_injury": ("Date of Injury",),
    "decision_date": ("Decision Date", "Date of Decision"),
    "ur_denial_date": ("UR Denial Date", "Date of UR Decision", "UR Decision Date"),
    "application_received": ("Application Received", "Date Application Received"),
    "priority": ("Priority", "Review Type"),
}
_LABEL_TO_FIELD = {
    label.lower(): name for name, labels in _HEADER_LABELS.items() for label in labels
}
_LABEL_RE = re.compile(
    r"(?<![A-Za-z])(?P<label>"
    + "|".join(re.escape(lb) for lb in sorted(_LABEL_TO_FIELD, key=len, reverse=True))
    + r")\s*:",
    re.IGNORECASE,
)
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTHS = {m: i for i, m in enumerate(MONTHS, 1)}
_DATE_PATTERNS = (
    re.compile(r"\b(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4}|\d{2})\b"),
    re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b"),
    re.compile(r"\b(?P<mon>[A-Z][a-z]+)\.? (?P<d>\d{1,2}),? (?P<y>\d{4})\b"),
)
CASE_NUMBER = re.compile(r"\b[A-Z]{2}\d{2}-\d{4,10}\b")


_PRIORITY_WORD = re.compile(r"\b(?:expedited|urgent|standard|regular|routine)\b", re.I)


def _date_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, ISO 8601 date) of every date in `text`, in the order written."""
    found: list[tuple[int, int, str]] = []
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            parts = match.groupdict()
            try:
                month = _MONTHS[parts["mon"].lower()] if parts.get("mon") else int(parts["m"])
                year = int(parts["y"])
                year += 2000 if year < 100 else 0
                iso = date(year, month, int(parts["d"])).isoformat()
            except (KeyError, ValueError):
                continue
            found.append((match.start(), match.end(), iso))
    return sorted(found)


def parse_date(text: str) -> str | None:
    """The first date in `text` as ISO 8601 (MM/DD/YYYY, YYYY-MM-DD or "Month D, YYYY")."""
    spans = _date_spans(text)
    return spans[0][2] if spans else None


def _header_values(field: str, text: str) -> list[tuple[int, int, str]]:
    """(start, end, value) of the values of `field`'s kind in `text`, in order."""
    if field == "case_number":
        return [(m.start(), m.end(), m.group(0)) for m in CASE_NUMBER.finditer(text)]
    if field == "priority":
        return [
            (
                m.start(),
                m.end(),
                "expedited" if m.group(0).lower() in {"expedited", "urgent"} else "standard",
            )
            for m in _PRIORITY_WORD.finditer(text)
        ]
    return _date_spans(text)


def _kind(field: str) -> str:
    return field if field in {"case_number", "priority"} else "date"


def parse_header(lines: list[str]) -> dict[str, str | None]:
    """The labelled header fields, wherever the wrapping put their values.

    The header is a two-column table: extraction may give "Date Assigned: 11/18/2016 Date
    of Injury: 10/10/2016", split a label over lines, or read the labels before the values
    ("Date Assigned: Date of Injury: 11/18/2016 10/10/2016"). A label left without a value
    of its kind takes the next such value in order.
    """
    text = " ".join(line.strip() for line in lines if line.strip())
    matches = list(_LABEL_RE.finditer(text))
    fields: dict[str, str | None] = {}
    waiting: list[str] = []  # fields, in label order, still without a value
    for index, match in enumerate(matches):
        field = _LABEL_TO_FIELD[match.group("label").lower()]
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        segment = text[match.end() : end]
        if fields.get(field):
            continue
        if field not in waiting:
            waiting.append(field)
        # Values go to the waiting labels of their kind in order; when there are fewer
        # values than labels, to the labels nearest the values (a blank field stays blank).
        for kind in dict.fromkeys(_kind(name) for name in waiting):
            names = [name for name in waiting if _kind(name) == kind]
            values = _header_values(names[0], segment)
            if not values:
                continue
            for name, value in zip(names[-len(values) :], values, strict=False):
                fields[name] = value[2]
                waiting.remove(name)
        if field == "case_number" and field in waiting and segment.split():
            # A case number in another format: the first word after its label.
            fields[field] = segment.split()[0]
            waiting.remove(field)
    for name in waiting:
        fields.setdefault(name, None)
    return fields


# -- reviewer and applicant -----------------------------------------------------------

_LICENSURE = re.compile(
    r"State\(s\) of Licensure:|States? of Licensure:|Licensed in:", re.IGNORECASE
)
_SPECIALTY = re.compile(
    r"Certification\(s\)/Specialty:|Certifications?/Specialt(?:y|ies):|Board Certification\(s\):"
    r"|Specialt(?:y|ies):",
    re.IGNORECASE,
)
_AGE = re.compile(
    r"\b(?P<age>\d{1,3})(?:[- ](?:year|yr)s?[- ]old\b|\s?(?:y/o|y\.o\.|yo)(?![A-Za-z]))",
    re.IGNORECASE,
)
_SEX_WORD = re.compile(r"\b(?P<word>female|male|woman|man|gentleman|lady)\b", re.IGNORECASE)


def _labelled_value(lines: list[str], label: re.Pattern[str]) -> str | None:
    for index, line in enumerate(lines):
        match = label.search(line) if ":" in line else None
        if not match:
            continue
        parts = [line[match.end() :].strip()]
        for follower in lines[index + 1 : index + 5]:
            stripped = follower.strip()
            if (
                not stripped
                or is_section_header(stripped)
                or ":" in stripped
                or not _continues_list(parts[-1], stripped)
            ):
                break
            parts.append(stripped)
        return join_lines(parts)
    return None


_NAME_SMALL_WORDS = frozenset({"of", "and", "the", "in", "for", "with", "&"})


def _continues_list(previous: str, line: str) -> bool:
    """Whether `line` carries on a wrapped list of names rather than starting prose.

    A list cut mid-way ("Preventive Medicine," / "Physical Medicine &", or "Physical
    Medicine" / "& Rehabilitation") always goes on;
    otherwise the line must look like more names: short, title case, no full stop.
    """
    if re.search(r"(?:[,&/;-]|\band|\bof)$", previous.rstrip()) or re.match(
        r"(?:[&/,-]|and\b)", line
    ):
        return True
    if line.endswith(".") or len(line) > 60:
        return False
    # Specialty and state names are title case: "Physical Medicine & Rehabilitation".
    return all(
        word[:1].isupper() or word[:1] in "(&" or word.lower() in _NAME_SMALL_WORDS
        for word in line.replace(",", " ").replace(";", " ").split()
    )


def _split_names(value: str | None) -> list[str]:
    if not value:
        return []
    return [part.strip(" .") for part in re.split(r"\s*[,;]\s*", value) if part.strip(" .")]


def parse_reviewer(lines: list[str]) -> ParsedReviewer:
    """State(s) of licensure and certification(s)/specialty as lists (LC 4610.6(f))."""
    return ParsedReviewer(
        licensure=_split_names(_labelled_value(lines, _LICENSURE)),
        specialties=_split_names(_labelled_value(lines, _SPECIALTY)),
    )


def parse_applicant(summary: str | None) -> ParsedApplicant:
    """Age and sex as the summary states them ("a 48-year-old male ...")."""
    if not summary:
        return ParsedApplicant()
    age_match = _AGE.search(summary)
    age = (
        int(age_match.group("age")) if age_match and 0 < int(age_match.group("age")) < 120 else None
    )
    sex = None
    if age_match:
        window = summary[age_match.end() : age_match.end() + 40]
        word = _SEX_WORD.search(window)
        if word:
            sex = "female" if word.group("word").lower() in {"female", "woman", "lady"} else "male"
    if sex is None:
        he = len(re.findall(r"\b(?:he|him|his)\b", summary, re.IGNORECASE))
        she = len(re.findall(r"\b(?:she|her|hers)\b", summary, re.IGNORECASE))
        if he >= 2 and she == 0:
            sex = "male"
        elif she >= 2 and he == 0:
            sex = "female"
    return ParsedApplicant(age=age, sex=sex)  # type: ignore[arg-type]
