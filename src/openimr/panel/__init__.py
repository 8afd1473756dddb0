"""openimr.panel: the expert reviewer panel — registry, qualification, conflicts, assignment.

Public API (LC 139.5; 8 CCR 9792.10.4):
- `screen_reviewers(case, reviewers, as_of, ...)` -> `Screening`: ranked candidates and every
  exclusion with its reasons; the lifecycle's assignment step uses it.
- `Screener`: the same checks prepared once for many cases (used by the batch assignment).
- `RelationGraph`, `Relation`: the graph of people and organisations for the conflict check.
"""

from openimr.panel.conflicts import Relation, RelationGraph
from openimr.panel.model import PanelReviewer
from openimr.panel.screening import (
    Candidate,
    CaseProfile,
    Exclusion,
    Screener,
    Screening,
    screen_reviewers,
)

__all__ = [
    "Candidate",
    "CaseProfile",
    "Exclusion",
    "PanelReviewer",
    "Relation",
    "RelationGraph",
    "Screener",
    "Screening",
    "screen_reviewers",
]
