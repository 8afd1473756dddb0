"""`openimr assist batch` contract (docs/product.md): one line per item, errors per line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from openimr.cli import app
from openimr.evidence.schema import REASON_CODES

CASE = {
    "id": "case-1",
    "case_number": "CM00-0000001",
    "date_of_injury": "2016-10-13",
    "ur_denial_date": "2016-11-03",
    "priority": "standard",
    "clinical_case_summary": (
        "The applicant is a 48-year-old male with right shoulder pain after a fall at work on "
        "October 13, 2016. He was treated with physical therapy and medications. There were no "
        "red flags. He remained off of work."
    ),
    "items": [
        {"id": "1", "description": "MRI of the right shoulder without contrast"},
        {"id": "2", "description": "Norco 10/325mg #60"},
    ],
}
PROPOSAL_FIELDS = {
    "case_id",
    "item_id",
    "p_overturn",
    "proposal",
    "category",
    "body_region",
    "citations",
    "criteria",
    "reasons",
    "precedents",
    "rationale",
}


def _run(tmp_path: Path, lines: list[str]) -> tuple[int, list[dict]]:
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n")
    result = CliRunner().invoke(app, ["assist", "batch", str(path)])
    return result.exit_code, [json.loads(x) for x in result.stdout.splitlines() if x.strip()]


def test_batch_writes_one_contract_line_per_item(tmp_path: Path) -> None:
    code, out = _run(tmp_path, [json.dumps(CASE)])
    assert code == 0
    assert [(o["case_id"], o["item_id"]) for o in out] == [("case-1", "1"), ("case-1", "2")]
    for record in out:
        assert set(record) >= PROPOSAL_FIELDS
        assert 0.0 <= record["p_overturn"] <= 1.0
        assert record["proposal"] in ("uphold", "overturn", "insufficient", "undecided")
        for criterion in record["criteria"]:
            assert criterion["status"] in ("met", "not_met", "insufficient")
        labels = [c["criterion"] for c in record["criteria"]]
        assert len(labels) == len(set(labels)), "a criterion is named twice"
        assert record["reasons"], "every item gets a reason list"
        for reason in record["reasons"]:
            assert set(reason) >= {"code", "criterion", "status", "evidence"}
            assert reason["code"] in REASON_CODES
            if reason["evidence_kind"] == "silence":
                assert reason["evidence"].startswith("the record does not")
        if record["proposal"] == "overturn":
            assert record["reasons"][0]["code"] == "criteria_met"
    assert out[0]["category"] == "imaging/mri"
    assert out[0]["body_region"] == "shoulder"


def test_bad_line_gives_an_error_line_with_its_number_and_the_batch_goes_on(
    tmp_path: Path,
) -> None:
    missing_items = {k: v for k, v in CASE.items() if k != "items"}
    code, out = _run(tmp_path, ["{not json", json.dumps(missing_items), json.dumps(CASE)])
    assert code == 1
    assert out[0]["line"] == 1 and "in.jsonl:1: not valid JSON" in out[0]["error"]
    assert out[1]["line"] == 2 and out[1]["field"] == "items" and "items" in out[1]["error"]
    assert [o.get("item_id") for o in out[2:]] == ["1", "2"]


def test_precedents_never_come_from_the_same_case(tmp_path: Path) -> None:
    # Under another case number, a published case is the closest precedent of the MRI item...
    _, elsewhere = _run(tmp_path, [json.dumps(CASE)])
    closest = elsewhere[0]["precedents"][0]["case_number"]
    # ...under its own number it never appears, and the other precedents remain.
    case = {**CASE, "case_number": closest}
    _, out = _run(tmp_path, [json.dumps(case)])
    assert out and all(record["precedents"] for record in out)
    for record in out:
        assert all(p["case_number"] != closest for p in record["precedents"])


def test_missing_input_file_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["assist", "batch", str(tmp_path / "absent.jsonl")])
    assert result.exit_code == 2
    assert "absent.jsonl: cannot read: No such file" in result.output


def _letter(n: int, overturned: bool) -> dict:
    """A made-up parsed letter in our own words (no real letter text)."""
    region = "knee" if n % 2 else "lumbar spine"
    return {
        "case_number": f"CM00-{n:07d}",
        "date_of_injury": "2016-09-01",
        "ur_denial_date": "2016-11-01",
        "clinical_case_summary": (
            f"The applicant is a {30 + n}-year-old worker with {region} pain after lifting at "
            "work. Physical therapy was tried. "
            + ("Locking and giving way were reported. " if overturned else "No red flags. ")
        ),
        "items": [
            {
                "description": f"MRI of the {region}",
                "decision": "overturned" if overturned else "upheld",
                "imr_guideline": [{"source": "MTUS", "guideline": "Knee Complaints"}],
            },
            {"description": "Norco 10/325 #60", "decision": "upheld", "imr_guideline": []},
        ],
    }


def test_train_writes_an_artifact_that_batch_loads_without_retraining(tmp_path: Path) -> None:
    letters = tmp_path / "letters.jsonl"
    letters.write_text("\n".join(json.dumps(_letter(n, n % 3 == 0)) for n in range(12)) + "\n")
    out = tmp_path / "model"
    runner = CliRunner()
    result = runner.invoke(app, ["assist", "train", "--letters", str(letters), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "12 letters, 24 items (4 overturned)" in result.stdout
    meta = json.loads((out / "model.json").read_text())["meta"]
    assert len(meta["training_data_sha256"]) == 64
    cases = tmp_path / "in.jsonl"
    cases.write_text(json.dumps(CASE) + "\n")
    result = runner.invoke(app, ["assist", "batch", str(cases), "--model", str(out)])
    assert result.exit_code == 0, result.output
    precedents = [p for line in result.stdout.splitlines() for p in json.loads(line)["precedents"]]
    assert precedents and all(p["case_number"].startswith("CM00-") for p in precedents)


def test_evaluate_prints_the_figures_and_writes_a_report(tmp_path: Path) -> None:
    letters = tmp_path / "letters.jsonl"
    letters.write_text("\n".join(json.dumps(_letter(n, n % 3 == 0)) for n in range(18)) + "\n")
    report = tmp_path / "report.html"
    result = CliRunner().invoke(
        app,
        ["assist", "evaluate", "--letters", str(letters), "--folds", "2", "--report", str(report)],
    )
    assert result.exit_code == 0, result.output
    for label in ("AUC (overturned)", "Cohen's kappa", "Brier score", "citation match"):
        assert label in result.stdout
    assert "data:image/png;base64," in report.read_text()
    for label in (
        "reason accuracy@1",
        "proposal 'uphold'",
        "constant 0.11",
        "facts the rationales",
    ):
        assert label in result.stdout


def _dev_named_letter(n: int, overturned: bool) -> dict:
    letter = _letter(n, overturned)
    # case numbers whose SHA-256 is even fall in the development half (assist.halves)
    letter["case_number"] = f"CM16-{n:07d}"
    return letter


def test_evaluate_refuses_an_unknown_half(tmp_path: Path) -> None:
    letters = tmp_path / "letters.jsonl"
    letters.write_text(json.dumps(_letter(1, False)) + "\n")
    result = CliRunner().invoke(
        app, ["assist", "evaluate", "--letters", str(letters), "--half", "odd"]
    )
    assert result.exit_code == 2
    assert "--half" in result.output


def test_evaluate_held_out_trains_on_one_half_and_measures_the_other(tmp_path: Path) -> None:
    from openimr.assist.halves import half_of

    letters = [_dev_named_letter(n, n % 3 == 0) for n in range(40)]
    halves = {half_of(x["case_number"]) for x in letters}
    assert halves == {"development", "held_out"}
    path = tmp_path / "letters.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in letters) + "\n")
    result = CliRunner().invoke(
        app, ["assist", "evaluate", "--letters", str(path), "--half", "held_out"]
    )
    assert result.exit_code == 0, result.output
    assert "held-out letters" in result.stdout
    held = sum(half_of(x["case_number"]) == "held_out" for x in letters)
    assert f": {2 * held} items" in result.stdout


def test_reasons_labels_every_item_with_codes_and_phrases(tmp_path: Path) -> None:
    letter = _letter(1, False)
    letter["items"][0]["rationale"] = (
        "The guideline supports imaging when red flags are present. In this case, the record "
        "does not document any red flags or a focal neurological deficit. Therefore the MRI is "
        "not medically necessary."
    )
    letter["items"][1]["rationale"] = (
        "Continued opioid use requires documented functional improvement. The records show no "
        "objective functional improvement with Norco and no recent urine drug screen. The "
        "request is not medically necessary."
    )
    path = tmp_path / "letters.jsonl"
    path.write_text(json.dumps(letter) + "\n")
    result = CliRunner().invoke(app, ["assist", "reasons", "--letters", str(path)])
    assert result.exit_code == 0, result.output
    first, second = (json.loads(x) for x in result.stdout.splitlines())
    assert first["primary"]["code"] == "indication_not_documented"
    assert "red flags" in first["primary"]["phrase"]
    assert second["primary"]["code"] == "no_functional_improvement"
    assert "monitoring_not_documented" in {s["code"] for s in second["secondary"]}


def test_a_health_plan_line_gets_the_category_rates_not_the_mtus(tmp_path: Path) -> None:
    line = {
        "id": "hp-1", "jurisdiction": "ca_dmhc", "review_type": "medical_necessity",
        "facts": {"treatment_category": "Mental Health Treatment",
                  "diagnosis_category": "Mental"},
        "clinical_case_summary": "Residential treatment for an eating disorder.",
        "items": [{"id": "1", "description": "Residential treatment, 30 days"}],
    }  # fmt: skip
    bad = {**line, "id": "hp-2", "jurisdiction": "xx_none"}
    code, (out, error) = _run(tmp_path, [json.dumps(line), json.dumps(bad)])
    assert code == 1
    assert (out["case_id"], out["proposal"], out["citations"]) == ("hp-1", "undecided", [])
    assert set(out) >= PROPOSAL_FIELDS and out["reasons"][0]["code"] in REASON_CODES
    assert "California DMHC" in out["rationale"]
    assert "unknown jurisdiction 'xx_none'" in error["error"] and error["line"] == 2


def _with_rationales(letter: dict) -> dict:
    for item in letter["items"]:
        item["rationale"] = (
            "The guideline supports this when red flags are present. In this case the record "
            "does not document any red flags. The request is not medically necessary."
            if item["decision"] == "upheld"
            else "The criteria are met. The request is medically necessary."
        )
    return letter


def test_evaluate_development_reports_the_reasons_reviewers_apply_per_category(
    tmp_path: Path,
) -> None:
    from openimr.assist.halves import half_of

    letters = [_with_rationales(_dev_named_letter(n, n % 3 == 0)) for n in range(40)]
    path = tmp_path / "letters.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in letters) + "\n")
    runner = CliRunner()
    result = runner.invoke(
        app, ["assist", "evaluate", "--letters", str(path), "--half", "development"]
    )
    assert result.exit_code == 0, result.output
    assert "reasons reviewers apply vs what the knowledge base can give" in result.stdout
    upheld = sum(
        item["decision"] == "upheld"
        for x in letters
        if half_of(x["case_number"]) == "development"
        for item in x["items"]
    )
    assert f" of {upheld} (" in result.stdout
    assert "imaging/mri" in result.stdout.split("reasons reviewers apply", 1)[1]
    held = runner.invoke(app, ["assist", "evaluate", "--letters", str(path), "--half", "held_out"])
    assert held.exit_code == 0, held.output
    assert "reasons reviewers apply" not in held.stdout
