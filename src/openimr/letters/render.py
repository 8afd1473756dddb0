"""Render the final determination letter as text, HTML and PDF (8 CCR 9792.10.6; LC 4610.6).

One view of the letter (`LetterView`) is built from the case and the signed determination;
the text, HTML and PDF renderers only lay it out, so the three always say the same thing.

The text letter follows the current published layout line for line — the header block,
HOW THE IMR FINAL DETERMINATION WAS MADE, CLINICAL CASE SUMMARY, IMR ISSUES, DECISIONS AND
RATIONALES with per item "<item>: Upheld|Overturned", the two guideline lines and the rationale —
so `openimr letter parse` reads our letters as it reads the published ones. What the published
layout lacks follows as further ALL-CAPS sections: DOCUMENTS REVIEWED (every document, 8 CCR
9792.10.6(b)) and APPEAL RIGHTS (LC 4610.6(h); 8 CCR 9792.10.7). Citations carry their sections,
pages and strength of evidence inside the guideline lines.

PDF: WeasyPrint. The same Jinja2 HTML serves the web preview and the PDF, so there is one
template to keep right; WeasyPrint works with the system Pango already installed, needs no
browser or TeX, and supports CSS paged media (`@page` margin boxes give "Page N of M").
"""

from __future__ import annotations

import dataclasses
import json
import re
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import TypedDict, Unpack

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from openimr.domain.case import Case, CaseDocument, DisputedItem
from openimr.domain.citation import Citation
from openimr.domain.determination import Determination, ItemDetermination
from openimr.domain.errors import InvalidInput
from openimr.domain.notice import Notice
from openimr.domain.vocabulary import Decision, EvidenceSource
from openimr.letters.redact import Redactor, assert_absent, scrub_determination
from openimr.letters.service_block import ServiceBlock, service_block, service_lines
from openimr.letters.texts import LetterText, letter_text
from openimr.rules.pack import load_pack

Scrub = Callable[[str], str]  # free text in, free text with identities removed out

WIDTH = 95  # the published letters wrap at about 95 columns
IMR_GUIDELINE_LABEL = "IMR guideline:"
CA_GUIDELINE_LABEL = "Claims Administrator guideline:"
RATIONALE_LABEL = "Decision rationale:"

# Section headers, in letter order. The first three are the published layout's own.
HOW_MADE = "HOW THE IMR FINAL DETERMINATION WAS MADE"
SUMMARY = "CLINICAL CASE SUMMARY"
DECISIONS = "IMR ISSUES, DECISIONS AND RATIONALES"
DOCUMENTS = "DOCUMENTS REVIEWED"
APPEAL = "APPEAL RIGHTS"
SECTION_HEADERS = (HOW_MADE, SUMMARY, DECISIONS, DOCUMENTS, APPEAL)
_HEADINGS = {
    "how_made": HOW_MADE,
    "summary": SUMMARY,
    "decisions": DECISIONS,
    "documents": DOCUMENTS,
    "appeal": APPEAL,
}
_LABELS = {"ca": CA_GUIDELINE_LABEL, "imr": IMR_GUIDELINE_LABEL, "why": RATIONALE_LABEL}

_NO_EVIDENCE = "The {who} did not cite any medical evidence for its decision."
_OUTSIDE = "The {who} based their decision on recommendation(s) outside of the MTUS Guidelines."


# -- the view: what the letter says, before layout --------------------------------------


@dataclass(frozen=True)
class ItemView:
    heading: str  # "<description>: Upheld", or the modified-request sentence
    decision: str  # "Upheld" / "Overturned"
    claims_administrator_guideline: str
    imr_guideline: str
    rationale: str


@dataclass(frozen=True)
class DocumentView:
    number: int
    title: str
    kind: str
    author: str
    date: str
    pages: int
    reference: str  # document id and filename; empty in the public version


