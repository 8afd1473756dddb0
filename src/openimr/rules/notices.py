"""Who receives each written notice of a case, and the rule that says so (notices.yaml).

The service picks a notice's recipients from the case's parties by role; a role the case
does not have (an unrepresented employee has no attorney) is simply absent. A pack without a
notices.yaml serves only its final determination, on every party role the pack marks as
receiving the letter (`receives_letter` in pack.yaml); its other notices do not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from pydantic import Field

from openimr.datafile import StrictModel, load_model
from openimr.domain.errors import RuleDataError
from openimr.domain.vocabulary import NoticeKind
from openimr.rules.cited import CitedRule, Source
from openimr.rules.loader import DEFAULT_JURISDICTION, check_no_overlap, rule_path
from openimr.rules.pack import load_pack


class NoticeRule(CitedRule):
    """One kind of notice: its title and the roles it goes to."""

    id: str = ""
    kind: NoticeKind
    title: str
    recipients: list[str] = Field(min_length=1)  # party roles of the pack


class NoticeFile(StrictModel):
    jurisdiction: str
    sources: dict[str, Source] = Field(default_factory=dict)
    notices: list[NoticeRule]


@dataclass(frozen=True)
class NoticeRules:
    rules: tuple[NoticeRule, ...]
    source: str

    def find(self, kind: NoticeKind, on: date) -> NoticeRule | None:
        return next((r for r in self.rules if r.kind is kind and r.is_effective_on(on)), None)

    def for_kind(self, kind: NoticeKind, on: date) -> NoticeRule:
        rule = self.find(kind, on)
        if rule is None:
            raise RuleDataError(
                f"{self.source}: no {kind.value} notice rule in force on {on}", field=kind.value
            )
        return rule


@lru_cache(maxsize=8)
def load_notice_rules(jurisdiction: str = DEFAULT_JURISDICTION) -> NoticeRules:
    """Load and validate `rules/data/<jurisdiction>/notices.yaml` (cached): every notice kind
    has a rule and every recipient is a party role of the pack. Without the file, the pack's
    letter recipients make its one notice, the final determination."""
    pack = load_pack(jurisdiction)
    path = rule_path("notices.yaml", jurisdiction)
    if not path.exists():
        letter = NoticeRule(
            kind=NoticeKind.FINAL_DETERMINATION,
            title="Final Determination",
            recipients=[r.id for r in pack.data.party_roles if r.receives_letter],
            citation=pack.data.citation,
            effective_from=pack.data.effective_from,
            verified=False,
            note="This pack keeps no notices.yaml: the letter goes to each party role that "
            "pack.yaml marks receives_letter.",
        )
        return NoticeRules((letter.model_copy(update={"id": letter.kind.value}),), pack.source)
    data = load_model(path, NoticeFile)
    rules = [r.model_copy(update={"id": r.kind.value}) for r in data.notices]
    check_no_overlap(list(rules), path)
    missing = set(NoticeKind) - {r.kind for r in rules}
    if missing:
        raise RuleDataError(
            f"{path}: no rule for notice kind(s) {sorted(k.value for k in missing)}",
            file=str(path),
            field="notices",
        )
    roles = {r.id for r in pack.data.party_roles}
    for rule in rules:
        unknown = [r for r in rule.recipients if r not in roles]
        if unknown:
            raise RuleDataError(
                f"{path}: notice {rule.kind.value} goes to {unknown}, not party roles of the pack",
                file=str(path),
                field=rule.kind.value,
            )
    return NoticeRules(tuple(rules), str(path))
