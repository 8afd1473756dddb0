"""Small letters written for the parser tests, in the published "Case Number:" layout.

The wording is ours; only the layout's stock labels and section titles are the letters'.
"""

from __future__ import annotations

from openimr.letters.model import ParsedLetter

HEADER = """\

Case Number: CM16-0000101
Date Assigned: 11/09/2016 Date of Injury:  10/13/2016
Decision Date: 12/09/2016 UR Denial Date:  11/03/2016
Priority:  Expedited Application
Received:
11/04/2016

HOW THE IMR FINAL DETERMINATION WAS MADE
MAXIMUS Federal Services sent the complete case file to an expert reviewer.

The Expert Reviewer has the following credentials:
State(s) of Licensure: California, North Carolina
Certification(s)/Specialty: Preventive Medicine, Occupational Medicine, Public Health &
General Preventive Medicine

CLINICAL CASE SUMMARY
The expert reviewer developed the following clinical case summary based on a review of the
case file, including all medical records:

The injured worker is a 48 year old man who hurt his right shoulder lifting boxes. A follow-
up visit noted pain with overhead reach and a positive impingement sign.

He was given a sling and anti-inflammatory medication.

IMR ISSUES, DECISIONS AND RATIONALES
The Final Determination was based on decisions for the disputed items/services set forth below:

"""

# What the parser must read from HEADER, however its labels and values are wrapped.
HEADER_FIELDS: dict[str, str] = {
    "case_number": "CM16-0000101",
    "date_assigned": "2016-11-09",
    "date_of_injury": "2016-10-13",
    "decision_date": "2016-12-09",
    "ur_denial_date": "2016-11-03",
    "application_received": "2016-11-04",
    "priority": "expedited",
}


def header_fields(parsed: ParsedLetter) -> dict[str, str | None]:
    """The header fields of a parsed letter, to compare with HEADER_FIELDS."""
    return {name: getattr(parsed, name) for name in HEADER_FIELDS}


ITEM_PLAIN = """\
MRI of the right shoulder without contrast: Upheld

Claims Administrator guideline: Decision based on MTUS Shoulder Complaints 2004.

MAXIMUS guideline: Decision based on MTUS Shoulder Complaints 2004, Section(s): Special
Studies.

Decision rationale: Imaging is reserved for red flags or a failure to progress. Neither
was documented. Therefore, the request was not medically necessary.

"""

ITEM_WRAPPED = """\
Physical therapy two times a week for six weeks for the right shoulder and the cervical
spine: Overturned

Claims Administrator guideline: The Claims Administrator did not cite any medical evidence
for its decision.

MAXIMUS guideline: The Expert Reviewer based their decision on recommendation(s) outside of
the MTUS Guidelines. Decision based on Non-MTUS Citation Official Disability Guidelines
(ODG) Shoulder, Physical therapy.

Decision rationale: A course of therapy fits the early phase of care described. The request
is medically necessary.

"""

ITEM_MODIFIED = """\
Acupuncture 12 sessions was the original request. Acupuncture 6 sessions was authorized
by the Claims Administrator. The remaining IMR eligible portion of the original request,
Acupuncture 6 sessions is: Upheld

Claims Administrator guideline: Decision based on MTUS Acupuncture Treatment 2007.

MAXIMUS guideline: The Expert Reviewer did not cite any medical evidence for its decision.

Decision rationale: The first six sessions should show functional gains first. Therefore,
the request was not medically necessary.

"""

ITEM_MODIFIED_WHOLE = """\
Inpatient rehabilitation 7 days was the original request. The Claims Administrator
authorized Skilled nursing facility for 7 days, leaving the original request IMR eligible.
The original request, Inpatient rehabilitation 7 days is: Overturned

Claims Administrator guideline: Decision based on MTUS General Approaches 2004.

MAXIMUS guideline: Decision based on MTUS General Approaches 2004.

Decision rationale: Intensive therapy is needed here. The request is medically necessary.

"""


def letter(*items: str, tail: str = "") -> str:
    """A letter with the given item blocks, optionally followed by more sections."""
    return HEADER + "".join(items) + tail
