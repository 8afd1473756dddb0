"""The words pages show for the system's codes, and the fixed set of notices after an action.

Contract strings (`records_received`, `injured_worker`) stay in the data and the API; people
read words. A notice after a redirect is named by a code (`?flash=assigned`), never carried
as text, so a link cannot make the page show a message of its own (spoofing).
"""

from __future__ import annotations

WORDS = {
    "received": "Received",
    "ineligible": "Not eligible",
    "eligible": "Eligible",
    "assigned": "Reviewer assigned",
    "records_received": "Records received",
    "reviewed": "Signed",
    "issued": "Letter issued",
    "published": "Published",
    "withdrawn": "Withdrawn",
    "standard": "Standard",
    "expedited": "Expedited",
    "injured_worker": "Injured worker",
    "representative": "Representative",
    "employer": "Employer",
    "claims_administrator": "Claims administrator",
    "requesting_physician": "Requesting physician",
    "provider": "Provider",
    "ur_organization": "UR organization",
    "ur_physician": "UR physician",
    "application": "Application (DWC Form IMR)",
    "ur_decision": "UR decision",
    "rfa": "Request for authorization",
    "medical_record": "Medical record",
    "progress_report": "Progress report",
    "imaging_report": "Imaging report",
    "correspondence": "Correspondence",
    "notice": "Notice",
    "other": "Other",
    "upheld": "Upheld",
    "overturned": "Overturned",
    "uphold": "Uphold",
    "overturn": "Overturn",
    "insufficient": "Cannot be judged from the record",
    "undecided": "No proposal",
    "met": "Met",
    "not_met": "Not met",
    "MTUS": "MTUS",
    "non-MTUS": "Other guideline (non-MTUS)",
    "outside-MTUS": "Outside the MTUS, no source named",
    "none": "No evidence cited",
    "mail": "Mail",
    "electronic": "Electronic",
    "fax": "Fax",
    "personal": "Personal service",
    "staff": "Staff",
    "reviewer": "Expert reviewer",
    "party": "Party",
    "admin": "Administrator",
}

FLASH = {
    "eligible": "Eligible: every eligibility rule passed.",
    "ineligible": "Not eligible: the reasons are listed under Eligibility.",
    "assigned": "Reviewer assigned.",
    "records": "Records received: the decision clock is running.",
    "documents": "Documents added to the case file.",
    "issued": "Final determination issued.",
    "published": "Redacted version published.",
    "signed": "Determination signed.",
    "received": "Application received.",
    "resubmitted": "Already received: this is the case it created.",
    "released": "The case is back with staff for another reviewer; you are excluded from it.",
    "requested": "Your request for more records was sent to staff.",
    "notice": "Notice added to the case file.",
    "deferred": "Deferred: liability for the treatment is disputed; the notice is on the case.",
    "assignment_notice": "Notice of assignment sent: the records clock is running.",
    "information_requested": "Request for information sent.",
    "expedited": "Converted to expedited review; the parties were told.",
    "resumed": "Deferral ended: decide eligibility again.",
    "account_created": "Account created.",
    "tokens_revoked": "API tokens revoked: the account must log in to the API again.",
}


def words(value: object) -> str:
    """A code as people read it: `records_received` -> "Records received"."""
    text = str(value)
    return WORDS.get(text) or text.replace("_", " ").capitalize()


def flash_message(code: str | None) -> str | None:
    return FLASH.get(code or "")


def is_silence(evidence: object) -> bool:
    """Evidence that says the record is silent is not a quotation of the record."""
    text = str(evidence or "").lower()
    return text.startswith(("not mentioned", "the record does not", "no mention", "not stated"))
