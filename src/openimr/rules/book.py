"""Every rule of a jurisdiction in force on a day, with its citation and verification.

The page a compliance officer reads (`openimr rules show`): the clocks, the eligibility
grounds, who receives each notice, the reviewer policy and the holidays of a year, each with
its citation, whether it was verified against the primary text, and the sources read. Built
from the same loaded rule data the service uses, as JSON-ready dicts; `book_markdown` lays
them out.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from openimr.rules.cited import Source
from openimr.rules.clocks import ClockRule, load_clock_pack
from openimr.rules.grounds import describe
from openimr.rules.notices import load_notice_rules
from openimr.rules.pack import grounds_of, load_pack
from openimr.rules.reviewer_policy import reviewer_policy


def _sources(sources: list[Source]) -> list[dict[str, str | None]]:
    return [{"title": s.title, "url": s.url} for s in sources]


def _when(rule: ClockRule) -> str:
    parts = []
    for key, value in rule.when.model_dump(exclude_none=True).items():
        shown = ", ".join(value) if isinstance(value, list) else str(value).lower()
        parts.append(f"{key}: {shown}")
    return "; ".join(parts) or "always"


def _period(rule: ClockRule) -> str:
    unit = rule.period.unit.replace("_", " ")
    text = f"{rule.period.amount} {unit}"
    for ext in rule.extensions:
        text += (
            f"; + {ext.amount} {ext.unit.replace('_', ' ')} if served by {'/'.join(ext.service)}"
        )
    return text


def clock_entries(jurisdiction: str, as_of: date) -> list[dict[str, Any]]:
    pack = load_clock_pack(jurisdiction)
    out = []
    for clock, rule in pack.rules_in_force(as_of):
        out.append(
            {
                "clock": clock.id,
                "label": clock.label,
                "rule": rule.id,
                "applies_when": _when(rule),
                "starts": rule.starts,
                "not_before": rule.not_before,
                "period": _period(rule),
                "roll": rule.roll,
                "citation": rule.citation,
                "extensions": [
                    {
                        "service": e.service,
                        "amount": e.amount,
                        "unit": e.unit,
                        "citation": e.citation,
                        "verified": e.verified,
                    }
                    for e in rule.extensions
                ],
                "effective_from": rule.effective_from.isoformat(),
                "effective_to": rule.effective_to.isoformat() if rule.effective_to else None,
                "verified": rule.verified,
                "dates_verified": rule.dates_verified,
                "sources": _sources(rule.sources),
                "note": rule.note,
            }
        )
    return out


def eligibility_entries(jurisdiction: str, as_of: date) -> list[dict[str, Any]]:
    """The eligibility grounds in force: each with its outcome (ineligible, or deferred), its
    condition as data (`fails_when`) and in words, and its provenance."""
    grounds = grounds_of(load_pack(jurisdiction))
    return [
        {
            "ground": g.id,
            "outcome": g.outcome,
            "fails_when": g.fails_when.model_dump(
                mode="json", by_alias=True, exclude_defaults=True
            ),
            "condition": describe(g.fails_when),
            "citation": g.citation,
            "reason": " ".join(g.reason.split()),
            "effective_from": g.effective_from.isoformat(),
            "effective_to": g.effective_to.isoformat() if g.effective_to else None,
            "verified": g.verified,
            "dates_verified": g.dates_verified,
            "sources": _sources(g.sources),
            "note": g.note,
        }
        for g in grounds.in_force(as_of)
    ]


def rule_book(jurisdiction: str, as_of: date, year: int | None = None) -> dict[str, Any]:
    """Every rule of `jurisdiction` in force on `as_of`, and the holidays of `year`."""
    year = year or as_of.year
    notices = load_notice_rules(jurisdiction)
    policy = reviewer_policy(as_of, jurisdiction)
    pack = load_clock_pack(jurisdiction)
    calendar = pack.calendar  # a pack may count on a calendar another pack keeps
    book: dict[str, Any] = {
        "jurisdiction": jurisdiction,
        "as_of": as_of.isoformat(),
        "roll": {"citation": pack.data.roll_citation, "sources": _sources(pack.data.roll_sources)},
        "clocks": clock_entries(jurisdiction, as_of),
        "eligibility": eligibility_entries(jurisdiction, as_of),
        "notices": [
            {
                "kind": r.kind.value,
                "title": r.title,
                "recipients": list(r.recipients),
                "citation": r.citation,
                "verified": r.verified,
                "sources": _sources(r.sources),
                "note": r.note,
            }
            for r in notices.rules
            if r.is_effective_on(as_of)
        ],
        "reviewer_policy": {
            "citation": policy.citation,
            "effective_from": policy.effective_from.isoformat(),
            "rules": [
                {
                    "rule": name,
                    "citation": rule.citation,
                    "verified": rule.verified,
                    "sources": _sources(rule.sources),
                    "note": rule.note,
                    **({"value": rule.describe()} if hasattr(rule, "describe") else {}),
                }
                for name, rule in policy.rules
            ],
        },
        "holidays": {
            "calendar": calendar.id,
            "label": calendar.definition.label,
            "citation": calendar.definition.citation,
            "year": year,
            "days": [
                {
                    "date": day.isoformat(),
                    "weekday": day.strftime("%A"),
                    "name": h.name,
                    "citation": h.citation,
                    "observed_from": h.observed_from.isoformat() if h.observed_from else None,
                }
                for day, h in calendar.holidays_in(year).items()
            ],
            "rules": [
                {
                    "holiday": h.id,
                    "name": h.name,
                    "date_rule": h.describe_date(),
                    "citation": h.citation,
                    "effective_from": h.effective_from.isoformat(),
                    "effective_to": h.effective_to.isoformat() if h.effective_to else None,
                    "verified": h.verified,
                    "sources": _sources(h.sources),
                    "note": h.note,
                }
                for h in calendar.definition.holidays
            ],
            "not_judicial": [
                {"name": n.name, "citation": n.citation, "verified": n.verified, "note": n.note}
                for n in calendar.definition.not_judicial
            ],
        },
    }
    book["summary"] = _summary(book)
    return book


def _summary(book: dict[str, Any]) -> dict[str, int]:
    groups = ("clocks", "eligibility", "notices")
    rules = [r for g in groups for r in book[g]] + book["reviewer_policy"]["rules"]
    rules += book["holidays"]["rules"]
    return {"rules": len(rules), "verified": sum(1 for r in rules if r["verified"])}
