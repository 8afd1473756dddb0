"""Fictional case files for the case-summary drafter, and how a reviewer scores a draft.

Each case under data/summary_cases/<split>/<case>/ is a folder of text records (a form feed
separates pages) and a facts.yaml: the facts a reviewer needs from that file and the false
statements a draft must not make, written by hand before the drafter was tuned. `build_pdfs`
turns the records into PDFs at test or benchmark time (none is committed): a text PDF for
each record, and for a "*.scan.txt" record a PDF whose page is only an image of the text, as
a scanner makes it. `score` measures a draft as a reviewer would: fact recall, false
statements, and whether each sentence's quotes support it.

Used by tests/unit/assist/test_summary_cases.py, tests/e2e/test_assist_summarize_cli.py and
benchmarks/bench_summary.py.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from openimr.assist.dates import dates_in
from openimr.assist.lexicon import expand_abbreviations
from openimr.assist.records import RecordDocument
from openimr.assist.summary import DraftSummary, SummarySentence

CASES = Path(__file__).parent / "data" / "summary_cases"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"


def case_dirs(split: str) -> list[Path]:
    """The case folders of a split ("dev" or "heldout"), by name."""
    return sorted(p for p in (CASES / split).iterdir() if (p / "facts.yaml").is_file())


def build_pdfs(case: Path, out: Path) -> Path:
    """Write the case's records as PDFs into `out` (created); return `out`."""
    out.mkdir(parents=True, exist_ok=True)
    for text_file in sorted(case.glob("*.txt")):
        pages = text_file.read_text(encoding="utf-8").split("\f")
        if text_file.name.endswith(".scan.txt"):
            target = out / (text_file.name.removesuffix(".scan.txt") + ".pdf")
            _image_pdf(pages, target)
        else:
            _text_pdf(pages, out / (text_file.stem + ".pdf"))
    return out


def _text_pdf(pages: list[str], target: Path) -> None:
    from weasyprint import HTML

    body = "".join(
        f'<pre style="page-break-after: always">{html.escape(page)}</pre>' for page in pages
    )
    page_style = "@page { size: letter; margin: 0.8in } pre { font: 10pt DejaVu Sans Mono }"
    HTML(string=f"<html><style>{page_style}</style><body>{body}</body></html>").write_pdf(target)


