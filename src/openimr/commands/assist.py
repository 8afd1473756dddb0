"""`openimr assist ...` commands: batch proposals, training and evaluation of the assist."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from openimr.domain.errors import OpenIMRError

if TYPE_CHECKING:
    from openimr.corpus.dmhc import DmhcDecision

app = typer.Typer(help="assist commands", no_args_is_help=True)


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


@app.command()
def batch(
    input_path: Path = typer.Argument(..., help="JSONL: one case per line ('-' for stdin)."),
    model: Path | None = typer.Option(None, help="Model artifact directory (default: packaged)."),
    corpus: Path | None = typer.Option(
        None, help="Corpus store to take precedents from (default: the model's own index)."
    ),
    precedents: str = typer.Option(
        "bm25",
        help="Precedent search: bm25, dense or hybrid (dense/hybrid need openimr[embeddings]).",
    ),
) -> None:
    """Proposals for every disputed item, one JSON line each (docs/product.md).

    A bad input line gives an error line with its number and the batch goes on; the exit
    code is 1 when any line failed, 0 otherwise.
    """
    from openimr.assist.batch import run_batch
    from openimr.assist.model import PRECEDENTS_FILE, packaged_model_dir
    from openimr.assist.precedents import precedent_search
    from openimr.assist.propose import Assistant
    from openimr.inputs import limits_of, read_input_file, text_lines
    from openimr.settings import Settings

    try:
        assistant = Assistant.load(model, corpus)
        if precedents != "bm25":
            records = (model or packaged_model_dir()) / PRECEDENTS_FILE
            index = precedent_search(
                precedents, assistant.index, records_path=records, corpus_dir=corpus
            )
            assistant = Assistant(assistant.model, index)
    except OpenIMRError as exc:
        _fail(exc.message)
    limits = limits_of(Settings())
    if str(input_path) == "-":
        where, data = "<stdin>", sys.stdin.buffer.read()
    else:
        where = str(input_path)
        try:
            data = read_input_file(input_path, limits)
        except OpenIMRError as exc:
            _fail(exc.message)
    failed = False
    out = sys.stdout
    lines = text_lines(data, where, limits)
    for record in run_batch(lines, assistant, where=where, limits=limits):
        failed = failed or "error" in record
        out.write(json.dumps(record) + "\n")
    raise typer.Exit(1 if failed else 0)


def _letters_of_half(letters: Path, half: str | None, errors: list[str]) -> list[dict[str, object]]:
    from openimr.assist.batch import read_letters
    from openimr.assist.halves import HALVES, letters_of

    if half is not None and half not in HALVES:
        _fail(f"--half: expected one of {', '.join(HALVES)}, got {half!r}")
    return letters_of(read_letters(letters, errors), half)  # type: ignore[arg-type]


_HALF_HELP = (
    "Only the letters of this half of the case numbers: development or held_out "
    "(assist.halves: SHA-256 of the case number, even = development)."
)


@app.command()
def train(
    letters: Path = typer.Option(..., help="Folder of letters (text/PDF) or letter-parse JSONL."),
    out: Path = typer.Option(..., help="Artifact directory to write."),
    half: str | None = typer.Option(None, help=_HALF_HELP),
) -> None:
    """Train the outcome model, reason ranker and precedent index on the given letters only."""
    from openimr.assist.train import save_artifact
    from openimr.assist.train import train as train_model

    errors: list[str] = []
    try:
        parsed = _letters_of_half(letters, half, errors)
        model, index = train_model(parsed)
    except OpenIMRError as exc:
        _fail(exc.message)
    for error in errors:
        typer.echo(f"skipped: {error}", err=True)
    save_artifact(model, index, out)
    meta = model.meta
    t = model.thresholds
    typer.echo(
        f"trained on {meta['letters']} letters, {meta['items']} items "
        f"({meta['overturned']} overturned); sha256 {meta['training_data_sha256'][:12]}; "
        f"uphold if p <= {t.uphold:.3f}, overturn if p >= {t.overturn:.3f}; written to {out}"
    )


@app.command()
def evaluate(
    letters: Path = typer.Option(..., help="Folder of letters (text/PDF) or letter-parse JSONL."),
    folds: int = typer.Option(5, min=2, help="Cross-validation folds (grouped by letter)."),
    report: Path | None = typer.Option(None, help="Write an HTML report here."),
    seed: int = typer.Option(0, help="Shuffle seed for the fold assignment."),
    repeats: int = typer.Option(1, min=1, help="Also report mean/min/max over this many seeds."),
    half: str | None = typer.Option(
        None,
        help=_HALF_HELP + " With held_out, the model is trained on the development half and "
        "measured once on the held-out half (no cross-validation).",
    ),
    labels: Path | None = typer.Option(
        None,
        help="Reviewer reason labels (reasons.jsonl or a gold YAML) to score reasons against; "
        "default: the rationale labeller's reading of the letters.",
    ),
) -> None:
    """Measure the assist against the reviewers' real decisions, reasons and facts.

    With --half development it also reports, per service category, the reason codes the
    reviewers apply (`assist reasons`) beside those the knowledge base can give."""
    from openimr.assist.evaluate import cross_validate, held_out, read_reason_labels
    from openimr.assist.evaluate_report import repeated_lines, report_html, summary_lines
    from openimr.assist.halves import split_letters
    from openimr.assist.reason_coverage import coverage, coverage_lines
    from openimr.assist.reviewer_reasons import label_letters

    errors: list[str] = []
    try:
        parsed = _letters_of_half(letters, None, errors)
        reason_labels = read_reason_labels(labels) if labels is not None else None
        development, held = split_letters(parsed)
        if half == "held_out":
            result = held_out(development, held, labels=reason_labels)
        else:
            chosen = _letters_of_half(letters, half, []) if half else parsed
            result = cross_validate(chosen, folds=folds, seed=seed, labels=reason_labels)
    except OpenIMRError as exc:
        _fail(exc.message)
    for error in errors:
        typer.echo(f"skipped: {error}", err=True)
    typer.echo("\n".join(summary_lines(result)))
    if half == "development":  # never the held-out half: it is not read to correct the KB
        typer.echo("\n".join(coverage_lines(coverage(label_letters(chosen)))))
    if repeats > 1 and half != "held_out":
        seeds = list(range(seed, seed + repeats))
        source = development if half == "development" else parsed
        typer.echo("\n".join(repeated_lines(source, folds, seeds, reason_labels)))
    if report is not None:
        report.write_text(report_html(result), encoding="utf-8")
        typer.echo(f"report written to {report}")


@app.command()
def reasons(
    letters: Path = typer.Option(..., help="Folder of letters (text/PDF) or letter-parse JSONL."),
    half: str | None = typer.Option(None, help=_HALF_HELP),
) -> None:
    """The reviewers' deciding reasons: one JSON line per disputed item, with its primary
    and secondary codes (../shared/docs/reasons.md) and the phrase of the rationale that
    carries each."""
    from openimr.assist.reviewer_reasons import label_letters

    errors: list[str] = []
    parsed = _letters_of_half(letters, half, errors)
    for error in errors:
        typer.echo(f"skipped: {error}", err=True)
    for record in label_letters(parsed):
        sys.stdout.write(json.dumps(record) + "\n")
    raise typer.Exit(1 if errors else 0)


@app.command()
def summarize(
    records_dir: Path = typer.Argument(..., help="Folder of the case's records (.txt / .pdf)."),
    as_json: bool = typer.Option(False, "--json", help="JSON: sentences with their sources."),
    ocr: bool = typer.Option(
        True, help="Read scanned PDF pages with Tesseract when it is installed."
    ),
) -> None:
    """Draft the clinical case summary from a folder of records, each sentence with its source.

    Files are numbered D1, D2, ... in name order; each sentence ends with e.g. "[D4 p1]".
    A scanned page is read by OCR when Tesseract is installed; otherwise the draft names it
    as unread. A file that cannot be read at all, or a page left unread, is listed on stderr
    and the exit code is 1; the other records are still summarised.
    """
    from openimr.assist.records import records_from_folder
    from openimr.assist.summary import draft_case_summary
    from openimr.ocr import page_reader

    errors: list[str] = []
    reader = page_reader() if ocr else None
    try:
        records = records_from_folder(records_dir, errors, ocr=reader)
        if not records:
            _fail(f"{records_dir}: no readable record ({len(errors)} unreadable)")
        draft = draft_case_summary(records)
    except OpenIMRError as exc:
        _fail(exc.message)
    why = "no OCR available" if reader is None else "OCR found no text"
    for record in records:
        if record.unread_pages:
            pages = ", ".join(map(str, record.unread_pages))
            errors.append(
                f"{record.document_id} {record.filename}: page {pages} has no text layer "
                f"(scanned image) and was not read ({why}); the draft names it"
            )
    for error in errors:
        typer.echo(f"skipped: {error}" if "not read" not in error else f"unread: {error}", err=True)
    if as_json:
        payload = {
            **draft.to_dict(),
            "documents": [
                {
                    "document_id": r.document_id,
                    "filename": r.filename,
                    "title": r.title,
                    "kind": r.kind,
                    "type": r.doc_type,
                    "unread_pages": list(r.unread_pages),
                    "ocr_pages": list(r.ocr_pages),
                }
                for r in records
            ],
            "errors": errors,
        }
        typer.echo(json.dumps(payload, indent=2))
    else:
        typer.echo(draft.text())
        typer.echo("")
        typer.echo("Sources:")
        for record in records:
            read = " - NOT READ (scanned, no text)" if record.unread else ""
            read = read or (" - read by OCR" if record.ocr_pages else "")
            name = f"{record.document_id}: {record.filename} - {record.title}"
            typer.echo(f"{name} ({record.doc_type}){read}")
    raise typer.Exit(1 if errors else 0)


DmhcData = typer.Option(
    ..., "--data", help="DMHC IMR decisions (the state's CSV), files or folders."
)


def _dmhc_decisions(data: list[Path]) -> tuple[list[DmhcDecision], str]:
    from openimr.assist.dmhc import load_decisions
    from openimr.corpus.dmhc import discover_dmhc

    files = list(discover_dmhc(data))
    if not files:
        _fail("no DMHC decision file (.csv) under " + ", ".join(map(str, data)))
    try:
        decisions, sha = load_decisions(files)
    except OpenIMRError as exc:
        _fail(exc.message)
    return decisions, sha


@app.command("dmhc-evaluate")
def dmhc_evaluate(
    data: list[Path] = DmhcData,
    learn_to: int = typer.Option(2012, help="Learn on years up to this one, measure after."),
) -> None:
    """Measure the DMHC p_overturn by time: settings chosen on the last two learnt years,
    learnt up to --learn-to, AUC and Brier on the later years (JSON)."""
    from openimr.assist.dmhc import evaluate

    decisions, sha = _dmhc_decisions(data)
    try:
        result = evaluate(decisions, learn_to, sha)
    except OpenIMRError as exc:
        _fail(exc.message)
    typer.echo(json.dumps(result.to_dict(), indent=1))


@app.command("dmhc-train")
def dmhc_train(
    data: list[Path] = DmhcData,
    out: Path = typer.Option(..., "--out", help="The model file to write (JSON)."),
    learn_to: int = typer.Option(2016, help="Learn on years up to this one."),
) -> None:
    """Learn the DMHC p_overturn model (settings chosen as dmhc-evaluate does) and save it."""
    from openimr.assist.dmhc import choose_settings, fit

    decisions, sha = _dmhc_decisions(data)
    try:
        c, half_life, _ = choose_settings(decisions, learn_to)
        learn = [d for d in decisions if d.report_year <= learn_to]
        model = fit(learn, c=c, half_life=half_life, data_sha256=sha)
    except OpenIMRError as exc:
        _fail(exc.message)
    model.save(out)
    typer.echo(
        f"{out}: learnt on {model.decisions} decisions {model.learnt_years[0]}-"
        f"{model.learnt_years[1]} (C={c}, half-life {half_life} years)"
    )
