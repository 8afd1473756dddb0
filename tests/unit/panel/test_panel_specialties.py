"""Specialty matching as data: NUCC vocabulary, same/similar levels, fit scores."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from openimr.domain.errors import RuleDataError
from openimr.panel.specialties import DATA_PATH, default_specialty_map, load_specialty_map

VOCAB = default_specialty_map()
CATEGORIES = Path(__file__).resolve().parents[3] / "src/openimr/evidence/data/categories.yaml"


def need_for(*items: str, condition: str = ""):
    from openimr.panel.screening import item_category

    placed = [(d, *item_category(d)) for d in items]
    regions = tuple(r for _, _, rs in placed for r in rs)
    return VOCAB.need(condition, [(d, c) for d, c, _ in placed], None, regions)


def level(specialty: str, need) -> str | None:
    sid = VOCAB.resolve(specialty)
    match = VOCAB.match(frozenset({sid}), frozenset({sid}), True, need)
    return None if match is None else match.level


def test_every_specialty_has_a_nucc_taxonomy_code_of_the_right_shape():
    for spec in VOCAB.data.specialties:
        assert re.fullmatch(r"[0-9]{3}[0-9A-Z]{6}X", spec.nucc), spec


def test_letter_spellings_resolve_to_the_vocabulary():
    assert VOCAB.resolve("Family Practice") == "family-medicine"
    assert VOCAB.resolve("Orthopedic Surgery") == "orthopaedic-surgery"
    assert VOCAB.resolve("Pain Management") == "pain-medicine"
    assert VOCAB.resolve("207X00000X") == "orthopaedic-surgery"
    assert VOCAB.resolve("Astrology") is None


def test_every_evidence_category_has_a_specialty_entry():
    data = yaml.safe_load(CATEGORIES.read_text())
    assert data["categories"]
    missing = [c["id"] for c in data["categories"] if VOCAB.category_entry(c["id"]) is None]
    assert not missing, missing


def test_a_chiropractic_dispute_may_go_to_a_chiropractor():
    assert level("Chiropractic", need_for("Chiropractic care 8 visits cervical spine")) == "similar"
    assert level("Chiropractic", need_for("Chiropractic care 8 visits")) == "same"


def test_psychotherapy_goes_to_a_psychiatrist_or_psychologist_only():
    need = need_for("Psychotherapy 6 sessions", condition="depression")
    assert level("Psychiatry", need) == "same" and level("Psychology", need) == "same"
    assert level("Orthopaedic Surgery", need) is None
    assert level("Occupational Medicine", need) is None


def test_spine_surgery_goes_to_orthopaedic_or_neurosurgery():
    need = need_for("L4-5 posterior lumbar fusion")
    assert level("Orthopaedic Surgery", need) == "same"
    assert level("Neurological Surgery", need) == "same"
    assert level("Physical Medicine & Rehabilitation", need) is None
    assert level("Family Medicine", need) is None


def test_chronic_pain_medication_goes_to_pain_pmr_and_occupational_medicine():
    need = need_for("Norco 10/325mg #60")
    for spec in ("Pain Medicine", "Physical Medicine & Rehabilitation", "Occupational Medicine"):
        assert level(spec, need) == "same"
    assert level("Family Medicine", need) == "similar"


def test_same_fits_better_than_similar_and_a_missing_board_costs_fit():
    need = need_for("Norco 10/325mg #60", condition="chronic low back pain")
    occ, fam = VOCAB.resolve("Occupational Medicine"), VOCAB.resolve("Family Medicine")
    same = VOCAB.match(frozenset({occ}), frozenset({occ}), True, need)
    similar = VOCAB.match(frozenset({fam}), frozenset({fam}), True, need)
    unboarded = VOCAB.match(frozenset({occ}), frozenset(), True, need)
    assert same.fit == 1.0 > unboarded.fit > similar.fit > 0


def test_an_item_outside_the_map_falls_back_to_the_condition_then_generalists():
    # an item text that names no service is the one left without a category (a named service
    # no rule knows is filed as service/other, which the map covers)
    need = need_for("N/A", condition="carpal tunnel syndrome")
    assert level("Hand Surgery", need) == "same"
    assert level("Occupational Medicine", need_for("N/A")) == "same"


def test_an_explicit_specialty_list_accepts_only_those_and_prefers_the_first():
    need = VOCAB.need("", [], ["pmr", "occupational-medicine"])
    pmr = VOCAB.match(frozenset({"pmr"}), frozenset({"pmr"}), True, need)
    occ = VOCAB.match(
        frozenset({"occupational-medicine"}), frozenset({"occupational-medicine"}), True, need
    )
    assert pmr.fit > occ.fit
    assert VOCAB.match(frozenset({"psychiatry"}), frozenset({"psychiatry"}), True, need) is None


def test_a_map_naming_an_unknown_specialty_is_refused(tmp_path):
    data = yaml.safe_load(DATA_PATH.read_text())
    data["categories"][0]["same"].append("astrology")
    path = tmp_path / "specialties.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(RuleDataError, match="unknown specialty ids"):
        load_specialty_map(path)