def _image_pdf(pages: list[str], target: Path) -> None:
    """A scan: each page a 200 dpi greyscale image of the text, no text layer."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(FONT, 27)
    images = []
    for page in pages:
        image = Image.new("L", (1700, 2200), 255)
        draw = ImageDraw.Draw(image)
        for row, line in enumerate(page.splitlines()):
            draw.text((150, 150 + row * 40), line, font=font, fill=0)
        images.append(image)
    images[0].save(target, "PDF", resolution=200.0, save_all=True, append_images=images[1:])


# -- scoring ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    id: str
    patterns: tuple[re.Pattern[str], ...]

    def found_in(self, sentences: list[str]) -> bool:
        return any(all(p.search(s) for p in self.patterns) for s in sentences)


@dataclass(frozen=True)
class CaseFacts:
    case: str
    facts: tuple[Fact, ...]
    false: tuple[tuple[str, re.Pattern[str]], ...]
    scanned: tuple[str, ...] = ()


def load_facts(case: Path) -> CaseFacts:
    raw: dict[str, Any] = yaml.safe_load((case / "facts.yaml").read_text(encoding="utf-8"))
    facts = tuple(Fact(f["id"], tuple(re.compile(p, re.I) for p in f["all"])) for f in raw["facts"])
    false = tuple((f["id"], re.compile(f["pattern"], re.I)) for f in raw.get("false", []))
    return CaseFacts(raw["case"], facts, false, tuple(raw.get("scanned", [])))


@dataclass
class Score:
    facts: int = 0
    found: int = 0
    missed: list[str] = field(default_factory=list)
    false: list[str] = field(default_factory=list)  # "id: sentence"
    sentences: int = 0
    unsupported: list[str] = field(default_factory=list)  # "sentence -- what is missing"
    fragments: list[str] = field(default_factory=list)  # "sentence -- why it is no sentence"

    @property
    def recall(self) -> float:
        return self.found / self.facts if self.facts else 1.0


def score(draft: DraftSummary, records: list[RecordDocument], facts: CaseFacts) -> Score:
    sentences = [s.text for s in draft.sentences()]
    result = Score(facts=len(facts.facts))
    for fact in facts.facts:
        if fact.found_in(sentences):
            result.found += 1
        else:
            result.missed.append(fact.id)
    for fact_id, pattern in facts.false:
        for text in sentences:
            if pattern.search(text):
                result.false.append(f"{fact_id}: {text}")
    by_id = {r.document_id: r for r in records}
    titles = {_bare(line) for r in records for line in _title_lines(r)}
    for summary_sentence in draft.sentences():
        why = fragment(summary_sentence.text, titles)
        if why:
            result.fragments.append(f"{summary_sentence.text} -- {why}")
        result.sentences += 1
        missing = unsupported(summary_sentence, by_id)
        if missing:
            result.unsupported.append(f"{summary_sentence.text} -- {', '.join(missing)}")
    return result


def fragment(text: str, titles: Collection[str] = ()) -> str | None:
    """Why a draft's sentence is no sentence of the record, or None: it starts with
    punctuation (": DOCTOR'S FIRST REPORT ..."), or it is only a title or form header
    (three words or more outside parentheses, all in capitals and no number, or a record's
    heading line word for word)."""
    stripped = text.strip()
    if not stripped or not (stripped[0].isalnum() or stripped[0] in "\"'("):
        return "starts with punctuation"
    bare = _bare(stripped)
    outside = re.sub(r"\([^)]*\)", "", stripped)
    words = re.findall(r"[A-Za-z']{2,}", outside)
    if len(words) >= 3 and not re.search(r"[a-z0-9]", outside):  # "WOMAC 62." is a score
        return "only a title in capitals"
    if bare in titles:
        return "only a record's title"
    return None


def _bare(text: str) -> str:
    """Letters and digits only, lower case: how two titles are compared."""
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def _title_lines(record: RecordDocument) -> list[str]:
    """The heading lines of a record's first page: lines of at least three words with no
    lower-case letter outside parentheses ("DOCTOR'S FIRST REPORT ... (Form 5021)")."""
    first = record.pages[0] if record.pages else ""
    out = []
    for line in first.splitlines()[:8]:
        words = re.sub(r"\([^)]*\)", "", line).split()
        if len(words) >= 3 and not re.search(r"[a-z]", " ".join(words)):
            out.append(line)
    return out


# Words the drafter writes itself to frame what the record says; every other word, number and
# date of a sentence must be in the quotes it cites (its abbreviations written out).
FRAME = set(
    [
        "the",
        "a",
        "an",
        "and",
        "or",
        "of",
        "on",
        "in",
        "to",
        "for",
        "by",
        "with",
        "as",
        "at",
        "is",
        "are",
        "was",
        "were",
        "be",
        "this",
        "that",
        "these",
        "their",
        "its",
        "it",
        "from",
        "into",
        "than",
        "not",
        "no",
        "but",
        "his",
        "her",
        "he",
        "she",
        "they",
        "them",
        "who",
        "which",
        "what",
        "when",
        "while",
        "there",
        "also",
        "applicant",
        "year",
        "old",
        "industrial",
        "injury",
        "mechanism",
        "diagnoses",
        "records",
        "record",
        "body",
        "parts",
        "name",
        "names",
        "utilization",
        "review",
        "determination",
        "dated",
        "reviewer",
        "claims",
        "administrator",
        "certified",
        "non-certified",
        "modified",
        "request",
        "requests",
        "rationale",
        "cited",
        "wrote",
        "reported",
        "examination",
        "worded",
        "history",
        "visits",
        "testing",
        "imaging",
        "findings",
        "impression",
        "procedure",
        "assessment",
        "medications",
        "plan",
        "work",
        "status",
        "undated",
        "authorization",
        "requested",
        "under",
        "decided",
        "different",
        "pain",
        "scores",
        "draft",
        "does",
        "choose",
        "between",
        "repeats",
        "word",
        "almost",
        "copied",
        "forward",
        "rather",
        "repeated",
        "addendum",
        "changes",
        "note",
        "adds",
        "document",
        "read",
        "text",
        "layer",
        "scanned",
        "image",
        "available",
        "must",
        "scan",
        "page",
        "pages",
        "contain",
        "reading",
        "errors",
        "attorney",
        "subsequently",
        "appealed",
        "applied",
        "independent",
        "medical",
        "represented",
        "worker",
        "decided",
        "gives",
        "have",
        "been",
    ]
)


def unsupported(sentence: SummarySentence, records: dict[str, RecordDocument]) -> list[str]:
    """What a sentence states that its quotes do not: numbers, dates and content words."""
    quotes = " ".join(s.quote for s in sentence.sources)
    for source in sentence.sources:  # a notice about a file is supported by the file's name
        doc = records.get(source.document_id)
        if doc is not None and not source.quote:
            quotes += f" {doc.filename or ''} {doc.document_id} page {source.page}"
        elif source.document_id == "case":
            quotes += " " + source.quote
    expanded = f"{quotes} {expand_abbreviations(quotes)}".lower()
    text = sentence.text
    missing: list[str] = []
    quote_dates = {d for d, _ in dates_in(quotes)}
    for value, _ in dates_in(text):
        if value not in quote_dates:
            missing.append(f"date {value}")
    text_wo_dates = re.sub(r"\b[A-Z][a-z]+ \d{1,2}, \d{4}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b", " ", text)
    for number in re.findall(r"\d+(?:[./]\d+)*", text_wo_dates):
        age = re.search(rf"\b{number}-year-old", text)
        if age and re.search(r"\bdob\b|birth", expanded):
            continue
        if not re.search(rf"(?<![\d.]){re.escape(number)}(?![\d])", expanded):
            missing.append(number)
    stems = {w[:5] for w in re.findall(r"[a-z]+", expanded)}
    for word in re.findall(r"[A-Za-z]+", text_wo_dates):
        lower = word.lower()
        if (
            len(lower) < 4
            or lower in FRAME
            or re.fullmatch(r"[a-z]+s", lower)
            and lower[:-1] in FRAME
        ):
            continue
        if lower[:5] not in stems:
            missing.append(word)
    return missing
