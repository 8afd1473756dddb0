"""/api/jurisdictions: the packs this service knows, and what an application of each carries.

Public: the law's programmes, their party roles, document kinds, case facts, review types and
outcome words are no one's secret, and a client needs them to build an application.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from openimr.rules.pack import jurisdictions, pack_named

router = APIRouter(prefix="/api/jurisdictions", tags=["jurisdictions"])


def _pack(jurisdiction: str) -> dict[str, Any]:
    data = pack_named(jurisdiction).data
    return {
        "jurisdiction": data.jurisdiction,
        "name": data.name,
        "programme": data.programme,
        "regulator": data.regulator,
        "citation": data.citation,
        "words": data.words,
        "review_types": [{"id": t.id, "label": t.label} for t in data.review_types],
        "party_roles": [{"id": r.id, "label": r.label, "kind": r.kind} for r in data.party_roles],
        "document_kinds": [{"id": d.id, "label": d.label} for d in data.document_kinds],
        "case_facts": [
            {"id": f.id, "label": f.label, "kind": f.kind, "required": f.required}
            for f in data.case_facts
        ],
        "outcomes": [{"decision": o.decision, "word": o.word} for o in data.outcomes],
    }


@router.get("")
def list_jurisdictions() -> list[dict[str, Any]]:
    """Every jurisdiction pack: what a case of it is called, carries and can come to."""
    return [_pack(j) for j in jurisdictions()]


@router.get("/{jurisdiction}")
def read_jurisdiction(jurisdiction: str) -> dict[str, Any]:
    """One jurisdiction pack (422 when no pack has that name)."""
    return _pack(jurisdiction)
