"""The guideline knowledge base: every YAML file under `evidence/data/kb/`, validated and joined.

Each file is checked by the pydantic schema (extra fields forbidden), then across files:
recommendation ids are unique, every `doc` exists, categories, regions and criteria facts are
in the vocabularies. Any failure is a RuleDataError naming the file, the entry and the field.
Keys starting with "x-" hold YAML anchors (shared criteria) and are not data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from openimr.datafile import dotted_path, read_yaml, validate
from openimr.domain.errors import RuleDataError
from openimr.evidence.schema import (
    Criterion,
    FormularyConcept,
    GuidelineDoc,
    KnowledgeBaseFile,
    PostsurgicalRow,
    ReasonCode,
    Recommendation,
)
from openimr.evidence.vocab import DATA_DIR, category_ids, fact_index, load_categories, region_ids

KB_DIR = DATA_DIR / "kb"

# MTUS eras (docs/guidelines.md §0.3), keyed to the date of the request or UR decision.
ERAS: tuple[tuple[str, date, date | None], ...] = (
    ("A", date(2007, 6, 15), date(2009, 7, 17)),
    ("B", date(2009, 7, 18), date(2017, 11, 30)),
    ("C", date(2017, 12, 1), None),
)


def mtus_era(on: date) -> str | None:
    """The MTUS era in force on `on` ("A", "B", "C"), None before 15 Jun 2007."""
    for name, start, end in ERAS:
        if start <= on and (end is None or on <= end):
            return name
    return None


@dataclass(frozen=True)
class KnowledgeBase:
    """All guideline documents, recommendations and quantity rules, indexed."""

    docs: dict[str, GuidelineDoc]
    recommendations: tuple[Recommendation, ...]
    postsurgical: dict[str, PostsurgicalRow]
    formulary: dict[str, FormularyConcept]
    visit_cap: dict[str, int]
    files: tuple[str, ...] = ()
    origin: dict[str, str] = field(default_factory=dict)  # recommendation id -> file name
    # fact id -> the deciding reason a criterion on it gives when not met (facts.yaml)
    fact_reasons: dict[str, ReasonCode] = field(default_factory=dict)

    def for_category(self, category: str) -> tuple[Recommendation, ...]:
        return tuple(r for r in self.recommendations if r.category == category)

    def doc_of(self, rec: Recommendation) -> GuidelineDoc:
        return self.docs[rec.doc]


def _strip_anchors(data: object) -> object:
    if isinstance(data, dict):
        return {k: v for k, v in data.items() if not str(k).startswith("x-")}
    return data


def load_kb(directory: Path | None = None) -> KnowledgeBase:
    """Load and cross-check every `*.yaml` in `directory` (default: the shipped KB)."""
    if directory is None:
        return _default_kb()
    return _load(directory)


@cache
def _default_kb() -> KnowledgeBase:
    return _load(KB_DIR)


def _load(directory: Path) -> KnowledgeBase:
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise RuleDataError(f"{directory}: no knowledge-base files (*.yaml)", file=str(directory))
    docs: dict[str, GuidelineDoc] = {}
    recs: list[Recommendation] = []
    origin: dict[str, str] = {}
    rec_path: dict[str, Path] = {}
    postsurgical: dict[str, PostsurgicalRow] = {}
    formulary: dict[str, FormularyConcept] = {}
    cap: dict[str, int] = {}
    for path in files:
        kb_file = validate(
            KnowledgeBaseFile, _strip_anchors(read_yaml(path)), path, locate=dotted_path
        )
        for doc in kb_file.docs:
            if doc.id in docs:
                raise _error(path, doc.id, "id", "duplicate guideline document id")
            docs[doc.id] = doc
        for rec in kb_file.recommendations:
            if rec.id in origin:
                raise _error(
                    path, rec.id, "id", f"duplicate recommendation id (also in {origin[rec.id]})"
                )
            origin[rec.id] = path.name
            rec_path[rec.id] = path
            recs.append(rec)
        postsurgical.update({row.surgery: row for row in kb_file.postsurgical})
        formulary.update({c.id: c for c in kb_file.formulary})
        cap.update(kb_file.statutory_visit_cap)
    _cross_check(recs, docs, rec_path, cap, files)
    return KnowledgeBase(
        docs=docs,
        recommendations=tuple(recs),
        postsurgical=postsurgical,
        formulary=formulary,
        visit_cap=cap,
        files=tuple(p.name for p in files),
        origin=origin,
        fact_reasons={f.id: f.fails_as for f in fact_index().values()},
    )


def _error(path: Path, entry: str, field_name: str, message: str) -> RuleDataError:
    return RuleDataError(
        f"{path.name}: entry '{entry}': field '{field_name}': {message}",
        file=str(path),
        entry=entry,
        field=field_name,
    )


def _cross_check(
    recs: Iterable[Recommendation],
    docs: dict[str, GuidelineDoc],
    rec_path: dict[str, Path],
    cap: dict[str, int],
    files: list[Path],
) -> None:
    categories = category_ids()
    regions = region_ids()
    facts = fact_index()
    for rec in recs:
        path = rec_path[rec.id]
        if rec.doc not in docs:
            raise _error(path, rec.id, "doc", f"unknown guideline document '{rec.doc}'")
        if rec.category not in categories:
            raise _error(path, rec.id, "category", f"unknown category '{rec.category}'")
        for region in rec.regions:
            if region not in regions:
                raise _error(path, rec.id, "regions", f"unknown body region '{region}'")
        trees: list[tuple[str, Criterion | None]] = [
            ("applies_if", rec.applies_if),
            ("criteria", rec.criteria),
        ]
        trees += [(f"quantity.{i}.applies_if", q.applies_if) for i, q in enumerate(rec.quantity)]
        for where, tree in trees:
            for fact in sorted(tree.facts() if tree else ()):
                if fact not in facts:
                    raise _error(path, rec.id, where, f"unknown fact '{fact}' (not in facts.yaml)")
    for category in cap:
        if category not in categories:
            raise _error(
                files[0], category, "statutory_visit_cap", f"unknown category '{category}'"
            )


@dataclass(frozen=True)
class LintReport:
    """What `openimr kb lint` prints: coverage of categories, eras and verification."""

    files: tuple[str, ...]
    documents: int
    recommendations: int
    verified: int
    categories_total: int
    categories_with_entries: tuple[str, ...]
    categories_without_entries: tuple[str, ...]
    era_b_mtus: tuple[str, ...]
    era_c_mtus: tuple[str, ...]
    non_mtus: tuple[str, ...]
    guideline_rows_missing: tuple[int, ...]
    warnings: tuple[str, ...]

    @property
    def verified_share(self) -> float:
        return self.verified / self.recommendations if self.recommendations else 0.0

    def to_dict(self) -> dict[str, object]:
        return {
            "files": list(self.files),
            "documents": self.documents,
            "recommendations": self.recommendations,
            "verified": self.verified,
            "verified_share": round(self.verified_share, 3),
            "categories_total": self.categories_total,
            "categories_with_entries": len(self.categories_with_entries),
            "categories_without_entries": list(self.categories_without_entries),
            "categories_with_era_b_mtus": len(self.era_b_mtus),
            "categories_with_era_c_mtus": len(self.era_c_mtus),
            "categories_with_non_mtus": len(self.non_mtus),
            "guideline_rows_missing": list(self.guideline_rows_missing),
            "warnings": list(self.warnings),
        }


def lint(kb: KnowledgeBase | None = None) -> LintReport:
    """Coverage report over a loaded KB (loading already validated every entry)."""
    kb = kb or load_kb()
    cats = load_categories().categories
    era_b_day, era_c_day = date(2016, 12, 1), date(2024, 1, 1)

    def covered(pred: object) -> tuple[str, ...]:
        return tuple(sorted({r.category for r in kb.recommendations if pred(r)}))  # type: ignore[operator]

    with_entries = covered(lambda r: True)
    era_b = covered(lambda r: kb.doc_of(r).source == "MTUS" and kb.doc_of(r).in_force(era_b_day))
    era_c = covered(lambda r: kb.doc_of(r).source == "MTUS" and kb.doc_of(r).in_force(era_c_day))
    non_mtus = covered(lambda r: kb.doc_of(r).source == "non-MTUS")
    rows_done = {row for c in cats if c.id in with_entries for row in c.guidelines_rows}
    warnings = [
        f"{c.id}: no MTUS entry for era B"
        for c in cats
        if c.id in with_entries and c.id not in era_b
    ]
    warnings += [
        f"{c.id}: no MTUS entry for era C"
        for c in cats
        if c.id in with_entries and c.id not in era_c
    ]
    return LintReport(
        files=kb.files,
        documents=len(kb.docs),
        recommendations=len(kb.recommendations),
        verified=sum(1 for r in kb.recommendations if r.verified),
        categories_total=len(cats),
        categories_with_entries=with_entries,
        categories_without_entries=tuple(c.id for c in cats if c.id not in with_entries),
        era_b_mtus=era_b,
        era_c_mtus=era_c,
        non_mtus=non_mtus,
        guideline_rows_missing=tuple(r for r in range(1, 49) if r not in rows_done),
        warnings=tuple(warnings),
    )


def validate_all(directory: Path | None = None) -> LintReport:
    """Load every evidence data file (vocabularies, drugs, normaliser rules, KB) or raise.

    For start-up checks: a bad file raises RuleDataError naming file, entry and field.
    """
    from openimr.evidence.vocab import load_drugs, load_facts, load_normaliser_rules

    load_categories()
    load_facts()
    load_drugs()
    load_normaliser_rules()
    return lint(load_kb(directory))