@dataclass(frozen=True)
class LetterView:
    header: tuple[tuple[str, str], ...]  # (label, value) in the published order
    how_made: str
    credentials_intro: str
    licensure: str
    specialties: str
    summary_intro: str
    summary: tuple[str, ...]  # paragraphs
    decisions_intro: str
    items: tuple[ItemView, ...]
    documents_intro: str
    documents: tuple[DocumentView, ...]
    appeal: tuple[str, ...]
    public: bool
    service: ServiceBlock | None = None  # date of mailing, recipients, proof of service
    layout: str = "dwc"  # "dwc": the published workers' comp layout; "plain": any other pack
    title: str = "Independent Medical Review Final Determination"
    headings: tuple[tuple[str, str], ...] = ()  # section key -> heading
    labels: tuple[tuple[str, str], ...] = ()  # ca / imr / why -> the item line labels
    outcome: str = ""  # the whole determination in the pack's word ("Modified"), plain only

    def heading(self, key: str) -> str:
        return dict(self.headings).get(key, _HEADINGS[key])

    def label(self, key: str) -> str:
        return dict(self.labels).get(key, _LABELS[key])

    def field(self, label: str) -> str:
        return dict(self.header)[label]


def build_letter_view(
    case: Case,
    determination: Determination,
    *,
    documents: Sequence[CaseDocument] | None = None,
    public: bool = False,
    reviewer_identity: Sequence[str] = (),
    texts: LetterText | None = None,
    notice: Notice | None = None,
) -> LetterView:
    """What the letter says. `public=True` removes identifying information (LC 4610.6).

    The reviewer's id and any `reviewer_identity` strings (name, licence numbers) are removed
    from the free text of both versions: the letter never names the reviewer (LC 4610.6(f)).
    """
    t = texts or letter_text(case.jurisdiction)
    pack = load_pack(case.jurisdiction)
    words: dict[str, str] = {o.decision: o.word for o in pack.data.outcomes}
    scrub = letter_scrub(case, determination, public=public, reviewer_identity=reviewer_identity)
    items = tuple(
        _item_view(_disputed_item(case, d), d, scrub, words, t.payer_label, t.citation_leads)
        for d in _in_case_order(case, determination)
    )
    docs = _documents_reviewed(case, determination, documents)
    appeal = list(t.appeal_rights)
    if any(d.decision is Decision.OVERTURNED for d in determination.items):
        appeal.append(t.implementation)
    values = {
        "case_number": case.case_number,
        "assigned_on": _date(case.assigned_on),
        "date_of_injury": _date(case.date_of_injury),
        "decision_date": _date(case.decision_date or determination.signed_at.date()),
        "decision_under_review": _date(case.ur_decision_date),
        "priority": case.priority.value.capitalize(),
        "application_received": _date(case.application_received_on),
        "review_type": getattr(pack.review_type(case.dispute_type), "label", case.dispute_type),
    }
    header = tuple(
        (row.label, values[row.value] if row.value else scrub(case.facts.get(row.fact or "", "")))
        for row in t.header
    )
    decisions = {d.decision.value for d in determination.items}
    overall = next(iter(decisions)) if len(decisions) == 1 else "modified"
    return LetterView(
        header=header,
        layout=t.layout,
        title=t.title,
        headings=tuple(t.headings.items()),
        labels=(("ca", f"{t.payer_label} guideline:"), ("imr", t.review_label)),
        outcome=words.get(overall, ""),
        how_made=_one_line(t.how_made_paragraph()),
        credentials_intro=t.credentials_intro,
        licensure=", ".join(t.state_name(s) for s in determination.credentials.licensure),
        specialties=", ".join(determination.credentials.specialties),
        summary_intro=_one_line(t.summary_intro),
        summary=tuple(_paragraphs(scrub(determination.clinical_case_summary))),
        decisions_intro=_one_line(t.decisions_intro),
        items=items,
        documents_intro=_one_line(t.documents_intro if docs else t.no_documents),
        documents=tuple(_document_view(n, d, scrub, public) for n, d in enumerate(docs, 1)),
        appeal=tuple(_one_line(p) for p in appeal),
        public=public,
        # The public copy omits who it was sent to: names and addresses of the parties.
        service=None
        if public or notice is None
        else service_block(
            notice, title=t.title, case_number=case.case_number, jurisdiction=case.jurisdiction
        ),
    )


