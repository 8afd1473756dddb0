"""Cases and determinations for the letter renderer's tests (a small local factory).

`seed_case()` is the published seed letter's case as structured data; `letter_inputs()` is a
hypothesis strategy over whole (case, determination) pairs: 1-25 items, modified requests,
several citations per item in every source form, long descriptions that wrap.
"""

from __future__ import annotations

import string
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from hypothesis import strategies as st

from openimr.domain.case import Case, CaseDocument, DisputedItem, Party
from openimr.domain.citation import Citation
from openimr.domain.determination import Determination, ItemDetermination
from openimr.domain.reviewer import ReviewerCredentials
from openimr.domain.vocabulary import (
    CaseState,
    Decision,
    DocumentKind,
    EvidenceSource,
    PartyRole,
    Priority,
    ServiceMethod,
)

REVIEWER_ID = "rev-7f3a9c"
REVIEWER_NAME = "Dr. Evangeline Quarterbridge"

SEED_SUMMARY = (
    "The applicant is a represented 54-year-old who has filed a claim for chronic low back "
    "pain with sleep disturbance, anxiety and depression after an industrial injury of April 8, "
    "2011. Utilization review of May 15, 2015 did not approve a hot and cold unit for the lumbar "
    "spine, citing an April 6, 2015 progress note and request for authorization.\n\n"
    "On April 6, 2015 the attending provider asked for a hot and cold device for ongoing low "
    "back pain while the applicant remained off work on temporary total disability."
)
SEED_RATIONALE = (
    "The request is not medically necessary. The MTUS low back chapter (ACOEM Chapter 12, "
    "Table 12-5, page 299) supports simple at-home heat and cold applications for symptom "
    "relief, which does not extend to a powered device. The ACOEM third edition low back "
    "chapter recommends against routine high-tech cryotherapy devices. The record gives no "
    "applicant-specific reason to depart from these recommendations."
)


def seed_case() -> Case:
    """The seed letter's case, issued, with parties and a case file."""
    case = Case(
        case_number="CM15-0101234",
        jurisdiction="ca_dwc",
        priority=Priority.STANDARD,
        date_of_injury=date(2011, 4, 8),
        ur_decision_date=date(2015, 5, 15),
        ur_decision_served_by=ServiceMethod.MAIL,
        application_received_on=date(2015, 5, 22),
        application_signed=True,
        dispute_type="medical_necessity",
        claim_number="WC-2011-0048813",
        applicant_age=54,
        condition="chronic low back pain",
        parties=[
            Party(
                PartyRole.INJURED_WORKER,
                "Marisol Fenwick-Ortega",
                "person:marisol-fenwick",
                address="4821 Larkspur Avenue, Bakersfield, CA 93309",
            ),
            Party(
                PartyRole.REPRESENTATIVE,
                "Thaddeus Whitcombe",
                "person:t-whitcombe",
                organization="Whitcombe & Pell Law Group",
            ),
            Party(PartyRole.EMPLOYER, "Kernfield Packing Company", "org:kernfield-packing"),
            Party(PartyRole.CLAIMS_ADMINISTRATOR, "Sablecrest Claims Services", "org:sablecrest"),
            Party(
                PartyRole.REQUESTING_PHYSICIAN,
                "Dr. Octavio Brannigan",
                "person:dr-brannigan",
                organization="Valley Spine Associates",
            ),
            Party(PartyRole.UR_ORGANIZATION, "Cardinal Review Partners", "org:cardinal-review"),
        ],
        documents=[
            CaseDocument(
                "doc-ur-0001",
                DocumentKind.UR_DECISION,
                "Utilization review decision",
                "a" * 64,
                "application/pdf",
                4,
                author="Cardinal Review Partners",
                document_date=date(2015, 5, 15),
                filename="ur_decision_fenwick.pdf",
            ),
            CaseDocument(
                "doc-pr-0002",
                DocumentKind.PROGRESS_REPORT,
                "Progress report",
                "b" * 64,
                "application/pdf",
                3,
                author="Dr. Octavio Brannigan",
                document_date=date(2015, 4, 6),
                filename="pr2_2015-04-06.pdf",
            ),
            CaseDocument(
                "doc-rfa-0003",
                DocumentKind.RFA,
                "Request for authorization",
                "c" * 64,
                "application/pdf",
                1,
                author="Dr. Octavio Brannigan",
                document_date=date(2015, 4, 6),
                filename="rfa.pdf",
            ),
        ],
        items=[DisputedItem("1", "Hot/Cold unit for the lumbar spine")],
        state=CaseState.ISSUED,
        assigned_reviewer_id=REVIEWER_ID,
        assigned_on=date(2015, 5, 27),
        records_received_on=date(2015, 6, 3),
        decision_date=date(2015, 6, 25),
    )
    return case


