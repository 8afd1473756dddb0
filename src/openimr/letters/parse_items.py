"""The per-item blocks of a decisions section: item line, guideline lines, rationale.

An item opens with its item line, which ends in its decision ("<item>: Upheld"), or is
followed by a decision line ("Decision: Overturned"). A modified request states the original
request, the part the claims administrator authorized and the IMR-eligible remainder on the
item line itself. Then come the labelled paragraphs ("Claims Administrator guideline:",
"<IMR organization> guideline:", "Decision rationale:") up to the next item line or the next
ALL-CAPS section header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from openimr.letters.model import ParsedItem
from openimr.letters.parse_citations import STRENGTH, parse_guideline_paragraph
from openimr.letters.parse_text import (
    DocumentVocabulary,
    clean_block,
    ends_sentence,
    is_section_header,
    join_lines,
)

# Any case: "Upheld", "UPHELD", "Overturned." all occur in letters typed by hand.
_DECISION_WORD = r"(?P<decision>(?i:upheld|overturned))"
_ITEM_LINE = re.compile(r"^(?P<name>.*?):\s*" + _DECISION_WORD + r"\.?\s*$")
_DECISION_ONLY = re.compile(r"^\s*(?:Decision:\s*)?" + _DECISION_WORD + r"\.?\s*$", re.IGNORECASE)
# "<party> guideline:" in lower case and singular: a wrapped citation line may begin with a
# guideline's own name ("Official Disability Guidelines: Neck ..."), which is no label.
_GUIDELINE_LABEL = re.compile(r"^\s*(?P<label>(?:[A-Z][A-Za-z.&-]*\s+){1,3}?guideline):\s*")
_RATIONALE_LABEL = re.compile(
    r"(?:^|\s)(?P<label>Decision rationale|Rationale for the Decision|Rationale):\s*", re.IGNORECASE
)
_LABEL_AT_START = re.compile(
    r"^\s*(?:Decision rationale|Rationale for the Decision|Rationale):", re.IGNORECASE
)
_LABEL_LINE_END = re.compile(
    r"(?:\bguidelines?|\brationale|\bDecision|\bbelow|\bfollowing|\bcredentials):$",
    re.IGNORECASE,
)
# The layout's own sentences that continue an item line across a sentence end.
_MODIFIED_CONTINUATION = re.compile(
    r"^(?:The remaining IMR eligible|The Claims Administrator authorized|The original request"
    r"|(?:[^.]|\.(?=\S)){0,300}? was authorized by the Claims Administrator)"
)
_MODIFIED = re.compile(
    r"^(?P<original>.+?) was the original request\.\s*(?P<authorized>.+?) was authorized by the"
    r" Claims Administrator\.\s*The remaining IMR eligible portion of the original request,?\s*"
    r"(?P<remaining>.+?),?(?:\s+is)?$",
    re.IGNORECASE | re.DOTALL,
)
_MODIFIED_WHOLE = re.compile(
    r"^(?P<original>.+?) was the original request\.\s*The Claims Administrator authorized"
    r" (?P<authorized>.+?),? leaving the original request IMR eligible\.\s*"
    r"The original request,?\s*"
    r"(?P<remaining>.+?),?(?:\s+is)?$",
    re.IGNORECASE | re.DOTALL,
)
_ITEM_PREFIX = re.compile(
    r"^(?:\(?\d{1,2}[.)]\s+|Regarding the request for\s+|Request for\s+)+", re.I
)


_MAX_ITEM_LINE_CHARS = 1500


@dataclass
class ItemOpening:
    """Where an item line sits in a decisions section, its text and its decision."""

    start: int  # first line of the item line(s)
    decision_line: int  # the line holding the decision word
    name: str
    decision: str


def _is_blank(line: str) -> bool:
    return not line.strip()


def find_item_openings(lines: list[str]) -> list[ItemOpening]:
    """Locate every item line of a decisions section (indices into `lines`)."""
    openings: list[ItemOpening] = []
    floor = 0
    for index, line in enumerate(lines):
        match = None if _DECISION_ONLY.match(line) else _ITEM_LINE.match(line.strip())
        name_end = index
        if match and match.group("name").strip():
            decision = match.group("decision")
            first_part = match.group("name")
        else:
            only = _DECISION_ONLY.match(line)
            if not only or index == 0:
                continue
            previous = _previous_filled(lines, index)
            if previous is None or previous < floor:
                continue
            decision = only.group("decision")
            first_part = ""
            name_end = previous
            if not line.strip().lower().startswith("decision") and not lines[
                previous
            ].rstrip().endswith(":"):
                continue
        start = _opening_start(lines, name_end, floor, first_part)
        body = [*(ln for ln in lines[start:name_end] if ln.strip())]
        if first_part:
            body.append(first_part)
        elif name_end < index:
            body.append(lines[name_end])
        name = join_lines(body).rstrip(": ")
        if not name:
            continue
        openings.append(ItemOpening(start, index, name, decision.lower()))
        floor = index + 1
    return openings


def _previous_filled(lines: list[str], index: int) -> int | None:
    for k in range(index - 1, -1, -1):
        if lines[k].strip():
            return k
    return None


def _ends_block(line: str, so_far: str) -> bool:
    """Whether `line` closes the block above the item line that `so_far` begins.

    A finished sentence does, whatever the item line's first character ("(purchase) ...",
    "bilateral ..."), unless the item line goes on with one of its stock sentences. A colon
    does only for a label or a stock intro ("... set forth below:"); otherwise it is the
    item's own ("DOS:" / "11/14/16: Upheld") when the next line does not start a new phrase.
    """
    stripped = line.rstrip()
    if stripped.endswith(":"):
        return bool(_LABEL_LINE_END.search(stripped)) or so_far[:1].isupper()
    return ends_sentence(stripped) and not _MODIFIED_CONTINUATION.match(so_far)


def _opening_start(lines: list[str], last: int, floor: int, last_text: str) -> int:
    """Walk back from an item line's last line to its first.

    The budget is in characters, not lines: a modified request states the item three times
    and may wrap over twenty narrow lines.
    """
    start = last
    so_far = (last_text or lines[last]).strip()
    k = last - 1
    while k >= floor and len(so_far) <= _MAX_ITEM_LINE_CHARS:
        line = lines[k]
        if _is_blank(line):
            above = _previous_filled(lines, k)
            if above is None or above < floor or _ends_block(lines[above], so_far):
                break
            k = above
            continue
        # A labelled paragraph ("... guideline:", "Decision rationale:") is never an item line.
        if _GUIDELINE_LABEL.match(line) or _LABEL_AT_START.match(line) or _ends_block(line, so_far):
            break
        start = k
        so_far = f"{line.strip()} {so_far}"
        k -= 1
    return start


def parse_item_name(name: str) -> tuple[str, str | None, str | None]:
    """(description, original request, authorized portion) from an item line's text."""
    name = _ITEM_PREFIX.sub("", name.strip()).strip().rstrip(":").strip()
    for pattern in (_MODIFIED, _MODIFIED_WHOLE):
        match = pattern.match(name)
        if match:
            return (
                match.group("remaining").strip().rstrip(",").strip(),
                match.group("original").strip(),
                match.group("authorized").strip(),
            )
    return name, None, None


