"""`openimr kb ...`: lint the guideline knowledge base, show a category, match an item."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import typer

from openimr.domain.errors import InvalidInput, OpenIMRError, RuleDataError
from openimr.inputs import decode_text, loads, read_input_file

app = typer.Typer(help="The guideline knowledge base and evidence engine.", no_args_is_help=True)


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _parse_date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        _fail(f"{option}: '{value}' is not an ISO date (YYYY-MM-DD)")
    return None


@app.command("lint")
def lint_cmd(
    directory: Path | None = typer.Option(
        None, "--dir", help="Knowledge-base folder (default: the shipped one)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Validate every knowledge-base entry; report coverage (categories, eras, verified share)."""
    from openimr.evidence.kb import lint, load_kb
    from openimr.evidence.vocab import (
        load_categories,
        load_drugs,
        load_facts,
        load_normaliser_rules,
    )

    try:
        load_categories()
        load_facts()
        load_drugs()
        load_normaliser_rules()
        report = lint(load_kb(directory))
    except RuleDataError as exc:
        _fail(exc.message, code=1)
        return
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2))
        return
    data = report.to_dict()
    typer.echo(
        f"knowledge base OK: {len(report.files)} files, {report.documents} guideline documents, "
        f"{report.recommendations} recommendations"
    )
    typer.echo(
        f"categories: {data['categories_with_entries']}/{report.categories_total} with entries; "
        f"MTUS era B: {data['categories_with_era_b_mtus']}, "
        f"era C: {data['categories_with_era_c_mtus']}, "
        f"non-MTUS: {data['categories_with_non_mtus']}"
    )
    missing = list(report.guideline_rows_missing) or "none"
    typer.echo(f"docs/guidelines.md §4 rows without a category entry: {missing}")
    typer.echo(
        f"verified: {report.verified}/{report.recommendations} ({report.verified_share:.0%}); "
        "the rest are [R]/[K] leads to check against primary texts"
    )
    for warning in report.warnings:
        typer.echo(f"warning: {warning}")


