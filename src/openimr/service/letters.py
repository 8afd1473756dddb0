"""Rendering a case's letter for a reader: which version, in which format.

The letter never names the reviewer (LC 4610.6(f)); the renderer is given the reviewer's
name and licence numbers so it can prove they are absent. The public version is redacted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

from openimr.domain.case import Case
from openimr.domain.errors import InvalidTransition
from openimr.domain.reviewer import ExpertReviewer
from openimr.domain.vocabulary import NoticeKind
from openimr.letters.redact import name_variants
from openimr.letters.render import (
    LetterOptions,
    determination_fields,
    render_letter_html,
    render_letter_pdf,
    render_letter_text,
)

LetterFormat = Literal["text", "html", "pdf", "json"]
MEDIA_TYPES: dict[str, str] = {
    "text": "text/plain; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "json": "application/json",
}


@dataclass(frozen=True)
class RenderedLetter:
    case_number: str
    format: str
    public: bool
    media_type: str
    content: bytes

    @property
    def filename(self) -> str:
        suffix = {"text": "txt", "html": "html", "pdf": "pdf", "json": "json"}[self.format]
        return f"{self.case_number}{'-public' if self.public else ''}.{suffix}"


def reviewer_identity(reviewer: ExpertReviewer) -> list[str]:
    """What would identify the reviewer: the name (whole and each part of it, as a reviewer
    may sign "I, Riley Imaginary"), the reviewer id and the licence numbers."""
    return [
        *name_variants(reviewer.name, person=True),
        reviewer.reviewer_id,
        *[lic.number for lic in reviewer.licenses if lic.number],
    ]


def no_letter_yet(case: Case) -> InvalidTransition:
    return InvalidTransition(
        f"case {case.case_number} has no signed determination yet; there is no letter",
        case_number=case.case_number,
    )


def render(
    case: Case, reviewer: ExpertReviewer | None, fmt: LetterFormat, public: bool
) -> RenderedLetter:
    """Render the signed determination of `case` as `fmt` (8 CCR 9792.10.6)."""
    if case.determination is None:
        raise no_letter_yet(case)
    identity = reviewer_identity(reviewer) if reviewer else []
    det = case.determination
    served = case.latest_notice(NoticeKind.FINAL_DETERMINATION)
    options: LetterOptions = {"public": public, "reviewer_identity": identity, "notice": served}
    if fmt == "text":
        content = render_letter_text(case, det, **options).encode()
    elif fmt == "html":
        content = render_letter_html(case, det, **options).encode()
    elif fmt == "pdf":
        content = render_letter_pdf(case, det, **options)
    else:
        fields = determination_fields(case, det, public=public, reviewer_identity=identity)
        content = json.dumps(fields, indent=2).encode()
    return RenderedLetter(case.case_number, fmt, public, MEDIA_TYPES[fmt], content)
