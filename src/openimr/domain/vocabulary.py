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
    DEFERRED = "deferred"  # liability disputed on another ground: IMR waits (9792.10.3(d))
    INELIGIBLE = "ineligible"
    ELIGIBLE = "eligible"  # accepted; awaiting an expert reviewer
    ASSIGNED = "assigned"  # reviewer assigned (NOARFI sent); awaiting records
    RECORDS_RECEIVED = "records_received"  # decision clock running
    REVIEWED = "reviewed"  # reviewer's determination recorded and signed
    ISSUED = "issued"  # final determination letter issued to the parties
    PUBLISHED = "published"  # redacted version published
    WITHDRAWN = "withdrawn"


class NoticeKind(StrEnum):
    """The written notices of a case, each a document sent to named recipients."""

    ASSIGNMENT = "assignment"  # notice of assignment and request for records (9792.10.4(b))
    INFORMATION_REQUEST = "information_request"  # the AD asks for information (9792.10.3(b))
    INELIGIBILITY = "ineligibility"  # not eligible, with reasons (9792.10.3(c))
    DEFERRAL = "deferral"  # deferred while liability is disputed (9792.10.3(d))
    EXPEDITED_CONVERSION = "expedited_conversion"  # regular review made expedited (9792.10.4(c))
    FINAL_DETERMINATION = "final_determination"  # the letter (LC 4610.6; 9792.10.6)


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
