"""The public version of a letter: individually identifiable information removed.

LC 4610.6 lets the Administrative Director publish IMR determinations once individually
identifiable information is removed (docs/regulations.md §6.2), and LC 4610.6(f) keeps the
reviewer's identity out of every letter. Two nets catch what must go:

1. every identifier the case itself knows — party names, organisations, addresses, relation
   keys, the claim number, document ids, filenames and authors, the reviewer's identity —
   matched case-insensitively and across line wraps;
2. patterns for what the case may not know — claim-number-like tokens, dates of birth, phone
   numbers, SSN-like numbers, e-mail addresses, street addresses and ZIP codes.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from openimr.domain.case import Case, Party
from openimr.domain.citation import Citation
from openimr.domain.determination import Determination
from openimr.domain.errors import IdentityLeak
from openimr.rules.pack import load_pack

REDACTED = "[redacted]"

# Kinds of party role (rules/pack.py) whose names are people's names: each part of the
# name is identifying too.
_PERSON_KINDS = ("patient", "representative", "provider")
# Titles and suffixes carry no identity; redacting them alone would eat ordinary words.
_NAME_NOISE = {
    "dr",
    "dr.",
    "mr",
    "mr.",
    "mrs",
    "mrs.",
    "ms",
    "ms.",
    "md",
    "m.d.",
    "do",
    "d.o.",
    "dc",
    "d.c.",
    "phd",
    "ph.d.",
    "jr",
    "jr.",
    "sr",
    "sr.",
    "ii",
    "iii",
    "iv",
    "esq",
    "esq.",
    "the",
    "of",
    "and",
    "for",
    "inc",
    "inc.",
    "llc",
    "llp",
    "co",
    "co.",
    "corp",
    "corp.",
    "group",
}
_PERSON_TITLE = re.compile(
    r"^(?:dr|mr|mrs|ms|miss)\.?\s|,?\s(?:md|m\.d\.|do|d\.o\.|dc|d\.c\.|phd|np|pa-c|pt)\.?$", re.I
)
_ORG_SUFFIX = re.compile(r",?\s+(?:inc|llc|llp|ltd|corp|co|company|corporation)\.?$", re.I)

_DATE = r"(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}|[A-Z][a-z]{2,8}\.? \d{1,2},? \d{4})"
_DATE_LIKE = re.compile(rf"^{_DATE}$")
_STREET_SUFFIX = (
    r"(?i:street|st|avenue|ave|road|rd|boulevard|blvd|drive|dr|lane|ln|way|court|ct|place|pl|"
    r"parkway|pkwy|highway|hwy|circle|cir|terrace|ter|trail|square|sq)"
)

# (pattern, replacement function) pairs applied after the known identifiers.
_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    # Date of birth: keep the words, drop the date.
    (
        re.compile(
            rf"(?i)\b(date of birth|birth ?date|d\.?o\.?b\.?|born(?: on)?)(\s*(?:[:#-]|is|was)?\s*)"
            rf"{_DATE}"
        ),
        lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}",
    ),
    (re.compile(r"\b\d{3}-\d{2}-\d{4}\b"), lambda m: REDACTED),  # SSN-like
    (
        re.compile(r"(?:\+?1[-.\s]?)?(?:\(\d{3}\)\s?|\b\d{3}[-.\s])\d{3}[-.\s]\d{4}\b"),
        lambda m: REDACTED,
    ),  # phone numbers
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), lambda m: REDACTED),  # e-mail
    (re.compile(r"(?i)\bP\.?\s*O\.?\s*Box\s+\d+\b"), lambda m: REDACTED),
    (
        re.compile(
            rf"\b\d{{1,6}}(?:\s+[A-Za-z0-9.'-]+){{1,4}}?\s+{_STREET_SUFFIX}\b\.?"
            r"(?:,?\s+(?i:suite|ste\.?|unit|apt\.?|#)\s*[\w-]+)?"
        ),
        lambda m: REDACTED,
    ),  # street addresses
    (re.compile(r"\b[A-Z]{2}\s+\d{5}(?:-\d{4})?\b"), lambda m: REDACTED),  # state + ZIP
    # "claim no. 12-34", "policy #AB1234": a labelled identifier with a digit in it.
    (
        re.compile(
            r"(?i)\b(claim|policy|member|account|file|reference|ref|adj|wcab)"
            r"(\s*(?:no\.?|number|#)?\s*[:#]?\s*)(?=[A-Za-z0-9-]*\d)[A-Za-z0-9][A-Za-z0-9-]{2,}"
        ),
        lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}",
    ),
]
# Tokens with six digits or more look like claim, account or file numbers.
_NUMBERISH = re.compile(r"(?<![\w/])[A-Za-z0-9][A-Za-z0-9-]*\d[A-Za-z0-9-]*(?![\w/])")


def _flexible(identifier: str) -> str:
    """A regex for `identifier` that survives line wraps and case changes.

    Whitespace may become any run of whitespace (a wrapped line) and a hyphen may be
    followed by a line break, as a wrapped 'WC-2015-\\n0001' would be.
    """
    tokens = identifier.split()
    parts = []
    for token in tokens:
        pieces = [re.escape(p) for p in token.split("-")]
        parts.append(r"-\s*".join(pieces))
    return r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)"


@dataclass(frozen=True)
class Redactor:
    """Removes a fixed set of identifiers, then the identifying patterns, from free text."""

    identifiers: tuple[str, ...]
    keep: tuple[str, ...] = ()  # tokens the number pattern must leave alone (the case number)

    def __post_init__(self) -> None:
        ordered = sorted({i.strip() for i in self.identifiers if i.strip()}, key=len, reverse=True)
        pattern = "|".join(_flexible(i) for i in ordered)
        object.__setattr__(self, "_known", re.compile(pattern, re.I) if pattern else None)
        object.__setattr__(self, "_keep", {k.upper() for k in self.keep})

    @classmethod
    def for_case(cls, case: Case, *, withheld: Iterable[str] = ()) -> Redactor:
        """Everything `case` knows that identifies someone, plus `withheld` (reviewer identity)."""
        found: list[str] = list(withheld)
        pack = load_pack(case.jurisdiction)
        people = frozenset(r for kind in _PERSON_KINDS for r in pack.roles_of_kind(kind))
        for party in case.parties:
            found += name_variants(party.name, person=_is_person(party, people))
            if party.organization:
                found += name_variants(party.organization, person=False)
            if party.address:
                found += _address_variants(party.address)
            slug = party.key.split(":", 1)[-1]
            found += [party.key, slug, slug.replace("-", " ").replace("_", " ")]
        if case.claim_number:
            found.append(case.claim_number)
        organizations = {p.name.lower() for p in case.parties if not _is_person(p, people)}
        for doc in case.documents:
            found += [doc.document_id, doc.content_hash]
            if doc.filename:
                found.append(doc.filename)
            if doc.author:
                # An author is a person when titled so ("Dr. ...", "..., MD") and not a party org.
                person = doc.author.lower() not in organizations and bool(
                    _PERSON_TITLE.search(doc.author)
                )
                found += name_variants(doc.author, person=person)
        return cls(identifiers=tuple(found), keep=(case.case_number,))

    def redact(self, text: str) -> str:
        """`text` with every known identifier and identifying pattern replaced."""
        text = self.redact_known(text)
        for pattern, replace in _PATTERNS:
            text = pattern.sub(replace, text)
        return _NUMBERISH.sub(self._numberish, text)

    def redact_known(self, text: str) -> str:
        """`text` with only the known identifiers replaced (no patterns)."""
        known: re.Pattern[str] | None = self._known  # type: ignore[attr-defined]
        return known.sub(REDACTED, text) if known is not None else text

    def leaks(self, text: str) -> list[str]:
        """The known identifiers still present in `text` (case-insensitive, across wraps)."""
        found = []
        for identifier in self.identifiers:
            if identifier.strip() and re.search(_flexible(identifier.strip()), text, re.I):
                found.append(identifier)
        return found

    def _numberish(self, match: re.Match[str]) -> str:
        token = match.group(0)
        if token.upper() in self._keep:  # type: ignore[attr-defined]
            return token
        if sum(ch.isdigit() for ch in token) < 6 or _DATE_LIKE.match(token):
            return token
        return REDACTED


def scrub_determination(det: Determination, scrub: Callable[[str], str]) -> Determination:
    """`det` with `scrub` applied to every free text a reader sees: the summary, each
    rationale and strength of evidence, and every text field of every citation.
    The reviewer id (`signed_by`) is emptied: the reader of a scrubbed copy never needs it."""

    def cite(c: Citation) -> Citation:
        return dataclasses.replace(
            c,
            guideline=scrub(c.guideline) if c.guideline else c.guideline,
            edition=scrub(c.edition) if c.edition else c.edition,
            sections=tuple(scrub(s) for s in c.sections),
            pages=tuple(scrub(p) for p in c.pages),
            text=scrub(c.text) if c.text else c.text,
            strength=scrub(c.strength) if c.strength else c.strength,
        )

    items = tuple(
        dataclasses.replace(
            i,
            claims_administrator_guideline=tuple(cite(c) for c in i.claims_administrator_guideline),
            imr_guideline=tuple(cite(c) for c in i.imr_guideline),
            rationale=scrub(i.rationale),
            strength_of_evidence=(
                scrub(i.strength_of_evidence) if i.strength_of_evidence else None
            ),
        )
        for i in det.items
    )
    return dataclasses.replace(
        det, clinical_case_summary=scrub(det.clinical_case_summary), items=items, signed_by=""
    )


def withhold_reviewer(det: Determination, identity: Iterable[str], keep: str) -> Determination:
    """`det` as a party may read it: the reviewer's id and `identity` (name, licence
    numbers) replaced wherever the reviewer wrote them (LC 4610.6(f)); `keep` is the case
    number, which stays."""
    redactor = Redactor(identifiers=(det.signed_by, *identity), keep=(keep,))
    return scrub_determination(det, redactor.redact_known)


def assert_absent(text: str, identities: Iterable[str]) -> None:
    """Raise IdentityLeak when any of `identities` (e.g. the reviewer's name) is in `text`."""
    for identity in identities:
        if identity.strip() and re.search(_flexible(identity.strip()), text, re.I):
            raise IdentityLeak(
                "the letter shows an identity it must withhold (LC 4610.6(f))", identity=identity
            )


def _is_person(party: Party, person_roles: frozenset[str]) -> bool:
    """A party is a person unless its graph key says organisation: a provider may be a clinic,
    and splitting "Sample Spine Clinic" into words would redact "spine" everywhere."""
    if party.key.startswith("org:"):
        return False
    return party.key.startswith("person:") or party.role in person_roles


def name_variants(name: str, *, person: bool) -> list[str]:
    """The full name, without a corporate suffix, and for people each part of the name."""
    name = " ".join(name.split())
    variants = [name, _ORG_SUFFIX.sub("", name)]
    if person:
        for part in re.split(r"[\s,]+", name):
            if len(part) >= 2 and part.lower() not in _NAME_NOISE:
                variants.append(part.strip(".,"))
    return [v for v in variants if v]


def _address_variants(address: str) -> list[str]:
    """The whole address and each comma-separated part long enough to identify."""
    address = " ".join(address.split())
    return [address, *(p.strip() for p in address.split(",") if len(p.strip()) >= 4)]