@app.command("show")
def show_cmd(
    category: str = typer.Argument(..., help="Category id, e.g. imaging/mri."),
    on: str | None = typer.Option(
        None, "--date", help="Only entries in force on this date (YYYY-MM-DD)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Show a category and its recommendations, grouped by source."""
    from openimr.evidence.kb import load_kb
    from openimr.evidence.vocab import load_categories

    when = _parse_date(on, "--date")
    cats = {c.id: c for c in load_categories().categories}
    if category not in cats:
        close = [c for c in cats if category.split("/")[-1] in c]
        _fail(
            f"unknown category '{category}'"
            + (f"; did you mean {', '.join(close)}?" if close else "")
        )
    kb = load_kb()
    recs = [r for r in kb.for_category(category) if when is None or kb.doc_of(r).in_force(when)]
    cat = cats[category]
    if as_json:
        out: dict[str, Any] = {"category": cat.model_dump(mode="json"), "recommendations": []}
        for r in recs:
            doc = kb.doc_of(r)
            row = r.model_dump(mode="json", exclude_none=True)
            row.update(
                source=doc.source,
                guideline=doc.guideline,
                editions=[e.edition for e in doc.editions],
            )
            out["recommendations"].append(row)
        typer.echo(json.dumps(out, indent=2))
        return
    typer.echo(f"{cat.id}: {cat.label}")
    typer.echo(f"  body region: {cat.region}; specialties: {', '.join(cat.specialties)}")
    for rec in recs:
        doc = kb.doc_of(rec)
        eds = "/".join(e.edition for e in doc.editions)
        until = doc.effective_to.isoformat() if doc.effective_to else "now"
        span = f"{doc.effective_from.isoformat()}..{until}"
        where = "; ".join(
            x for x in (", ".join(rec.sections), ", ".join(f"p. {p}" for p in rec.pages)) if x
        )
        typer.echo(f"- [{doc.source}] {doc.guideline} {eds} ({span}) {where}")
        scope = []
        if rec.regions:
            scope.append("regions " + ", ".join(rec.regions))
        if rec.phases:
            scope.append("phases " + ", ".join(p.value for p in rec.phases))
        typer.echo(
            f"    {rec.direction} (strength {rec.strength:+d}, certainty {rec.certainty})"
            f"{' ' + '; '.join(scope) if scope else ''}{'' if rec.verified else ' [unverified]'}"
        )
        typer.echo(f"    {rec.paraphrase}")


def _facts_from(
    summary: Path | None, facts_file: Path | None, injury: date | None, when: date, text: str
) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    if summary is not None:
        try:
            summary_text = decode_text(read_input_file(summary), str(summary))
        except InvalidInput as exc:
            _fail(f"--summary {exc.message}")
            return facts
        try:
            from openimr.assist.facts import extract_facts
        except ImportError:
            _fail("--summary needs the assist fact extractor (openimr.assist.facts)")
            return facts
        found = extract_facts(
            summary_text, date_of_injury=injury, request_date=when, item_description=text
        )
        facts.update(found.values())
    if facts_file is not None:
        try:
            loaded = loads(read_input_file(facts_file), str(facts_file))
        except InvalidInput as exc:
            _fail(f"--facts {exc.message}")
            return facts
        if not isinstance(loaded, dict):
            _fail(f"--facts {facts_file}: expected a JSON object of fact: value")
        facts.update(loaded)
    return facts


@app.command("match")
def match_cmd(
    text: str = typer.Argument(
        ..., help="The disputed item as written, e.g. 'Norco 10/325mg #60'."
    ),
    on: str | None = typer.Option(
        None, "--date", help="Request / UR decision date (YYYY-MM-DD); default today."
    ),
    summary: Path | None = typer.Option(
        None, "--summary", help="Clinical case summary text file (facts are extracted)."
    ),
    facts_file: Path | None = typer.Option(
        None, "--facts", help="JSON object of facts (ids of facts.yaml)."
    ),
    injury: str | None = typer.Option(None, "--injury-date", help="Date of injury (YYYY-MM-DD)."),
    as_json: bool = typer.Option(False, "--json", help="Print the whole result as JSON."),
) -> None:
    """Normalise an item and print the ranked recommendations with their reasons."""
    from openimr.evidence.engine import evaluate
    from openimr.evidence.normalise import normalise_item

    when = _parse_date(on, "--date") or date.today()
    doi = _parse_date(injury, "--injury-date")
    facts = _facts_from(summary, facts_file, doi, when, text)
    item = normalise_item(text)
    try:
        result = evaluate(item, facts, when, date_of_injury=doi)
    except OpenIMRError as exc:
        _fail(exc.message, code=1)
        return
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2, default=str))
        return
    typer.echo(f"item: {item.text}")
    typer.echo(f"  category: {item.category} ({item.reason})")
    details = {
        "intervention": item.intervention,
        "body region": ", ".join(item.body_regions) or None,
        "laterality": item.laterality,
        "visits": item.visits,
        "per week": item.frequency_per_week,
        "weeks": item.duration_weeks,
        "drug": item.drug,
        "strength mg": item.strength_mg,
        "count": item.count,
        "MME/day": item.mme_per_day,
        "rental days": item.rental_days,
        "retrospective": item.retrospective or None,
    }
    typer.echo("  " + "; ".join(f"{k}: {v}" for k, v in details.items() if v not in (None, "")))
    typer.echo(
        f"date {when.isoformat()}: MTUS era {result.era or '-'}; "
        f"phase {result.phase or 'unknown'}; facts given: {len(facts)}"
    )
    typer.echo(f"proposal: {result.proposal} - " + "; ".join(result.reasons))
    if result.conflict:
        typer.echo(f"conflict: {result.conflict.reason}")
    for check in result.quantity:
        typer.echo(
            f"limit [{check.citation}]: {check.label}: {check.status} "
            f"(requested {check.requested}, allowed {check.allowed:g})"
        )
    for note in result.formulary:
        typer.echo(f"formulary: {note}")
    for rec in result.recommendations:
        where = ", ".join(rec.sections) + (f", p. {', '.join(rec.pages)}" if rec.pages else "")
        typer.echo(f"{rec.rank}. [{rec.source}] {rec.guideline} {rec.edition or ''} - {where}")
        typer.echo(
            f"   {rec.direction} {rec.strength:+d} / certainty {rec.certainty}; "
            f"support: {rec.support}; {rec.applicability}{'' if rec.verified else '; unverified'}"
        )
        typer.echo(f"   {rec.paraphrase}")
        if rec.criteria:
            for leaf in rec.criteria.leaves():
                typer.echo(
                    f"   - {leaf.label}: {leaf.status}"
                    + (f" ({leaf.fact}={leaf.value})" if leaf.fact else "")
                )
        for q in rec.quantity:
            typer.echo(f"   - limit: {q.label}: {q.status}")
        typer.echo(f"   why: {'; '.join(rec.reasons)}")
    if not result.recommendations:
        typer.echo("no recommendation in force addresses this item")
