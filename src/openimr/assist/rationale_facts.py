"""Facts of the record as the reviewer's rationale states them, to check the assist's reading.

A rationale often states a fact of the record in passing: "there is no documentation of
objective functional improvement", "no red flags", "the patient had a prior lumbar MRI",
"she has been on Norco since at least November". Each such statement is a reviewer's reading
of the same record the assist reads. Comparing the two, fact by fact, shows where the
assist's extractor (`assist.facts`) reads the record differently — negation, time, or whose
finding it is — and is how `assist evaluate` reports per-fact precision and recall.

Each fact kind is a fact id of evidence/data/facts.yaml (or a derived one: `long_term_use`,
medication use of 4 weeks or more; `already_authorized`), with the phrases that state it
present (True) or absent (False). Only sentences that speak about this worker count; a
guideline's own words ("MRI is indicated for red flags") state no fact of the record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from openimr.assist.context import normalise_text, split_sentences
from openimr.assist.facts import CaseFacts
from openimr.assist.guidance import Guidance
from openimr.assist.lexicon import rx

# Drug use this long or longer is past a short course (CPMTG muscle relaxants 2-3 weeks,
# the opioid guideline's acute phase up to 4 weeks).
LONG_TERM_WEEKS = 4.0

# A gap in the record: "no", "lack of", "without", "not documented", "failed to show"...
_NO = (
    r"(?:no|not|cannot|without|lack(?:s|ed|ing)? of|absence of|absent|neither|nor|none|"
    r"(?:did|does|do) not|(?:has|have|had) not|(?:was|were|is|are) not|fail(?:ed|s)? to "
    r"(?:document|show|provide|establish|demonstrate|note|indicate|specify)|"
    r"insufficient|unclear)"
)
_NO_NEAR = _NO + r"\b[^.;]{0,90}?\b"


@dataclass(frozen=True)
class FactKind:
    """A fact kind: the phrases that state it absent and those that state it present."""

    name: str
    absent: re.Pattern[str] | None
    present: re.Pattern[str] | None


def _gap(concept: str) -> re.Pattern[str]:
    return rx(r"\b" + _NO_NEAR + r"(?:" + concept + r")")


FACT_KINDS: tuple[FactKind, ...] = (
    FactKind(
        "functional_improvement_documented",
        _gap(
            r"functional (?:improvement|gains?|benefit)|improve(?:ment|d) (?:in )?function|"
            r"objective (?:improvement|gains)|increased function"
        ),
        rx(
            r"(?:functional improvement|improvement in function|reduction in work restrictions)"
            r" (?:was|is|has been) (?:documented|noted|shown)|(?:showed|shows|reported) "
            r"(?:functional )?(?:benefit|improvement) (?:with|from)"
        ),
    ),
    FactKind(
        "pain_relief_documented",
        _gap(
            r"(?:numerical |quantified |measurable )?pain relief|reduction in pain|"
            r"decrease in pain|analgesic (?:benefit|effect)|(?:VAS|pain) (?:scores? )?"
            r"(?:reduction|improvement)"
        ),
        rx(
            r"(?:decreased|reduced|less) pain with (?:the )?medications?|pain relief "
            r"(?:was|is) (?:documented|noted|reported)"
        ),
    ),
    FactKind(
        "red_flags",
        _gap(r"red[- ]flags?"),
        rx(
            r"red flags? (?:were|was|is|are) (?:identified|present|noted|documented)|"
            r"(?:these|the) red flags"
        ),
    ),
    FactKind(
        "focal_neurologic_deficit",
        _gap(
            r"(?:focal |significant |objective )?(?:neurolog\w*|nerve|motor|sensory) "
            r"(?:deficits?|findings|compromise|impairment|dysfunction)|"
            r"definitive neurological deficit"
        ),
        rx(
            r"(?:decreased|diminished|reduced|altered) (?:\w+ ){0,2}(?:sensation|strength|"
            r"reflex\w*)|objective (?:evidence|documentation) of neurolog\w*|positive Spurling|"
            r"(?:motor|sensory) deficits? (?:was|were|is|are) (?:noted|documented|present)"
        ),
    ),
    FactKind(
        "radiculopathy",
        _gap(r"radiculopathy|radicular (?:complaints|findings|signs|symptoms)"),
        rx(
            r"(?:objective )?evidence of (?:\w+ ){0,2}radiculopathy(?! on)|positive "
            r"straight[- ]leg|radicular symptoms|diagnosis of (?:\w+ ){0,2}radiculopathy"
        ),
    ),
    FactKind(
        "prior_conservative_care_failed",
        _gap(
            r"(?:trial(?:ed)?|tried) and failed|fail(?:ed|ure of|ure to respond to) "
            r"(?:a |an |the )?(?:proper |adequate |complete |exhaustive )?(?:course of )?"
            r"conservative|exhausted (?:\w+ ){0,2}conservative|fail\w* to (?:improve|respond) "
            r"(?:with|to) conservative|completion of (?:a )?"
            r"(?:trial of )?conservative|complete course of conservative"
        ),
        rx(
            r"(?:has|had) (?:already )?(?:had|failed|tried) conservative (?:care|treatment)|"
            r"(?:failed|despite) (?:\w+ ){0,3}conservative (?:care|treatment|therapy)"
        ),
    ),
    FactKind(
        "prior_imaging_same_region",
        None,
        rx(
            r"(?:prior|previous|earlier|recent) (?:\w+ ){0,2}(?:MRI|CT(?: scan)?|x-?rays?|"
            r"radiographs?|imaging|scan)(?: (?:of|dated|in|from|which|that|revealed|showed))|"
            r"(?:had|received|underwent) (?:an? |the )?(?:\w+ ){0,3}(?:MRI|CT scan|x-?ray)"
            r"[^.]{0,40}(?:dated|previously|of unknown date|in \d|revealed|showed)|"
            r"(?:the patient|he|she) had a normal CT"
        ),
    ),
    FactKind(
        "surgery_planned",
        rx(
            r"\b" + _NO_NEAR + r"(?:surg\w+|surgical (?:candidate|intervention))|not (?:a )?"
            r"(?:\w+ )?candidate for (?:surgery|surgical)"
        ),
        rx(
            r"(?:surgery|surgical intervention) (?:is|was|has been) (?:planned|scheduled|"
            r"being considered)|candidate for surgery(?! was not)"
        ),
    ),
    FactKind(
        "urine_drug_screen_done",
        _gap(r"urine drug (?:screens?|tests?|testing)|\bUDS\b|drug screen"),
        rx(
            r"urine drug (?:screens?|tests?) (?:was|were|is|are|has been) "
            r"(?:performed|done|consistent|appropriate)|consistent urine drug"
        ),
    ),
    FactKind(
        "cures_checked",
        _gap(r"\bCURES\b"),
        rx(r"\bCURES\b (?:report )?(?:was|is) (?:checked|reviewed|consistent)"),
    ),
    FactKind(
        "gi_risk_factors",
        _gap(
            r"(?:GI|gastrointestinal) (?:risk|events?|complaints|symptoms|bleed\w*)|"
            r"peptic ulcer|history of (?:GI|gastrointestinal)"
        ),
        rx(
            r"(?:history of|reports?|complain\w* of) (?:GI upset|gastritis|GERD|dyspepsia|"
            r"reflux|peptic ulcer)"
        ),
    ),
    FactKind(
        "neuropathic_pain",
        _gap(r"neuropathic (?:pain|component)|neuropathy"),
        rx(r"(?:has|with|documented) neuropathic pain"),
    ),
    FactKind(
        "long_term_use",
        None,
        rx(
            r"(?:using|been on|taking|prescribed|used) (?:\w+ ){0,4}since (?:at least )?|"
            r"(?:for|over|beyond) (?:at least |more than |the past )?(?:\d+|several|many) "
            r"(?:months|years)|long[- ]term use|chronic (?:opioid|use)|continued use|"
            r"ongoing use|(?:is|was) a refill"
        ),
    ),
    FactKind(
        "already_authorized",
        None,
        rx(
            r"(?:previously|already) (?:been )?(?:authori[sz]ed|approved|certified)|"
            r"duplicat\w+|redundant|(?:had|has) been approved for"
        ),
    ),
)

# A sentence that restates the guideline, not the record.
_GUIDELINE = rx(
    r"^(?:according to|per|pursuant to|the (?:california |ca )?(?:MTUS|ODG|ACOEM|official)|"
    r"(?:california |ca[- ])?MTUS|ODG|ACOEM|guidelines?)\b|"
    r"\b(?:guidelines?|MTUS|ODG|ACOEM) (?:state|states|recommend|recommends|indicate|note|"
    r"support|supports)\b|\b(?:is|are) (?:recommended|indicated|warranted) (?:for|if|when|in)\b"
)


def stated_facts(rationale: str, description: str | None = None) -> dict[str, bool]:
    """Fact kind -> True (stated present) / False (stated absent) in a rationale; a kind the
    rationale does not speak of is left out. The later statement wins (conclusions come
    last), and a statement of absence wins over a passing mention in the same sentence."""
    text = normalise_text(rationale)
    if description and len(description.strip()) > 3:
        text = text.replace(" ".join(description.split()), "the request")
    found: dict[str, bool] = {}
    for sentence in split_sentences(text):
        body = sentence.text
        if _GUIDELINE.search(body):
            continue
        for kind in FACT_KINDS:
            if kind.absent is not None and kind.absent.search(body):
                found[kind.name] = False
            elif kind.present is not None and kind.present.search(body):
                found[kind.name] = True
    return found


def assist_reading(kind: str, facts: CaseFacts, guidance: Guidance) -> bool | None:
    """What the assist's reading of the clinical case summary says of a fact kind: True,
    False (including "not documented" in a substantive record), or None (no reading)."""
    if kind == "long_term_use":
        weeks = facts.value("medication_duration_weeks")
        return None if not isinstance(weeks, float) else weeks >= LONG_TERM_WEEKS
    if kind == "already_authorized":
        duplicate = any(
            c.code == "repeat_without_change"
            and c.status == "not_met"
            and c.criterion == "not a service already authorized"
            for c in guidance.criteria
        )
        return True if duplicate else None
    value = facts.value(kind)
    return value if isinstance(value, bool) else None