def letter_scrub(
    case: Case, determination: Determination, *, public: bool, reviewer_identity: Sequence[str]
) -> Scrub:
    """What every version of the letter passes its free text through: the reviewer's id and
    identity always go (LC 4610.6(f)); the public version also loses every identifier the
    case knows and the identifying patterns (LC 4610.6)."""
    withheld = [determination.signed_by, *reviewer_identity]
    if public:
        return Redactor.for_case(case, withheld=withheld).redact
    return Redactor(identifiers=tuple(withheld), keep=(case.case_number,)).redact_known


def _keep(text: str) -> str:
    return text


def _disputed_item(case: Case, decided: ItemDetermination) -> DisputedItem:
    """The case's item a decision is about; a decision on no item of the case is an error."""
    try:
        return case.item(decided.item_id)
    except InvalidInput as exc:
        raise InvalidInput(
            f"case {case.case_number}: the determination decides item {decided.item_id!r}, "
            "which is not a disputed item of the case",
            field=f"determination.items[{decided.item_id}]",
        ) from exc


def _in_case_order(case: Case, determination: Determination) -> list[ItemDetermination]:
    order = {item.item_id: n for n, item in enumerate(case.items)}
    return sorted(determination.items, key=lambda d: order.get(d.item_id, len(order)))


def _item_view(
    item: DisputedItem,
    decided: ItemDetermination,
    scrub: Scrub,
    words: dict[str, str],
    payer: str,
    leads: dict[str, str] | None = None,
) -> ItemView:
    decision = words[decided.decision.value]
    description = _one_line(scrub(item.description))
    if item.original_request and item.authorized_portion:
        heading = (
            f"{_one_line(scrub(item.original_request))} was the original request. "
            f"{_one_line(scrub(item.authorized_portion))} was authorized by the {payer}. "
            f"The remaining IMR eligible portion of the original request, "
            f"{description} is: {decision}"
        )
    else:
        heading = f"{description}: {decision}"
    imr = guideline_sentences(
        decided.imr_guideline, who="Expert Reviewer", scrub=scrub, leads=leads
    )
    if decided.strength_of_evidence and not any(c.strength for c in decided.imr_guideline):
        imr += f" Strength of Evidence: {_sentence(decided.strength_of_evidence)}"
    return ItemView(
        heading=heading,
        decision=decision,
        claims_administrator_guideline=guideline_sentences(
            decided.claims_administrator_guideline, who=payer, scrub=scrub, leads=leads
        ),
        imr_guideline=imr,
        rationale=" ".join(_paragraphs(scrub(decided.rationale))),
    )


def guideline_sentences(
    citations: Sequence[Citation],
    *,
    who: str,
    scrub: Scrub = _keep,
    leads: dict[str, str] | None = None,
) -> str:
    """The citations of one guideline line, in the published sentence forms.

    MTUS and named non-MTUS sources: "Decision based on MTUS <guideline> <edition>,
    Section(s): ..., Page(s): ...." followed by "Strength of Evidence: ...." when known;
    an outside-MTUS citation is the "based their decision on recommendation(s) outside of the
    MTUS Guidelines" sentence; no citations, or a `none` one, is "did not cite any medical
    evidence" (the two forms of docs/product.md).
    """
    sentences: list[str] = []
    for c in citations:
        if c.source is EvidenceSource.NONE:
            sentences.append(_NO_EVIDENCE.format(who=who))
        elif c.source is EvidenceSource.OUTSIDE_MTUS:
            sentences.append(_OUTSIDE.format(who=who))
        else:
            sentences.append(citation_sentence(c, scrub=scrub, leads=leads))
    if not sentences:
        sentences.append(_NO_EVIDENCE.format(who=who))
    return " ".join(dict.fromkeys(sentences))  # a repeated fixed sentence says nothing new


