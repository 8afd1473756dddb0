"""Closed vocabularies. Values are the contract strings of docs/product.md."""

from __future__ import annotations

from enum import StrEnum


class Decision(StrEnum):
    """Per disputed item: UR decision upheld (not medically necessary) or overturned."""

    UPHELD = "upheld"
    OVERTURNED = "overturned"


class Priority(StrEnum):
    STANDARD = "standard"
    EXPEDITED = "expedited"


class EvidenceSource(StrEnum):
    """Where a cited recommendation comes from, as the letters state it."""

    MTUS = "MTUS"
    NON_MTUS = "non-MTUS"
    OUTSIDE_MTUS = "outside-MTUS"  # reviewer went outside the MTUS without naming a source
    NONE = "none"  # no medical evidence cited


class ServiceMethod(StrEnum):
    """How the UR decision (or records) were served: mail adds days (CCP 1013)."""

    MAIL = "mail"
    ELECTRONIC = "electronic"
    FAX = "fax"
    PERSONAL = "personal"


class PartyRole(StrEnum):
    INJURED_WORKER = "injured_worker"
    REPRESENTATIVE = "representative"
    EMPLOYER = "employer"
    CLAIMS_ADMINISTRATOR = "claims_administrator"
    REQUESTING_PHYSICIAN = "requesting_physician"
    PROVIDER = "provider"
    UR_ORGANIZATION = "ur_organization"
    UR_PHYSICIAN = "ur_physician"


class DocumentKind(StrEnum):
    APPLICATION = "application"  # DWC Form IMR
    UR_DECISION = "ur_decision"
    RFA = "rfa"  # request for authorization (DWC Form RFA)
    MEDICAL_RECORD = "medical_record"
    PROGRESS_REPORT = "progress_report"
    IMAGING_REPORT = "imaging_report"
    CORRESPONDENCE = "correspondence"
    OTHER = "other"


class CaseState(StrEnum):
    """States of an IMR case, in the order the regulation moves it."""

    RECEIVED = "received"  # application in, eligibility not yet decided
    INELIGIBLE = "ineligible"
    ELIGIBLE = "eligible"  # accepted; awaiting an expert reviewer
    ASSIGNED = "assigned"  # reviewer assigned (NOARFI sent); awaiting records
    RECORDS_RECEIVED = "records_received"  # decision clock running
    REVIEWED = "reviewed"  # reviewer's determination recorded and signed
    ISSUED = "issued"  # final determination letter issued to the parties
    PUBLISHED = "published"  # redacted version published
    WITHDRAWN = "withdrawn"


class ReleaseKind(StrEnum):
    """Why an assigned reviewer comes off a case; the case goes back with that reviewer excluded."""

    DECLINE = "decline"  # the reviewer declines the case (workload, outside expertise)
    RECUSAL = "recusal"  # a conflict of interest found after assignment (LC 139.5)
    MISSED_DEADLINE = "missed_deadline"  # the reviewer's internal deadline passed unsigned


class Role(StrEnum):
    """User roles of the service (least privilege)."""

    STAFF = "staff"
    REVIEWER = "reviewer"
    PARTY = "party"
    ADMIN = "admin"
