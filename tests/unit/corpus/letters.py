"""Small hand-made letters shaped like `letter parse` output, for the corpus tests."""

from __future__ import annotations

from typing import Any


def citation(source: str = "MTUS", guideline: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "source": source,
        "guideline": guideline,
        "edition": None,
        "sections": [],
        "pages": [],
        "text": "",
        **extra,
    }


def item(
    description: str,
    decision: str | None,
    rationale: str = "",
    imr: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "description": description,
        "original_request": None,
        "authorized_portion": None,
        "decision": decision,
        "claims_administrator_guideline": [],
        "imr_guideline": imr if imr is not None else [],
        "strength_of_evidence": None,
        "rationale": rationale,
    }


def letter(
    case_number: str | None,
    items: list[dict[str, Any]],
    *,
    decision_date: str = "2016-12-09",
    specialties: tuple[str, ...] = ("Family Practice",),
    priority: str = "standard",
) -> dict[str, Any]:
    return {
        "path": f"/letters/{case_number}.txt",
        "layout": "dwc-2015",
        "case_number": case_number,
        "date_assigned": "2016-11-09",
        "date_of_injury": "2016-10-13",
        "decision_date": decision_date,
        "ur_denial_date": "2016-11-03",
        "application_received": "2016-11-03",
        "priority": priority,
        "reviewer": {"licensure": ["California"], "specialties": list(specialties)},
        "applicant": {"age": 48, "sex": "male"},
        "clinical_case_summary": "The applicant is a 48-year-old male.",
        "items": items,
        "warnings": [],
    }


SHOULDER = citation("MTUS", "Shoulder Complaints", edition="2004", sections=["Special Studies"])
CHRONIC_PAIN = citation("MTUS", "Chronic Pain Medical Treatment", edition="2016")
ODG = citation("non-MTUS", "Official Disability Guidelines")
NO_EVIDENCE = citation("none")

# Three letters whose figures the stats tests check by hand:
# 5 items, 2 upheld / 3 overturned; CM-3's only item cites no evidence.
KNOWN_SET = [
    letter(
        "CM-1",
        [
            item(
                "MRI of the right shoulder without contrast",
                "upheld",
                "No red flags; imaging not indicated.",
                [SHOULDER],
            ),
            item(
                "Norco 10/325 mg #60",
                "overturned",
                "Functional improvement documented with opioid therapy.",
                [CHRONIC_PAIN, ODG],
            ),
        ],
        decision_date="2016-12-09",
    ),
    letter(
        "CM-2",
        [
            item(
                "Physical therapy 12 sessions lumbar spine",
                "overturned",
                "Therapy is recommended after the acute phase.",
                [CHRONIC_PAIN],
            ),
            item("Hot/cold unit purchase", "upheld", "Simple packs suffice at home.", [ODG]),
        ],
        decision_date="2017-01-05",
        specialties=("Orthopedic Surgery", "Sports Medicine"),
    ),
    letter(
        "CM-3",
        [
            item(
                "Acupuncture six visits",
                "overturned",
                "Trial of acupuncture is reasonable.",
                [NO_EVIDENCE],
            )
        ],
        decision_date="2017-01-20",
        priority="expedited",
    ),
]


def categorise(description: str) -> str:
    """A fixed categoriser, so stats tests do not depend on the evidence normaliser."""
    lowered = description.lower()
    for word, category in (
        ("mri", "imaging/mri"),
        ("norco", "medication/opioid"),
        ("therapy", "therapy/pt"),
        ("acupuncture", "therapy/acupuncture"),
    ):
        if word in lowered:
            return category
    return "dme"