def citation_sentence(
    c: Citation, *, scrub: Scrub = _keep, leads: dict[str, str] | None = None
) -> str:
    """One named citation: source, guideline and edition, sections, pages, strength. A
    pack's letter may word the lead of each source (`citation_leads`)."""
    lead = (leads or {}).get(c.source.value) or (
        "Decision based on MTUS"
        if c.source is EvidenceSource.MTUS
        else ("Decision based on Non-MTUS Citation")
    )
    if c.guideline:
        body = " ".join(p for p in (c.guideline, _edition(c.edition)) if p)
    else:
        body = c.text or "unnamed source"
    body = _one_line(scrub(body)).rstrip(". ")
    if c.sections:
        body += ", Section(s): " + ", ".join(_one_line(scrub(s)) for s in c.sections)
    if c.pages:
        body += ", Page(s): " + ", ".join(_one_line(p) for p in c.pages)
    sentence = f"{lead} {body}."
    if c.strength:
        sentence += f" Strength of Evidence: {_sentence(c.strength)}"
    return sentence


def _documents_reviewed(
    case: Case, determination: Determination, documents: Sequence[CaseDocument] | None
) -> list[CaseDocument]:
    """The documents the letter lists: those given, else those the reviewer marked, else all."""
    if documents is not None:
        return list(documents)
    if determination.documents_reviewed:
        wanted = set(determination.documents_reviewed)
        return [d for d in case.documents if d.document_id in wanted]
    return list(case.documents)


def _document_view(number: int, doc: CaseDocument, scrub: Scrub, public: bool) -> DocumentView:
    reference = ""
    if not public:
        reference = doc.document_id + (f", {doc.filename}" if doc.filename else "")
    return DocumentView(
        number=number,
        title=_one_line(scrub(doc.title)),
        kind=doc.kind.replace("_", " "),
        author=_one_line(scrub(doc.author)) if doc.author else "author not stated",
        date=_date(doc.document_date) or "undated",
        pages=doc.pages,
        reference=reference,
    )


# -- text --------------------------------------------------------------------------------


class LetterOptions(TypedDict, total=False):
    """The keywords every renderer takes and hands on to `build_letter_view` unchanged."""

    documents: Sequence[CaseDocument] | None
    public: bool
    reviewer_identity: Sequence[str]
    notice: Notice | None  # the final determination as served: the service block


def render_letter_text(
    case: Case, determination: Determination, **options: Unpack[LetterOptions]
) -> str:
    """The letter as plain text in the current published layout (8 CCR 9792.10.6)."""
    view = build_letter_view(case, determination, **options)
    # The reviewer's identity is checked in what the letter says; the service block names only
    # the parties and the clerk who served it (a party may share a word of the reviewer's name).
    assert_absent(letter_view_text(dataclasses.replace(view, service=None)), _withheld(options))
    return letter_view_text(view)


def _withheld(options: LetterOptions) -> Sequence[str]:
    return options.get("reviewer_identity", ())


def letter_view_text(view: LetterView) -> str:
    """Lay a LetterView out as the published text letters are laid out (`plain` layout: the
    header one row a line, the pack's headings)."""
    if view.layout != "dwc":
        return _plain_text(view)
    f = view.field
    lines = [
        "",
        f"Case Number: {f('Case Number')}",
        f"Date Assigned: {f('Date Assigned')} Date of Injury: {f('Date of Injury')}",
        f"Decision Date: {f('Decision Date')} UR Denial Date: {f('UR Denial Date')}",
        # The published letters break the last header row exactly so.
        f"Priority: {f('Priority')} Application",
        "Received:",
        f"{f('Application Received')}",
        "",
        HOW_MADE,
        *wrap_lines(view.how_made),
        "",
        view.credentials_intro,
        f"State(s) of Licensure: {view.licensure}",
        f"Certification(s)/Specialty: {view.specialties}",
        "",
        SUMMARY,
        *wrap_lines(view.summary_intro),
        "",
    ]
    for paragraph in view.summary:
        lines += [*wrap_lines(paragraph), ""]
    lines += [DECISIONS, *wrap_lines(view.decisions_intro), ""]
    for item in view.items:
        lines += [
            *wrap_lines(item.heading),
            "",
            *wrap_lines(f"{CA_GUIDELINE_LABEL} {item.claims_administrator_guideline}"),
            "",
            *wrap_lines(f"{IMR_GUIDELINE_LABEL} {item.imr_guideline}"),
            "",
            *wrap_lines(f"{RATIONALE_LABEL} {item.rationale}"),
            "",
        ]
    lines += [DOCUMENTS, *wrap_lines(view.documents_intro), ""]
    for doc in view.documents:
        lines += wrap_lines(_document_line(doc), indent="    ")
    if view.documents:
        lines.append("")
    lines.append(APPEAL)
    for paragraph in view.appeal:
        lines += [*wrap_lines(paragraph), ""]
    if view.service is not None:
        lines += service_lines(view.service, wrap_lines)
    return "\n".join(lines)


