"""Minimal reader of the dev letters for the KB benchmark: item text and the reviewer's citations.

Uses `openimr.letters.parse.parse_letter_file` when it exists; otherwise a regex over the
"IMR ISSUES, DECISIONS AND RATIONALES" section (item lines ending ": Upheld|Overturned" and
their "MAXIMUS guideline:" paragraphs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class LetterItem:
    case: str
    description: str
    decision: str
    guideline_text: str
    first_mtus: tuple[str, str] | None  # (guideline, edition) of the first MTUS citation
    date_of_injury: str | None = None  # ISO dates from the letter header
    ur_denial_date: str | None = None


_MTUS = re.compile(r"MTUS\s+([A-Z][A-Za-z ,&\-]+?)\s+(\d{4})")
_PARA = re.compile(r"\n[ \t]+\n")


def first_mtus(guideline_text: str) -> tuple[str, str] | None:
    text = " ".join(guideline_text.split())
    if "Decision based on MTUS" not in text:
        return None
    m = _MTUS.search(text[text.index("Decision based on MTUS") :])
    return (m.group(1).strip(), m.group(2)) if m else None


def _header_date(text: str, label: str) -> str | None:
    m = re.search(label + r":\s*(\d{1,2})/(\d{1,2})/(\d{4})", text)
    return f"{m.group(3)}-{int(m.group(1)):02d}-{int(m.group(2)):02d}" if m else None


def _regex_items(path: Path) -> list[LetterItem]:
    text = path.read_text(encoding="utf-8", errors="replace")
    doi, ur = _header_date(text, "Date of Injury"), _header_date(text, "UR Denial Date")
    start = text.find("IMR ISSUES, DECISIONS AND RATIONALES")
    body = text[start:] if start >= 0 else text
    out: list[LetterItem] = []
    paras = _PARA.split(body)
    for i, para in enumerate(paras):
        flat = " ".join(para.split())
        m = re.search(r"^(.*):\s*(Upheld|Overturned)$", flat)
        if not m:
            continue
        desc = m.group(1)
        if "set forth below:" in desc:
            desc = desc.split("set forth below:", 1)[1].strip()
        rem = re.search(
            r"remaining IMR eligible portion of the original request,\s*(.*?)\s*(?:is)?$", desc
        )
        if rem:
            desc = rem.group(1)
        guide = ""
        for later in paras[i + 1 : i + 4]:
            if "MAXIMUS guideline:" in later:
                guide = later.split("MAXIMUS guideline:", 1)[1].split("Decision rationale:", 1)[0]
                break
        out.append(
            LetterItem(
                path.stem,
                desc.strip(),
                m.group(2).lower(),
                " ".join(guide.split()),
                first_mtus(guide),
                doi,
                ur,
            )
        )
    return out


def read_items(path: Path) -> list[LetterItem]:
    try:
        from openimr.letters.parse import parse_letter_file  # type: ignore[import-not-found]
    except ImportError:
        return _regex_items(path)
    try:
        parsed = parse_letter_file(path)
    except Exception:  # noqa: BLE001 - the other area's parser may still be in progress
        return _regex_items(path)
    data = parsed if isinstance(parsed, dict) else parsed.model_dump()
    items = data.get("items") or []
    if not items:
        return _regex_items(path)
    out = []
    for it in items:
        cites = it.get("imr_guideline") or []
        mtus = next((c for c in cites if c.get("source") == "MTUS" and c.get("guideline")), None)
        out.append(
            LetterItem(
                path.stem,
                it.get("description") or "",
                it.get("decision") or "",
                " ".join(c.get("text") or "" for c in cites),
                (mtus["guideline"], str(mtus.get("edition") or "")) if mtus else None,
                data.get("date_of_injury"),
                data.get("ur_denial_date"),
            )
        )
    return out