def seed_determination() -> Determination:
    return Determination(
        clinical_case_summary=SEED_SUMMARY,
        items=(
            ItemDetermination(
                item_id="1",
                decision=Decision.UPHELD,
                claims_administrator_guideline=(
                    Citation(EvidenceSource.OUTSIDE_MTUS),
                    Citation(
                        EvidenceSource.NON_MTUS,
                        "ODG",
                        "2015",
                        sections=("Low Back", "Cold/heat packs"),
                    ),
                ),
                imr_guideline=(
                    Citation(
                        EvidenceSource.MTUS,
                        "Low Back Complaints",
                        "2004",
                        sections=("Physical Methods",),
                        pages=("299",),
                    ),
                    Citation(
                        EvidenceSource.NON_MTUS,
                        "ACOEM",
                        "3rd",
                        sections=("Low Back Disorders",),
                        pages=("560",),
                        strength="Not Recommended, Insufficient Evidence (I)",
                    ),
                ),
                rationale=SEED_RATIONALE,
            ),
        ),
        credentials=ReviewerCredentials(
            ("TX", "NY", "CA"), ("Preventive Medicine", "Occupational Medicine")
        ),
        signed_by=REVIEWER_ID,
        signed_at=datetime(2015, 6, 24, 16, 0, tzinfo=UTC),
    )


# -- hypothesis strategies ---------------------------------------------------------------

_WORDS = [
    "lumbar",
    "cervical",
    "spine",
    "right",
    "left",
    "bilateral",
    "knee",
    "shoulder",
    "therapy",
    "sessions",
    "physical",
    "chiropractic",
    "acupuncture",
    "injection",
    "epidural",
    "facet",
    "block",
    "MRI",
    "without",
    "contrast",
    "with",
    "tramadol",
    "50mg",
    "#60",
    "Norco",
    "10/325mg",
    "#90",
    "topical",
    "compound",
    "cream",
    "TENS",
    "unit",
    "rental",
    "purchase",
    "consultation",
    "follow-up",
    "visit",
    "orthopedic",
    "surgeon",
    "arthroscopy",
    "meniscectomy",
    "x-ray",
    "views",
    "functional",
    "restoration",
    "program",
    "weeks",
    "times",
    "per",
    "week",
    "(purchase)",
    "L4-L5",
    "L5-S1",
    "C5-6",
    "3x4",
    "12-lead",
    "ECG",
    "1-month",
    "supply",
]
MTUS_GUIDELINES = (
    ("Chronic Pain Medical Treatment", "2016"),
    ("Low Back Complaints", "2004"),
    ("Neck and Upper Back Complaints", "2004"),
    ("Opioid Treatment", "2016"),
    ("Acupuncture Treatment", "2007"),
    ("Knee Complaints", "2004"),
)
MTUS_SECTIONS = (
    "Physical medicine treatment",
    "Special Studies",
    "Topical analgesics",
    "Opioids",
    "Manual therapy & manipulation",
    "Initial Care",
    "Surgical Considerations",
    "Proton Pump Inhibitors (PPIs)",
    "Muscle relaxants (for pain)",
    "Summary",
)
NON_MTUS = (
    ("ODG", "2015"),
    ("ODG", "2016"),
    ("ACOEM", "3rd"),
    ("Work Loss Data Institute", None),
    ("American College of Radiology Appropriateness Criteria", "2018"),
)
NON_MTUS_SECTIONS = (
    "Low Back",
    "Knee & Leg",
    "Pain",
    "Cold/heat packs",
    "MRI",
    "Opioids",
    "TENS, chronic pain (transcutaneous electrical nerve stimulation)",
)
UNNAMED_SOURCES = (
    "https://www.ncbi.nlm.nih.gov/pubmed/23456789",
    "www.drugs.com/pro/lidocaine-patch.html",
)
STRENGTHS = ("Moderately Recommended, Evidence (B)", "Not Recommended, Insufficient Evidence (I)")