def _plain_text(view: LetterView) -> str:
    lines = ["", view.title.upper(), ""]
    lines += [f"{label}: {value}" for label, value in view.header]
    if view.outcome:
        lines += ["", f"Final determination: {view.outcome}"]
    lines += ["", view.heading("how_made"), *wrap_lines(view.how_made), "", view.credentials_intro]
    lines += [f"State(s) of Licensure: {view.licensure}"]
    lines += [f"Certification(s)/Specialty: {view.specialties}", ""]
    lines += [view.heading("summary"), *wrap_lines(view.summary_intro), ""]
    for paragraph in view.summary:
        lines += [*wrap_lines(paragraph), ""]
    lines += [view.heading("decisions"), *wrap_lines(view.decisions_intro), ""]
    for item in view.items:
        lines += [*wrap_lines(item.heading), ""]
        lines += [*wrap_lines(f"{view.label('ca')} {item.claims_administrator_guideline}"), ""]
        lines += [*wrap_lines(f"{view.label('imr')} {item.imr_guideline}"), ""]
        lines += [*wrap_lines(f"{view.label('why')} {item.rationale}"), ""]
    lines += [view.heading("documents"), *wrap_lines(view.documents_intro), ""]
    for doc in view.documents:
        lines += wrap_lines(_document_line(doc), indent="    ")
    if view.documents:
        lines.append("")
    lines.append(view.heading("appeal"))
    for paragraph in view.appeal:
        lines += [*wrap_lines(paragraph), ""]
    if view.service is not None:
        lines += service_lines(view.service, wrap_lines)
    return "\n".join(lines)


def _document_line(doc: DocumentView) -> str:
    pages = f"{doc.pages} page" + ("" if doc.pages == 1 else "s")
    line = f"{doc.number}. {doc.title} ({doc.kind}); {doc.author}; {doc.date}; {pages}"
    return line + (f"; {doc.reference}" if doc.reference else "")


def wrap_lines(text: str, indent: str = "") -> list[str]:
    # Never break at hyphens: a parser re-joining "skilled-" + "nursing" cannot tell a real
    # hyphen from a wrap, so a line break only ever stands for a space.
    return textwrap.wrap(
        text,
        width=WIDTH,
        break_long_words=False,
        break_on_hyphens=False,
        subsequent_indent=indent,
    ) or [""]


# -- HTML and PDF ------------------------------------------------------------------------


_SLASHED = re.compile(r"\S*/\S*")
_SERVICE_SECTION = re.compile(r'<section id="service">.*?</section>', re.S)


def keep_slashes_together(text: str) -> Markup:
    """Escape `text` and keep each word holding a "/" on one line.

    Browsers and WeasyPrint may break a line after "/", and text read back from the PDF
    would then show "Cold/ heat packs": the word would not survive the round trip.
    """
    escaped = str(escape(text))
    return Markup(_SLASHED.sub(lambda m: f'<span class="nw">{m.group(0)}</span>', escaped))


