"""The draft summary's types: sentences that carry their sources, in titled paragraphs.

Every sentence of a draft case summary names where it came from: the document, the page and
the exact words (`Source.quote` is a substring of that page's text), so that the reviewer can
check it and the benchmark can test that the quote supports the sentence. The draft says it
is a draft (`DRAFT_NOTICE`): the reviewer edits and signs the summary, the system never does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from openimr.assist.records import Passage, RecordText
from openimr.domain.case import Case
from openimr.rules.pack import load_pack

DRAFT_NOTICE = (
    "DRAFT clinical case summary, drawn by openimr from the case's records for the expert "
    "reviewer to check, edit and sign. Each sentence ends with its source: [D4 p1] is "
    "document D4, page 1."
)


@dataclass(frozen=True)
class CaseHeader:
    """Facts the service already holds about the case; used only where the records are silent."""

    applicant_age: int | None = None
    applicant_sex: str | None = None
    date_of_injury: date | None = None
    represented: bool | None = None


@dataclass(frozen=True)
class Source:
    """Where a sentence's fact came from: `quote` is an exact substring of that page's text
    (page numbers start at 1). Facts from the case header have document_id "case", no page."""

    document_id: str
    page: int | None
    quote: str

    def label(self) -> str:
        return self.document_id if self.page is None else f"{self.document_id} p{self.page}"

    def to_dict(self) -> dict[str, object]:
        return {"document_id": self.document_id, "page": self.page, "quote": self.quote}


@dataclass(frozen=True)
class SummarySentence:
    text: str
    sources: tuple[Source, ...]

    def to_dict(self) -> dict[str, object]:
        return {"text": self.text, "sources": [s.to_dict() for s in self.sources]}


@dataclass(frozen=True)
class DraftSummary:
    """Paragraphs of sentences, each paragraph with a title ("" for none): the worker and
    the injury; the UR decision; the course of care, one paragraph per record in date order;
    what the record does not settle; the request under review."""

    paragraphs: tuple[tuple[SummarySentence, ...], ...]
    titles: tuple[str, ...] = field(default=())

    def sentences(self) -> list[SummarySentence]:
        return [s for paragraph in self.paragraphs for s in paragraph]

    def title(self, index: int) -> str:
        return self.titles[index] if index < len(self.titles) else ""

    def text(self, with_sources: bool = True) -> str:
        """The draft as prose. With `with_sources` (what a reviewer is shown) it opens with
        the draft notice and each sentence ends with its source, e.g. "[D4 p1]"; without, it
        is the plain prose the reviewer may start their own summary from."""
        out = [DRAFT_NOTICE] if with_sources else []
        for index, paragraph in enumerate(self.paragraphs):
            parts = []
            for sentence in paragraph:
                labels = list(dict.fromkeys(s.label() for s in sentence.sources))
                suffix = f" [{'; '.join(labels)}]" if with_sources and labels else ""
                parts.append(sentence.text + suffix)
            title = self.title(index)
            body = " ".join(parts)
            out.append(f"{title}\n{body}" if title and with_sources else body)
        return "\n\n".join(out)

    def to_dict(self) -> dict[str, object]:
        return {
            "status": "draft",
            "notice": DRAFT_NOTICE,
            "paragraphs": [[s.to_dict() for s in p] for p in self.paragraphs],
            "titles": list(self.titles),
        }


def case_header(case: Case) -> CaseHeader:
    """What the case aggregate already knows about the worker, for `draft_case_summary`."""
    return CaseHeader(
        applicant_age=case.applicant_age,
        applicant_sex=case.applicant_sex,
        date_of_injury=case.date_of_injury,
        represented=any(
            p.role in load_pack(case.jurisdiction).roles_of_kind("representative")
            for p in case.parties
        ),
    )


def source(record: RecordText, unit: Passage) -> Source:
    return Source(record.doc.document_id, unit.page, unit.quote)


def sentence(text: str, units: Iterable[tuple[RecordText, Passage | None]]) -> SummarySentence:
    """A sentence with the sources of its passages, in order, each once."""
    sources = tuple(dict.fromkeys(source(r, u) for r, u in units if u is not None))
    return SummarySentence(text, sources)


def long_date(value: date) -> str:
    """'April 8, 2011', the letters' way of writing a date."""
    return f"{value:%B} {value.day}, {value.year}"


def join(items: Sequence[str], sep: str = ",") -> str:
    """'a', 'a and b', 'a, b, and c' (with sep=';': 'a; b; and c')."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]} and {items[1]}"
    return f"{sep} ".join(items[:-1]) + f"{sep} and " + items[-1]


def article(phrase: str) -> str:
    return "an" if phrase[:1].lower() in "aeiou" or phrase.startswith(("MRI", "EMG", "X-")) else "a"
