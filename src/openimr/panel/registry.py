"""The reviewer registry: import and export as JSON or CSV, validated record by record.

JSON (`{"reviewers": [...], "relations": [...]}`; the `panel assign` contract of docs/product.md,
extra fields allowed and ignored):

    reviewer  id (str, unique), name?, profession ("MD", "DO", "DC", "PhD", "PsyD", "DPM",
              "LAc", "OD", "DDS", "DMD", ...), specialties [str] (NUCC vocabulary names, aliases
              or codes of panel/data/specialties.yaml; other names are kept and matched by exact
              name only, with a warning), board_certifications [str | {board, expires?}],
              licenses [{state, expires (ISO date), number?}], years_active_practice (>= 0),
              hours_per_week (0..168), capacity (cases a week, >= 0; default 10),
              open_cases (cases already held this week; default 0), affiliations [key],
              financial_interests [key], active (default true), credentials_verified_on (date?),
              disciplinary_actions [str], unavailable [{from, to}], languages [str],
              dea {number, expires}?
    relation  {source, kind, target}: a graph edge such as
              {"source": "person:dr-lee", "kind": "works_for", "target": "org:valley-ortho"}

CSV: one reviewer a row, columns named as above; list cells are separated by ";", licences are
`STATE:YYYY-MM-DD[:NUMBER]`, board certifications `BOARD[:YYYY-MM-DD]`, unavailability
`YYYY-MM-DD..YYYY-MM-DD`. Relations do not fit a reviewer row: keep them in JSON.

A bad record raises InvalidInput naming the record (index and id) and the field; duplicate ids
are an error. Credentials are re-verified on a schedule (URAC IRO: at least every 3 years;
`reverification_schedule`).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator

from openimr.domain.errors import InvalidInput
from openimr.domain.reviewer import BoardCertification, License
from openimr.inputs import (
    DEFAULT_LIMITS,
    InputLimits,
    decode_text,
    loads,
    read_input_file,
    whole_file,
)
from openimr.panel.conflicts import RelationGraph
from openimr.panel.model import DeaRegistration, PanelReviewer, Unavailability
from openimr.panel.qualification import add_years
from openimr.panel.records import (
    IdentifiedIn,
    InputModel,
    IsoDate,
    in_file,
    invalid,
    validate_records,
)
from openimr.panel.specialties import SpecialtyMap, default_specialty_map
from openimr.rules.reviewer_policy import ReviewerPolicy


class LicenceIn(InputModel):
    state: str = Field(min_length=2)
    expires: IsoDate
    number: str | None = None


class BoardIn(InputModel):
    board: str = Field(min_length=1)
    expires: IsoDate | None = None


class PeriodIn(InputModel):
    start: IsoDate = Field(alias="from")
    end: IsoDate = Field(alias="to")


class DeaIn(InputModel):
    number: str
    expires: IsoDate


class ReviewerIn(IdentifiedIn):
    name: str | None = None
    profession: str = Field(min_length=1)
    specialties: list[str] = Field(min_length=1)
    board_certifications: list[BoardIn] = Field(default_factory=list)
    licenses: list[LicenceIn] = Field(default_factory=list)
    years_active_practice: float = Field(ge=0, le=80)
    hours_per_week: float = Field(ge=0, le=168)
    capacity: int = Field(default=10, ge=0)
    open_cases: int = Field(default=0, ge=0)
    affiliations: list[str] = Field(default_factory=list)
    financial_interests: list[str] = Field(default_factory=list)
    active: bool = True
    credentials_verified_on: IsoDate | None = None
    disciplinary_actions: list[str] = Field(default_factory=list)
    unavailable: list[PeriodIn] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    dea: DeaIn | None = None

    @field_validator("board_certifications", mode="before")
    @classmethod
    def _boards(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"board": v} if isinstance(v, str) else v for v in value]
        return value

    def to_reviewer(self) -> PanelReviewer:
        return PanelReviewer(
            reviewer_id=self.id,
            name=self.name or self.id,
            profession=self.profession,
            specialties=list(self.specialties),
            board_certifications=[
                BoardCertification(b.board, b.expires) for b in self.board_certifications
            ],
            licenses=[License(x.state, x.expires, x.number) for x in self.licenses],
            years_active_practice=self.years_active_practice,
            hours_per_week=self.hours_per_week,
            affiliations=list(self.affiliations),
            financial_interests=list(self.financial_interests),
            capacity_per_week=self.capacity,
            active=self.active,
            credentials_verified_on=self.credentials_verified_on,
            disciplinary_actions=list(self.disciplinary_actions),
            unavailable=[Unavailability(p.start, p.end) for p in self.unavailable],
            languages=list(self.languages),
            dea=DeaRegistration(self.dea.number, self.dea.expires) if self.dea else None,
            open_cases=self.open_cases,
        )


class RelationIn(InputModel):
    source: str = Field(min_length=1)
    kind: str = Field(min_length=1)
    target: str = Field(min_length=1)


@dataclass
class Registry:
    """The panel: reviewers, the relation graph, and warnings found on import."""

    reviewers: list[PanelReviewer]
    relations: RelationGraph
    warnings: list[str]


def parse_registry(
    data: Any, *, specialties: SpecialtyMap | None = None, lines: list[int] | None = None
) -> Registry:
    """Validate a registry document (the JSON shape above); `lines` are the file lines the
    reviewers came from (CSV), for the error messages."""
    vocabulary = specialties or default_specialty_map()
    if isinstance(data, list):
        data = {"reviewers": data}
    if not isinstance(data, dict) or not isinstance(data.get("reviewers"), list):
        raise InvalidInput('the reviewer file must be {"reviewers": [...]}', field="reviewers")
    reviewers: list[PanelReviewer] = []
    warnings: list[str] = []
    records = validate_records(
        data["reviewers"], ReviewerIn, collection="reviewers", noun="reviewer", lines=lines
    )
    for where, record in records:
        for k, name in enumerate(record.specialties):
            sid = vocabulary.resolve(name)
            if sid is None:
                warnings.append(
                    f"{where}.specialties[{k}]: {name!r} is not in the NUCC vocabulary of "
                    "panel/data/specialties.yaml; it matches only the same name"
                )
            elif record.profession not in vocabulary.professions(sid):
                warnings.append(
                    f"{where}.specialties[{k}]: {name!r} is practised by "
                    f"{'/'.join(vocabulary.professions(sid))}, not {record.profession}"
                )
        reviewers.append(record.to_reviewer())
    graph = RelationGraph()
    for index, raw in enumerate(data.get("relations") or []):
        if isinstance(raw, dict) and "source" not in raw and "from" in raw:
            raw = {"source": raw.get("from"), "kind": raw.get("kind"), "target": raw.get("to")}
        try:
            rel = RelationIn.model_validate(raw)
        except ValidationError as exc:
            raise invalid(f"relations[{index}]", exc) from exc
        graph.add(rel.source, rel.kind, rel.target)
    return Registry(reviewers, graph, warnings)


def load_registry(path: Path | str, limits: InputLimits = DEFAULT_LIMITS) -> Registry:
    """Read a registry from a .json or .csv file (UTF-8, or UTF-16/32 with a byte-order
    mark); every problem names the file."""
    path = Path(path)
    try:
        raw = read_input_file(path, limits)
        if path.suffix.lower() == ".csv":
            rows, lines = _rows_from_csv(decode_text(raw, str(path)), str(path))
            return parse_registry({"reviewers": rows}, lines=lines)
        return parse_registry(loads(raw, str(path), whole_file(limits)))
    except InvalidInput as err:
        raise in_file(err, path) from err


# -- export -------------------------------------------------------------------------------
def reviewer_to_dict(r: PanelReviewer) -> dict[str, Any]:
    return {
        "id": r.reviewer_id,
        "name": r.name,
        "profession": r.profession,
        "specialties": list(r.specialties),
        "board_certifications": [
            {"board": b.board, "expires": b.expires_on.isoformat() if b.expires_on else None}
            for b in r.board_certifications
        ],
        "licenses": [
            {"state": x.state, "expires": x.expires_on.isoformat(), "number": x.number}
            for x in r.licenses
        ],
        "years_active_practice": r.years_active_practice,
        "hours_per_week": r.hours_per_week,
        "capacity": r.capacity_per_week,
        "open_cases": r.open_cases,
        "affiliations": list(r.affiliations),
        "financial_interests": list(r.financial_interests),
        "active": r.active,
        "credentials_verified_on": (
            r.credentials_verified_on.isoformat() if r.credentials_verified_on else None
        ),
        "disciplinary_actions": list(r.disciplinary_actions),
        "unavailable": [
            {"from": p.start.isoformat(), "to": p.end.isoformat()} for p in r.unavailable
        ],
        "languages": list(r.languages),
        "dea": {"number": r.dea.number, "expires": r.dea.expires_on.isoformat()} if r.dea else None,
    }


def registry_to_json(registry: Registry) -> str:
    doc = {
        "reviewers": [reviewer_to_dict(r) for r in registry.reviewers],
        "relations": [
            {"source": x.source, "kind": x.kind, "target": x.target}
            for x in registry.relations.relations
        ],
    }
    return json.dumps(doc, indent=2) + "\n"


CSV_COLUMNS = [
    "id", "name", "profession", "specialties", "board_certifications", "licenses",
    "years_active_practice", "hours_per_week", "capacity", "open_cases", "affiliations",
    "financial_interests", "active", "credentials_verified_on", "disciplinary_actions",
    "unavailable", "languages", "dea",
]  # fmt: skip


def registry_to_csv(registry: Registry) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in registry.reviewers:
        writer.writerow(
            {
                "id": r.reviewer_id,
                "name": r.name,
                "profession": r.profession,
                "specialties": ";".join(r.specialties),
                "board_certifications": ";".join(
                    b.board + (f":{b.expires_on.isoformat()}" if b.expires_on else "")
                    for b in r.board_certifications
                ),
                "licenses": ";".join(
                    f"{x.state}:{x.expires_on.isoformat()}" + (f":{x.number}" if x.number else "")
                    for x in r.licenses
                ),
                "years_active_practice": f"{r.years_active_practice:g}",
                "hours_per_week": f"{r.hours_per_week:g}",
                "capacity": r.capacity_per_week,
                "open_cases": r.open_cases,
                "affiliations": ";".join(r.affiliations),
                "financial_interests": ";".join(r.financial_interests),
                "active": "true" if r.active else "false",
                "credentials_verified_on": (
                    r.credentials_verified_on.isoformat() if r.credentials_verified_on else ""
                ),
                "disciplinary_actions": ";".join(r.disciplinary_actions),
                "unavailable": ";".join(f"{p.start}..{p.end}" for p in r.unavailable),
                "languages": ";".join(r.languages),
                "dea": f"{r.dea.number}:{r.dea.expires_on.isoformat()}" if r.dea else "",
            }
        )
    return out.getvalue()


def _split(cell: str | None) -> list[str]:
    return [p.strip() for p in (cell or "").split(";") if p.strip()]


CSV_REQUIRED = ("id", "profession", "specialties", "years_active_practice", "hours_per_week")


def _rows_from_csv(text: str, where: str) -> tuple[list[dict[str, Any]], list[int]]:
    """CSV rows as JSON-shaped records, and the line each began on; malformed cells are left
    for pydantic to name. A file without the required header, or without one reviewer row,
    is refused: a garbage file must not pass as an empty panel."""
    rows: list[dict[str, Any]] = []
    lines: list[int] = []
    try:
        reader = csv.DictReader(io.StringIO(text))
        header = [h.strip() for h in (reader.fieldnames or []) if h]
    except csv.Error as err:
        raise InvalidInput(f"{where}: not a CSV file ({err})", field="header") from err
    missing = [c for c in CSV_REQUIRED if c not in header]
    if missing:
        raise InvalidInput(
            f"{where}:1: the header lacks {', '.join(missing)} (columns: {', '.join(CSV_COLUMNS)})",
            field="header",
        )
    try:
        for row in reader:
            lines.append(reader.line_num)
            rows.append(_csv_record(row))
    except csv.Error as err:
        raise InvalidInput(f"{where}:{reader.line_num}: bad CSV ({err})", field="line") from err
    if not rows:
        raise InvalidInput(f"{where}: no reviewer rows under the header", field="reviewers")
    return rows, lines


def _csv_record(row: dict[str, Any]) -> dict[str, Any]:
    """One CSV row as a JSON-shaped reviewer record."""
    rec: dict[str, Any] = {k: (v if v != "" else None) for k, v in row.items() if k}
    for key in (
        "specialties",
        "affiliations",
        "financial_interests",
        "disciplinary_actions",
        "languages",
    ):
        rec[key] = _split(row.get(key))
    rec["licenses"] = []
    for cell in _split(row.get("licenses")):
        parts = cell.split(":")
        lic: dict[str, Any] = {
            "state": parts[0],
            "expires": parts[1] if len(parts) > 1 else None,
        }
        if len(parts) > 2:
            lic["number"] = parts[2]
        rec["licenses"].append(lic)
    rec["board_certifications"] = []
    for cell in _split(row.get("board_certifications")):
        board, _, expires = cell.partition(":")
        rec["board_certifications"].append({"board": board, "expires": expires or None})
    rec["unavailable"] = []
    for cell in _split(row.get("unavailable")):
        start, _, end = cell.partition("..")
        rec["unavailable"].append({"from": start, "to": end or None})
    dea = row.get("dea")
    if dea:
        number, _, expires = dea.partition(":")
        rec["dea"] = {"number": number, "expires": expires or None}
    else:
        rec.pop("dea", None)
    for key in ("active",):
        if rec.get(key) is None:
            rec.pop(key, None)
    for key in ("capacity", "open_cases", "name", "credentials_verified_on"):
        if rec.get(key) is None:
            rec.pop(key, None)
    return rec


# -- credential re-verification -----------------------------------------------------------
@dataclass(frozen=True)
class Recheck:
    """A credential to re-verify: what, when it falls due, and whether it already lapsed."""

    reviewer_id: str
    what: str
    due: date
    overdue: bool


def reverification_schedule(
    reviewers: list[PanelReviewer], as_of: date, policy: ReviewerPolicy, *, horizon_days: int = 90
) -> list[Recheck]:
    """Credentials due for re-verification or expiring within `horizon_days`, soonest first.

    URAC IRO practice (docs/landscape.md §1.1): credentials verified before any assignment and
    re-verified at least every `credential_reverification.every_years` years.
    """
    every = policy.rules.credential_reverification.every_years
    out: list[Recheck] = []
    for r in reviewers:
        dues: list[tuple[str, date]] = []
        if r.credentials_verified_on is None:
            dues.append(("credentials never verified", as_of))
        else:
            dues.append(
                (
                    f"credential file (verified {r.credentials_verified_on})",
                    add_years(r.credentials_verified_on, every),
                )
            )
        dues += [(f"licence {x.state}", x.expires_on) for x in r.licenses]
        dues += [(f"board {b.board}", b.expires_on) for b in r.board_certifications if b.expires_on]
        if r.dea:
            dues.append(("DEA registration", r.dea.expires_on))
        for what, due in dues:
            if (due - as_of).days <= horizon_days:
                out.append(Recheck(r.reviewer_id, what, due, due < as_of))
    return sorted(out, key=lambda x: (x.due, x.reviewer_id, x.what))
