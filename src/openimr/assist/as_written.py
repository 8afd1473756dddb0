"""Checks on the request as written: IMR upholds or overturns a request whole (LC 4610.6).

Besides the governing recommendation's criteria, a request can fail as it is written:

- UR already certified part of this very service, and the disputed remainder goes beyond
  that course before its results are documented (a modification to an initial course);
- the record says the same service was already authorized: a duplicate, nothing to decide;
- a drug requested as an oral suspension with no documented reason the tablet or capsule
  cannot be taken;
- leg nerve conduction studies without a suspected neuropathy or entrapment (ODG Low Back).

Each check returns the criterion (with the record's words or its silence) and whether it
fails the request; `assist.guidance` adds it to the item's guidance. The first three decide a
request alone (`decisive`); the last is one more guideline criterion among others.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from openimr.assist import treatment_facts
from openimr.assist.facts import CaseFacts
from openimr.assist.lexicon import CONTINUATION, ORAL_SUSPENSION, rx
from openimr.assist.schema import CriterionResult, silence
from openimr.evidence.normalise import NormalisedItem, normalise_item
from openimr.evidence.schema import ReasonCode


@dataclass(frozen=True)
class Check:
    """One check on the request as written, as it came out on this record."""

    criterion: CriterionResult
    fails: bool  # the request as written is not supported
    failing: str  # why, in words (the engine-style reason line)
    decisive: bool = True  # decides the request alone (a reason the reviewer leads with)
    quantity_note: str | None = None  # the request goes beyond a quantity already allowed
    # fails the request whatever the guideline says (a duplicate); otherwise it turns only a
    # request the guideline supports into one not supported as written
    overrides_guideline: bool = False


def checks(item: NormalisedItem, facts: CaseFacts, supported: bool) -> list[Check]:
    """Every check that applies to this item on this record (`supported`: the governing
    guideline otherwise supports the request)."""
    found = [
        _beyond_certified_part(item, facts, supported),
        _already_authorized(item, facts),
        _oral_suspension(item, facts),
        _leg_nerve_conduction(item, facts),
    ]
    return [check for check in found if check is not None]


def _same_service(clause: str, item: NormalisedItem) -> bool:
    other = normalise_item(clause)
    if other.category != item.category:
        return False
    if item.ingredients:
        return bool(set(item.ingredients) & set(other.ingredients))
    return True


# Services whose UR modifications cut the quantity (visits, tablets, rental days) rather than
# swap the service for another one, as a modified EMG/NCS becomes an NCS alone.
QUANTITY_MODIFIED = ("therapy/", "psych/psychotherapy", "medication/", "program/")


def _beyond_certified_part(item: NormalisedItem, facts: CaseFacts, supported: bool) -> Check | None:
    """When UR already certified part of this service, the disputed remainder goes beyond
    the course the guideline supports before its results are documented: not supported as
    requested, whatever the initial-course criteria say."""
    if not supported or not item.category.startswith(QUANTITY_MODIFIED):
        return None
    found = treatment_facts.ur_certified_part(
        facts.sentences, lambda clause: _same_service(clause, item)
    )
    if found is None:
        return None
    return Check(
        criterion=CriterionResult(
            criterion="disputed part within the course already certified",
            status="not_met",
            evidence=found.evidence,
            code="conservative_care_not_exhausted",
        ),
        fails=True,
        failing="UR certified part of this request: the remainder is disputed",
        quantity_note=(
            "Utilization review already certified part of this request; the disputed "
            "remainder goes beyond that course before its results are documented"
        ),
    )


def _already_authorized(item: NormalisedItem, facts: CaseFacts) -> Check | None:
    """A service the record says was already authorized is a duplicate request: nothing is
    left to decide, so it is not supported as requested (an additional or continued course
    is a new request, not a duplicate)."""
    if not item.known or CONTINUATION.search(item.text):
        return None
    found = treatment_facts.already_authorized(
        facts.sentences, lambda clause: _same_service(clause, item)
    )
    if found is None:
        return None
    return Check(
        criterion=CriterionResult(
            criterion="not a service already authorized",
            status="not_met",
            evidence=found.evidence,
            code="repeat_without_change",
        ),
        fails=True,
        failing="the record says this service was already authorized",
        overrides_guideline=True,
    )


def _needs_documented_reason(
    facts: CaseFacts,
    reason: re.Pattern[str],
    criterion: str,
    failing: str,
    code: ReasonCode,
    *,
    decisive: bool = True,
) -> Check | None:
    """A request that also needs a reason in the record: the first sentence matching
    `reason` meets it; a substantive record without one fails it (`failing` says why). A
    thin record leaves the question to the reviewer."""
    found = next((s.text for s in facts.sentences if reason.search(s.text)), None)
    if found is None and not facts.substantive:
        return None
    return Check(
        criterion=CriterionResult(
            criterion=criterion,
            status="met" if found else "not_met",
            evidence=found or silence(criterion),
            evidence_kind="record" if found else "silence",
            code=code,
        ),
        fails=found is None,
        failing=failing,
        decisive=decisive,
    )


# A drug requested as an oral suspension (lexicon.ORAL_SUSPENSION: the words, or a named kit):
# the liquid form is justified only when the worker cannot take the tablet or capsule.
_CANNOT_SWALLOW = rx(
    r"dysphagia|(?:difficulty|trouble|problems?|unable to|cannot|can't|inability to) "
    r"(?:in )?swallow\w*|(?:unable to|cannot|can't) (?:take|tolerate) (?:oral )?"
    r"(?:pills|tablets|capsules)|feeding tube|\bNPO\b"
)


def _oral_suspension(item: NormalisedItem, facts: CaseFacts) -> Check | None:
    """A drug requested as an oral suspension needs a documented reason the worker cannot take
    its tablet or capsule form; without one the request as written is not supported."""
    if not (item.category.startswith("medication/") and ORAL_SUSPENSION.search(item.text)):
        return None
    return _needs_documented_reason(
        facts,
        _CANNOT_SWALLOW,
        "a reason the tablet or capsule form cannot be taken",
        "oral suspension requested with no documented reason the solid form cannot be taken",
        "not_recommended",
    )


# ODG Low Back, "Nerve conduction studies (NCS)": not recommended when the leg symptoms are
# presumed radicular; they belong to a suspected peripheral neuropathy or entrapment. The
# MTUS low back chapter speaks of EMG and H-reflex only, so for the NCS part of a request the
# search passes to ODG (8 CCR 9792.21.1(a)(2)), and IMR decides a combined EMG/NCS request whole.
_NCS = rx(r"\bNC[SV]s?\b|nerve conduction")
_LEG_NEUROPATHY = rx(
    r"peripheral neuropathy|polyneuropathy|diabet\w+ neuropathy|tarsal tunnel|peroneal|"
    r"entrapment|neuropathy of the (?:leg|foot|feet)"
)


def _leg_nerve_conduction(item: NormalisedItem, facts: CaseFacts) -> Check | None:
    """Leg nerve conduction studies need a suspected neuropathy or entrapment, not only
    radicular symptoms; without one the request as written is not supported."""
    legs = {"lower-extremity", "lumbar-spine"} & set(item.body_regions)
    if not (item.category == "diagnostic/electrodiagnostic" and legs and _NCS.search(item.text)):
        return None
    return _needs_documented_reason(
        facts,
        _LEG_NEUROPATHY,
        "a suspected peripheral neuropathy or entrapment in the leg",
        "nerve conduction studies of the leg without a suspected neuropathy or entrapment "
        "(ODG Low Back, Nerve conduction studies)",
        "not_recommended",
        decisive=False,
    )