@lru_cache(maxsize=1)
def letter_templates() -> Environment:
    env = Environment(
        loader=PackageLoader("openimr.letters", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["words"] = keep_slashes_together
    # Only letters, digits, spaces and hyphens reach a CSS string (the case number).
    env.filters["css_text"] = lambda text: re.sub(r"[^A-Za-z0-9 -]", "", str(text))
    return env


def render_letter_html(
    case: Case, determination: Determination, **options: Unpack[LetterOptions]
) -> str:
    """The letter as a standalone HTML page: the web preview and the PDF source."""
    view = build_letter_view(case, determination, **options)
    html = (
        letter_templates()
        .get_template("letter.html.j2")
        .render(
            letter=view,
            labels={key: view.label(key) for key in _LABELS},
            headers={key: view.heading(key) for key in _HEADINGS},
        )
    )
    assert_absent(_SERVICE_SECTION.sub("", html), _withheld(options))
    return html


def render_letter_pdf(
    case: Case, determination: Determination, **options: Unpack[LetterOptions]
) -> bytes:
    """The letter as PDF, printed by WeasyPrint from the same HTML as the preview."""
    from weasyprint import HTML  # slow import; only the PDF needs it

    html = render_letter_html(case, determination, **options)
    pdf = HTML(string=html).write_pdf()
    assert pdf is not None
    return bytes(pdf)


# -- determination.json ------------------------------------------------------------------


def determination_fields(
    case: Case, determination: Determination, **options: Unpack[LetterOptions]
) -> dict[str, object]:
    """The determination as `determination.json`: the fields of `openimr letter parse`.

    Same names and null rules as the parse contract of docs/product.md, so a rendered letter,
    its parse and this file can be compared field by field. Built from the same scrubbed
    text as the letter: the reviewer's id and `reviewer_identity` never appear, and with
    `public=True` every identifier the public letter removes is removed here too (document
    ids and filenames are left out).
    """
    public = options.get("public", False)
    identity = options.get("reviewer_identity", ())
    scrub = letter_scrub(case, determination, public=public, reviewer_identity=identity)
    determination = scrub_determination(determination, scrub)

    def opt(text: str | None) -> str | None:
        return scrub(text) if text else text

    items = []
    for decided in _in_case_order(case, determination):
        item = _disputed_item(case, decided)
        items.append(
            {
                "item_id": decided.item_id,
                "description": scrub(item.description),
                "original_request": opt(item.original_request),
                "authorized_portion": opt(item.authorized_portion),
                "decision": decided.decision.value,
                "claims_administrator_guideline": [
                    c.to_dict() for c in decided.claims_administrator_guideline
                ],
                "imr_guideline": [c.to_dict() for c in decided.imr_guideline],
                "strength_of_evidence": decided.strength_of_evidence,
                "rationale": decided.rationale,
            }
        )
    fields: dict[str, object] = {
        "case_number": case.case_number,
        "date_assigned": _iso(case.assigned_on),
        "date_of_injury": _iso(case.date_of_injury),
        "decision_date": _iso(case.decision_date or determination.signed_at.date()),
        "ur_denial_date": _iso(case.ur_decision_date),
        "application_received": _iso(case.application_received_on),
        "priority": case.priority.value,
        "reviewer": {
            "licensure": [
                letter_text(case.jurisdiction).state_name(s)
                for s in determination.credentials.licensure
            ],
            "specialties": list(determination.credentials.specialties),
        },
        "applicant": {"age": case.applicant_age, "sex": case.applicant_sex},
        "clinical_case_summary": determination.clinical_case_summary,
        "items": items,
        "documents_reviewed": [
            {
                **({} if public else {"document_id": d.document_id}),
                "title": scrub(d.title),
                "kind": d.kind,
                "author": opt(d.author),
                "date": _iso(d.document_date),
                "pages": d.pages,
            }
            for d in _documents_reviewed(case, determination, None)
        ],
        "signed_at": determination.signed_at.isoformat(),
    }
    assert_absent(json.dumps(fields, ensure_ascii=False), identity)
    return fields


# -- small helpers -----------------------------------------------------------------------


def _date(value: date | None) -> str:
    return value.strftime("%m/%d/%Y") if value else ""


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _edition(edition: str | None) -> str | None:
    """A bare ordinal edition reads "3rd ed." as the letters print it; a year stays a year."""
    if edition and re.fullmatch(r"\d+(?:st|nd|rd|th)", edition.strip()):
        return f"{edition.strip()} ed."
    return edition


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _sentence(text: str) -> str:
    text = _one_line(text)
    return text if text.endswith(".") else text + "."


def _paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs, each on one line."""
    blocks = [_one_line(b) for b in text.replace("\r\n", "\n").split("\n\n")]
    return [b for b in blocks if b]