@st.composite
def phrases(draw: st.DrawFn, min_words: int = 2, max_words: int = 8) -> str:
    # Items open with a capital letter, as they do in the letters (see the report on a '('
    # opening: the parser reads it as the continuation of the line before).
    first = draw(st.sampled_from([w for w in _WORDS if w[0].isalpha()]))
    words = draw(st.lists(st.sampled_from(_WORDS), min_size=min_words - 1, max_size=max_words))
    text = " ".join([first, *words])
    return text[0].upper() + text[1:]


@st.composite
def citations(draw: st.DrawFn) -> Citation:
    kind = draw(st.sampled_from(["mtus", "mtus", "non"]))
    pages = tuple(str(p) for p in draw(st.lists(st.integers(1, 700), max_size=2, unique=True)))
    strength = draw(st.none() | st.sampled_from(STRENGTHS))
    if kind == "mtus":
        guideline, edition = draw(st.sampled_from(MTUS_GUIDELINES))
        sections = tuple(draw(st.lists(st.sampled_from(MTUS_SECTIONS), max_size=3, unique=True)))
        return Citation(EvidenceSource.MTUS, guideline, edition, sections, pages, strength)
    if draw(st.integers(0, 5)) == 0:  # a source named only by its words (a URL)
        return Citation(EvidenceSource.NON_MTUS, text=draw(st.sampled_from(UNNAMED_SOURCES)))
    guideline, edition = draw(st.sampled_from(NON_MTUS))
    sections = tuple(draw(st.lists(st.sampled_from(NON_MTUS_SECTIONS), max_size=2, unique=True)))
    return Citation(EvidenceSource.NON_MTUS, guideline, edition, sections, pages, strength)


@st.composite
def guideline_lists(draw: st.DrawFn) -> tuple[Citation, ...]:
    """One of the published forms: MTUS and/or named sources, outside-MTUS, or none."""
    form = draw(st.sampled_from(["named", "named", "outside", "none"]))
    if form == "none":
        return (Citation(EvidenceSource.NONE),)
    named = draw(st.lists(citations(), min_size=1, max_size=3))
    if form == "outside":
        non_mtus = [c for c in named if c.source is EvidenceSource.NON_MTUS]
        return (Citation(EvidenceSource.OUTSIDE_MTUS), *non_mtus)
    return tuple(named)


@st.composite
def letter_inputs(draw: st.DrawFn, max_items: int = 25) -> tuple[Case, Determination]:
    """A whole issued case and its signed determination."""
    n = draw(st.integers(1, max_items))
    items: list[DisputedItem] = []
    decided: list[ItemDetermination] = []
    for index in range(n):
        item_id = str(index + 1)
        description = draw(phrases(2, 30))  # up to ~30 words: wraps over several lines
        if draw(st.booleans()) and draw(st.booleans()):
            items.append(
                DisputedItem(
                    item_id,
                    description,
                    original_request=draw(phrases()),
                    authorized_portion=draw(phrases()),
                )
            )
        else:
            items.append(DisputedItem(item_id, description))
        decided.append(
            ItemDetermination(
                item_id=item_id,
                decision=draw(st.sampled_from(list(Decision))),
                claims_administrator_guideline=draw(guideline_lists()),
                imr_guideline=draw(guideline_lists()),
                rationale=draw(phrases(5, 60)) + ".",
            )
        )
    case = replace(seed_case(), items=items)
    signed = datetime(2016, 12, 1, tzinfo=UTC) + timedelta(days=draw(st.integers(0, 900)))
    determination = replace(
        seed_determination(),
        items=tuple(decided),
        signed_at=signed,
        clinical_case_summary=draw(phrases(20, 120)) + ".",
    )
    return case, determination


# Names and numbers planted in free text by the redaction tests.
_NAME = st.text(alphabet=string.ascii_lowercase, min_size=4, max_size=10).map(str.capitalize)
planted_names = st.tuples(_NAME, _NAME).map(" ".join)
planted_claim_numbers = st.from_regex(r"[A-Z]{2,3}-?[0-9]{6,9}", fullmatch=True)
