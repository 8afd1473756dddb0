"""Who receives each written notice of a case, and the rule that says so (notices.yaml).

The service picks a notice's recipients from the case's parties by role; a role the case
does not have (an unrepresented employee has no attorney) is simply absent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from pydantic import Field

from openimr.datafile import StrictModel, load_model
from openimr.domain.errors import RuleDataError
from openimr.domain.vocabulary import NoticeKind, PartyRole
from openimr.rules.cited import CitedRule, Source
from openimr.rules.loader import DEFAULT_JURISDICTION, check_no_overlap, rule_path


class NoticeRule(CitedRule):
    """One kind of notice: its title and the roles it goes to."""

    id: str = ""
    kind: NoticeKind
    title: str
    recipients: list[PartyRole] = Field(min_length=1)


class NoticeFile(StrictModel):
    jurisdiction: str
    sources: dict[str, Source] = Field(default_factory=dict)
    notices: list[NoticeRule]


@dataclass(frozen=True)
class NoticeRules:
    rules: tuple[NoticeRule, ...]
    source: str

    def for_kind(self, kind: NoticeKind, on: date) -> NoticeRule:
        for rule in self.rules:
            if rule.kind is kind and rule.is_effective_on(on):
                return rule
        raise RuleDataError(
            f"{self.source}: no {kind.value} notice rule in force on {on}", field=kind.value
        )


@lru_cache(maxsize=4)
def load_notice_rules(jurisdiction: str = DEFAULT_JURISDICTION) -> NoticeRules:
    """Load and validate `rules/data/<jurisdiction>/notices.yaml` (cached); every kind of
    notice must have a rule."""
    path = rule_path("notices.yaml", jurisdiction)
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
    return NoticeRules(tuple(rules), str(path))
