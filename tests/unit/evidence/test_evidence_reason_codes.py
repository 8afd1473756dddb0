"""Every criterion of the knowledge base names the deciding reason that fails when it is not
met (../shared/docs/reasons.md): by its own `reason`, else its fact's `fails_as`."""

from __future__ import annotations

from openimr.evidence.engine import evaluate_criterion
from openimr.evidence.kb import load_kb
from openimr.evidence.schema import REASON_CODES, Criterion
from openimr.evidence.vocab import fact_index


def _leaves(node: Criterion | None) -> list[Criterion]:
    if node is None:
        return []
    if node.fact is not None:
        return [node]
    return [leaf for child in node.all or node.any or node.of or () for leaf in _leaves(child)]


def test_every_fact_names_the_reason_it_fails_as() -> None:
    assert all(fact.fails_as in REASON_CODES for fact in fact_index().values())


def test_every_knowledge_base_criterion_maps_to_a_reason_code() -> None:
    kb = load_kb()
    unmapped = []
    for rec in kb.recommendations:
        for leaf in _leaves(rec.criteria):
            code = leaf.reason or kb.fact_reasons.get(leaf.fact or "")
            if code not in REASON_CODES:
                unmapped.append((rec.id, leaf.label))
    assert not unmapped


def test_a_failed_criterion_carries_its_code_up_the_tree() -> None:
    kb = load_kb()
    tree = Criterion(
        label="imaging indications",
        all=(
            Criterion(label="red flags", fact="red_flags"),
            Criterion(label="short use", fact="medication_duration_weeks", op="le", value=3),
        ),
    )
    result = evaluate_criterion(tree, {"red_flags": False}, kb.fact_reasons)
    assert result.status == "not_met" and result.reason == "indication_not_documented"
    result = evaluate_criterion(
        tree, {"red_flags": True, "medication_duration_weeks": 10.0}, kb.fact_reasons
    )
    assert result.reason == "duration_exceeds"
