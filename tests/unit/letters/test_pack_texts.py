"""Every jurisdiction's letter and notice wording is found the same way, in its pack folder
(issue #14); what stays under letters/data belongs to no jurisdiction."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from openimr.datafile import read_yaml
from openimr.domain.errors import RuleDataError
from openimr.domain.vocabulary import NoticeKind
from openimr.letters import notice_text as notice_text_module
from openimr.letters import texts as texts_module
from openimr.letters.notice_text import notice_text
from openimr.letters.texts import letter_text, validate_letters
from openimr.rules import loader
from openimr.rules import pack as pack_module
from openimr.rules.notices import load_notice_rules
from openimr.rules.pack import jurisdictions, load_pack

LETTERS_DATA = Path(texts_module.__file__).parent / "data"
PACK_IDS = ("ca_dwc", "ca_dmhc", "us_federal", "hi_external")
# Words a jurisdiction's own wording carries; none may be in the shared files' data.
PROGRAMME_WORDS = ("4610", "9792", "Workers' Compensation", "Administrative Director", "DMHC")


def _strings(value: object) -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (str(k), *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [str(value)]


def test_every_pack_keeps_its_letter_in_its_folder() -> None:
    for jurisdiction in jurisdictions():
        assert loader.rule_path("letter.yaml", jurisdiction).exists(), jurisdiction
    assert "4610.6(h)" in letter_text("ca_dwc").appeal_must_cite  # type: ignore[operator]
    assert letter_text("ca_dwc").state_name("ca") == "California"
    assert letter_text("ca_dmhc").state_name("NV") == "Nevada"


def test_the_shared_letter_data_names_no_jurisdiction() -> None:
    files = sorted(p.name for p in LETTERS_DATA.glob("*.yaml"))
    assert files == ["notice_text.yaml", "state_names.yaml"]
    for path in LETTERS_DATA.glob("*.yaml"):
        data = read_yaml(path)
        assert isinstance(data, dict)
        assert "kinds" not in data and "appeal_rights" not in data, path.name
        words = " ".join(_strings(data))
        hits = [w for w in (*PACK_IDS, *PROGRAMME_WORDS) if w in words]
        assert hits == [], f"{path.name} carries {hits}"


def test_ca_dwc_notices_come_from_its_pack_and_declare_under_california_law() -> None:
    text = notice_text("ca_dwc")
    served = {r.kind for r in load_notice_rules("ca_dwc").rules}
    assert set(text.kinds) == served - {NoticeKind.FINAL_DETERMINATION}
    assert "laws of the State of California" in text.proof_of_service
    assert "9792.10.4(b)" in text.kinds[NoticeKind.ASSIGNMENT].before[0]


def test_a_pack_serving_only_its_letter_needs_no_notice_text() -> None:
    for jurisdiction in ("ca_dmhc", "us_federal"):
        text = notice_text(jurisdiction)
        assert text.kinds == {}
        assert "California" not in text.proof_of_service
        assert text.proof_of_service.startswith("I, {server}, of {organization}, certify")


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    copy = tmp_path / "data"
    shutil.copytree(loader.DATA_DIR, copy)
    monkeypatch.setattr(loader, "DATA_DIR", copy)
    monkeypatch.setattr(pack_module, "DATA_DIR", copy)
    caches = [load_pack, load_notice_rules, letter_text, notice_text_module.notice_text]
    for cache in caches:
        cache.cache_clear()
    yield copy
    for cache in caches:
        cache.cache_clear()


def test_a_pack_without_its_letter_is_refused_at_start_up(data_copy: Path) -> None:
    (data_copy / "us_federal" / "letter.yaml").unlink()
    with pytest.raises(RuleDataError, match="us_federal has no letter.yaml"):
        validate_letters(jurisdictions())


def test_a_pack_serving_notices_without_their_text_is_refused(data_copy: Path) -> None:
    (data_copy / "ca_dwc" / "notice_text.yaml").unlink()
    with pytest.raises(RuleDataError, match="ca_dwc serves notices but has no notice_text.yaml"):
        validate_letters(jurisdictions())


def test_a_notice_text_for_a_notice_the_pack_does_not_serve_is_refused(data_copy: Path) -> None:
    shutil.copy(data_copy / "ca_dwc" / "notice_text.yaml", data_copy / "ca_dmhc")
    with pytest.raises(RuleDataError, match="ca_dmhc serves as no notice of its own"):
        notice_text("ca_dmhc")
