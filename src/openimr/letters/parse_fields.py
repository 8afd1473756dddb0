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
_MONTHS = {
    m: i
    for i, m in enumerate(
        [
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
        ],
        1,
    )
}
_DATE_PATTERNS = (
    re.compile(r"\b(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4}|\d{2})\b"),
    re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b"),
    re.compile(r"\b(?P<mon>[A-Z][a-z]+)\.? (?P<d>\d{1,2}),? (?P<y>\d{4})\b"),
)
CASE_NUMBER = re.compile(r"\b[A-Z]{2}\d{2}-\d{4,10}\b")


def parse_date(text: str) -> str | None:
    """The first date in `text` as ISO 8601 (MM/DD/YYYY, YYYY-MM-DD or "Month D, YYYY")."""
    found: list[tuple[int, str]] = []
    for pattern in _DATE_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        parts = match.groupdict()
        try:
            month = _MONTHS[parts["mon"].lower()] if parts.get("mon") else int(parts["m"])
            year = int(parts["y"])
            year += 2000 if year < 100 else 0
            found.append((match.start(), date(year, month, int(parts["d"])).isoformat()))
        except (KeyError, ValueError):
            continue
    return min(found)[1] if found else None


def parse_header(lines: list[str]) -> dict[str, str | None]:
    """The labelled header fields, wherever the wrapping put their values."""
    text = " ".join(line.strip() for line in lines if line.strip())
    matches = list(_LABEL_RE.finditer(text))
    fields: dict[str, str | None] = {}
    for index, match in enumerate(matches):
        field = _LABEL_TO_FIELD[match.group("label").lower()]
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        value = text[match.end() : end].strip()
        if field in fields and fields[field]:
            continue
        if field == "case_number":
            number = CASE_NUMBER.search(value)
            fields[field] = number.group(0) if number else (value.split() or [None])[0]
        elif field == "priority":
            low = value.lower()
            fields[field] = (
                "expedited"
                if re.search(r"expedited|urgent", low)
                else "standard"
                if re.search(r"standard|regular|routine", low)
                else None
            )
        else:
            fields[field] = parse_date(value)
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
        for follower in lines[index + 1 : index + 4]:
            stripped = follower.strip()
            if (
                not stripped
                or is_section_header(stripped)
                or _LICENSURE.search(stripped)
                or _SPECIALTY.search(stripped)
                or ":" in stripped
                or stripped.endswith(".")
                or len(stripped) > 40
            ):
                break
            parts.append(stripped)
        return join_lines(parts)
    return None


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
