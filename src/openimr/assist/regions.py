"""Which body region a finding in the record belongs to, so an item sees only its own findings.

A record often covers several regions: a wrist with carpal tunnel signs, a neck, a low back.
The imaging and electrodiagnostic criteria (ACOEM Low Back Complaints 2004 ch. 12 pp. 303-304,
Neck and Upper Back Complaints ch. 8 pp. 177-178, Knee Complaints ch. 13 pp. 341-343) ask for
nerve-compromise or derangement findings *of the region studied*: a positive Phalen test at
the wrist is no evidence for a lumbar MRI. This module says whether a sentence may speak
for a region: it may when it names that region (or the limb its nerve roots supply), or names
no region at all; it may not when it names only other regions. Peripheral entrapment signs
(Tinel, Phalen, carpal or cubital tunnel) never count as nerve-root findings for the spine.
The words of each area are `assist.lexicon.REGIONS`.
"""

from __future__ import annotations

from openimr.assist.lexicon import areas_named, rx

_LOW = frozenset({"lumbar", "leg", "hip", "knee", "ankle_foot"})
_HIGH = frozenset({"cervical", "arm", "shoulder", "elbow", "wrist_hand"})

# Evidence region id -> the areas whose findings bear on it: for nerve findings the spine
# segment plus the limb it supplies; for a joint, the joint and its limb.
NEURO_AREAS: dict[str, frozenset[str]] = {
    "lumbar-spine": _LOW,
    "lower-extremity": _LOW,
    "cervical-spine": _HIGH,
    "upper-extremity": _HIGH,
    "thoracic-spine": frozenset({"thoracic"}),
    "shoulder": frozenset({"shoulder", "arm"}),
    "elbow": frozenset({"elbow", "arm"}),
    "forearm-wrist-hand": frozenset({"wrist_hand", "arm"}),
    "hip-pelvis": frozenset({"hip", "leg"}),
    "knee": frozenset({"knee", "leg"}),
    "ankle-foot": frozenset({"ankle_foot", "leg"}),
    "head": frozenset({"head"}),
}
JOINT_AREAS: dict[str, frozenset[str]] = {
    "shoulder": frozenset({"shoulder"}),
    "elbow": frozenset({"elbow"}),
    "forearm-wrist-hand": frozenset({"wrist_hand"}),
    "hip-pelvis": frozenset({"hip"}),
    "knee": frozenset({"knee"}),
    "ankle-foot": frozenset({"ankle_foot"}),
    "upper-extremity": frozenset({"shoulder", "elbow", "wrist_hand", "arm"}),
    "lower-extremity": frozenset({"hip", "knee", "ankle_foot", "leg"}),
}
_ENTRAPMENT = rx(r"Tinel|Phalen|carpal tunnel|cubital tunnel|\bCTS\b|ulnar nerve|median nerve")
_SPINE = frozenset({"lumbar-spine", "cervical-spine", "thoracic-spine"})


def speaks_for(text: str, region: str, *, joint: bool = False) -> bool:
    """True when a sentence's finding may be read for an item about `region`.

    `joint=True` uses the joint's own areas (derangement findings); otherwise nerve findings
    use the spinal segment and its limb. Unknown regions accept every sentence.
    """
    wanted = (JOINT_AREAS if joint else NEURO_AREAS).get(region)
    if wanted is None:
        return True
    if region in _SPINE and not joint and _ENTRAPMENT.search(text):
        return False
    named = areas_named(text)
    return not named or bool(named & wanted)