def parse_items(
    lines: list[str], vocabulary: DocumentVocabulary, warnings: list[str]
) -> list[ParsedItem]:
    """Every item of a decisions section, in letter order."""
    openings = find_item_openings(lines)
    items: list[ParsedItem] = []
    for number, opening in enumerate(openings, start=1):
        end = openings[number].start if number < len(openings) else len(lines)
        block = lines[opening.decision_line + 1 : end]
        # A section after the decisions (DOCUMENTS REVIEWED, APPEAL RIGHTS) ends the last item.
        for offset, line in enumerate(block):
            if is_section_header(line):
                block = block[:offset]
                break
        items.append(_parse_item_block(number, opening, block, vocabulary, warnings))
    return items


def _parse_item_block(
    number: int,
    opening: ItemOpening,
    block: list[str],
    vocabulary: DocumentVocabulary,
    warnings: list[str],
) -> ParsedItem:
    description, original, authorized = parse_item_name(opening.name)
    labelled: list[tuple[str, list[str]]] = []
    in_rationale = False
    for line in block:
        if in_rationale:
            labelled[-1][1].append(line)
            continue
        guideline = _GUIDELINE_LABEL.match(line)
        rationale = _RATIONALE_LABEL.search(line)
        if guideline:
            rest = line[guideline.end() :]
            inner = _RATIONALE_LABEL.search(rest)
            labelled.append((guideline.group("label"), [rest[: inner.start()] if inner else rest]))
            if inner:
                labelled.append(("rationale", [rest[inner.end() :]]))
                in_rationale = True
        elif rationale:
            if rationale.start() > 0 and labelled:
                labelled[-1][1].append(line[: rationale.start()])
            labelled.append(("rationale", [line[rationale.end() :]]))
            in_rationale = True
        elif labelled:
            labelled[-1][1].append(line)
    ca_text = imr_text = rationale_text = None
    for label, body in labelled:
        if label == "rationale":
            rationale_text = clean_block(body, vocabulary)
        elif "claims administrator" in label.lower():
            ca_text = join_lines(body, vocabulary)
        elif imr_text is None:
            imr_text = join_lines(body, vocabulary)
    if ca_text is None:
        warnings.append(
            f"item {number} ({description[:40]}): no Claims Administrator guideline line"
        )
    if imr_text is None:
        warnings.append(f"item {number} ({description[:40]}): no IMR guideline line")
    if not rationale_text:
        warnings.append(
            f"item {number} ({description[:40]}): no decision rationale (letter truncated?)"
        )
    imr_citations = parse_guideline_paragraph(imr_text or "")
    strength = next((c.strength for c in imr_citations if c.strength), None)
    if strength is None and imr_text:
        match = STRENGTH.search(imr_text)
        strength = match.group("strength").strip().rstrip(".") if match else None
    return ParsedItem(
        description=description,
        original_request=original,
        authorized_portion=authorized,
        decision=opening.decision,  # type: ignore[arg-type]
        claims_administrator_guideline=parse_guideline_paragraph(ca_text or ""),
        imr_guideline=imr_citations,
        strength_of_evidence=strength,
        rationale=rationale_text or None,
    )
