"""The fictional health-plan case file shipped as a FHIR R4 Bundle
(`examples/fhir_bundle_ca_dmhc.json`), for the FHIR tests to read and break."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from openimr import examples

EXAMPLE = Path(examples.__file__).parent / "fhir_bundle_ca_dmhc.json"


def dmhc_bundle() -> dict[str, Any]:
    """Patient, Coverage (payor an Organization), Claim with two items, ClaimResponse denying
    item 1, a DocumentReference inline and one pointing at a Binary (a fresh copy)."""
    data: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return data
